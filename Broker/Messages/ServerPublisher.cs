using System.Text.Json.Nodes;
using CreatiWall.Broker.Storage;
using MQTTnet;
using MQTTnet.Protocol;
using MQTTnet.Server;

namespace CreatiWall.Broker.Messages;

/// <summary>Publishes envelopes as the server, straight into the broker (no loopback client).</summary>
public sealed class ServerPublisher(MqttServer server, IBrokerStore store, TimeProvider? time = null)
{
    readonly TimeProvider _time = time ?? TimeProvider.System;

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
        var envelope = new Envelope(id ?? Envelope.NewId(), type, channel, data, sender, _time.GetUtcNow(), await store.NextSeqAsync(tenant));
        await InjectAsync(topic, envelope.ToUtf8(), qos, retain);
        return envelope;
    }

    /// <summary>Sends bytes as the server; the retained copy is updated before this returns.</summary>
    public Task InjectAsync(string topic, byte[] payload, MqttQualityOfServiceLevel qos, bool retain)
    {
        var message = new MqttApplicationMessageBuilder()
            .WithTopic(topic)
            .WithPayload(payload)
            .WithContentType("application/json")
            .WithPayloadFormatIndicator(MqttPayloadFormatIndicator.CharacterData)
            .WithQualityOfServiceLevel(qos)
            .WithRetainFlag(retain)
            .Build();
        return server.InjectApplicationMessage(new InjectedMqttApplicationMessage(message) { SenderClientId = "server" });
    }
}
