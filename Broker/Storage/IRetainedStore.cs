using MQTTnet;

namespace CreatiWall.Broker.Storage;

/// <summary>The broker's retained messages, kept across restarts: at most one per topic.</summary>
internal interface IRetainedStore
{
    /// <summary>
    /// Stores <paramref name="message"/> as its topic's retained message (an empty payload deletes the topic's);
    /// completes once durable. Saves are applied in the order they are called, also when their tasks are not awaited
    /// (<see cref="IStoreDurability.FlushAsync"/> then tells when they are durable).
    /// </summary>
    Task SaveRetainedAsync(MqttApplicationMessage message);

    /// <summary>Every stored retained message (topic, payload, QoS, content type, payload format), in no particular order.</summary>
    Task<List<MqttApplicationMessage>> LoadRetainedAsync();
}
