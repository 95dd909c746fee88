using System.Globalization;
using System.Text;

namespace CreatiWall.Bench.Suite;

/// <summary>The markdown table of one run: our figure, Mosquitto's, the ratio, the target and whether it is met.</summary>
public static class Report
{
    enum Better { Higher, Lower }

    public static string Table(Results? ours, Results? mosquitto, int fleet)
    {
        var n = fleet.ToString("N0", CultureInfo.InvariantCulture);
        var t = new StringBuilder();
        t.AppendLine("| scenario | CreatiWall | Mosquitto | ratio | target | met |");
        t.AppendLine("|---|---:|---:|---:|---|:---:|");

        Row(t, "QoS 0, 1→1, 100 B (msg/s)", ours, mosquitto, "qos0", Better.Higher, "≥ 1.0 × Mosquitto", r => r >= 1.0);
        Row(t, "QoS 1, 1→1, in-flight 64 (msg/s)", ours, mosquitto, "qos1", Better.Higher, "≥ 1.0 × Mosquitto", r => r >= 1.0);
        Row(t, "QoS 0, 1→1, WebSocket (msg/s)", ours, mosquitto, "qos0.ws", Better.Higher, "—", null);
        var fleetRatio = ours?["qos1.fleet"] / ours?["qos1"];
        Line(t, $"idle fleet: QoS 1 1→1 with {n} idle devices (msg/s)", Fmt(ours?["qos1.fleet"]), Fmt(mosquitto?["qos1.fleet"]),
            fleetRatio is { } fr ? $"{fr:F2} × ours with none" : "—", "≥ 0.8 × the same run with none", fleetRatio >= 0.8);
        Row(t, "broadcast to 1,000 subscribers (deliveries/s)", ours, mosquitto, "fanout.small", Better.Higher, "—", null);
        Row(t, $"broadcast to {n} subscribers (deliveries/s)", ours, mosquitto, "fanout.all", Better.Higher, "≥ 2 × Mosquitto", r => r >= 2.0);
        Line(t, $"REST layout-update to {n} devices: last device has it (ms)", Fmt(ours?["fleetpush"]), "n/a", "—", "≤ 1,000 ms", ours?["fleetpush"] <= 1000);
        Row(t, "memory per idle device connection (bytes)", ours, mosquitto, "memory.per.connection", Better.Lower, "≤ 8 KB", null, ours?["memory.per.connection"] <= 8192);
        Row(t, $"{n} devices reconnecting with JWT (connects/s)", ours, mosquitto, "reconnect", Better.Higher, "≥ 5,000/s", null, ours?["reconnect"] >= 5000);
        Row(t, "  reconnect: connect p50 (ms)", ours, mosquitto, "reconnect.p50", Better.Lower, "—", null, null, "F1");
        Row(t, "  reconnect: connect p99 (ms)", ours, mosquitto, "reconnect.p99", Better.Lower, "≤ 50 ms", null, ours?["reconnect.p99"] <= 50, "F1");
        foreach (var (transport, limit) in new[] { ("tcp", 1.0), ("ws", 2.0) })
        {
            var name = transport == "tcp" ? "TCP" : "WebSocket";
            Row(t, $"latency at 100 msg/s, {name}: p50 (ms)", ours, mosquitto, $"latency.{transport}.p50", Better.Lower, "—", null, null, "F3");
            Row(t, $"latency at 100 msg/s, {name}: p99 (ms)", ours, mosquitto, $"latency.{transport}.p99", Better.Lower, $"≤ {limit:F0} ms", null, ours?[$"latency.{transport}.p99"] <= limit, "F3");
            Row(t, $"latency at 100 msg/s, {name}: p99.9 (ms)", ours, mosquitto, $"latency.{transport}.p999", Better.Lower, "—", null, null, "F3");
        }

        t.AppendLine();
        t.AppendLine("Messages lost (sent × subscribers − received) and CPU of the load generator vs the broker, in cores:");
        t.AppendLine();
        t.AppendLine("| run | lost (ours / Mosquitto) | load CPU (ours run) | broker CPU (ours) | load CPU (Mosquitto run) | broker CPU (Mosquitto) |");
        t.AppendLine("|---|---:|---:|---:|---:|---:|");
        foreach (var key in new[] { "qos0", "qos1", "qos0.ws", "qos1.fleet", "fanout.all", "reconnect" })
        {
            t.AppendLine($"| {key} | {Fmt(ours?[key + ".loss"])} / {Fmt(mosquitto?[key + ".loss"])} | {Fmt(ours?[key + ".cpu.load"], "F2")} | {Fmt(ours?[key + ".cpu.broker"], "F2")} | " +
                $"{Fmt(mosquitto?[key + ".cpu.load"], "F2")} | {Fmt(mosquitto?[key + ".cpu.broker"], "F2")} |");
        }

        return t.ToString();
    }

    static void Row(StringBuilder t, string label, Results? ours, Results? mosquitto, string key, Better better, string target,
        Func<double, bool>? ratioMet, bool? met = null, string format = "N0")
    {
        var a = ours?[key];
        var b = mosquitto?[key];
        var ratio = a / b;
        if (better == Better.Lower && a is > 0 && b is > 0)
        {
            ratio = b / a; // always "how many times better than Mosquitto"
        }

        Line(t, label, Fmt(a, format), Fmt(b, format), ratio is { } r && !double.IsInfinity(r) ? $"{r:F2} ×" : "—", target,
            met ?? (ratioMet is not null && ratio is { } x ? ratioMet(x) : null));
    }

    static void Line(StringBuilder t, string label, string ours, string mosquitto, string ratio, string target, bool? met) =>
        t.AppendLine($"| {label} | {ours} | {mosquitto} | {ratio} | {target} | {(met is null ? "" : met.Value ? "yes" : "**no**")} |");

    static string Fmt(double? value, string format = "N0") =>
        value is { } v && !double.IsNaN(v) ? double.IsInfinity(v) ? "did not finish" : v.ToString(format, CultureInfo.InvariantCulture) : "—";
}
