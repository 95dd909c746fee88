using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Threading.Channels;
using MQTTnet.Adapter;
using MQTTnet.Formatter;
using MQTTnet.Packets;

namespace CreatiWall.Tests.Support;

/// <summary>An MQTT connection in memory: the test writes the client's packets and reads what the broker sent back.</summary>
public sealed class MemoryChannel(MqttProtocolVersion version = MqttProtocolVersion.V500) : IMqttChannelAdapter
{
    readonly Channel<MqttPacket> _inbound = Channel.CreateUnbounded<MqttPacket>();
    readonly Channel<MqttPacket> _outbound = Channel.CreateUnbounded<MqttPacket>();

    public MqttPacketFormatterAdapter PacketFormatterAdapter { get; } = new(version, new MqttBufferWriter(256, 4096));

    public long BytesReceived => 0;
    public long BytesSent => 0;
    public X509Certificate2 ClientCertificate => null!;
    public EndPoint RemoteEndPoint { get; } = new IPEndPoint(IPAddress.Loopback, 50000);
    public EndPoint LocalEndPoint { get; } = new IPEndPoint(IPAddress.Loopback, 1883);
    public bool IsSecureConnection => false;

    /// <summary>Sends <paramref name="packet"/> as the client.</summary>
    public void Send(MqttPacket packet) => _inbound.Writer.TryWrite(packet);

    /// <summary>The client closes the connection.</summary>
    public void Close() => _inbound.Writer.TryComplete();

    /// <summary>The next packet the broker sent.</summary>
    public async Task<MqttPacket> ReceiveAsync() => await _outbound.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));

    public Task ConnectAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task DisconnectAsync(CancellationToken cancellationToken)
    {
        _inbound.Writer.TryComplete();
        return Task.CompletedTask;
    }

    public async Task<MqttPacket> ReceivePacketAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await _inbound.Reader.ReadAsync(cancellationToken);
        }
        catch (ChannelClosedException)
        {
            return null!; // MQTTnet's adapters answer a closed connection with no packet
        }
    }

    public Task SendPacketAsync(MqttPacket packet, CancellationToken cancellationToken)
    {
        _outbound.Writer.TryWrite(packet);
        return Task.CompletedTask;
    }

    public void ResetStatistics()
    {
    }

    public void Dispose() => _inbound.Writer.TryComplete();
}
