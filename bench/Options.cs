namespace CreatiWall.Bench;

public sealed record Options(int Count, int InFlight, string? Out, bool Retain)
{
    public static Options Parse(string[] args)
    {
        var values = new Dictionary<string, string>();
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            values[args[i].TrimStart('-')] = args[i + 1];
        }

        return new Options(
            int.Parse(values.GetValueOrDefault("count", "20000")),
            int.Parse(values.GetValueOrDefault("inflight", "64")),
            values.GetValueOrDefault("out"),
            values.GetValueOrDefault("retain", "true") == "true");
    }
}
