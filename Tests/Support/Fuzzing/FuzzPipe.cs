using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;

namespace CreatiWall.Fuzzing;

/// <summary>Bytes to and from the broker over TCP or WebSocket (binary messages), with the ways a client can end a connection.</summary>
internal abstract class FuzzPipe : IAsyncDisposable
{
    /// <summary>Bytes the broker sent, read and dropped until it closes.</summary>
    public long Received { get; protected set; }

    /// <summary>Completes when the broker has closed its side (or reading failed).</summary>
    public abstract Task Closed { get; }

    public abstract ValueTask SendAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancel);

    /// <summary>Stops sending, keeps reading: TCP FIN, or a WebSocket close frame.</summary>
    public abstract Task HalfCloseAsync(CancellationToken cancel);

    /// <summary>Gone at once: TCP RST, or a WebSocket aborted without a close frame.</summary>
    public abstract void Abort();

    public abstract ValueTask DisposeAsync();

    public static async Task<FuzzPipe> OpenTcpAsync(int port, CancellationToken cancel)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), cancel);
            return new Tcp(socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public static async Task<FuzzPipe> OpenWebSocketAsync(Uri uri, CancellationToken cancel)
    {
        var socket = new ClientWebSocket();
        socket.Options.AddSubProtocol("mqtt");
        try
        {
            await socket.ConnectAsync(uri, cancel);
            return new Ws(socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    sealed class Tcp : FuzzPipe
    {
        readonly Socket _socket;
        readonly Task _reading;

        public Tcp(Socket socket)
        {
            _socket = socket;
            _reading = ReadAsync();
        }

        public override Task Closed => _reading;

        async Task ReadAsync()
        {
            var buffer = new byte[8192];
            try
            {
                int read;
                while ((read = await _socket.ReceiveAsync(buffer, SocketFlags.None)) > 0)
                {
                    Received += read;
                }
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                // reset, or disposed by us
            }
        }

        public override async ValueTask SendAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancel) =>
            await _socket.SendAsync(bytes, SocketFlags.None, cancel);

        public override Task HalfCloseAsync(CancellationToken cancel)
        {
            _socket.Shutdown(SocketShutdown.Send);
            return Task.CompletedTask;
        }

        public override void Abort()
        {
            _socket.LingerState = new LingerOption(true, 0);
            _socket.Close();
        }

        public override async ValueTask DisposeAsync()
        {
            _socket.Dispose();
            await _reading;
        }
    }

    sealed class Ws : FuzzPipe
    {
        readonly ClientWebSocket _socket;
        readonly Task _reading;

        public Ws(ClientWebSocket socket)
        {
            _socket = socket;
            _reading = ReadAsync();
        }

        public override Task Closed => _reading;

        async Task ReadAsync()
        {
            var buffer = new byte[8192];
            try
            {
                while (true)
                {
                    var result = await _socket.ReceiveAsync(buffer, CancellationToken.None);
                    if (result.MessageType == WebSocketMessageType.Close)
                    {
                        return;
                    }

                    Received += result.Count;
                }
            }
            catch (Exception e) when (e is WebSocketException or ObjectDisposedException or OperationCanceledException or IOException)
            {
                // aborted, or disposed by us
            }
        }

        public override async ValueTask SendAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancel) =>
            await _socket.SendAsync(bytes, WebSocketMessageType.Binary, endOfMessage: true, cancel);

        public override Task HalfCloseAsync(CancellationToken cancel) =>
            _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, cancel);

        public override void Abort() => _socket.Abort();

        public override async ValueTask DisposeAsync()
        {
            _socket.Abort();
            _socket.Dispose();
            await _reading;
        }
    }
}
