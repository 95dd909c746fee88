using CreatiWall.Broker.Identity;
using MQTTnet.Server;

namespace CreatiWall.Broker.Mqtt.Routing;

/// <summary>One session's subscriptions (MQTTnet does not expose them).</summary>
internal sealed class Subscriber(string clientId, MqttSessionStatus session, Principal? principal)
{
    public string ClientId { get; } = clientId;
    public MqttSessionStatus Session { get; } = session;

    /// <summary>Who holds the session; null for sessions the broker sets up itself.</summary>
    public Principal? Principal { get; } = principal;
    internal Dictionary<string, SubscriptionOptions> Filters { get; } = new(StringComparer.Ordinal);

    internal bool Is(MqttSessionStatus session) => ReferenceEquals(Session.Items, session.Items);
}
