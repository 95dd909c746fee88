using CreatiWall.Broker.Storage;
using CreatiWall.Broker.Storage.Redis;
using CreatiWall.Tests.Support;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace CreatiWall.Tests.Durability;

/// <summary>The storage contract, run against the cluster's Redis store on a real redis-server (one per class, tenants per test).</summary>
public sealed class RedisStoreContractTests(RedisServer redis) : StoreContractTests, IClassFixture<RedisServer>, IDisposable
{
    readonly List<(RedisStore Store, ConnectionMultiplexer Connection)> _open = [];

    private protected override IBrokerStore Open(TimeProvider? time = null, int historyMaxMessages = 1000, int historyMaxAgeHours = 24)
    {
        var connection = ConnectionMultiplexer.Connect(new RedisOptions { ConnectionString = redis.ConnectionString }.ToConfiguration());
        var store = new RedisStore(connection, Options.Create(new StorageOptions
        {
            HistoryMaxMessages = historyMaxMessages,
            HistoryMaxAgeHours = historyMaxAgeHours,
        }), time);
        _open.Add((store, connection));
        return store;
    }

    private protected override void Close(IBrokerStore store)
    {
        var (redisStore, connection) = _open.Single(o => o.Store == store);
        redisStore.Dispose();
        connection.Dispose();
    }

    public void Dispose() => _open.ForEach(o =>
    {
        o.Store.Dispose();
        o.Connection.Dispose();
    });
}
