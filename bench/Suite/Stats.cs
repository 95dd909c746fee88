using System.Diagnostics;

namespace CreatiWall.Bench.Suite;

public static class Stats
{
    /// <summary>The value at quantile <paramref name="q"/> (0..1) of the samples (nearest rank).</summary>
    public static double Percentile(IReadOnlyList<double> samples, double q)
    {
        if (samples.Count == 0)
        {
            return double.NaN;
        }

        var sorted = samples.Order().ToArray();
        var rank = (int)Math.Ceiling(q * sorted.Length) - 1;
        return sorted[Math.Clamp(rank, 0, sorted.Length - 1)];
    }

    public static double Median(IReadOnlyList<double> samples) => Percentile(samples, 0.5);
}

/// <summary>CPU used by the load generator and by the broker over one measured phase, in cores.</summary>
public sealed class CpuMeter(Brokers.BrokerUnderTest broker)
{
    readonly Stopwatch _wall = Stopwatch.StartNew();
    readonly TimeSpan _load = Process.GetCurrentProcess().TotalProcessorTime;
    readonly TimeSpan _broker = broker.CpuTime();

    public (double Load, double Broker) Cores()
    {
        var wall = _wall.Elapsed.TotalSeconds;
        return ((Process.GetCurrentProcess().TotalProcessorTime - _load).TotalSeconds / wall,
            (broker.CpuTime() - _broker).TotalSeconds / wall);
    }
}
