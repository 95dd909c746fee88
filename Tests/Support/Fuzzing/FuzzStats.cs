using System.Globalization;
using CreatiWall.Broker.Identity;

namespace CreatiWall.Fuzzing;

/// <summary>The host under fuzz: its process, its MQTT endpoints and REST base address, tokens it accepts, and its log so far.</summary>
internal sealed record FuzzTarget(int Pid, int TcpPort, Uri WebSocket, Uri Http, TokenIssuer Tokens, Func<string> Logs)
{
    /// <summary>The tenant the fuzzed clients belong to.</summary>
    public string Tenant { get; } = "fz-" + Guid.NewGuid().ToString("N")[..8];
}

/// <param name="Duration">How long to fuzz.</param>
/// <param name="Seed">Seeds every connection's random source (connection i of worker w: seed, w, i).</param>
/// <param name="Workers">Connections open at once.</param>
/// <param name="MaxRssGrowthMb">How far the host's resident memory may grow above what it was at the start.</param>
internal sealed record FuzzSettings(TimeSpan Duration, int Seed, int Workers = 24, double MaxRssGrowthMb = 256)
{
    /// <summary>
    /// The host's configuration for a fuzz run. Fuzzed CONNECTs (a flipped clean-session bit, a mutated client id) leave
    /// sessions behind: they live 10 s, and the session quotas are lifted so that CONNECTs are not refused for them and
    /// the fuzz reaches the states after CONNECT.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> HostSettings = new Dictionary<string, string>
    {
        ["Mqtt__MaxSessionExpirySeconds"] = "10",
        ["Mqtt__MaxSessionsPerPrincipal"] = "1000000",
    };
}

/// <summary>Counters the fuzzer's workers share.</summary>
internal sealed class FuzzStats
{
    public long TcpConnections, WebSocketConnections, OpenFailures, ClosedByBroker, Packets, BytesSent, BytesReceived;
    readonly long[] _mutations = new long[Mutator.Kinds.Length];

    public static void Count(ref long counter) => Interlocked.Increment(ref counter);

    public void Mutated(string kind) => Interlocked.Increment(ref _mutations[Array.IndexOf(Mutator.Kinds, kind)]);

    public long MutatedPackets => _mutations.Sum();

    public string Mutations => string.Join(", ", Mutator.Kinds.Select((k, i) => $"{k} {Interlocked.Read(ref _mutations[i]):N0}"));

    public string Summary => string.Create(CultureInfo.InvariantCulture,
        $"{TcpConnections + WebSocketConnections:N0} connections ({TcpConnections:N0} TCP, {WebSocketConnections:N0} WebSocket), {Packets:N0} packets ({MutatedPackets:N0} mutated), {BytesSent / 1024.0 / 1024:F1} MB sent, {BytesReceived / 1024.0 / 1024:F1} MB received, {ClosedByBroker:N0} closed by the broker while writing, {OpenFailures:N0} failed to open");
}

/// <summary>What a fuzz run did and what went wrong (nothing, when <see cref="Problems"/> is empty).</summary>
internal sealed record FuzzReport(FuzzSettings Settings, TimeSpan Elapsed, FuzzStats Stats, double RssBaselineMb, double RssMaxMb, double RssEndMb,
    (int Sent, int Received) Canary, TimeSpan CanaryMaxLatency, IReadOnlyList<string> Problems)
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"""
        fuzz: seed {Settings.Seed}, {Elapsed.TotalSeconds:F0} s, {Settings.Workers} connections at once
          {Stats.Summary}
          mutations: {Stats.Mutations}
          host RSS: {RssBaselineMb:F0} MB at the start, at most {RssMaxMb:F0} MB, {RssEndMb:F0} MB at the end
          canary: {Canary.Sent:N0} published, {Canary.Received:N0} of {2 * Canary.Sent:N0} received (TCP and WebSocket), slowest {CanaryMaxLatency.TotalMilliseconds:F0} ms
          {(Problems.Count == 0 ? "no problem found" : $"{Problems.Count} problem(s):\n  - " + string.Join("\n  - ", Problems))}
        """);

    /// <summary>Host log lines that show a failure: an error or fatal event, an exception or its stack trace.</summary>
    public static IEnumerable<string> SuspiciousLines(string log) => log.Split('\n')
        .Where(line => line.Contains(" ERR]", StringComparison.Ordinal) || line.Contains(" FTL]", StringComparison.Ordinal)
            || line.Contains("Exception", StringComparison.Ordinal) || line.Contains("Unhandled", StringComparison.OrdinalIgnoreCase)
            || line.StartsWith("   at ", StringComparison.Ordinal));
}
