using CreatiWall.Api.Auth;
using CreatiWall.Api.Errors;
using CreatiWall.Broker.Access;
using CreatiWall.Broker.Identity;
using CreatiWall.Broker.Mqtt;
using CreatiWall.Broker.Operations;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace CreatiWall.Api.Connections;

public sealed record ConnectRequest(string? DeviceId = null, string[]? Channels = null);

public sealed record MqttEndpoints(string WebSocketUrl, string TcpHost, int? TcpPort, string Username, IReadOnlyList<string> Topics);

public sealed record ConnectResponse(string ConnectionId, IReadOnlyList<string> Channels, MqttEndpoints Mqtt);

public sealed record DisconnectRequest(string ConnectionId, string? DeviceId = null);

public sealed record DisconnectResponse(string ConnectionId, bool Disconnected);

public sealed record ChannelCount(string Channel, int Subscribers);

public sealed record DeviceCounts(int Online, int Offline);

public sealed record ConnectedUser(string UserId, int Connections);

public sealed record StatusResponse(
    int TotalConnections, IReadOnlyList<ChannelCount> Channels, DeviceCounts Devices, IReadOnlyList<ConnectedUser> Users, IReadOnlyList<NodeInfo> Nodes);

/// <summary>A node of the cluster (one entry on a single node): the caller's tenant's connections on it, when it started, when it was last heard of.</summary>
public sealed record NodeInfo(string NodeId, int Connections, DateTimeOffset StartedAt, DateTimeOffset LastSeen);

/// <summary>MQTT connections seen from REST: how to connect, ending one, the live status.</summary>
public static class ConnectionsApi
{
    public static RouteGroupBuilder MapConnections(this RouteGroupBuilder api)
    {
        api.MapPost("/websocket/connect", Connect).WithTags("Realtime").WithSummary("What a client needs to connect over MQTT.");
        api.MapPost("/websocket/disconnect", DisconnectAsync).WithTags("Realtime").WithSummary("End a live MQTT connection (MQTT 5: DISCONNECT 0x98).");
        api.MapGet("/websocket/status", StatusAsync).WithTags("Realtime")
            .WithSummary("Live connections, subscribers per channel, devices online and offline.");
        return api;
    }

    /// <summary>Checks the requested device and channels and says how to connect: URLs, username, client id, topics.</summary>
    static Results<Ok<ApiResponse<ConnectResponse>>, JsonHttpResult<ApiError>> Connect(
        ConnectRequest request, CurrentCaller current, HttpContext http, IOptions<MqttOptions> mqtt)
    {
        var caller = current.Principal;
        var device = request.DeviceId ?? caller.ActingDevice;
        if (device is not null)
        {
            if (!Ids.IsValid(device))
            {
                return Reply.BadRequest("deviceId", $"must match {Ids.Pattern}");
            }

            if (!caller.MayActAsDevice(device))
            {
                return Reply.Forbidden($"you may not connect as device '{device}'");
            }

            caller = caller with { ActingDevice = device };
        }

        var channels = request.Channels?.ToList() ?? DefaultChannels(caller);
        var topics = new List<string>();
        foreach (var channel in channels)
        {
            var resolved = Channels.Resolve(caller.Tenant, channel);
            if (resolved.Topic is not { } topic)
            {
                return resolved.Foreign ? Reply.Forbidden(resolved.Error!) : Reply.BadRequest("channels", resolved.Error!);
            }

            if (!AccessPolicy.IsAllowed(caller, AccessAction.Subscribe, topic))
            {
                return Reply.Forbidden($"you may not subscribe to channel '{channel}'");
            }

            topics.Add(topic);
        }

        if (device is not null)
        {
            topics.Add(Topics.DeviceLayout(caller.Tenant, device));
        }

        var options = mqtt.Value;
        var scheme = http.Request.IsHttps ? "wss" : "ws";
        var webSocketUrl = options.PublicWebSocketUrl ?? $"{scheme}://{http.Request.Host}{options.WebSocketPath}";
        var tcpHost = options.PublicTcpHost ?? (options.PublicWebSocketUrl is { } configured ? new Uri(configured).Host : http.Request.Host.Host);
        var connectionId = device ?? $"{caller.Subject}-{Guid.NewGuid().ToString("N")[..8]}";
        var endpoints = new MqttEndpoints(
            webSocketUrl,
            tcpHost,
            options.TcpPort == 0 ? null : options.TcpPort,
            device ?? "",
            topics);
        return Reply.Ok(new ConnectResponse(connectionId, channels, endpoints));
    }

    /// <summary>Ends a live connection: one's own, or (admins) any of the tenant's. Other tenants' look absent.</summary>
    static async Task<Results<Ok<ApiResponse<DisconnectResponse>>, JsonHttpResult<ApiError>>> DisconnectAsync(
        DisconnectRequest request, CurrentCaller current, BrokerOperations broker)
    {
        if (string.IsNullOrEmpty(request.ConnectionId) || request.ConnectionId.Length > 256)
        {
            return Reply.BadRequest("connectionId", "must be the MQTT client id of a live connection");
        }

        return await broker.KickAsync(current.Principal, request.ConnectionId, request.DeviceId) switch
        {
            KickOutcome.Ended => Reply.Ok(new DisconnectResponse(request.ConnectionId, true)),
            KickOutcome.Forbidden => Reply.Forbidden("you may end only your own connections"),
            _ => Reply.NotFound($"no live connection '{request.ConnectionId}'"),
        };
    }

    static List<string> DefaultChannels(Principal caller)
    {
        var channels = new List<string> { Channels.Tenant(caller.Tenant) };
        if (caller.ActingDevice is { } device)
        {
            channels.Add(Channels.Device(device));
        }
        else if (caller.Role is Role.User or Role.Admin)
        {
            channels.Add(Channels.User(caller.Subject));
        }

        return channels;
    }

    /// <summary>Live figures of the caller's tenant (all tenants for ops of <c>*</c>), with the users connected.</summary>
    static async Task<Ok<ApiResponse<StatusResponse>>> StatusAsync(CurrentCaller current, BrokerOperations broker)
    {
        var caller = current.Principal;
        var status = await broker.StatusAsync(caller.IsAllTenantsOps ? null : caller.Tenant);
        return Reply.Ok(new StatusResponse(
            status.Connections,
            status.Channels.Select(c => new ChannelCount(c.Channel, c.Subscribers)).ToList(),
            new DeviceCounts(status.DevicesOnline, status.DevicesOffline),
            status.Users.Select(u => new ConnectedUser(u.UserId, u.Connections)).ToList(),
            status.Nodes.Select(n => new NodeInfo(n.NodeId, n.Connections, n.StartedAt, n.LastSeen)).ToList()));
    }
}
