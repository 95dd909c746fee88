using CreatiWall.Broker.Metrics;
using MQTTnet.Server;

namespace CreatiWall.Broker.Mqtt;

/// <summary>Sessions: a kept session's expiry, its deletion, and whether one exists.</summary>
internal sealed partial class MqttEventAdapter
{
    /// <summary>A kept session's time is up: deleted with its queue, unless its client is back.</summary>
    async Task ExpireSessionAsync(string clientId)
    {
        if (await DeleteSessionUnlessBackAsync(clientId))
        {
            LogSessionExpired(LogText.Safe(clientId));
        }
    }

    /// <summary>Deletes the session of <paramref name="clientId"/> with its queue unless a client uses it again; false when it stays (or is gone).</summary>
    async Task<bool> DeleteSessionUnlessBackAsync(string clientId)
    {
        if (_server is not { } server || registry.TryGetLive(clientId, out _) || registry.TryGetAccepted(clientId, out _) ||
            !SessionExists(clientId))
        {
            return false;
        }

        try
        {
            await (await server.GetSessionAsync(clientId)).DeleteAsync();
            return true;
        }
        catch (InvalidOperationException)
        {
            return false; // deleted meanwhile
        }
    }

    Task OnSessionDeletedAsync(SessionDeletedEventArgs e)
    {
        router.Clear(e.Id, e.SessionItems);
        if (e.SessionItems?[MqttConnection.SessionItemKey] is MqttConnection connection)
        {
            claims.Release(e.Id, connection.Principal.SessionOwnerKey);
            return directory.ReleaseAsync(connection, keepClaim: false);
        }

        return Task.CompletedTask;
    }

    bool SessionExists(string clientId)
    {
        try
        {
            return _server?.GetSessionAsync(clientId).GetAwaiter().GetResult() is not null;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }
}
