using CreatiWall.Broker.Access;
using CreatiWall.Broker.Identity;
using CreatiWall.Broker.Mqtt.Limits;
using MQTTnet.Packets;

namespace CreatiWall.Broker.Mqtt;

/// <summary>One accepted MQTT connection: who it is, and how it ended.</summary>
internal sealed class MqttConnection(string clientId, Principal principal, ObservedChannel channel, TimeProvider time) : IDisposable
{
    /// <summary>Session-item key under which the current connection of a session is kept.</summary>
    public const string SessionItemKey = "cw.connection";

    /// <summary>Prefix that turns a forbidden <c>$share/…</c> filter into one the subscription check refuses.</summary>
    internal const char ForbiddenMark = '\0';

    readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    readonly TaskCompletionSource _settled = new(TaskCreationOptions.RunContinuationsAsynchronously);
    int _endedBy; // 0 = not ended by the server, else EndReason + 1
    ITimer? _expiry;

    public string ClientId { get; } = clientId;
    public Principal Principal { get; } = principal;
    public ObservedChannel Channel { get; } = channel;
    public DateTimeOffset ConnectedAt { get; } = time.GetUtcNow();

    /// <summary>
    /// Names this connection across a cluster (<c>node|unique id</c>): who holds a device's presence or a client id is
    /// compared by it, so the end of an older connection never undoes a newer one's claim.
    /// </summary>
    public string Holder { get; init; } = Guid.NewGuid().ToString("N");

    /// <summary>The largest packet the client accepts (its CONNECT's Maximum Packet Size, MQTT 5); 0: no limit of its own.</summary>
    public uint ClientMaxPacketSize => Channel.ConnectPacket?.MaximumPacketSize ?? 0;

    /// <summary>MQTT 5: the keepalive the server set instead of the client's (0 or above <c>Mqtt:MaxKeepAliveSeconds</c>); else null.</summary>
    public ushort? ServerKeepAlive { get; init; }

    /// <summary>The largest packet the server accepts (<c>Mqtt:MaxPacketBytes</c>), announced in CONNACK.</summary>
    public uint ServerMaxPacketSize { get; init; }

    /// <summary>Another node has a newer connection of this client id or device: this one's end must say nothing (no will of its status).</summary>
    public bool Superseded { get => Volatile.Read(ref _superseded); set => Volatile.Write(ref _superseded, value); }

    bool _superseded;

    /// <summary>What this connection may still publish (<c>Mqtt:PublishesPerSecond</c>, <c>Mqtt:PublishBytesPerSecond</c>).</summary>
    public PublishBudget? Publishes { get; init; }

    int _limited;

    /// <summary>True the first time only: the server ends this connection for a limit, once however often it is hit meanwhile.</summary>
    public bool TryMarkLimited() => Interlocked.Exchange(ref _limited, 1) == 0;

    /// <summary>The server is ending this connection for a limit it hit: what it still sends is dropped.</summary>
    public bool Limited => Volatile.Read(ref _limited) == 1;

    /// <summary>The session expiry the CONNECT asked for (MQTT 5).</summary>
    public uint SessionExpiryRequested { get; init; }

    /// <summary>Seconds the session may outlive the connection, as granted (<see cref="SessionExpiry.Granted"/>).</summary>
    public uint SessionExpiryGranted { get; init; }

    public uint SessionExpiryMax { get; init; }

    /// <summary>MQTTnet keeps this session after the connection unless the broker deletes it (<see cref="SessionExpiry.KeptByMqttnet"/>).</summary>
    public bool SessionKeptByMqttnet { get; init; }

    /// <summary>Seconds the session outlives this connection: as granted, unless the client's DISCONNECT set another interval.</summary>
    public uint SessionExpiryAfterEnd => _disconnect is { } disconnect
        ? SessionExpiry.AfterEnd(SessionExpiryGranted, disconnect, SessionExpiryMax)
        : SessionExpiryGranted;

    MqttDisconnectPacket? _disconnect;

    /// <summary>
    /// Called with the client's DISCONNECT before MQTTnet sees it: the interval it sets is held to the same rules, so
    /// MQTTnet keeps (or drops) the session exactly as the broker expires it.
    /// </summary>
    internal void OnDisconnect(MqttDisconnectPacket disconnect)
    {
        _disconnect = disconnect;
        disconnect.SessionExpiryInterval = SessionExpiryAfterEnd;
    }

    /// <summary>Completes once MQTTnet is done with this connection, its session cleanup included.</summary>
    public Task Closed => _closed.Task;

    internal void MarkClosed()
    {
        _settled.TrySetResult();
        _closed.TrySetResult();
    }

    /// <summary>
    /// Completes once this accepted CONNECT no longer stands between MQTTnet and an older connection of the same client
    /// id: MQTTnet has set its session up (and taken the older connection over), it gave way, or it ended.
    /// </summary>
    public Task Settled => _settled.Task;

    internal void Settle() => _settled.TrySetResult();

    /// <summary>Records that the server ends this connection, so its end is reported with that reason.</summary>
    public void EndBy(EndReason reason) => Interlocked.CompareExchange(ref _endedBy, (int)reason + 1, 0);

    public EndReason EndReason => Volatile.Read(ref _endedBy) is > 0 and var by
        ? (EndReason)(by - 1)
        : EndReasons.Of(Channel.ReceivedDisconnect, Channel.ConnectPacket?.KeepAlivePeriod ?? 0, Channel.SinceLastPacket);

    /// <summary>The device this connection acts as, with its tenant; null for a user's or operator's connection.</summary>
    public (string Tenant, string Device)? DeviceKey => Principal.ActingDevice is { } device ? (Principal.Tenant, device) : null;

    /// <summary>Calls <paramref name="onExpired"/> when the token that opened this connection expires.</summary>
    public void ScheduleExpiry(Action<MqttConnection> onExpired)
    {
        var due = Principal.ExpiresAt - time.GetUtcNow();
        if (due > TimeSpan.FromDays(30))
        {
            return; // Timers cannot wait that long; such a token outlives any realistic connection.
        }

        _expiry = time.CreateTimer(_ => onExpired(this), null, due < TimeSpan.Zero ? TimeSpan.Zero : due, Timeout.InfiniteTimeSpan);
    }

    /// <summary>
    /// The subscription identifier (MQTT 5) of the SUBSCRIBE being processed: MQTTnet's subscription events do not carry
    /// it, and a client's packets are processed one at a time.
    /// </summary>
    public uint SubscriptionIdentifier { get; private set; }

    /// <summary>Called with each SUBSCRIBE as it is read, before MQTTnet processes it.</summary>
    internal void OnSubscribe(MqttSubscribePacket subscribe)
    {
        SubscriptionIdentifier = subscribe.SubscriptionIdentifier;
        MarkForbiddenSharedSubscriptions(subscribe);
    }

    /// <summary>
    /// MQTTnet answers every <c>$share/</c> filter itself (0x9E) before any interceptor runs; a forbidden one must be
    /// refused as not authorized instead, so it is marked here and refused by the subscription check.
    /// </summary>
    void MarkForbiddenSharedSubscriptions(MqttSubscribePacket subscribe)
    {
        foreach (var filter in subscribe.TopicFilters)
        {
            if (filter.Topic is { } topic && topic.StartsWith("$share/", StringComparison.Ordinal) &&
                !AccessPolicy.IsAllowed(Principal, AccessAction.Subscribe, topic))
            {
                filter.Topic = ForbiddenMark + topic;
            }
        }
    }

    public void Dispose() => _expiry?.Dispose();
}
