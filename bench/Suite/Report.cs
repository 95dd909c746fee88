using System.Globalization;
using System.Text;

namespace CreatiWall.Bench.Suite;

/// <summary>The markdown table of one run: our figure, Mosquitto's, the ratio, the target and whether it is met.</summary>
public static class Report
{
    enum Better { Higher, Lower }

    /// <summary>The issue's targets that the notes also compute a CPU budget from.</summary>
    const double BroadcastTimesMosquitto = 2.0, ReconnectsPerSecond = 5000;

    /// <summary>Why a target is missed and what would meet it, found with profiles (shown only when missed in the run).</summary>
    static readonly Dictionary<string, string> Misses = new()
    {
        ["qos0"] = "QoS 0 throughput: see the CPU table: the load side must stay below the broker's CPU for the figure to be the broker's.",
        ["qos1"] = "QoS 1 throughput: MQTTnet sends each PUBACK and each outgoing PUBLISH as its own pipe flush; batching flushes per read would need changes inside MQTTnet.",
        ["qos1.fleet"] = "Idle fleet: routing no longer looks at idle sessions (subscription tree), and the run starts after a warm-up; what remains is garbage collection over a heap that holds the fleet's objects (dotnet-counters: gen1 pauses and background gen2 collections) and run-to-run spread on 2 shared cores (compare the rounds in the log). Next step: fewer objects per connection (see memory).",
        ["fanout.all"] = "Broadcast to 10,000: a CPU budget that the 2 shared cores cannot meet. At twice Mosquitto's rate in this run, the 2 cores allow {budget} µs of CPU per delivery for the load generator and the broker together; the load generator alone uses {load} µs per delivery (receiving the copy and sending its PUBACK; CPU per operation, below), which leaves {left} µs for the broker, while ours uses {broker} µs and Mosquitto {brokerMosquitto} µs (a send() per screen and a PUBACK read back, on a virtual machine where a loopback send is expensive: the kernel's paravirtual interrupt path tops perf). Ours is ahead of Mosquitto because it spreads the sends over both cores, not because a delivery costs it less. Routing is not the cost (micro-benchmark below: the whole 10,000-subscriber match). Tried: Kestrel's inline scheduling (pipe reads and socket sends on the socket threads, fewer hand-offs) gave about a fifth more (40,000–42,000 against 32,500–36,000 deliveries/s, two runs each, with server GC) but doubled the reconnect p99 (115–121 ms) and halved QoS 0 throughput, so it is not used. Next step: the subscribers on a second machine (the broker then has both cores), and fewer hand-offs per delivery: encode a broadcast once and write it to each connection's pipe from the router instead of through each session's MQTTnet send loop (QoS 1 needs each session's packet id patched in and its acknowledgement tracked).",
        ["fleetpush"] = "Layout update to 10,000: the request publishes 10,000 retained envelopes while the store commits their rows, and garbage collection takes about half of the time: the runtime's GC events showed about 70 gen0 collections of 7–25 ms during one update (workstation GC's 6 MB gen0 budget, each collection scanning the old objects of the sessions written since the last one). Measured, not kept: a 16 MB gen0 budget (DOTNET_GCgen0size) gave 709–740 ms but a reconnect p99 of 50–53 ms; server GC 449–681 ms but a reconnect p99 of 91–110 ms. Next step: fewer objects per delivery (MQTTnet makes a packet and a queue item per session) and per connection.",
        ["memory.per.connection"] = "Memory per connection: a dotnet-gcdump of the host holding the fleet shows about 160 MB of managed heap for 10,000 screens, 16 KB each, spread over about a hundred small objects, most of them Kestrel's and MQTTnet's: Kestrel's socket connection (344 B), receiver and two pipes (576 B), MQTTnet's client, session, packet bus, a lock's waiter array (536 B), a per-session dictionary (320 B), its subscription manager (per subscription a MqttSubscription, a HashSet and dictionary entries, about 600 B), the CONNECT packet it keeps, and about ten suspended async state machines (120–250 B each); ours (the connection record, subscription tree entries) is a small share. The largest single item, MQTTnet's 4 KB packet-encoder buffer, is now 256 bytes (grows on demand). Garbage collection settings move the resident size around that: workstation GC (the host's) 17.1–17.2 KB, server GC 21–25 KB, non-concurrent workstation GC (a larger gen0 budget) 25–26 KB. Next step: a connection and session layer of our own on Kestrel's pipes instead of MQTTnet's per-connection objects.",
        ["reconnect"] = "Reconnect rate: 5,000 connects/s on 2 shared cores allow {budget} µs of CPU per connect for both sides together; the load generator uses {load} µs (socket setup and, on loopback, the TCP handshake's kernel work) and the broker {broker} µs, where Mosquitto's takes {brokerMosquitto} µs and it stays under 5,000/s here as well. Where the broker's time goes (perf, and an allocation trace of the burst): clearing and faulting in newly allocated memory about a sixth of its samples, garbage collection (promoting each new connection's objects), the kernel's socket work, MQTTnet's connection, session and subscribe handling; of the about 34 KB allocated per connect, close to half was under the broker's own handlers: JWT validation (a tenth), the online status (a database row and a retained JSON message, a sixth) and the access check's topic splitting (an eighth, now removed). Next step: allocate less per connect: online status written in batches during a burst, and a connection layer of our own instead of MQTTnet's per-connection objects.",
        ["reconnect.p99"] = "Connect p99 (Mosquitto in the same run: {mosquitto}): the tail is garbage collection: with 64 connects in flight, every pause holds all of them. Traced with the runtime's GC events during the burst: server GC (the Web SDK's default, which the host ran by mistake until 2026-11-28) collected twice with 80–130 ms pauses (p99 91–110 ms in three runs); workstation GC, the host's now, collects about every 60 ms for 7–15 ms (gen1 25–40 ms) and gave 40–49 ms in three runs; a larger gen0 budget means fewer but longer pauses (32 MB: 8 collections, 92 ms p99). Next step: fewer surviving objects per connection (see memory) and less garbage per connect (see the rate).",
        ["latency.tcp.p99"] = "Latency p99, TCP (Mosquitto in the same run: {mosquitto}): the late messages of either broker are late by steps of about 4, 8 or 12 ms: a virtual CPU of this machine stops running for milliseconds inside the hypervisor's interrupt path, mostly during the loopback send that wakes the receiver, until the next 4 ms scheduler tick (traced with perf: see \"Traced, and tried without keeping it\" below). In the runs traced side by side ours met those stalls more often (each message passes through two of its threads, Mosquitto's through one); from run to run either broker's p99 moves between about 1.5 and 8 ms (compare the rounds in the log). Tried: Kestrel's inline scheduling (one thread less) and a thread pool without spinning: neither removed the steps. Next step: receive, route and write each message on the socket thread (our own connection layer), and measure on cores the hypervisor does not stall (dedicated cores or bare metal).",
        ["latency.ws.p99"] = "Latency p99, WebSocket (Mosquitto in the same run: {mosquitto}): the same stalls as for TCP; the WebSocket path adds Kestrel's copy from the WebSocket into a pipe (one more hand-off).",
    };

