using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;

namespace CreatiWall.Broker.Storage.Sqlite;

/// <summary>
/// Connections for reads, beside the writer's: in WAL mode a reader sees the last committed state and never waits for
/// the writer (nor the writer for it). Each read runs in its own read transaction, so the statements of one read see
/// one state. Connections are kept for reuse (with their prepared statements) up to <see cref="MaxIdle"/>; more are
/// opened while more reads run at once.
/// </summary>
internal sealed class SqliteReadPool(string connectionString) : IDisposable
{
    const int MaxIdle = 4;

    readonly ConcurrentBag<SqliteSession> _idle = [];
    volatile bool _disposed;

    /// <summary>Runs <paramref name="read"/> on the caller's thread in a read transaction (it must not write).</summary>
    public T Read<T>(Func<SqliteSession, T> read)
    {
        ObjectDisposedException.ThrowIf(_disposed, typeof(SqliteStore));
        var session = _idle.TryTake(out var idle) ? idle : Open();
        var reusable = false;
        try
        {
            using (var transaction = session.Transaction = session.Connection.BeginTransaction(deferred: true))
            {
                var result = read(session);
                transaction.Commit();
                reusable = true;
                return result;
            }
        }
        finally
        {
            session.Transaction = null;
            if (reusable && !_disposed && _idle.Count < MaxIdle)
            {
                _idle.Add(session);
                if (_disposed)
                {
                    Dispose(); // disposed meanwhile: closes what was just given back
                }
            }
            else
            {
                session.Dispose(); // a connection whose read failed is not trusted again
            }
        }
    }

    SqliteSession Open()
    {
        var connection = new SqliteConnection(connectionString);
        try
        {
            connection.Open();
            var session = new SqliteSession(connection);
            session.ExecuteOnce("PRAGMA query_only=1; PRAGMA busy_timeout=5000;");
            return session;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        _disposed = true;
        while (_idle.TryTake(out var session))
        {
            session.Dispose();
        }
    }
}
