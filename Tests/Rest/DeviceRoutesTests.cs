using System.Net;
using System.Text.Json;
using CreatiWall.Broker.Identity;
using CreatiWall.Tests.Support;

namespace CreatiWall.Tests.Rest;

/// <summary>The device registry over REST: pages through a large fleet, filters, one device, registering name, tags and location.</summary>
[Collection(SharedHost.Name)]
public sealed class DeviceRoutesTests(BrokerHost host)
{
    [Fact]
    public async Task A_fleet_of_2500_is_listed_in_pages_that_end_without_a_cursor()
    {
        var t = Tenants.New();
        var admin = host.Token(t, "root", Role.Admin);
        var ids = Enumerable.Range(1, 2500).Select(i => $"screen-{i:0000}").ToArray();
        Assert.Equal(HttpStatusCode.OK, (await host.PostAsync("/api/websocket/layout-update", admin, new { layoutId = "L1", deviceIds = ids })).Status);

        var first = await host.GetAsync("/api/devices", admin);
        Assert.Equal(100, first.Data.GetProperty("devices").GetArrayLength()); // the default page
        var seen = new List<string>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await host.GetAsync($"/api/devices?limit=1000{(cursor is null ? "" : "&cursor=" + cursor)}", admin);
            Assert.Equal(HttpStatusCode.OK, page.Status);
            seen.AddRange(page.Data.GetProperty("devices").EnumerateArray().Select(d => d.GetProperty("id").GetString()!));
            cursor = page.Data.TryGetProperty("nextCursor", out var next) ? next.GetString() : null;
            pages++;
        }
        while (cursor is not null);

