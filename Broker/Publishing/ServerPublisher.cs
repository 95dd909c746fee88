using System.Text.Json.Nodes;
using CreatiWall.Broker.Access;
using CreatiWall.Broker.Mqtt;
using CreatiWall.Broker.Storage;
using MQTTnet;
using MQTTnet.Protocol;
using MQTTnet.Server;

namespace CreatiWall.Broker.Publishing;

/// <summary>Publishes envelopes as the server, straight into the broker (no loopback client).</summary>
internal sealed class ServerPublisher(MqttServerHandle server, ISequenceStore sequences, IHistoryStore history, BrokerLifecycle lifecycle, TimeProvider time)
{
    public async Task<Envelope> PublishAsync(
        string tenant,
        string topic,
        string channel,
        string type,
        JsonNode? data,
        Sender sender,
        MqttQualityOfServiceLevel qos = MqttQualityOfServiceLevel.AtLeastOnce,
        bool retain = false,
        string? id = null)
    {
        var envelope = await CreateAsync(tenant, channel, type, data, sender, id);
        await PublishAsync(tenant, topic, envelope, qos, retain);
        return envelope;
    }

    /// <summary>An envelope with its <c>seq</c> taken, not yet published.</summary>
    public async Task<Envelope> CreateAsync(string tenant, string channel, string type, JsonNode? data, Sender sender, string? id = null) =>
        Create(channel, type, data, sender, await sequences.NextSeqAsync(tenant), id);

    /// <summary>An envelope with a <c>seq</c> taken beforehand (<see cref="ISequenceStore.NextSeqsAsync"/>).</summary>
    public Envelope Create(string channel, string type, JsonNode? data, Sender sender, long seq, string? id = null) =>
        new(id ?? Envelope.NewId(), type, channel, data, sender, time.GetUtcNow(), seq);

    /// <summary>
    /// Publishes <paramref name="envelope"/>; on a history channel (broadcast, users, content, custom channels) it is
    /// kept for catch-up first, so a subscriber that misses it live can still recover it.
    /// </summary>
    public async Task PublishAsync(string tenant, string topic, Envelope envelope, MqttQualityOfServiceLevel qos = MqttQualityOfServiceLevel.AtLeastOnce, bool retain = false)
    {
        var payload = envelope.ToUtf8();
        if (IsHistoryTopic(topic))
        {
            await history.AppendHistoryAsync(tenant, topic, envelope.Seq, envelope.Timestamp, payload);
        }

        await InjectAsync(topic, payload, qos, retain);
    }

    static bool IsHistoryTopic(string topic) =>
        TopicTable.Match(topic, out var rows) == 1 && rows[0].Kind is TopicKind.Broadcast or TopicKind.User or TopicKind.Content or TopicKind.Channel;

    /// <summary>Sends bytes as the server (once it has fully started); the retained copy is updated before this returns.</summary>
    public async Task InjectAsync(string topic, byte[] payload, MqttQualityOfServiceLevel qos, bool retain)
    {
        await lifecycle.Started;
        var message = new MqttApplicationMessageBuilder()
            .WithTopic(topic)
            .WithPayload(payload)
            .WithContentType("application/json")
            .WithPayloadFormatIndicator(MqttPayloadFormatIndicator.CharacterData)
            .WithQualityOfServiceLevel(qos)
            .WithRetainFlag(retain)
            .Build();
        await server.Server.InjectApplicationMessage(new InjectedMqttApplicationMessage(message) { SenderClientId = "server" });
    }

    /// <summary>Publishes another client's message as the server would (a dead node's client's will): routed and relayed as is.</summary>
    public async Task InjectAsync(MqttApplicationMessage message, string senderClientId)
    {
        await lifecycle.Started;
        await server.Server.InjectApplicationMessage(new InjectedMqttApplicationMessage(message) { SenderClientId = senderClientId });
    }
}
