using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace CreatiWall.Bench;

/// <summary>The real Api host as a child process on free loopback ports, with its own database.</summary>
public sealed class HostProcess : IAsyncDisposable
{
    public const string Secret = "bench-only-secret-0123456789abcdef-0123456789";

    readonly string _data = Directory.CreateTempSubdirectory("cw-bench-").FullName;
    readonly Dictionary<string, string> _settings;
    Process? _process;

    readonly string _name;
    readonly System.Text.StringBuilder _log = new();

    /// <summary>Everything the host wrote to stdout and stderr so far (also echoed to stderr).</summary>
    public string Logs
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    /// <param name="name">What its log lines start with on stderr.</param>
    public HostProcess(Dictionary<string, string>? settings = null, string name = "host") => (_settings, _name) = (settings ?? [], name);

    public int HttpPort { get; } = FreePort();
    public int MqttPort { get; } = FreePort();

    public string DatabaseFile => Path.Combine(_data, "broker.db");

    public int Pid => _process!.Id;

    public async Task<TimeSpan> StartAsync()
    {
        var stopwatch = Stopwatch.StartNew();
        var info = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(ApiDll());
        info.ArgumentList.Add("--urls");
        info.ArgumentList.Add($"http://127.0.0.1:{HttpPort}");
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        info.Environment["JWT_SECRET"] = Secret;
        info.Environment["Mqtt__TcpPort"] = MqttPort.ToString();
        info.Environment["Storage__ConnectionString"] = $"Data Source={DatabaseFile}";
        info.Environment["Serilog__MinimumLevel__Default"] = "Warning";
        // The load generator is a whole fleet on one address, publishing as fast as it can: the per-address and
        // per-client limits (README, Configuration) would measure themselves, not the broker.
        info.Environment["Mqtt__ConnectsPerAddressPerSecond"] = "0";
        info.Environment["Mqtt__PublishesPerSecond"] = "0";
        info.Environment["Mqtt__PublishBytesPerSecond"] = "0";
        foreach (var (key, value) in _settings)
        {
            info.Environment[key] = value;
        }

        _process = Process.Start(info)!;
        _process.OutputDataReceived += (_, e) => Log(e.Data);
        _process.ErrorDataReceived += (_, e) => Log(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        using var http = new HttpClient();
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"the host exited with {_process.ExitCode}");
            }

            try
            {
                if ((await http.GetAsync($"http://127.0.0.1:{HttpPort}/readyz")).IsSuccessStatusCode)
                {
                    return stopwatch.Elapsed;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(20);
        }
    }

    void Log(string? line)
    {
        if (line is null)
        {
            return;
        }

        Console.Error.WriteLine($"{_name}: {line}");
        lock (_log)
        {
            _log.AppendLine(line);
        }
    }

    public async Task KillAsync()
    {
        _process!.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            await KillAsync();
        }

        Directory.Delete(_data, recursive: true);
    }

    static string ApiDll()
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;
        return Path.Combine(RepositoryRoot(), "Api", "bin", configuration, "net10.0", "CreatiWall.Api.dll");
    }

    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "CreatiWall.Mqtt.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("CreatiWall.Mqtt.sln not found");
    }

    public static async Task<bool> IsListeningAsync(int port)
    {
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
