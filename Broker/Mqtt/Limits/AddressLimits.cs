using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace CreatiWall.Broker.Mqtt.Limits;

internal enum AddressVerdict
{
    Allowed,

    /// <summary>More CONNECTs than <c>Mqtt:ConnectsPerAddressPerSecond</c> (and its burst) allow: CONNACK 0x9F.</summary>
    RateExceeded,

    /// <summary>Banned after too many failed authentications: CONNACK 0x8A.</summary>
    Banned,
}

/// <summary>
/// Per remote address: the CONNECT rate (a token bucket) and the ban that follows too many failed authentications within
/// a window. Addresses whose state has run out (bucket full again, no failures in the window, no ban) are forgotten in a
/// sweep when the table has doubled since the last one, or a new address comes a minute after it: a CONNECT costs O(1)
/// amortised, and a scan from many addresses holds memory only while it lasts.
/// </summary>
internal sealed class AddressLimits(IOptions<MqttOptions> options, TimeProvider time)
{
    sealed class Entry(TokenBucket? connects)
    {
        public readonly TokenBucket? Connects = connects;
        public long WindowStart;
        public int Failures;
        public long BannedUntil;
    }

    const int FirstSweep = 1024;
    static readonly TimeSpan SweepInterval = TimeSpan.FromMinutes(1);

    readonly MqttOptions _options = options.Value;
    readonly Lock _lock = new();
    readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    int _sweepAt = FirstSweep;
    long _sweptAt = time.GetTimestamp();

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>A CONNECT from <paramref name="address"/> (<see cref="KeyOf"/>): allowed (and counted), or why not.</summary>
    public AddressVerdict Attempt(string address)
    {
        if (_options.ConnectsPerAddressPerSecond == 0 && _options.AuthFailuresPerAddress == 0)
        {
            return AddressVerdict.Allowed; // both off (behind a load balancer): no state kept at all
        }

        var now = time.GetTimestamp();
        lock (_lock)
        {
            var entry = EntryOf(address, now);
            if (entry.BannedUntil > now)
            {
                return AddressVerdict.Banned;
            }

            return entry.Connects is { } bucket && !bucket.TryTake(1, now) ? AddressVerdict.RateExceeded : AddressVerdict.Allowed;
        }
    }

    /// <summary>A failed authentication from <paramref name="address"/>; true when it starts a ban.</summary>
    public bool AuthFailed(string address)
    {
        if (_options.AuthFailuresPerAddress == 0)
        {
            return false;
        }

        var now = time.GetTimestamp();
        lock (_lock)
        {
            var entry = EntryOf(address, now);
            if (entry.Failures == 0 || time.GetElapsedTime(entry.WindowStart, now) >= TimeSpan.FromSeconds(_options.AuthFailureWindowSeconds))
            {
                (entry.WindowStart, entry.Failures) = (now, 0);
            }

            if (++entry.Failures < _options.AuthFailuresPerAddress || entry.BannedUntil > now)
            {
                return false;
            }

            entry.BannedUntil = now + (_options.AuthBanSeconds * time.TimestampFrequency);
            entry.Failures = 0;
            return true;
        }
    }

    /// <summary>What the limits count by: an IPv4 address, or an IPv6 /64 (one host's share); null when unknown.</summary>
    public static string? KeyOf(EndPoint? endPoint)
    {
        if (endPoint is not IPEndPoint { Address: var address })
        {
            return null;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }

        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }

    Entry EntryOf(string address, long now)
    {
        if (_entries.TryGetValue(address, out var entry))
        {
            return entry;
        }

        if (_entries.Count >= _sweepAt || (_entries.Count >= FirstSweep && time.GetElapsedTime(_sweptAt, now) >= SweepInterval))
        {
            Sweep(now);
        }

        var bucket = _options.ConnectsPerAddressPerSecond > 0
            ? new TokenBucket(_options.ConnectsPerAddressPerSecond, _options.ConnectBurstPerAddress, now, time.TimestampFrequency)
            : null;
        return _entries[address] = new Entry(bucket);
    }

    void Sweep(long now)
    {
        var window = TimeSpan.FromSeconds(_options.AuthFailureWindowSeconds);
        foreach (var (address, entry) in _entries)
        {
            if (entry.BannedUntil <= now && (entry.Failures == 0 || time.GetElapsedTime(entry.WindowStart, now) >= window) &&
                (entry.Connects is null || entry.Connects.IsFull(now)))
            {
                _entries.Remove(address);
            }
        }

        _sweepAt = Math.Max(FirstSweep, _entries.Count * 2);
        _sweptAt = now;
    }
}
