using System.ComponentModel.DataAnnotations;

namespace CreatiWall.Api.Mqtt;

/// <summary>Configuration section <c>Mqtt</c>.</summary>
public sealed class MqttOptions
{
    public const string Section = "Mqtt";

    /// <summary>MQTT over TCP; 0 turns it off.</summary>
    [Range(0, 65535)]
    public int TcpPort { get; set; } = 1883;

    /// <summary>MQTT over WebSocket on the HTTP port.</summary>
    [Required, RegularExpression("^/[A-Za-z0-9._~/-]*$", ErrorMessage = "Mqtt:WebSocketPath must be a path starting with '/'.")]
    public string WebSocketPath { get; set; } = "/mqtt";

    /// <summary>How long a new connection may take to send CONNECT.</summary>
    [Range(1, 300)]
    public int ConnectTimeoutSeconds { get; set; } = 10;

    /// <summary>
    /// Messages queued per client session before the oldest are dropped (counted and logged). A screen's newest layout
    /// does not depend on it: it is retained and sent again whenever the screen subscribes.
    /// </summary>
    [Range(10, 1_000_000)]
    public int MaxPendingMessagesPerClient { get; set; } = 1000;

    /// <summary>How often the retained <c>$SYS/broker/...</c> topics are refreshed.</summary>
    [Range(1, 3600)]
    public int SysIntervalSeconds { get; set; } = 10;
}
