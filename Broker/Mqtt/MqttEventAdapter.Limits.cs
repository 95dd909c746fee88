using CreatiWall.Broker.Identity;
using CreatiWall.Broker.Metrics;
using CreatiWall.Broker.Mqtt.Limits;
using CreatiWall.Broker.Mqtt.Rules;
using MQTTnet.Protocol;
using MQTTnet.Server;

namespace CreatiWall.Broker.Mqtt;

/// <summary>
/// The limits of <see cref="MqttOptions"/> applied to MQTTnet's events: per remote address (CONNECT rate, bans after failed
/// authentications), per tenant (live connections), per client (publish rate and bytes, subscriptions, topic size, a queue
/// that overflows). Each hit is counted (<c>cw_mqtt_limits_hit_total</c>) and logged at most once per 10 s per kind.
/// </summary>
internal sealed partial class MqttEventAdapter
{
    readonly LogThrottle _limitLog = new(TimeSpan.FromSeconds(10), time);

    /// <summary>A CONNECT from a banned address, or one over its address's rate: refused before its token is read.</summary>
    ConnectDecision.Refuse? AddressRefusal(ValidatingConnectionEventArgs e) =>
        AddressLimits.KeyOf(e.RemoteEndPoint) is { } address ? ConnectRules.Refusal(addresses.Attempt(address), address, _options) : null;

    /// <summary>A CONNECT refused for its credentials: counted against its address, which may be banned now.</summary>
    void AuthenticationFailed(ValidatingConnectionEventArgs e)
    {
        if (AddressLimits.KeyOf(e.RemoteEndPoint) is { } address && addresses.AuthFailed(address))
        {
            counters.LimitHit("auth-ban");
            if (_limitLog.TryEnter("auth-ban", out var held))
            {
                LogBanned(address, _options.AuthFailuresPerAddress, _options.AuthFailureWindowSeconds, _options.AuthBanSeconds, held);
            }
        }
    }

    void LimitRefused(ValidatingConnectionEventArgs e, ConnectDecision.Refuse refusal)
    {
        counters.LimitHit(refusal.Metric);
        if (_limitLog.TryEnter("connect-" + refusal.Metric, out var held))
        {
            LogRefusedByLimit(LogText.Safe(string.IsNullOrEmpty(e.ClientId) ? e.AssignedClientIdentifier : e.ClientId), refusal.Principal?.Tenant,
                (int)refusal.Code, refusal.Reason, e.RemoteEndPoint?.ToString(), held);
        }
    }

    /// <summary>
    /// Counts the connection against its tenant's live connections, or refuses it at the cap, unless it takes over a live
    /// connection of its own session (a screen back before its old connection was noticed gone).
    /// </summary>
    ConnectDecision.Refuse? OpenTenantConnection(Principal principal, string clientId)
    {
        var replacing = registry.TryGetLive(clientId, out var live) && live.Principal.SessionOwnerKey == principal.SessionOwnerKey;
        return tenantConnections.TryOpen(principal.Tenant, _options.MaxConnectionsPerTenant, replacing)
            ? null
            : ConnectRules.TenantFull(_options.MaxConnectionsPerTenant, principal);
    }

    /// <summary>
    /// A client's PUBLISH over its rate (messages or bytes per second) or with a topic over the size limits: refused here
    /// (true), else left to the access rules. Wills are the broker's to publish and are not limited.
    /// </summary>
    bool RefusedByLimits(InterceptingPublishEventArgs e, MqttConnection connection)
    {
        if (connection.Channel.ReceiveEnded)
        {
            return false;
        }

        var message = e.ApplicationMessage;
        var rate = connection.Limited ? PublishRate.TooManyMessages : connection.Publishes?.Take(message.Payload.Length) ?? PublishRate.Within;
        if (rate != PublishRate.Within)
        {
            PublishOverRate(e, connection, rate == PublishRate.TooManyMessages ? "publish-rate" : "publish-bytes");
            return true;
        }

        var topic = TopicLimits.Check(message.Topic, _options.MaxTopicLength, _options.MaxTopicLevels);
        if (topic == TopicProblem.None)
        {
            return false;
        }

        e.ProcessPublish = false;
        e.Response.ReasonCode = MqttPubAckReasonCode.TopicNameInvalid;
        e.Response.ReasonString = topic.Describe(_options.MaxTopicLength, _options.MaxTopicLevels);
        counters.PublishRefused(topic.Metric());
        counters.LimitHit(topic.Metric());
        if (_limitLog.TryEnter("publish-" + topic.Metric(), out var held))
        {
            LogPublishOverLimit(LogText.Safe(e.ClientId), LogText.Safe(message.Topic), e.Response.ReasonString, held);
        }

        return true;
    }

