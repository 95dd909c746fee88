using System.Globalization;
using System.Text;

namespace CreatiWall.Bench.Suite;

/// <summary>The markdown table of one run: our figure, Mosquitto's, the ratio, the target and whether it is met.</summary>
public static class Report
{
    enum Better { Higher, Lower }

    /// <summary>Why a target is missed and what would meet it, found with profiles (shown only when missed in the run).</summary>
    static readonly Dictionary<string, string> Misses = new()
    {
        ["qos0"] = "QoS 0 throughput: see the CPU table: the load side must stay below the broker's CPU for the figure to be the broker's.",
        ["qos1"] = "QoS 1 throughput: MQTTnet sends each PUBACK and each outgoing PUBLISH as its own pipe flush; batching flushes per read would need changes inside MQTTnet.",
        ["qos1.fleet"] = "Idle fleet: routing no longer looks at idle sessions (subscription tree), and the run starts after a warm-up; what remains is garbage collection over a heap that holds the fleet's objects (dotnet-counters: gen1 pauses and background gen2 collections) and run-to-run spread on 2 shared cores (compare the rounds in the log). Next step: fewer objects per connection (see memory).",
        ["fanout.all"] = "Broadcast to 10,000: both brokers make one send() per screen, and on this virtual machine a loopback send() is expensive (it does the receiving side's TCP work too; the kernel's paravirtual interrupt path tops perf), while the load generator needs the same 2 cores to receive the 10,000 copies (CPU table). Routing is not the cost (micro-benchmark below: the whole 10,000-subscriber match); ours spreads the sends over both cores but each delivery also wakes that session's MQTTnet send loop and Kestrel's pipe. Tried: Kestrel's inline scheduling (pipe reads and socket sends on the socket threads, fewer hand-offs) gave about a fifth more (40,000–42,000 against 32,500–36,000 deliveries/s, two runs each) but doubled the reconnect p99 (115–121 ms) and halved QoS 0 throughput, so it is not used. Next step: encode a broadcast once and write it to each connection's pipe from the router, skipping the per-session loop (QoS 1 needs each session's packet id patched in), and measure with the subscribers on a second machine.",
        ["fleetpush"] = "Layout update to 10,000: the request thread publishes 10,000 retained envelopes while the store commits their rows; see the CPU table.",
        ["memory.per.connection"] = "Memory per connection: a dotnet-gcdump of the host holding the fleet shows 157 MB of managed heap for 10,000 screens, about 14.5 KB each, spread over about a hundred small objects: Kestrel's socket connection (344 B) and its two pipes (576 B), MQTTnet's client, session, packet bus, a lock's waiter array (536 B), a per-session dictionary (320 B), subscription manager and async state machines, the collections indexing them, and ours (the connection record and subscription tree entries, a small share); the rest of the resident size is GC headroom. The largest single item, MQTTnet's 4 KB packet-encoder buffer, is now 256 bytes (grows on demand). GC settings do not help: with DOTNET_GCConserveMemory=7 21.9 KB, with a 4 MB gen0 budget 25.1 KB (default 20.5 KB in the same session). Next step: a connection and session layer of our own on Kestrel's pipes instead of MQTTnet's per-connection objects.",
        ["reconnect"] = "Reconnect rate: the load generator itself takes a large share of the 2 cores to open sockets at this rate (see the CPU table: Mosquitto's run is limited by it as well); perf of the broker during the reconnect: the runtime's native code takes 27% of its samples (garbage collection pauses alone are 13 to 15% of the time, dotnet-counters) and clearing newly allocated memory 10% (allocations spread over Kestrel, MQTTnet and our connect path); then the kernel's socket work, MQTTnet's connection, session and subscribe handling, and the screen's online status (a database row and a retained JSON status message, about an eighth). JWT validation is a small part (micro-benchmark below). A 32 MB gen0 budget (fewer collections) did not change the rate (4,347 and 3,977/s against 4,419 and 3,856/s), and turning off the thread pool's spinning lowered it (3,608 and 4,123/s against 4,276 and 4,752/s). Next step: the same own connection layer, allocating less per connect; writing online status for a burst of reconnects in batches.",
        ["reconnect.p99"] = "Connect p99 (Mosquitto in the same run: {mosquitto}): with 64 connects in flight the tail is queueing behind the CPU that the load side and the broker share, and it moves a lot between rounds (compare the rounds in the log). dotnet-counters during the reconnect shows about 120 MB/s allocated and 13 to 15% of the time in GC pauses (about one collection a second, promoting the new connections' objects), but capping the gen0 budget (DOTNET_GCgen0MaxBudget 6 or 16 MB) or making it large enough for no collection during the burst did not bring the p99 reliably under 50 ms (42 to 130 ms across runs). Next step: the rate above (less work per connect), then the tail again.",
        ["latency.tcp.p99"] = "Latency p99, TCP (Mosquitto in the same run: {mosquitto}): the late messages of either broker are late by steps of about 4, 8 or 12 ms: a virtual CPU of this machine stops running for milliseconds inside the hypervisor's interrupt path, mostly during the loopback send that wakes the receiver, until the next 4 ms scheduler tick (traced with perf: see \"Traced, and tried without keeping it\" below). Ours meets those stalls more often because each message passes through two of its threads where Mosquitto uses one. Tried: Kestrel's inline scheduling (one thread less) and a thread pool without spinning: neither removed the steps. Next step: receive, route and write each message on the socket thread (our own connection layer), and measure on cores the hypervisor does not stall (dedicated cores or bare metal).",
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
        Target("fanout.all", Row(t, $"broadcast to {n} subscribers (deliveries/s)", ours, mosquitto, "fanout.all", Better.Higher, "≥ 2 × Mosquitto", r => r >= 2.0));
        Target("fleetpush", Line(t, $"REST layout-update to {n} devices: last device has it (ms)", Fmt(ours?["fleetpush"]), "n/a", "—", "≤ 1,000 ms", Is(ours?["fleetpush"], v => v <= 1000)));
        Target("memory.per.connection", Row(t, "memory per idle device connection (bytes)", ours, mosquitto, "memory.per.connection", Better.Lower, "≤ 8 KB", null, Is(ours?["memory.per.connection"], v => v <= 8192)));
        Target("reconnect", Row(t, $"{n} devices reconnecting with JWT (connects/s)", ours, mosquitto, "reconnect", Better.Higher, "≥ 5,000/s", null, Is(ours?["reconnect"], v => v >= 5000)));
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
                var reference = mosquitto?[key] is { } m ? $"{m:0.###} ms" : "not run";
                t.AppendLine("- " + Misses[key].Replace("{mosquitto}", reference));
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

        return t.ToString();
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
