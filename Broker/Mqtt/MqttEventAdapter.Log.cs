using CreatiWall.Broker.Identity;
using Microsoft.Extensions.Logging;

namespace CreatiWall.Broker.Mqtt;

/// <summary>
/// The adapter's log events; never a token or a payload. What a client chose (client ids, topics, filters) is passed
/// through <see cref="Metrics.LogText.Safe"/>; events a client can repeat at will are throttled.
/// </summary>
internal sealed partial class MqttEventAdapter
{
    [LoggerMessage(LogLevel.Information, "MQTT connected {ClientId} tenant={Tenant} sub={Subject} role={Role} device={Device} protocol={Protocol} from {Endpoint}")]
    partial void LogConnected(string clientId, string tenant, string subject, Role role, string? device, string protocol, string? endpoint);

    [LoggerMessage(LogLevel.Information, "MQTT disconnected {ClientId} tenant={Tenant} sub={Subject} reason={Reason}")]
    partial void LogDisconnected(string clientId, string tenant, string subject, string reason);

    [LoggerMessage(LogLevel.Warning, "MQTT connect refused {ClientId} tenant={Tenant} sub={Subject} code=0x{Code:X2}: {Reason} from {Endpoint}")]
    partial void LogRefused(string clientId, string? tenant, string? subject, int code, string reason, string? endpoint);

    [LoggerMessage(LogLevel.Information, "MQTT subscribed {ClientId} {Filter}")]
    partial void LogSubscribed(string clientId, string filter);

    [LoggerMessage(LogLevel.Warning, "MQTT subscription refused {ClientId} {Filter} ({Held} more refused in the last 10 s, counted in cw_mqtt_subscriptions_refused)")]
    partial void LogSubscriptionRefused(string clientId, string filter, long held);

    [LoggerMessage(LogLevel.Warning, "MQTT publish refused {ClientId} {Topic} ({Held} more refused in the last 10 s, counted in cw_mqtt_publishes_refused)")]
    partial void LogPublishRefused(string clientId, string topic, long held);

    [LoggerMessage(LogLevel.Error, "Online status of {ClientId} could not be written")]
    partial void LogPresenceNotWritten(Exception error, string clientId);

    [LoggerMessage(LogLevel.Warning, "MQTT queue of {ClientId} is full: its oldest message was dropped ({Held} more dropped in the last 10 s, counted in cw_mqtt_messages_dropped)")]
    partial void LogDropped(string clientId, long held);

    [LoggerMessage(LogLevel.Information, "MQTT session {ClientId} expired")]
    partial void LogSessionExpired(string clientId);

    [LoggerMessage(LogLevel.Warning, "MQTT connect refused {ClientId} tenant={Tenant} code=0x{Code:X2}: {Reason} from {Endpoint} ({Held} more refused for this reason in the last 10 s, counted in cw_mqtt_limits_hit)")]
    partial void LogRefusedByLimit(string clientId, string? tenant, int code, string reason, string? endpoint, long held);

    [LoggerMessage(LogLevel.Warning, "MQTT address {Address} banned for {BanSeconds} s: {Failures} failed authentications within {WindowSeconds} s ({Held} more addresses banned in the last 10 s, counted in cw_mqtt_limits_hit)")]
    partial void LogBanned(string address, int failures, int windowSeconds, int banSeconds, long held);

    [LoggerMessage(LogLevel.Warning, "MQTT publish refused {ClientId} {Topic}: {Reason} ({Held} more refused in the last 10 s, counted in cw_mqtt_limits_hit)")]
    partial void LogPublishOverLimit(string clientId, string topic, string reason, long held);

    [LoggerMessage(LogLevel.Warning, "MQTT client {ClientId} publishes over its limit ({Limit}): {Action} ({Held} more in the last 10 s, counted in cw_mqtt_limits_hit)")]
    partial void LogPublishRate(string clientId, string limit, string action, long held);

    [LoggerMessage(LogLevel.Warning, "MQTT subscription refused {ClientId} {Filter}: {Reason} ({Held} more refused in the last 10 s, counted in cw_mqtt_limits_hit)")]
    partial void LogSubscriptionOverLimit(string clientId, string filter, string reason, long held);

    [LoggerMessage(LogLevel.Warning, "MQTT client {ClientId} is a slow consumer: its queue of {Queue} messages overflowed, so it is disconnected (0x97) ({Held} more in the last 10 s, counted in cw_mqtt_limits_hit)")]
    partial void LogSlowConsumer(string clientId, int queue, long held);
}
