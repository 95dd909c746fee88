using System.Net;
using System.Net.Sockets;

namespace CreatiWall.Tests.Support;

public static class Ports
{
    /// <summary>
    /// A port nobody can connect to or take while the returned socket lives: bound, never listening, so connecting
    /// is refused at once (a port merely found free could be handed to a host that starts meanwhile).
    /// </summary>
    public static (Socket Reservation, int Port) Dead()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return (socket, ((IPEndPoint)socket.LocalEndPoint!).Port);
    }

    /// <summary>A port that was free on 127.0.0.1 a moment ago.</summary>
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
