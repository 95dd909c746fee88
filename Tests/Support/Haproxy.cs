using System.Net.Sockets;

namespace CreatiWall.Tests.Support;

/// <summary>
/// Debian's haproxy (test.sh installs it) started as a child process with the shipped <c>deploy/haproxy.cfg</c>, in front
/// of three hosts, on free loopback ports. <see cref="Front"/> is a host whose ports are HAProxy's, so every test helper
/// (REST calls, MQTT clients, mosquitto) talks through the load balancer.
/// </summary>
public sealed class Haproxy : IAsyncDisposable
{
    readonly ChildProcess _process;

    Haproxy(ChildProcess process, FrontHost front) => (_process, Front) = (process, front);

    public BrokerHost Front { get; }

    public string Logs => _process.Output;

    public static async Task<Haproxy> StartAsync(IReadOnlyList<BrokerHost> nodes)
    {
        var front = new FrontHost();
        var environment = new Dictionary<string, string?>
        {
            ["CW_MQTT_BIND"] = $"127.0.0.1:{front.MqttPort}",
            ["CW_HTTP_BIND"] = $"127.0.0.1:{front.HttpPort}",
        };
        for (var i = 0; i < nodes.Count; i++)
        {
            environment[$"CW_NODE{i + 1}_MQTT"] = $"127.0.0.1:{nodes[i].MqttPort}";
            environment[$"CW_NODE{i + 1}_HTTP"] = $"127.0.0.1:{nodes[i].HttpPort}";
        }

        var process = ChildProcess.Start("haproxy", ["-db", "-f", Path.Combine(RepoPaths.Root, "deploy", "haproxy.cfg")], environment);
        var haproxy = new Haproxy(process, front);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (!await ListensAsync(front.MqttPort) || !await ListensAsync(front.HttpPort))
        {
            if (process.HasExited || DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"haproxy did not start:\n{process.Output}");
            }

            await Task.Delay(50);
        }

        return haproxy;
    }

    static async Task<bool> ListensAsync(int port)
    {
        try
        {
            using var socket = new TcpClient();
            await socket.ConnectAsync("127.0.0.1", port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync();
        await Front.DisposeAsync();
    }

    /// <summary>HAProxy's ports, seen as a host (no process of its own).</summary>
    sealed class FrontHost : BrokerHost
    {
        public FrontHost() => Http = new HttpClient { BaseAddress = new Uri(BaseUrl) };
    }
}
