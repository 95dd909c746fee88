using MQTTnet.Packets;
using MQTTnet.Protocol;

namespace CreatiWall.Broker.Mqtt;

/// <summary>
/// MQTT 5 flow control (§4.9): at most the client's Receive Maximum QoS 1 and 2 PUBLISH packets unacknowledged at a
/// time. A PUBLISH beyond it waits until a PUBACK, a PUBCOMP or a failed PUBREC frees a place; other packets never wait.
/// </summary>
internal sealed class SendWindow(ushort receiveMaximum) : IDisposable
{
    readonly SemaphoreSlim _places = new(receiveMaximum, receiveMaximum);

    public static bool Holds(MqttPacket packet) => packet is MqttPublishPacket { QualityOfServiceLevel: > MqttQualityOfServiceLevel.AtMostOnce };

    public Task EnterAsync(CancellationToken cancellationToken) => _places.WaitAsync(cancellationToken);

    /// <summary>A packet from the client that ends one of its in-flight deliveries frees a place.</summary>
    public void OnReceived(MqttPacket packet)
    {
        if (packet is MqttPubAckPacket or MqttPubCompPacket or MqttPubRecPacket { ReasonCode: >= MqttPubRecReasonCode.UnspecifiedError })
        {
            try
            {
                _places.Release();
            }
            catch (SemaphoreFullException)
            {
                // an acknowledgement of nothing in flight (a duplicate): no place to free
            }
        }
    }

    public void Dispose() => _places.Dispose();
}
