using System.ComponentModel.DataAnnotations;

namespace CreatiWall.Broker.Mqtt;

/// <summary>Configuration section <c>Mqtt</c> (its limits: <c>MqttOptions.Limits.cs</c>).</summary>
public sealed partial class MqttOptions
{
    public const string Section = "Mqtt";

    /// <summary>MQTT over TCP; 0 turns it off.</summary>
    [Range(0, 65535)]
    public int TcpPort { get; set; } = 1883;

    /// <summary>
    /// MQTT 5: a client asking for keepalive 0 (none) or more than this gets this (CONNACK Server Keep Alive) and is held
    /// to it, so a silent screen is still found offline.
    /// </summary>
    [Range(5, 65535)]
    public int MaxKeepAliveSeconds { get; set; } = 300;

    /// <summary>MQTT over TLS (8883 by convention); 0, the default, turns it off. The certificate comes from <c>Tls</c>.</summary>
    [Range(0, 65535)]
    public int TlsPort { get; set; }

    /// <summary>MQTT over WebSocket on the HTTP port.</summary>
    [Required, RegularExpression("^/[A-Za-z0-9._~/-]*$", ErrorMessage = "Mqtt:WebSocketPath must be a path starting with '/'.")]
    public string WebSocketPath { get; set; } = "/mqtt";

    /// <summary>
    /// The WebSocket URL clients are told to use (<c>POST /api/websocket/connect</c>), e.g. <c>wss://signage.example.com/mqtt</c>
    /// behind a proxy. Unset: built from the request, whose <c>Host</c> header the client chose (restrict it with
    /// <c>AllowedHosts</c>).
    /// </summary>
    [RegularExpression("^wss?://[^/?#]+(/[^?#]*)?$", ErrorMessage = "Mqtt:PublicWebSocketUrl must be an absolute ws:// or wss:// URL.")]
    public string? PublicWebSocketUrl { get; set; }

    /// <summary>The MQTT TCP host clients are told to use; unset: the host of <see cref="PublicWebSocketUrl"/>, else of the request.</summary>
    [RegularExpression("^[A-Za-z0-9.:\\[\\]-]+$", ErrorMessage = "Mqtt:PublicTcpHost must be a host name or address.")]
    public string? PublicTcpHost { get; set; }

    /// <summary>How long a new connection may take to send CONNECT.</summary>
    [Range(1, 300)]
    public int ConnectTimeoutSeconds { get; set; } = 10;

    /// <summary>
    /// How long a packet may take to arrive once its first byte has: a peer that trickles a packet slower than this (or
    /// stops in the middle of one) is disconnected (MQTT 5: DISCONNECT 0x8D). Raise it for large packets on slow links.
    /// </summary>
    [Range(1, 3600)]
    public int PacketTimeoutSeconds { get; set; } = 30;

    /// <summary>
    /// Messages queued per client session before the oldest are dropped (counted and logged). A screen's newest layout
    /// does not depend on it: it is retained and sent again whenever the screen subscribes.
    /// </summary>
    [Range(10, 1_000_000)]
    public int MaxPendingMessagesPerClient { get; set; } = 1000;

    /// <summary>
    /// The largest packet a client may send, fixed header included (MQTT 5's Maximum Packet Size). A larger one ends the
    /// connection as soon as its header is read (MQTT 5: DISCONNECT 0x95), before its body is buffered.
    /// </summary>
    [Range(1024, 256 * 1024 * 1024)]
    public int MaxPacketBytes { get; set; } = 1024 * 1024;

    /// <summary>
    /// The longest a session outlives its connection (MQTT 5 session expiry; MQTT 3.1.1 clean session 0). A longer
    /// request is lowered to this and the client is told in CONNACK.
    /// </summary>
    [Range(0, uint.MaxValue - 1)]
    public long MaxSessionExpirySeconds { get; set; } = 7 * 24 * 3600;

    /// <summary>
    /// Sessions (connected or kept) one principal (tenant, role, sub: whichever devices it acts as) may hold; a CONNECT that
    /// would open one more is refused (0x97).
    /// </summary>
    [Range(1, 1_000_000)]
    public int MaxSessionsPerPrincipal { get; set; } = 64;

    /// <summary>Sessions (connected or kept) of one tenant; a CONNECT that would open one more is refused (0x97).</summary>
    [Range(1, 100_000_000)]
    public int MaxSessionsPerTenant { get; set; } = 100_000;

    /// <summary>How often the retained <c>$SYS/broker/...</c> topics are refreshed.</summary>
    [Range(1, 3600)]
    public int SysIntervalSeconds { get; set; } = 10;
}
