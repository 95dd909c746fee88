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

    public void Cpu(string key, CpuMeter meter)
    {
        var (load, brokerCores) = meter.Cores();
        Values[key + ".cpu.load"] = load;
        Values[key + ".cpu.broker"] = brokerCores;
    }
}
