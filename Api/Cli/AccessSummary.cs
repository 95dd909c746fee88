using CreatiWall.Broker.Access;
using CreatiWall.Broker.Identity;

namespace CreatiWall.Api.Cli;

/// <summary>
/// What a principal may read and write, as topic patterns of the topic table (<c>read cw/t1/broadcast</c>,
/// <c>write cw/t1/devices/d1</c>). Nothing here knows the rules: each shape of <see cref="TopicTable.Templates"/> is filled
/// with a wildcard, else with the principal's own tenant and ids, and each result is put to <see cref="AccessPolicy"/>.
/// </summary>
public static class AccessSummary
{
    /// <summary><c>read</c> (subscribe), <c>write</c> (publish) or <c>will</c> (may be its will's topic), and where.</summary>
    public sealed record Right(string Verb, string Pattern);

    /// <summary>One value for a template's slot: what is put to the policy, and what is shown.</summary>
    readonly record struct Choice(string Value, string Shown, bool Any);

    public static IReadOnlyList<Right> Of(Principal principal)
    {
        var ids = new[] { principal.Subject, principal.ActingDevice }.Concat(principal.Devices)
            .Where(id => Ids.IsValid(id)).Select(id => id!).Distinct(StringComparer.Ordinal).ToArray();
        // For a publish (no wildcards), an id or tenant the principal has nothing to do with stands for every other one.
        var otherId = Unused("other-id", ids);
        var otherTenant = Unused("other-tenant", [principal.Tenant]);
        var rights = new List<Right>();

        var readsAll = AccessPolicy.IsAllowed(principal, AccessAction.Subscribe, "#");
        if (readsAll)
        {
            rights.Add(new("read", "#"));
        }

        foreach (var (_, template, openEnded) in TopicTable.Templates)
        {
            if (readsAll && !template.StartsWith('$'))
            {
                continue; // '#' reaches every topic but those starting with '$' (MQTT)
            }

            foreach (var pattern in Allowed(principal, AccessAction.Subscribe, template, openEnded, ids, new("+", "+", true), new("+", "+", true)))
            {
                var withheld = pattern.StartsWith("$SYS", StringComparison.Ordinal) &&
                               !AccessPolicy.MayReceive(principal, $"$SYS/broker/tenants/{otherTenant}/devices/online");
                rights.Add(new("read", withheld ? $"{pattern} (without other tenants' figures)" : pattern));
            }
        }

        foreach (var (action, verb) in new[] { (AccessAction.Publish, "write"), (AccessAction.Will, "will") })
        {
            foreach (var (_, template, openEnded) in TopicTable.Templates)
            {
                foreach (var pattern in Allowed(principal, action, template, openEnded, ids, new(otherTenant, "+", true), new(otherId, "+", true)))
                {
                    if (!rights.Contains(new("write", pattern)))
                    {
                        rights.Add(new(verb, pattern));
                    }
                }
            }
        }

        return rights;
    }

    /// <summary>
    /// What a connection gains by acting as a device (MQTT username = the device id), beyond <see cref="Of"/>: for each
    /// device a user owns, or, for a principal that may act as any device of its tenant (admin), a sample device.
    /// </summary>
    public static IEnumerable<(string Device, bool AnyDevice, IReadOnlyList<Right> Rights)> AsDevices(Principal principal)
    {
        if (principal.ActingDevice is not null)
        {
            yield break; // a device token always acts as its device: Of() shows it
        }

        var sample = Unused("D", [principal.Subject, .. principal.Devices]);
        var anyDevice = principal.MayActAsDevice(sample);
        var devices = anyDevice ? [sample] : principal.Devices.Order(StringComparer.Ordinal).ToList();
        var own = Of(principal).ToHashSet();
        foreach (var device in devices.Where(principal.MayActAsDevice))
        {
            var extra = Of(principal with { ActingDevice = device }).Where(r => !own.Contains(r)).ToList();
            if (extra.Count > 0)
            {
                yield return (device, anyDevice, extra);
            }
        }
    }

    /// <summary>
    /// The patterns of one template the policy allows: with any tenant if allowed, else the principal's; in it, any id if
    /// allowed, else each of the principal's ids that is.
    /// </summary>
    static IEnumerable<string> Allowed(Principal principal, AccessAction action, string template, bool openEnded, string[] ids, Choice anyTenant, Choice anyId)
    {
        Choice[] none = [new("", "", false)];
        var tenants = !template.Contains(TopicTable.TenantSlot) ? none
            : Ids.IsValid(principal.Tenant) ? [anyTenant, new(principal.Tenant, principal.Tenant, false)]
            : [anyTenant];
        var idChoices = !template.Contains(TopicTable.IdSlot) ? none : [anyId, .. ids.Select(id => new Choice(id, id, false))];
        foreach (var tenant in tenants)
        {
            var found = new List<string>();
            foreach (var id in idChoices)
            {
                var asked = action == AccessAction.Subscribe ? Pattern(template, openEnded, tenant.Value, id.Value) : Fill(template, tenant.Value, id.Value);
                if (AccessPolicy.IsAllowed(principal, action, asked))
                {
                    found.Add(Pattern(template, openEnded, tenant.Shown, id.Shown));
                    if (id.Any)
                    {
                        break;
                    }
                }
            }

            foreach (var pattern in found)
            {
                yield return pattern;
            }

            if (found.Count > 0 && tenant.Any)
            {
                yield break;
            }
        }
    }

    static string Fill(string template, string tenant, string id) =>
        template.Replace(TopicTable.TenantSlot, tenant, StringComparison.Ordinal).Replace(TopicTable.IdSlot, id, StringComparison.Ordinal);

    /// <summary>A template filled in, with <c>/#</c> after a shape that owns the levels below it (<c>cw/t/channels/#</c>).</summary>
    static string Pattern(string template, bool openEnded, string tenant, string id)
    {
        var filled = Fill(template, tenant, id);
        return !openEnded ? filled
            : filled.EndsWith("/+", StringComparison.Ordinal) ? filled[..^1] + "#"
            : filled + "/#";
    }

    static string Unused(string name, IEnumerable<string?> taken)
    {
        var set = taken.OfType<string>().ToHashSet(StringComparer.Ordinal);
        var candidate = name;
        for (var i = 1; set.Contains(candidate); i++)
        {
            candidate = $"{name}-{i}";
        }

        return candidate;
    }
}
