using CreatiWall.Broker.Storage;

namespace CreatiWall.Tests.Durability;

/// <summary>The device registry's part of the contract: name, tags and location kept with the record; pages and filters.</summary>
public abstract partial class StoreContractTests
{
    [Fact]
    public async Task A_devices_name_tags_and_location_are_kept_through_other_changes_and_a_reopen()
    {
        var store = Open();
        var since = DateTimeOffset.Parse("2026-05-01T10:00:00Z");
        var registered = await store.UpdateDeviceAsync(T, "d1", d => d with { Name = "Lobby left", Tags = DeviceTags.Of(["lobby", "floor-1", "lobby"]), Location = "Hall A" });
        await store.SetStatusAsync(T, "d1", DeviceRecord.Online, since, null);
        await store.SetCurrentLayoutAsync(T, ["d1"], "L1", "m1");
        await store.UpdateDeviceAsync(T, "d1", d => d with { AckedLayoutId = "L1", AckedLayoutStatus = "applied" });
        await store.FlushAsync();
        Close(store);

        var reopened = Open();
        var device = await reopened.GetDeviceAsync(T, "d1");

        Assert.Equal(["floor-1", "lobby"], registered.Tags);
        Assert.Equal(new DeviceRecord(T, "d1", DeviceRecord.Online, since, null, "L1", "m1", "L1", "applied")
        {
            Name = "Lobby left",
            Tags = DeviceTags.Of(["lobby", "floor-1"]),
            Location = "Hall A",
        }, device);
        Assert.Equal(device, (await reopened.ListDevicesAsync(T)).Single());
        Assert.Null(await reopened.GetDeviceAsync(T, "d2"));
        Assert.Null(await reopened.GetDeviceAsync(T + "-other", "d1"));

        var cleared = await reopened.UpdateDeviceAsync(T, "d1", d => d with { Name = null, Tags = DeviceTags.None, Location = null });
        Assert.Equal((null, 0, null, "L1"), (cleared.Name, cleared.Tags.Count, cleared.Location, cleared.CurrentLayoutId));
        Assert.Equal(cleared, await reopened.GetDeviceAsync(T, "d1"));
    }

    [Fact]
    public async Task Pages_of_devices_follow_the_list_order_and_end_without_a_next_key()
    {
        var store = Open();
        var ids = Enumerable.Range(1, 25).Select(i => $"d{i:00}").ToList();
        await store.SetCurrentLayoutAsync(T, ids, "L", "m");

        var seen = new List<string>();
        var pages = 0;
        DeviceKey? after = null;
        do
        {
            var page = await store.QueryDevicesAsync(new DeviceQuery(T, Limit: 10, After: after));
            seen.AddRange(page.Devices.Select(d => d.DeviceId));
            Assert.Equal(page.Next is null ? 5 : 10, page.Devices.Count);
            after = page.Next;
            pages++;
        }
        while (after is not null);

        Assert.Equal(ids, seen);
        Assert.Equal(3, pages);
        Assert.Null((await store.QueryDevicesAsync(new DeviceQuery(T, Limit: 25))).Next); // exactly the last device: no next page
        Assert.Empty((await store.QueryDevicesAsync(new DeviceQuery(T, After: new DeviceKey(T, "d25")))).Devices);
        Assert.Empty((await store.QueryDevicesAsync(new DeviceQuery(T + "-none"))).Devices);
    }

    [Fact]
    public async Task Pages_filter_by_status_tag_and_text_and_span_tenants_for_operators()
    {
        var store = Open();
        var now = DateTimeOffset.UtcNow;
        for (var i = 1; i <= 12; i++)
        {
            var id = $"screen-{i:00}";
            await store.SetStatusAsync(T, id, i % 3 == 0 ? DeviceRecord.Online : DeviceRecord.Offline, now, null);
            await store.UpdateDeviceAsync(T, id, d => d with
            {
                Tags = DeviceTags.Of(i % 2 == 0 ? ["lobby", "even"] : ["odd"]),
                Name = i == 7 ? "Café Entrance" : null,
                Location = i == 11 ? "north WING" : null,
            });
        }

        async Task<List<string>> AllAsync(DeviceQuery query)
        {
            var found = new List<string>();
            for (var page = await store.QueryDevicesAsync(query); ; page = await store.QueryDevicesAsync(query with { After = page.Next }))
            {
                found.AddRange(page.Devices.Select(d => query.Tenant is null ? $"{d.Tenant}/{d.DeviceId}" : d.DeviceId));
                if (page.Next is null)
                {
                    return found;
                }
            }
        }

        Assert.Equal(["screen-03", "screen-06", "screen-09", "screen-12"], await AllAsync(new DeviceQuery(T, Status: DeviceRecord.Online, Limit: 3)));
        Assert.Equal(["screen-06", "screen-12"], await AllAsync(new DeviceQuery(T, Status: DeviceRecord.Online, Tag: "lobby", Limit: 1)));
        Assert.Empty(await AllAsync(new DeviceQuery(T, Tag: "lob")));
        Assert.Equal(["screen-07"], await AllAsync(new DeviceQuery(T, Text: "café")));
        Assert.Equal(["screen-11"], await AllAsync(new DeviceQuery(T, Text: "wing")));
        Assert.Equal(["screen-10", "screen-11", "screen-12"], await AllAsync(new DeviceQuery(T, Text: "SCREEN-1", Limit: 2)));

        var other = T + "-b";
        await store.SetCurrentLayoutAsync(other, ["a1", "a2"], "L", "m");
        var everyTenant = await AllAsync(new DeviceQuery(null, Limit: 5)); // T's devices, then those of T-b: tenants in order
        var mine = everyTenant.Where(d => d.StartsWith(T + "/", StringComparison.Ordinal) || d.StartsWith(other + "/", StringComparison.Ordinal)).ToList();
        Assert.Equal([.. Enumerable.Range(1, 12).Select(i => $"{T}/screen-{i:00}"), $"{other}/a1", $"{other}/a2"], mine);
        Assert.Equal(["odd"], (await store.QueryDevicesAsync(new DeviceQuery(null, Tag: "odd", Limit: 1, After: new DeviceKey(T, "screen-10")))).Devices
            .Select(d => string.Join(',', d.Tags)));
    }
}
