namespace CreatiWall.Broker.Cluster;

/// <summary>This node: its name in the cluster and when it started.</summary>
internal sealed class ClusterNode(string id, DateTimeOffset startedAt)
{
    public string Id { get; } = id;

    public DateTimeOffset StartedAt { get; } = startedAt;
}
