using System.Text.Json.Serialization;
using CreatiWall.Broker.Storage;

namespace CreatiWall.Api.Devices;

public sealed record LayoutRef(string? LayoutId, string? MessageId);

public sealed record AckedLayout(string? LayoutId, string? Status);

public sealed record DeviceView(
    string Id,
    string Tenant,
    string Status,
    DateTimeOffset Since,
    string? Reason,
    LayoutRef? CurrentLayout,
    AckedLayout? LastAcknowledgedLayout,
    string? Name,
    IReadOnlyList<string> Tags,
    string? Location)
{
    public static DeviceView Of(DeviceRecord d) => new(
        d.DeviceId,
        d.Tenant,
        d.Status,
        d.Since,
        d.Reason,
        d.CurrentLayoutId is null ? null : new LayoutRef(d.CurrentLayoutId, d.CurrentLayoutMessageId),
        d.AckedLayoutId is null && d.AckedLayoutStatus is null ? null : new AckedLayout(d.AckedLayoutId, d.AckedLayoutStatus),
        d.Name,
        [.. d.Tags],
        d.Location);
}

/// <summary>One page of devices; <see cref="NextCursor"/> is left out on the last page.</summary>
public sealed record DevicesResponse(
    IReadOnlyList<DeviceView> Devices,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? NextCursor = null);

/// <summary>
/// <c>PUT /api/devices/{id}</c>: what the device is registered with, replacing what it had (a field left out or null is
/// cleared).
/// </summary>
public sealed record DeviceInfoRequest(string? Name = null, string[]? Tags = null, string? Location = null)
{
    /// <summary>The longest name or location.</summary>
    public const int MaxText = 200;

    /// <summary>The first problem as (field, problem), or null; blank texts count as left out.</summary>
    public (string Field, string Problem)? Problem()
    {
        if (TextProblem(Name) is { } name)
        {
            return ("name", name);
        }

        if (TextProblem(Location) is { } location)
        {
            return ("location", location);
        }

        if (Tags is { Length: > DeviceTags.Max })
        {
            return ("tags", $"at most {DeviceTags.Max} tags");
        }

        return Tags?.FirstOrDefault(t => !Ids.IsValid(t)) is { } bad ? ("tags", $"'{bad}' does not match {Ids.Pattern}") : null;
    }

    public static string? Clean(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    static string? TextProblem(string? text) => Clean(text) switch
    {
        null => null,
        { Length: > MaxText } => $"at most {MaxText} characters",
        var t when t.Any(char.IsControl) => "no control characters (line breaks, tabs, ...)",
        _ => null,
    };
}
