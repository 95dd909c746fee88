using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace CreatiWall.Contracts;

/// <summary>Who caused a message, as the server read it from the caller's token.</summary>
public sealed record Sender(
    [property: JsonPropertyName("userId")] string? UserId,
    [property: JsonPropertyName("deviceId")] string? DeviceId);

/// <summary>The contract's message envelope: every message the server publishes is one of these, as UTF-8 JSON.</summary>
public sealed record Envelope(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("channel")] string Channel,
    [property: JsonPropertyName("data")] JsonNode? Data,
    [property: JsonPropertyName("sender")] Sender Sender,
    [property: JsonPropertyName("timestamp")] DateTimeOffset Timestamp,
    [property: JsonPropertyName("seq")] long Seq)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public byte[] ToUtf8() => JsonSerializer.SerializeToUtf8Bytes(this, Json);

    public static Envelope? FromUtf8(ReadOnlySpan<byte> utf8) => JsonSerializer.Deserialize<Envelope>(utf8, Json);

    public static string NewId() => Guid.CreateVersion7().ToString("N");
}

public static class MessageTypes
{
    public const string LayoutUpdate = "layout_update";
    public const string ContentSync = "content_sync";
    public const string Notification = "notification";
    public const string DeviceStatus = "device_status";
    public const string LayoutAck = "layout_ack";
}

/// <summary>The presence envelope's <c>status</c> and <c>reason</c> values.</summary>
public static class PresenceStatus
{
    public const string Online = "online";
    public const string Offline = "offline";

    public const string Clean = "clean";
    public const string KeepaliveTimeout = "keepalive-timeout";

    /// <summary>Cluster mode: the node that held the device's connection stopped, and the device has not come back.</summary>
    public const string NodeLost = "node-lost";
    public const string NetworkError = "network-error";
    public const string TakenOver = "taken-over";
    public const string TokenExpired = "token-expired";
    public const string Kicked = "kicked";
    public const string TokenRevoked = "token-revoked";
}

/// <summary>The <c>layout_ack</c> envelope's <c>status</c> values.</summary>
public static class LayoutAckStatus
{
    public const string Applied = "applied";
    public const string Failed = "failed";
}
