using CreatiWall.Broker.Access;
using CreatiWall.Broker.Metrics;
using CreatiWall.Broker.Mqtt.Routing;
using CreatiWall.Broker.Mqtt.Rules;
using MQTTnet.Protocol;
using MQTTnet.Server;

namespace CreatiWall.Broker.Mqtt;

/// <summary>Subscriptions and publishes: the rules' decisions, routing through the subscription tree, retained messages.</summary>
internal sealed partial class MqttEventAdapter
{
    /// <summary>
    /// Taken by a retained publish (keep, then deliver) and by a subscription's retained snapshot (register, look up,
    /// queue), so a new subscriber never gets an older retained message after a newer live one.
    /// </summary>
    readonly Lock _retainedOrder = new();

    async Task InterceptSubscriptionAsync(InterceptingSubscriptionEventArgs e)
    {
        var filter = e.TopicFilter.Topic;
        if (FilterRefusal(filter) is { } invalid)
        {
            RefuseSubscription(e, invalid); // too long or too deep, before the access rules walk it
            return;
        }

        var connection = e.SessionItems[MqttConnection.SessionItemKey] as MqttConnection;
        var decision = connection is null ? SubscribeDecision.Refused : SubscribeRules.Decide(connection.Principal, filter, e.Response.ReasonCode);
        if (decision.Granted && QuotaRefusal(e.ClientId, filter) is { } quota)
        {
            RefuseSubscription(e, quota);
            return;
        }

        if (!decision.Granted)
        {
            e.ProcessSubscription = false;
            e.Response.ReasonCode = MqttSubscribeReasonCode.NotAuthorized;
            e.ReasonString = "not authorized";
            counters.SubscriptionRefused("not-authorized");
            if (_refusalLog.TryEnter("subscription-refused", out var held))
            {
                LogSubscriptionRefused(LogText.Safe(e.ClientId), LogText.Safe(filter.TrimStart(MqttConnection.ForbiddenMark)), held);
            }

            return;
        }

        var topicFilter = e.TopicFilter;
        var options = new SubscriptionOptions(decision.Qos, topicFilter.NoLocal, topicFilter.RetainAsPublished, connection!.SubscriptionIdentifier);
        bool sendRetained;
        lock (_retainedOrder)
        {
            var added = router.Subscribe(e.ClientId, e.Session, filter, options, connection.Principal);
            sendRetained = topicFilter.RetainHandling == MqttRetainHandling.SendAtSubscribe ||
                (topicFilter.RetainHandling == MqttRetainHandling.SendAtSubscribeIfNewSubscriptionOnly && added);
            if (sendRetained)
            {
                foreach (var message in retained.Matching(filter).Where(m => AccessPolicy.MayReceive(connection.Principal, m.Topic)))
                {
                    SessionDelivery.DeliverRetained(e.Session, message, options);
                }
            }
        }

        await relay.ListeningAsync(filter); // cluster: the SUBACK waits until other nodes' messages arrive here

        if (sendRetained && retained.ReadsThrough)
        {
            // Cluster mode: read from the store once the subscription is in place, so none published meanwhile is missed.
            foreach (var message in (await retained.LookupAsync(filter)).Where(m => AccessPolicy.MayReceive(connection.Principal, m.Topic)))
            {
                SessionDelivery.DeliverRetained(e.Session, message, options);
            }
        }

        LogSubscribed(LogText.Safe(e.ClientId), LogText.Safe(filter));
    }

    Task InterceptPublishAsync(InterceptingPublishEventArgs e)
    {
        var message = e.ApplicationMessage;
        if (_server is { } server && ReferenceEquals(e.SessionItems, server.ServerSessionItems))
        {
            message.Retain &= TopicTable.KeepsRetained(message.Topic);
            Route(e); // published by the server itself
            return Task.CompletedTask;
        }

        var connection = e.SessionItems[MqttConnection.SessionItemKey] as MqttConnection;
        if (connection is not null && RefusedByLimits(e, connection))
        {
            return Task.CompletedTask;
        }

        var decision = connection is not null
            ? PublishRules.Decide(new PublishRequest(connection.Principal, message.Topic, message.Retain,
                IsWill: connection.Channel.ReceiveEnded, DeviceHasNewerConnection: connection.Superseded || registry.HasNewerDeviceConnection(connection)))
            : new PublishDecision(PublishVerdict.Refuse);
        switch (decision.Verdict)
        {
            case PublishVerdict.Deliver:
                message.Retain = decision.Retain;
                Route(e);
                if (decision.IsLayoutAck && connection!.DeviceKey is { } device)
                {
                    devices.AckPublished(device.Tenant, device.Device, message.Payload);
                }

                break;
            case PublishVerdict.Drop:
                e.ProcessPublish = false; // the device is already back: its old will must not say otherwise
                break;
            default:
                e.ProcessPublish = false;
                e.Response.ReasonCode = MqttPubAckReasonCode.NotAuthorized;
                e.Response.ReasonString = "not authorized";
                counters.PublishRefused("not-authorized");
                if (_refusalLog.TryEnter("publish-refused", out var held))
                {
                    LogPublishRefused(LogText.Safe(e.ClientId), LogText.Safe(message.Topic), held);
                }

                break;
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// Delivers an allowed publish through the subscription tree (MQTTnet's own dispatch, which checks every subscribed
    /// session, is turned off for it) and keeps it if retained.
    /// </summary>
    void Route(InterceptingPublishEventArgs e)
    {
        var message = e.ApplicationMessage;
        e.ProcessPublish = false;
        int delivered;
        if (message.Retain)
        {
            lock (_retainedOrder)
            {
                retained.Keep(message);
                delivered = router.Route(message, e.ClientId);
            }
        }
        else
        {
            delivered = router.Route(message, e.ClientId);
        }

        var elsewhere = relay.Relay(message, e.ClientId);
        if (delivered == 0 && !elsewhere && e.Response.ReasonCode == MqttPubAckReasonCode.Success)
        {
            e.Response.ReasonCode = MqttPubAckReasonCode.NoMatchingSubscribers;
        }
    }

    /// <summary>A device's session acknowledged (QoS 1) a message on its layout topic.</summary>
    Task OnAcknowledgedAsync(ClientAcknowledgedPublishPacketEventArgs e)
    {
        if (e.IsCompleted && e.SessionItems[MqttConnection.SessionItemKey] is MqttConnection { DeviceKey: { } device } &&
            e.PublishPacket.Topic == Topics.DeviceLayout(device.Tenant, device.Device))
        {
            devices.LayoutDelivered(device.Tenant, device.Device, e.PublishPacket.Payload);
        }

        return Task.CompletedTask;
    }
}
