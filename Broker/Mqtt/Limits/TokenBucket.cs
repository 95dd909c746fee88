namespace CreatiWall.Broker.Mqtt.Limits;

/// <summary>
/// A token bucket on a clock's timestamps: it holds at most <c>burst</c> tokens and gains <c>ratePerSecond</c> a second;
/// taking more than it holds fails and takes nothing. Not thread-safe: its owner locks.
/// </summary>
internal sealed class TokenBucket(double ratePerSecond, double burst, long now, long frequency)
{
    readonly double _burst = burst;
    double _tokens = burst;
    long _last = now;

    public bool CanTake(double cost, long now)
    {
        Refill(now);
        return _tokens >= cost;
    }

    public bool TryTake(double cost, long now)
    {
        if (!CanTake(cost, now))
        {
            return false;
        }

        _tokens -= cost;
        return true;
    }

    /// <summary>Back to its full burst: forgetting it changes nothing.</summary>
    public bool IsFull(long now)
    {
        Refill(now);
        return _tokens >= _burst;
    }

    void Refill(long now)
    {
        if (now > _last)
        {
            _tokens = Math.Min(_burst, _tokens + ((now - _last) * ratePerSecond / frequency));
            _last = now;
        }
    }
}
