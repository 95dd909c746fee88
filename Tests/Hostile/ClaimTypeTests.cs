using System.Net;
using System.Security.Cryptography;
using System.Text;
using CreatiWall.Tests.Support;
using MQTTnet;
using MQTTnet.Formatter;

namespace CreatiWall.Tests.Hostile;

/// <summary>
/// A correctly signed token whose <c>tenant</c> or <c>sub</c> is a JSON number is refused, over MQTT and REST: the token
/// library would read 42 as the id "42", so a token minted with numeric ids would act in a tenant nobody named.
/// </summary>
[Collection(SharedHost.Name)]
public sealed class ClaimTypeTests(BrokerHost host)
{
    public static TheoryData<string, MqttProtocolVersion> Cases()
    {
        var data = new TheoryData<string, MqttProtocolVersion>();
        foreach (var claims in new[] { "\"tenant\":42,\"sub\":\"alice\"", "\"tenant\":\"t1\",\"sub\":7" })
        {
            data.Add(claims, MqttProtocolVersion.V311);
            data.Add(claims, MqttProtocolVersion.V500);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task A_numeric_tenant_or_sub_is_refused_at_CONNECT(string claims, MqttProtocolVersion version)
    {
        await using var client = await TestClient.ConnectAsync(host, Token(claims), version: version);

        Assert.Equal(MqttClientConnectResultCode.BadUserNameOrPassword, client.ConnectResult.ResultCode);
        if (version == MqttProtocolVersion.V500)
        {
            Assert.Contains("wrong type", client.ConnectResult.ReasonString, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("\"tenant\":42,\"sub\":\"alice\"")]
    [InlineData("\"tenant\":\"t1\",\"sub\":7")]
    public async Task A_numeric_tenant_or_sub_gets_401_from_REST(string claims)
    {
        var reply = await host.GetAsync("/api/websocket/status", Token(claims));

        Assert.Equal(HttpStatusCode.Unauthorized, reply.Status);
        Assert.Contains("wrong type", reply.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_same_claims_as_strings_are_accepted()
    {
        await using var client = await TestClient.ConnectAsync(host, Token("\"tenant\":\"t42\",\"sub\":\"alice\""));
        Assert.True(client.Accepted);
        Assert.Equal(HttpStatusCode.OK, (await host.GetAsync("/api/websocket/status", Token("\"tenant\":\"t42\",\"sub\":\"alice\""))).Status);
    }

    /// <summary>A token with <paramref name="claims"/>, role user and an hour to live, signed with the host's secret.</summary>
    static string Token(string claims)
    {
        var payload = $"{{{claims},\"role\":\"user\",\"exp\":{DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds()}}}";
        var unsigned = $"{B64("""{"alg":"HS256","typ":"JWT"}""")}.{B64(payload)}";
        using var hmac = new HMACSHA256(Encoding.UTF8.GetBytes(BrokerHost.Secret));
        return $"{unsigned}.{Base64Url(hmac.ComputeHash(Encoding.ASCII.GetBytes(unsigned)))}";
    }

    static string B64(string json) => Base64Url(Encoding.UTF8.GetBytes(json));

    static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
