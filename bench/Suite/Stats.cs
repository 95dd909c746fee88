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

/// <summary>CPU used by the load generator and by the broker over one measured phase.</summary>
public sealed class CpuMeter(Brokers.BrokerUnderTest broker)
{
    readonly Stopwatch _wall = Stopwatch.StartNew();
    readonly TimeSpan _load = Process.GetCurrentProcess().TotalProcessorTime;
    readonly TimeSpan _broker = broker.CpuTime();
    readonly TimeSpan[] _processes = [.. broker.Processes.Select(p => Brokers.BrokerUnderTest.CpuTimeOf(p.Pid))];

    /// <summary>Seconds of wall time, and CPU seconds of each side, since the meter started.</summary>
    public (double Wall, double Load, double Broker) Read() =>
        (_wall.Elapsed.TotalSeconds, (Process.GetCurrentProcess().TotalProcessorTime - _load).TotalSeconds,
            (broker.CpuTime() - _broker).TotalSeconds);

    /// <summary>CPU seconds of each of the broker's processes (a cluster's nodes and Redis) since the meter started.</summary>
    public IEnumerable<(string Name, double Seconds)> ReadProcesses() =>
        broker.Processes.Select((p, i) => (p.Name, (Brokers.BrokerUnderTest.CpuTimeOf(p.Pid) - _processes[i]).TotalSeconds));
}
