using CreatiWall.Bench.Brokers;

namespace CreatiWall.Bench.Suite;

/// <summary>Runs every scenario against Mosquitto and against our host, one broker after the other, and writes the table.</summary>
public static class SuiteRunner
{
    public static async Task<int> RunAsync(string[] args)
    {
        var fleetSize = int.Parse(Arg(args, "--fleet") ?? "10000");
        var only = Arg(args, "--only");
        var output = Arg(args, "--out");
        // --set KEY=VALUE (repeatable): configuration for our host, as environment variables (experiments).
        var settings = args.Select((a, i) => (a, i)).Where(x => x.a == "--set" && x.i + 1 < args.Length)
            .Select(x => args[x.i + 1].Split('=', 2)).ToDictionary(kv => kv[0], kv => kv[1]);
        var skip = (Arg(args, "--skip") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries).ToHashSet();
        var rounds = int.Parse(Arg(args, "--rounds") ?? "1");
        var samples = Arg(args, "--samples");
        var mosquitto = new List<Results>();
        var ours = new List<Results>();
        for (var round = 1; round <= rounds; round++)
        {
            // Alternating, each broker on a quiet machine: Mosquitto, ours, Mosquitto, ours…
            Console.Error.WriteLine($"bench: round {round} of {rounds}");
            var roundSamples = samples is null ? null : Directory.CreateDirectory(Path.Combine(samples, $"round-{round}")).FullName;
            if (only is null or "mosquitto")
            {
                mosquitto.Add(await RunOneAsync(new MosquittoBroker(), fleetSize, skip, roundSamples));
            }

            if (only is null or "ours")
            {
                ours.Add(await RunOneAsync(new OursBroker(settings), fleetSize, skip, roundSamples));
            }
        }

        var table = Report.Table(Results.Median(ours), Results.Median(mosquitto), fleetSize);
        if (output is not null)
        {
            await File.WriteAllTextAsync(output, table);
        }
        else
        {
            Console.WriteLine(table);
        }

        return 0;
    }

    static async Task<Results> RunOneAsync(BrokerUnderTest broker, int fleetSize, HashSet<string> skip, string? samples)
    {
        await using var _ = broker;
        var r = new Results(broker.Name);
        Console.Error.WriteLine($"bench: starting {broker.Name}");
        await broker.StartAsync();

        // Warm-up, not reported: the first run through a code path pays for JIT compilation (ours) and cold caches.
        await WarmUpAsync(broker, broker.Tcp, qos: 1, seconds: 1.5);
        await WarmUpAsync(broker, broker.WebSocket, qos: 0, seconds: 1);

        if (!skip.Contains("latency"))
        {
            string? SamplesFile(string key) => samples is null ? null : Path.Combine(samples, $"{broker.Name}-{key}.txt");
            await Latency.RunAsync(broker, broker.Tcp, r, "latency.tcp", SamplesFile("latency.tcp"));
            await Latency.RunAsync(broker, broker.WebSocket, r, "latency.ws", SamplesFile("latency.ws"));
        }

        if (!skip.Contains("throughput"))
        {
            await Throughput.RunAsync(broker, broker.Tcp, r, "qos0", qos: 0);
            await Throughput.RunAsync(broker, broker.Tcp, r, "qos1", qos: 1, inFlight: 64);
            await Throughput.RunAsync(broker, broker.WebSocket, r, "qos0.ws", qos: 0);
        }

        await broker.WaitForIdleAsync();
        var rssBefore = broker.RssBytes();
        await using var fleet = new Fleet(broker, fleetSize);
        var (first, firstElapsed) = await fleet.ConnectAllAsync();
        r.Set("connect.first", fleetSize / firstElapsed.TotalSeconds, $"{fleetSize:N0} screens connected in {firstElapsed.TotalSeconds:F2} s (p99 {Stats.Percentile(first, 0.99):F1} ms)");
        await broker.WaitForIdleAsync();
        var rssAfter = broker.RssBytes();
        r.Set("memory.per.connection", (rssAfter - rssBefore) / (double)fleetSize,
            $"{(rssAfter - rssBefore) / (double)fleetSize:N0} B per connection (RSS {rssBefore / 1048576.0:F0} → {rssAfter / 1048576.0:F0} MiB)");

        // Steady state, not the moment after the burst: the first collections after 10,000 connects move the new objects to
        // the old generation once (ours); a warm-up run, not reported, pays for that before the fleet scenarios.
        await WarmUpAsync(broker, broker.Tcp, qos: 1, seconds: 2);
        await broker.WaitForIdleAsync();

        if (!skip.Contains("throughput"))
        {
            await Throughput.RunAsync(broker, broker.Tcp, r, "qos1.fleet", qos: 1, inFlight: 64);
        }

        if (!skip.Contains("fanout"))
        {
            await FanOut.RunAsync(broker, fleet, r, "fanout.small", Topics.Channel(BrokerUnderTest.Tenant, Fleet.FanOutChannel), Math.Min(Fleet.FanOutSmall, fleetSize));
            await FanOut.RunAsync(broker, fleet, r, "fanout.all", Topics.Broadcast(BrokerUnderTest.Tenant), fleetSize);
        }

        if (broker is OursBroker ours && !skip.Contains("fleetpush"))
        {
            await FleetPush.RunAsync(ours, fleet, r, "fleetpush");
        }

        if (skip.Contains("reconnect"))
        {
            if (skip.Contains("hold"))
            {
                await Task.Delay(TimeSpan.FromSeconds(15)); // time to take a heap dump of the connected fleet
            }

            return r;
        }

        await fleet.DisconnectAllAsync();
        await broker.WaitForIdleAsync();
        Console.Error.WriteLine($"bench: {broker.Name}: {fleetSize:N0} screens reconnecting");
        var cpu = new CpuMeter(broker);
        var (again, elapsed) = await fleet.ConnectAllAsync();
        r.Cpu("reconnect", cpu, operations: fleetSize);
        r.Set("reconnect", fleetSize / elapsed.TotalSeconds, $"{fleetSize / elapsed.TotalSeconds:N0} connects/s ({elapsed.TotalSeconds:F2} s)");
        r.Set("reconnect.p50", Stats.Percentile(again, 0.5), $"connect p50 {Stats.Percentile(again, 0.5):F1} ms");
        r.Set("reconnect.p99", Stats.Percentile(again, 0.99), $"connect p99 {Stats.Percentile(again, 0.99):F1} ms");
        return r;
    }

    /// <summary>A throughput run whose figures are printed as warm-up and not reported.</summary>
    static Task WarmUpAsync(BrokerUnderTest broker, Target target, int qos, double seconds) =>
        Throughput.RunAsync(broker, target, new Results(broker.Name + " warm-up"), "warmup", qos, duration: TimeSpan.FromSeconds(seconds));

    static string? Arg(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
