using System.Net;
using CreatiWall.Broker.Identity;
using CreatiWall.Tests.Support;

namespace CreatiWall.Tests.Agent;

/// <summary>The agent recovers by itself: a broker crash, a rotated token. Own host (it is killed).</summary>
public sealed class AgentRecoveryTests(BrokerHost host) : IClassFixture<BrokerHost>, IDisposable
{
    readonly string _state = Directory.CreateTempSubdirectory("cw-agent-").FullName;

    [Fact]
    public async Task After_a_broker_crash_the_agent_is_back_online_and_applies_what_was_sent_meanwhile()
    {
        const string t = "recovery";
        var admin = host.Token(t, "root", Role.Admin);
        await using var agent = AgentProcess.Start(_state, "--broker", $"mqtt://127.0.0.1:{host.MqttPort}", "--token", host.Token(t, "screen-1", Role.Device));
        await agent.WaitForLogAsync("connected to");
        await host.PostAsync("/api/websocket/layout-update", admin, new { layoutId = "before", deviceIds = new[] { "screen-1" } });
        await agent.WaitForLogAsync("applied layout before");

        await host.CrashAndRestartAsync();
        var update = await host.PostAsync("/api/websocket/layout-update", admin, new { layoutId = "meanwhile", deviceIds = new[] { "screen-1" } });
        Assert.Equal(HttpStatusCode.OK, update.Status);

        try
        {
            await agent.WaitForLogAsync("applied layout meanwhile");
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException(e.Message + "\nhost:\n" + host.Logs);
        }
        var messageId = update.Data.GetProperty("messageId").GetString();
        await Eventually.HoldsAsync(async () =>
        {
            var tracking = await host.GetAsync($"/api/layout-updates/{messageId}", admin);
            var device = (await host.GetAsync("/api/devices", admin)).Data.GetProperty("devices")[0];
            return tracking.Status == HttpStatusCode.OK && tracking.Data.GetProperty("devices")[0].GetProperty("state").GetString() == "applied"
                && device.GetProperty("status").GetString() == "online";
        });
        Assert.Contains("meanwhile", await File.ReadAllTextAsync(agent.LayoutFile));
    }

    [Fact]
    public async Task A_rotated_token_file_is_used_when_the_old_token_expires()
    {
        const string t = "rotation";
        var tokenFile = Path.Combine(_state, "token");
        await File.WriteAllTextAsync(tokenFile, host.Token(t, "screen-9", Role.Device, lifetime: TimeSpan.FromSeconds(2)));
        await using var agent = AgentProcess.Start(Path.Combine(_state, "s"), "--broker", $"mqtt://127.0.0.1:{host.MqttPort}", "--token-file", tokenFile);
        await agent.WaitForLogAsync("screen-9 connected to");
        var from = agent.LogLength;

        await File.WriteAllTextAsync(tokenFile, host.Token(t, "screen-9", Role.Device, lifetime: TimeSpan.FromHours(1)));

        await agent.WaitForLogAsync("screen-9 connected to", from); // again, once the server ended the expired token's connection
        Assert.DoesNotContain("refused", agent.Process.Output);
        Assert.Contains("MaximumConnectTime", agent.Process.Output); // DISCONNECT 0xA0: the token expired
    }

    public void Dispose() => Directory.Delete(_state, recursive: true);
}