    public static string Table(Results? ours, Results? mosquitto, int fleet)
    {
        var n = fleet.ToString("N0", CultureInfo.InvariantCulture);
        var t = new StringBuilder();
        var missed = new List<string>();
        t.AppendLine("| scenario | CreatiWall | Mosquitto | ratio | target | met |");
        t.AppendLine("|---|---:|---:|---:|---|:---:|");

        void Target(string key, bool? met)
        {
            if (met == false)
            {
                missed.Add(key);
            }
        }

        Target("qos0", Row(t, "QoS 0, 1→1, 100 B (msg/s)", ours, mosquitto, "qos0", Better.Higher, "≥ 1.0 × Mosquitto", r => r >= 1.0));
        Target("qos1", Row(t, "QoS 1, 1→1, in-flight 64 (msg/s)", ours, mosquitto, "qos1", Better.Higher, "≥ 1.0 × Mosquitto", r => r >= 1.0));
        Row(t, "QoS 0, 1→1, WebSocket (msg/s)", ours, mosquitto, "qos0.ws", Better.Higher, "—", null);
        var fleetRatio = ours?["qos1.fleet"] / ours?["qos1"];
        Target("qos1.fleet", Line(t, $"idle fleet: QoS 1 1→1 with {n} idle devices (msg/s)", Fmt(ours?["qos1.fleet"]), Fmt(mosquitto?["qos1.fleet"]),
            fleetRatio is { } fr ? $"{fr:F2} × ours with none" : "—", "≥ 0.8 × the same run with none", Is(fleetRatio, r => r >= 0.8)));
        Row(t, $"broadcast to {Math.Min(Fleet.FanOutSmall, fleet):N0} subscribers (deliveries/s)", ours, mosquitto, "fanout.small", Better.Higher, "—", null);
        Target("fanout.all", Row(t, $"broadcast to {n} subscribers (deliveries/s)", ours, mosquitto, "fanout.all", Better.Higher, "≥ 2 × Mosquitto", r => r >= BroadcastTimesMosquitto));
        Target("fleetpush", Line(t, $"REST layout-update to {n} devices: last device has it (ms)", Fmt(ours?["fleetpush"]), "n/a", "—", "≤ 1,000 ms", Is(ours?["fleetpush"], v => v <= 1000)));
        Target("memory.per.connection", Row(t, "memory per idle device connection (bytes)", ours, mosquitto, "memory.per.connection", Better.Lower, "≤ 8 KB", null, Is(ours?["memory.per.connection"], v => v <= 8192)));
        Target("reconnect", Row(t, $"{n} devices reconnecting with JWT (connects/s)", ours, mosquitto, "reconnect", Better.Higher, "≥ 5,000/s", null, Is(ours?["reconnect"], v => v >= ReconnectsPerSecond)));
        Row(t, "  reconnect: connect p50 (ms)", ours, mosquitto, "reconnect.p50", Better.Lower, "—", null, null, "F1");
        Target("reconnect.p99", Row(t, "  reconnect: connect p99 (ms)", ours, mosquitto, "reconnect.p99", Better.Lower, "≤ 50 ms", null, Is(ours?["reconnect.p99"], v => v <= 50), "F1"));
        foreach (var (transport, limit) in new[] { ("tcp", 1.0), ("ws", 2.0) })
        {
            var name = transport == "tcp" ? "TCP" : "WebSocket";
            Row(t, $"latency at 100 msg/s, {name}: p50 (ms)", ours, mosquitto, $"latency.{transport}.p50", Better.Lower, "—", null, null, "F3");
            Target($"latency.{transport}.p99", Row(t, $"latency at 100 msg/s, {name}: p99 (ms)", ours, mosquitto, $"latency.{transport}.p99", Better.Lower, $"≤ {limit:F0} ms", null, Is(ours?[$"latency.{transport}.p99"], v => v <= limit), "F3"));
            Row(t, $"latency at 100 msg/s, {name}: p99.9 (ms)", ours, mosquitto, $"latency.{transport}.p999", Better.Lower, "—", null, null, "F3");
        }

        if (missed.Count > 0)
        {
            t.AppendLine();
            t.AppendLine("Targets missed in this run, with the measured reason and the next step:");
            t.AppendLine();
            foreach (var key in missed)
            {
                t.AppendLine("- " + Explain(key, ours, mosquitto));
            }
        }

        t.AppendLine();
        t.AppendLine("Messages lost (sent × subscribers − received) and CPU of the load generator vs the broker, in cores:");
        t.AppendLine();
        t.AppendLine("| run | lost (ours / Mosquitto) | load CPU (ours run) | broker CPU (ours) | load CPU (Mosquitto run) | broker CPU (Mosquitto) |");
        t.AppendLine("|---|---:|---:|---:|---:|---:|");
        foreach (var key in new[] { "qos0", "qos1", "qos0.ws", "qos1.fleet", "fanout.all", "fleetpush", "reconnect" })
        {
            t.AppendLine($"| {key} | {Fmt(ours?[key + ".loss"])} / {Fmt(mosquitto?[key + ".loss"])} | {Fmt(ours?[key + ".cpu.load"], "F2")} | {Fmt(ours?[key + ".cpu.broker"], "F2")} | " +
                $"{Fmt(mosquitto?[key + ".cpu.load"], "F2")} | {Fmt(mosquitto?[key + ".cpu.broker"], "F2")} |");
        }

        t.AppendLine();
        t.AppendLine("CPU time per operation, in µs (all rounds' median): each side's CPU over the phase, divided by the deliveries or connects:");
        t.AppendLine();
        t.AppendLine("| operation | load (ours run) | broker (ours) | load (Mosquitto run) | broker (Mosquitto) |");
        t.AppendLine("|---|---:|---:|---:|---:|");
        foreach (var (key, label) in new[] { ("fanout.all", $"broadcast to {n}: one delivery"), ("reconnect", "reconnect: one connect") })
        {
            t.AppendLine($"| {label} | {Fmt(ours?[key + ".us.load"], "F1")} | {Fmt(ours?[key + ".us.broker"], "F1")} | " +
                $"{Fmt(mosquitto?[key + ".us.load"], "F1")} | {Fmt(mosquitto?[key + ".us.broker"], "F1")} |");
        }

        return t.ToString();
    }

