using System.Text.Json;
using CreatiWall.Broker.Metrics;
using CreatiWall.Broker.Mqtt;
using CreatiWall.Broker.Mqtt.Routing;
using CreatiWall.Broker.Presence;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace CreatiWall.Broker.Cluster;

/// <summary>A node's heartbeat as the others read it in <see cref="ClusterKeys.Nodes"/>.</summary>
internal sealed record NodeBeat(DateTimeOffset StartedAt, DateTimeOffset LastSeen, int Connections);

/// <summary>
/// This node among the others: every <c>Cluster:HeartbeatSeconds</c> it says it is alive (a key that expires after
/// <c>Cluster:NodeTimeoutSeconds</c>) and writes its live figures per tenant; it answers the other nodes' requests (end a
/// connection, a device now held elsewhere); and it sweeps nodes that stopped (see <see cref="NodeSweeper"/>).
/// </summary>
internal sealed partial class ClusterNodes(
    IConnectionMultiplexer redis, ClusterNode node, ConnectionRegistry registry, MessageRouter router, MqttEventAdapter adapter,
    NodeSweeper sweeper, ClusterSessions sessions, PresenceTracker presence, BrokerLifecycle lifecycle, IOptions<ClusterOptions> options, ILogger<ClusterNodes> logger, TimeProvider time)
    : BackgroundService, IClusterView
{
    readonly ClusterOptions _options = options.Value;
    readonly LogThrottle _failures = new(TimeSpan.FromSeconds(30), time);
    HashSet<string> _tenantsShown = new(StringComparer.Ordinal); // tenants with figures in this node's live hash
    DateTimeOffset? _beatingSince; // since when every beat of this node reached Redis

    IDatabase Db => redis.GetDatabase();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await lifecycle.Started.WaitAsync(stoppingToken);
        await redis.GetSubscriber().SubscribeAsync(ClusterKeys.Commands(node.Id), (_, command) => ApplyAsync(command.ToString()).ContinueWith(
            t => LogCommandFailed(t.Exception!), TaskContinuationOptions.OnlyOnFaulted));
        var ownPast = true; // what this node id held before this process started is swept once, at the first beat
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(_options.HeartbeatSeconds), time);
        do
        {
            try
            {
                await BeatAsync();
                if (ownPast)
                {
                    await sweeper.SweepAsync(node.Id, keep: h => registry.Live.Any(c => c.Holder == h));
                    ownPast = false;
                }
                else if (_beatingSince is null)
                {
                    await ResyncAsync(); // Redis is back after an outage
                }

                _beatingSince ??= time.GetUtcNow();

                // Others are judged only once this node has itself beaten for a whole timeout: after a Redis outage every
                // node's alive key has expired, and each needs that long to renew it before it may be taken for dead.
                if (time.GetUtcNow() - _beatingSince >= TimeSpan.FromSeconds(_options.NodeTimeoutSeconds))
                {
                    await SweepDeadAsync();
                }
            }
            catch (Exception error) when (error.IsUnreachable())
            {
                _beatingSince = null;
                if (_failures.TryEnter("beat", out var held))
                {
                    LogBeatFailed(error.GetBaseException().Message, held);
                }
            }
            catch (Exception error) when (error is not OperationCanceledException)
            {
                _beatingSince = null; // a bug, not Redis: logged, and the node keeps beating rather than stopping the host
                LogBeatBroken(error);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        try
        {
            // A clean stop: the others need not wait for the timeout (its connections' ends wrote their own status).
            await Db.KeyDeleteAsync([ClusterKeys.Alive(node.Id), ClusterKeys.Live(node.Id)]);
            await Db.HashDeleteAsync(ClusterKeys.Nodes, node.Id);
        }
        catch (Exception error) when (error.IsUnreachable())
        {
            // Redis is down: the node's entries expire or are swept
        }
    }

    async Task BeatAsync()
    {
        var live = registry.Live.ToList();
        var now = time.GetUtcNow();
        var timeout = TimeSpan.FromSeconds(_options.NodeTimeoutSeconds);
        var figures = live.GroupBy(c => c.Principal.Tenant, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => JsonSerializer.Serialize(LiveFigures.Of(g, router)), StringComparer.Ordinal);
        var gone = _tenantsShown.Where(t => !figures.ContainsKey(t)).Select(t => (RedisValue)t).ToArray();

        // Sent together; not one transaction, which Redis Cluster refuses across slots (cw:nodes is a key of its own).
        List<Task> writes =
        [
            Db.StringSetAsync(ClusterKeys.Alive(node.Id), node.StartedAt.ToUnixTimeMilliseconds(), timeout),
            Db.HashSetAsync(ClusterKeys.Nodes, node.Id, JsonSerializer.Serialize(new NodeBeat(node.StartedAt, now, live.Count))),
            Db.KeyExpireAsync(ClusterKeys.Live(node.Id), timeout * 3),
        ];
        if (figures.Count > 0)
        {
            writes.Add(Db.HashSetAsync(ClusterKeys.Live(node.Id), [.. figures.Select(f => new HashEntry(f.Key, f.Value))]));
        }

        if (gone.Length > 0)
        {
            writes.Add(Db.HashDeleteAsync(ClusterKeys.Live(node.Id), gone));
        }

        await Task.WhenAll(writes);
        _tenantsShown = [.. figures.Keys];
    }

    /// <summary>
    /// After a Redis outage, what this node could not write meanwhile: connections that ended (their devices go offline,
    /// reason <c>network-error</c>, their wills are published), connections that began (their client ids and devices are
    /// claimed where free, and written online).
    /// </summary>
    async Task ResyncAsync()
    {
        var live = registry.Live.ToList();
        var holders = live.Select(c => c.Holder).ToHashSet(StringComparer.Ordinal);
        await sweeper.SweepAsync(node.Id, keep: holders.Contains, reason: PresenceStatus.NetworkError);
        foreach (var connection in live)
        {
            await sessions.ReclaimAsync(connection);
        }

        await presence.ResyncAsync();
        LogResynced(live.Count);
    }

    /// <summary>Nodes listed but no longer alive: one survivor (the first to take the sweep key) sweeps each.</summary>
    async Task SweepDeadAsync()
    {
        foreach (var entry in await Db.HashGetAllAsync(ClusterKeys.Nodes))
        {
            var other = entry.Name.ToString();
            if (other == node.Id || await Db.KeyExistsAsync(ClusterKeys.Alive(other)))
            {
                continue;
            }

            if (await Db.StringSetAsync(ClusterKeys.Sweep(other), node.Id, TimeSpan.FromSeconds(60), When.NotExists))
            {
                LogNodeLost(other);
                await sweeper.SweepAsync(other, keep: _ => false);
                await Db.HashDeleteAsync(ClusterKeys.Nodes, other);
                await Db.KeyDeleteAsync([ClusterKeys.Live(other), ClusterKeys.Sweep(other)]);
            }
        }
    }

    /// <summary>A request of another node: end a connection it took over or was asked to end; a device it now holds.</summary>
    async Task ApplyAsync(string command)
    {
        var parts = command.Split('\n', 4);
        switch (parts)
        {
            case ["end", var code, var holder, var clientId] when int.TryParse(code, out var reason) && Enum.IsDefined((EndReason)reason):
                if (registry.TryGetLive(clientId, out var connection) && connection.Holder == holder)
                {
                    connection.Superseded = (EndReason)reason == EndReason.TakenOver;
                    await adapter.EndAsync(connection, (EndReason)reason);
                }

                break;
            case ["superseded", var holder]:
                foreach (var held in registry.Live.Where(c => c.Holder == holder))
                {
                    held.Superseded = true;
                }

                break;
        }
    }

    public async Task<IReadOnlyList<(NodeStatus Node, LiveFigures Figures)>> OtherNodesAsync(string? tenant)
    {
        var nodes = new List<(NodeStatus, LiveFigures)>();
        foreach (var entry in await Db.HashGetAllAsync(ClusterKeys.Nodes))
        {
            var id = entry.Name.ToString();
            if (id == node.Id || JsonSerializer.Deserialize<NodeBeat>(entry.Value.ToString()) is not { } beat ||
                time.GetUtcNow() - beat.LastSeen > TimeSpan.FromSeconds(_options.NodeTimeoutSeconds))
            {
                continue;
            }

            var parts = tenant is null
                ? (await Db.HashValuesAsync(ClusterKeys.Live(id))).Select(Parse)
                : [Parse(await Db.HashGetAsync(ClusterKeys.Live(id), tenant))];
            var figures = LiveFigures.Sum(parts);
            nodes.Add((new NodeStatus(id, figures.Connections, beat.StartedAt, beat.LastSeen), figures));
        }

        return nodes;
    }

    static LiveFigures Parse(RedisValue value) => value.IsNullOrEmpty ? LiveFigures.Empty : JsonSerializer.Deserialize<LiveFigures>(value.ToString()) ?? LiveFigures.Empty;

    [LoggerMessage(LogLevel.Information, "Cluster: Redis is back; {Count} live connections written again")]
    partial void LogResynced(int count);

    [LoggerMessage(LogLevel.Warning, "Cluster: a request of another node failed")]
    partial void LogCommandFailed(Exception error);

    [LoggerMessage(LogLevel.Warning, "Cluster: node {Node} stopped answering; sweeping its devices (node-lost) and publishing its clients' wills")]
    partial void LogNodeLost(string node);

    [LoggerMessage(LogLevel.Error, "Cluster: heartbeat or sweep failed")]
    partial void LogBeatBroken(Exception error);

    [LoggerMessage(LogLevel.Warning, "Cluster: heartbeat failed: {Reason} ({Held} more in the last 30 s)")]
    partial void LogBeatFailed(string reason, long held);
}
