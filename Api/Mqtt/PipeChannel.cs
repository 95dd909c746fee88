using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Runtime.InteropServices;
using System.Security.Cryptography.X509Certificates;
using CreatiWall.Broker.Mqtt;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http.Connections.Features;
using Microsoft.AspNetCore.Http.Features;
using MQTTnet.Adapter;
using MQTTnet.Exceptions;
using MQTTnet.Formatter;
using MQTTnet.Packets;
using MQTTnet.Protocol;

namespace CreatiWall.Api.Mqtt;

/// <summary>
/// MQTT packets on a Kestrel connection's pipes (TCP, or a WebSocket's messages), decoded and encoded by MQTTnet's
/// formatter. Replaces MQTTnet.AspNetCore's MqttConnectionContext, whose read loop spins at full CPU when the peer
/// half-closes with part of a packet buffered, and which buffers whatever length a packet announces. Here a packet is
/// judged by its fixed header before its body is read (<see cref="PacketFrame.Refusal"/>), a peer that has stopped
/// sending ends the connection, and so does one whose packet takes longer than the packet timeout to arrive.
/// </summary>
public sealed class PipeChannel(
    ConnectionContext connection,
    MqttPacketFormatterAdapter formatter,
    PipeChannel.Limits limits,
    Action<PacketRefusal, EndPoint?> refused) : IMqttChannelAdapter, IDrainingChannel
{
    /// <summary><c>Mqtt:MaxPacketBytes</c> and <c>Mqtt:PacketTimeoutSeconds</c>.</summary>
    public sealed record Limits(int MaxPacketBytes, TimeSpan PacketTimeout, TimeProvider Time);

    readonly PipeReader _input = connection.Transport.Input;
    readonly PipeWriter _output = connection.Transport.Output;
    readonly SemaphoreSlim _writing = new(1, 1);
    readonly PacketDeadline _deadline = new(limits.PacketTimeout, limits.Time, connection.Transport.Input.CancelPendingRead);
    bool _connectRead;

    public long BytesReceived { get; private set; }

    public long BytesSent { get; private set; }

    public MqttPacketFormatterAdapter PacketFormatterAdapter => formatter;

    public X509Certificate2 ClientCertificate =>
        connection.Features.Get<ITlsConnectionFeature>()?.ClientCertificate
        ?? connection.Features.Get<IHttpContextFeature>()?.HttpContext?.Connection.ClientCertificate!;

    public bool IsSecureConnection =>
        connection.Features.Get<ITlsConnectionFeature>() is not null
        || connection.Features.Get<IHttpContextFeature>()?.HttpContext?.Request.IsHttps == true;

    public EndPoint RemoteEndPoint => connection.RemoteEndPoint
        ?? (connection.Features.Get<IHttpConnectionFeature>() is { RemoteIpAddress: { } ip } http ? new IPEndPoint(ip, http.RemotePort) : null)!;

    public EndPoint LocalEndPoint => connection.LocalEndPoint
        ?? (connection.Features.Get<IHttpConnectionFeature>() is { LocalIpAddress: { } ip } http ? new IPEndPoint(ip, http.LocalPort) : null)!;

    public Task ConnectAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task DisconnectAsync(CancellationToken cancellationToken)
    {
        _input.Complete();
        _output.Complete();
        return Task.CompletedTask;
    }

    public async Task DrainAndDisconnectAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                var read = await _input.ReadAsync(cancellationToken).ConfigureAwait(false);
                _input.AdvanceTo(read.Buffer.End);
                if (read.IsCompleted || read.IsCanceled)
                {
                    break;
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or InvalidOperationException or IOException)
        {
            // the peer took too long, or reading had already ended: closed all the same
        }

        await DisconnectAsync(cancellationToken);
    }

    public async Task<MqttPacket> ReceivePacketAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                var read = await _input.ReadAsync(cancellationToken).ConfigureAwait(false);
                var buffer = read.Buffer;
                var status = PacketFrame.TryRead(buffer, out var frame);
                var refusal = status switch
                {
                    PacketFrame.Status.Malformed => new PacketRefusal("malformed-length", "a remaining length longer than four bytes"),
                    PacketFrame.Status.Read => frame.Refusal(first: !_connectRead, limits.MaxPacketBytes),
                    _ => null,
                };
                if (status == PacketFrame.Status.Read && refusal is null && buffer.Length >= frame.TotalLength)
                {
                    var packet = await DecodeAsync(buffer.Slice(0, frame.TotalLength), frame);
                    _input.AdvanceTo(buffer.GetPosition(frame.TotalLength));
                    _deadline.Whole();
                    if (PacketChecks.Refusal(packet) is { } unacceptable)
                    {
                        _connectRead &= packet is not MqttConnectPacket; // no DISCONNECT before a CONNACK: just closed
                        throw await RefuseAsync(unacceptable);
                    }

                    return packet;
                }

                if (refusal is null && read.IsCompleted && !buffer.IsEmpty)
                {
                    // The peer sent all it will send. With part of a packet left, reading again would return at once, for ever.
                    refusal = new PacketRefusal("ended-mid-packet", $"the connection was closed {buffer.Length} bytes into a packet");
                }

                if (refusal is null && !buffer.IsEmpty && _deadline.Partial())
                {
                    refusal = new PacketRefusal("packet-timeout", $"a packet took more than {limits.PacketTimeout.TotalSeconds:F0} s to arrive ({buffer.Length} bytes of it came)",
                        MqttDisconnectReasonCode.KeepAliveTimeout);
                }

                if (refusal is not null)
                {
                    _input.AdvanceTo(buffer.Start);
                    throw await RefuseAsync(refusal);
                }

                if (read.IsCompleted)
                {
                    _input.AdvanceTo(buffer.Start);
                    throw new MqttCommunicationException("the connection was closed");
                }

                cancellationToken.ThrowIfCancellationRequested();
                _input.AdvanceTo(buffer.Start, buffer.End);
            }
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // Nothing more is read after an error; what was written (a DISCONNECT) still leaves before the socket closes.
            // A cancelled read is no error: MQTTnet stops the connection and closes it (DisconnectAsync), perhaps drained.
            _input.Complete(exception);
            _output.Complete();
            throw;
        }
    }

    async Task<MqttPacket> DecodeAsync(ReadOnlySequence<byte> bytes, PacketFrame frame)
    {
        var body = bytes.Slice(frame.HeaderLength);
        if (!_connectRead && PacketChecks.ConnectRefusal(body) is { } malformed)
        {
            throw await RefuseAsync(malformed);
        }

        if (!_connectRead && ConnectHead.TryRead(body) is { IsMqtt3WithoutClientIdToKeep: true })
        {
            // MQTT 3.1.1 (3.1.3-8) wants CONNACK 2 here; MQTTnet's decoder throws instead, and the socket just closed.
            formatter.DetectProtocolVersion(new ReceivedMqttPacket(frame.FixedHeader, new ArraySegment<byte>(body.ToArray()), frame.TotalLength));
            await SendPacketAsync(new MqttConnAckPacket { ReturnCode = MqttConnectReturnCode.ConnectionRefusedIdentifierRejected }, CancellationToken.None);
            throw await RefuseAsync(new PacketRefusal("empty-client-id", "an MQTT 3.1.1 CONNECT with an empty client id and clean session 0"));
        }

        var segment = body.IsSingleSegment && MemoryMarshal.TryGetArray(body.First, out var array) ? array : new ArraySegment<byte>(body.ToArray());
        var received = new ReceivedMqttPacket(frame.FixedHeader, segment, frame.TotalLength);
        if (formatter.ProtocolVersion == MqttProtocolVersion.Unknown)
        {
            formatter.DetectProtocolVersion(received);
        }

        var packet = formatter.Decode(received);
        _connectRead = true;
        BytesReceived += frame.TotalLength;
        return packet;
    }

    /// <summary>Reports the refusal and, to an MQTT 5 client past CONNECT, says why in a DISCONNECT (0x95 or 0x81).</summary>
    async Task<Exception> RefuseAsync(PacketRefusal refusal)
    {
        refused(refusal, RemoteEndPoint);
        if (_connectRead && formatter.ProtocolVersion == MqttProtocolVersion.V500 && refusal.Code != "ended-mid-packet")
        {
            var reason = refusal.Disconnect ?? (refusal.Code == "packet-too-large" ? MqttDisconnectReasonCode.PacketTooLarge : MqttDisconnectReasonCode.MalformedPacket);
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(1));
                await SendPacketAsync(new MqttDisconnectPacket { ReasonCode = reason, ReasonString = refusal.Reason }, timeout.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or IOException or InvalidOperationException)
            {
                // the peer is gone or does not read: it is closed below all the same
            }
        }

        return new MqttProtocolViolationException(refusal.Reason);
    }

    public void ResetStatistics()
    {
        BytesReceived = 0;
        BytesSent = 0;
    }

    public async Task SendPacketAsync(MqttPacket packet, CancellationToken cancellationToken)
    {
        await _writing.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var buffer = formatter.Encode(packet);
            try
            {
                var span = _output.GetSpan(buffer.Length);
                buffer.Packet.AsSpan().CopyTo(span);
                buffer.Payload.CopyTo(span[buffer.Packet.Count..]);
                _output.Advance(buffer.Length);
                await _output.FlushAsync(cancellationToken).ConfigureAwait(false);
                BytesSent += buffer.Length;
            }
            finally
            {
                formatter.Cleanup();
            }
        }
        finally
        {
            _writing.Release();
        }
    }

    public void Dispose()
    {
        _deadline.Dispose();
        _writing.Dispose();
    }
}
