using System.Diagnostics;
using System.Text;
using CreatiWall.Bench.Brokers;
using CreatiWall.Bench.Lean;

namespace CreatiWall.Bench.Suite;

/// <summary>
/// N screens connected as a real one is: its own client id and token, a will on its status topic, subscribed (QoS 1)
/// to its layout and device topics and the tenant broadcast; the first <see cref="FanOutSmall"/> also to a channel.
/// </summary>
public sealed class Fleet(BrokerUnderTest broker, int size) : IAsyncDisposable
{
    public const int FanOutSmall = 1000;
    public const string FanOutChannel = "fanout";
    const int Concurrency = 64;

    readonly LeanClient?[] _clients = new LeanClient?[size];
    readonly Credentials[] _credentials = Enumerable.Range(0, size).Select(broker.Device).ToArray();

    public int Size => size;

    /// <summary>Every message any screen receives.</summary>
    public PublishHandler? OnMessage { get; set; }

    /// <summary>Connects every screen, <see cref="Concurrency"/> at a time; returns each one's connect time (ms).</summary>
    public async Task<(List<double> ConnectMs, TimeSpan Elapsed)> ConnectAllAsync()
    {
        var latencies = new List<double>(size);
        var next = -1;
        var total = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, Concurrency).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < size)
            {
                var ms = await ConnectAsync(i);
                lock (latencies)
                {
                    latencies.Add(ms);
                }
            }
        })));
        return (latencies, total.Elapsed);
    }

    async Task<double> ConnectAsync(int i)
    {
        var c = _credentials[i];
        var device = BrokerUnderTest.DeviceId(i);
        var tenant = BrokerUnderTest.Tenant;
        var start = Stopwatch.GetTimestamp();
        var client = await LeanClient.OpenAsync(broker.DeviceTarget(i), 512);
        client.OnPublish = (topic, payload, qos) => OnMessage?.Invoke(topic, payload, qos);
        var will = new MqttWire.Will(Topics.DeviceStatus(tenant, device), Encoding.UTF8.GetBytes("""{"status":"offline"}"""), 1, false);
        await Throughput.Expect(client.ConnectAsync(c.ClientId, c.User, c.Password, keepAlive: 60, clean: true, will));
        var connectMs = LeanClient.MicrosSince(start) / 1000;
        List<string> filters = [Topics.DeviceLayout(tenant, device), Topics.Device(tenant, device), Topics.Broadcast(tenant)];
        if (i < FanOutSmall)
        {
            filters.Add(Topics.Channel(tenant, FanOutChannel));
        }

        await client.SubscribeAsync(filters, 1);
        _clients[i] = client;
        return connectMs;
    }

    /// <summary>Every screen sends DISCONNECT and closes its socket.</summary>
    public async Task DisconnectAllAsync()
    {
        await Parallel.ForEachAsync(Enumerable.Range(0, size), new ParallelOptions { MaxDegreeOfParallelism = Concurrency }, async (i, _) =>
        {
            if (_clients[i] is { } client)
            {
                _clients[i] = null;
                await client.DisconnectAsync().ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
                await client.Closed.WaitAsync(TimeSpan.FromSeconds(10), CancellationToken.None).ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
                await client.DisposeAsync();
            }
        });
    }

    public async ValueTask DisposeAsync() => await DisconnectAllAsync();
}
