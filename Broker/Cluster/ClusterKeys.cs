using StackExchange.Redis;

namespace CreatiWall.Broker.Cluster;

/// <summary>
/// The cluster's own keys in Redis (beside the store's, <see cref="Storage.Redis.RedisKeys"/>): who holds each client id
/// (in the tenant's slot), and per node its heartbeat, what it holds, its live figures and its command channel.
/// </summary>
internal static class ClusterKeys
{
    /// <summary>Hash: node id → <see cref="NodeBeat"/> JSON, for every node that has not been swept.</summary>
    public const string Nodes = "cw:nodes";

    /// <summary>Hash of a client id held in the cluster: <c>n</c> node, <c>h</c> holder, <c>o</c> owner key, <c>s</c>/<c>r</c>/<c>d</c> subject, role, device.</summary>
    public static string Client(string tenant, string clientId) => "cw:{" + tenant + "}:client:" + clientId;

    /// <summary>String with a time to live: the node is alive while it exists.</summary>
    public static string Alive(string node) => Node(node) + "alive";

    /// <summary>Hash: holder → <see cref="HeldClient"/> JSON, each connection the node holds (for its survivors).</summary>
    public static string Held(string node) => Node(node) + "held";

    /// <summary>Hash: tenant → that tenant's live figures on the node (<see cref="LiveFigures"/> JSON).</summary>
    public static string Live(string node) => Node(node) + "live";

    /// <summary>String set by the one survivor that sweeps a dead node.</summary>
    public static string Sweep(string node) => Node(node) + "sweep";

    /// <summary>Pub/sub channel on which a node takes requests of the others (end a connection, a device held elsewhere now).</summary>
    public static RedisChannel Commands(string node) => RedisChannel.Literal(Node(node) + "commands");

    /// <summary>The node of a holder (<c>node|id</c>).</summary>
    public static string NodeOf(string holder) => holder[..Math.Max(0, holder.LastIndexOf('|'))];

    // The hash tag keeps a node's keys in one slot of a Redis Cluster.
    static string Node(string node) => "cw:node:{" + node + "}:";
}
