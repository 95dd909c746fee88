using System.Net;
using System.Security.Cryptography.X509Certificates;
using CreatiWall.Broker.Metrics;
using MQTTnet.Adapter;
using MQTTnet.Formatter;
using MQTTnet.Packets;

namespace CreatiWall.Broker.Mqtt;

/// <summary>
/// Wraps one transport connection (TCP or WebSocket) so the broker sees what MQTTnet's events hide:
/// the CONNECT packet (will topic, keepalive), an inbound DISCONNECT, and when reading stopped.
/// </summary>
internal sealed class ObservedChannel(IMqttChannelAdapter inner, TrafficCounters traffic, TimeProvider time) : IMqttChannelAdapter
{
    /// <summary>How long a client may take to close the connection after the server sent it DISCONNECT.</summary>
    static readonly TimeSpan DisconnectGrace = TimeSpan.FromSeconds(1);

    readonly CancellationTokenSource _receiveCancel = new();
    CancellationToken _forwarded;
    CancellationTokenRegistration _forwarding;
    volatile bool _sentDisconnect;
    int _ended;
    long _lastReceived = time.GetTimestamp();
    SendWindow? _window;

    /// <summary>The CONNECT packet, once received.</summary>
    public MqttConnectPacket? ConnectPacket { get; private set; }

    /// <summary>The client sent DISCONNECT: whatever happens to the socket after it, the end was clean.</summary>
    public bool ReceivedDisconnect { get; private set; }

    /// <summary>No more packets will be read from this connection (the will, if any, is now due).</summary>
    public bool ReceiveEnded => Volatile.Read(ref _ended) == 1;

    /// <summary>How long ago the client's last packet arrived.</summary>
    public TimeSpan SinceLastPacket => time.GetElapsedTime(Volatile.Read(ref _lastReceived));

    TenantTraffic? _tenantTraffic;
    MqttConnection? _connection;

    /// <summary>The authenticated connection, set when CONNECT was accepted; from then on its tenant's messages are counted.</summary>
    public MqttConnection? Connection
    {
        get => _connection;
        set
        {
            _connection = value;
            _tenantTraffic = value is null ? null : traffic.For(value.Principal.Tenant);
        }
    }

    /// <summary>Awaited after reading ended and before MQTTnet learns of it (and so before it cleans the session up).</summary>
    public Func<Task>? BeforeEndReported { get; set; }

    public long BytesReceived => inner.BytesReceived;
    public long BytesSent => inner.BytesSent;
    public X509Certificate2 ClientCertificate => inner.ClientCertificate;
    public EndPoint RemoteEndPoint => inner.RemoteEndPoint;
    public EndPoint LocalEndPoint => inner.LocalEndPoint;
    public bool IsSecureConnection => inner.IsSecureConnection;
    public MqttPacketFormatterAdapter PacketFormatterAdapter => inner.PacketFormatterAdapter;

    public Task ConnectAsync(CancellationToken cancellationToken) => inner.ConnectAsync(cancellationToken);

    /// <summary>
    /// Closes the transport. One the broker ended for a limit with a DISCONNECT (MQTT 5) is drained first, so the client
    /// reads what was sent before it and the DISCONNECT itself; MQTTnet's timeout (the connect timeout) bounds the wait.
    /// </summary>
    public Task DisconnectAsync(CancellationToken cancellationToken)
    {
        MarkEnded();
        return Connection is { Limited: true } && _sentDisconnect && inner is IDrainingChannel draining
            ? draining.DrainAndDisconnectAsync(cancellationToken)
            : inner.DisconnectAsync(cancellationToken);
    }

    public async Task<MqttPacket> ReceivePacketAsync(CancellationToken cancellationToken)
    {
        ForwardCancellation(cancellationToken);
        MqttPacket? packet;
        try
        {
            packet = await inner.ReceivePacketAsync(_receiveCancel.Token).ConfigureAwait(false);
        }
        catch
        {
            await EndReadingAsync().ConfigureAwait(false);
            throw;
        }

        Volatile.Write(ref _lastReceived, time.GetTimestamp());
        _window?.OnReceived(packet);
        switch (packet)
        {
            case null:
                await EndReadingAsync().ConfigureAwait(false);
                break;
            case MqttConnectPacket connect when ConnectPacket is null:
                OnConnect(connect);
                break;
            case MqttDisconnectPacket disconnect:
                Connection?.OnDisconnect(disconnect);
                ReceivedDisconnect = true;
                await EndReadingAsync().ConfigureAwait(false);
                break;
            case MqttPublishPacket:
                traffic.MessageReceived();
                _tenantTraffic?.MessageReceived();
                break;
            case MqttSubscribePacket subscribe:
                Connection?.OnSubscribe(subscribe);
                break;
        }

        return packet!;
    }

