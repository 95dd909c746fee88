using System.Globalization;
using System.Text;
using CreatiWall.Bench.Brokers;

namespace CreatiWall.Bench.Suite;

/// <summary>
/// Cluster mode against a single host, with the suite's own measurements: QoS 1 throughput and latency with publisher
/// and subscriber on one single host, on one node of a cluster, and on two nodes (node-1 → node-2, through Redis); then a
/// fleet spread over the nodes (screen i on node i mod 3) receiving one REST layout-update sent to node-1, against the
/// same fleet on the single host. One broker runs at a time: the single host first, then Redis and the three nodes.
/// </summary>
public static class ClusterScenario
{
    const string Single = "single host", SameNode = "cluster, node-1 → node-1", CrossNode = "cluster, node-1 → node-2";

    public static async Task<int> RunAsync(string[] args)
    {
        var fleetSize = int.Parse(Arg(args, "--fleet") ?? "10000");
        var nodes = int.Parse(Arg(args, "--nodes") ?? "3");
        var output = Arg(args, "--out");
        var skip = (Arg(args, "--skip") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries).ToHashSet();
        var loadBefore = LoadAverage();
        var single = new Results(Single);
        var same = new Results(SameNode);
        var cross = new Results(CrossNode);
        var fleetSingle = new Results(Single);
        var fleetCluster = new Results($"cluster of {nodes}");

        if (!skip.Contains("single"))
        {
            await using var host = new OursBroker();
            Console.Error.WriteLine("bench: cluster: the single host");
            await host.StartAsync();
            if (!skip.Contains("messages"))
            {
                await MessagesAsync(host, host.Tcp, host.Tcp, single);
            }

            if (!skip.Contains("fleet"))
            {
                await FleetAsync(host, fleetSize, fleetSingle);
            }
        }

        await using (var cluster = new ClusterBroker(nodes))
        {
            Console.Error.WriteLine($"bench: cluster: redis-server and {nodes} nodes");
            await cluster.StartAsync();
            if (!skip.Contains("messages"))
            {
                await MessagesAsync(cluster, cluster.Node(1), cluster.Node(1), same);

                // A bystander: the last node has a subscriber of the tenant on another topic, so it listens to the tenant's
                // channel and receives every message without delivering any (what every node of a large tenant does).
                var b = BenchTokens.User("bystander");
                await using var bystander = await Lean.LeanClient.OpenAsync(cluster.Node(nodes));
                await Throughput.Expect(bystander.ConnectAsync(b.ClientId, b.User, b.Password));
                await bystander.SubscribeAsync([Topics.Channel(BrokerUnderTest.Tenant, "elsewhere")], 1);
                await MessagesAsync(cluster, cluster.Node(Math.Min(2, nodes)), cluster.Node(1), cross);
                await bystander.DisconnectAsync();
            }

            if (!skip.Contains("fleet"))
            {
                await FleetAsync(cluster, fleetSize, fleetCluster);
            }
        }

        var report = Report(single, same, cross, fleetSingle, fleetCluster, fleetSize, nodes, loadBefore, LoadAverage());
        if (output is not null)
        {
            await File.WriteAllTextAsync(output, report);
        }
        else
        {
            Console.WriteLine(report);
        }

        return 0;
    }

    /// <summary>QoS 1 throughput (1→1, in-flight 64, 4 s) and latency (QoS 1 at 100 msg/s), subscriber on one node, publisher on another.</summary>
    static async Task MessagesAsync(BrokerUnderTest broker, Target subscriber, Target publisher, Results r)
    {
        // Warm-up, not reported: JIT compilation of this path (and, across nodes, the tenant's bus channel).
        await Throughput.RunAsync(broker, subscriber, new Results(r.Broker + " warm-up"), "warmup", qos: 1, duration: TimeSpan.FromSeconds(1.5), publishTo: publisher);
        await broker.WaitForIdleAsync();
        await Throughput.RunAsync(broker, subscriber, r, "qos1", qos: 1, inFlight: 64, publishTo: publisher);
        await broker.WaitForIdleAsync();
        await Latency.RunAsync(broker, subscriber, r, "latency", qos: 1, publishTo: publisher);
    }

