using CreatiWall.Broker.Access;
using CreatiWall.Broker.Identity;
using MQTTnet.Protocol;

namespace CreatiWall.Broker.Mqtt.Rules;

/// <summary>A filter granted at a QoS, or refused (SUBACK 0x87 in MQTT 5, 0x80 in 3.1.1).</summary>
internal readonly record struct SubscribeDecision(bool Granted, MqttQualityOfServiceLevel Qos)
{
    public static SubscribeDecision Refused => new(false, default);
}

internal static class SubscribeRules
{
    /// <summary>
    /// <paramref name="offered"/> is what the server would grant the filter (the QoS asked for). A filter is granted only
    /// when every topic it can reach is allowed (<see cref="AccessPolicy"/>).
    /// </summary>
    public static SubscribeDecision Decide(Principal principal, string filter, MqttSubscribeReasonCode offered) =>
        AccessPolicy.IsAllowed(principal, AccessAction.Subscribe, filter)
            ? new SubscribeDecision(true, offered switch
            {
                MqttSubscribeReasonCode.GrantedQoS0 => MqttQualityOfServiceLevel.AtMostOnce,
                MqttSubscribeReasonCode.GrantedQoS1 => MqttQualityOfServiceLevel.AtLeastOnce,
                _ => MqttQualityOfServiceLevel.ExactlyOnce,
            })
            : SubscribeDecision.Refused;
}
