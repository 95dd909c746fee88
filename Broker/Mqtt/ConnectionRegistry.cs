using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;

namespace CreatiWall.Broker.Mqtt;

/// <summary>The live connection per client id, and the newest connection of each device (who holds a client id: <see cref="SessionClaims"/>).</summary>
internal sealed class ConnectionRegistry
{
    readonly ConcurrentDictionary<string, MqttConnection> _live = new(StringComparer.Ordinal);
    readonly ConcurrentDictionary<string, MqttConnection> _accepted = new(StringComparer.Ordinal);
    readonly ConcurrentDictionary<(string Tenant, string Device), MqttConnection> _newestOfDevice = new();

    /// <summary>Between CONNECT validation and MQTTnet's connected event.</summary>
    public void Accept(MqttConnection connection) => _accepted[connection.ClientId] = connection;

    public bool TryTakeAccepted(string clientId, [MaybeNullWhen(false)] out MqttConnection connection) =>
        _accepted.TryRemove(clientId, out connection);

    public bool TryGetAccepted(string clientId, [MaybeNullWhen(false)] out MqttConnection connection) =>
        _accepted.TryGetValue(clientId, out connection);

    /// <summary>Makes <paramref name="connection"/> the live one for its client id; the one it replaces was taken over.</summary>
    public void SetLive(MqttConnection connection)
    {
        _live.AddOrUpdate(connection.ClientId, connection, (_, previous) =>
        {
            if (!ReferenceEquals(previous, connection))
            {
                previous.EndBy(EndReason.TakenOver);
            }

            return connection;
        });
        if (connection.DeviceKey is { } device)
        {
            _newestOfDevice[device] = connection;
        }
    }

    /// <summary>The device <paramref name="connection"/> acts as is connected again, through a newer connection.</summary>
    public bool HasNewerDeviceConnection(MqttConnection connection) =>
        connection.DeviceKey is { } device && _newestOfDevice.TryGetValue(device, out var newest) && !ReferenceEquals(newest, connection);

    public bool IsLive(MqttConnection connection) =>
        _live.TryGetValue(connection.ClientId, out var live) && ReferenceEquals(live, connection);

    public bool TryGetLive(string clientId, [MaybeNullWhen(false)] out MqttConnection connection) =>
        _live.TryGetValue(clientId, out connection);

    /// <summary>Removes <paramref name="connection"/> when it ends; a newer connection of the same client id stays.</summary>
    public void Remove(MqttConnection connection)
    {
        _live.TryRemove(new KeyValuePair<string, MqttConnection>(connection.ClientId, connection));
        _accepted.TryRemove(new KeyValuePair<string, MqttConnection>(connection.ClientId, connection));
        if (connection.DeviceKey is { } device)
        {
            _newestOfDevice.TryRemove(new KeyValuePair<(string, string), MqttConnection>(device, connection));
        }
    }

    public ICollection<MqttConnection> Live => _live.Values;
}
