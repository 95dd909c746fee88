using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;

namespace CreatiWall.Broker.Mqtt;

/// <summary>
/// Which identity holds each client id (connected or with a kept session), and the live connection per client id.
/// </summary>
public sealed class ConnectionRegistry
{
    readonly ConcurrentDictionary<string, string> _owners = new(StringComparer.Ordinal);
    readonly ConcurrentDictionary<string, MqttConnection> _live = new(StringComparer.Ordinal);
    readonly ConcurrentDictionary<string, MqttConnection> _accepted = new(StringComparer.Ordinal);

    /// <summary>Claims <paramref name="clientId"/> for <paramref name="ownerKey"/> unless another identity holds it.</summary>
    public bool TryClaim(string clientId, string ownerKey, Func<string, bool> sessionExists)
    {
        var holder = _owners.GetOrAdd(clientId, ownerKey);
        if (holder == ownerKey)
        {
            return true;
        }

        // The holder's session may be gone without notice (a refused or failed CONNECT after claiming).
        return !sessionExists(clientId) && _owners.TryUpdate(clientId, ownerKey, holder);
    }

    public void Release(string clientId, string ownerKey) =>
        _owners.TryRemove(new KeyValuePair<string, string>(clientId, ownerKey));

    /// <summary>Between CONNECT validation and MQTTnet's connected event.</summary>
    public void Accept(MqttConnection connection) => _accepted[connection.ClientId] = connection;

    public bool TryTakeAccepted(string clientId, [MaybeNullWhen(false)] out MqttConnection connection) =>
        _accepted.TryRemove(clientId, out connection);

    public bool TryGetAccepted(string clientId, [MaybeNullWhen(false)] out MqttConnection connection) =>
        _accepted.TryGetValue(clientId, out connection);

    /// <summary>Makes <paramref name="connection"/> the live one for its client id; the one it replaces was taken over.</summary>
    public void SetLive(MqttConnection connection) =>
        _live.AddOrUpdate(connection.ClientId, connection, (_, previous) =>
        {
            if (!ReferenceEquals(previous, connection))
            {
                previous.EndBy(EndReason.TakenOver);
            }

            return connection;
        });

    public bool IsLive(MqttConnection connection) =>
        _live.TryGetValue(connection.ClientId, out var live) && ReferenceEquals(live, connection);

    public bool TryGetLive(string clientId, [MaybeNullWhen(false)] out MqttConnection connection) =>
        _live.TryGetValue(clientId, out connection);

    /// <summary>Removes <paramref name="connection"/> when it ends; a newer connection of the same client id stays.</summary>
    public void Remove(MqttConnection connection)
    {
        _live.TryRemove(new KeyValuePair<string, MqttConnection>(connection.ClientId, connection));
        _accepted.TryRemove(new KeyValuePair<string, MqttConnection>(connection.ClientId, connection));
    }

    public ICollection<MqttConnection> Live => _live.Values;
}