        Assert.Equal(ids, seen);
        Assert.Equal(3, pages);
        var device = first.Data.GetProperty("devices")[0];
        Assert.Equal(("offline", "L1", t), (device.GetProperty("status").GetString(),
            device.GetProperty("currentLayout").GetProperty("layoutId").GetString(), device.GetProperty("tenant").GetString()));
    }

    [Fact]
    public async Task Admins_register_name_tags_and_location_and_the_list_filters_by_them()
    {
        var t = Tenants.New();
        var admin = host.Token(t, "root", Role.Admin);
        await host.PostAsync("/api/websocket/layout-update", admin, new { layoutId = "L1", deviceIds = new[] { "s1", "s2", "s3", "s4" } });
        await using var online = await TestClient.ConnectAsync(host, host.Token(t, "s2", Role.Device), username: "s2");
        await PutAsync(admin, "s1", new { name = "Café entrance", tags = new[] { "lobby", "floor-0" }, location = "Building A" });
        await PutAsync(admin, "s2", new { name = "Lift", tags = new[] { "lobby" } });
        var registered = await PutAsync(admin, "s9", new { name = "  Not installed yet  ", tags = new[] { "spare" } });

        Assert.Equal(("Not installed yet", "offline", null), (registered.GetProperty("name").GetString(), registered.GetProperty("status").GetString(),
            registered.GetProperty("currentLayout").GetString()));
        var s1 = await host.GetAsync("/api/devices/s1", admin);
        Assert.Equal(("Café entrance", "Building A", "L1"), (s1.Data.GetProperty("name").GetString(), s1.Data.GetProperty("location").GetString(),
            s1.Data.GetProperty("currentLayout").GetProperty("layoutId").GetString()));
        Assert.Equal(["floor-0", "lobby"], s1.Data.GetProperty("tags").EnumerateArray().Select(x => x.GetString()));
        await Eventually.HoldsAsync(async () => await IdsAsync(admin, "?status=online") is ["s2"]);
        Assert.Equal(["s1", "s2"], await IdsAsync(admin, "?tag=lobby"));
        Assert.Equal(["s1"], await IdsAsync(admin, "?tag=lobby&status=offline"));
        Assert.Equal(["s1"], await IdsAsync(admin, "?q=CAFÉ"));
        Assert.Equal(["s1", "s2", "s3", "s4", "s9"], await IdsAsync(admin, "?status=&tag=&q="));
        Assert.Equal(["s1", "s2"], await IdsAsync(host.Token(t, "viewer"), "?limit=2")); // everyone in the tenant reads the list

        await PutAsync(admin, "s1", new { tags = Array.Empty<string>() }); // a replacement: what is left out is cleared
        var cleared = (await host.GetAsync("/api/devices/s1", admin)).Data;
        Assert.Equal((JsonValueKind.Null, 0), (cleared.GetProperty("name").ValueKind, cleared.GetProperty("tags").GetArrayLength()));
    }

    [Fact]
    public async Task Only_owners_and_admins_register_and_other_tenants_devices_are_not_found()
    {
        var t = Tenants.New();
        var admin = host.Token(t, "root", Role.Admin);
        await host.PostAsync("/api/websocket/layout-update", admin, new { layoutId = "L1", deviceIds = new[] { "d1", "d2" } });
        var owner = host.Token(t, "alice", devices: ["d1"]);

        Assert.Equal(HttpStatusCode.OK, (await host.PutAsync("/api/devices/d1", owner, new { name = "Alice's" })).Status);
        foreach (var (token, device) in new[] { (owner, "d2"), (host.Token(t, "bob"), "d1"), (host.Token(t, "d1", Role.Device), "d1"), (host.Token(t, "ops", Role.Ops), "d1") })
        {
            var refused = await host.PutAsync($"/api/devices/{device}", token, new { name = "mine" });
            Assert.Equal((HttpStatusCode.Forbidden, "forbidden"), (refused.Status, refused.ErrorCode));
        }

        Assert.Equal("Alice's", (await host.GetAsync("/api/devices/d1", admin)).Data.GetProperty("name").GetString());
        var other = host.Token(Tenants.New(), "root", Role.Admin);
        foreach (var (token, device) in new[] { (other, "d1"), (admin, "nope"), (host.Token(t, "d1", Role.Device), "d2") })
        {
            var missing = await host.GetAsync($"/api/devices/{device}", token);
            Assert.Equal((HttpStatusCode.NotFound, "not_found"), (missing.Status, missing.ErrorCode));
        }

        var self = host.Token(t, "d2", Role.Device);
        Assert.Equal("d2", (await host.GetAsync("/api/devices/d2", self)).Data.GetProperty("id").GetString());
        Assert.Equal(["d2"], await IdsAsync(self, ""));
        Assert.Empty(await IdsAsync(other, ""));
    }

    [Theory]
    [InlineData("/api/devices?limit=0", "limit: must be 1 to 1000")]
    [InlineData("/api/devices?limit=1001", "limit: must be 1 to 1000")]
    [InlineData("/api/devices?status=sleeping", "status: must be online or offline")]
    [InlineData("/api/devices?tag=a%20b", "tag: must match")]
    [InlineData("/api/devices?cursor=not-a-cursor", "cursor: not a cursor of this list")]
    [InlineData("/api/devices?cursor=b3RoZXIKZDE", "cursor: not a cursor of this list")] // "other\nd1": another tenant's place
    [InlineData("/api/devices/bad%20id", "deviceId: must match")]
    public async Task Bad_list_and_device_requests_are_400_naming_the_field(string path, string message)
    {
        var reply = await host.GetAsync(path, host.Token(Tenants.New(), "root", Role.Admin));

        Assert.Equal((HttpStatusCode.BadRequest, "invalid_request"), (reply.Status, reply.ErrorCode));
        Assert.StartsWith(message, reply.ErrorMessage);
    }

    [Theory]
    [InlineData("""{"tags": ["lobby", "no spaces"]}""", "invalid_request", "tags: 'no spaces' does not match")]
    [InlineData("""{"name": "line\nbreak"}""", "invalid_request", "name: no control characters")]
    [InlineData("""{"location": "LOCATION"}""", "invalid_request", "location: at most 200 characters")]
    [InlineData("""{"tags": "lobby"}""", "invalid_json", "invalid JSON: ")]
    [InlineData("""{"tags": ["t0","t1","t2","t3","t4","t5","t6","t7","t8","t9","t10","t11","t12","t13","t14","t15","t16","t17","t18","t19","t20","t21","t22","t23","t24","t25","t26","t27","t28","t29","t30","t31","t32"]}""", "invalid_request", "tags: at most 32 tags")]
    public async Task Bad_registrations_are_400_and_change_nothing(string body, string code, string message)
    {
        var t = Tenants.New();
        var admin = host.Token(t, "root", Role.Admin);
        await PutAsync(admin, "d1", new { name = "Kept" });

        var reply = await host.PutRawAsync("/api/devices/d1", admin, body.Replace("LOCATION", new string('x', 201), StringComparison.Ordinal));

        Assert.Equal((HttpStatusCode.BadRequest, code), (reply.Status, reply.ErrorCode));
        Assert.StartsWith(message, reply.ErrorMessage);
        Assert.Equal("Kept", (await host.GetAsync("/api/devices/d1", admin)).Data.GetProperty("name").GetString());
    }

    async Task<JsonElement> PutAsync(string token, string device, object body)
    {
        var reply = await host.PutAsync($"/api/devices/{device}", token, body);
        Assert.Equal(HttpStatusCode.OK, reply.Status);
        return reply.Data;
    }

    async Task<List<string?>> IdsAsync(string token, string query)
    {
        var reply = await host.GetAsync("/api/devices" + query, token);
        Assert.Equal(HttpStatusCode.OK, reply.Status);
        return reply.Data.GetProperty("devices").EnumerateArray().Select(d => d.GetProperty("id").GetString()).ToList();
    }
}
