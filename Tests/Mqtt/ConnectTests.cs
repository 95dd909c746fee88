using System.Text;
using CreatiWall.Broker.Identity;
using CreatiWall.Tests.Support;
using MQTTnet;
using MQTTnet.Formatter;

namespace CreatiWall.Tests.Mqtt;

/// <summary>CONNECT: the JWT password, the username's device, client ids, wills and token expiry.</summary>
[Collection(SharedHost.Name)]
public sealed class ConnectTests(BrokerHost host)
{
    public static TheoryData<MqttProtocolVersion> Versions => new() { MqttProtocolVersion.V311, MqttProtocolVersion.V500 };

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task A_valid_token_connects_over_tcp(MqttProtocolVersion version)
    {
        await using var client = await TestClient.ConnectAsync(host, host.Token("t1", "alice"), version: version);
        Assert.Equal(MqttClientConnectResultCode.Success, client.ConnectResult.ResultCode);
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task A_valid_token_connects_over_websocket(MqttProtocolVersion version)
    {
        await using var client = await TestClient.ConnectAsync(host, host.Token("t1", "alice"), version: version, transport: Transport.WebSocket);
        Assert.Equal(MqttClientConnectResultCode.Success, client.ConnectResult.ResultCode);
    }

    public static TheoryData<string, MqttProtocolVersion> BadTokens()
    {
        var data = new TheoryData<string, MqttProtocolVersion>();
        foreach (var kind in new[] { "wrong-secret", "alg-none", "expired", "not-yet-valid", "no-tenant", "bad-sub", "garbage", "empty" })
        {
            data.Add(kind, MqttProtocolVersion.V311);
            data.Add(kind, MqttProtocolVersion.V500);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(BadTokens))]
    public async Task A_bad_token_is_refused_as_bad_username_or_password(string kind, MqttProtocolVersion version)
    {
        await using var client = await TestClient.ConnectAsync(host, BadToken(kind), version: version);
        Assert.Equal(MqttClientConnectResultCode.BadUserNameOrPassword, client.ConnectResult.ResultCode);
    }

    [Theory]
    [InlineData("mqttv311", "Connection Refused: bad user name or password")]
    [InlineData("mqttv5", "Bad user name or password")]
    public async Task Mosquitto_clients_see_the_refusal_of_a_bad_token(string version, string message)
    {
        var result = await Mosquitto.PubAsync(host, version, "", BadToken("expired"), "cw/t1/broadcast", "x");
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains(message, result.Output, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Acting_as_a_device_one_may_not_act_as_is_not_authorized(MqttProtocolVersion version)
    {
        var cases = new (string Token, string Username)[]
        {
            (host.Token("t1", "alice", Role.User, ["d1"]), "d2"),       // not hers
            (host.Token("t1", "screen-1", Role.Device), "screen-2"),    // another device
            (host.Token("t1", "watcher", Role.Ops), "screen-1"),        // ops never act as devices
        };
        foreach (var (token, username) in cases)
        {
            await using var client = await TestClient.ConnectAsync(host, token, username, version: version);
            Assert.Equal(MqttClientConnectResultCode.NotAuthorized, client.ConnectResult.ResultCode);
        }
    }

    [Fact]
    public async Task Mosquitto_sees_not_authorized_for_a_foreign_device()
    {
        var result = await Mosquitto.PubAsync(host, "mqttv311", "d2", host.Token("t1", "alice", Role.User, ["d1"]), "cw/t1/broadcast", "x");
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("not authorised", result.Output, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_username_that_is_not_a_valid_id_is_refused()
    {
        await using var client = await TestClient.ConnectAsync(host, host.Token("t1", "root", Role.Admin), "cw/#");
        Assert.Equal(MqttClientConnectResultCode.BadUserNameOrPassword, client.ConnectResult.ResultCode);
    }

    [Theory]
    [InlineData("device", "screen-1", "screen-1")]
    [InlineData("device", "screen-1", "")]
    [InlineData("user", "alice", "d1")]
    [InlineData("user", "alice", "alice")]
    [InlineData("admin", "root", "any-screen")]
    public async Task Allowed_device_usernames_connect(string role, string sub, string username)
    {
        Assert.True(Roles.TryParse(role, out var parsed));
        await using var client = await TestClient.ConnectAsync(host, host.Token("t1", sub, parsed, ["d1"]), username);
        Assert.Equal(MqttClientConnectResultCode.Success, client.ConnectResult.ResultCode);
    }

    [Fact]
    public async Task An_empty_client_id_gets_one_assigned()
    {
        await using var v5 = await TestClient.ConnectAsync(host, host.Token("t1", "alice"), clientId: "");
        Assert.True(v5.Accepted);
        Assert.StartsWith("auto-", v5.ConnectResult.AssignedClientIdentifier);

        await using var v311 = await TestClient.ConnectAsync(host, host.Token("t1", "alice"), clientId: "", version: MqttProtocolVersion.V311);
        Assert.True(v311.Accepted);
    }

    [Fact]
    public async Task An_mqtt_3_client_with_an_empty_client_id_and_a_kept_session_gets_CONNACK_2()
    {
        using var client = await RawClient.OpenAsync(host.MqttPort);
        await client.SendAsync(RawClient.Connect("", host.Token("t1", "alice"), cleanSession: false));

        var connAck = await client.ReadPacketAsync(TimeSpan.FromSeconds(5));
        Assert.True(connAck is [0x20, 2, 0, 2], $"CONNACK 2 (got {(connAck is null ? "a closed connection" : Convert.ToHexString(connAck))})");
    }

    [Fact]
    public async Task A_client_id_held_by_another_principal_is_not_taken_over()
    {
        var clientId = "shared-" + Guid.NewGuid().ToString("N");
        await using var alice = await TestClient.ConnectAsync(host, host.Token("t1", "alice"), clientId: clientId);
        await using var mallory = await TestClient.ConnectAsync(host, host.Token("t1", "mallory"), clientId: clientId);
        await using var device = await TestClient.ConnectAsync(host, host.Token("t1", "alice", Role.User, ["d1"]), "d1", clientId, MqttProtocolVersion.V311);

        Assert.Equal(MqttClientConnectResultCode.NotAuthorized, mallory.ConnectResult.ResultCode);
        Assert.Equal(MqttClientConnectResultCode.NotAuthorized, device.ConnectResult.ResultCode); // alice, but acting as d1: another identity
        Assert.True(alice.Client.IsConnected);
        Assert.True(await alice.Client.TryPingAsync());
    }

    [Fact]
    public async Task Another_tenant_cannot_hold_or_block_a_client_id_it_has_a_space_of_its_own()
    {
        var clientId = "screen-" + Guid.NewGuid().ToString("N")[..8];
        await using var squatter = await TestClient.ConnectAsync(host, host.Token("t2", "mallory"), clientId: clientId,
            configure: o => o.WithCleanStart(false).WithSessionExpiryInterval(3600));
        await using var screen = await TestClient.ConnectAsync(host, host.Token("t1", clientId, Role.Device), clientId, clientId);

        Assert.True(squatter.Accepted);
        Assert.True(screen.Accepted);
        Assert.True(await squatter.Client.TryPingAsync()); // neither took the other over
    }

    [Fact]
    public async Task A_persistent_session_stays_its_owners_after_a_disconnect()
    {
        var clientId = "kept-" + Guid.NewGuid().ToString("N");
        await using (var alice = await TestClient.ConnectAsync(host, host.Token("t1", "alice"), clientId: clientId,
                         configure: o => o.WithCleanStart(false).WithSessionExpiryInterval(3600)))
        {
            Assert.True(alice.Accepted);
        }

        await using var mallory = await TestClient.ConnectAsync(host, host.Token("t1", "mallory"), clientId: clientId);
        Assert.Equal(MqttClientConnectResultCode.NotAuthorized, mallory.ConnectResult.ResultCode);
    }

    [Fact]
    public async Task The_same_principal_takes_its_own_session_over()
    {
        var clientId = "mine-" + Guid.NewGuid().ToString("N");
        await using var first = await TestClient.ConnectAsync(host, host.Token("t1", "alice"), clientId: clientId);
        await using var second = await TestClient.ConnectAsync(host, host.Token("t1", "alice"), clientId: clientId);

        Assert.True(second.Accepted);
        var ended = await first.Disconnected.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(MqttClientDisconnectReason.SessionTakenOver, ended.Reason);
    }

    [Fact]
    public async Task A_session_taken_over_by_its_owner_stays_its_owners()
    {
        var clientId = "retaken-" + Guid.NewGuid().ToString("N");
        await using var first = await TestClient.ConnectAsync(host, host.Token("t1", "alice"), clientId: clientId);
        await using var second = await TestClient.ConnectAsync(host, host.Token("t1", "alice"), clientId: clientId);
        await first.Disconnected.WaitAsync(TimeSpan.FromSeconds(10)); // the old session is deleted (clean start)

        await using var mallory = await TestClient.ConnectAsync(host, host.Token("t1", "mallory"), clientId: clientId);
        Assert.Equal(MqttClientConnectResultCode.NotAuthorized, mallory.ConnectResult.ResultCode);
        Assert.True(await second.Client.TryPingAsync());
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task A_will_on_a_topic_the_client_may_not_publish_is_refused(MqttProtocolVersion version)
    {
        var device = host.Token("t1", "screen-1", Role.Device);
        await using var foreign = await TestClient.ConnectAsync(host, device, "screen-1", version: version,
            configure: o => o.WithWillTopic("cw/t1/devices/screen-2/status").WithWillPayload("offline"));
        await using var own = await TestClient.ConnectAsync(host, device, "screen-1", version: version,
            configure: o => o.WithWillTopic("cw/t1/devices/screen-1/status").WithWillPayload("offline"));

        Assert.Equal(MqttClientConnectResultCode.NotAuthorized, foreign.ConnectResult.ResultCode);
        Assert.Equal(MqttClientConnectResultCode.Success, own.ConnectResult.ResultCode);
    }

    [Fact]
    public async Task Mosquitto_with_a_foreign_will_is_refused()
    {
        var result = await Mosquitto.PubAsync(host, "mqttv5", "", host.Token("t1", "alice"), "cw/t1/broadcast", "x",
            "--will-topic", "cw/t2/broadcast", "--will-payload", "gone");
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("not authorized", result.Output, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task The_connection_ends_when_its_token_expires()
    {
        await using var client = await TestClient.ConnectAsync(host, host.Token("t1", "alice", lifetime: TimeSpan.FromSeconds(2)));
        Assert.True(client.Accepted);

        var ended = await client.Disconnected.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(MqttClientDisconnectReason.MaximumConnectTime, ended.Reason);
    }

    [Fact]
    public async Task Tokens_never_reach_the_log()
    {
        var good = host.Token("t1", "log-check");
        var bad = BadToken("wrong-secret");
        await using (await TestClient.ConnectAsync(host, good))
        await using (await TestClient.ConnectAsync(host, bad))
        {
        }

        Assert.Contains("log-check", host.Logs); // the connection was logged ...
        Assert.DoesNotContain(good.Split('.')[1], host.Logs); // ... without its token
        Assert.DoesNotContain(bad.Split('.')[1], host.Logs);
    }

    string BadToken(string kind)
    {
        var other = new TokenIssuer(Microsoft.Extensions.Options.Options.Create(new JwtOptions { Secret = "a-different-secret-0123456789abcdef-0123" }));
        return kind switch
        {
            "wrong-secret" => other.Issue("t1", "alice", Role.User),
            "alg-none" => $"{B64("""{"alg":"none","typ":"JWT"}""")}.{B64($$"""{"sub":"alice","tenant":"t1","exp":{{DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds()}}}""")}.",
            "expired" => host.Token("t1", "alice", lifetime: TimeSpan.FromMinutes(-5)),
            "not-yet-valid" => host.Tokens.Issue("t1", "alice", Role.User, lifetime: TimeSpan.FromHours(2), notBefore: DateTimeOffset.UtcNow.AddHours(1)),
            "no-tenant" => Resign(host.Token("t1", "alice"), """{"sub":"alice","exp":9999999999}"""),
            "bad-sub" => host.Token("t1", "alice/../bob"),
            "garbage" => "not.a.jwt",
            _ => "",
        };
    }

    static string Resign(string token, string payload)
    {
        var unsigned = $"{token.Split('.')[0]}.{B64(payload)}";
        using var hmac = new System.Security.Cryptography.HMACSHA256(Encoding.UTF8.GetBytes(BrokerHost.Secret));
        return $"{unsigned}.{Base64Url(hmac.ComputeHash(Encoding.ASCII.GetBytes(unsigned)))}";
    }

    static string B64(string json) => Base64Url(Encoding.UTF8.GetBytes(json));

    static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
