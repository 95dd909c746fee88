using CreatiWall.Broker.Mqtt.Rules;

namespace CreatiWall.Broker.Mqtt;

/// <summary>A client connected on another node of the cluster, as the directory knows it.</summary>
internal sealed record RemoteClient(string ClientId, string Node, string Holder, string Tenant, string Subject, string Role, string? Device);

/// <summary>
/// Who holds each client id across a cluster. A single node has nobody else to ask: the connection registry decides
/// alone. In cluster mode the directory refuses a client id that another identity holds on a live node, takes it over
/// for the same identity (the other node ends its connection: DISCONNECT 0x8E), and ends clients on other nodes.
/// </summary>
internal interface ISessionDirectory
{
    /// <summary>This node's name (<c>Cluster:NodeId</c>); a connection's <see cref="MqttConnection.Holder"/> starts with it.</summary>
    string NodeId { get; }

    /// <summary>
    /// Claims the connection's client id (and the device it acts as) across the cluster once this node accepted it; a
    /// refusal when another identity holds the client id on a live node. The will is kept for the node's survivors.
    /// </summary>
    Task<ConnectDecision.Refuse?> ClaimAsync(MqttConnection connection, ObservedChannel channel);

    /// <summary>
    /// The connection is over: what it held and no newer connection took is released; with <paramref name="keepClaim"/> (its
    /// session is kept) the client id stays claimed until the session is deleted or its node is lost.
    /// </summary>
    Task ReleaseAsync(MqttConnection connection, bool keepClaim);

    /// <summary>The client connected elsewhere in the cluster under <paramref name="clientId"/> (a scoped id), if any.</summary>
    Task<RemoteClient?> FindAsync(string clientId);

    /// <summary>Asks the node holding <paramref name="client"/> to end it.</summary>
    Task EndAsync(RemoteClient client, EndReason reason);
}

/// <summary>A single node: every client is local.</summary>
internal sealed class LocalSessions : ISessionDirectory
{
    public string NodeId => "local";

    public Task<ConnectDecision.Refuse?> ClaimAsync(MqttConnection connection, ObservedChannel channel) => Task.FromResult<ConnectDecision.Refuse?>(null);

    public Task ReleaseAsync(MqttConnection connection, bool keepClaim) => Task.CompletedTask;

    public Task<RemoteClient?> FindAsync(string clientId) => Task.FromResult<RemoteClient?>(null);

    public Task EndAsync(RemoteClient client, EndReason reason) => Task.CompletedTask;
}
