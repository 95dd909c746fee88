namespace CreatiWall.Bench.Suite;

/// <summary>The figures of one broker's run, by key; printed as they come so progress shows.</summary>
public sealed class Results(string broker)
{
    public string Broker => broker;
    public Dictionary<string, double> Values { get; } = [];

    public double? this[string key] => Values.TryGetValue(key, out var v) ? v : null;

    public void Set(string key, double value, string display)
    {
        Values[key] = value;
        Console.Error.WriteLine($"bench: {broker}: {key} = {display}");
    }

    /// <summary>Each side's CPU in cores; with <paramref name="operations"/>, also its CPU time per operation in µs.</summary>
    public void Cpu(string key, CpuMeter meter, int? operations = null)
    {
        var (wall, load, brokerSeconds) = meter.Read();
        Values[key + ".cpu.load"] = load / wall;
        Values[key + ".cpu.broker"] = brokerSeconds / wall;
        var processes = meter.ReadProcesses().ToList();
        if (processes.Count > 1)
        {
            foreach (var (name, seconds) in processes)
            {
                Values[$"{key}.cpu.{name}"] = seconds / wall; // a cluster: each node and Redis
                if (operations is > 0 and var ops)
                {
                    Values[$"{key}.us.{name}"] = seconds * 1e6 / ops;
                }
            }
        }

        if (operations is > 0 and var n)
        {
            Values[key + ".us.load"] = load * 1e6 / n;
            Values[key + ".us.broker"] = brokerSeconds * 1e6 / n;
        }
    }

    /// <summary>Each figure as the median of the rounds (null when the broker did not run).</summary>
    public static Results? Median(IReadOnlyList<Results> rounds)
    {
        if (rounds.Count == 0)
        {
            return null;
        }

        var median = new Results(rounds[0].Broker);
        foreach (var key in rounds.SelectMany(r => r.Values.Keys).Distinct())
        {
            median.Values[key] = Stats.Median(rounds.Select(r => r[key]).OfType<double>().ToList());
        }

        return median;
    }
}
