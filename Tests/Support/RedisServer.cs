using System.Net.Sockets;
using System.Text;

namespace CreatiWall.Tests.Support;

/// <summary>
/// A real Redis for cluster-mode tests: <c>redis-server</c> (the Debian package; test.sh installs it) started as a child
/// process on a free loopback port, with AOF on (<c>appendonly yes</c>, <c>appendfsync everysec</c>) in its own temporary
/// folder. It can be killed (SIGKILL) and started again on the same port and data. The contract allows Testcontainers.Redis
/// where a Docker engine answers; these machines have none, so this fixture always runs the child process, and says so on
/// stderr and in <see cref="Description"/>.
/// </summary>
public sealed class RedisServer : IAsyncLifetime
{
    readonly string _dir = Directory.CreateTempSubdirectory("cw-redis-").FullName;
    ChildProcess? _process;

    public int Port { get; private set; } = Ports.Free();

    public string ConnectionString => $"127.0.0.1:{Port}";

    /// <summary>Which Redis runs, for the test output: e.g. "redis-server 7.0.15 child process (no Docker engine)".</summary>
    public string Description { get; private set; } = "";

    /// <summary>What the server wrote to its log (stdout) since it was last started.</summary>
    public string Logs => _process?.Output ?? "";

    public async Task InitializeAsync()
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await StartAsync();
                break;
            }
            catch (HostExitedException) when (attempt < 3)
            {
                Port = Ports.Free(); // taken by another test's process before redis-server bound it
            }
        }

        var docker = await DockerAnswersAsync() ? "a Docker engine answers, but this fixture runs redis-server itself" : "no Docker engine";
        Description = $"redis: {await VersionAsync()} child process on port {Port}, AOF everysec ({docker})";
        await Console.Error.WriteLineAsync(Description);
    }

    /// <summary>Starts redis-server (again) on <see cref="Port"/> with its data folder; returns once it answers PING.</summary>
    public async Task StartAsync()
    {
        if (_process is { HasExited: false })
        {
            throw new InvalidOperationException("redis-server is already running");
        }

        if (_process is not null)
        {
            await _process.DisposeAsync();
        }

        _process = ChildProcess.Start("redis-server",
        [
            "--port", Port.ToString(), "--bind", "127.0.0.1", "--dir", _dir, "--appendonly", "yes", "--appendfsync", "everysec",
            "--save", "", "--protected-mode", "no", "--daemonize", "no", "--loglevel", "warning",
        ]);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (!await AnswersAsync())
        {
            if (_process.HasExited)
            {
                throw new HostExitedException($"redis-server exited with {_process.ExitCode}:\n{_process.Output}");
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"redis-server did not answer within 15 s:\n{_process.Output}");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>SIGKILL: Redis ends at once, as in a crash (what AOF had not written within its second is lost).</summary>
    public async Task KillAsync()
    {
        if (_process is { HasExited: false } process)
        {
            process.Signal("KILL");
            await process.WaitForExitAsync(TimeSpan.FromSeconds(10));
        }
    }

    /// <summary>Whether redis-server answers PING on its port now.</summary>
    public async Task<bool> AnswersAsync()
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync("127.0.0.1", Port).WaitAsync(TimeSpan.FromSeconds(1));
            var stream = client.GetStream();
            await stream.WriteAsync("PING\r\n"u8.ToArray());
            var reply = new byte[64];
            var read = await stream.ReadAsync(reply).AsTask().WaitAsync(TimeSpan.FromSeconds(1));
            return Encoding.ASCII.GetString(reply, 0, read).StartsWith("+PONG", StringComparison.Ordinal);
        }
        catch (Exception e) when (e is SocketException or IOException or TimeoutException)
        {
            return false;
        }
    }

    static async Task<string> VersionAsync()
    {
        await using var version = ChildProcess.Start("redis-server", ["--version"]);
        await version.WaitForExitAsync(TimeSpan.FromSeconds(10));
        var v = version.Output.Split(' ').FirstOrDefault(p => p.StartsWith("v=", StringComparison.Ordinal));
        return "redis-server " + (v?[2..] ?? "(unknown version)");
    }

    /// <summary><c>docker info</c> exits 0: a Docker engine answers.</summary>
    static async Task<bool> DockerAnswersAsync()
    {
        try
        {
            await using var docker = ChildProcess.Start("docker", ["info"]);
            return await docker.WaitForExitAsync(TimeSpan.FromSeconds(10)) && docker.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false; // no docker command
        }
    }

    public async Task DisposeAsync()
    {
        if (_process is not null)
        {
            await _process.DisposeAsync();
        }

        Directory.Delete(_dir, recursive: true);
    }
}
