using System.ComponentModel.DataAnnotations;

namespace CreatiWall.Broker.Cluster;

/// <summary>Configuration section <c>Cluster</c> (used when <c>Redis:ConnectionString</c> is set).</summary>
public sealed class ClusterOptions
{
    public const string Section = "Cluster";

    /// <summary>This node's name in the cluster; default: the host name and the MQTT TCP port (<c>web-1:1883</c>).</summary>
    [RegularExpression("^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$", ErrorMessage = "Cluster:NodeId must be a name of letters, digits, '.', '_', ':' or '-'.")]
    public string? NodeId { get; set; }

    /// <summary>How often a node tells the others it is alive (and refreshes its figures).</summary>
    [Range(1, 60)]
    public int HeartbeatSeconds { get; set; } = 2;

    /// <summary>A node silent for this long is taken for dead: its devices go offline (<c>node-lost</c>), its clients' wills are published.</summary>
    [Range(3, 300)]
    public int NodeTimeoutSeconds { get; set; } = 10;
}
