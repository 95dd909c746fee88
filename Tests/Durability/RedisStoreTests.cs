using System.Text;
using CreatiWall.Broker.Storage;
using CreatiWall.Broker.Storage.Redis;
using CreatiWall.Tests.Support;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using MQTTnet;
using StackExchange.Redis;

namespace CreatiWall.Tests.Durability;

/// <summary>
/// What only the cluster's store has to show: two nodes (two stores, each its own connection) sharing one Redis, the
/// retained lookups, keys that stay in one tenant's slot. Real redis-server, one per class; tenants per test.
/// </summary>
public sealed class RedisStoreTests(RedisServer redis) : IClassFixture<RedisServer>, IDisposable
{
    readonly string _t = Tenants.New();
    readonly List<IDisposable> _open = [];

    [Fact]
    public async Task Two_nodes_never_hand_out_the_same_seq()
    {
        var (one, two) = (Node(), Node());
        var taken = await Task.WhenAll(new[] { one, two, one, two }.Select(node => Task.Run(async () =>
        {
            var mine = new List<long>();
            for (var n = 0; n < 50; n++)
            {
                var count = n % 10 == 0 ? 100 : 1;
                var first = await node.NextSeqsAsync(_t, count);
                mine.AddRange(Enumerable.Range(0, count).Select(k => first + k));
            }

            return mine;
        })));

        var all = taken.SelectMany(s => s).ToList();
        Assert.Equal(4 * (45 + 500), all.Count);
        Assert.Equal(all.Count, all.Distinct().Count());
        Assert.Equal(all.Count, all.Max() - all.Min() + 1); // INCRBY skips nothing
    }

    [Fact]
    public async Task Concurrent_updates_of_one_device_from_two_nodes_are_atomic_and_each_attempt_runs_the_change_once()
    {
        var (one, two) = (Node(), Node());
        var attempts = 0;
        DeviceRecord Increment(DeviceRecord d)
        {
            Interlocked.Increment(ref attempts);
            return d with { AckedLayoutId = ((d.AckedLayoutId is null ? 0 : int.Parse(d.AckedLayoutId)) + 1).ToString() };
        }

        await Task.WhenAll(Enumerable.Range(0, 40).Select(i => Task.Run(async () => await (i % 2 == 0 ? one : two).UpdateDeviceAsync(_t, "d1", Increment))));

        Assert.Equal("40", (await one.ListDevicesAsync(_t)).Single().AckedLayoutId);
        Assert.True(attempts >= 40, $"{attempts} attempts");
    }

    [Fact]
    public async Task Retained_messages_are_looked_up_per_topic_and_per_tenant_and_sys_is_never_stored()
    {
        var node = Node();
        var other = _t + "-b";
        await node.SaveRetainedAsync(Message($"cw/{_t}/devices/d1/layout", "L1"));
        await node.SaveRetainedAsync(Message($"cw/{_t}/devices/d1/status", "online"));
        await node.SaveRetainedAsync(Message($"cw/{other}/devices/d1/layout", "elsewhere"));
        await node.SaveRetainedAsync(Message("$SYS/broker/clients/connected", "3"));

        var lookup = node;
        Assert.Equal("L1", Encoding.UTF8.GetString((await lookup.GetRetainedAsync($"cw/{_t}/devices/d1/layout"))!.Payload));
        Assert.Null(await lookup.GetRetainedAsync($"cw/{_t}/devices/d2/layout"));
        Assert.Null(await lookup.GetRetainedAsync("$SYS/broker/clients/connected"));
        Assert.Equal([$"cw/{_t}/devices/d1/layout", $"cw/{_t}/devices/d1/status"], (await lookup.ListRetainedAsync(_t)).Select(m => m.Topic).Order(StringComparer.Ordinal));
        Assert.Contains(other, await lookup.ListRetainedTenantsAsync());
        Assert.DoesNotContain(await node.LoadRetainedAsync(), m => m.Topic.StartsWith('$'));
        Assert.Empty((RedisResult[])(await Redis().ExecuteAsync("KEYS", "*SYS*"))!);
    }

    [Fact]
    public async Task Every_key_of_a_tenant_is_in_its_hash_slot()
    {
        var node = Node();
        await node.SetStatusAsync(_t, "d1", DeviceRecord.Online, DateTimeOffset.UtcNow, null);
        await node.SaveRetainedAsync(Message($"cw/{_t}/channels/menu", "soup"));
        await node.AddLayoutDeliveriesAsync(_t, "m1", "L1", [("d1", await node.NextSeqAsync(_t))]);
        await node.AppendHistoryAsync(_t, $"cw/{_t}/broadcast", await node.NextSeqAsync(_t), DateTimeOffset.UtcNow, "{}"u8.ToArray());

        var keys = ((RedisResult[])(await Redis().ExecuteAsync("KEYS", $"*{_t}*"))!).Select(k => k.ToString()).ToList();

        Assert.Equal(8, keys.Count); // seq, device, devices, retained, layout, history stream, two indexes
        Assert.All(keys, k => Assert.Contains("{" + _t + "}", k));
    }

    [Fact]
    public async Task A_read_deletes_nothing_and_the_periodic_trim_drops_aged_envelopes_from_redis()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var node = Node(clock, maxAgeHours: 1);
        var topic = $"cw/{_t}/broadcast";
        var first = await node.NextSeqsAsync(_t, 3);
        for (var i = 0; i < 3; i++)
        {
            await node.AppendHistoryAsync(_t, topic, first + i, clock.GetUtcNow() - TimeSpan.FromMinutes(i == 2 ? 0 : 55), "{}"u8.ToArray());
        }

        var stream = RedisKeys.HistoryStreamPrefix(_t) + topic;
        clock.Advance(TimeSpan.FromMinutes(6)); // two aged beyond the bound, no trim yet
        Assert.Single((await node.ReadHistoryAsync(_t, topic, 0, 10)).Envelopes);
        Assert.Equal(3, await Redis().StreamLengthAsync(stream));

        clock.Advance(TimeSpan.FromMinutes(4)); // the periodic trim
        await Eventually.HoldsAsync(async () => await Redis().StreamLengthAsync(stream) == 1);
        Assert.Equal(1, await Redis().SortedSetLengthAsync(RedisKeys.HistoryBySeq(_t)));
        Assert.Equal(1, await Redis().SortedSetLengthAsync(RedisKeys.HistoryByTime(_t)));
        Assert.Equal(first + 1, (long)await Redis().StringGetAsync(RedisKeys.HistoryFloor(_t)));
    }

    RedisStore Node(TimeProvider? time = null, int maxAgeHours = 24)
    {
        var connection = ConnectionMultiplexer.Connect(new RedisOptions { ConnectionString = redis.ConnectionString }.ToConfiguration());
        var store = new RedisStore(connection, Options.Create(new StorageOptions { HistoryMaxAgeHours = maxAgeHours }), time);
        _open.Add(store);
        _open.Add(connection);
        return store;
    }

    IDatabase Redis()
    {
        var connection = ConnectionMultiplexer.Connect(redis.ConnectionString + ",allowAdmin=true"); // KEYS
        _open.Add(connection);
        return connection.GetDatabase();
    }

    static MqttApplicationMessage Message(string topic, string payload) =>
        new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload).WithRetainFlag().Build();

    public void Dispose() => _open.ForEach(o => o.Dispose());
}
