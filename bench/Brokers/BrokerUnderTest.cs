namespace CreatiWall.Bench.Brokers;

/// <summary>Where a load client connects: a TCP port, or a WebSocket address.</summary>
public sealed record Target(int TcpPort, Uri? WebSocketUri = null);

/// <summary>What a client presents: client id, username and password (a JWT for our broker, nothing for Mosquitto).</summary>
public sealed record Credentials(string ClientId, string? User, string? Password);

/// <summary>A broker started by the benchmark as a child process on free loopback ports.</summary>
public abstract class BrokerUnderTest : IAsyncDisposable
{
    public const string Tenant = "bench";

    public abstract string Name { get; }
    public abstract int Pid { get; }
    public abstract Target Tcp { get; }
    public abstract Target WebSocket { get; }

    public abstract Task StartAsync();
    public abstract ValueTask DisposeAsync();

    /// <summary>A screen: may read its own topics and the tenant's broadcast and channels.</summary>
    public abstract Credentials Device(int i);

    /// <summary>A person of the tenant: may publish on the broadcast and channel topics.</summary>
    public abstract Credentials User(string name);

    public static string DeviceId(int i) => $"d{i}";

    /// <summary>Resident memory of the broker process.</summary>
    public long RssBytes() =>
        long.Parse(File.ReadLines($"/proc/{Pid}/status").First(l => l.StartsWith("VmRSS:")).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;

    /// <summary>Waits until the broker has finished what the last phase left it (under 10 % of a core for 250 ms).</summary>
    public async Task WaitForIdleAsync()
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        var before = CpuTime();
        while (DateTime.UtcNow < deadline)
        {
            await Task.Delay(250);
            var now = CpuTime();
            if (now - before < TimeSpan.FromMilliseconds(25))
            {
                return;
            }

            before = now;
        }
    }

    /// <summary>CPU time (user + system) the broker process has used so far.</summary>
    public TimeSpan CpuTime()
    {
        var fields = File.ReadAllText($"/proc/{Pid}/stat").Split(')')[1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        // After the ")": state is field 0, utime field 11, stime field 12, in clock ticks (100 per second on Linux).
        return TimeSpan.FromMilliseconds((long.Parse(fields[11]) + long.Parse(fields[12])) * 10);
    }
}
