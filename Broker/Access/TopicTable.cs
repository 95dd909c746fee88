namespace CreatiWall.Broker.Access;

/// <summary>
/// The shapes of every topic the product uses, and which of them a topic or a subscription filter can reach.
/// A topic outside these shapes can be neither published nor subscribed (except by all-tenant ops).
/// </summary>
public static class TopicTable
{
    /// <summary>The tenant level of a <see cref="Templates"/> entry.</summary>
    public const string TenantSlot = "{tenant}";

    /// <summary>The user, device or channel level of a <see cref="Templates"/> entry.</summary>
    public const string IdSlot = "{id}";

    /// <summary>The rows a filter can reach at once: one per shape.</summary>
    public const int ShapeCount = 9;

    /// <summary>Levels split out one by one: one past the longest shape (5 levels), the last holding the rest.</summary>
    const int LevelsRead = 7;

    sealed record Shape(TopicKind Kind, string[] Levels, bool OpenEnded = false);

    static readonly Shape[] Shapes =
    [
        new(TopicKind.Broadcast, ["cw", TenantSlot, "broadcast"]),
        new(TopicKind.User, ["cw", TenantSlot, "users", IdSlot]),
        new(TopicKind.Device, ["cw", TenantSlot, "devices", IdSlot]),
        new(TopicKind.DeviceLayout, ["cw", TenantSlot, "devices", IdSlot, "layout"]),
        new(TopicKind.DeviceStatus, ["cw", TenantSlot, "devices", IdSlot, "status"]),
        new(TopicKind.DeviceAck, ["cw", TenantSlot, "devices", IdSlot, "ack"]),
        new(TopicKind.Content, ["cw", TenantSlot, "content"]),
        new(TopicKind.Channel, ["cw", TenantSlot, "channels", IdSlot], OpenEnded: true),
        new(TopicKind.Sys, ["$SYS"], OpenEnded: true),
    ];

    /// <summary>
    /// Every shape as a template (<c>cw/{tenant}/devices/{id}/layout</c>) and whether the levels below it belong to it too
    /// (custom channels, <c>$SYS</c>): for tools that show what a principal may do, by asking <see cref="AccessPolicy"/>.
    /// </summary>
    public static IReadOnlyList<(TopicKind Kind, string Template, bool OpenEnded)> Templates { get; } =
        [.. Shapes.Select(s => (s.Kind, string.Join('/', s.Levels), s.OpenEnded))];

    static TopicTable()
    {
        if (Shapes.Length != ShapeCount || Shapes.Any(s => s.Levels.Length >= LevelsRead - 1))
        {
            throw new InvalidOperationException("TopicTable's constants do not fit its shapes");
        }
    }

    /// <summary>A topic name to publish to: non-empty, no wildcards, no NUL.</summary>
    public static bool IsValidTopic(string? topic) =>
        !string.IsNullOrEmpty(topic) && topic.AsSpan().IndexOfAny('+', '#', '\0') < 0;

    /// <summary>
    /// Whether a retained publish to <paramref name="topic"/> is kept: only on the topics the table says hold a retained
    /// message (layout, presence, custom channels, $SYS). Elsewhere the message is delivered but not kept, so nobody
    /// can plant a message that every later subscriber (every screen, at every reconnect) receives.
    /// </summary>
    public static bool KeepsRetained(string topic) =>
        IsValidTopic(topic) && Match(topic, out var rows) == 1 &&
        rows[0].Kind is TopicKind.DeviceLayout or TopicKind.DeviceStatus or TopicKind.Channel or TopicKind.Sys;

    /// <summary>A subscription filter: <c>+</c> and <c>#</c> fill whole levels, <c>#</c> only last.</summary>
    public static bool IsValidFilter(string? filter)
    {
        if (string.IsNullOrEmpty(filter) || filter.Contains('\0'))
        {
            return false;
        }

        var text = filter.AsSpan();
        foreach (var range in text.Split('/'))
        {
            var level = text[range];
            var last = range.End.Value == text.Length;
            if ((level.Contains('#') && (level is not "#" || !last)) || (level.Contains('+') && level is not "+"))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Splits <c>$share/group/filter</c> into its filter; returns false for a malformed shared subscription.
    /// A plain filter is returned as it is.
    /// </summary>
    public static bool TryUnshare(string filter, out string inner)
    {
        inner = filter;
        if (!filter.StartsWith("$share/", StringComparison.Ordinal))
        {
            return true;
        }

        var groupEnd = filter.IndexOf('/', "$share/".Length);
        if (groupEnd < 0)
        {
            return false;
        }

        var group = filter["$share/".Length..groupEnd];
        inner = filter[(groupEnd + 1)..];
        return group.Length > 0 && group.AsSpan().IndexOfAny('+', '#') < 0 && inner.Length > 0;
    }

    /// <summary>
    /// Every row of the table the filter (or topic) reaches, with the tenant and id it binds; returns how many (the first
    /// that many of <paramref name="matches"/>). Allocates only the bound tenant and id: it runs on every publish.
    /// </summary>
    public static int Match(string filter, out TopicMatches matches)
    {
        matches = default;
        Span<Range> levels = stackalloc Range[LevelsRead];
        var text = filter.AsSpan();
        levels = levels[..text.Split(levels, '/')];
        var count = 0;
        foreach (var shape in Shapes)
        {
            if (TryMatch(filter, levels, shape, out var match))
            {
                matches[count++] = match;
            }
        }

        return count;
    }

    /// <summary>
    /// Whether <paramref name="filter"/> (split into <paramref name="levels"/>) reaches <paramref name="shape"/>. Only the
    /// first <see cref="LevelsRead"/> − 1 levels are ever looked at one by one: past a shape's last level only an open
    /// end or a <c>#</c> matches, so the last range may hold all remaining levels.
    /// </summary>
    static bool TryMatch(string filter, ReadOnlySpan<Range> levels, Shape shape, out TopicMatch match)
    {
        match = default;
        Range? tenant = null, id = null;
        for (var i = 0; ; i++)
        {
            if (i == levels.Length)
            {
                if (i < shape.Levels.Length)
                {
                    return false;
                }

                break;
            }

            var level = filter.AsSpan()[levels[i]];
            var firstLevelWildcardOnSys = i == 0 && shape.Kind == TopicKind.Sys && level is "#" or "+";
            if (firstLevelWildcardOnSys)
            {
                // MQTT: a wildcard in the first level never matches a topic that starts with '$'.
                return false;
            }

            if (level is "#")
            {
                // '#' reaches every remaining level, including none: any slot left open means "every value".
                break;
            }

            if (i >= shape.Levels.Length)
            {
                if (shape.OpenEnded)
                {
                    break; // whatever follows, an open-ended shape is reached
                }

                return false;
            }

            if (level is "+")
            {
                // A '+' in a slot leaves that value open (null = every value).
                continue;
            }

            var slot = shape.Levels[i];
            var isSlot = slot is TenantSlot or IdSlot;
            if (!isSlot)
            {
                if (!level.SequenceEqual(slot))
                {
                    return false;
                }

                continue;
            }

            if (!Ids.IsValid(level))
            {
                return false;
            }

            if (slot == TenantSlot)
            {
                tenant = levels[i];
            }
            else
            {
                id = levels[i];
            }
        }

        match = new TopicMatch(shape.Kind, tenant is { } t ? filter[t] : null, id is { } d ? filter[d] : null);
        return true;
    }
}
