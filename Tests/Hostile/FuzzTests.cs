using CreatiWall.Fuzzing;
using CreatiWall.Tests.Support;
using Xunit.Abstractions;

namespace CreatiWall.Tests.Hostile;

/// <summary>
/// The mutation fuzzer (Tests/Support/Fuzzing) against a host of its own for about a minute: the host must not die, log an
/// error or exception, grow its memory past the bound or keep connections, and the canary must keep publishing and
/// receiving. A failure prints the seed; <c>FUZZ_SEED=N</c> runs that seed again, <c>bench fuzz --minutes N</c> runs longer.
/// </summary>
public sealed class FuzzTests(FuzzTests.Host host, ITestOutputHelper output) : IClassFixture<FuzzTests.Host>
{
    public sealed class Host : BrokerHost
    {
        /// <summary>Short-lived sessions, no session quota (<see cref="FuzzSettings.HostSettings"/>).</summary>
        protected override IDictionary<string, string?> Settings => FuzzSettings.HostSettings.ToDictionary(s => s.Key, s => (string?)s.Value);
    }

    [Fact]
    public async Task The_listener_survives_a_minute_of_mutated_packets_over_tcp_and_websocket()
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable("FUZZ_SEED"), out var chosen) ? chosen : Random.Shared.Next();
        var target = new FuzzTarget(host.ProcessId, host.MqttPort, new Uri(host.WebSocketUri), new Uri(host.BaseUrl), host.Tokens, () => host.Logs);

        var report = await MqttFuzzer.RunAsync(target, new FuzzSettings(TimeSpan.FromSeconds(45), seed, Workers: 16), output.WriteLine);

        output.WriteLine(report.ToString());
        Assert.True(report.Problems.Count == 0, report.ToString());
        Assert.True(report.Stats.MutatedPackets > 1000, $"too little was fuzzed: {report}");
        Assert.True(report.Canary.Received > 0, report.ToString());
    }
}
