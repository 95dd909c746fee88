using System.Net;
using System.Security.Cryptography.X509Certificates;
using MQTTnet.Adapter;
using MQTTnet.Formatter;
using MQTTnet.Packets;

namespace CreatiWall.Broker.Mqtt;

/// <summary>
/// Wraps one transport connection (TCP or WebSocket) so the broker sees what MQTTnet's events hide:
/// the CONNECT packet (will topic, keepalive), an inbound DISCONNECT, and when reading stopped.
/// </summary>
public sealed class ObservedChannel(IMqttChannelAdapter inner) : IMqttChannelAdapter
{
    int _ended;

    /// <summary>The CONNECT packet, once received.</summary>
    public MqttConnectPacket? ConnectPacket { get; private set; }

    /// <summary>The client sent DISCONNECT: whatever happens to the socket after it, the end was clean.</summary>
    public bool ReceivedDisconnect { get; private set; }

    /// <summary>No more packets will be read from this connection (the will, if any, is now due).</summary>
    public bool ReceiveEnded => Volatile.Read(ref _ended) == 1;

    /// <summary>The authenticated connection, set when CONNECT was accepted.</summary>
    public MqttConnection? Connection { get; set; }

    public long BytesReceived => inner.BytesReceived;
    public long BytesSent => inner.BytesSent;
    public X509Certificate2 ClientCertificate => inner.ClientCertificate;
    public EndPoint RemoteEndPoint => inner.RemoteEndPoint;
    public EndPoint LocalEndPoint => inner.LocalEndPoint;
    public bool IsSecureConnection => inner.IsSecureConnection;
    public MqttPacketFormatterAdapter PacketFormatterAdapter => inner.PacketFormatterAdapter;

    public Task ConnectAsync(CancellationToken cancellationToken) => inner.ConnectAsync(cancellationToken);

    public Task DisconnectAsync(CancellationToken cancellationToken)
    {
        MarkEnded();
        return inner.DisconnectAsync(cancellationToken);
    }

    public async Task<MqttPacket> ReceivePacketAsync(CancellationToken cancellationToken)
    {
        MqttPacket? packet;
        try
        {
            packet = await inner.ReceivePacketAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            MarkEnded();
            throw;
        }

        switch (packet)
        {
            case null:
                MarkEnded();
                break;
            case MqttConnectPacket connect when ConnectPacket is null:
                OnConnect(connect);
                break;
            case MqttDisconnectPacket:
                ReceivedDisconnect = true;
                MarkEnded();
                break;
            case MqttSubscribePacket subscribe:
                Connection?.MarkForbiddenSharedSubscriptions(subscribe);
                break;
        }

        return packet!;
    }

    public void ResetStatistics() => inner.ResetStatistics();

    public Task SendPacketAsync(MqttPacket packet, CancellationToken cancellationToken) => inner.SendPacketAsync(packet, cancellationToken);

    public void Dispose()
    {
        MarkEnded();
        inner.Dispose();
    }

    void OnConnect(MqttConnectPacket connect)
    {
        ConnectPacket = connect;

        // MQTT 3.1.1 lets the server assign an id to a clean-session client that sent none; MQTTnet only does it
        // for v5 (through AssignedClientIdentifier, which also tells the client).
        if (string.IsNullOrEmpty(connect.ClientId) && connect.CleanSession &&
            inner.PacketFormatterAdapter.ProtocolVersion != MqttProtocolVersion.V500)
        {
            connect.ClientId = ClientIds.NewAssigned();
        }
    }

    void MarkEnded() => Interlocked.Exchange(ref _ended, 1);
}
