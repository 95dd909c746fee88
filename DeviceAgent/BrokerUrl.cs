using MQTTnet;

namespace CreatiWall.DeviceAgent;

/// <summary>A broker address: <c>mqtt://host:port</c> (TCP) or <c>ws://host:port/path</c> (MQTT over WebSocket).</summary>
public sealed record BrokerUrl(Uri Uri)
{
    public bool IsWebSocket => Uri.Scheme is "ws" or "wss";

    public static bool TryParse(string text, out BrokerUrl url, out string error)
    {
        url = null!;
        if (!Uri.TryCreate(text.Trim(), UriKind.Absolute, out var uri) || uri.Scheme is not ("mqtt" or "ws" or "wss") || string.IsNullOrEmpty(uri.Host))
        {
            error = $"'{text}' is not a broker URL: use mqtt://host:port or ws://host:port/mqtt";
            return false;
        }

        url = new BrokerUrl(uri);
        error = "";
        return true;
    }

    public MqttClientOptionsBuilder Apply(MqttClientOptionsBuilder builder) => IsWebSocket
        ? builder.WithWebSocketServer(o => o.WithUri(Uri.ToString()))
        : builder.WithTcpServer(o => o.BufferSize = 64 * 1024) // MQTTnet's default 8 KB stalls on bursts
            .WithEndPoint(new System.Net.DnsEndPoint(Uri.Host, Uri.IsDefaultPort || Uri.Port <= 0 ? 1883 : Uri.Port));

    public override string ToString() => Uri.ToString();
}