    /// <summary>Over the publish rate: dropped (MQTT 5 QoS 1: PUBACK 0x97) and, by configuration, the connection ended (0x96).</summary>
    void PublishOverRate(InterceptingPublishEventArgs e, MqttConnection connection, string metric)
    {
        e.ProcessPublish = false;
        e.Response.ReasonCode = MqttPubAckReasonCode.QuotaExceeded;
        e.Response.ReasonString = "publish rate too high";
        if (connection.Limited)
        {
            return; // already being disconnected: the rest of what it sent meanwhile goes too, uncounted
        }

        counters.LimitHit(metric);
        var disconnect = _options.PublishLimitAction == PublishLimitAction.Disconnect && connection.TryMarkLimited();
        if (_limitLog.TryEnter(metric, out var held))
        {
            LogPublishRate(LogText.Safe(e.ClientId), metric, disconnect ? "disconnected (0x96)" : "dropped", held);
        }

        if (disconnect)
        {
            _ = Task.Run(() => EndAsync(connection, EndReason.MessageRate)); // not on the client's own packet loop
        }
    }

    /// <summary>Why a filter is refused before the access rules (too long, too many levels), or null.</summary>
    (MqttSubscribeReasonCode Code, string Reason, string Metric)? FilterRefusal(string filter)
    {
        var problem = TopicLimits.Check(filter.TrimStart(MqttConnection.ForbiddenMark), _options.MaxTopicLength, _options.MaxTopicLevels);
        return problem == TopicProblem.None
            ? null
            : (MqttSubscribeReasonCode.TopicFilterInvalid, problem.Describe(_options.MaxTopicLength, _options.MaxTopicLevels), problem.Metric());
    }

    /// <summary>An allowed filter the session does not hold yet, with <c>Mqtt:MaxSubscriptionsPerClient</c> held already.</summary>
    (MqttSubscribeReasonCode Code, string Reason, string Metric)? QuotaRefusal(string clientId, string filter)
    {
        var held = router.FiltersOf(clientId); // a copy, of at most the limit: subscribing is rare beside publishing
        return held.Count >= _options.MaxSubscriptionsPerClient && !held.Contains(filter)
            ? (MqttSubscribeReasonCode.QuotaExceeded, $"this session holds {_options.MaxSubscriptionsPerClient} subscriptions already", "subscriptions")
            : null;
    }

    void RefuseSubscription(InterceptingSubscriptionEventArgs e, (MqttSubscribeReasonCode Code, string Reason, string Metric) refusal)
    {
        e.ProcessSubscription = false;
        e.Response.ReasonCode = refusal.Code;
        e.ReasonString = refusal.Reason;
        counters.SubscriptionRefused(refusal.Metric);
        counters.LimitHit(refusal.Metric);
        if (_limitLog.TryEnter("subscribe-" + refusal.Metric, out var held))
        {
            LogSubscriptionOverLimit(LogText.Safe(e.ClientId), LogText.Safe(e.TopicFilter.Topic.TrimStart(MqttConnection.ForbiddenMark)), refusal.Reason, held);
        }
    }

    /// <summary>
    /// A session's queue overflowed (MQTTnet dropped its oldest message). With <c>Mqtt:DisconnectSlowConsumers</c> a
    /// connected client is told (MQTT 5: DISCONNECT 0x97) and disconnected rather than left to lose messages unaware;
    /// kept sessions, and every client without the setting, drop and count.
    /// </summary>
    Task OnQueueOverflowAsync(QueueMessageOverwrittenEventArgs e)
    {
        traffic.MessageDropped();
        if (_options.DisconnectSlowConsumers && registry.TryGetLive(e.ReceiverClientId, out var connection) && connection.TryMarkLimited())
        {
            counters.LimitHit("slow-consumer");
            if (_limitLog.TryEnter("slow-consumer", out var slow))
            {
                LogSlowConsumer(LogText.Safe(e.ReceiverClientId), _options.MaxPendingMessagesPerClient, slow);
            }

            _ = Task.Run(() => EndAsync(connection, EndReason.SlowConsumer)); // not on the publisher's packet loop
        }
        else if (_dropLog.TryEnter("queue-full", out var held))
        {
            LogDropped(LogText.Safe(e.ReceiverClientId), held);
        }

        return Task.CompletedTask;
    }
}
