using System.Diagnostics;
using System.Net;
using CreatiWall.Broker.Identity;
using CreatiWall.Tests.Support;
using MQTTnet;

namespace CreatiWall.Tests.Hostile;

/// <summary><c>POST /api/tokens/revoke</c>: a leaked token stops working at once, live connections included.</summary>
[Collection(SharedHost.Name)]
public sealed class RevocationTests(BrokerHost host)
{
    [Fact]
    public async Task Revoking_a_jti_ends_its_live_connections_within_a_second_and_refuses_it_afterwards()
    {
        var t = Tenants.New();
        var leaked = host.Token(t, "screen-1", Role.Device);
        var other = host.Token(t, "screen-1", Role.Device); // another token of the same device: not revoked
        await using var device = await TestClient.ConnectAsync(host, leaked, "screen-1", "screen-1");
        await using var sub = Mosquitto.StartSub(host, "mqttv5", "screen-1", leaked, "-t", $"cw/{t}/devices/screen-1/layout", "-i", "screen-1-sub");
        await sub.SubscribedAsync();

        var clock = Stopwatch.StartNew();
        var revoke = await host.PostAsync("/api/tokens/revoke", host.Token(t, "root", Role.Admin), new { jti = JwtParts.Payload(leaked).GetProperty("jti").GetString() });

        Assert.Equal(HttpStatusCode.OK, revoke.Status);
        Assert.Equal(2, revoke.Data.GetProperty("connectionsEnded").GetInt32());
        var ended = await device.Disconnected.WaitAsync(TimeSpan.FromSeconds(1));
        Assert.Equal(MqttClientDisconnectReason.NotAuthorized, ended.Reason);
        Assert.True(await sub.Process.WaitForExitAsync(TimeSpan.FromSeconds(1)), "mosquitto_sub is still connected");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2));

        await using var again = await TestClient.ConnectAsync(host, leaked, "screen-1", "screen-1");
        Assert.Equal(MqttClientConnectResultCode.BadUserNameOrPassword, again.ConnectResult.ResultCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await host.GetAsync("/api/devices", leaked)).Status);
        await using var fresh = await TestClient.ConnectAsync(host, other, "screen-1", "screen-1");
        Assert.True(fresh.Accepted);
    }

    [Fact]
    public async Task Revoking_a_subject_refuses_its_tokens_issued_before_and_no_other_tenants()
    {
        var (t, elsewhere) = (Tenants.New(), Tenants.New());
        var old = host.Token(t, "alice");
        var otherTenant = host.Token(elsewhere, "alice");

        var revoke = await host.PostAsync("/api/tokens/revoke", host.Token(t, "root", Role.Admin), new { sub = "alice" });
        var newer = host.Tokens.Issue(t, "alice", Role.User, notBefore: DateTimeOffset.UtcNow.AddSeconds(2)); // iat after "before"

        Assert.Equal(HttpStatusCode.OK, revoke.Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await host.GetAsync("/api/websocket/status", old)).Status);
        Assert.Equal(HttpStatusCode.OK, (await host.GetAsync("/api/websocket/status", newer)).Status);
        Assert.Equal(HttpStatusCode.OK, (await host.GetAsync("/api/websocket/status", otherTenant)).Status);
    }

    [Theory]
    [InlineData("""{"jti":"a","sub":"alice"}""", "jti")]
    [InlineData("""{}""", "jti")]
    [InlineData("""{"sub":"not an id!"}""", "sub")]
    [InlineData("""{"jti":"a","before":"2026-01-01T00:00:00Z"}""", "before")]
    [InlineData("""{"sub":"alice","before":"2099-01-01T00:00:00Z"}""", "before")]
    public async Task Bad_requests_are_refused_and_revoke_nothing(string body, string field)
    {
        var t = Tenants.New();
        var reply = await host.PostRawAsync("/api/tokens/revoke", host.Token(t, "root", Role.Admin), body);

        Assert.Equal(HttpStatusCode.BadRequest, reply.Status);
        Assert.Contains(field, reply.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Only_an_admin_of_the_tenant_may_revoke()
    {
        var t = Tenants.New();
        var alice = host.Token(t, "alice");

        var byUser = await host.PostAsync("/api/tokens/revoke", alice, new { sub = "bob" });
        var byOps = await host.PostAsync("/api/tokens/revoke", host.Token("*", "watcher", Role.Ops), new { sub = "alice" });

        Assert.Equal((HttpStatusCode.Forbidden, HttpStatusCode.Forbidden), (byUser.Status, byOps.Status));
        Assert.Equal(HttpStatusCode.OK, (await host.GetAsync("/api/websocket/status", alice)).Status);
    }
}

/// <summary>Revocations are kept across a crash and restart.</summary>
public sealed class RevocationDurabilityTests(BrokerHost host) : IClassFixture<BrokerHost>
{
    [Fact]
    public async Task A_revoked_subject_stays_refused_after_a_kill_and_restart()
    {
        var t = Tenants.New();
        var token = host.Token(t, "alice");
        Assert.Equal(HttpStatusCode.OK, (await host.PostAsync("/api/tokens/revoke", host.Token(t, "root", Role.Admin), new { sub = "alice" })).Status);

        await host.CrashAndRestartAsync();

        await using var client = await TestClient.ConnectAsync(host, token);
        Assert.Equal(MqttClientConnectResultCode.BadUserNameOrPassword, client.ConnectResult.ResultCode);
    }
}
