using Microsoft.Extensions.Logging;

namespace CreatiWall.Broker.Storage.Sqlite;

/// <summary>
/// The <c>history</c> table and each tenant's floor (<c>tenants.history_floor</c>: every <c>seq</c> up to it has been
/// dropped). Only the writer drops rows: on each append (both bounds, for the appending tenant), once when the store
/// opens (both bounds, every tenant: the bounds may have been lowered) and every <see cref="TrimPeriod"/> (age bound,
/// every tenant). A read changes nothing: it applies the bounds as of its own time to what it returns.
/// </summary>
internal sealed partial class SqliteHistory : IDisposable
{
    /// <summary>How often the writer drops what has aged beyond the bound for tenants that did not append meanwhile.</summary>
    public static readonly TimeSpan TrimPeriod = TimeSpan.FromMinutes(10);

    readonly SqliteDatabase _database;
    readonly StorageOptions _options;
    readonly TimeProvider _time;
    readonly ILogger _logger;
    readonly ITimer _trimming;
    int _trims; // the first trim (at open) covers both bounds

    public SqliteHistory(SqliteDatabase database, StorageOptions options, TimeProvider time, ILogger logger)
    {
        (_database, _options, _time, _logger) = (database, options, time, logger);
        _trimming = time.CreateTimer(_ => QueueTrim(), null, TimeSpan.Zero, TrimPeriod);
    }

    public Task AppendAsync(string tenant, string topic, long seq, DateTimeOffset at, byte[] envelope) => _database.Writes.RunAsync(db =>
    {
        db.Execute("INSERT OR REPLACE INTO history (tenant, seq, topic, at, envelope) VALUES ($t, $seq, $topic, $at, $envelope)",
            ("$t", tenant), ("$seq", seq), ("$topic", topic), ("$at", at.ToUnixTimeMilliseconds()), ("$envelope", envelope));
        Trim(db, tenant, byCount: true);
        return 0;
    });

    public Task<HistoryPage> ReadAsync(string tenant, string topic, long since, int limit) => _database.ReadAsync(db =>
    {
        // One read transaction: the floor, the bounds and the rows are of one committed state.
        var floor = Math.Max(db.Scalar<long?>("SELECT history_floor FROM tenants WHERE tenant = $t", ("$t", tenant)) ?? 0, Beyond(db, tenant, byCount: true));
        var command = db.Command("SELECT envelope FROM history WHERE tenant = $t AND topic = $topic AND seq > $after ORDER BY seq LIMIT $limit",
            ("$t", tenant), ("$topic", topic), ("$after", Math.Max(since, floor)), ("$limit", limit));
        using var reader = command.ExecuteReader();
        var envelopes = new List<byte[]>();
        while (reader.Read())
        {
            envelopes.Add((byte[])reader.GetValue(0));
        }

        return new HistoryPage(since < floor, floor + 1, envelopes);
    });

    /// <summary>Queues a trim of every tenant to the writer (the timer's step); its failure is logged, the next one tries again.</summary>
    Task QueueTrim()
    {
        var byCount = Interlocked.Increment(ref _trims) == 1;
        try
        {
            var trim = _database.Writes.RunAsync(db =>
            {
                var tenants = new List<string>();
                using (var reader = db.Command("SELECT tenant FROM tenants").ExecuteReader())
                {
                    while (reader.Read())
                    {
                        tenants.Add(reader.GetString(0));
                    }
                }

                tenants.ForEach(tenant => Trim(db, tenant, byCount));
                return 0;
            });
            trim.ContinueWith(t => LogTrimFailed(t.Exception!), TaskContinuationOptions.OnlyOnFaulted);
            return trim;
        }
        catch (ObjectDisposedException)
        {
            return Task.CompletedTask; // the store is closing
        }
    }

    /// <summary>Drops what is beyond the bounds and raises the tenant's floor past it. Runs on the writer.</summary>
    void Trim(SqliteSession db, string tenant, bool byCount)
    {
        var floor = Beyond(db, tenant, byCount);
        if (floor > 0)
        {
            db.Execute("DELETE FROM history WHERE tenant = $t AND seq <= $floor", ("$t", tenant), ("$floor", floor));
            db.Execute("UPDATE tenants SET history_floor = MAX(history_floor, $floor) WHERE tenant = $t", ("$t", tenant), ("$floor", floor));
        }
    }

    /// <summary>The highest <c>seq</c> of the tenant's rows that are beyond the age bound (or the count bound too), 0 if none.</summary>
    long Beyond(SqliteSession db, string tenant, bool byCount)
    {
        var cutoff = (_time.GetUtcNow() - TimeSpan.FromHours(_options.HistoryMaxAgeHours)).ToUnixTimeMilliseconds();
        var byAge = db.Scalar<long?>("SELECT MAX(seq) FROM history WHERE tenant = $t AND at < $cutoff", ("$t", tenant), ("$cutoff", cutoff)) ?? 0;
        return !byCount ? byAge : Math.Max(byAge, db.Scalar<long?>("SELECT seq FROM history WHERE tenant = $t ORDER BY seq DESC LIMIT 1 OFFSET $max",
            ("$t", tenant), ("$max", _options.HistoryMaxMessages)) ?? 0);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Trimming the history failed; the next trim tries again")]
    partial void LogTrimFailed(Exception error);

    public void Dispose() => _trimming.Dispose();
}
