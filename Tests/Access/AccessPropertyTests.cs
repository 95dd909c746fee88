using CreatiWall.Broker.Access;
using CreatiWall.Broker.Identity;
using CreatiWall.Broker.Mqtt.Routing;
using CsCheck;
using MQTTnet.Protocol;

namespace CreatiWall.Tests.Access;

/// <summary>
/// The access policy and the topic table under generated principals, topics and filters (CsCheck, shrunk to the smallest
/// counterexample): wildcards, empty levels, '$' topics, unicode, very long names, other tenants' ids in every slot. What a
/// filter reaches is decided by the broker's own router (<see cref="SubscriptionTree{TSubscriber}"/>), not by the policy.
/// </summary>
public sealed class AccessPropertyTests
{
    const int Iterations = 40_000;

    static readonly string[] TenantIds = ["t1", "t2", "t10", "T1", "a.b", "x-y_z"];
    static readonly string[] OtherIds = ["alice", "bob", "root", "d1", "d2", "watcher", "cw", "devices", "broadcast", "users", "$SYS"];
    static readonly string[] Vocabulary =
        ["cw", "broadcast", "users", "devices", "layout", "status", "ack", "content", "channels", "$SYS", "broker", "tenants", "clients", "uptime", "$share", "g"];
    static readonly string[] Odd =
        ["", " t1", "t1 ", "t1\n", "t1\0", "..", ".", "-x", "*", "é", "日本", "t1\u0301", "\uFEFFt1", "t\u200B1", "ｔ１", "\U0001F600", "\uD800",
         new('a', 128), new('a', 129), new('b', 5000)];

    static readonly Gen<string> Level = Gen.Frequency(
        (5, Gen.OneOf(Vocabulary)),
        (6, Gen.OneOf([.. TenantIds, .. OtherIds])),
        (3, Gen.OneOf("+", "#")),
        (3, Gen.OneOf(Odd)),
        (1, Gen.Char["ab1.-_$+#*é /"].Array[0, 6].Select(chars => new string(chars))));

    /// <summary>Topics of the table's shapes, with any tenant and id, and now and then a level of anything.</summary>
    static readonly Gen<string> ShapedTopic =
        from tenant in Gen.Frequency((4, Gen.OneOf(TenantIds)), (1, Level))
        from id in Gen.Frequency((4, Gen.OneOf([.. OtherIds, .. TenantIds])), (1, Level))
        from shape in Gen.Int[0, 9]
        from more in Level.Array[0, 3]
        select shape switch
        {
            0 => $"cw/{tenant}/broadcast",
            1 => $"cw/{tenant}/users/{id}",
            2 => $"cw/{tenant}/devices/{id}",
            3 => $"cw/{tenant}/devices/{id}/layout",
            4 => $"cw/{tenant}/devices/{id}/status",
            5 => $"cw/{tenant}/devices/{id}/ack",
            6 => $"cw/{tenant}/content",
            7 => string.Join('/', [$"cw/{tenant}/channels/{id}", .. more]),
            8 => string.Join('/', [$"$SYS/broker/tenants/{tenant}", .. more]),
            _ => string.Join('/', ["$SYS/broker", .. more]),
        };

    static readonly Gen<string> Topic = Gen.Frequency((3, ShapedTopic), (1, Level.Array[1, 8].Select(levels => string.Join('/', levels))));

    /// <summary>A filter made from a topic: levels turned into '+', a '#' in place of the tail, sometimes shared.</summary>
    static readonly Gen<string> Filter =
        from topic in Topic
        from pluses in Gen.Int[0, 99].Array[8]
        from cut in Gen.Int[0, 12]
        from shared in Gen.Int[0, 9]
        let levels = topic.Split('/').Select((level, i) => pluses[i % 8] < 25 ? "+" : level).ToList()
        let filter = cut < levels.Count ? string.Join('/', [.. levels.Take(cut), "#"]) : string.Join('/', levels)
        select shared == 0 ? "$share/g/" + filter : filter;

    static readonly Gen<Principal> Principals =
        from tenant in Gen.Frequency((6, Gen.OneOf(TenantIds)), (1, Gen.Const(Principal.AllTenants)))
        from role in Gen.Enum<Role>()
        from subject in Gen.OneOf([.. OtherIds, .. TenantIds])
        from devices in Gen.OneOf("d1", "d2", "t2", "alice", "cw").Array[0, 3]
        from acting in Gen.OneOf<string?>(null, "d1", "d2", "alice", "t2")
        let principal = new Principal(tenant, subject, role, devices.ToHashSet(), DateTimeOffset.MaxValue)
        select acting is not null && principal.MayActAsDevice(acting) ? principal with { ActingDevice = acting } : principal;

