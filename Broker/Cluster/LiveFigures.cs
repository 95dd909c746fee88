using CreatiWall.Broker.Identity;
using CreatiWall.Broker.Mqtt;
using CreatiWall.Broker.Mqtt.Routing;

namespace CreatiWall.Broker.Cluster;

/// <summary>One node's live figures for one tenant (or all): connections, subscribers per channel, people connected.</summary>
public sealed record LiveFigures(int Connections, Dictionary<string, int> Channels, Dictionary<string, int> Users)
{
    public static LiveFigures Empty => new(0, new(StringComparer.Ordinal), new(StringComparer.Ordinal));

    internal static LiveFigures Of(IEnumerable<MqttConnection> connections, MessageRouter router)
    {
        var figures = Empty;
        var count = 0;
        foreach (var connection in connections)
        {
            count++;
            foreach (var channel in router.FiltersOf(connection.ClientId).Select(global::CreatiWall.Contracts.Channels.OfFilter).Distinct())
            {
                figures.Channels[channel] = figures.Channels.GetValueOrDefault(channel) + 1;
            }

            // People (browsers, dashboards): connections of users and admins that do not act as a device.
            if (connection.Principal is { Role: Role.User or Role.Admin, ActingDevice: null, Subject: var user })
            {
                figures.Users[user] = figures.Users.GetValueOrDefault(user) + 1;
            }
        }

        return figures with { Connections = count };
    }

    /// <summary>The figures of several nodes (or tenants) added up.</summary>
    public static LiveFigures Sum(IEnumerable<LiveFigures> parts)
    {
        var total = Empty;
        var count = 0;
        foreach (var part in parts)
        {
            count += part.Connections;
            Add(total.Channels, part.Channels);
            Add(total.Users, part.Users);
        }

        return total with { Connections = count };
    }

    static void Add(Dictionary<string, int> into, Dictionary<string, int> from)
    {
        foreach (var (key, value) in from)
        {
            into[key] = into.GetValueOrDefault(key) + value;
        }
    }
}

/// <summary>A node of the cluster as <c>GET /api/websocket/status</c> lists it (connections of the caller's tenant).</summary>
public sealed record NodeStatus(string NodeId, int Connections, DateTimeOffset StartedAt, DateTimeOffset LastSeen);

/// <summary>What the other nodes of a cluster have live; a single node has no others.</summary>
internal interface IClusterView
{
    /// <summary>Every live node but this one, with its figures for <paramref name="tenant"/> (null: all tenants).</summary>
    Task<IReadOnlyList<(NodeStatus Node, LiveFigures Figures)>> OtherNodesAsync(string? tenant);
}

internal sealed class SingleNodeView : IClusterView
{
    public Task<IReadOnlyList<(NodeStatus Node, LiveFigures Figures)>> OtherNodesAsync(string? tenant) =>
        Task.FromResult<IReadOnlyList<(NodeStatus, LiveFigures)>>([]);
}
