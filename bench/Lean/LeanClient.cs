using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using CreatiWall.Bench.Brokers;

namespace CreatiWall.Bench.Lean;

public delegate void PublishHandler(ReadOnlySpan<byte> topic, ReadOnlySpan<byte> payload, int qos);

/// <summary>
/// A minimal MQTT 3.1.1 client for load: one socket (or WebSocket), packets written into one buffer and sent in
/// batches, a read loop that parses in place and answers QoS 1 with batched PUBACKs.
/// </summary>
public sealed class LeanClient : IAsyncDisposable
{
    readonly Socket? _socket;
    readonly ClientWebSocket? _ws;
    readonly ArrayBufferWriter<byte> _out = new(256);
    readonly SemaphoreSlim _sendLock = new(1, 1);
    readonly int _receiveBuffer;
    readonly bool _dedicatedReader;
    TaskCompletionSource<int> _connAck = new(TaskCreationOptions.RunContinuationsAsynchronously);
    TaskCompletionSource _subAck = new(TaskCreationOptions.RunContinuationsAsynchronously);
    Task? _reader;
    ushort _nextId;

    LeanClient(Socket? socket, ClientWebSocket? ws, int receiveBuffer, bool dedicatedReader)
    {
        _socket = socket;
        _ws = ws;
        _receiveBuffer = receiveBuffer;
        _dedicatedReader = dedicatedReader && socket is not null;
    }

    public PublishHandler? OnPublish { get; set; }
    public Action<ushort>? OnPubAck { get; set; }

    /// <summary>The read loop ended (connection closed by either side).</summary>
    public Task Closed => _reader ?? Task.CompletedTask;

