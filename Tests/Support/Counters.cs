using System.Globalization;
using System.Text.RegularExpressions;
using CreatiWall.Broker.Identity;

namespace CreatiWall.Tests.Support;

/// <summary>The host's counters as Prometheus reads them from <c>/metrics</c> (an ops token of every tenant).</summary>
public static partial class Counters
{
    /// <summary>
    /// The sum of <paramref name="name"/>'s series (e.g. <c>cw_mqtt_limits_hit_total</c>), only those whose labels
    /// contain <paramref name="label"/> (e.g. <c>limit="connect-rate"</c>) when given.
    /// </summary>
    public static async Task<double> ReadAsync(BrokerHost host, string name, string? label = null)
    {
        // A scraper of its own each time, so a host with a small REST rate limit per caller does not refuse the reads.
        var (_, text) = await host.GetTextAsync("/metrics", host.Token(Principal.AllTenants, "prometheus-" + Guid.NewGuid().ToString("N")[..8], Role.Ops));
        return Series().Matches(text)
            .Where(m => m.Groups["name"].Value == name && (label is null || m.Groups["labels"].Value.Contains(label, StringComparison.Ordinal)))
            .Sum(m => double.Parse(m.Groups["value"].Value, CultureInfo.InvariantCulture));
    }

    /// <summary>Waits until the counter has reached <paramref name="atLeast"/> (counters are exported as they are read, not pushed).</summary>
    public static Task ReachAsync(BrokerHost host, string name, string? label, double atLeast) =>
        Eventually.HoldsAsync(async () => await ReadAsync(host, name, label) >= atLeast);

    [GeneratedRegex(@"^(?<name>\w+)(?:\{(?<labels>[^}]*)\})? (?<value>[0-9.eE+]+)", RegexOptions.Multiline)]
    private static partial Regex Series();
}
