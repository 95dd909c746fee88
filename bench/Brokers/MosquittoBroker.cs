using System.Diagnostics;

namespace CreatiWall.Bench.Brokers;

/// <summary>Debian's mosquitto with <c>bench/mosquitto.conf</c> (ports filled in), anonymous clients.</summary>
public sealed class MosquittoBroker : BrokerUnderTest
{
    readonly string _dir = Directory.CreateTempSubdirectory("cw-bench-mosquitto-").FullName;
    readonly int _tcp = HostProcess.FreePort();
    readonly int _ws = HostProcess.FreePort();
    Process? _process;

    public override string Name => "Mosquitto";
    public override int Pid => _process!.Id;
    public override Target Tcp => new(_tcp);
    public override Target WebSocket => new(0, new Uri($"ws://127.0.0.1:{_ws}/mqtt"));

    public override async Task StartAsync()
    {
        var template = await File.ReadAllTextAsync(Path.Combine(HostProcess.RepositoryRoot(), "bench", "mosquitto.conf"));
        var config = Path.Combine(_dir, "mosquitto.conf");
        await File.WriteAllTextAsync(config, template.Replace("{TCP_PORT}", _tcp.ToString()).Replace("{WS_PORT}", _ws.ToString()));
        var info = new ProcessStartInfo(File.Exists("/usr/sbin/mosquitto") ? "/usr/sbin/mosquitto" : "mosquitto", ["-c", config])
        {
            UseShellExecute = false,
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        _process = Process.Start(info)!;
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { Console.Error.WriteLine("mosquitto: " + e.Data); } };
        _process.OutputDataReceived += (_, _) => { };
        _process.BeginErrorReadLine();
        _process.BeginOutputReadLine();
        var deadline = Stopwatch.StartNew();
        while (!await HostProcess.IsListeningAsync(_tcp) || !await HostProcess.IsListeningAsync(_ws))
        {
            if (_process.HasExited || deadline.Elapsed > TimeSpan.FromSeconds(10))
            {
                throw new InvalidOperationException("mosquitto did not start (is the Debian package 'mosquitto' installed?)");
            }

            await Task.Delay(20);
        }
    }

    public override Credentials Device(int i) => new(DeviceId(i), null, null);
    public override Credentials User(string name) => new($"bench-{name}", null, null);

    public override async ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        Directory.Delete(_dir, recursive: true);
    }
}
