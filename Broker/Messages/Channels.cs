using System.Diagnostics.CodeAnalysis;
using CreatiWall.Broker.Access;
using CreatiWall.Broker.Identity;

namespace CreatiWall.Broker.Messages;

/// <summary>
/// The seed's channel names and their topics: <c>tenant:t</c> → <c>cw/t/broadcast</c>, <c>user:u</c> →
/// <c>cw/t/users/u</c>, <c>device:d</c> → <c>cw/t/devices/d</c>, <c>content:t</c> → <c>cw/t/content</c>,
/// any other name → <c>cw/t/channels/name</c>.
/// </summary>
public static class Channels
{
    public static string Tenant(string tenant) => "tenant:" + tenant;
    public static string User(string user) => "user:" + user;
    public static string Device(string device) => "device:" + device;
    public static string Content(string tenant) => "content:" + tenant;

    /// <summary>
    /// The topic of <paramref name="channel"/> in <paramref name="tenant"/>. A <c>tenant:x</c> or <c>content:x</c> channel names its tenant,
    /// which must be <paramref name="tenant"/>; <paramref name="error"/> says what is wrong otherwise.
    /// </summary>
    public static bool TryGetTopic(string tenant, string channel, [NotNullWhen(true)] out string? topic, [NotNullWhen(false)] out string? error)
    {
        topic = null;
        var colon = channel.IndexOf(':');
        var kind = colon < 0 ? null : channel[..colon];
        var id = colon < 0 ? channel : channel[(colon + 1)..];
        if (!Ids.IsValid(id))
        {
            error = $"'{channel}' is not a channel: names and ids match {Ids.Pattern}, with an optional tenant:, user: or device: prefix";
            return false;
        }

        (topic, error) = kind switch
        {
            null => (Topics.Channel(tenant, id), (string?)null),
            "tenant" when id == tenant => (Topics.Broadcast(tenant), null),
            "tenant" or "content" when id != tenant => ((string?)null, $"'{channel}' is another tenant's channel"),
            "content" => (Topics.Content(tenant), null),
            "user" => (Topics.User(tenant, id), null),
            "device" => (Topics.Device(tenant, id), null),
            _ => (null, $"'{channel}' has an unknown prefix: use tenant:, user:, device: or a plain name"),
        };
        return topic is not null;
    }

    /// <summary>The channel a topic filter belongs to, for the status counts (the filter itself when it is no channel).</summary>
    public static string OfFilter(string filter)
    {
        var levels = filter.Split('/');
        return levels switch
        {
            ["cw", var t, "broadcast"] => Tenant(t),
            ["cw", var t, "content"] => Content(t),
            ["cw", _, "users", var u] => User(u),
            ["cw", _, "devices", var d] => Device(d),
            ["cw", _, "channels", var name] => name,
            _ => filter,
        };
    }
}
