using CreatiWall.Broker.Access;
using CreatiWall.Broker.Identity;

namespace CreatiWall.Tests.Access;

/// <summary>The contract's topic table as a truth table: (principal, action, topic or filter) → allowed.</summary>
public sealed class AccessPolicyTests
{
    static readonly Dictionary<string, Principal> People = new()
    {
        ["alice"] = User("t1", "alice", "d1", "d2"),
        ["bob"] = User("t1", "bob"),
        ["admin"] = new("t1", "root", Role.Admin, new HashSet<string>(), DateTimeOffset.MaxValue),
        ["d1"] = new("t1", "d1", Role.Device, new HashSet<string>(), DateTimeOffset.MaxValue, "d1"),
        ["alice@d1"] = User("t1", "alice", "d1", "d2") with { ActingDevice = "d1" },
        ["admin@d3"] = new("t1", "root", Role.Admin, new HashSet<string>(), DateTimeOffset.MaxValue, "d3"),
        ["eve"] = User("t2", "eve", "d1"),
        ["ops"] = new("*", "watcher", Role.Ops, new HashSet<string>(), DateTimeOffset.MaxValue),
        ["opsT1"] = new("t1", "watcher", Role.Ops, new HashSet<string>(), DateTimeOffset.MaxValue),
    };

    static Principal User(string tenant, string sub, params string[] devices) =>
        new(tenant, sub, Role.User, devices.ToHashSet(), DateTimeOffset.MaxValue);

    [Theory]
    // broadcast: everyone in the tenant reads; users and admins write
    [InlineData("alice", "cw/t1/broadcast", true)]
    [InlineData("d1", "cw/t1/broadcast", true)]
    [InlineData("eve", "cw/t1/broadcast", false)]
    // user topics: the user and admins
    [InlineData("alice", "cw/t1/users/alice", true)]
    [InlineData("alice", "cw/t1/users/alice/#", true)]
    [InlineData("alice", "cw/t1/users/bob", false)]
    [InlineData("alice", "cw/t1/users/+", false)]
    [InlineData("admin", "cw/t1/users/bob", true)]
    [InlineData("admin", "cw/t1/users/+", true)]
    [InlineData("d1", "cw/t1/users/d1", false)]
    // device topics: the device, its owners, admins
    [InlineData("alice", "cw/t1/devices/d1", true)]
    [InlineData("alice", "cw/t1/devices/d3", false)]
    [InlineData("alice", "cw/t1/devices/d1/#", true)]
    [InlineData("alice", "cw/t1/devices/+", false)]
    [InlineData("d1", "cw/t1/devices/d1", true)]
    [InlineData("d1", "cw/t1/devices/d1/layout", true)]
    [InlineData("d1", "cw/t1/devices/d3/layout", false)]
    [InlineData("d1", "cw/t1/devices/d1/#", false)]
    [InlineData("admin", "cw/t1/devices/+/layout", true)]
    [InlineData("eve", "cw/t1/devices/d1", false)]
    // status: everyone in the tenant but devices
    [InlineData("alice", "cw/t1/devices/+/status", true)]
    [InlineData("bob", "cw/t1/devices/d1/status", true)]
    [InlineData("d1", "cw/t1/devices/d1/status", false)]
    [InlineData("d1", "cw/t1/devices/+/status", false)]
    [InlineData("eve", "cw/t1/devices/+/status", false)]
    // ack: owners and admins
    [InlineData("alice", "cw/t1/devices/d1/ack", true)]
    [InlineData("bob", "cw/t1/devices/d1/ack", false)]
    [InlineData("d1", "cw/t1/devices/d1/ack", false)]
    [InlineData("alice", "cw/t1/devices/+/ack", false)]
    [InlineData("admin", "cw/t1/devices/+/ack", true)]
    // content and custom channels: everyone in the tenant
    [InlineData("d1", "cw/t1/content", true)]
    [InlineData("alice", "cw/t1/channels/news", true)]
    [InlineData("alice", "cw/t1/channels/news/sports/#", true)]
    [InlineData("d1", "cw/t1/channels/+", true)]
    [InlineData("alice", "cw/t1/channels/#", true)]
    [InlineData("eve", "cw/t1/channels/#", false)]
    // wildcards are granted only when everything they reach is allowed
    [InlineData("alice", "cw/t1/+", true)]
    [InlineData("alice", "cw/t1/#", false)]
    [InlineData("d1", "cw/t1/#", false)]
    [InlineData("admin", "cw/t1/#", true)]
    [InlineData("admin", "cw/t2/#", false)]
    [InlineData("admin", "cw/+/broadcast", false)]
    [InlineData("admin", "cw/#", false)]
    [InlineData("admin", "#", false)]
    [InlineData("admin", "+/t1/broadcast", true)] // reaches only cw/t1/broadcast among topics that can exist
    // shared subscriptions are judged by their filter
    [InlineData("alice", "$share/g/cw/t1/broadcast", true)]
    [InlineData("alice", "$share/g/cw/t2/#", false)]
    [InlineData("alice", "$share/g/cw/t1/#", false)]
    [InlineData("alice", "$share/g", false)]
    [InlineData("alice", "$share//cw/t1/broadcast", false)]
    // $SYS and operators
    [InlineData("alice", "$SYS/#", false)]
    [InlineData("admin", "$SYS/broker/uptime", false)]
    [InlineData("ops", "$SYS/#", true)]
    [InlineData("ops", "#", true)]
    [InlineData("ops", "cw/+/devices/+/status", true)]
    [InlineData("opsT1", "$SYS/broker/clients/connected", true)]
    [InlineData("opsT1", "cw/t1/#", true)]
    [InlineData("opsT1", "cw/t2/#", false)]
    [InlineData("opsT1", "#", false)]
    // malformed filters and topics outside the table
    [InlineData("alice", "", false)]
    [InlineData("alice", "cw/t1/broad#", false)]
    [InlineData("alice", "cw/t1/#/x", false)]
    [InlineData("alice", "cw/t1/bro+", false)]
    [InlineData("alice", "foo/bar", false)]
    [InlineData("alice", "cw/t1/users/../bob", false)]
    [InlineData("alice", "cw/t1/devices/d1\n", false)] // an id with a trailing newline is no id
    [InlineData("alice", "cw/t1\n/broadcast", false)]
    // long filters: past a shape's last level only '#' (zero levels) or an open end is reached
    [InlineData("alice", "cw/t1/devices/d1/layout/#", true)]
    [InlineData("alice", "cw/t1/devices/d1/layout/+", false)]
    [InlineData("alice", "cw/t1/devices/d1/layout/x/y/z", false)]
    [InlineData("alice", "cw/t1/channels/a/b/c/d/e/f/#", true)]
    [InlineData("eve", "cw/t1/channels/a/b/c/d/e/f/#", false)]
    public void Subscribe(string who, string filter, bool allowed) =>
        Assert.Equal(allowed, AccessPolicy.IsAllowed(People[who], AccessAction.Subscribe, filter));

