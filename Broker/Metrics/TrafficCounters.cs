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

    public void ConnectionClosed(long bytesReceived, long bytesSent)
    {
        Interlocked.Add(ref _closedBytesReceived, bytesReceived);
        Interlocked.Add(ref _closedBytesSent, bytesSent);
    }
}
