using System.ComponentModel.DataAnnotations;

namespace CreatiWall.Broker.Mqtt;

/// <summary>What a client gets when it publishes faster than its limits allow.</summary>
public enum PublishLimitAction
{
    /// <summary>MQTT 5: DISCONNECT 0x96 (message rate too high); MQTT 3.1.1: the connection is closed.</summary>
    Disconnect,

    /// <summary>The message is dropped and counted (MQTT 5 QoS 1: PUBACK 0x97); the connection stays.</summary>
    Drop,
}

/// <summary>
/// The limits of section <c>Mqtt</c>: per remote address, per tenant, per client. Each is counted in
/// <c>cw_mqtt_limits_hit_total</c> and logged at most once per 10 s per kind when hit. The defaults leave room for a
/// site of 2,000 screens behind one NAT address reconnecting at once, and for the test suite's bursts from 127.0.0.1.
/// </summary>
public sealed partial class MqttOptions : IValidatableObject
{
    /// <summary>CONNECTs per second from one remote address (IPv6: one /64), beyond the burst; 0 turns the limit off.</summary>
    [Range(0d, 1_000_000d)]
    public double ConnectsPerAddressPerSecond { get; set; } = 200;

    /// <summary>CONNECTs one remote address may send at once before <see cref="ConnectsPerAddressPerSecond"/> applies.</summary>
    [Range(1, 1_000_000)]
    public int ConnectBurstPerAddress { get; set; } = 2000;

    /// <summary>
    /// Failed authentications (CONNACK 0x86) from one address within <see cref="AuthFailureWindowSeconds"/> that ban it for
    /// <see cref="AuthBanSeconds"/> (CONNACK 0x8A, whatever the token); 0 turns bans off.
    /// </summary>
    [Range(0, 1_000_000)]
    public int AuthFailuresPerAddress { get; set; } = 100;

    [Range(1, 86_400)]
    public int AuthFailureWindowSeconds { get; set; } = 60;

    [Range(1, 86_400)]
    public int AuthBanSeconds { get; set; } = 60;

    /// <summary>Live connections of one tenant on this node; a CONNECT for one more is refused (0x97) unless it takes its own session over.</summary>
    [Range(1, 100_000_000)]
    public int MaxConnectionsPerTenant { get; set; } = 100_000;

    /// <summary>PUBLISH packets per second one client may send, beyond the burst; 0 turns the limit off.</summary>
    [Range(0d, 10_000_000d)]
    public double PublishesPerSecond { get; set; } = 1000;

    [Range(1, 100_000_000)]
    public int PublishBurst { get; set; } = 20_000;

    /// <summary>Payload bytes per second one client may publish, beyond the burst; 0 turns the limit off.</summary>
    [Range(0L, 100L * 1024 * 1024 * 1024)]
    public long PublishBytesPerSecond { get; set; } = 10 * 1024 * 1024;

    /// <summary>At least <see cref="MaxPacketBytes"/>, or the largest packet allowed could never pass.</summary>
    [Range(1024L, 100L * 1024 * 1024 * 1024)]
    public long PublishBytesBurst { get; set; } = 64 * 1024 * 1024;

    [EnumDataType(typeof(PublishLimitAction))]
    public PublishLimitAction PublishLimitAction { get; set; } = PublishLimitAction.Disconnect;

    /// <summary>Topic filters one session may hold; the ones beyond are refused (SUBACK 0x97).</summary>
    [Range(1, 1_000_000)]
    public int MaxSubscriptionsPerClient { get; set; } = 100;

    /// <summary>
    /// The longest topic name or filter, in UTF-8 bytes; a longer one is refused (PUBACK 0x90, SUBACK 0x8F). The contract's
    /// longest topic (two 128-character ids) has 275.
    /// </summary>
    [Range(64, 65_535)]
    public int MaxTopicLength { get; set; } = 1024;

    /// <summary>The most levels (parts between <c>/</c>) in a topic name or filter; more are refused as too long are.</summary>
    [Range(8, 1024)]
    public int MaxTopicLevels { get; set; } = 16;

    /// <summary>
    /// A connected client whose queue (<see cref="MaxPendingMessagesPerClient"/>) overflows is disconnected (MQTT 5:
    /// DISCONNECT 0x97) instead of losing its oldest messages without a word. Kept sessions still drop and count.
    /// </summary>
    public bool DisconnectSlowConsumers { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (PublishBytesPerSecond > 0 && PublishBytesBurst < MaxPacketBytes)
        {
            yield return new ValidationResult(
                $"Mqtt:PublishBytesBurst ({PublishBytesBurst}) must be at least Mqtt:MaxPacketBytes ({MaxPacketBytes}): a packet of that size could never pass.",
                [nameof(PublishBytesBurst)]);
        }
    }
}