    /// <summary>The fleet connects (spread over the nodes), then one REST layout-update names every screen.</summary>
    static async Task FleetAsync<TBroker>(TBroker broker, int size, Results r) where TBroker : BrokerUnderTest, IRestApi
    {
        var redis = (broker as ClusterBroker)?.Redis;
        await broker.WaitForIdleAsync();
        var rssBefore = broker.RssBytes();
        var redisBefore = redis is null ? 0 : await redis.UsedMemoryAsync();
        await using var fleet = new Fleet(broker, size);
        var cpu = new CpuMeter(broker);
        var (connects, elapsed) = await fleet.ConnectAllAsync();
        r.Cpu("connect", cpu, operations: size);
        r.Set("connect", size / elapsed.TotalSeconds, $"{size:N0} screens connected in {elapsed.TotalSeconds:F2} s");
        r.Set("connect.p99", Stats.Percentile(connects, 0.99), $"connect p99 {Stats.Percentile(connects, 0.99):F1} ms");
        await broker.WaitForIdleAsync();
        var rssAfter = broker.RssBytes();
        r.Set("memory.per.connection", (rssAfter - rssBefore) / (double)size,
            $"{(rssAfter - rssBefore) / (double)size:N0} B per connection (RSS of the hosts {rssBefore / 1048576.0:F0} → {rssAfter / 1048576.0:F0} MiB)");
        if (redis is not null)
        {
            var used = await redis.UsedMemoryAsync();
            r.Set("redis.per.screen", (used - redisBefore) / (double)size, $"Redis {(used - redisBefore) / (double)size:N0} B per connected screen");
        }

        // Steady state after the connect burst, as in the suite.
        await Throughput.RunAsync(broker, broker.Tcp, new Results(r.Broker + " warm-up"), "warmup", qos: 1, duration: TimeSpan.FromSeconds(2));
        await broker.WaitForIdleAsync();
        await FleetPush.RunAsync(broker, fleet, r, "fleetpush");
        if (redis is not null)
        {
            await broker.WaitForIdleAsync();
            var used = await redis.UsedMemoryAsync();
            r.Set("redis.per.screen.layout", (used - redisBefore) / (double)size,
                $"Redis {(used - redisBefore) / (double)size:N0} B per screen with its layout delivered (two updates)");
        }
    }

