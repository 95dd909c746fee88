using CreatiWall.Broker.Identity;
using CreatiWall.Broker.Metrics;
using CreatiWall.Broker.Mqtt.Limits;
using CreatiWall.Broker.Mqtt.Rules;
using MQTTnet.Formatter;
using MQTTnet.Packets;
using MQTTnet.Protocol;
using MQTTnet.Server;

namespace CreatiWall.Broker.Mqtt;

/// <summary>Connections: CONNECT, the session's client id, the start and the end of a connection, expiries.</summary>
internal sealed partial class MqttEventAdapter
{
    async Task ValidateConnectionAsync(ValidatingConnectionEventArgs e)
    {
        if (e.ChannelAdapter is not ObservedChannel { ConnectPacket: { } connect } channel)
        {
            Refuse(e, new ConnectDecision.Refuse(MqttConnectReasonCode.ServerUnavailable, "connection not set up by the broker host", "internal"));
            return;
        }

        if (string.IsNullOrEmpty(e.ClientId) && e.ProtocolVersion == MqttProtocolVersion.V500)
        {
            // Set before any refusal too: MQTTnet reports an empty v5 client id as 0x85, hiding the real reason.
            e.AssignedClientIdentifier = ClientIds.NewAssigned();
        }

        if (AddressRefusal(e) is { } limited)
        {
            Refuse(e, limited); // before the token is read: a flood or a banned address costs no signature check
            return;
        }

        var request = new ConnectRequest(
            await tokens.ValidateAsync(e.Password).ConfigureAwait(false),
            e.UserName,
            string.IsNullOrEmpty(e.ClientId) ? e.AssignedClientIdentifier : e.ClientId,
            connect.WillFlag ? connect.WillTopic : null);
        var decision = ConnectRules.Decide(request);
        if (decision is ConnectDecision.Refuse refused)
        {
            if (refused.Code == MqttConnectReasonCode.BadUserNameOrPassword)
            {
                AuthenticationFailed(e);
            }

            Refuse(e, refused);
            return;
        }

        var (principal, clientId) = (ConnectDecision.Accept)decision;
        if (OpenTenantConnection(principal, clientId) is { } full)
        {
            Refuse(e, full);
            return;
        }

        try
        {
            await AcceptAsync(e, channel, connect, principal, clientId).ConfigureAwait(false);
        }
        finally
        {
            if (channel.Connection is null)
            {
                tenantConnections.Close(principal.Tenant); // refused after all: its transport's end will not count it
            }
        }
    }

    /// <summary>The rest of an accepted CONNECT: the session's client id claimed, the connection recorded.</summary>
    async Task AcceptAsync(ValidatingConnectionEventArgs e, ObservedChannel channel, MqttConnectPacket connect, Principal principal, string clientId)
    {
        var quota = new SessionQuota(_options.MaxSessionsPerPrincipal, _options.MaxSessionsPerTenant);
        if (ConnectRules.Refusal(claims.TryClaim(clientId, principal.SessionOwnerKey, principal.SessionQuotaKey, principal.Tenant, quota, SessionExists), quota, principal) is { } refusal)
        {
            Refuse(e, refusal);
            return;
        }

        connect.ClientId = clientId; // MQTTnet keys the session (and every later event) by this
        if (e.CleanSession != false)
        {
            router.Clear(clientId);
        }

        var maxExpiry = (uint)_options.MaxSessionExpirySeconds;
        var v5 = e.ProtocolVersion == MqttProtocolVersion.V500;
        ushort? serverKeepAlive = v5 && (connect.KeepAlivePeriod == 0 || connect.KeepAlivePeriod > _options.MaxKeepAliveSeconds)
            ? (ushort)_options.MaxKeepAliveSeconds
            : null;
        if (serverKeepAlive is { } keepAlive)
        {
            connect.KeepAlivePeriod = keepAlive; // what MQTTnet's keepalive monitor holds the client to
        }

        var connection = new MqttConnection(clientId, principal, channel, time)
        {
            ServerKeepAlive = serverKeepAlive,
            ServerMaxPacketSize = (uint)_options.MaxPacketBytes,
            Holder = directory.NodeId + "|" + Guid.NewGuid().ToString("N"),
            SessionExpiryRequested = connect.SessionExpiryInterval,
            SessionExpiryGranted = SessionExpiry.Granted(connect, e.ProtocolVersion, maxExpiry),
            SessionExpiryMax = maxExpiry,
            SessionKeptByMqttnet = SessionExpiry.KeptByMqttnet(e.ProtocolVersion, connect.CleanSession),
            Publishes = _publishLimits.Any ? new PublishBudget(_publishLimits, time) : null,
        };
        if (e.ProtocolVersion == MqttProtocolVersion.V500)
        {
            connect.SessionExpiryInterval = connection.SessionExpiryGranted; // what MQTTnet's session keeps to
        }

        if (await directory.ClaimAsync(connection, channel).ConfigureAwait(false) is { } elsewhere)
        {
            Refuse(e, elsewhere); // cluster: another identity holds the client id on another node
            return;
        }

        channel.Connection = connection;
        channel.BeforeEndReported = () => handover.GiveWayAsync(connection);
        registry.Accept(connection);
        await handover.AfterPreviousAsync(connection).ConfigureAwait(false);
    }

