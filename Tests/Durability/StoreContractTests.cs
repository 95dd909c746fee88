using System.Text;
using CreatiWall.Broker.Storage;
using CreatiWall.Tests.Support;
using Microsoft.Extensions.Time.Testing;
using MQTTnet;
using MQTTnet.Protocol;

namespace CreatiWall.Tests.Durability;

/// <summary>
/// What the storage interfaces' doc comments promise, run against each store (the embedded SQLite one and the cluster's
/// Redis one), so both keep the same contract. Each test uses its own tenants: a Redis is shared by a class's tests.
/// </summary>
public abstract partial class StoreContractTests
{
    protected string T { get; } = Tenants.New();

    /// <summary>A store (another instance over the same data on each call: a reopen, or another node).</summary>
    private protected abstract IBrokerStore Open(TimeProvider? time = null, int historyMaxMessages = 1000, int historyMaxAgeHours = 24);

    /// <summary>Closes a store opened by <see cref="Open"/>, keeping the data.</summary>
    private protected abstract void Close(IBrokerStore store);

    [Fact]
    public async Task Seq_numbers_only_grow_also_when_taken_in_ranges_and_across_a_reopen()
    {
        long one, range, after;
        var store = Open();
        one = await store.NextSeqAsync(T);
        range = await store.NextSeqsAsync(T, 10_000);
        after = await store.NextSeqAsync(T);
        await store.FlushAsync();
        Close(store);

        var reopened = Open();
        var reopenedSeq = await reopened.NextSeqAsync(T);

        Assert.True(one < range, $"{one} < {range}");
        Assert.True(range + 10_000 <= after, $"{range} + 10000 <= {after}");
        Assert.True(after < reopenedSeq, $"{after} < {reopenedSeq}");
    }