    [Theory]
    [InlineData("alice", "cw/t1/broadcast", true)]
    [InlineData("admin", "cw/t1/broadcast", true)]
    [InlineData("d1", "cw/t1/broadcast", false)]
    [InlineData("alice", "cw/t2/broadcast", false)]
    [InlineData("ops", "cw/t1/broadcast", false)]
    [InlineData("alice", "cw/t1/users/alice", false)]
    [InlineData("alice", "cw/t1/users/bob", false)]
    [InlineData("admin", "cw/t1/users/bob", true)]
    [InlineData("alice", "cw/t1/devices/d1", true)]
    [InlineData("bob", "cw/t1/devices/d1", false)]
    [InlineData("d1", "cw/t1/devices/d1", false)]
    [InlineData("eve", "cw/t1/devices/d1", false)]
    [InlineData("admin", "cw/t1/devices/d1/layout", false)]
    [InlineData("alice", "cw/t1/devices/d1/layout", false)]
    [InlineData("d1", "cw/t1/devices/d1/status", false)]
    [InlineData("admin", "cw/t1/devices/d1/status", false)]
    [InlineData("d1", "cw/t1/devices/d1/ack", true)]
    [InlineData("alice@d1", "cw/t1/devices/d1/ack", true)]
    [InlineData("admin@d3", "cw/t1/devices/d3/ack", true)]
    [InlineData("alice", "cw/t1/devices/d1/ack", false)]
    [InlineData("d1", "cw/t1/devices/d3/ack", false)]
    [InlineData("alice", "cw/t1/content", true)]
    [InlineData("d1", "cw/t1/content", false)]
    [InlineData("alice", "cw/t1/channels/news", true)]
    [InlineData("alice", "cw/t1/channels/news/today", true)]
    [InlineData("d1", "cw/t1/channels/news", false)]
    [InlineData("alice", "cw/t1/channels/bad name", false)]
    [InlineData("alice", "cw/t1/broadcast/#", false)]
    [InlineData("alice", "cw/t1/+", false)]
    [InlineData("alice", "", false)]
    [InlineData("ops", "$SYS/broker/uptime", false)]
    [InlineData("alice", "$SYS/broker/uptime", false)]
    [InlineData("alice", "foo", false)]
    [InlineData("alice", "cw/t1/devices/d1\n", false)]
    [InlineData("alice", "cw/t1/channels/a/b/c/d/e/f/g", true)]
    [InlineData("alice", "cw/t1/devices/d1/x/y/z/w", false)]
    public void Publish(string who, string topic, bool allowed) =>
        Assert.Equal(allowed, AccessPolicy.IsAllowed(People[who], AccessAction.Publish, topic));

    [Theory]
    [InlineData("d1", "cw/t1/devices/d1/status", true)]
    [InlineData("d1", "cw/t1/devices/d3/status", false)]
    [InlineData("alice", "cw/t1/devices/d1/status", false)]
    [InlineData("alice@d1", "cw/t1/devices/d1/status", true)]
    [InlineData("admin@d3", "cw/t1/devices/d3/status", true)]
    [InlineData("admin", "cw/t1/devices/d3/status", false)]
    [InlineData("alice", "cw/t1/broadcast", true)]
    [InlineData("alice", "cw/t1/users/bob", false)]
    [InlineData("d1", "cw/t1/devices/d1/ack", true)]
    [InlineData("ops", "cw/t1/broadcast", false)]
    [InlineData("eve", "cw/t1/devices/d1/status", false)]
    public void Will(string who, string topic, bool allowed) =>
        Assert.Equal(allowed, AccessPolicy.IsAllowed(People[who], AccessAction.Will, topic));

    [Theory]
    [InlineData("device", "d1", "d1", true)]
    [InlineData("device", "d1", "d2", false)]
    [InlineData("user", "alice", "d1", true)]
    [InlineData("user", "alice", "d3", false)]
    [InlineData("admin", "root", "anything", true)]
    [InlineData("ops", "watcher", "d1", false)]
    public void Acting_as_a_device(string role, string sub, string device, bool allowed)
    {
        Assert.True(Roles.TryParse(role, out var parsed));
        var principal = new Principal("t1", sub, parsed, new HashSet<string> { "d1" }, DateTimeOffset.MaxValue);
        Assert.Equal(allowed, principal.MayActAsDevice(device));
    }
}
