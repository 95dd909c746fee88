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

    public static TheoryData<string, PublishRequest, PublishDecision> Publishes() => new()
    {
        { "broadcast", new(User("alice"), "cw/t1/broadcast", false, false, false), new(PublishVerdict.Deliver) },
        { "retained broadcast: delivered, not kept", new(User("alice"), "cw/t1/broadcast", true, false, false), new(PublishVerdict.Deliver, Retain: false) },
        { "retained channel: kept", new(User("alice"), "cw/t1/channels/menu", true, false, false), new(PublishVerdict.Deliver, Retain: true) },
        { "another tenant", new(User("alice"), "cw/t2/broadcast", false, false, false), new(PublishVerdict.Refuse) },
        { "a layout (server only)", new(User("alice", "d1"), "cw/t1/devices/d1/layout", false, false, false), new(PublishVerdict.Refuse) },
        { "device's own ack", new(Device("d1"), "cw/t1/devices/d1/ack", false, false, false), new(PublishVerdict.Deliver, IsLayoutAck: true) },
        { "device's status, not as will", new(Device("d1"), "cw/t1/devices/d1/status", false, false, false), new(PublishVerdict.Refuse) },
        { "device's will on its status", new(Device("d1"), "cw/t1/devices/d1/status", true, true, false), new(PublishVerdict.Deliver, Retain: false) },
        { "will of a device already back", new(Device("d1"), "cw/t1/devices/d1/status", true, true, true), new(PublishVerdict.Drop) },
        { "will on another's status", new(Device("d1"), "cw/t1/devices/d2/status", false, true, false), new(PublishVerdict.Refuse) },
    };

    [Theory]
    [MemberData(nameof(Publishes))]
    public void Publish(string @case, PublishRequest request, PublishDecision expected) =>
        Assert.True(expected == PublishRules.Decide(request), @case);
}
