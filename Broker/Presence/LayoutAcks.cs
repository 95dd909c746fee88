using System.Buffers;
using System.Text.Json;
using CreatiWall.Broker.Messages;
using CreatiWall.Broker.Storage;

namespace CreatiWall.Broker.Presence;

/// <summary>Reads a device's <c>layout_ack</c> envelopes into its record (last acknowledged layout and result).</summary>
public sealed class LayoutAcks(IBrokerStore store)
{
    public async Task RecordAsync(string tenant, string device, ReadOnlySequence<byte> payload)
    {
        if (!TryRead(payload, out var messageId, out var layoutId, out var status, out var error))
        {
            return; // Not an ack envelope: forwarded as published, nothing recorded.
        }

        await store.UpdateDeviceAsync(tenant, device, d => d with { AckedLayoutId = layoutId, AckedLayoutStatus = status });
        if (messageId is not null)
        {
            await store.AdvanceLayoutDeliveryAsync(tenant, messageId, device, status == "applied" ? LayoutState.Applied : LayoutState.Failed, error);
        }
    }

    /// <summary>The layout envelope a device's session acknowledged (QoS 1 PUBACK) has been delivered.</summary>
    public async Task RecordDeliveredAsync(string tenant, string device, ReadOnlySequence<byte> payload)
    {
        if (LayoutUpdateId(payload) is { } id)
        {
            await store.AdvanceLayoutDeliveryAsync(tenant, id, device, LayoutState.Delivered);
        }
    }

    /// <summary>
    /// The id of a <c>layout_update</c> envelope, read without building its data (a layout can be large, and a fleet
    /// acknowledges one update 10,000 times); null for any other payload.
    /// </summary>
    static string? LayoutUpdateId(ReadOnlySequence<byte> payload)
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
                !root.TryGetProperty("type", out var type) || type.ValueEquals("layout_ack") is false ||
                !root.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Object)
            {
                return false;
            }

            messageId = String(data, "messageId");
            layoutId = String(data, "layoutId");
            status = String(data, "status");
            error = String(data, "error");
            return status is "applied" or "failed";
        }
        catch (JsonException)
        {
            return false;
        }
    }

    static string? String(JsonElement data, string name) =>
        data.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
