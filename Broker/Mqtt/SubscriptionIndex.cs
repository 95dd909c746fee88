using System.Collections.Concurrent;

namespace CreatiWall.Broker.Mqtt;

/// <summary>The filters each session holds (MQTTnet does not expose them), for the live channel counts.</summary>
public sealed class SubscriptionIndex
{
    readonly ConcurrentDictionary<string, ConcurrentDictionary<string, byte>> _byClient = new(StringComparer.Ordinal);

    public void Add(string clientId, string filter) =>
        _byClient.GetOrAdd(clientId, static _ => new(StringComparer.Ordinal))[filter] = 0;

    public void Remove(string clientId, string filter)
    {
        if (_byClient.TryGetValue(clientId, out var filters))
        {
            filters.TryRemove(filter, out _);
        }
    }

    /// <summary>The session is gone or starts clean.</summary>
    public void Clear(string clientId) => _byClient.TryRemove(clientId, out _);

    public IReadOnlyCollection<string> Of(string clientId) =>
        _byClient.TryGetValue(clientId, out var filters) ? (IReadOnlyCollection<string>)filters.Keys : [];
}
