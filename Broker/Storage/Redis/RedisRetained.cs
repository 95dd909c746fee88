using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using MQTTnet;
using MQTTnet.Protocol;

namespace CreatiWall.Broker.Storage.Redis;

/// <summary>
/// One hash per tenant (field: the topic, value: the message, see <see cref="Encode"/>) and a set of the tenants that
/// have any. <c>$SYS</c> topics are never stored: each node has its own. A topic outside <c>cw/tenant/…</c> (none keeps
/// a retained message today) goes to the tenant <c>_</c>, which no valid tenant id can be.
/// </summary>
internal sealed class RedisRetained(RedisCalls calls) : IRetainedStore, IRetainedLookup
{
    const ushort NoContentType = ushort.MaxValue;

    /// <summary>One command each, sent at once: saves reach Redis in the order they are called, awaited or not.</summary>
    public Task SaveRetainedAsync(MqttApplicationMessage message)
    {
        if (message.Topic.StartsWith('$'))
        {
            return Task.CompletedTask;
        }

        var tenant = TenantOf(message.Topic);
        if (message.Payload.IsEmpty)
        {
            return calls.WriteAsync(calls.Db.HashDeleteAsync(RedisKeys.Retained(tenant), message.Topic));
        }

        var saved = calls.WriteAsync(calls.Db.HashSetAsync(RedisKeys.Retained(tenant), message.Topic, Encode(message)));
        var listed = calls.WriteAsync(calls.Db.SetAddAsync(RedisKeys.RetainedTenants, tenant));
        return Task.WhenAll(saved, listed);
    }

    /// <summary>
    /// Every tenant's retained messages: what a single node loads at start. Cluster mode does not call it (a node there
    /// reads through <see cref="IRetainedLookup"/> what its subscribers need).
    /// </summary>
    public async Task<List<MqttApplicationMessage>> LoadRetainedAsync()
    {
        var messages = new List<MqttApplicationMessage>();
        foreach (var tenant in await ListRetainedTenantsAsync())
        {
            messages.AddRange(await ListRetainedAsync(tenant));
        }

        return messages;
    }

    public async Task<MqttApplicationMessage?> GetRetainedAsync(string topic)
    {
        if (topic.StartsWith('$'))
        {
            return null;
        }

        var value = await RedisCalls.ReadAsync(calls.Db.HashGetAsync(RedisKeys.Retained(TenantOf(topic)), topic));
        return value.IsNull ? null : Decode(topic, (byte[])value!);
    }

    public async Task<IReadOnlyList<MqttApplicationMessage>> ListRetainedAsync(string tenant)
    {
        var entries = await RedisCalls.ReadAsync(calls.Db.HashGetAllAsync(RedisKeys.Retained(tenant)));
        return entries.Select(e => Decode(e.Name.ToString(), (byte[])e.Value!)).ToList();
    }

    public async Task<IReadOnlyList<string>> ListRetainedTenantsAsync() =>
        (await RedisCalls.ReadAsync(calls.Db.SetMembersAsync(RedisKeys.RetainedTenants))).Select(t => t.ToString()).ToList();

    /// <summary>The tenant of <c>cw/tenant/…</c>; <c>_</c> for any other topic.</summary>
    public static string TenantOf(string topic)
    {
        var parts = topic.Split('/', 3);
        return parts.Length == 3 && parts[0] == "cw" && Ids.IsValid(parts[1]) ? parts[1] : "_";
    }

    /// <summary>QoS (1 byte), payload format (1 byte), content type length (2 bytes, big-endian; FFFF: none), content type (UTF-8), payload.</summary>
    internal static byte[] Encode(MqttApplicationMessage message)
    {
        var contentType = message.ContentType is null ? [] : Encoding.UTF8.GetBytes(message.ContentType);
        var payload = message.Payload;
        var value = new byte[4 + contentType.Length + payload.Length];
        value[0] = (byte)message.QualityOfServiceLevel;
        value[1] = (byte)message.PayloadFormatIndicator;
        BinaryPrimitives.WriteUInt16BigEndian(value.AsSpan(2), message.ContentType is null ? NoContentType : checked((ushort)contentType.Length));
        contentType.CopyTo(value, 4);
        payload.CopyTo(value.AsSpan(4 + contentType.Length));
        return value;
    }

    internal static MqttApplicationMessage Decode(string topic, byte[] value)
    {
        var length = BinaryPrimitives.ReadUInt16BigEndian(value.AsSpan(2));
        var contentLength = length == NoContentType ? 0 : length;
        return new MqttApplicationMessageBuilder()
            .WithTopic(topic)
            .WithPayload(value.AsSpan(4 + contentLength).ToArray())
            .WithQualityOfServiceLevel((MqttQualityOfServiceLevel)value[0])
            .WithContentType(length == NoContentType ? null : Encoding.UTF8.GetString(value, 4, contentLength))
            .WithPayloadFormatIndicator((MqttPayloadFormatIndicator)value[1])
            .WithRetainFlag()
            .Build();
    }
}
