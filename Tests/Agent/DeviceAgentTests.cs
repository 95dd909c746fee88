using System.Net;
using System.Text.Json;
using CreatiWall.Broker.Identity;
using CreatiWall.Tests.Support;

namespace CreatiWall.Tests.Agent;

/// <summary>The DeviceAgent against the real host: layouts applied, acknowledged, stale ones ignored, errors clear.</summary>
[Collection(SharedHost.Name)]
public sealed class DeviceAgentTests(BrokerHost host) : IDisposable
{
    readonly string _state = Directory.CreateTempSubdirectory("cw-agent-").FullName;

    [Fact]
    public async Task A_layout_update_lands_in_current_layout_json_and_is_acknowledged_as_applied()
    {
        var t = Tenants.New();
        var (reservation, deadPort) = Ports.Dead();
        using var _ = reservation;
        await using var agent = AgentProcess.Start(_state, "--broker", $"mqtt://127.0.0.1:{deadPort},ws://127.0.0.1:{host.HttpPort}/mqtt",
            "--token", host.Token(t, "screen-1", Role.Device), "--hook", $"echo $CW_EVENT >> {_state}/hook.log");
        await agent.WaitForLogAsync($"connected to ws://127.0.0.1:{host.HttpPort}/mqtt");
        Assert.Contains($"cannot reach mqtt://127.0.0.1:{deadPort}", agent.Process.Output); // the first broker is dead

        var admin = host.Token(t, "root", Role.Admin);
        var update = await host.PostAsync("/api/websocket/layout-update", admin, new { layoutId = "lobby", deviceIds = new[] { "screen-1" }, layoutData = new { zones = 2 } });
        var messageId = update.Data.GetProperty("messageId").GetString();

        await Eventually.HoldsAsync(async () => (await StateAsync(admin, messageId!)) == "applied", agent.Process);
        var applied = JsonDocument.Parse(await File.ReadAllTextAsync(agent.LayoutFile)).RootElement;
        Assert.Equal(messageId, applied.GetProperty("id").GetString());
        Assert.Equal(2, applied.GetProperty("data").GetProperty("layoutData").GetProperty("zones").GetInt32());
        Assert.Equal(["layout_update"], await File.ReadAllLinesAsync(Path.Combine(_state, "hook.log")));
        var device = (await host.GetAsync("/api/devices", admin)).Data.GetProperty("devices")[0];
        Assert.Equal(("online", "applied"), (device.GetProperty("status").GetString(), device.GetProperty("lastAcknowledgedLayout").GetProperty("status").GetString()));
    }

    [Fact]
    public async Task A_failing_renderer_hook_acknowledges_the_layout_as_failed()
    {
        var t = Tenants.New();
        await using var agent = AgentProcess.Start(_state, "--broker", $"mqtt://127.0.0.1:{host.MqttPort}",
            "--token", host.Token(t, "screen-1", Role.Device), "--hook", "exit 3");
        await agent.WaitForLogAsync("connected to");
        var admin = host.Token(t, "root", Role.Admin);

        var messageId = (await host.PostAsync("/api/websocket/layout-update", admin, new { layoutId = "broken", deviceIds = new[] { "screen-1" } }))
            .Data.GetProperty("messageId").GetString();

        await Eventually.HoldsAsync(async () => (await StateAsync(admin, messageId!)) == "failed", agent.Process);
        var delivery = (await host.GetAsync($"/api/layout-updates/{messageId}", admin)).Data.GetProperty("devices")[0];
        Assert.Equal("the hook exited with 3", delivery.GetProperty("error").GetString());
    }

