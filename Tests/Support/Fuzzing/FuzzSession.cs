using System.Net.Sockets;
using System.Net.WebSockets;

namespace CreatiWall.Fuzzing;

/// <summary>A principal the fuzzer connects as: its token, the username it gives, and the device it acts as.</summary>
internal sealed record FuzzPrincipal(string Token, string Username, string? Device);

/// <summary>
/// One fuzzed connection: TCP or WebSocket, MQTT 3.1.1 or 5; a CONNECT (mostly valid, so later packets reach the
/// broker's deeper states), then up to 24 packets, valid or mutated, written whole, coalesced or split at random points,
/// and an end chosen at random (half-close, reset, or waiting for the broker to close).
/// </summary>
internal sealed class FuzzSession(Random random, Mutator mutator, FuzzStats stats)
{
    /// <summary>What the last run sent, in hex, one packet a line: to reproduce a finding.</summary>
    public string LastScript { get; private set; } = "";

    public async Task RunAsync(FuzzTarget target, IReadOnlyList<FuzzPrincipal> principals, int worker, CancellationToken stop)
    {
        var p = random.Next(principals.Count);
        var principal = principals[p];
        // The worker's own ids (taken over by its next connection), one its principal shares with all workers, an empty one
        // (assigned by the broker), and now and then another principal's (refused).
        string[] clientIds = [$"fz-{p}-{worker}-0", $"fz-{p}-{worker}-1", $"fz-{p}-shared", "", $"fz-{random.Next(principals.Count)}-shared"];
        var clientId = clientIds[random.Next(100) switch { < 30 => 0, < 60 => 1, < 80 => 2, < 95 => 3, _ => 4 }];
        var corpus = new FuzzCorpus(random.Next(2) == 0 ? 4 : 5, target.Tenant, principal.Token, clientId, principal.Username, principal.Device);
        var script = new List<byte[]> { Next(corpus.Connect, corpus, validOdds: 0.8) };
        for (var n = random.Next(1, 25); n > 0; n--)
        {
            script.Add(Next(corpus.Packets[random.Next(corpus.Packets.Count)], corpus, validOdds: 0.5));
        }

        LastScript = $"v{corpus.Version} {clientId}\n" + string.Join('\n', script.Select(Convert.ToHexString));
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stop);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        var webSocket = random.Next(2) == 0;
        FuzzPipe pipe;
        try
        {
            pipe = webSocket ? await FuzzPipe.OpenWebSocketAsync(target.WebSocket, timeout.Token) : await FuzzPipe.OpenTcpAsync(target.TcpPort, timeout.Token);
        }
        catch (Exception e) when (e is SocketException or WebSocketException or OperationCanceledException)
        {
            FuzzStats.Count(ref stats.OpenFailures);
            return;
        }

        await using (pipe)
        {
            if (webSocket)
            {
                FuzzStats.Count(ref stats.WebSocketConnections);
            }
            else
            {
                FuzzStats.Count(ref stats.TcpConnections);
            }

            try
            {
                await WriteAsync(pipe, script, timeout.Token);
                await EndAsync(pipe, timeout.Token);
            }
            catch (Exception e) when (e is SocketException or WebSocketException or IOException or OperationCanceledException or ObjectDisposedException)
            {
                FuzzStats.Count(ref stats.ClosedByBroker); // the broker ended the connection while we wrote, as it should for most mutants
            }

            Interlocked.Add(ref stats.BytesReceived, pipe.Received);
        }
    }

    byte[] Next(SeedPacket seed, FuzzCorpus corpus, double validOdds)
    {
        FuzzStats.Count(ref stats.Packets);
        if (random.NextDouble() < validOdds)
        {
            return seed.Encode();
        }

        var mutant = mutator.Mutate(seed, corpus.Packets, out var kind);
        stats.Mutated(kind);
        return mutant;
    }

    async Task WriteAsync(FuzzPipe pipe, List<byte[]> script, CancellationToken cancel)
    {
        IEnumerable<byte[]> chunks = random.Next(3) switch
        {
            0 => script, // a write per packet
            1 => [[.. script.SelectMany(p => p)]], // all in one write
            _ => Split([.. script.SelectMany(p => p)]), // packets cut across writes
        };
        foreach (var chunk in chunks)
        {
            await pipe.SendAsync(chunk, cancel);
            Interlocked.Add(ref stats.BytesSent, chunk.Length);
            if (random.Next(4) == 0)
            {
                await Task.Delay(random.Next(30), cancel);
            }
        }
    }

    IEnumerable<byte[]> Split(byte[] bytes)
    {
        var cuts = Enumerable.Range(0, random.Next(1, 6)).Select(_ => random.Next(bytes.Length + 1)).Append(0).Append(bytes.Length).Distinct().Order().ToList();
        for (var i = 1; i < cuts.Count; i++)
        {
            yield return bytes[cuts[i - 1]..cuts[i]];
        }
    }

    async Task EndAsync(FuzzPipe pipe, CancellationToken cancel)
    {
        switch (random.Next(3))
        {
            case 0:
                await pipe.HalfCloseAsync(cancel);
                await pipe.Closed.WaitAsync(TimeSpan.FromSeconds(2), cancel).ContinueWith(_ => { }, TaskScheduler.Default);
                break;
            case 1:
                pipe.Abort();
                break;
            default:
                await pipe.Closed.WaitAsync(TimeSpan.FromMilliseconds(random.Next(1000)), cancel).ContinueWith(_ => { }, TaskScheduler.Default);
                break;
        }
    }
}