    static string Report(Results single, Results same, Results cross, Results fleetSingle, Results fleetCluster, int fleetSize, int nodes,
        string loadBefore, string loadAfter)
    {
        var t = new StringBuilder();
        var n = fleetSize.ToString("N0", CultureInfo.InvariantCulture);
        t.AppendLine(CultureInfo.InvariantCulture, $"Load average of the machine (1, 5, 15 min; it is shared) at the start: {loadBefore}; at the end: {loadAfter}.");
        t.AppendLine();
        t.AppendLine(CultureInfo.InvariantCulture, $"| messages (one publisher → one subscriber, 100 B, QoS 1) | {Single} | {SameNode} | {CrossNode} |");
        t.AppendLine("|---|---:|---:|---:|");
        Row(t, "throughput, in-flight 64 (msg/s)", "qos1", "N0", single, same, cross);
        Row(t, "  lost (sent − received)", "qos1.loss", "N0", single, same, cross);
        Row(t, "latency at 100 msg/s: p50 (ms)", "latency.p50", "F3", single, same, cross);
        Row(t, "latency at 100 msg/s: p99 (ms)", "latency.p99", "F3", single, same, cross);
        Row(t, "latency at 100 msg/s: p99.9 (ms)", "latency.p999", "F3", single, same, cross);
        Row(t, "throughput run: CPU of the load generator (cores)", "qos1.cpu.load", "F2", single, same, cross);
        Row(t, "throughput run: CPU of the hosts and Redis (cores)", "qos1.cpu.broker", "F2", single, same, cross);
        for (var node = 1; node <= nodes; node++)
        {
            var role = node switch
            {
                1 => " (publisher's node)",
                2 => " (node → node: the subscriber's)",
                _ when node == nodes => " (node → node: a subscriber of the tenant on another topic)",
                _ => "",
            };
            PerMessage(t, $"  node-{node}{role}: CPU per message (µs)", $"qos1.cpu.node-{node}", single, same, cross);
        }

        PerMessage(t, "  Redis: CPU per message (µs)", "qos1.cpu.redis", single, same, cross);
        PerMessage(t, "  all hosts and Redis: CPU per message (µs)", "qos1.cpu.broker", single, same, cross);
        t.AppendLine();
        t.AppendLine(CultureInfo.InvariantCulture, $"| {n} screens (cluster: screen i on node-(1 + i mod {nodes})) | {Single} | cluster of {nodes} |");
        t.AppendLine("|---|---:|---:|");
        Row(t, "connect, 64 at a time (connects/s)", "connect", "N0", fleetSingle, fleetCluster);
        Row(t, "  connect p99 (ms)", "connect.p99", "F1", fleetSingle, fleetCluster);
        Row(t, $"  CPU per connect (each process's CPU ÷ all {n} screens): hosts and Redis (µs)", "connect.us.broker", "N0", fleetSingle, fleetCluster);
        for (var node = 1; node <= nodes; node++)
        {
            Row(t, $"    node-{node} (µs)", $"connect.us.node-{node}", "N0", fleetSingle, fleetCluster);
        }

        Row(t, "    Redis (µs)", "connect.us.redis", "N0", fleetSingle, fleetCluster);
        Row(t, "memory per connection, RSS of the hosts (bytes)", "memory.per.connection", "N0", fleetSingle, fleetCluster);
        Row(t, "Redis memory per connected screen (bytes)", "redis.per.screen", "N0", fleetSingle, fleetCluster);
        Row(t, "  and with its layout (bytes)", "redis.per.screen.layout", "N0", fleetSingle, fleetCluster);
        Row(t, $"REST layout-update to {n} (sent to node-1): 2xx after (ms)", "fleetpush.answered", "N0", fleetSingle, fleetCluster);
        Row(t, $"REST layout-update to {n}: last screen has it (ms)", "fleetpush", "N0", fleetSingle, fleetCluster);
        Row(t, "  CPU of the hosts and Redis during it (cores)", "fleetpush.cpu.broker", "F2", fleetSingle, fleetCluster);
        Row(t, $"  CPU per screen (each process's CPU ÷ all {n} screens): hosts and Redis (µs)", "fleetpush.us.broker", "N0", fleetSingle, fleetCluster);
        for (var node = 1; node <= nodes; node++)
        {
            Row(t, $"    node-{node}{(node == 1 ? " (takes the request)" : "")} (µs)", $"fleetpush.us.node-{node}", "N0", fleetSingle, fleetCluster);
        }

        Row(t, "    Redis (µs)", "fleetpush.us.redis", "N0", fleetSingle, fleetCluster);
        return t.ToString();
    }

    static void Row(StringBuilder t, string label, string key, string format, params Results[] columns) =>
        t.AppendLine(CultureInfo.InvariantCulture, $"| {label} | {string.Join(" | ", columns.Select(r => Fmt(r[key], format)))} |");

    /// <summary>A process's CPU over the throughput run, per message received: cores ÷ msg/s.</summary>
    static void PerMessage(StringBuilder t, string label, string key, params Results[] columns) =>
        t.AppendLine(CultureInfo.InvariantCulture, $"| {label} | {string.Join(" | ", columns.Select(r => Fmt(r[key] * 1e6 / r["qos1"], "F1")))} |");

    static string Fmt(double? value, string format) =>
        value is { } v && !double.IsNaN(v) ? double.IsInfinity(v) ? "did not finish" : v.ToString(format, CultureInfo.InvariantCulture) : "—";

    static string LoadAverage() => string.Join(", ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3));

    static string? Arg(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
