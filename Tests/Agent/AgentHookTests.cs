using System.Net;
using System.Text.Json;
using CreatiWall.Broker.Identity;
using CreatiWall.Tests.Support;

namespace CreatiWall.Tests.Agent;

/// <summary>
/// The renderer's hook: what it is given (the message in a file, never in its environment), what its failures become
/// (a <c>failed</c> ack with the reason, kept across restarts), against the real host and agent.
/// </summary>
[Collection(SharedHost.Name)]
public sealed class AgentHookTests(BrokerHost host) : IDisposable
{
    readonly string _state = Directory.CreateTempSubdirectory("cw-agent-").FullName;

    string HookLog => Path.Combine(_state, "hook.log");

    [Fact]
    public async Task A_failed_layout_still_reads_failed_after_a_restart_and_only_a_newer_layout_is_tried()
    {
        var t = Tenants.New();
        var admin = host.Token(t, "root", Role.Admin);
        string[] agentArgs = ["--broker", $"mqtt://127.0.0.1:{host.MqttPort}", "--token", host.Token(t, "screen-1", Role.Device), "--hook"];
        string messageId;
        await using (var agent = AgentProcess.Start(_state, [.. agentArgs, $"echo $CW_EVENT >> {HookLog}; exit 3"]))
        {
            await agent.WaitForLogAsync("connected to");
            messageId = await PostLayoutAsync(admin, "broken");
            await Eventually.HoldsAsync(async () => (await DeliveryAsync(admin, messageId))?.GetProperty("state").GetString() == "failed", agent.Process);
        }

        var acked = (await DeliveryAsync(admin, messageId))!.Value.GetProperty("updated").GetString();

        // Started again with a hook that would succeed: the retained copy of the failed layout comes back on subscribe and
        // is acknowledged again, as failed, without running the hook.
        await using var again = AgentProcess.Start(_state, [.. agentArgs, $"echo $CW_EVENT >> {HookLog}"]);
        await Eventually.HoldsAsync(async () => (await DeliveryAsync(admin, messageId))?.GetProperty("updated").GetString() != acked, again.Process);
        var delivery = (await DeliveryAsync(admin, messageId))!.Value;
        Assert.Equal(("failed", "the hook exited with 3"), (delivery.GetProperty("state").GetString(), delivery.GetProperty("error").GetString()));
        Assert.Single(await File.ReadAllLinesAsync(HookLog));
        Assert.False(File.Exists(again.LayoutFile)); // nothing was ever applied

        var newer = await PostLayoutAsync(admin, "fixed");
        await Eventually.HoldsAsync(async () => (await DeliveryAsync(admin, newer))?.GetProperty("state").GetString() == "applied", again.Process);
        Assert.Equal(2, (await File.ReadAllLinesAsync(HookLog)).Length);
        Assert.Contains("\"fixed\"", await File.ReadAllTextAsync(again.LayoutFile));
    }

    [Fact]
    public async Task A_300_KB_layout_and_a_notification_reach_the_hook_in_a_file_not_in_its_environment()
    {
        var t = Tenants.New();
        var admin = host.Token(t, "root", Role.Admin);
        var hook = $"cp \"$CW_FILE\" {_state}/seen-$CW_EVENT.json; env > {_state}/env-$CW_EVENT.txt";
        await using var agent = AgentProcess.Start(_state, "--broker", $"mqtt://127.0.0.1:{host.MqttPort}", "--token", host.Token(t, "screen-1", Role.Device),
            "--hook", hook);
        await agent.WaitForLogAsync("connected to");
        var big = new string('x', 300_000);

        var messageId = await PostLayoutAsync(admin, "big", new { text = big });
        await Eventually.HoldsAsync(async () => (await DeliveryAsync(admin, messageId))?.GetProperty("state").GetString() == "applied", agent.Process);
        var seen = JsonDocument.Parse(await File.ReadAllBytesAsync(Path.Combine(_state, "seen-layout_update.json"))).RootElement;
        Assert.Equal((messageId, big), (seen.GetProperty("id").GetString(), seen.GetProperty("data").GetProperty("layoutData").GetProperty("text").GetString()));
        var environment = await File.ReadAllLinesAsync(Path.Combine(_state, "env-layout_update.txt"));
        Assert.Contains($"CW_FILE={agent.LayoutFile}", environment);
        Assert.DoesNotContain(environment, line => line.StartsWith("CW_MESSAGE=", StringComparison.Ordinal) || line.Contains(big[..1000], StringComparison.Ordinal));

        var notification = await host.PostAsync("/api/websocket/broadcast", admin, new { type = "notification", data = new { text = "lunch" } });
        Assert.Equal(HttpStatusCode.OK, notification.Status);
        var seenNotification = Path.Combine(_state, "seen-notification.json");
        await Eventually.HoldsAsync(() => Task.FromResult(File.Exists(seenNotification)), agent.Process);
        var envelope = JsonDocument.Parse(await File.ReadAllBytesAsync(seenNotification)).RootElement;
        Assert.Equal(notification.Data.GetProperty("messageId").GetString(), envelope.GetProperty("id").GetString());
        Assert.Equal("lunch", envelope.GetProperty("data").GetProperty("text").GetString());
    }

    [Fact]
    public async Task A_hook_that_cannot_start_acknowledges_the_layout_as_failed_with_the_reason()
    {
        var t = Tenants.New();
        var admin = host.Token(t, "root", Role.Admin);
        await using var agent = AgentProcess.Start(_state, "--broker", $"mqtt://127.0.0.1:{host.MqttPort}", "--token", host.Token(t, "screen-1", Role.Device),
            "--hook", "/nonexistent/cw-renderer --reload");
        await agent.WaitForLogAsync("connected to");

        var messageId = await PostLayoutAsync(admin, "lobby");

        await Eventually.HoldsAsync(async () => (await DeliveryAsync(admin, messageId))?.GetProperty("state").GetString() == "failed", agent.Process);
        Assert.Equal("the hook could not be started: command not found (sh exited with 127)",
            (await DeliveryAsync(admin, messageId))!.Value.GetProperty("error").GetString());
        Assert.Contains("failed to apply layout lobby", agent.Process.Output);
    }

    async Task<string> PostLayoutAsync(string admin, string layoutId, object? layoutData = null)
    {
        var reply = await host.PostAsync("/api/websocket/layout-update", admin, new { layoutId, deviceIds = new[] { "screen-1" }, layoutData = layoutData ?? new { } });
        Assert.Equal(HttpStatusCode.OK, reply.Status);
        return reply.Data.GetProperty("messageId").GetString()!;
    }

    async Task<JsonElement?> DeliveryAsync(string token, string messageId)
    {
        var reply = await host.GetAsync($"/api/layout-updates/{messageId}", token);
        return reply.Status == HttpStatusCode.OK ? reply.Data.GetProperty("devices")[0] : null;
    }

    public void Dispose() => Directory.Delete(_state, recursive: true);
}
