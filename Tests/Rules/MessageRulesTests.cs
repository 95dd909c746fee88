using CreatiWall.Broker.Identity;
using CreatiWall.Broker.Mqtt.Rules;
using MQTTnet.Protocol;

namespace CreatiWall.Tests.Rules;

/// <summary>SUBSCRIBE and PUBLISH (wills included) as truth tables.</summary>
public sealed class MessageRulesTests
{
    static Principal User(string sub, params string[] devices) => new("t1", sub, Role.User, devices.ToHashSet(), DateTimeOffset.MaxValue);

    static Principal Device(string id) => new("t1", id, Role.Device, new HashSet<string>(), DateTimeOffset.MaxValue, id);

    [Theory]
    [InlineData("cw/t1/broadcast", MqttSubscribeReasonCode.GrantedQoS1, true, MqttQualityOfServiceLevel.AtLeastOnce)]
    [InlineData("cw/t1/+", MqttSubscribeReasonCode.GrantedQoS2, true, MqttQualityOfServiceLevel.ExactlyOnce)]
    [InlineData("cw/t1/#", MqttSubscribeReasonCode.GrantedQoS0, false, MqttQualityOfServiceLevel.AtMostOnce)]
    [InlineData("cw/t2/broadcast", MqttSubscribeReasonCode.GrantedQoS0, false, MqttQualityOfServiceLevel.AtMostOnce)]
    public void Subscribe(string filter, MqttSubscribeReasonCode offered, bool granted, MqttQualityOfServiceLevel qos) =>
        Assert.Equal(new SubscribeDecision(granted, qos), SubscribeRules.Decide(User("alice"), filter, offered));

    /// <summary>Columns: who (alice, owner of d1; or device d1), topic, retain, as will, device back; then verdict, kept, is an ack.</summary>
    [Theory]
    [InlineData("alice", "cw/t1/broadcast", false, false, false, "Deliver", false, false)]
    [InlineData("alice", "cw/t1/broadcast", true, false, false, "Deliver", false, false)] // retained broadcast: delivered, not kept
    [InlineData("alice", "cw/t1/channels/menu", true, false, false, "Deliver", true, false)]
    [InlineData("alice", "cw/t2/broadcast", false, false, false, "Refuse", false, false)]
    [InlineData("alice", "cw/t1/devices/d1/layout", false, false, false, "Refuse", false, false)] // server only
    [InlineData("d1", "cw/t1/devices/d1/ack", false, false, false, "Deliver", false, true)]
    [InlineData("d1", "cw/t1/devices/d1/status", false, false, false, "Refuse", false, false)] // only as its will
    [InlineData("d1", "cw/t1/devices/d1/status", true, true, false, "Deliver", false, false)] // the will: delivered, not kept
    [InlineData("d1", "cw/t1/devices/d1/status", true, true, true, "Drop", false, false)] // the device is already back
    [InlineData("d1", "cw/t1/devices/d2/status", false, true, false, "Refuse", false, false)]
    public void Publish(string who, string topic, bool retain, bool asWill, bool deviceBack, string verdict, bool kept, bool isAck)
    {
        var principal = who == "d1" ? Device("d1") : User("alice", "d1");
        var decision = PublishRules.Decide(new PublishRequest(principal, topic, retain, asWill, deviceBack));
        Assert.Equal((Enum.Parse<PublishVerdict>(verdict), kept, isAck), (decision.Verdict, decision.Retain, decision.IsLayoutAck));
    }
}
