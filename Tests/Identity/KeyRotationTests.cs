using System.Net;
using CreatiWall.Broker.Identity;
using CreatiWall.Tests.Support;
using Microsoft.Extensions.Options;
using MQTTnet;

namespace CreatiWall.Tests.Identity;

/// <summary>A host in the middle of a rotation: <c>Jwt:Keys</c> lists the new key "k2" first and the old "k1" after it.</summary>
public sealed class RotatingKeysHost : BrokerHost
{
    public const string OldSecret = "the-old-signing-key-0123456789-abcdefghij";
    public const string NewSecret = "the-new-signing-key-0123456789-klmnopqrst";

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Jwt__Keys__0__Kid"] = "k2",
        ["Jwt__Keys__0__Secret"] = NewSecret,
        ["Jwt__Keys__1__Kid"] = "k1",
        ["Jwt__Keys__1__Secret"] = OldSecret,
    };

    public static TokenIssuer Signer(string kid, string secret) =>
        new(Options.Create(new JwtOptions { Keys = [new JwtKey { Kid = kid, Secret = secret }] }));
}

public sealed class KeyRotationTests(RotatingKeysHost host) : IClassFixture<RotatingKeysHost>
{
    [Theory]
    [InlineData("k2", RotatingKeysHost.NewSecret, true)]
    [InlineData("k1", RotatingKeysHost.OldSecret, true)]
    [InlineData("k0", "a-removed-signing-key-0123456789-uvwxyz012", false)]
    [InlineData("k2", "a-forged-key-that-claims-kid-k2-0123456789", false)]
    public async Task Tokens_of_every_listed_key_work_and_others_are_refused_over_mqtt_and_rest(string kid, string secret, bool accepted)
    {
        var t = Tenants.New();
        var token = RotatingKeysHost.Signer(kid, secret).Issue(t, "alice", Role.User);
        Assert.Equal(kid, JwtParts.Header(token).GetProperty("kid").GetString());

        await using var client = await TestClient.ConnectAsync(host, token);
        var status = await host.GetAsync("/api/websocket/status", token);

        Assert.Equal(accepted ? MqttClientConnectResultCode.Success : MqttClientConnectResultCode.BadUserNameOrPassword, client.ConnectResult.ResultCode);
        Assert.Equal(accepted ? HttpStatusCode.OK : HttpStatusCode.Unauthorized, status.Status);
    }

    [Fact]
    public async Task The_token_command_signs_with_the_first_listed_key()
    {
        var result = await ApiCommand.RunAsync(["token", "--tenant", "t1", "--sub", "bob"], new Dictionary<string, string?>
        {
            ["Jwt__Keys__0__Kid"] = "k2",
            ["Jwt__Keys__0__Secret"] = RotatingKeysHost.NewSecret,
            ["Jwt__Keys__1__Kid"] = "k1",
            ["Jwt__Keys__1__Secret"] = RotatingKeysHost.OldSecret,
        });

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("k2", JwtParts.Header(result.Output.Trim()).GetProperty("kid").GetString());
    }

    [Fact]
    public async Task A_short_or_duplicate_key_stops_the_host_with_the_setting_named()
    {
        var result = await ApiCommand.RunAsync(["checkconfig"], new Dictionary<string, string?>
        {
            ["Jwt__Keys__0__Kid"] = "k2",
            ["Jwt__Keys__0__Secret"] = "short",
        });

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("Jwt:Keys:0:Secret (kid 'k2') is 5 bytes", result.Output, StringComparison.Ordinal);
    }
}
