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
