using CreatiWall.Broker.Storage;
using Microsoft.Extensions.Options;

namespace CreatiWall.Tests.Durability;

/// <summary>The storage contract, run against the embedded SQLite store (a file per test).</summary>
public sealed class SqliteStoreContractTests : StoreContractTests, IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("cw-contract-").FullName;
    readonly List<SqliteStore> _open = [];

    private protected override IBrokerStore Open(TimeProvider? time = null, int historyMaxMessages = 1000, int historyMaxAgeHours = 24)
    {
        var store = new SqliteStore(Options.Create(new StorageOptions
        {
            ConnectionString = $"Data Source={Path.Combine(_dir, "store.db")}",
            HistoryMaxMessages = historyMaxMessages,
            HistoryMaxAgeHours = historyMaxAgeHours,
        }), time);
        _open.Add(store);
        return store;
    }

    private protected override void Close(IBrokerStore store) => ((SqliteStore)store).Dispose();

    public void Dispose()
    {
        _open.ForEach(s => s.Dispose());
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }
}
