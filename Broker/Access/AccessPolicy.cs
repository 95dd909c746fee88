using CreatiWall.Broker.Identity;

namespace CreatiWall.Broker.Access;

/// <summary>
/// The one place that decides access: a pure function of principal, action and topic (or filter).
/// A filter is allowed only when every topic of the table it can reach is allowed; a shared subscription
/// is judged by its filter. Server-originated messages do not pass through here.
/// </summary>
public static class AccessPolicy
{
    public static bool IsAllowed(Principal principal, AccessAction action, string topicOrFilter)
    {
        if (action == AccessAction.Subscribe)
        {
            if (!TopicTable.TryUnshare(topicOrFilter, out var filter) || !TopicTable.IsValidFilter(filter))
            {
                return false;
            }

            if (principal.IsAllTenantsOps)
            {
                return true;
            }

            if (principal.Role == Role.Ops && SysTenant(filter) is { } named && named is not ("+" or "#") && named != principal.Tenant)
            {
                return false; // another tenant's $SYS figures, by name
            }

            var reached = TopicTable.Match(filter, out var matches);
            if (reached == 0)
            {
                return false;
            }

            foreach (var match in matches[..reached])
            {
                if (!Allows(principal, action, match))
                {
                    return false;
                }
            }

            return true;
        }

        if (!TopicTable.IsValidTopic(topicOrFilter))
        {
            return false;
        }

        return TopicTable.Match(topicOrFilter, out var rows) == 1 && Allows(principal, action, rows[0]);
    }

    /// <summary>
    /// Whether a message on <paramref name="topic"/> may reach <paramref name="principal"/> through a subscription it holds:
    /// one tenant's <c>$SYS/broker/tenants/t/...</c> figures reach only that tenant's operators (and those of all tenants),
    /// also through a wildcard such as <c>$SYS/#</c>.
    /// </summary>
    public static bool MayReceive(Principal principal, string topic) =>
        principal.IsAllTenantsOps || SysTenant(topic) is not { } tenant || tenant == principal.Tenant;

    /// <summary>The tenant level of <c>$SYS/broker/tenants/{tenant}/…</c> (or of a filter that can reach it); null elsewhere.</summary>
    static string? SysTenant(string topicOrFilter)
    {
        if (!topicOrFilter.StartsWith("$SYS/", StringComparison.Ordinal))
        {
            return null;
        }

        var levels = topicOrFilter.Split('/', 5);
        for (var i = 1; i < 3; i++)
        {
            if (levels.Length <= i || levels[i] == "#")
            {
                return levels.Length <= i ? null : "#";
            }

            if (levels[i] != "+" && levels[i] != (i == 1 ? "broker" : "tenants"))
            {
                return null;
            }
        }

        return levels.Length > 3 ? levels[3] : null;
    }

    /// <summary>One row of the contract's topic table; a null tenant or id means "every value".</summary>
    static bool Allows(Principal p, AccessAction action, TopicMatch topic)
    {
        var subscribe = action == AccessAction.Subscribe;
        if (topic.Kind == TopicKind.Sys || p.Role == Role.Ops)
        {
            // Operators read and never write; $SYS is theirs alone.
            return subscribe && p.Role == Role.Ops && (topic.Kind == TopicKind.Sys || p.IsAllTenantsOps || topic.Tenant == p.Tenant);
        }

        if (topic.Tenant != p.Tenant)
        {
            return false;
        }

        var admin = p.Role == Role.Admin;
        var person = p.Role is Role.User or Role.Admin;
        var owner = topic.Id is { } ownedId && p.Owns(ownedId);
        var self = topic.Id is { } deviceId && deviceId == p.ActingDevice;

        return (topic.Kind, action) switch
        {
            (TopicKind.Broadcast or TopicKind.Content or TopicKind.Channel, AccessAction.Subscribe) => true,
            (TopicKind.Broadcast or TopicKind.Content or TopicKind.Channel, _) => person,

            (TopicKind.User, AccessAction.Subscribe) => admin || (p.Role == Role.User && topic.Id == p.Subject),
            (TopicKind.User, _) => admin,

            (TopicKind.Device or TopicKind.DeviceLayout, AccessAction.Subscribe) => admin || owner || self,
            (TopicKind.Device, _) => admin || owner,
            (TopicKind.DeviceLayout, _) => false,

            (TopicKind.DeviceStatus, AccessAction.Subscribe) => person,
            (TopicKind.DeviceStatus, AccessAction.Will) => self,
            (TopicKind.DeviceStatus, _) => false,

            (TopicKind.DeviceAck, AccessAction.Subscribe) => admin || owner,
            (TopicKind.DeviceAck, _) => self,

            _ => false,
        };
    }
}
