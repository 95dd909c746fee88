using Microsoft.Data.Sqlite;

namespace CreatiWall.Broker.Storage.Sqlite;

/// <summary>
/// The SQLite file: opened (created when missing) in WAL mode and brought to the current schema; one write queue on
/// the writer's connection and a pool of read connections. An in-memory database (<c>:memory:</c>, <c>Mode=Memory</c>)
/// is private to one connection, so there reads take the write queue too.
/// </summary>
internal sealed class SqliteDatabase : IDisposable
{
    static readonly TimeSpan PingTimeout = TimeSpan.FromSeconds(5);

    readonly SqliteSession _writer;
    readonly SqliteReadPool? _readers;
    readonly string? _probeConnectionString;
    readonly string _name;
    int _disposed;

    public SqliteDatabase(string connectionString)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString) { Pooling = false }; // this class keeps its connections
        var inMemory = builder.DataSource is ":memory:" or "" || builder.Mode == SqliteOpenMode.Memory;
        _name = builder.DataSource;
        if (!inMemory && Path.GetDirectoryName(Path.GetFullPath(builder.DataSource)) is { } folder)
        {
            Directory.CreateDirectory(folder);
        }

        var connection = new SqliteConnection(builder.ToString());
        _writer = new SqliteSession(connection);
        try
        {
            connection.Open();
            _writer.ExecuteOnce("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;");
            SqliteSchema.Migrate(_writer, _name);
        }
        catch
        {
            _writer.Dispose();
            throw;
        }

        if (!inMemory)
        {
            _readers = new SqliteReadPool(builder.ToString());
            if (builder.Mode == SqliteOpenMode.ReadWriteCreate)
            {
                // The health probe must not create a file that has gone: that is what it is there to notice.
                _probeConnectionString = new SqliteConnectionStringBuilder(builder.ToString()) { Mode = SqliteOpenMode.ReadWrite }.ToString();
            }
        }

        Writes = new SqliteWriteQueue(_writer);
    }

    /// <summary>The one write queue: every change goes through it.</summary>
    public SqliteWriteQueue Writes { get; }

    /// <summary>Runs a read of committed state without waiting for the write queue (except in memory).</summary>
    public Task<T> ReadAsync<T>(Func<SqliteSession, T> read)
    {
        if (_readers is null)
        {
            return Writes.RunAsync(read);
        }

        try
        {
            return Task.FromResult(_readers.Read(read));
        }
        catch (Exception error)
        {
            return Task.FromException<T>(error);
        }
    }

    /// <summary>The file is there and a database of this schema version; the write queue and a reader answer.</summary>
    public async Task<StoreHealth> PingAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _disposed) != 0 || !Writes.IsRunning)
        {
            return StoreHealth.Failing("the store's write queue has stopped");
        }

        try
        {
            if (_probeConnectionString is not null)
            {
                // A fresh connection: one kept open would go on working on a file that was deleted or replaced.
                using var probe = new SqliteSession(new SqliteConnection(_probeConnectionString));
                probe.Connection.Open();
                var version = probe.Scalar<long>("PRAGMA user_version");
                if (version != SqliteSchema.Latest)
                {
                    return StoreHealth.Failing($"the database file has schema version {version}, expected {SqliteSchema.Latest}");
                }
            }

            await Writes.RunAsync(db => db.Scalar<long>("PRAGMA user_version")).WaitAsync(PingTimeout, cancellationToken);
            await ReadAsync(db => db.Scalar<long>("SELECT count(*) FROM sqlite_master")).WaitAsync(PingTimeout, cancellationToken);
            return StoreHealth.Ok;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (TimeoutException)
        {
            return StoreHealth.Failing($"the store did not answer within {PingTimeout.TotalSeconds:0} s");
        }
        catch (Exception error)
        {
            return StoreHealth.Failing($"{error.GetType().Name}: {error.Message}");
        }
    }

    /// <summary>Commits what is queued, then closes every connection.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        Writes.Dispose();
        _readers?.Dispose();
        _writer.Dispose();
    }
}
