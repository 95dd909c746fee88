using CreatiWall.Api.Auth;
using CreatiWall.Api.Errors;
using CreatiWall.Broker.Access;
using CreatiWall.Broker.Identity;
using CreatiWall.Broker.Messages;
using CreatiWall.Broker.Mqtt;
using CreatiWall.Broker.Operations;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace CreatiWall.Api.Realtime;

public static class ConnectionEndpoints
{
    /// <summary>Checks the requested device and channels and says how to connect: URLs, username, client id, topics.</summary>
    public static Results<Ok<ApiResponse<ConnectResponse>>, JsonHttpResult<ApiError>> ConnectAsync(
        ConnectRequest request, HttpContext http, IOptions<MqttOptions> mqtt)
    {
        var caller = http.Caller();
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
    public static async Task<Results<Ok<ApiResponse<DisconnectResponse>>, JsonHttpResult<ApiError>>> DisconnectAsync(
        DisconnectRequest request, HttpContext http, BrokerOperations broker)
    {
        if (string.IsNullOrEmpty(request.ConnectionId) || request.ConnectionId.Length > 256)
        {
            return Reply.BadRequest("connectionId", "must be the MQTT client id of a live connection");
        }

        return await broker.KickAsync(http.Caller(), request.ConnectionId, request.DeviceId) switch
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
}
