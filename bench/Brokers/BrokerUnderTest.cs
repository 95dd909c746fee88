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

    /// <summary>Where screen <paramref name="i"/> of a fleet connects (a cluster spreads them over its nodes).</summary>
    public virtual Target DeviceTarget(int i) => Tcp;

    /// <summary>Resident memory of the broker (every process of it).</summary>
    public virtual long RssBytes() => RssBytesOf(Pid);

    public static long RssBytesOf(int pid) =>
        long.Parse(File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:")).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;

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

    /// <summary>The broker's processes, by name (one, unless it is a cluster).</summary>
    public virtual IReadOnlyList<(string Name, int Pid)> Processes => [(Name, Pid)];

    /// <summary>CPU time (user + system) the broker (every process of it) has used so far.</summary>
    public TimeSpan CpuTime() => Processes.Aggregate(TimeSpan.Zero, (sum, p) => sum + CpuTimeOf(p.Pid));

    public static TimeSpan CpuTimeOf(int pid)
    {
        var fields = File.ReadAllText($"/proc/{pid}/stat").Split(')')[1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        // After the ")": state is field 0, utime field 11, stime field 12, in clock ticks (100 per second on Linux).
        return TimeSpan.FromMilliseconds((long.Parse(fields[11]) + long.Parse(fields[12])) * 10);
    }
}
