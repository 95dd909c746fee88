using System.Text.Json;
using CreatiWall.Broker.Identity;
using CreatiWall.Broker.Mqtt;
using CreatiWall.Broker.Mqtt.Rules;
using CreatiWall.Broker.Storage;
using Microsoft.Extensions.Logging;
using MQTTnet;
using MQTTnet.Protocol;
using StackExchange.Redis;

namespace CreatiWall.Broker.Cluster;

/// <summary>A connection a node holds, as its survivors need it: whose, which device, and its will (a bus message).</summary>
internal sealed record HeldClient(string Tenant, string ClientId, string? Device, byte[]? Will);

/// <summary>
/// Client ids across the cluster, in Redis (<see cref="ClusterKeys.Client"/>): a CONNECT accepted by this node's own rules
/// claims its client id here too. Another identity's claim on a live node refuses it; the same identity's is taken over:
/// its node is asked to end the older connection (DISCONNECT 0x8E) once this one holds the client id and the device, so
/// the older connection's end writes no offline status and publishes no will of its status.
/// </summary>
internal sealed partial class ClusterSessions(IConnectionMultiplexer redis, ClusterNode node, IPresenceLedger presence, ILogger<ClusterSessions> logger)
    : ISessionDirectory
{
    /// <summary>KEYS: the client's hash. ARGV: the holder read before (empty: none), then the new fields. 1 when claimed.</summary>
    const string ClaimScript = """
        if (redis.call('HGET', KEYS[1], 'h') or '') ~= ARGV[1] then return 0 end
        redis.call('DEL', KEYS[1])
        redis.call('HSET', KEYS[1], 'n', ARGV[2], 'h', ARGV[3], 'o', ARGV[4], 's', ARGV[5], 'r', ARGV[6], 'd', ARGV[7])
        return 1
        """;

    /// <summary>KEYS: the client's hash. ARGV: the holder. Deletes the claim if that holder still has it (1), else 0.</summary>
    internal const string ReleaseScript = """
        if redis.call('HGET', KEYS[1], 'h') == ARGV[1] then return redis.call('DEL', KEYS[1]) end
        return 0
        """;

    public string NodeId => node.Id;

    IDatabase Db => redis.GetDatabase();

    public async Task<ConnectDecision.Refuse?> ClaimAsync(MqttConnection connection, ObservedChannel channel)
    {
        var p = connection.Principal;
        var key = ClusterKeys.Client(p.Tenant, connection.ClientId);
        if (!redis.IsConnected)
        {
            LogUnreachable(connection.ClientId, "not connected"); // no wait for a timeout per CONNECT while Redis is down
            return null;
        }

        try
        {
            for (var attempt = 1; attempt <= 5; attempt++)
            {
                var fields = (await Db.HashGetAllAsync(key)).ToDictionary(f => f.Name.ToString(), f => f.Value.ToString());
                var previous = fields.GetValueOrDefault("h");
                var previousNode = fields.GetValueOrDefault("n");
                if (fields.GetValueOrDefault("o") is { } owner && owner != p.SessionOwnerKey && previousNode is not null && previousNode != node.Id &&
                    await Db.KeyExistsAsync(ClusterKeys.Alive(previousNode)))
                {
                    return new ConnectDecision.Refuse(MqttConnectReasonCode.NotAuthorized,
                        "the client id belongs to another principal's session on another node", "client-id-taken", p);
                }

                RedisValue[] claim = [previous ?? "", node.Id, connection.Holder, p.SessionOwnerKey, p.Subject, p.Role.ToClaim(), p.ActingDevice ?? ""];
                if ((int)await Db.ScriptEvaluateAsync(ClaimScript, [key], claim) != 1)
                {
                    continue; // another node claimed it between the read and the write: look again
                }

                var held = new HeldClient(p.Tenant, connection.ClientId, p.ActingDevice, Will(channel, connection.ClientId));
                await Db.HashSetAsync(ClusterKeys.Held(node.Id), connection.Holder, JsonSerializer.SerializeToUtf8Bytes(held));
                var previousDevice = connection.DeviceKey is { } device ? await presence.HoldAsync(device.Tenant, device.Device, connection.Holder) : null;
                if (previous is not null && previousNode is not null && previousNode != node.Id)
                {
                    await SendAsync(previousNode, ClusterCommand.End(EndReason.TakenOver, connection.ClientId, previous));
                }

                if (previousDevice is not null && previousDevice != previous && ClusterKeys.NodeOf(previousDevice) is var deviceNode && deviceNode != node.Id)
                {
                    await SendAsync(deviceNode, ClusterCommand.Superseded(previousDevice));
                }

                return null;
            }

            return new ConnectDecision.Refuse(MqttConnectReasonCode.ServerBusy, "the client id is being claimed on several nodes at once", "client-id-contended", p);
        }
        catch (Exception error) when (error.IsUnreachable())
        {
            // Redis is down: this node's own rules stand, as for a single node; the claim is made again at the next connect.
            LogUnreachable(connection.ClientId, error.GetBaseException().Message);
            return null;
        }
    }

    /// <summary>
    /// After a Redis outage: claims the client id of a connection accepted meanwhile (by this node alone) if nobody holds
    /// it now, and its device if nobody holds that. Never takes over: the other node may have the newer connection.
    /// </summary>
    public async Task ReclaimAsync(MqttConnection connection)
    {
        var p = connection.Principal;
        RedisValue[] claim = ["", node.Id, connection.Holder, p.SessionOwnerKey, p.Subject, p.Role.ToClaim(), p.ActingDevice ?? ""];
        if ((int)await Db.ScriptEvaluateAsync(ClaimScript, [ClusterKeys.Client(p.Tenant, connection.ClientId)], claim) != 1)
        {
            return; // held: by this connection already, or by another node's
        }

        var held = new HeldClient(p.Tenant, connection.ClientId, p.ActingDevice, Will(connection.Channel, connection.ClientId));
        await Db.HashSetAsync(ClusterKeys.Held(node.Id), connection.Holder, JsonSerializer.SerializeToUtf8Bytes(held));
    }

    public async Task ReleaseAsync(MqttConnection connection, bool keepClaim)
    {
        if (!redis.IsConnected)
        {
            return; // a stale claim gives way to the same identity, and is swept with its node
        }

        try
        {
            if (keepClaim)
            {
                // The kept session still holds its client id, here, until it is deleted (or this node is lost or restarts,
                // when a sweep releases it); its will is spent, so no sweep may send it again.
                var p = connection.Principal;
                await Db.HashSetAsync(ClusterKeys.Held(node.Id), connection.Holder, JsonSerializer.SerializeToUtf8Bytes(new HeldClient(p.Tenant, connection.ClientId, p.ActingDevice, null)));
                return;
            }

            await Db.ScriptEvaluateAsync(ReleaseScript, [ClusterKeys.Client(connection.Principal.Tenant, connection.ClientId)], [connection.Holder]);
            await Db.HashDeleteAsync(ClusterKeys.Held(node.Id), connection.Holder);
        }
        catch (Exception error) when (error.IsUnreachable())
        {
            LogUnreachable(connection.ClientId, error.GetBaseException().Message); // a stale claim gives way to the same identity, and is swept with its node
        }
    }

    public async Task<RemoteClient?> FindAsync(string clientId)
    {
        var tenant = clientId[..Math.Max(0, clientId.IndexOf('/'))];
        var fields = (await Db.HashGetAllAsync(ClusterKeys.Client(tenant, clientId))).ToDictionary(f => f.Name.ToString(), f => f.Value.ToString());
        return fields.TryGetValue("n", out var at) && at != node.Id && fields.TryGetValue("h", out var holder)
            ? new RemoteClient(clientId, at, holder, tenant, fields.GetValueOrDefault("s") ?? "", fields.GetValueOrDefault("r") ?? "",
                fields.GetValueOrDefault("d") is { Length: > 0 } device ? device : null)
            : null;
    }

    public Task EndAsync(RemoteClient client, EndReason reason) => SendAsync(client.Node, ClusterCommand.End(reason, client.ClientId, client.Holder));

    Task<long> SendAsync(string toNode, string command) => redis.GetSubscriber().PublishAsync(ClusterKeys.Commands(toNode), command);

    /// <summary>The connection's will as a bus message, for the survivors to publish if this node dies with it.</summary>
    static byte[]? Will(ObservedChannel channel, string clientId)
    {
        if (channel.ConnectPacket is not { WillFlag: true } connect)
        {
            return null;
        }

        var will = new MqttApplicationMessage
        {
            Topic = connect.WillTopic,
            Payload = new System.Buffers.ReadOnlySequence<byte>(connect.WillMessage ?? []),
            QualityOfServiceLevel = connect.WillQoS,
            Retain = connect.WillRetain,
            ContentType = connect.WillContentType,
            PayloadFormatIndicator = connect.WillPayloadFormatIndicator,
            MessageExpiryInterval = connect.WillMessageExpiryInterval,
            ResponseTopic = connect.WillResponseTopic,
            CorrelationData = connect.WillCorrelationData,
        };
        return BusMessage.Write("will", clientId, will);
    }

    [LoggerMessage(LogLevel.Warning, "Cluster: the claim of client {ClientId} could not be written to Redis ({Reason}); this node's rules stand alone")]
    partial void LogUnreachable(string clientId, string reason);
}

/// <summary>What one node asks of another over its command channel (one line per field).</summary>
internal static class ClusterCommand
{
    /// <summary>The client id goes last: it may hold any character, a line break included.</summary>
    public static string End(EndReason reason, string clientId, string holder) => $"end\n{(int)reason}\n{holder}\n{clientId}";

    public static string Superseded(string holder) => $"superseded\n{holder}";
}
