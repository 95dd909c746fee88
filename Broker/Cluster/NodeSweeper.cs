using System.Text.Json;
using CreatiWall.Broker.Presence;
using CreatiWall.Broker.Publishing;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace CreatiWall.Broker.Cluster;

/// <summary>
/// Cleans up after a node that stopped without ending its connections (kill -9, machine loss): for each connection it
/// held, the client's will is published (when the client has not connected again elsewhere: its last word is not
/// lost), its device goes offline with reason <c>node-lost</c> (unless it came back), and its client id is released.
/// </summary>
internal sealed partial class NodeSweeper(IConnectionMultiplexer redis, PresenceTracker presence, ServerPublisher publisher, ILogger<NodeSweeper> logger)
{
    /// <summary>
    /// Sweeps what <paramref name="node"/> held, except holders <paramref name="keep"/> says are still live; its devices go
    /// offline with <paramref name="reason"/> (<c>node-lost</c> by default).
    /// </summary>
    public async Task SweepAsync(string node, Func<string, bool> keep, string reason = PresenceStatus.NodeLost)
    {
        var db = redis.GetDatabase();
        var swept = 0;
        foreach (var entry in await db.HashGetAllAsync(ClusterKeys.Held(node)))
        {
            var holder = entry.Name.ToString();
            if (keep(holder) || JsonSerializer.Deserialize<HeldClient>((byte[])entry.Value!) is not { } held)
            {
                continue;
            }

            var stillHeld = (int)await db.ScriptEvaluateAsync(ClusterSessions.ReleaseScript, [ClusterKeys.Client(held.Tenant, held.ClientId)], [holder]) == 1;
            if (stillHeld && held.Will is { } bytes && BusMessage.Read(bytes) is var (_, sender, will))
            {
                // As on the node itself: a device's will on its status topic is delivered, not kept (the offline envelope is).
                will.Retain &= held.Device is null || will.Topic != Topics.DeviceStatus(held.Tenant, held.Device);
                await publisher.InjectAsync(will, sender);
            }

            if (held.Device is { } device)
            {
                await presence.LostAsync(held.Tenant, device, holder, reason);
            }

            await db.HashDeleteAsync(ClusterKeys.Held(node), holder);
            swept++;
        }

        if (swept > 0)
        {
            LogSwept(node, swept);
        }
    }

    [LoggerMessage(LogLevel.Information, "Cluster: swept {Count} connections of node {Node}")]
    partial void LogSwept(string node, int count);
}