    [Fact]
    public async Task A_stale_layout_is_ignored_and_an_applied_one_is_not_applied_again_after_a_restart()
    {
        var t = Tenants.New();
        var token = host.Token(t, "screen-1", Role.Device);
        var admin = host.Token(t, "root", Role.Admin);
        var hook = $"echo $CW_EVENT >> {_state}/hook.log";
        await host.PostAsync("/api/websocket/layout-update", admin, new { layoutId = "first", deviceIds = new[] { "screen-1" } });
        await using (var agent = AgentProcess.Start(_state, "--broker", $"mqtt://127.0.0.1:{host.MqttPort}", "--token", token, "--hook", hook))
        {
            await agent.WaitForLogAsync("applied layout first");
        }

        // Restarted: the retained copy of the same layout arrives again and is not applied a second time.
        await using (var again = AgentProcess.Start(_state, "--broker", $"mqtt://127.0.0.1:{host.MqttPort}", "--token", token, "--hook", hook))
        {
            await again.WaitForLogAsync("already applied layout first");
        }

        Assert.Equal(["layout_update"], await File.ReadAllLinesAsync(Path.Combine(_state, "hook.log")));
        File.WriteAllText(Path.Combine(_state, "current-layout.json"), """{"seq":999999,"type":"layout_update","data":{"layoutId":"from-the-future"}}""");

        // With a newer layout on file, what the server sends now is stale and ignored.
        await using var stale = AgentProcess.Start(_state, "--broker", $"mqtt://127.0.0.1:{host.MqttPort}", "--token", token, "--hook", hook);
        await stale.WaitForLogAsync("ignored stale layout first");
        Assert.Contains("from-the-future", await File.ReadAllTextAsync(stale.LayoutFile));
    }

    [Fact]
    public async Task A_refused_token_gives_a_one_line_error_and_backs_off()
    {
        var expired = host.Token(Tenants.New(), "screen-1", Role.Device, lifetime: TimeSpan.FromMinutes(-5));
        await using var agent = AgentProcess.Start(_state, "--broker", $"mqtt://127.0.0.1:{host.MqttPort}", "--token", expired, "--max-attempts", "2");

        Assert.True(await agent.Process.WaitForExitAsync(TimeSpan.FromSeconds(15)));
        Assert.Equal(1, agent.Process.ExitCode);
        Assert.Contains($"error: mqtt://127.0.0.1:{host.MqttPort}/ refused device screen-1: BadUserNameOrPassword (the token has expired)", agent.Process.Output);
        Assert.Contains("screen-1 reconnects in", agent.Process.Output);
        Assert.Contains("error: device screen-1 gave up after 2 failed attempts", agent.Process.Output);
    }

    [Theory]
    [InlineData("--broker", "http://nowhere", "error: --broker: 'http://nowhere' is not a broker URL")]
    [InlineData("--state-dir", "/proc/1/forbidden", "error: --state-dir '/proc/1/forbidden' is not writable")]
    [InlineData("--device", "screen-1\n", "error: --device: \"screen-1\\n\" is not a device id")]
    public async Task Bad_arguments_get_one_line_and_exit_2(string option, string value, string message)
    {
        var args = new Dictionary<string, string>
        {
            ["--broker"] = $"mqtt://127.0.0.1:{host.MqttPort}",
            ["--token"] = host.Token("t1", "screen-1", Role.Device),
            ["--state-dir"] = _state,
            [option] = value,
        };
        await using var agent = ChildProcess.Start("dotnet", [RepoPaths.AgentDll, .. args.SelectMany(a => new[] { a.Key, a.Value })]);

        Assert.True(await agent.WaitForExitAsync(TimeSpan.FromSeconds(15)));
        Assert.Equal(2, agent.ExitCode);
        Assert.StartsWith(message, agent.Output.Trim());
        Assert.Single(agent.Output.Trim().Split('\n'));
    }

    [Fact]
    public async Task Simulate_brings_a_fleet_online_with_one_admin_token()
    {
        var t = Tenants.New();
        var admin = host.Token(t, "root", Role.Admin);
        await using var fleet = AgentProcess.Start(_state, "--broker", $"mqtt://127.0.0.1:{host.MqttPort}", "--token", admin, "--device", "sim", "--simulate", "3");

        await Eventually.HoldsAsync(async () =>
        {
            var devices = (await host.GetAsync("/api/devices", admin)).Data.GetProperty("devices").EnumerateArray();
            return devices.Count(d => d.GetProperty("status").GetString() == "online") == 3;
        });
        var ids = (await host.GetAsync("/api/devices", admin)).Data.GetProperty("devices").EnumerateArray().Select(d => d.GetProperty("id").GetString());
        Assert.Equal(["sim-1", "sim-2", "sim-3"], ids);
    }

    async Task<string?> StateAsync(string token, string messageId)
    {
        var reply = await host.GetAsync($"/api/layout-updates/{messageId}", token);
        return reply.Status == HttpStatusCode.OK ? reply.Data.GetProperty("devices")[0].GetProperty("state").GetString() : null;
    }

    public void Dispose() => Directory.Delete(_state, recursive: true);
}
