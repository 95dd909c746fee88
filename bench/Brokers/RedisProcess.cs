using System.Diagnostics;
using System.Net.Sockets;
using System.Text;

namespace CreatiWall.Bench.Brokers;

/// <summary>
/// <c>redis-server</c> (Debian's package) as a child process on a free loopback port, in its own folder, with AOF as the
/// README asks of a cluster's Redis (as <c>Tests/Support/RedisServer</c> starts it).
/// </summary>
public sealed class RedisProcess : IAsyncDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("cw-bench-redis-").FullName;
    Process? _process;

    public int Port { get; } = HostProcess.FreePort();

    public string ConnectionString => $"127.0.0.1:{Port}";

    public int Pid => _process!.Id;

    /// <summary>Starts redis-server (again, after <see cref="KillAsync"/>: same port and data); returns once it answers PING.</summary>
    public async Task StartAsync()
    {
        var info = new ProcessStartInfo("redis-server")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in new[]
        {
            "--port", Port.ToString(), "--bind", "127.0.0.1", "--dir", _dir, "--appendonly", "yes", "--appendfsync", "everysec",
            "--save", "", "--protected-mode", "no", "--daemonize", "no", "--loglevel", "warning",
        })
        {
            info.ArgumentList.Add(arg);
        }

        try
        {
            _process = Process.Start(info)!;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            throw new InvalidOperationException("redis-server not found (apt-get install redis-server)");
        }

        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) { Console.Error.WriteLine("redis: " + e.Data); } };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { Console.Error.WriteLine("redis: " + e.Data); } };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                if (await CommandAsync("PING") == "PONG")
                {
                    return;
                }
            }
            catch (Exception e) when (e is SocketException or IOException)
            {
            }

            if (_process.HasExited || deadline.Elapsed > TimeSpan.FromSeconds(15))
            {
                throw new InvalidOperationException("redis-server did not start");
            }

            await Task.Delay(20);
        }
    }

    /// <summary>SIGKILL, as in a crash (what AOF had not written within its second is lost).</summary>
    public async Task KillAsync()
    {
        _process!.Kill();
        await _process.WaitForExitAsync();
    }

    /// <summary>Bytes Redis holds for its data (<c>used_memory</c> of <c>INFO memory</c>).</summary>
    public async Task<long> UsedMemoryAsync() =>
        long.Parse((await CommandAsync("INFO", "memory")).Split("\r\n").First(l => l.StartsWith("used_memory:", StringComparison.Ordinal))["used_memory:".Length..]);

    /// <summary>One command on a connection of its own; the reply as text (a status line or a bulk string).</summary>
    public async Task<string> CommandAsync(params string[] args)
    {
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", Port);
        var stream = client.GetStream();
        var request = new StringBuilder($"*{args.Length}\r\n");
        foreach (var arg in args)
        {
            request.Append($"${Encoding.UTF8.GetByteCount(arg)}\r\n{arg}\r\n");
        }

        await stream.WriteAsync(Encoding.UTF8.GetBytes(request.ToString()));
        var reply = new List<byte>();
        var buffer = new byte[64 * 1024];
        while (true)
        {
            var read = await stream.ReadAsync(buffer);
            if (read == 0)
            {
                throw new IOException("redis closed the connection");
            }

            reply.AddRange(buffer.AsSpan(0, read));
            var text = Encoding.UTF8.GetString([.. reply]);
            var lineEnd = text.IndexOf("\r\n", StringComparison.Ordinal);
            if (lineEnd < 0)
            {
                continue;
            }

            switch (text[0])
            {
                case '+' or ':':
                    return text[1..lineEnd];
                case '-':
                    throw new InvalidOperationException("redis: " + text[1..lineEnd]);
                case '$' when int.Parse(text[1..lineEnd]) is var length && reply.Count >= lineEnd + 2 + length + 2:
                    return Encoding.UTF8.GetString([.. reply], lineEnd + 2, length);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        Directory.Delete(_dir, recursive: true);
    }
}
