using System.Net;
using System.Text.Json;
using CreatiWall.Broker.Identity;
using CreatiWall.Tests.Support;

namespace CreatiWall.Tests.Rest;

/// <summary>Every refused request gets the error shape with a message naming what is wrong, and publishes nothing.</summary>
[Collection(SharedHost.Name)]
public sealed class RefusalTests(BrokerHost host)
{
    public static TheoryData<string, string, string, HttpStatusCode, string> Cases => new()
    {
        // caller, route, body, status, message fragment
        { "none", "broadcast", """{"type":"notification","data":{}}""", HttpStatusCode.Unauthorized, "bearer token is required" },
        { "forged", "broadcast", """{"type":"notification","data":{}}""", HttpStatusCode.Unauthorized, "signature" },
        { "expired", "layout-update", """{"layoutId":"x","deviceIds":["d1"]}""", HttpStatusCode.Unauthorized, "expired" },
        { "alice", "broadcast", """{"type":"notification","data":{},"channel":"tenant:elsewhere"}""", HttpStatusCode.Forbidden, "another tenant" },
        { "alice", "broadcast", """{"type":"notification","data":{},"channel":"user:bob"}""", HttpStatusCode.Forbidden, "user:bob" },
        { "device", "broadcast", """{"type":"notification","data":{}}""", HttpStatusCode.Forbidden, "may not publish" },
        { "alice", "layout-update", """{"layoutId":"x","deviceIds":["d1","d9"]}""", HttpStatusCode.Forbidden, "'d9'" },
        { "device", "content-sync", """{"contentType":"image","contentId":"c1","action":"create","data":{}}""", HttpStatusCode.Forbidden, "content" },
        { "alice", "broadcast", """{"type":"notification","data":{}""", HttpStatusCode.BadRequest, "invalid JSON" },
        { "alice", "broadcast", """not json at all""", HttpStatusCode.BadRequest, "invalid JSON" },
        { "alice", "broadcast", """{"data":{}}""", HttpStatusCode.BadRequest, "'type'" },
        { "alice", "broadcast", """{"type":"notification"}""", HttpStatusCode.BadRequest, "'data'" },
        { "alice", "broadcast", """{"type":"notification","data":[1,2]}""", HttpStatusCode.BadRequest, "$.data" },
        { "alice", "broadcast", """{"type":"notification","data":null}""", HttpStatusCode.BadRequest, "data" },
        { "alice", "broadcast", """{"type":"bad type","data":{}}""", HttpStatusCode.BadRequest, "type:" },
        { "alice", "broadcast", """{"type":"notification","data":{},"channel":"news/sports"}""", HttpStatusCode.BadRequest, "channel:" },
        { "alice", "broadcast", """{"type":"notification","data":{},"channel":"+"}""", HttpStatusCode.BadRequest, "channel:" },
        { "alice", "broadcast", """{"type":"notification","data":{},"channel":"#"}""", HttpStatusCode.BadRequest, "channel:" },
        { "alice", "broadcast", """{"type":"notification","data":{},"channel":""}""", HttpStatusCode.BadRequest, "channel:" },
        { "alice", "broadcast", """{"type":"notification","data":{},"channel":"user","target":"b/c"}""", HttpStatusCode.BadRequest, "target:" },
        { "alice", "broadcast", """{"type":"notification","data":{},"target":"bob"}""", HttpStatusCode.BadRequest, "target:" },
        { "alice", "layout-update", """{"deviceIds":["d1"]}""", HttpStatusCode.BadRequest, "'layoutId'" },
        { "alice", "layout-update", """{"layoutId":42,"deviceIds":["d1"]}""", HttpStatusCode.BadRequest, "$.layoutId" },
        { "alice", "layout-update", """{"layoutId":"x","deviceIds":"d1"}""", HttpStatusCode.BadRequest, "$.deviceIds" },
        { "alice", "layout-update", """{"layoutId":"x","deviceIds":[]}""", HttpStatusCode.BadRequest, "deviceIds:" },
        { "alice", "layout-update", """{"layoutId":"x","deviceIds":["d1","+"]}""", HttpStatusCode.BadRequest, "deviceIds:" },
        { "alice", "layout-update", """{"layoutId":"../x","deviceIds":["d1"]}""", HttpStatusCode.BadRequest, "layoutId:" },
        { "alice", "content-sync", """{"contentType":"image","contentId":"c1","action":"rename","data":{}}""", HttpStatusCode.BadRequest, "action:" },
        { "alice", "content-sync", """{"contentType":"image","contentId":"c/1","action":"create","data":{}}""", HttpStatusCode.BadRequest, "contentId:" },
        { "alice", "content-sync", """{"contentId":"c1","action":"create"}""", HttpStatusCode.BadRequest, "'contentType'" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task A_bad_request_is_refused_clearly_and_publishes_nothing(string caller, string route, string body, HttpStatusCode status, string message)
    {
        var t = Tenants.New();
        var admin = host.Token(t, "root", Role.Admin);
        await using var everything = await TestClient.ConnectAsync(host, admin);
        await everything.SubscribeAsync($"cw/{t}/#");

        var reply = await host.PostRawAsync($"/api/websocket/{route}", TokenOf(caller, t), body);

        Assert.Equal(status, reply.Status);
        Assert.False(reply.Body.GetProperty("success").GetBoolean());
        Assert.Contains(message, reply.ErrorMessage);
        await host.PostAsync("/api/websocket/broadcast", admin, new { type = "sentinel", data = new { } });
        var sentinel = (await everything.ReceiveAsync()).Payload;
        Assert.Equal("sentinel", JsonDocument.Parse(sentinel).RootElement.GetProperty("type").GetString());
    }

    [Fact]
    public async Task A_body_over_the_limit_gets_413()
    {
        var t = Tenants.New();
        var big = "{\"type\":\"notification\",\"data\":{\"blob\":\"" + new string('x', 1024 * 1024) + "\"}}";

        // Kestrel refuses on the declared length; without 100-continue the client may still be sending when it closes.
        var reply = await host.PostRawAsync("/api/websocket/broadcast", host.Token(t, "alice"), big, expectContinue: true);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, reply.Status);
        Assert.Equal("payload_too_large", reply.ErrorCode);
    }

    string? TokenOf(string caller, string t) => caller switch
    {
        "none" => null,
        "forged" => new TokenIssuer(Microsoft.Extensions.Options.Options.Create(new JwtOptions { Secret = "another-secret-0123456789abcdef-0123456" })).Issue(t, "alice", Role.Admin),
        "expired" => host.Token(t, "alice", Role.Admin, lifetime: TimeSpan.FromMinutes(-5)),
        "device" => host.Token(t, "d1", Role.Device),
        _ => host.Token(t, caller, Role.User, ["d1"]),
    };
}
