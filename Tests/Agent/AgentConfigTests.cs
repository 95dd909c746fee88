using System.Net;
using System.Text.Json;
using CreatiWall.Broker.Identity;
using CreatiWall.Tests.Support;

namespace CreatiWall.Tests.Agent;

/// <summary><c>--config FILE</c>: the flags as a JSON object, overridden by the command line; mistakes in one line.</summary>
[Collection(SharedHost.Name)]
public sealed class AgentConfigTests(BrokerHost host) : IDisposable
{
    readonly string _state = Directory.CreateTempSubdirectory("cw-agent-").FullName;

    string ConfigFile => Path.Combine(_state, "agent.json");

    [Fact]
    public async Task Options_come_from_the_config_file_and_flags_on_the_command_line_override_them()
    {
        var t = Tenants.New();
        var (reservation, deadPort) = Ports.Dead();
        using var _ = reservation;
        await File.WriteAllTextAsync(ConfigFile, JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["broker"] = new[] { $"mqtt://127.0.0.1:{deadPort}" },
            ["token"] = host.Token(t, "screen-1", Role.Device),
            ["hook"] = $"echo $CW_EVENT >> {_state}/hook.log",
            ["keepalive"] = 20,
            ["max-attempts"] = 1, // with the file's dead broker alone, the agent would give up at once
        }));

        await using var agent = AgentProcess.Start(_state, "--config", ConfigFile, "--broker", $"mqtt://127.0.0.1:{host.MqttPort}");
        await agent.WaitForLogAsync($"screen-1 connected to mqtt://127.0.0.1:{host.MqttPort}");
        var admin = host.Token(t, "root", Role.Admin);
        var update = await host.PostAsync("/api/websocket/layout-update", admin, new { layoutId = "lobby", deviceIds = new[] { "screen-1" } });
        var messageId = update.Data.GetProperty("messageId").GetString();

        await Eventually.HoldsAsync(async () =>
        {
            var reply = await host.GetAsync($"/api/layout-updates/{messageId}", admin);
            return reply.Status == HttpStatusCode.OK && reply.Data.GetProperty("devices")[0].GetProperty("state").GetString() == "applied";
        }, agent.Process);
        Assert.Equal(["layout_update"], await File.ReadAllLinesAsync(Path.Combine(_state, "hook.log"))); // the file's hook
        Assert.DoesNotContain(deadPort.ToString(), agent.Process.Output);
    }

    [Theory]
    [InlineData("""{"brokr": "mqtt://127.0.0.1:1883"}""", "has an unknown key 'brokr'")]
    [InlineData("""{"keepalive": "soon"}""", "error: --keepalive must be a whole number from 1 to 65535")]
    [InlineData("""{"keepalive": [30]}""", "\"keepalive\" must be a string or a number")]
    [InlineData("""["--broker", "mqtt://127.0.0.1:1883"]""", "must hold a JSON object")]
    [InlineData("""{"broker": """, "is not valid JSON")]
    [InlineData(null, "--config: cannot read")]
    public async Task A_bad_config_file_gets_one_line_and_exit_2(string? content, string message)
    {
        if (content is not null)
        {
            await File.WriteAllTextAsync(ConfigFile, content);
        }

        string[] args = ["--config", ConfigFile, "--broker", "mqtt://127.0.0.1:1", "--token", host.Token("t1", "screen-1", Role.Device), "--state-dir", _state];
        await using var agent = ChildProcess.Start("dotnet", [RepoPaths.AgentDll, .. args]);

        Assert.True(await agent.WaitForExitAsync(TimeSpan.FromSeconds(15)));
        Assert.Equal(2, agent.ExitCode);
        Assert.Contains(message, agent.Output);
        Assert.StartsWith("error: ", agent.Output);
        Assert.Single(agent.Output.Trim().Split('\n'));
    }

    public void Dispose() => Directory.Delete(_state, recursive: true);
}
