using System.Text;
using CreatiWall.Broker.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using MQTTnet;

namespace CreatiWall.Tests.Durability;

/// <summary>Reads on their own connections (never behind the write queue), history trimmed by the writer only, the health ping.</summary>
public sealed class SqliteReadsTests : IDisposable
{
    static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    readonly string _dir = Directory.CreateTempSubdirectory("cw-reads-").FullName;

    string File => Path.Combine(_dir, "store.db");

    SqliteStore Open(TimeProvider? time = null, int maxAgeHours = 24) =>
        new(Options.Create(new StorageOptions { ConnectionString = $"Data Source={File}", HistoryMaxAgeHours = maxAgeHours }), time);

    [Fact]
    public async Task Reads_complete_while_the_writer_holds_its_transaction_and_see_only_what_is_committed()
    {
        using var store = Open();
        var now = DateTimeOffset.UtcNow;
        await store.SetStatusAsync("t1", "d1", DeviceRecord.Online, now, null);
        await store.AddLayoutDeliveriesAsync("t1", "m1", "L1", [("d1", 1)]);
        await store.AppendHistoryAsync("t1", "cw/t1/broadcast", 2, now, "{}"u8.ToArray());
        await store.SaveRetainedAsync(new MqttApplicationMessageBuilder().WithTopic("cw/t1/devices/d1/layout").WithPayload("{}").WithRetainFlag().Build());

        var inside = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var release = new ManualResetEventSlim();
        var held = store.UpdateDeviceAsync("t1", "gate", d =>
        {
            inside.SetResult();
            release.Wait(Patience); // the writer, inside its transaction, waits for the reads below
            return d;
        }).AsTask();
        var queuedBehind = store.SetStatusAsync("t1", "d2", DeviceRecord.Online, now, null);
        await inside.Task.WaitAsync(Patience);
        try
        {
            Assert.Equal(["d1"], (await store.ListDevicesAsync("t1").AsTask().WaitAsync(Patience)).Select(d => d.DeviceId));
            Assert.Single(await store.GetLayoutDeliveriesAsync("t1", "m1").WaitAsync(Patience));
            Assert.Single((await store.ReadHistoryAsync("t1", "cw/t1/broadcast", 0, 10).WaitAsync(Patience)).Envelopes);
            Assert.Single(await store.LoadRetainedAsync().WaitAsync(Patience));
            Assert.False(held.IsCompleted);
            Assert.False(queuedBehind.IsCompleted);
        }
        finally
        {
            release.Set();
        }

        await held;
        await queuedBehind;
        Assert.Equal(["d1", "d2", "gate"], (await store.ListDevicesAsync("t1")).Select(d => d.DeviceId)); // a completed write is read
    }

    [Fact]
    public async Task Unawaited_writes_are_read_once_flushed()
    {
        using var store = Open();
        for (var i = 0; i < 100; i++)
        {
            _ = store.SaveRetainedAsync(new MqttApplicationMessageBuilder().WithTopic($"cw/t1/devices/d{i}/layout").WithPayload("{}").WithRetainFlag().Build());
        }

        await store.FlushAsync();

        Assert.Equal(100, (await store.LoadRetainedAsync()).Count);
    }

    [Fact]
    public async Task A_history_read_applies_the_age_bound_without_deleting_and_the_writer_trims_later()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var store = Open(clock, maxAgeHours: 1);
        await store.FlushAsync(); // whatever trim the store queued on opening has run
        using (var db = new SqliteConnection($"Data Source={File};Pooling=False"))
        {
            // Rows that aged while no append trimmed them (written around the store, so it had no chance to).
            db.Open();
            using var insert = db.CreateCommand();
            insert.CommandText = """
                INSERT INTO tenants (tenant, seq_reserved) VALUES ('t1', 100);
                INSERT INTO history VALUES ('t1', 1, 'cw/t1/broadcast', $old, X'31'), ('t1', 2, 'cw/t1/broadcast', $old, X'32'),
                    ('t1', 3, 'cw/t1/broadcast', $now, X'33');
                """;
            insert.Parameters.AddWithValue("$old", (clock.GetUtcNow() - TimeSpan.FromHours(2)).ToUnixTimeMilliseconds());
            insert.Parameters.AddWithValue("$now", clock.GetUtcNow().ToUnixTimeMilliseconds());
            insert.ExecuteNonQuery();
        }

        var tooOld = await store.ReadHistoryAsync("t1", "cw/t1/broadcast", 0, 10);
        var recent = await store.ReadHistoryAsync("t1", "cw/t1/broadcast", 2, 10);

        Assert.Equal((true, 3L), (tooOld.Truncated, tooOld.OldestKept));
        Assert.Equal(["3"], recent.Envelopes.Select(e => Encoding.UTF8.GetString(e)));
        Assert.Equal(3L, CountHistory()); // reading deleted nothing

        clock.Advance(TimeSpan.FromMinutes(10)); // the writer's periodic trim
        await store.FlushAsync();

        Assert.Equal(1L, CountHistory());
        var after = await store.ReadHistoryAsync("t1", "cw/t1/broadcast", 0, 10);
        Assert.Equal((true, 3L), (after.Truncated, after.OldestKept));
        Assert.Equal(["3"], (await store.ReadHistoryAsync("t1", "cw/t1/broadcast", 2, 10)).Envelopes.Select(e => Encoding.UTF8.GetString(e)));
    }

    [Fact]
    public async Task The_health_ping_passes_on_a_working_store()
    {
        using var store = Open();
        Assert.Equal(StoreHealth.Ok, await store.PingAsync());
    }

    [Fact]
    public async Task The_health_ping_fails_when_the_database_file_is_gone()
    {
        using var store = Open();
        System.IO.File.Delete(File); // the open connections would go on writing to a file nobody will ever read

        var health = await store.PingAsync();

        Assert.False(health.Healthy);
        Assert.Contains("unable to open database file", health.Problem);
    }

    [Fact]
    public async Task The_health_ping_fails_once_the_store_is_closed()
    {
        var store = Open();
        store.Dispose();
        store.Dispose(); // every interface's registration disposes the one instance

        Assert.False((await store.PingAsync()).Healthy);
    }

    long CountHistory()
    {
        using var db = new SqliteConnection($"Data Source={File};Pooling=False");
        db.Open();
        using var count = db.CreateCommand();
        count.CommandText = "SELECT count(*) FROM history";
        return (long)count.ExecuteScalar()!;
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }
}
