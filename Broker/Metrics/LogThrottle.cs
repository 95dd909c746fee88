using System.Collections.Concurrent;

namespace CreatiWall.Broker.Metrics;

/// <summary>
/// Lets one log line per kind of event through per interval and counts the ones it holds back, so a flood (an attacker,
/// a full queue) costs a counter increment per event rather than a log line. Keys are kinds of event, never client
/// ids: the set of keys stays small.
/// </summary>
public sealed class LogThrottle(TimeSpan interval, TimeProvider? time = null)
{
    sealed class Slot
    {
        public long NextAllowed;
        public long Held;
    }

    readonly TimeProvider _time = time ?? TimeProvider.System;
    readonly ConcurrentDictionary<string, Slot> _slots = new(StringComparer.Ordinal);

    /// <summary>True when this event may be logged; <paramref name="held"/> is how many were held back since the last one.</summary>
    public bool TryEnter(string kind, out long held)
    {
        var slot = _slots.GetOrAdd(kind, static _ => new Slot());
        var now = _time.GetTimestamp();
        lock (slot)
        {
            if (slot.NextAllowed != 0 && now < slot.NextAllowed)
            {
                slot.Held++;
                held = 0;
                return false;
            }

            held = slot.Held;
            slot.Held = 0;
            slot.NextAllowed = now + (long)(interval.TotalSeconds * _time.TimestampFrequency);
            return true;
        }
    }
}
