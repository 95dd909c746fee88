using CreatiWall.Broker.Identity;
using CreatiWall.Broker.Metrics;
using CreatiWall.Broker.Mqtt.Limits;
using CreatiWall.Broker.Mqtt.Routing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MQTTnet.Server;

namespace CreatiWall.Broker.Mqtt;

/// <summary>
/// Applies the broker's rules (<see cref="Rules"/>) to MQTTnet's events: it reads what the rules need from each event,
/// asks them, and writes their decision back. Attached where the server is built (<see cref="BrokerServer.Create"/>), so
/// no server runs without its rules. Knows nothing of the transport or of HTTP.
/// </summary>
internal sealed partial class MqttEventAdapter(
    TokenValidator tokens,
    ConnectionRegistry registry,
    SessionClaims claims,
    AddressLimits addresses,
    TenantConnections tenantConnections,
    MessageRouter router,
    RetainedMessages retained,
    IConnectionObserver presence,
    IDeviceTrafficObserver devices,
    IMessageRelay relay,
    ISessionDirectory directory,
    SessionExpiry sessionExpiry,
    Handover handover,
    MqttCounters counters,
    TrafficCounters traffic,
    BrokerLifecycle lifecycle,
    IOptions<MqttOptions> options,
    ILogger<MqttEventAdapter> logger,
    TimeProvider time)
{
    readonly MqttOptions _options = options.Value;
    readonly PublishLimits _publishLimits = PublishLimits.Of(options.Value);
    readonly LogThrottle _dropLog = new(TimeSpan.FromSeconds(10), time);
    readonly LogThrottle _refusalLog = new(TimeSpan.FromSeconds(10), time); // refused publishes and subscriptions: a client repeats them at will
    MqttServer? _server;

    internal void Attach(MqttServer server)
    {
        _server = server;
        server.ValidatingConnectionAsync += ValidateConnectionAsync;
        server.ClientConnectedAsync += OnConnectedAsync;
        server.InterceptingSubscriptionAsync += InterceptSubscriptionAsync;
        server.InterceptingPublishAsync += InterceptPublishAsync;
        server.ClientAcknowledgedPublishPacketAsync += OnAcknowledgedAsync;
        server.SessionDeletedAsync += OnSessionDeletedAsync;
        server.ClientUnsubscribedTopicAsync += e =>
        {
            router.Unsubscribe(e.ClientId, e.TopicFilter);
            return Task.CompletedTask;
        };

        // Retained messages are kept and delivered by the broker (RetainedMessages), not by MQTTnet, whose list stays empty.
        server.LoadingRetainedMessageAsync += async _ => await retained.LoadAsync();
        server.StartedAsync += async _ =>
        {
            lifecycle.MarkStarted();
            await presence.StartedAsync();
        };
        server.QueuedApplicationMessageOverwrittenAsync += OnQueueOverflowAsync;
    }

    /// <summary>
    /// Ends a live connection for <paramref name="reason"/> (MQTT 5: DISCONNECT with the matching code); false when it is
    /// no longer the live connection of its client id.
    /// </summary>
    public async Task<bool> EndAsync(MqttConnection connection, EndReason reason)
    {
        if (!registry.IsLive(connection) || _server is not { } server)
        {
            return false;
        }

        connection.EndBy(reason);
        await server.DisconnectClientAsync(connection.ClientId, reason.DisconnectCode());
        return true;
    }
}
