using StackExchange.Redis;

namespace CreatiWall.Broker.Storage.Redis;

/// <summary>
/// Every call to Redis goes through here: failures of reach (no connection, timeout, a server loading or without a
/// primary) become <see cref="StoreUnavailableException"/>, and writes are tracked so that
/// <see cref="FlushAsync"/> can wait for every write asked for before it.
/// </summary>
internal sealed class RedisCalls(IConnectionMultiplexer connection)
{
    readonly Lock _gate = new();
    readonly Dictionary<long, Task> _pending = [];  // guarded by _gate
    long _lastId;                                   // guarded by _gate

    public IDatabase Db { get; } = connection.GetDatabase();

    public IConnectionMultiplexer Connection => connection;

    /// <summary>A read: its failures of reach mapped.</summary>
    public static async Task<T> ReadAsync<T>(Task<T> call)
    {
        try
        {
            return await call;
        }
        catch (Exception error) when (IsUnreachable(error))
        {
            throw Unavailable(error);
        }
    }

    /// <summary>
    /// A write, already sent (the command was queued on the connection before this is called, so writes reach Redis in
    /// the order they were asked for): its failures of reach mapped, and tracked until it completes.
    /// </summary>
    public Task<T> WriteAsync<T>(Task<T> call)
    {
        var mapped = ReadAsync(call);
        if (mapped.IsCompleted)
        {
            return mapped;
        }

        long id;
        lock (_gate)
        {
            id = ++_lastId;
            _pending[id] = mapped;
        }

        mapped.ContinueWith(_ =>
        {
            lock (_gate)
            {
                _pending.Remove(id);
            }
        }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return mapped;
    }

    public Task WriteAsync(Task call) => WriteAsync(Done(call));

    /// <summary>
    /// Completes once every write asked for before this call has been acknowledged by Redis; throws
    /// <see cref="StoreUnavailableException"/> when one of them could not reach it, or Redis does not answer now.
    /// </summary>
    public async Task FlushAsync()
    {
        Task[] earlier;
        lock (_gate)
        {
            earlier = [.. _pending.Values];
        }

        try
        {
            await Task.WhenAll(earlier);
        }
        catch (Exception)
        {
            // each failure is looked at below: only failures of reach make the flush fail
        }

        if (earlier.FirstOrDefault(t => t.Exception?.InnerException is StoreUnavailableException) is { } failed)
        {
            throw new StoreUnavailableException("an earlier write did not reach Redis", failed.Exception!.InnerException!);
        }

        await ReadAsync(Db.PingAsync(CommandFlags.DemandMaster)); // and Redis answers now
    }

    static async Task<bool> Done(Task call)
    {
        await call;
        return true;
    }

    /// <summary>Whether <paramref name="error"/> says Redis could not be reached or cannot serve now (not a bad command).</summary>
    public static bool IsUnreachable(Exception error) => error switch
    {
        RedisConnectionException or RedisTimeoutException or TimeoutException => true,
        RedisServerException server => server.Message.StartsWith("LOADING", StringComparison.Ordinal) ||
            server.Message.StartsWith("MASTERDOWN", StringComparison.Ordinal) || server.Message.StartsWith("CLUSTERDOWN", StringComparison.Ordinal) ||
            server.Message.StartsWith("TRYAGAIN", StringComparison.Ordinal) || server.Message.StartsWith("READONLY", StringComparison.Ordinal) ||
            server.Message.StartsWith("MISCONF", StringComparison.Ordinal) || server.Message.StartsWith("NOREPLICAS", StringComparison.Ordinal),
        ObjectDisposedException => true, // the connection was closed (the host is stopping)
        _ => false,
    };

    static StoreUnavailableException Unavailable(Exception error) =>
        new($"Redis is unavailable: {error.Message}", error);
}
