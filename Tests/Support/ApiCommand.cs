using System.Text.RegularExpressions;

namespace CreatiWall.Tests.Support;

/// <summary>
/// Runs the built Api program with a command (<c>checktoken</c>, <c>checkconfig</c>, …) as an operator would, in the
/// Production environment with <see cref="BrokerHost.Secret"/> unless the test says otherwise.
/// </summary>
public static partial class ApiCommand
{
    public sealed record Result(int ExitCode, string Output)
    {
        /// <summary>The output's lines with runs of spaces made one: <c>read     cw/t1/broadcast</c> → <c>read cw/t1/broadcast</c>.</summary>
        public IReadOnlyList<string> Lines =>
            [.. Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(l => Spaces().Replace(l, " "))];
    }

    public static async Task<Result> RunAsync(string[] args, IDictionary<string, string?>? settings = null, string? workingDirectory = null)
    {
        var environment = new Dictionary<string, string?>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["JWT_SECRET"] = BrokerHost.Secret,
            ["Mqtt__TcpPort"] = "0",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            environment[key] = value;
        }

        await using var process = ChildProcess.Start("dotnet", [RepoPaths.ApiDll, .. args], environment, workingDirectory ?? Path.GetDirectoryName(RepoPaths.ApiDll));
        Assert.True(await process.WaitForExitAsync(TimeSpan.FromSeconds(30)), "the program did not exit");
        return new Result(process.ExitCode, process.Output);
    }

    [GeneratedRegex(" +")]
    private static partial Regex Spaces();
}