    Task OnConnectedAsync(ClientConnectedEventArgs e)
    {
        // MQTTnet drops session items set during validation when it resumes a session: attach them here.
        if (!registry.TryTakeAccepted(e.ClientId, out var connection))
        {
            return Task.CompletedTask;
        }

        e.SessionItems[MqttConnection.SessionItemKey] = connection;
        registry.SetLive(connection);
        sessionExpiry.Cancel(connection.ClientId);
        connection.Settle();
        connection.ScheduleExpiry(c => _ = EndAsync(c, EndReason.TokenExpired));
        if (tokens.IsRevoked(connection.Principal))
        {
            _ = EndAsync(connection, EndReason.TokenRevoked); // revoked while this CONNECT was being set up
        }

        var p = connection.Principal;
        LogConnected(LogText.Safe(connection.ClientId), p.Tenant, p.Subject, p.Role, p.ActingDevice, e.ProtocolVersion.ToString(), e.RemoteEndPoint?.ToString());

        // Not awaited: MQTTnet reads the client's next packet (its SUBSCRIBE) only after this event, and the status write
        // waits for a database commit. Presence queues it on the device's lock now, so this connection's end comes after it.
        _ = presence.ConnectedAsync(connection).ContinueWith(
            t => LogPresenceNotWritten(t.Exception!, LogText.Safe(connection.ClientId)), TaskContinuationOptions.OnlyOnFaulted);
        return Task.CompletedTask;
    }

    /// <summary>Called by the host when a transport connection is over, whatever the cause.</summary>
    public async Task OnChannelClosedAsync(ObservedChannel channel)
    {
        if (channel.Connection is not { } connection)
        {
            return;
        }

        registry.Remove(connection);
        var sessionKept = connection.EndReason != EndReason.TakenOver && connection.SessionExpiryAfterEnd > 0;
        tenantConnections.Close(connection.Principal.Tenant);
        connection.MarkClosed();
        connection.Dispose();
        LogDisconnected(LogText.Safe(connection.ClientId), connection.Principal.Tenant, connection.Principal.Subject, connection.EndReason.ToContract());
        if (connection.EndReason != EndReason.TakenOver && connection.SessionExpiryAfterEnd > 0)
        {
            sessionExpiry.Schedule(connection.ClientId, connection.SessionExpiryAfterEnd, () => ExpireSessionAsync(connection.ClientId));
        }
        else if (connection.EndReason != EndReason.TakenOver && connection.SessionKeptByMqttnet)
        {
            // A session granted 0 s (an MQTT 3.1 clean session) ends with its connection, as MQTT wants; MQTTnet keeps it.
            await DeleteSessionUnlessBackAsync(connection.ClientId);
        }

        try
        {
            await presence.DisconnectedAsync(connection);
        }
        finally
        {
            // Also when the store failed to record the end. A kept session keeps its client id (released with the session).
            await directory.ReleaseAsync(connection, keepClaim: sessionKept);
        }
    }

    void Refuse(ValidatingConnectionEventArgs e, ConnectDecision.Refuse refusal)
    {
        e.ReasonCode = refusal.Code;
        e.ReasonString = refusal.Reason;
        counters.ConnectRefused(refusal.Metric);
        if (refusal.IsLimit)
        {
            LimitRefused(e, refusal); // a client can run into it at will: logged throttled
            return;
        }

        LogRefused(LogText.Safe(string.IsNullOrEmpty(e.ClientId) ? e.AssignedClientIdentifier : e.ClientId), refusal.Principal?.Tenant, refusal.Principal?.Subject,
            (int)refusal.Code, LogText.Safe(refusal.Reason), e.RemoteEndPoint?.ToString());
    }
}
