using System.Net.Http.Json;
using CreatiWall.Broker.Identity;
using Microsoft.Extensions.Options;

namespace CreatiWall.Tests.Support;

/// <summary>
/// The real Api host (REST, MQTT over TCP and WebSocket) started as a child process on free loopback ports,
/// in the Production environment, one per test class or collection.
/// </summary>
public class BrokerHost : IAsyncLifetime
{
    public const string Secret = "tests-only-secret-0123456789abcdef-0123456789";

    ChildProcess? _process;

    readonly string _dataFolder = Directory.CreateTempSubdirectory("cw-host-").FullName;

    /// <summary>The host's SQLite database.</summary>
    public string DatabasePath => Path.Combine(_dataFolder, "broker.db");

    public int HttpPort { get; protected set; } = Ports.Free();
    public int MqttPort { get; protected set; } = Ports.Free();
    public string BaseUrl => $"http://127.0.0.1:{HttpPort}";
    public string WebSocketUri => $"ws://127.0.0.1:{HttpPort}/mqtt";
    public HttpClient Http { get; protected set; } = null!;
    public TokenIssuer Tokens { get; } = new(Options.Create(new JwtOptions { Secret = Secret }));

    /// <summary>Everything the host wrote to stdout and stderr so far.</summary>
    public string Logs => _process?.Output ?? "";

    /// <summary>The host's process id.</summary>
    public int ProcessId => _process!.Id;

    /// <summary>CPU time the host has used so far.</summary>
    public TimeSpan CpuTime => _process!.CpuTime;

    /// <summary>The host's <c>--urls</c>: plain HTTP on <see cref="HttpPort"/>; a subclass may add more.</summary>
    protected virtual string Urls => BaseUrl;

    /// <summary>Extra configuration for a subclass's host.</summary>
    protected virtual IDictionary<string, string?> Settings => new Dictionary<string, string?>();

    public string Token(string tenant, string subject, Role role = Role.User, string[]? devices = null, TimeSpan? lifetime = null) =>
        Tokens.Issue(tenant, subject, role, devices, lifetime);

    public async Task InitializeAsync()
    {
        for (var attempt = 1; ; attempt++)
        {
            Http = new HttpClient { BaseAddress = new Uri(BaseUrl) };
            try
            {
                await StartAsync();
                return;
            }
            catch (HostExitedException) when (attempt < 3)
            {
                // A port found free was taken before the host bound it (hosts start in parallel): new ports.
                Http.Dispose();
                await _process!.DisposeAsync();
                (HttpPort, MqttPort) = (Ports.Free(), Ports.Free());
            }
        }
    }

    /// <summary>Kills the host (SIGKILL: no shutdown at all) and starts it again on the same ports and database.</summary>
    public async Task CrashAndRestartAsync()
    {
        _process!.Signal("KILL");
        await _process.WaitForExitAsync(TimeSpan.FromSeconds(10));
        await _process.DisposeAsync();
        await StartAsync();
    }

    /// <summary>Kills the host (SIGKILL: no shutdown at all, as a machine lost) and leaves it down.</summary>
    public async Task KillAsync()
    {
        _process!.Signal("KILL");
        await _process.WaitForExitAsync(TimeSpan.FromSeconds(10));
    }

    async Task StartAsync()
    {
        var environment = new Dictionary<string, string?>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["JWT_SECRET"] = Secret,
            ["Mqtt__TcpPort"] = MqttPort.ToString(),
            ["Storage__ConnectionString"] = $"Data Source={DatabasePath}",
        };
        foreach (var (key, value) in Settings)
        {
            environment[key] = value;
        }

        // The project folder is the content root, as under dotnet run: appsettings.json and the dashboard in wwwroot.
        _process = ChildProcess.Start("dotnet", [RepoPaths.ApiDll, "--urls", Urls], environment, Path.Combine(RepoPaths.Root, "Api"));
        await WaitUntilReadyAsync();
    }

    async Task WaitUntilReadyAsync()
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            if (_process!.HasExited)
            {
                throw new HostExitedException($"The host exited with {_process.ExitCode}:\n{Logs}");
            }

            try
            {
                var response = await Http.GetAsync("/readyz");
                if (response.IsSuccessStatusCode && (await response.Content.ReadFromJsonAsync<Dictionary<string, string>>())?["status"] == "ready")
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"The host did not become ready:\n{Logs}");
    }

    public virtual async Task DisposeAsync()
    {
        Http.Dispose();
        if (_process is not null)
        {
            await _process.DisposeAsync();
        }

        Directory.Delete(_dataFolder, recursive: true);
    }
}

[CollectionDefinition(Name)]
public sealed class SharedHost : ICollectionFixture<BrokerHost>
{
    public const string Name = "shared host";
}

public sealed class HostExitedException(string message) : Exception(message);