    /// <summary>
    /// A missed target's note with this run's figures filled in: Mosquitto's figure, and for the CPU-bound targets the
    /// CPU per operation that the target leaves to both processes on this machine's cores.
    /// </summary>
    static string Explain(string key, Results? ours, Results? mosquitto)
    {
        var cores = Environment.ProcessorCount;
        double? budget = key switch
        {
            "fanout.all" => cores * 1e6 / (BroadcastTimesMosquitto * mosquitto?[key]),
            "reconnect" => cores * 1e6 / ReconnectsPerSecond,
            _ => null,
        };
        var load = ours?[key + ".us.load"];
        return Misses[key]
            .Replace("{mosquitto}", mosquitto?[key] is { } m ? $"{m:0.###} ms" : "not run")
            .Replace("{budget}", Fmt(budget, "F0"))
            .Replace("{load}", Fmt(load, "F0"))
            .Replace("{left}", Fmt(budget - load, "F0"))
            .Replace("{broker}", Fmt(ours?[key + ".us.broker"], "F0"))
            .Replace("{brokerMosquitto}", Fmt(mosquitto?[key + ".us.broker"], "F0"));
    }

    /// <summary>Writes one row and returns whether its target is met (null: no target, or not measured).</summary>
    static bool? Row(StringBuilder t, string label, Results? ours, Results? mosquitto, string key, Better better, string target,
        Func<double, bool>? ratioMet, bool? met = null, string format = "N0")
    {
        var a = ours?[key];
        var b = mosquitto?[key];
        var ratio = a / b;
        if (better == Better.Lower && a is > 0 && b is > 0)
        {
            ratio = b / a; // always "how many times better than Mosquitto"
        }

        return Line(t, label, Fmt(a, format), Fmt(b, format), ratio is { } r && !double.IsInfinity(r) ? $"{r:F2} ×" : "—", target,
            met ?? (ratioMet is not null && ratio is { } x ? ratioMet(x) : null));
    }

    static bool? Line(StringBuilder t, string label, string ours, string mosquitto, string ratio, string target, bool? met)
    {
        t.AppendLine($"| {label} | {ours} | {mosquitto} | {ratio} | {target} | {(met is null ? "" : met.Value ? "yes" : "**no**")} |");
        return met;
    }

    /// <summary>Whether a measured figure meets its target; null when it was not measured (a skipped scenario).</summary>
    static bool? Is(double? value, Func<double, bool> meets) => value is { } v ? meets(v) : null;

    static string Fmt(double? value, string format = "N0") =>
        value is { } v && !double.IsNaN(v) ? double.IsInfinity(v) ? "did not finish" : v.ToString(format, CultureInfo.InvariantCulture) : "—";
}