    /// <param name="dedicatedReader">
    /// Read a TCP socket with blocking calls on a thread of its own: for the few busy clients of a throughput or latency
    /// run, where a broker sending one small segment per message would otherwise cost a thread-pool hop per message.
    /// </param>
    /// <param name="batchReads">
    /// With a dedicated reader: wake only when 16 KB have arrived or 1 ms has passed (SO_RCVLOWAT), as a throughput
    /// subscriber can afford; not for latency.
    /// </param>
    public static async Task<LeanClient> OpenAsync(Target target, int receiveBuffer = 1024, bool dedicatedReader = false, bool batchReads = false)
    {
        if (target.WebSocketUri is { } uri)
        {
            var ws = new ClientWebSocket();
            ws.Options.AddSubProtocol("mqtt");
            ws.Options.KeepAliveInterval = Timeout.InfiniteTimeSpan;
            await ws.ConnectAsync(uri, CancellationToken.None);
            return new LeanClient(null, ws, receiveBuffer, false);
        }

        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        if (dedicatedReader)
        {
            // Connected synchronously; the first asynchronous send switches the socket to non-blocking mode, after which .NET
            // serves the blocking reads through its socket event thread (one more wake-up per read, for either broker).
            // Sending with blocking calls as well would avoid that, but with SO_RCVLOWAT it collapsed Mosquitto's QoS 1 run
            // (about 2,000 msg/s), so the sends stay asynchronous.
            socket.Connect(new IPEndPoint(IPAddress.Loopback, target.TcpPort));
            if (batchReads)
            {
                const int SolSocket = 1, SoRcvLowat = 18;
                socket.SetRawSocketOption(SolSocket, SoRcvLowat, BitConverter.GetBytes(16 * 1024));
                socket.ReceiveTimeout = 1;
            }
        }
        else
        {
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, target.TcpPort));
        }
        return new LeanClient(socket, null, receiveBuffer, dedicatedReader);
    }

    /// <summary>Sends CONNECT and waits for CONNACK; returns its return code (0 = accepted).</summary>
    public async Task<int> ConnectAsync(string clientId, string? user, string? password, int keepAlive = 60, bool clean = true, MqttWire.Will? will = null)
    {
        // The event-loop reader starts inline: it runs until its first read is pending, no thread-pool hop per connect.
        _reader = _dedicatedReader ? Task.Factory.StartNew(() => ReadLoopAsync().GetAwaiter().GetResult(), TaskCreationOptions.LongRunning) : ReadLoopAsync();
        await SendAsync(w => MqttWire.WriteConnect(w, clientId, user, password, keepAlive, clean, will));
        return await _connAck.Task.WaitAsync(TimeSpan.FromSeconds(30));
    }

    public async Task SubscribeAsync(IReadOnlyList<string> filters, int qos)
    {
        _subAck = new(TaskCreationOptions.RunContinuationsAsynchronously);
        await SendAsync(w => MqttWire.WriteSubscribe(w, NextId(), filters, qos));
        await _subAck.Task.WaitAsync(TimeSpan.FromSeconds(60));
    }

    public ushort NextId()
    {
        _nextId = (ushort)(_nextId == ushort.MaxValue ? 1 : _nextId + 1);
        return _nextId;
    }

    /// <summary>Writes packets into the send buffer and sends them as one write.</summary>
    public async Task SendAsync(Action<IBufferWriter<byte>> write)
    {
        await _sendLock.WaitAsync();
        try
        {
            _out.ResetWrittenCount();
            write(_out);
            await WriteAsync(_out.WrittenMemory);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    public Task DisconnectAsync() => SendAsync(w => MqttWire.WriteEmpty(w, MqttWire.Disconnect));

    /// <summary>Drops the connection without DISCONNECT, as a device losing its network would.</summary>
    public void Abort()
    {
        if (_socket is not null)
        {
            _socket.LingerState = new LingerOption(true, 0);
            _socket.Close();
        }

        _ws?.Abort();
    }

    async ValueTask WriteAsync(ReadOnlyMemory<byte> data)
    {
        if (_socket is not null)
        {
            while (!data.IsEmpty)
            {
                var sent = await _socket.SendAsync(data, SocketFlags.None);
                data = data[sent..];
            }
        }
        else
        {
            await _ws!.SendAsync(data, WebSocketMessageType.Binary, true, CancellationToken.None);
        }
    }

    async ValueTask<int> ReadAsync(Memory<byte> buffer)
    {
        if (_dedicatedReader)
        {
            while (true)
            {
                var read = _socket!.Receive(buffer.Span, SocketFlags.None, out var error);
                if (error is SocketError.Success)
                {
                    return read;
                }

                if (error is not (SocketError.TimedOut or SocketError.WouldBlock))
                {
                    throw new SocketException((int)error);
                }
            }
        }

        if (_socket is not null)
        {
            return await _socket.ReceiveAsync(buffer, SocketFlags.None);
        }

        var result = await _ws!.ReceiveAsync(buffer, CancellationToken.None);
        return result.MessageType == WebSocketMessageType.Close ? 0 : result.Count;
    }

    async Task ReadLoopAsync()
    {
        var buffer = new byte[_receiveBuffer];
        var filled = 0;
        var acks = new ArrayBufferWriter<byte>(64);
        try
        {
            while (true)
            {
                if (filled == buffer.Length)
                {
                    Array.Resize(ref buffer, buffer.Length * 2);
                }

                var read = await ReadAsync(buffer.AsMemory(filled));
                if (read == 0)
                {
                    break;
                }

                filled += read;
                var consumed = Parse(buffer.AsSpan(0, filled), acks);
                if (acks.WrittenCount > 0)
                {
                    var toSend = acks.WrittenMemory.ToArray();
                    acks.ResetWrittenCount();
                    await SendAsync(w => w.Write(toSend));
                }

                Buffer.BlockCopy(buffer, consumed, buffer, 0, filled - consumed);
                filled -= consumed;
            }
        }
        catch (Exception e) when (e is SocketException or WebSocketException or ObjectDisposedException or OperationCanceledException)
        {
        }
        finally
        {
            _connAck.TrySetException(new IOException("connection closed before CONNACK"));
            _subAck.TrySetException(new IOException("connection closed before SUBACK"));
        }
    }

    int Parse(ReadOnlySpan<byte> data, ArrayBufferWriter<byte> acks)
    {
        var consumed = 0;
        while (MqttWire.TryReadPacket(data[consumed..], out var type, out var header, out var remaining))
        {
            var body = data.Slice(consumed + header, remaining);
            switch (type & 0xF0)
            {
                case MqttWire.Publish:
                    var qos = (type >> 1) & 3;
                    var topicLength = BinaryPrimitives.ReadUInt16BigEndian(body);
                    var o = 2 + topicLength;
                    if (qos > 0)
                    {
                        MqttWire.WritePubAck(acks, BinaryPrimitives.ReadUInt16BigEndian(body[o..]));
                        o += 2;
                    }

                    OnPublish?.Invoke(body.Slice(2, topicLength), body[o..], qos);
                    break;
                case MqttWire.PubAck:
                    OnPubAck?.Invoke(BinaryPrimitives.ReadUInt16BigEndian(body));
                    break;
                case MqttWire.ConnAck:
                    _connAck.TrySetResult(body[1]);
                    break;
                case MqttWire.SubAck & 0xF0:
                    if (body[2..].IndexOf((byte)0x80) >= 0)
                    {
                        _subAck.TrySetException(new InvalidOperationException("subscription refused"));
                    }

                    _subAck.TrySetResult();
                    break;
            }

            consumed += header + remaining;
        }

        return consumed;
    }

    public async ValueTask DisposeAsync()
    {
        _socket?.Dispose();
        _ws?.Dispose();
        if (_reader is not null)
        {
            await _reader.WaitAsync(TimeSpan.FromSeconds(5)).ContinueWith(_ => { });
        }
    }

    /// <summary>Microseconds from a Stopwatch timestamp until now.</summary>
    public static double MicrosSince(long timestamp) => Stopwatch.GetElapsedTime(timestamp).TotalMicroseconds;
}