    [Fact]
    public async Task Seq_numbers_taken_concurrently_are_never_reused()
    {
        var store = Open();
        var taken = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(async () =>
        {
            var mine = new List<long>();
            for (var n = 0; n < 25; n++)
            {
                var count = n % 5 == 0 ? 7 : 1;
                var first = await store.NextSeqsAsync(T, count);
                mine.AddRange(Enumerable.Range(0, count).Select(k => first + k));
            }

            return mine;
        })));

        var all = taken.SelectMany(s => s).ToList();
        Assert.Equal(all.Count, all.Distinct().Count());
        Assert.All(taken, mine => Assert.Equal(mine.Order(), mine)); // each caller sees them grow
    }

    [Fact]
    public async Task Devices_are_created_updated_and_listed_in_order()
    {
        var store = Open();
        var since = DateTimeOffset.Parse("2026-05-01T10:00:00Z");
        var created = await store.UpdateDeviceAsync(T, "d2", d => d);
        await store.SetStatusAsync(T, "d1", DeviceRecord.Online, since, null);
        await store.SetStatusAsync(T, "d1", DeviceRecord.Offline, since.AddMinutes(1), "keepalive-timeout");
        await store.SetCurrentLayoutAsync(T, ["d1", "d3"], "L1", "m1");
        var acked = await store.UpdateDeviceAsync(T, "d1", d => d with { AckedLayoutId = "L1", AckedLayoutStatus = "applied" });

        Assert.Equal((DeviceRecord.Offline, (string?)null), (created.Status, created.Reason));
        Assert.Equal(acked, (await store.ListDevicesAsync(T))[0]);
        var devices = await store.ListDevicesAsync(T);
        Assert.Equal(["d1", "d2", "d3"], devices.Select(d => d.DeviceId));
        Assert.Equal(new DeviceRecord(T, "d1", DeviceRecord.Offline, since.AddMinutes(1), "keepalive-timeout", "L1", "m1", "L1", "applied"), devices[0]);
        Assert.Equal([null, "L1"], devices.Skip(1).Select(d => d.CurrentLayoutId));
        Assert.All(devices.Skip(1), d => Assert.Equal(DeviceRecord.Offline, d.Status));

        await store.SetStatusAsync(T, "d3", DeviceRecord.Online, since, null);
        await store.SetCurrentLayoutAsync(T, ["d3"], "L2", "m2");
        Assert.Equal((DeviceRecord.Online, "L2", "m2"), (await store.ListDevicesAsync(T)).Select(d => (d.Status, d.CurrentLayoutId, d.CurrentLayoutMessageId)).Last());
    }

    [Fact]
    public async Task Every_tenants_devices_are_listed_by_tenant_then_device()
    {
        var store = Open();
        var other = T + "-b";
        await store.SetCurrentLayoutAsync(other, ["x", "a"], "L", "m");
        await store.SetCurrentLayoutAsync(T, ["z", "b"], "L", "m");

        var all = (await store.ListDevicesAsync(null)).Select(d => (d.Tenant, d.DeviceId)).ToList();

        Assert.Equal([(T, "b"), (T, "z"), (other, "a"), (other, "x")], all.Where(d => d.Tenant == T || d.Tenant == other));
        Assert.Equal(all.OrderBy(d => d.Tenant, StringComparer.Ordinal).ThenBy(d => d.DeviceId, StringComparer.Ordinal), all);
    }

    [Fact]
    public async Task A_change_that_throws_fails_alone()
    {
        var store = Open();
        var first = store.UpdateDeviceAsync(T, "d1", d => d with { Status = DeviceRecord.Online });
        var broken = store.UpdateDeviceAsync(T, "d2", _ => throw new InvalidOperationException("broken change"));
        var third = store.SetCurrentLayoutAsync(T, ["d1", "d3"], "l1", "m1");

        await first;
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await broken);
        await third;

        Assert.Equal(["d1", "d3"], (await store.ListDevicesAsync(T)).Select(d => d.DeviceId));
    }

    [Fact]
    public async Task Retained_messages_are_saved_replaced_and_deleted_with_their_properties()
    {
        var store = Open();
        var layout = $"cw/{T}/devices/d1/layout";
        var menu = $"cw/{T}/channels/menu";
        await store.SaveRetainedAsync(Retained(layout, "one"));
        await store.SaveRetainedAsync(Retained(layout, "two", MqttQualityOfServiceLevel.AtMostOnce, null, MqttPayloadFormatIndicator.Unspecified));
        await store.SaveRetainedAsync(Retained(menu, "soup"));
        await store.SaveRetainedAsync(Retained($"cw/{T}/channels/gone", "x"));
        await store.SaveRetainedAsync(Retained($"cw/{T}/channels/gone", ""));

        var mine = (await store.LoadRetainedAsync()).Where(m => m.Topic.StartsWith($"cw/{T}/", StringComparison.Ordinal)).OrderBy(m => m.Topic, StringComparer.Ordinal).ToList();

        Assert.Equal([menu, layout], mine.Select(m => m.Topic));
        Assert.Equal(["soup", "two"], mine.Select(m => Encoding.UTF8.GetString(m.Payload)));
        Assert.Equal((MqttQualityOfServiceLevel.AtLeastOnce, "application/json", MqttPayloadFormatIndicator.CharacterData),
            (mine[0].QualityOfServiceLevel, mine[0].ContentType, mine[0].PayloadFormatIndicator));
        Assert.Equal((MqttQualityOfServiceLevel.AtMostOnce, null, MqttPayloadFormatIndicator.Unspecified),
            (mine[1].QualityOfServiceLevel, mine[1].ContentType, mine[1].PayloadFormatIndicator));
        Assert.All(mine, m => Assert.True(m.Retain));
    }

    [Fact]
    public async Task Unawaited_retained_saves_apply_in_order_and_are_read_once_flushed()
    {
        var store = Open();
        for (var i = 0; i < 100; i++)
        {
            _ = store.SaveRetainedAsync(Retained($"cw/{T}/devices/d{i}/layout", "{}"));
            _ = store.SaveRetainedAsync(Retained($"cw/{T}/devices/d{i}/layout", $"{i}"));
        }

        _ = store.SaveRetainedAsync(Retained($"cw/{T}/devices/d0/layout", ""));
        await store.FlushAsync();

        var mine = (await store.LoadRetainedAsync()).Where(m => m.Topic.StartsWith($"cw/{T}/", StringComparison.Ordinal)).ToList();
        Assert.Equal(99, mine.Count);
        Assert.All(mine, m => Assert.Equal(m.Topic.Split('/')[3][1..], Encoding.UTF8.GetString(m.Payload)));
    }

    [Fact]
    public async Task Layout_deliveries_move_forward_only()
    {
        var store = Open();
        await store.AddLayoutDeliveriesAsync(T, "m1", "L1", [("d2", 11), ("d1", 10), ("d3", 12)]);
        await store.AdvanceLayoutDeliveryAsync(T, "m1", "d1", LayoutState.Delivered);
        await store.AdvanceLayoutDeliveryAsync(T, "m1", "d1", LayoutState.Pending); // never back
        await store.AdvanceLayoutDeliveryAsync(T, "m1", "d2", LayoutState.Applied);
        await store.AdvanceLayoutDeliveryAsync(T, "m1", "d2", LayoutState.Delivered); // a late PUBACK after the ack
        await store.AdvanceLayoutDeliveryAsync(T, "m1", "d3", LayoutState.Failed, "zone 'main' | unknown");
        await store.AdvanceLayoutDeliveryAsync(T, "m1", "d3", LayoutState.Applied); // a retried apply
        await store.AdvanceLayoutDeliveryAsync(T, "m1", "d4", LayoutState.Applied); // unknown: left alone
        await store.AdvanceLayoutDeliveryAsync(T, "m2", "d1", LayoutState.Applied);
        await store.AddLayoutDeliveriesAsync(T, "m3", "L3", [("d1", 13)]);
        await store.AdvanceLayoutDeliveryAsync(T, "m3", "d1", LayoutState.Failed, "no | space");

        var deliveries = await store.GetLayoutDeliveriesAsync(T, "m1");

        Assert.Equal(["d1", "d2", "d3"], deliveries.Select(d => d.DeviceId));
        Assert.Equal([LayoutState.Delivered, LayoutState.Applied, LayoutState.Applied], deliveries.Select(d => d.State));
        Assert.Equal([10L, 11L, 12L], deliveries.Select(d => d.Seq));
        Assert.All(deliveries, d => Assert.Equal("L1", d.LayoutId));
        Assert.All(deliveries, d => Assert.Null(d.Error));
        Assert.Equal(("no | space", LayoutState.Failed), (await store.GetLayoutDeliveriesAsync(T, "m3")).Select(d => (d.Error, d.State)).Single());
        Assert.Empty(await store.GetLayoutDeliveriesAsync(T, "m2"));
        Assert.Empty(await store.GetLayoutDeliveriesAsync(T + "-other", "m1"));
    }

    [Fact]
    public async Task History_is_read_per_topic_in_seq_order_after_since_within_the_limit()
    {
        var store = Open();
        var (a, b) = ($"cw/{T}/broadcast", $"cw/{T}/content");
        var first = await store.NextSeqsAsync(T, 10);
        var now = DateTimeOffset.UtcNow;
        // Appended out of order, as two publishes that took their seqs in one order and appended in the other.
        foreach (var (seq, topic) in new[] { (first + 1, a), (first, a), (first + 2, b), (first + 4, a), (first + 3, a), (first + 5, b) })
        {
            await store.AppendHistoryAsync(T, topic, seq, now, Encoding.UTF8.GetBytes($"{topic}:{seq}"));
        }

        await store.AppendHistoryAsync(T, a, first + 1, now, Encoding.UTF8.GetBytes("replaced"));

        Assert.Equal([$"{a}:{first}", "replaced", $"{a}:{first + 3}", $"{a}:{first + 4}"], await TextsAsync(store, a, 0, 100));
        Assert.Equal([$"{a}:{first + 3}", $"{a}:{first + 4}"], await TextsAsync(store, a, first + 1, 100));
        Assert.Equal([$"{a}:{first}", "replaced"], await TextsAsync(store, a, 0, 2));
        Assert.Equal([$"{b}:{first + 2}", $"{b}:{first + 5}"], await TextsAsync(store, b, 0, 100));
        Assert.False((await store.ReadHistoryAsync(T, a, 0, 100)).Truncated);

        await store.AppendHistoryAsync(T, b, first + 3, now, Encoding.UTF8.GetBytes("moved")); // the same seq, another topic
        Assert.Equal([$"{a}:{first}", "replaced", $"{a}:{first + 4}"], await TextsAsync(store, a, 0, 100));
        Assert.Equal([$"{b}:{first + 2}", "moved", $"{b}:{first + 5}"], await TextsAsync(store, b, 0, 100));
    }

    [Fact]
    public async Task History_keeps_the_newest_per_tenant_and_says_when_a_gap_is_older()
    {
        var store = Open(historyMaxMessages: 5);
        var (a, b) = ($"cw/{T}/broadcast", $"cw/{T}/channels/news");
        var seqs = new List<long>();
        for (var i = 0; i < 8; i++)
        {
            var seq = await store.NextSeqAsync(T);
            seqs.Add(seq);
            await store.AppendHistoryAsync(T, i % 2 == 0 ? a : b, seq, DateTimeOffset.UtcNow, Encoding.UTF8.GetBytes($"{seq}"));
        }

        var tooOld = await store.ReadHistoryAsync(T, a, seqs[0], 100);
        var recent = await store.ReadHistoryAsync(T, a, seqs[2], 100);

        Assert.Equal((true, seqs[2] + 1), (tooOld.Truncated, tooOld.OldestKept));
        Assert.Equal([$"{seqs[4]}", $"{seqs[6]}"], tooOld.Envelopes.Select(e => Encoding.UTF8.GetString(e)));
        Assert.Equal((false, seqs[2] + 1), (recent.Truncated, recent.OldestKept));
        Assert.Equal([$"{seqs[3]}", $"{seqs[5]}", $"{seqs[7]}"], await TextsAsync(store, b, 0, 100));
        var other = await store.ReadHistoryAsync(T + "-other", a, 0, 100);
        Assert.Equal((false, 1L, 0), (other.Truncated, other.OldestKept, other.Envelopes.Count));
    }

    [Fact]
    public async Task History_beyond_the_age_bound_is_never_read_and_is_dropped_by_the_writer()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var store = Open(clock, historyMaxAgeHours: 1);
        var topic = $"cw/{T}/broadcast";
        var first = await store.NextSeqsAsync(T, 4);
        await store.AppendHistoryAsync(T, topic, first, clock.GetUtcNow() - TimeSpan.FromHours(2), "0"u8.ToArray()); // dropped at once
        await store.AppendHistoryAsync(T, topic, first + 1, clock.GetUtcNow() - TimeSpan.FromMinutes(58), "1"u8.ToArray());
        await store.AppendHistoryAsync(T, topic, first + 2, clock.GetUtcNow() - TimeSpan.FromMinutes(58), "2"u8.ToArray());
        await store.AppendHistoryAsync(T, topic, first + 3, clock.GetUtcNow(), "3"u8.ToArray());

        var fresh = await store.ReadHistoryAsync(T, topic, first - 1, 10);
        Assert.Equal((true, first + 1), (fresh.Truncated, fresh.OldestKept));
        Assert.Equal(["1", "2", "3"], fresh.Envelopes.Select(e => Encoding.UTF8.GetString(e)));

        clock.Advance(TimeSpan.FromMinutes(3)); // 1 and 2 are beyond the bound now; no trim has run yet
        var aged = await store.ReadHistoryAsync(T, topic, first, 10);
        Assert.Equal((true, first + 3), (aged.Truncated, aged.OldestKept));
        Assert.Equal(["3"], aged.Envelopes.Select(e => Encoding.UTF8.GetString(e)));
        Assert.Equal(["3"], await TextsAsync(store, topic, first + 2, 10));

        clock.Advance(TimeSpan.FromMinutes(10)); // the writer's periodic trim
        await store.FlushAsync();
        var trimmed = await store.ReadHistoryAsync(T, topic, first + 2, 10);
        Assert.Equal((false, first + 3, 1), (trimmed.Truncated, trimmed.OldestKept, trimmed.Envelopes.Count));
    }

    [Fact]
    public async Task A_flush_completes_and_the_health_ping_passes()
    {
        var store = Open();
        _ = store.SetStatusAsync(T, "d1", DeviceRecord.Online, DateTimeOffset.UtcNow, null);
        await store.FlushAsync();

        Assert.Single(await store.ListDevicesAsync(T));
        Assert.Equal(StoreHealth.Ok, await store.PingAsync());
    }

    protected static MqttApplicationMessage Retained(string topic, string payload, MqttQualityOfServiceLevel qos = MqttQualityOfServiceLevel.AtLeastOnce,
        string? contentType = "application/json", MqttPayloadFormatIndicator format = MqttPayloadFormatIndicator.CharacterData) =>
        new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload).WithQualityOfServiceLevel(qos).WithContentType(contentType)
            .WithPayloadFormatIndicator(format).WithRetainFlag().Build();

    private protected async Task<List<string>> TextsAsync(IBrokerStore store, string topic, long since, int limit) =>
        (await store.ReadHistoryAsync(T, topic, since, limit)).Envelopes.Select(e => Encoding.UTF8.GetString(e)).ToList();
}
