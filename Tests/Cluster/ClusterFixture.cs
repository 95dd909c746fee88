using CreatiWall.Tests.Support;

namespace CreatiWall.Tests.Cluster;

/// <summary>One node of a test cluster: the real host in cluster mode, named <c>node-N</c>.</summary>
public sealed class ClusterNodeHost(RedisServer redis, string nodeId, IDictionary<string, string?>? extra = null) : BrokerHost
{
    public string NodeId { get; } = nodeId;

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>(extra ?? new Dictionary<string, string?>())
    {
        ["Redis__ConnectionString"] = redis.ConnectionString,
        ["Cluster__NodeId"] = NodeId,
        ["Cluster__HeartbeatSeconds"] = "1",
        ["Cluster__NodeTimeoutSeconds"] = "4",
        ["Mqtt__SysIntervalSeconds"] = "1",
    };
}

/// <summary>
/// A real redis-server (AOF on) and three nodes on free loopback ports, shared by one test class. Tests use a new tenant
/// each, so they never see each other's messages.
/// </summary>
public class ClusterFixture : IAsyncLifetime
{
    public RedisServer Redis { get; } = new();

    public ClusterNodeHost[] Nodes { get; private set; } = [];

    public ClusterNodeHost A => Nodes[0];
    public ClusterNodeHost B => Nodes[1];
    public ClusterNodeHost C => Nodes[2];

    protected virtual int NodeCount => 3;

    public async Task InitializeAsync()
    {
        await Redis.InitializeAsync();
        Nodes = [.. Enumerable.Range(1, NodeCount).Select(i => new ClusterNodeHost(Redis, $"node-{i}"))];
        await Task.WhenAll(Nodes.Select(n => n.InitializeAsync()));
    }

    public async Task DisposeAsync()
    {
        await Task.WhenAll(Nodes.Select(n => n.DisposeAsync()));
        await Redis.DisposeAsync();
    }
}

/// <summary>The test classes that share one three-node cluster (run one after another).</summary>
[CollectionDefinition(Name)]
public sealed class SharedCluster : ICollectionFixture<ClusterFixture>
{
    public const string Name = "shared cluster";
}
