using System.Diagnostics;
using CreatiWall.Broker.Storage;
using CreatiWall.Broker.Storage.Redis;
using CreatiWall.Tests.Support;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace CreatiWall.Tests.Durability;

/// <summary>The Redis store while its redis-server is killed (SIGKILL) and started again: fails fast, says so, recovers by itself. Own Redis.</summary>
public sealed class RedisOutageTests(RedisServer redis) : IClassFixture<RedisServer>, IDisposable
{
    readonly ConnectionMultiplexer _connection = ConnectionMultiplexer.Connect(new RedisOptions { ConnectionString = redis.ConnectionString }.ToConfiguration());

    [Fact]
    public async Task Calls_fail_fast_while_redis_is_down_and_work_again_once_it_is_back_without_a_restart()
    {
        using var store = new RedisStore(_connection, Options.Create(new StorageOptions()));
        var t = Tenants.New();
        Assert.Equal(StoreHealth.Ok, await store.PingAsync());
        var before = await store.NextSeqsAsync(t, 10);
        await store.SetStatusAsync(t, "d1", DeviceRecord.Online, DateTimeOffset.UtcNow, null);
        await store.FlushAsync();
        await Task.Delay(TimeSpan.FromSeconds(1.5)); // appendfsync everysec

        await redis.KillAsync();
        try
        {
            var clock = Stopwatch.StartNew();
            var health = await store.PingAsync();
            Assert.False(health.Healthy);
            Assert.Contains($"Redis at 127.0.0.1:{redis.Port}", health.Problem);
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"the ping took {clock.Elapsed}");

            clock.Restart();
            await Assert.ThrowsAsync<StoreUnavailableException>(() => store.SetStatusAsync(t, "d1", DeviceRecord.Offline, DateTimeOffset.UtcNow, "clean"));
            await Assert.ThrowsAsync<StoreUnavailableException>(async () => await store.ListDevicesAsync(t));
            await Assert.ThrowsAsync<StoreUnavailableException>(store.FlushAsync);
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"three failing calls took {clock.Elapsed}");
        }
        finally
        {
            await redis.StartAsync(); // same port, same AOF
        }

        await Eventually.HoldsAsync(async () => (await store.PingAsync()).Healthy);
        Assert.True(await store.NextSeqAsync(t) >= before + 10); // never reused: the counter came back from the AOF
        Assert.Equal(DeviceRecord.Online, (await store.ListDevicesAsync(t)).Single().Status);
    }

    public void Dispose() => _connection.Dispose();
}
