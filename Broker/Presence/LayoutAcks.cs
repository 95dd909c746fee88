using System.Buffers;
using System.Text.Json;
using CreatiWall.Broker.Storage;

namespace CreatiWall.Broker.Presence;

/// <summary>Reads a device's <c>layout_ack</c> envelopes into its record (last acknowledged layout and result).</summary>
public sealed class LayoutAcks(IBrokerStore store)
{
    public async Task RecordAsync(string tenant, string device, ReadOnlySequence<byte> payload)
    {
        if (!TryRead(payload, out var layoutId, out var status))
        {
            return; // Not an ack envelope: forwarded as published, nothing recorded.
        }

        await store.UpdateDeviceAsync(tenant, device, d => d with { AckedLayoutId = layoutId, AckedLayoutStatus = status });
    }

    static bool TryRead(ReadOnlySequence<byte> payload, out string? layoutId, out string? status)
    {
        layoutId = status = null;
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

            layoutId = data.TryGetProperty("layoutId", out var id) && id.ValueKind == JsonValueKind.String ? id.GetString() : null;
            status = data.TryGetProperty("status", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null;
            return status is "applied" or "failed";
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
