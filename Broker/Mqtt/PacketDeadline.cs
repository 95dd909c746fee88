namespace CreatiWall.Broker.Mqtt;

/// <summary>
/// A packet must arrive whole within the packet timeout of its first byte (<c>Mqtt:PacketTimeoutSeconds</c>): otherwise a
/// peer that trickles its packets (slowloris), or stops in the middle of one with keepalive 0, holds its connection and
/// buffer for ever. The reader reports each read; while part of a packet waits, a timer calls <c>wake</c> (the reader's
/// <c>CancelPendingRead</c>) when its time is up, so a silent peer is noticed too.
/// </summary>
public sealed class PacketDeadline(TimeSpan timeout, TimeProvider time, Action wake) : IDisposable
{
    long? _started;
    ITimer? _timer;

    /// <summary>Part of a packet is buffered: its clock starts with the first such read. True when its time is up.</summary>
    public bool Partial()
    {
        var now = time.GetTimestamp();
        _started ??= now;
        var left = timeout - time.GetElapsedTime(_started.Value, now);
        if (left <= TimeSpan.Zero)
        {
            return true;
        }

        _timer ??= time.CreateTimer(_ => wake(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _timer.Change(left, Timeout.InfiniteTimeSpan);
        return false;
    }

    /// <summary>A whole packet was read (or nothing is buffered): the next packet's clock starts with its first byte.</summary>
    public void Whole()
    {
        if (_started is not null)
        {
            _started = null;
            _timer?.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }
    }

    public void Dispose() => _timer?.Dispose();
}
