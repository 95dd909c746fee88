using CreatiWall.Broker.Storage;
using Microsoft.Extensions.Options;

namespace CreatiWall.Tests.Durability;

/// <summary>The store's queue: operations committed together, one failing alone, seq numbers handed out in blocks.</summary>
public sealed class SqliteStoreTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("cw-store-").FullName;

    SqliteStore Open() => new(Options.Create(new StorageOptions { ConnectionString = $"Data Source={Path.Combine(_dir, "store.db")}" }));

    [Fact]
    public async Task An_operation_that_throws_fails_alone_and_the_others_queued_with_it_are_committed()
    {
        using (var store = Open())
        {
            var first = store.UpdateDeviceAsync("t1", "d1", d => d with { Status = DeviceRecord.Online });
            var broken = store.UpdateDeviceAsync("t1", "d2", _ => throw new InvalidOperationException("broken change"));
            var third = store.SetCurrentLayoutAsync("t1", ["d1", "d3", "d4"], "l1", "m1");

            await first;
            await Assert.ThrowsAsync<InvalidOperationException>(async () => await broken);
            await third;
        }

        using var reopened = Open();
        var devices = await reopened.ListDevicesAsync("t1");
        Assert.Equal(["d1", "d3", "d4"], devices.Select(d => d.DeviceId));
        Assert.Equal([DeviceRecord.Online, DeviceRecord.Offline, DeviceRecord.Offline], devices.Select(d => d.Status));
        Assert.Equal(["l1", "l1", "l1"], devices.Select(d => d.CurrentLayoutId));
    }

    [Fact]
    public async Task Seq_numbers_only_grow_also_when_taken_in_ranges_and_across_a_reopen()
    {
        long one, range, after;
        using (var store = Open())
        {
            one = await store.NextSeqAsync("t1");
            range = await store.NextSeqsAsync("t1", 10_000);
            after = await store.NextSeqAsync("t1");
        }

        using var reopened = Open();
        var reopenedSeq = await reopened.NextSeqAsync("t1");

        Assert.True(one < range, $"{one} < {range}");
        Assert.True(range + 10_000 <= after, $"{range} + 10000 <= {after}");
        Assert.True(after < reopenedSeq, $"{after} < {reopenedSeq}");
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }
}
