using CreatiWall.Broker.Identity;
using CreatiWall.Tests.Support;
using Microsoft.Extensions.Options;

namespace CreatiWall.Tests.Host;

/// <summary>The Api program as a newcomer meets it: start-up checks and the dev token command.</summary>
public sealed class StartupTests
{
    [Theory]
    [InlineData(null, "is not set")]
    [InlineData("too-short", "is 9 bytes")]
    public async Task Outside_development_a_missing_or_short_secret_stops_the_host_with_one_line(string? secret, string detail)
    {
        var output = await RunApiAsync(secret, ["--urls", $"http://127.0.0.1:{Ports.Free()}"]);

        var line = Assert.Single(output.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: JWT_SECRET", line);
        Assert.Contains(detail, line);
        Assert.NotEqual(0, output.ExitCode);
    }

    [Fact]
    public async Task The_token_command_prints_a_token_the_broker_accepts()
    {
        var result = await RunApiAsync(BrokerHost.Secret, ["token", "--tenant", "t1", "--sub", "alice", "--role", "user", "--devices", "d1,d2", "--ttl", "600"]);

        Assert.Equal(0, result.ExitCode);
        var token = result.Output.Trim();
        var validation = await new TokenValidator(Options.Create(new JwtOptions { Secret = BrokerHost.Secret })).ValidateAsync(token);
        Assert.Equal(("t1", "alice", Role.User), (validation.Principal!.Tenant, validation.Principal.Subject, validation.Principal.Role));
        Assert.Equal(["d1", "d2"], validation.Principal.Devices.Order());
        Assert.InRange(validation.Principal.ExpiresAt, DateTimeOffset.UtcNow.AddSeconds(550), DateTimeOffset.UtcNow.AddSeconds(601));
    }

    [Theory]
    [InlineData("--tenant", "t/1", "--tenant must match")]
    [InlineData("--role", "root", "--role must be")]
    [InlineData("--ttl", "-5", "--ttl must be")]
    [InlineData("--devices", "a,#", "--devices: '#'")]
    public async Task The_token_command_refuses_bad_arguments_clearly(string option, string value, string message)
    {
        var args = new Dictionary<string, string> { ["--tenant"] = "t1", ["--sub"] = "alice", [option] = value };
        var result = await RunApiAsync(BrokerHost.Secret, ["token", .. args.SelectMany(a => new[] { a.Key, a.Value })]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(message, result.Output);
    }

    static async Task<(int ExitCode, string Output)> RunApiAsync(string? secret, string[] args)
    {
        var environment = new Dictionary<string, string?> { ["ASPNETCORE_ENVIRONMENT"] = "Production", ["JWT_SECRET"] = secret, ["Mqtt__TcpPort"] = "0" };
        await using var process = ChildProcess.Start("dotnet", [RepoPaths.ApiDll, .. args], environment, Path.GetDirectoryName(RepoPaths.ApiDll));
        Assert.True(await process.WaitForExitAsync(TimeSpan.FromSeconds(20)), "the program did not exit");
        return (process.ExitCode, process.Output);
    }
}
