using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json;
using CreatiWall.Broker.Identity;

namespace CreatiWall.Fuzzing;

/// <summary>
/// The mutation fuzzer of the MQTT listener (TCP and WebSocket): <see cref="FuzzSettings.Workers"/> fuzzed connections at
/// once, for a bounded time, beside a canary. A run finds a problem when the host dies, logs an error or an exception,
/// grows its memory past the bound, keeps connections after the clients have gone, or fails the canary. Used by the
/// tests (Tests/Hostile/FuzzTests, about a minute) and by <c>bench fuzz --minutes N</c>.
/// </summary>
internal static class MqttFuzzer
{
    public static async Task<FuzzReport> RunAsync(FuzzTarget target, FuzzSettings settings, Action<string>? progress = null, CancellationToken cancel = default)
    {
        var logStart = target.Logs().Length;
        var problems = new List<string>();
        var stats = new FuzzStats();
        var principals = Principals(target);
        var lastScripts = new string[settings.Workers];
        var clock = Stopwatch.StartNew();
        await using var watch = new HostWatch(target.Pid);
        await using var canary = await FuzzCanary.StartAsync(target, cancel);

        using (var stop = CancellationTokenSource.CreateLinkedTokenSource(cancel))
        {
            stop.CancelAfter(settings.Duration);
            var workers = Enumerable.Range(0, settings.Workers).Select(w => Task.Run(() => WorkAsync(w), CancellationToken.None)).ToList();
            var reporting = ReportAsync(stop);
            await Task.WhenAll(workers);
            await stop.CancelAsync();
            await reporting;

            async Task WorkAsync(int worker)
            {
                for (var i = 0; !stop.IsCancellationRequested && watch.Alive; i++)
                {
                    var random = new Random(HashCode.Combine(settings.Seed, worker, i));
                    var session = new FuzzSession(random, new Mutator(random), stats);
                    await session.RunAsync(target, principals, worker, stop.Token);
                    lastScripts[worker] = $"seed {settings.Seed}, worker {worker}, connection {i}: {session.LastScript}";
                }
            }
        }

        async Task ReportAsync(CancellationTokenSource stop)
        {
            using var timer = new PeriodicTimer(TimeSpan.FromSeconds(10));
            try
            {
                while (await timer.WaitForNextTickAsync(stop.Token))
                {
                    progress?.Invoke($"{clock.Elapsed.TotalSeconds:F0} s: {stats.Summary}; host RSS {watch.LastMb:F0} MB; canary {canary.Counts.Received}/{2 * canary.Counts.Sent}");
                    if (!watch.Alive)
                    {
                        await stop.CancelAsync();
                    }
                }
            }
            catch (OperationCanceledException)
            {
                // the run is over
            }
        }

        var elapsed = clock.Elapsed;
        watch.Sample();
        if (!watch.Alive)
        {
            problems.Add("the host process died; the last connections' packets (hex):\n" + string.Join("\n", lastScripts));
        }
        else
        {
            if (await ConnectionsLeftAsync(target, expected: 2) is { } left)
            {
                problems.Add($"{left} connections were still open 20 s after the fuzzed clients had gone (2 expected: the canary's)");
            }

            await canary.StopAsync();
            problems.AddRange(canary.Problems.Take(10));
        }

        if (watch.MaxMb - watch.BaselineMb > settings.MaxRssGrowthMb)
        {
            problems.Add($"the host's resident memory grew from {watch.BaselineMb:F0} MB to {watch.MaxMb:F0} MB (bound: {settings.MaxRssGrowthMb:F0} MB more)");
        }

        var suspicious = FuzzReport.SuspiciousLines(target.Logs()[logStart..]).ToList();
        if (suspicious.Count > 0)
        {
            problems.Add($"the host logged {suspicious.Count} error or exception lines, the first ones:\n" + string.Join("\n", suspicious.Take(20)));
        }

        return new FuzzReport(settings, elapsed, stats, watch.BaselineMb, watch.MaxMb, watch.LastMb, canary.Counts, canary.MaxLatency, problems);
    }

    /// <summary>A user owning two devices, one of those devices, the user acting as the other, and an admin: every role that can write.</summary>
    static FuzzPrincipal[] Principals(FuzzTarget target)
    {
        string Token(string sub, Role role, params string[] devices) => target.Tokens.Issue(target.Tenant, sub, role, devices, TimeSpan.FromDays(1));
        var user = Token("fz-user", Role.User, "fz-d1", "fz-d2");
        return [new(user, "", null), new(Token("fz-d1", Role.Device), "fz-d1", "fz-d1"), new(user, "fz-d2", "fz-d2"), new(Token("fz-admin", Role.Admin), "", null)];
    }

    /// <summary>Null when the host's live connections fall to <paramref name="expected"/> within 20 s; else how many are left.</summary>
    static async Task<int?> ConnectionsLeftAsync(FuzzTarget target, int expected)
    {
        using var http = new HttpClient { BaseAddress = target.Http };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", target.Tokens.Issue(Principal.AllTenants, "fz-ops", Role.Ops));
        var left = -1;
        for (var deadline = DateTime.UtcNow.AddSeconds(20); DateTime.UtcNow < deadline; await Task.Delay(250))
        {
            using var response = await http.GetAsync("/api/websocket/status");
            if (response.IsSuccessStatusCode)
            {
                using var json = JsonDocument.Parse(await response.Content.ReadAsStreamAsync());
                left = json.RootElement.GetProperty("data").GetProperty("totalConnections").GetInt32();
                if (left <= expected)
                {
                    return null;
                }
            }
        }

        return left;
    }
}