    public void ResetStatistics() => inner.ResetStatistics();

    public Task SendPacketAsync(MqttPacket packet, CancellationToken cancellationToken) =>
        _window is { } window && SendWindow.Holds(packet) ? SendInWindowAsync(window, packet, cancellationToken) : SendNowAsync(packet, cancellationToken);

    async Task SendInWindowAsync(SendWindow window, MqttPacket packet, CancellationToken cancellationToken)
    {
        await window.EnterAsync(cancellationToken).ConfigureAwait(false);
        await SendNowAsync(packet, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Whether <paramref name="message"/>, as a PUBLISH on this connection, stays within <paramref name="maximum"/> bytes;
    /// one that does not is counted as dropped.
    /// </summary>
    public bool Fits(MQTTnet.MqttApplicationMessage message, uint maximum)
    {
        if (PublishSize.Of(message, inner.PacketFormatterAdapter.ProtocolVersion == MqttProtocolVersion.V500) <= maximum)
        {
            return true;
        }

        traffic.MessageDropped();
        return false;
    }

    Task SendNowAsync(MqttPacket packet, CancellationToken cancellationToken)
    {
        if (packet is MqttPublishPacket)
        {
            traffic.MessageSent();
            _tenantTraffic?.MessageSent();
        }
        else if (packet is MqttDisconnectPacket)
        {
            _sentDisconnect = true;
        }
        else if (packet is MqttConnAckPacket connAck)
        {
            ConnAckCompletion.Complete(connAck, Connection);
        }

        return inner.SendPacketAsync(packet, cancellationToken);
    }

    public void Dispose()
    {
        MarkEnded();
        traffic.ConnectionClosed(inner.BytesReceived, inner.BytesSent);

        _forwarding.Dispose();
        _receiveCancel.Dispose();
        _window?.Dispose();
        inner.Dispose();
    }

    /// <summary>
    /// MQTTnet stops a connection by cancelling the pending read right after sending DISCONNECT; the transport then
    /// aborts and may drop the DISCONNECT (0x8E, 0x98, 0xA0) before it left. After a DISCONNECT the read is cancelled
    /// only once the client had time to close the connection itself, as MQTT 5 requires it to.
    /// </summary>
    void ForwardCancellation(CancellationToken token)
    {
        if (token == _forwarded)
        {
            return;
        }

        _forwarding.Dispose();
        _forwarded = token;
        _forwarding = token.Register(static state =>
        {
            var channel = (ObservedChannel)state!;
            try
            {
                if (channel._sentDisconnect)
                {
                    channel._receiveCancel.CancelAfter(DisconnectGrace);
                }
                else
                {
                    channel._receiveCancel.Cancel();
                }
            }
            catch (ObjectDisposedException)
            {
                // the connection is already gone
            }
        }, this);
    }

    void OnConnect(MqttConnectPacket connect)
    {
        ConnectPacket = connect;
        if (connect.ReceiveMaximum is > 0 and < ushort.MaxValue && inner.PacketFormatterAdapter.ProtocolVersion == MqttProtocolVersion.V500)
        {
            _window = new SendWindow(connect.ReceiveMaximum);
        }

        // MQTT 3.1.1 lets the server assign an id to a clean-session client that sent none; MQTTnet only does it
        // for v5 (through AssignedClientIdentifier, which also tells the client).
        if (string.IsNullOrEmpty(connect.ClientId) && connect.CleanSession &&
            inner.PacketFormatterAdapter.ProtocolVersion != MqttProtocolVersion.V500)
        {
            connect.ClientId = ClientIds.NewAssigned();
        }
    }

    void MarkEnded() => Interlocked.Exchange(ref _ended, 1);

    /// <summary>Reading ended: marked first, then <see cref="BeforeEndReported"/> is awaited before MQTTnet hears of it.</summary>
    Task EndReadingAsync()
    {
        MarkEnded();
        return BeforeEndReported?.Invoke() ?? Task.CompletedTask;
    }
}
