using System.Text.Json;
using System.Text.Json.Serialization;

namespace CreatiWall.DeviceAgent;

/// <summary>What became of the newest layout this screen tried: being applied, applied, or failed (and why).</summary>
public sealed record LayoutOutcome(long Seq, string? MessageId, string? LayoutId, string Status, string? Error)
{
    public const string Applying = "applying";

    /// <summary>Tried to the end: a repeat of this seq is acknowledged with this outcome, not applied again.</summary>
    [JsonIgnore]
    public bool IsFinal => Status is LayoutAckStatus.Applied or LayoutAckStatus.Failed;
}

/// <summary>
/// <c>DIR/layout-outcome.json</c>: the <see cref="LayoutOutcome"/> of the newest layout, written atomically before the
/// hook runs (<c>applying</c>) and after it, so a restart knows whether that seq was applied, failed, or cut short.
/// </summary>
public sealed class LayoutOutcomeFile
{
    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    readonly string _path;

    public LayoutOutcomeFile(string stateDir)
    {
        _path = Path.Combine(stateDir, "layout-outcome.json");
        Last = Read();
    }

    /// <summary>Null when no layout was tried yet (or by an agent version that did not keep this file).</summary>
    public LayoutOutcome? Last { get; private set; }

    public void Record(LayoutOutcome outcome)
    {
        AtomicFile.Write(_path, JsonSerializer.SerializeToUtf8Bytes(outcome, Json));
        Last = outcome;
    }

    LayoutOutcome? Read()
    {
        try
        {
            return JsonSerializer.Deserialize<LayoutOutcome>(File.ReadAllBytes(_path), Json);
        }
        catch (Exception e) when (e is IOException or JsonException or NotSupportedException)
        {
            return null; // none yet, or unreadable: the layout on file (if any) counts as applied
        }
    }
}
