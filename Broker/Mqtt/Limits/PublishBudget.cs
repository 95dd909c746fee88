namespace CreatiWall.Broker.Mqtt.Limits;

internal enum PublishRate
{
    Within,

    /// <summary>More PUBLISH packets than <c>Mqtt:PublishesPerSecond</c> (and its burst) allow.</summary>
    TooManyMessages,

    /// <summary>More payload bytes than <c>Mqtt:PublishBytesPerSecond</c> (and its burst) allow.</summary>
    TooManyBytes,
}

/// <summary><c>Mqtt:PublishesPerSecond</c>, <c>PublishBurst</c>, <c>PublishBytesPerSecond</c>, <c>PublishBytesBurst</c> (a rate of 0: no limit).</summary>
internal sealed record PublishLimits(double MessagesPerSecond, int MessageBurst, long BytesPerSecond, long ByteBurst)
{
    public bool Any => MessagesPerSecond > 0 || BytesPerSecond > 0;

    public static PublishLimits Of(MqttOptions options) =>
        new(options.PublishesPerSecond, options.PublishBurst, options.PublishBytesPerSecond, options.PublishBytesBurst);
}

/// <summary>
/// One connection's publish budget: two token buckets, messages and payload bytes. A publish over either takes nothing
/// from both, so a client held at its limit still gets exactly its rate through.
/// </summary>
internal sealed class PublishBudget
{
    readonly TimeProvider _time;
    readonly TokenBucket? _messages;
    readonly TokenBucket? _bytes;
    readonly Lock _lock = new();

    public PublishBudget(PublishLimits limits, TimeProvider time)
    {
        _time = time;
        var now = time.GetTimestamp();
        _messages = limits.MessagesPerSecond > 0 ? new TokenBucket(limits.MessagesPerSecond, limits.MessageBurst, now, time.TimestampFrequency) : null;
        _bytes = limits.BytesPerSecond > 0 ? new TokenBucket(limits.BytesPerSecond, limits.ByteBurst, now, time.TimestampFrequency) : null;
    }

    /// <summary>A PUBLISH with <paramref name="payloadBytes"/> of payload: within the budget (and taken from it), or over which limit.</summary>
    public PublishRate Take(long payloadBytes)
    {
        if (_messages is null && _bytes is null)
        {
            return PublishRate.Within;
        }

        var now = _time.GetTimestamp();
        lock (_lock)
        {
            if (_messages is not null && !_messages.CanTake(1, now))
            {
                return PublishRate.TooManyMessages;
            }

            if (_bytes is not null && !_bytes.TryTake(payloadBytes, now))
            {
                return PublishRate.TooManyBytes;
            }

            _messages?.TryTake(1, now);
            return PublishRate.Within;
        }
    }
}
