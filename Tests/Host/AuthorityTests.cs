using System.Net;
using System.Security.Cryptography;
using CreatiWall.Tests.Support;
using MQTTnet;

namespace CreatiWall.Tests.Host;

/// <summary>A host that also accepts tokens of an OpenID Connect issuer (RS256 keys from its JWKS).</summary>
public sealed class AuthorityHost : BrokerHost
{
    public OidcIssuer Issuer { get; } = new();

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Jwt__Authority"] = Issuer.Authority,
        ["Jwt__RequireHttpsMetadata"] = "false",
    };

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        Issuer.Dispose();
    }
}

public sealed class AuthorityTests(AuthorityHost host) : IClassFixture<AuthorityHost>
{
    [Fact]
    public async Task Tokens_signed_with_the_authoritys_key_work_for_mqtt_and_rest_and_others_are_refused()
    {
        var good = host.Issuer.Issue("t1", "alice", "user");
        using var stranger = RSA.Create(2048);
        var forged = host.Issuer.Issue("t1", "alice", "admin", signWith: stranger);

        await using var mqtt = await TestClient.ConnectAsync(host, good);
        await using var refused = await TestClient.ConnectAsync(host, forged);
        var rest = await host.GetAsync("/api/websocket/status", good);
        var forgedRest = await host.GetAsync("/api/websocket/status", forged);
        await using var secretStillWorks = await TestClient.ConnectAsync(host, host.Token("t1", "bob"));

        Assert.True(mqtt.Accepted);
        Assert.Equal(MqttClientConnectResultCode.BadUserNameOrPassword, refused.ConnectResult.ResultCode);
        Assert.Equal(HttpStatusCode.OK, rest.Status);
        Assert.Equal(HttpStatusCode.Unauthorized, forgedRest.Status);
        Assert.True(secretStillWorks.Accepted);
    }
}
