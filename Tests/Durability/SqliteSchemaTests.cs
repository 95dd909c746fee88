using System.Buffers;
using CreatiWall.Broker.Storage;
using CreatiWall.Broker.Storage.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace CreatiWall.Tests.Durability;

/// <summary>The schema is versioned (<c>PRAGMA user_version</c>): files of earlier versions are migrated forward, newer ones refused.</summary>
public sealed class SqliteSchemaTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("cw-schema-").FullName;

    string File => Path.Combine(_dir, "store.db");

    SqliteStore Open() => new(Options.Create(new StorageOptions { ConnectionString = $"Data Source={File}" }));

    /// <summary>The schema as the releases before versioning created it (they left user_version at 0), with some rows.</summary>
    void CreateUnversionedDatabase(DateTimeOffset now)
    {
        using var db = new SqliteConnection($"Data Source={File};Pooling=False");
        db.Open();
        Execute(db, $"""
            PRAGMA journal_mode=WAL;
            CREATE TABLE IF NOT EXISTS tenants (tenant TEXT PRIMARY KEY, seq_reserved INTEGER NOT NULL, history_floor INTEGER NOT NULL DEFAULT 0);
            CREATE TABLE IF NOT EXISTS devices (
                tenant TEXT NOT NULL, device_id TEXT NOT NULL, status TEXT NOT NULL, since TEXT NOT NULL, reason TEXT,
                current_layout_id TEXT, current_message_id TEXT, acked_layout_id TEXT, acked_status TEXT,
                PRIMARY KEY (tenant, device_id));
            CREATE TABLE IF NOT EXISTS retained (
                topic TEXT PRIMARY KEY, payload BLOB NOT NULL, qos INTEGER NOT NULL, content_type TEXT, payload_format INTEGER NOT NULL);
            CREATE TABLE IF NOT EXISTS layout_deliveries (
                tenant TEXT NOT NULL, message_id TEXT NOT NULL, device_id TEXT NOT NULL, layout_id TEXT NOT NULL, seq INTEGER NOT NULL,
                state INTEGER NOT NULL, error TEXT, updated TEXT NOT NULL,
                PRIMARY KEY (tenant, message_id, device_id));
            CREATE TABLE IF NOT EXISTS history (
                tenant TEXT NOT NULL, seq INTEGER NOT NULL, topic TEXT NOT NULL, at INTEGER NOT NULL, envelope BLOB NOT NULL,
                PRIMARY KEY (tenant, seq));
            CREATE INDEX IF NOT EXISTS history_by_topic ON history (tenant, topic, seq);
            INSERT INTO tenants VALUES ('t1', 500, 3);
            INSERT INTO devices VALUES ('t1', 'd1', 'online', '{now:O}', NULL, 'L1', 'm1', 'L1', 'applied');
            INSERT INTO devices VALUES ('t1', 'd2', 'offline', '{now:O}', 'clean', 'L1', 'm1', NULL, NULL);
            INSERT INTO retained VALUES ('cw/t1/devices/d1/layout', X'7B7D', 1, 'application/json', 1);
            INSERT INTO layout_deliveries VALUES ('t1', 'm1', 'd1', 'L1', 7, 2, NULL, '{now:O}');
            INSERT INTO layout_deliveries VALUES ('t1', 'm1', 'd2', 'L1', 8, 0, NULL, '{now:O}');
            INSERT INTO history VALUES ('t1', 4, 'cw/t1/broadcast', {now.ToUnixTimeMilliseconds()}, X'34');
            INSERT INTO history VALUES ('t1', 5, 'cw/t1/broadcast', {now.ToUnixTimeMilliseconds()}, X'35');
            """);
        Assert.Equal(0L, Scalar(db, "PRAGMA user_version"));
    }

    [Fact]
    public async Task A_database_of_the_unversioned_schema_is_migrated_with_its_data_intact()
    {
        CreateUnversionedDatabase(DateTimeOffset.UtcNow);

        using (var store = Open())
        {
            var devices = await store.ListDevicesAsync("t1");
            Assert.Equal(["d1", "d2"], devices.Select(d => d.DeviceId));
            Assert.Equal(("online", "L1", "m1", "L1", "applied"), (devices[0].Status, devices[0].CurrentLayoutId, devices[0].CurrentLayoutMessageId, devices[0].AckedLayoutId, devices[0].AckedLayoutStatus));
            Assert.Equal(("offline", "clean"), (devices[1].Status, devices[1].Reason));

            var retained = Assert.Single(await store.LoadRetainedAsync());
            Assert.Equal(("cw/t1/devices/d1/layout", "{}", "application/json"), (retained.Topic, System.Text.Encoding.UTF8.GetString(retained.Payload.ToArray()), retained.ContentType));

            var deliveries = await store.GetLayoutDeliveriesAsync("t1", "m1");
            Assert.Equal([(7L, LayoutState.Applied), (8L, LayoutState.Pending)], deliveries.Select(d => (d.Seq, d.State)));

            var history = await store.ReadHistoryAsync("t1", "cw/t1/broadcast", 3, 100);
            Assert.False(history.Truncated);
            Assert.Equal(["4", "5"], history.Envelopes.Select(e => System.Text.Encoding.UTF8.GetString(e)));
            Assert.True((await store.ReadHistoryAsync("t1", "cw/t1/broadcast", 2, 100)).Truncated); // the floor (3) was kept too

            Assert.True(await store.NextSeqAsync("t1") > 500); // never below what the old file had reserved
            Assert.True((await store.PingAsync()).Healthy);
        }

        using var db = new SqliteConnection($"Data Source={File};Pooling=False");
        db.Open();
        Assert.Equal((long)SqliteSchema.Latest, Scalar(db, "PRAGMA user_version"));
        Assert.Equal(1L, Scalar(db, "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name = 'history_by_age'"));
        Assert.Equal("ok", Scalar(db, "PRAGMA integrity_check"));
    }

    [Fact]
    public async Task A_new_file_gets_the_latest_version_and_reopening_it_changes_nothing()
    {
        using (var store = Open())
        {
            await store.SetStatusAsync("t1", "d1", DeviceRecord.Online, DateTimeOffset.UtcNow, null);
        }

        using (var reopened = Open())
        {
            Assert.Equal(["d1"], (await reopened.ListDevicesAsync("t1")).Select(d => d.DeviceId));
        }

        using var db = new SqliteConnection($"Data Source={File};Pooling=False");
        db.Open();
        Assert.Equal((long)SqliteSchema.Latest, Scalar(db, "PRAGMA user_version"));
    }

    [Fact]
    public void A_file_of_a_newer_schema_is_refused_and_left_alone()
    {
        using (var db = new SqliteConnection($"Data Source={File};Pooling=False"))
        {
            db.Open();
            Execute(db, $"CREATE TABLE future (x); PRAGMA user_version = {SqliteSchema.Latest + 1};");
        }

        var error = Assert.Throws<InvalidOperationException>(() => Open());
        Assert.Contains($"schema version {SqliteSchema.Latest + 1}", error.Message);

        using var after = new SqliteConnection($"Data Source={File};Pooling=False");
        after.Open();
        Assert.Equal((long)SqliteSchema.Latest + 1, Scalar(after, "PRAGMA user_version"));
    }

    static void Execute(SqliteConnection db, string sql)
    {
        using var command = db.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    static object? Scalar(SqliteConnection db, string sql)
    {
        using var command = db.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }
}