    [Fact]
    public void Nothing_published_or_willed_lands_outside_the_publishers_tenant() =>
        Gen.Select(Principals, Gen.Frequency((3, Topic), (1, Filter)), Gen.OneOf(AccessAction.Publish, AccessAction.Will)).Sample((principal, topic, action) =>
        {
            if (AccessPolicy.IsAllowed(principal, action, topic))
            {
                Assert.NotEqual(Role.Ops, principal.Role);
                Assert.True(TopicTable.IsValidTopic(topic) && TopicTable.Match(topic, out _) == 1, $"{topic} is no topic of the table");
                Assert.Equal(principal.Tenant, TenantOf(topic));
            }
        }, iter: Iterations);

    [Fact]
    public void A_granted_filter_reaches_no_topic_of_another_tenant() =>
        Gen.Select(Principals, Filter, Topic).Sample((principal, filter, topic) =>
        {
            if (!principal.IsAllTenantsOps && Delivers(principal, filter, topic))
            {
                var tenant = TenantOf(topic);
                Assert.True(tenant == principal.Tenant || (tenant is null && principal.Role == Role.Ops),
                    $"{filter} granted to {principal.Role} of {principal.Tenant} delivers {topic} (tenant {tenant ?? "none"})");
            }
        }, iter: Iterations);

    [Fact]
    public void A_granted_filter_reaches_only_topics_the_principal_may_read() =>
        Gen.Select(Principals, Filter, Topic).Sample((principal, filter, topic) =>
        {
            if (Delivers(principal, filter, topic))
            {
                Assert.True(AccessPolicy.IsAllowed(principal, AccessAction.Subscribe, topic), $"{filter} granted, {topic} refused, yet delivered through it");
            }
        }, iter: Iterations);

    /// <summary>The same, with the topic made from the filter: every filter generated reaches it, so the check always runs.</summary>
    [Fact]
    public void A_granted_filter_reaches_only_topics_the_principal_may_read_among_its_own_instances() =>
        Gen.Select(Principals, ShapedTopic, Gen.Int[0, 99].Array[8], Gen.Int[0, 8]).Sample((principal, topic, pluses, cut) =>
        {
            var levels = topic.Split('/').Select((level, i) => pluses[i % 8] < 30 ? "+" : level).ToList();
            var filter = cut < levels.Count ? string.Join('/', [.. levels.Take(cut), "#"]) : string.Join('/', levels);
            if (Delivers(principal, filter, topic))
            {
                Assert.True(AccessPolicy.IsAllowed(principal, AccessAction.Subscribe, topic), $"{filter} granted, {topic} refused, yet delivered through it");
                Assert.True(principal.IsAllTenantsOps || TenantOf(topic) is null || TenantOf(topic) == principal.Tenant, $"{filter} crosses to {topic}");
            }
        }, iter: Iterations);

    [Fact]
    public void Any_text_is_judged_without_an_exception() =>
        Gen.Select(Principals, Gen.String, Gen.Enum<AccessAction>()).Sample((principal, text, action) =>
        {
            _ = AccessPolicy.IsAllowed(principal, action, text);
            _ = TopicTable.KeepsRetained(text);
            Assert.True(TopicTable.Match(text, out _) <= TopicTable.ShapeCount);
        }, iter: Iterations);

    /// <summary>
    /// Whether a message on <paramref name="topic"/> reaches the principal through <paramref name="filter"/>: the filter is
    /// granted, the router matches the topic to it, someone can publish there (a topic of the table: clients and server
    /// publish nowhere else), and the router's per-message check lets it through.
    /// </summary>
    static bool Delivers(Principal principal, string filter, string topic)
    {
        if (!AccessPolicy.IsAllowed(principal, AccessAction.Subscribe, filter) || !TopicTable.TryUnshare(filter, out var inner))
        {
            return false;
        }

        if (!TopicTable.IsValidTopic(topic) || TopicTable.Match(topic, out _) != 1 || !AccessPolicy.MayReceive(principal, topic))
        {
            return false;
        }

        using var tree = new SubscriptionTree<object>();
        tree.Add(principal, inner, new SubscriptionOptions(MqttQualityOfServiceLevel.AtLeastOnce));
        return tree.Match(topic, []) > 0;
    }

    /// <summary>The tenant a topic belongs to: <c>cw/{tenant}/…</c> or <c>$SYS/broker/tenants/{tenant}/…</c>; null for the rest of $SYS.</summary>
    static string? TenantOf(string topic)
    {
        var levels = topic.Split('/');
        return levels switch
        {
            ["cw", var tenant, ..] => tenant,
            ["$SYS", "broker", "tenants", var tenant, ..] => tenant,
            _ => null,
        };
    }
}
