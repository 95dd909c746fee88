using CreatiWall.Broker.Access;
using CreatiWall.Broker.Identity;
using CreatiWall.Broker.Metrics;
using CreatiWall.Broker.Mqtt.Routing;
using CreatiWall.Broker.Presence;
using CreatiWall.Broker.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using MQTTnet.Server;

namespace CreatiWall.Broker.Mqtt;

/// <summary>
/// The broker's rules on top of an MQTTnet server: CONNECT validation, client-id ownership, subscribe/publish/will
/// checks, token expiry, presence, retained persistence and layout delivery tracking. Knows nothing of the transport
/// or of HTTP.
/// </summary>
public sealed partial class MqttBroker(
    TokenValidator tokens,
    ConnectionRegistry registry,
    MessageRouter router,
    RetainedMessages retained,
    PresenceTracker presence,
    LayoutAcks acks,
    BrokerMetrics metrics,
    TrafficCounters traffic,
    IBrokerStore store,
    BrokerLifecycle lifecycle,
    SessionExpiry sessionExpiry,
    IOptions<MqttOptions> options,
    ILogger<MqttBroker> logger,
    TimeProvider? time = null)
{
    /// <summary>How long one connection waits for another of its client id (milliseconds as a rule; a stuck one must not hold it).</summary>
    static readonly TimeSpan PreviousCleanupWait = TimeSpan.FromSeconds(2);

    readonly TimeProvider _time = time ?? TimeProvider.System;
    readonly MqttOptions _options = options.Value;
    readonly LogThrottle _dropLog = new(TimeSpan.FromSeconds(10), time);

    /// <summary>
    /// Taken by a retained publish (keep, then deliver) and by a subscription's retained snapshot (register, look up,
    /// queue), so a new subscriber never gets an older retained message after a newer live one.
    /// </summary>
    readonly Lock _retainedOrder = new();
    MqttServer? _server;

    public void Attach(MqttServer server)
    {
        _server = server;
        server.ValidatingConnectionAsync += ValidateConnectionAsync;
        server.ClientConnectedAsync += OnConnectedAsync;
        server.InterceptingSubscriptionAsync += InterceptSubscriptionAsync;
        server.InterceptingPublishAsync += InterceptPublishAsync;
        server.SessionDeletedAsync += OnSessionDeletedAsync;
        server.ClientUnsubscribedTopicAsync += e =>
        {
            router.Unsubscribe(e.ClientId, e.TopicFilter);
            return Task.CompletedTask;
        };

        // Retained messages survive restarts: loaded at start, and saved one row per topic as they pass the publish check.
        // They are kept and delivered by the broker (RetainedMessages), not by MQTTnet, whose retained list stays empty.
        server.LoadingRetainedMessageAsync += async _ => retained.Load(await LoadRetainedAsync());
        server.ClientAcknowledgedPublishPacketAsync += OnAcknowledgedAsync;
        server.StartedAsync += async _ =>
        {
            lifecycle.MarkStarted();
            await presence.RecoverAfterRestartAsync();
        };
        server.QueuedApplicationMessageOverwrittenAsync += e =>
        {
            traffic.MessageDropped();
            if (_dropLog.TryEnter("queue-full", out var held))
            {
                LogDropped(e.ReceiverClientId, held);
            }

            return Task.CompletedTask;
        };
    }

    async Task ValidateConnectionAsync(ValidatingConnectionEventArgs e)
    {
        if (e.ChannelAdapter is not ObservedChannel { ConnectPacket: { } connect } channel)
        {
            Refuse(e, MqttConnectReasonCode.ServerUnavailable, "connection not set up by the broker host", "internal");
            return;
        }

        if (string.IsNullOrEmpty(e.ClientId) && e.ProtocolVersion == MqttProtocolVersion.V500)
        {
            // Set before any refusal too: MQTTnet reports an empty v5 client id as 0x85, hiding the real reason.
            e.AssignedClientIdentifier = ClientIds.NewAssigned();
        }

        var validation = await tokens.ValidateAsync(e.Password).ConfigureAwait(false);
        if (validation.Principal is not { } principal)
        {
            Refuse(e, MqttConnectReasonCode.BadUserNameOrPassword, validation.Describe(), "token-" + validation.Problem.ToString().ToLowerInvariant());
            return;
        }

        var username = e.UserName;
        if (!string.IsNullOrEmpty(username) && username != principal.Subject)
        {
            if (!Ids.IsValid(username))
            {
                Refuse(e, MqttConnectReasonCode.BadUserNameOrPassword, "the username is not a valid device id", "invalid-username", principal);
                return;
            }

            if (!principal.MayActAsDevice(username))
            {
                Refuse(e, MqttConnectReasonCode.NotAuthorized, $"may not act as device '{username}'", "device-not-allowed", principal);
                return;
            }

            principal = principal with { ActingDevice = username };
        }

        if (connect.WillFlag && !AccessPolicy.IsAllowed(principal, AccessAction.Will, connect.WillTopic))
        {
            Refuse(e, MqttConnectReasonCode.NotAuthorized, $"may not set a will on '{connect.WillTopic}'", "will-not-allowed", principal);
            return;
        }

        var clientId = string.IsNullOrEmpty(e.ClientId) ? e.AssignedClientIdentifier : e.ClientId;
        if (string.IsNullOrEmpty(clientId))
        {
            // MQTT 3.1.1: an empty client id is only allowed with a clean session (ObservedChannel assigns one then).
            Refuse(e, MqttConnectReasonCode.ClientIdentifierNotValid, "an empty client id needs a clean session", "empty-client-id", principal);
            return;
        }

        clientId = ClientIds.Scope(principal.Tenant, clientId);
        var quota = new SessionQuota(_options.MaxSessionsPerPrincipal, _options.MaxSessionsPerTenant);
        switch (registry.TryClaim(clientId, principal.SessionOwnerKey, principal.Tenant, quota, SessionExists))
        {
            case ClaimResult.HeldByAnother:
                Refuse(e, MqttConnectReasonCode.NotAuthorized, "the client id belongs to another principal's session", "client-id-taken", principal);
                return;
            case ClaimResult.PrincipalQuotaExceeded:
                Refuse(e, MqttConnectReasonCode.QuotaExceeded, $"this principal holds {quota.PerPrincipal} sessions already", "sessions-per-principal", principal);
                return;
            case ClaimResult.TenantQuotaExceeded:
                Refuse(e, MqttConnectReasonCode.QuotaExceeded, $"the tenant holds {quota.PerTenant} sessions already", "sessions-per-tenant", principal);
                return;
        }

        connect.ClientId = clientId; // MQTTnet keys the session (and every later event) by this

        if (e.CleanSession != false)
        {
            router.Clear(clientId);
        }

        var maxExpiry = (uint)_options.MaxSessionExpirySeconds;
        var connection = new MqttConnection(clientId, principal, channel)
        {
            SessionExpiryRequested = connect.SessionExpiryInterval,
            SessionExpiryGranted = SessionExpiry.Granted(connect, e.ProtocolVersion, maxExpiry),
            SessionExpiryMax = maxExpiry,
        };
        if (e.ProtocolVersion == MqttProtocolVersion.V500)
        {
            connect.SessionExpiryInterval = connection.SessionExpiryGranted; // what MQTTnet's session keeps to
        }

        channel.Connection = connection;
        channel.BeforeEndReported = () => GiveWayToNewerConnectAsync(connection);
        registry.Accept(connection);
        await AfterPreviousCleanupAsync(connection).ConfigureAwait(false);
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
        connection.ScheduleExpiry(_time, OnTokenExpired);
        var p = connection.Principal;
        LogConnected(connection.ClientId, p.Tenant, p.Subject, p.Role, p.ActingDevice, e.ProtocolVersion.ToString(), e.RemoteEndPoint?.ToString());

        // Not awaited: MQTTnet reads the client's next packet (its SUBSCRIBE) only after this event, and the status write
        // waits for a database commit. The presence tracker queues it on the device's lock now, so the offline write
        // of this same connection still comes after it.
        _ = presence.OnlineAsync(connection).ContinueWith(
            t => LogPresenceNotWritten(t.Exception!, connection.ClientId), TaskContinuationOptions.OnlyOnFaulted);
        return Task.CompletedTask;
    }

    // MQTTnet deletes the clean session of a connection that ended by client id, and decides so before it deletes
    // (MqttClientSessionsManager: "if (!IsTakenOver) … DeleteSessionAsync(id)"). When the same client id connects again
    // in between (a reconnect right after DISCONNECT: a reloaded page, a restarted agent), the new session was deleted
    // and the new connection dropped. The two steps below keep the old connection's end and the new CONNECT apart: each
    // side first makes itself visible (the new one is accepted, the old one marks its reading ended), then looks at the
    // other, so at least one of them waits, and the new CONNECT gives way when both see each other.

    /// <summary>The new CONNECT: waits until MQTTnet is done with an older connection of its client id whose reading ended.</summary>
    async Task AfterPreviousCleanupAsync(MqttConnection connection)
    {
        Interlocked.MemoryBarrier(); // the accept above is visible before the look at the older connection
        if (registry.TryGetLive(connection.ClientId, out var previous) && previous.Channel.ReceiveEnded)
        {
            connection.Settle(); // the older connection must not wait for this one in turn
            await AtMostAsync(previous.Closed).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The older connection, once its reading ended: if a newer CONNECT of its client id is being set up, MQTTnet learns
    /// of the end only after that, so it sees the older connection as taken over and leaves the new session alone.
    /// </summary>
    async Task GiveWayToNewerConnectAsync(MqttConnection connection)
    {
        if (registry.TryGetAccepted(connection.ClientId, out var newer) && !ReferenceEquals(newer, connection))
        {
            await AtMostAsync(newer.Settled).ConfigureAwait(false);
        }
    }

    /// <summary>Waits for <paramref name="other"/> at most <see cref="PreviousCleanupWait"/>; running late is not an error here.</summary>
    static Task AtMostAsync(Task other) => other.WaitAsync(PreviousCleanupWait).ContinueWith(_ => { }, TaskScheduler.Default);

    /// <summary>Called by the host when a transport connection is over, whatever the cause.</summary>
    public async Task OnChannelClosedAsync(ObservedChannel channel)
    {
        if (channel.Connection is not { } connection)
        {
            return;
        }

        registry.Remove(connection);
        connection.MarkClosed();
        connection.Dispose();
        LogDisconnected(connection.ClientId, connection.Principal.Tenant, connection.Principal.Subject, connection.EndReason.ToContract());
        if (connection.EndReason != EndReason.TakenOver && connection.SessionExpiryAfterEnd > 0)
        {
            sessionExpiry.Schedule(connection.ClientId, connection.SessionExpiryAfterEnd, () => ExpireSessionAsync(connection.ClientId));
        }

        await presence.OfflineAsync(connection);
    }

    /// <summary>A kept session's time is up: deleted with its queue, unless its client is back.</summary>
    async Task ExpireSessionAsync(string clientId)
    {
        if (_server is not { } server || registry.TryGetLive(clientId, out _) || registry.TryGetAccepted(clientId, out _) ||
            await server.GetSessionAsync(clientId) is not { } session)
        {
            return;
        }

        await session.DeleteAsync();
        LogSessionExpired(clientId);
    }

    Task InterceptSubscriptionAsync(InterceptingSubscriptionEventArgs e)
    {
        var filter = e.TopicFilter.Topic;
        if (e.SessionItems[MqttConnection.SessionItemKey] is MqttConnection connection &&
            AccessPolicy.IsAllowed(connection.Principal, AccessAction.Subscribe, filter))
        {
            var granted = e.Response.ReasonCode switch
            {
                MqttSubscribeReasonCode.GrantedQoS0 => MqttQualityOfServiceLevel.AtMostOnce,
                MqttSubscribeReasonCode.GrantedQoS1 => MqttQualityOfServiceLevel.AtLeastOnce,
                _ => MqttQualityOfServiceLevel.ExactlyOnce,
            };
            var topicFilter = e.TopicFilter;
            var options = new SubscriptionOptions(granted, topicFilter.NoLocal, topicFilter.RetainAsPublished, connection.SubscriptionIdentifier);
            lock (_retainedOrder)
            {
                var added = router.Subscribe(e.ClientId, e.Session, filter, options, connection.Principal);
                if (topicFilter.RetainHandling == MqttRetainHandling.SendAtSubscribe ||
                    (topicFilter.RetainHandling == MqttRetainHandling.SendAtSubscribeIfNewSubscriptionOnly && added))
                {
                    foreach (var message in retained.Matching(filter).Where(m => AccessPolicy.MayReceive(connection.Principal, m.Topic)))
                    {
                        MessageRouter.DeliverRetained(e.Session, message, options);
                    }
                }
            }

            LogSubscribed(e.ClientId, filter);
            return Task.CompletedTask;
        }

        e.ProcessSubscription = false;
        e.Response.ReasonCode = MqttSubscribeReasonCode.NotAuthorized;
        e.ReasonString = "not authorized";
        LogSubscriptionRefused(e.ClientId, filter.TrimStart(MqttConnection.ForbiddenMark));
        return Task.CompletedTask;
    }

    async Task InterceptPublishAsync(InterceptingPublishEventArgs e)
    {
        if (_server is { } server && ReferenceEquals(e.SessionItems, server.ServerSessionItems))
        {
            Route(e); // Published by the server itself.
            return;
        }

        var topic = e.ApplicationMessage.Topic;
        if (e.SessionItems[MqttConnection.SessionItemKey] is MqttConnection connection)
        {
            // After the connection stopped reading, the only message MQTTnet still publishes for it is its will.
            var action = connection.Channel.ReceiveEnded ? AccessAction.Will : AccessAction.Publish;
            if (AccessPolicy.IsAllowed(connection.Principal, action, topic))
            {
                await OnAllowedPublishAsync(e, connection, action);
                if (e.ProcessPublish)
                {
                    Route(e);
                }

                return;
            }
        }

        e.ProcessPublish = false;
        e.Response.ReasonCode = MqttPubAckReasonCode.NotAuthorized;
        e.Response.ReasonString = "not authorized";
        LogPublishRefused(e.ClientId, topic);
    }

    /// <summary>
    /// Delivers an allowed publish through the subscription tree (MQTTnet's own dispatch, which checks every subscribed
    /// session, is turned off for it) and keeps it if retained.
    /// </summary>
    void Route(InterceptingPublishEventArgs e)
    {
        var message = e.ApplicationMessage;
        e.ProcessPublish = false;
        message.Retain &= TopicTable.KeepsRetained(message.Topic);
        int delivered;
        if (message.Retain)
        {
            lock (_retainedOrder)
            {
                retained.Set(message);
                SaveRetained(message);
                delivered = router.Route(message, e.ClientId);
            }
        }
        else
        {
            delivered = router.Route(message, e.ClientId);
        }

        if (delivered == 0 && e.Response.ReasonCode == MqttPubAckReasonCode.Success)
        {
            e.Response.ReasonCode = MqttPubAckReasonCode.NoMatchingSubscribers;
        }
    }

    /// <summary>The stored retained messages, less those on topics that keep none (stored by older versions): deleted.</summary>
    async Task<List<MqttApplicationMessage>> LoadRetainedAsync()
    {
        var stored = await store.LoadRetainedAsync();
        foreach (var planted in stored.Where(m => !TopicTable.KeepsRetained(m.Topic)))
        {
            await store.SaveRetainedAsync(new MqttApplicationMessage { Topic = planted.Topic, Retain = true });
            LogRetainedCleared(planted.Topic);
        }

        return stored.FindAll(m => TopicTable.KeepsRetained(m.Topic));
    }

    /// <summary>
    /// Queued, not awaited: one retained publish must not wait for a commit of its own; queued ones are committed
    /// together, in order. Whoever must know a retained message is durable (the layout-update route) flushes the store.
    /// </summary>
    void SaveRetained(MqttApplicationMessage message) =>
        store.SaveRetainedAsync(message).ContinueWith(
            t => LogRetainedNotSaved(t.Exception!, message.Topic), TaskContinuationOptions.OnlyOnFaulted);

    async Task OnAllowedPublishAsync(InterceptingPublishEventArgs e, MqttConnection connection, AccessAction action)
    {
        if (connection.DeviceKey is not { } device)
        {
            return;
        }

        var message = e.ApplicationMessage;
        if (action == AccessAction.Will && message.Topic == Topics.DeviceStatus(device.Tenant, device.Device))
        {
            if (presence.HasNewerConnection(connection))
            {
                e.ProcessPublish = false; // the device is already back: its old will must not say otherwise
                return;
            }

            // Delivered as sent, but not kept: the server's offline envelope, published next, is the retained status.
            message.Retain = false;
        }
        else if (message.Topic == Topics.DeviceAck(device.Tenant, device.Device))
        {
            await acks.RecordAsync(device.Tenant, device.Device, message.Payload);
        }
    }

    /// <summary>A device's session acknowledged (QoS 1) a layout: that update is delivered to it.</summary>
    Task OnAcknowledgedAsync(ClientAcknowledgedPublishPacketEventArgs e)
    {
        var topic = e.PublishPacket.Topic;
        if (!e.IsCompleted || !topic.EndsWith("/layout", StringComparison.Ordinal) ||
            e.SessionItems[MqttConnection.SessionItemKey] is not MqttConnection { DeviceKey: { } device } ||
            topic != Topics.DeviceLayout(device.Tenant, device.Device))
        {
            return Task.CompletedTask;
        }

        return acks.RecordDeliveredAsync(device.Tenant, device.Device, e.PublishPacket.Payload);
    }

    Task OnSessionDeletedAsync(SessionDeletedEventArgs e)
    {
        if (e.SessionItems?[MqttConnection.SessionItemKey] is MqttConnection connection)
        {
            registry.Release(e.Id, connection.Principal.SessionOwnerKey);
        }

        router.Clear(e.Id, e.SessionItems);

        return Task.CompletedTask;
    }

    void OnTokenExpired(MqttConnection connection)
    {
        if (!registry.IsLive(connection) || _server is not { } server)
        {
            return;
        }

        connection.EndBy(EndReason.TokenExpired);
        _ = server.DisconnectClientAsync(connection.ClientId, MqttDisconnectReasonCode.MaximumConnectTime);
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

    void Refuse(ValidatingConnectionEventArgs e, MqttConnectReasonCode code, string reason, string metricReason, Principal? principal = null)
    {
        e.ReasonCode = code;
        e.ReasonString = reason;
        metrics.ConnectRefused(metricReason);
        LogRefused(string.IsNullOrEmpty(e.ClientId) ? e.AssignedClientIdentifier : e.ClientId, principal?.Tenant, principal?.Subject, (int)code, reason, e.RemoteEndPoint?.ToString());
    }

    [LoggerMessage(LogLevel.Information, "MQTT connected {ClientId} tenant={Tenant} sub={Subject} role={Role} device={Device} protocol={Protocol} from {Endpoint}")]
    partial void LogConnected(string clientId, string tenant, string subject, Role role, string? device, string protocol, string? endpoint);

    [LoggerMessage(LogLevel.Information, "MQTT disconnected {ClientId} tenant={Tenant} sub={Subject} reason={Reason}")]
    partial void LogDisconnected(string clientId, string tenant, string subject, string reason);

    [LoggerMessage(LogLevel.Warning, "MQTT connect refused {ClientId} tenant={Tenant} sub={Subject} code=0x{Code:X2}: {Reason} from {Endpoint}")]
    partial void LogRefused(string clientId, string? tenant, string? subject, int code, string reason, string? endpoint);

    [LoggerMessage(LogLevel.Information, "MQTT subscribed {ClientId} {Filter}")]
    partial void LogSubscribed(string clientId, string filter);

    [LoggerMessage(LogLevel.Warning, "MQTT subscription refused {ClientId} {Filter}")]
    partial void LogSubscriptionRefused(string clientId, string filter);

    [LoggerMessage(LogLevel.Error, "Retained message of {Topic} could not be stored")]
    partial void LogRetainedNotSaved(Exception error, string topic);

    [LoggerMessage(LogLevel.Warning, "Retained message of {Topic} deleted: the topic keeps no retained message")]
    partial void LogRetainedCleared(string topic);

    [LoggerMessage(LogLevel.Error, "Online status of {ClientId} could not be written")]
    partial void LogPresenceNotWritten(Exception error, string clientId);

    [LoggerMessage(LogLevel.Warning, "MQTT queue of {ClientId} is full: its oldest message was dropped ({Held} more dropped in the last 10 s, counted in cw_mqtt_messages_dropped)")]
    partial void LogDropped(string clientId, long held);

    [LoggerMessage(LogLevel.Information, "MQTT session {ClientId} expired")]
    partial void LogSessionExpired(string clientId);

    [LoggerMessage(LogLevel.Warning, "MQTT publish refused {ClientId} {Topic}")]
    partial void LogPublishRefused(string clientId, string topic);
}
