using System.Net;
using System.Text.Json;
using CreatiWall.Broker.Identity;
using CreatiWall.Tests.Support;

namespace CreatiWall.Tests.Rest;

/// <summary><c>GET /api/activity</c>: the caller's tenant only, live figures in the minute under way.</summary>
[Collection(SharedHost.Name)]
public sealed class ActivityRouteTests(BrokerHost host)
{
    [Fact]
    public async Task The_minute_under_way_counts_the_tenants_devices_online_and_its_messages_and_no_other_tenants()
    {
        var t = Tenants.New();
        var other = Tenants.New();
        await using var screen = await TestClient.ConnectAsync(host, host.Token(t, "screen-1", Role.Device), "screen-1");
        await using var alice = await TestClient.ConnectAsync(host, host.Token(t, "alice"));
        for (var i = 0; i < 20; i++)
        {
            await alice.PublishAsync($"cw/{t}/broadcast", """{"type":"note","data":{}}""");
        }

        var mine = await host.GetAsync("/api/activity", host.Token(t, "bob"));
        Assert.Equal(HttpStatusCode.OK, mine.Status);
        Assert.Equal(60, mine.Data.GetProperty("intervalSeconds").GetInt32());
        var current = mine.Data.GetProperty("current");
        Assert.Equal(1, current.GetProperty("online").GetInt32());
        Assert.True(current.GetProperty("messagesInPerSecond").GetDouble() > 0);
        Assert.Equal(JsonValueKind.Array, mine.Data.GetProperty("points").ValueKind);

        var theirs = (await host.GetAsync("/api/activity", host.Token(other, "bob"))).Data.GetProperty("current");
        Assert.Equal(0, theirs.GetProperty("online").GetInt32());
        Assert.Equal(0, theirs.GetProperty("messagesInPerSecond").GetDouble());
        Assert.Equal(HttpStatusCode.Unauthorized, (await host.GetAsync("/api/activity", null)).Status);
    }
}
