using CreatiWall.Broker.Storage;
using StackExchange.Redis;

namespace CreatiWall.Broker.Cluster;

internal static class RedisFailures
{
    /// <summary>
    /// Redis could not be reached or did not answer in time: a <see cref="RedisException"/>, a
    /// <see cref="RedisTimeoutException"/> (a <see cref="TimeoutException"/>, not a RedisException) or the store's mapping of
    /// either. The cluster's loops live through these; anything else is a bug and is left to surface.
    /// </summary>
    public static bool IsUnreachable(this Exception error) => error is RedisException or RedisTimeoutException or StoreUnavailableException ||
        (error is AggregateException many && many.InnerExceptions.All(IsUnreachable));
}
