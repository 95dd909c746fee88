namespace CreatiWall.Contracts;

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
    /// The topic of <paramref name="channel"/> in <paramref name="tenant"/>. A <c>tenant:x</c> or <c>content:x</c> channel
    /// names its tenant: another tenant's is <see cref="ChannelTopic.Foreign"/>; a malformed one has an <see cref="ChannelTopic.Error"/>.
    /// </summary>
    public static ChannelTopic Resolve(string tenant, string channel)
    {
        var colon = channel.IndexOf(':');
        var kind = colon < 0 ? null : channel[..colon];
        var id = colon < 0 ? channel : channel[(colon + 1)..];
        if (!Ids.IsValid(id))
        {
            return ChannelTopic.Invalid($"'{channel}' is not a channel: names and ids match {Ids.Pattern}, with an optional tenant:, content:, user: or device: prefix");
        }

        return kind switch
        {
            null => new(Topics.Channel(tenant, id)),
            "tenant" or "content" when id != tenant => new(null, Foreign: true, Error: $"'{channel}' is another tenant's channel"),
            "tenant" => new(Topics.Broadcast(tenant)),
            "content" => new(Topics.Content(tenant)),
            "user" => new(Topics.User(tenant, id)),
            "device" => new(Topics.Device(tenant, id)),
            _ => ChannelTopic.Invalid($"'{channel}' has an unknown prefix: use tenant:, content:, user:, device: or a plain name"),
        };
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

/// <summary>Where a channel name leads: its topic, or why it leads nowhere.</summary>
public sealed record ChannelTopic(string? Topic, bool Foreign = false, string? Error = null)
{
    public static ChannelTopic Invalid(string error) => new(null, Error: error);
}
