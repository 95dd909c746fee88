using System.Collections.Concurrent;

namespace CreatiWall.Broker.Metrics;

/// <summary>Message and byte totals of the broker, counted where packets pass (cheap: one atomic add each).</summary>
internal sealed class TrafficCounters
{
    long _messagesReceived;
    long _messagesSent;
    long _messagesDropped;
    long _closedBytesReceived;
    long _closedBytesSent;

    public long MessagesReceived => Volatile.Read(ref _messagesReceived);
    public long MessagesSent => Volatile.Read(ref _messagesSent);
    public long MessagesDropped => Volatile.Read(ref _messagesDropped);

    /// <summary>Bytes of connections that have ended; live ones are added by whoever reads the totals.</summary>
    public long ClosedBytesReceived => Volatile.Read(ref _closedBytesReceived);
    public long ClosedBytesSent => Volatile.Read(ref _closedBytesSent);

    public void MessageReceived() => Interlocked.Increment(ref _messagesReceived);
    public void MessageSent() => Interlocked.Increment(ref _messagesSent);
    public void MessageDropped() => Interlocked.Increment(ref _messagesDropped);

    readonly ConcurrentDictionary<string, TenantTraffic> _tenants = new(StringComparer.Ordinal);

    /// <summary>The counters of one tenant, looked up once per connection (not per message).</summary>
    public TenantTraffic For(string tenant) => _tenants.GetOrAdd(tenant, static _ => new TenantTraffic());

    /// <summary>Every tenant that has had traffic since the broker started.</summary>
    public IEnumerable<KeyValuePair<string, TenantTraffic>> Tenants => _tenants;

    public void ConnectionClosed(long bytesReceived, long bytesSent)
    {
        Interlocked.Add(ref _closedBytesReceived, bytesReceived);
        Interlocked.Add(ref _closedBytesSent, bytesSent);
    }
}

/// <summary>PUBLISH packets from and to one tenant's connections.</summary>
internal sealed class TenantTraffic
{
    long _received;
    long _sent;

    public long MessagesReceived => Volatile.Read(ref _received);
    public long MessagesSent => Volatile.Read(ref _sent);

    public void MessageReceived() => Interlocked.Increment(ref _received);
    public void MessageSent() => Interlocked.Increment(ref _sent);
}
