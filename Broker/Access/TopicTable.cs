using CreatiWall.Broker.Identity;

namespace CreatiWall.Broker.Access;

/// <summary>
/// The shapes of every topic the product uses, and which of them a topic or a subscription filter can reach.
/// A topic outside these shapes can be neither published nor subscribed (except by all-tenant ops).
/// </summary>
public static class TopicTable
{
    const string TenantSlot = "{tenant}";
    const string IdSlot = "{id}";

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

    /// <summary>A topic name to publish to: non-empty, no wildcards, no NUL.</summary>
    public static bool IsValidTopic(string? topic) =>
        !string.IsNullOrEmpty(topic) && topic.AsSpan().IndexOfAny('+', '#', '\0') < 0;

    /// <summary>A subscription filter: <c>+</c> and <c>#</c> fill whole levels, <c>#</c> only last.</summary>
    public static bool IsValidFilter(string? filter)
    {
        if (string.IsNullOrEmpty(filter) || filter.Contains('\0'))
        {
            return false;
        }

        var levels = filter.Split('/');
        for (var i = 0; i < levels.Length; i++)
        {
            var level = levels[i];
            if ((level.Contains('#') && (level != "#" || i != levels.Length - 1)) || (level.Contains('+') && level != "+"))
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

    /// <summary>Every row of the table the filter (or topic) reaches, with the tenant and id it binds.</summary>
    public static List<TopicMatch> Match(string filter)
    {
        var levels = filter.Split('/');
        var matches = new List<TopicMatch>();
        foreach (var shape in Shapes)
        {
            if (TryMatch(levels, shape, out var match))
            {
                matches.Add(match);
            }
        }

        return matches;
    }

    static bool TryMatch(string[] filter, Shape shape, out TopicMatch match)
    {
        match = default;
        string? tenant = null, id = null;
        for (var i = 0; ; i++)
        {
            if (i == filter.Length)
            {
                if (i < shape.Levels.Length)
                {
                    return false;
                }

                break;
            }

            var level = filter[i];
            var firstLevelWildcardOnSys = i == 0 && shape.Kind == TopicKind.Sys && level is "#" or "+";
            if (firstLevelWildcardOnSys)
            {
                // MQTT: a wildcard in the first level never matches a topic that starts with '$'.
                return false;
            }

            if (level == "#")
            {
                // '#' reaches every remaining level, including none: any slot left open means "every value".
                break;
            }

            if (i >= shape.Levels.Length)
            {
                if (shape.OpenEnded)
                {
                    continue;
                }

                return false;
            }

            if (level == "+")
            {
                // A '+' in a slot leaves that value open (null = every value).
                continue;
            }

            var slot = shape.Levels[i];
            var isSlot = slot is TenantSlot or IdSlot;
            if (!isSlot)
            {
                if (slot != level)
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
                tenant = level;
            }
            else
            {
                id = level;
            }
        }

        match = new TopicMatch(shape.Kind, tenant, id);
        return true;
    }
}
