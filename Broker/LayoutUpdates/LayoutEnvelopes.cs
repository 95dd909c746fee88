using System.Buffers;
using System.Text.Json;

namespace CreatiWall.Broker.LayoutUpdates;

/// <summary>The two envelopes a layout's delivery is tracked by, read from a device's traffic.</summary>
internal static class LayoutEnvelopes
{
    /// <summary>What a device's <c>layout_ack</c> says, or null for any other payload.</summary>
    public static LayoutAck? ReadAck(ReadOnlySequence<byte> payload) =>
        TryRead(payload, out var messageId, out var layoutId, out var status, out var error) ? new LayoutAck(messageId, layoutId, status!, error) : null;

    /// <summary>
    /// The id of a <c>layout_update</c> envelope, read without building its data (a layout can be large, and a fleet
    /// acknowledges one update 10,000 times); null for any other payload.
    /// </summary>
    public static string? LayoutUpdateId(ReadOnlySequence<byte> payload)
    {
        var reader = new Utf8JsonReader(payload);
        string? id = null;
        var isLayoutUpdate = false;
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isId = reader.ValueTextEquals("id"u8);
                var isType = !isId && reader.ValueTextEquals("type"u8);
                reader.Read();
                if (isId)
                {
                    id = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                }
                else if (isType)
                {
                    isLayoutUpdate = reader.TokenType == JsonTokenType.String && reader.ValueTextEquals(MessageTypes.LayoutUpdate);
                }
                else
                {
                    reader.Skip();
                }
            }
        }
        catch (JsonException)
        {
            return null;
        }

        return isLayoutUpdate ? id : null;
    }

    static bool TryRead(ReadOnlySequence<byte> payload, out string? messageId, out string? layoutId, out string? status, out string? error)
    {
        messageId = layoutId = status = error = null;
        try
        {
            var reader = new Utf8JsonReader(payload);
            using var json = JsonDocument.ParseValue(ref reader);
            var root = json.RootElement;
            if (root.ValueKind != JsonValueKind.Object ||
                !root.TryGetProperty("type", out var type) || type.ValueEquals(MessageTypes.LayoutAck) is false ||
                !root.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Object)
            {
                return false;
            }

            messageId = String(data, "messageId");
            layoutId = String(data, "layoutId");
            status = String(data, "status");
            error = String(data, "error");
            return status is LayoutAckStatus.Applied or LayoutAckStatus.Failed;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    static string? String(JsonElement data, string name) =>
        data.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}

/// <summary>A device's answer to a layout: <paramref name="Status"/> is <c>applied</c> or <c>failed</c>.</summary>
internal sealed record LayoutAck(string? MessageId, string? LayoutId, string Status, string? Error);
