using System.Globalization;
using CreatiWall.Broker.Identity;
using CreatiWall.Fuzzing;

namespace CreatiWall.Bench;

/// <summary>
/// <c>fuzz --minutes N [--seed S] [--workers W] [--hold S]</c>: the tests' mutation fuzzer (Tests/Support/Fuzzing) for longer, against a
/// Release host of its own. Exit 0 when no problem was found, 1 otherwise (the report names the seed to run again).
/// </summary>
public static class FuzzScenario
{
    public static async Task<int> RunAsync(string[] args)
    {
        var values = new Dictionary<string, string>();
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            values[args[i].TrimStart('-')] = args[i + 1];
        }

        var minutes = double.Parse(values.GetValueOrDefault("minutes", "10"), CultureInfo.InvariantCulture);
        var seed = values.TryGetValue("seed", out var s) ? int.Parse(s, CultureInfo.InvariantCulture) : Random.Shared.Next();
        var workers = int.Parse(values.GetValueOrDefault("workers", "24"), CultureInfo.InvariantCulture);
        var hold = int.Parse(values.GetValueOrDefault("hold", "0"), CultureInfo.InvariantCulture);
        if (minutes <= 0 || workers < 1)
        {
            Console.Error.WriteLine("fuzz: --minutes must be positive and --workers at least 1");
            return 2;
        }

        await using var host = new HostProcess(new(FuzzSettings.HostSettings), name: "host");
        await host.StartAsync();
        var tokens = new TokenIssuer(Microsoft.Extensions.Options.Options.Create(new JwtOptions { Secret = HostProcess.Secret }));
        var target = new FuzzTarget(host.Pid, host.MqttPort, new Uri($"ws://127.0.0.1:{host.HttpPort}/mqtt"), new Uri($"http://127.0.0.1:{host.HttpPort}"), tokens, () => host.Logs);
        Console.WriteLine($"fuzz: seed {seed}, {minutes} min, {workers} connections at once, host pid {host.Pid}");

        var report = await MqttFuzzer.RunAsync(target, new FuzzSettings(TimeSpan.FromMinutes(minutes), seed, workers), Console.WriteLine);
        Console.WriteLine(report);
        if (hold > 0)
        {
            Console.WriteLine($"fuzz: the host (pid {host.Pid}) stays up {hold} s more, e.g. for dotnet-gcdump");
            await Task.Delay(TimeSpan.FromSeconds(hold));
        }

        return report.Problems.Count == 0 ? 0 : 1;
    }
}
