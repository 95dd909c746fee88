using MQTTnet.Packets;
using MQTTnet.Protocol;

namespace CreatiWall.Broker.Mqtt;

internal static class ConnAckCompletion
{
    /// <summary>What MQTTnet's CONNACK leaves out: a lowered session expiry (MQTT 5), and 3.1.1 codes for quota, rate and ban refusals.</summary>
    public static void Complete(MqttConnAckPacket connAck, MqttConnection? connection)
    {
        connAck.TopicAliasMaximum = 0; // MQTTnet offers 65,535 and keeps each aliased topic, whatever becomes of the publish
        if (connection is { ServerMaxPacketSize: > 0 and var maximum })
        {
            connAck.MaximumPacketSize = maximum;
        }

        if (connection?.ServerKeepAlive is { } keepAlive)
        {
            connAck.ServerKeepAlive = keepAlive;
        }

        if (connection is not null && connection.SessionExpiryGranted < connection.SessionExpiryRequested)
        {
            connAck.SessionExpiryInterval = connection.SessionExpiryGranted;
        }

        if (connAck.ReasonCode is MqttConnectReasonCode.QuotaExceeded or MqttConnectReasonCode.ConnectionRateExceeded)
        {
            connAck.ReturnCode = MqttConnectReturnCode.ConnectionRefusedServerUnavailable; // MQTTnet maps both to 1, "unacceptable protocol version"
        }
        else if (connAck.ReasonCode == MqttConnectReasonCode.Banned)
        {
            // MQTTnet says 5, "not authorized", which many 3.1.1 clients take as final; a ban lasts seconds: "try again later".
            connAck.ReturnCode = MqttConnectReturnCode.ConnectionRefusedServerUnavailable;
        }
    }
}
