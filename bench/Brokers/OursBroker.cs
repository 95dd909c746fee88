using CreatiWall.Broker.Identity;

namespace CreatiWall.Bench.Brokers;

/// <summary>Our host's REST API, on a single host or on a cluster's first node.</summary>
public interface IRestApi
{
    Uri Http { get; }

    /// <summary>A token for the REST API.</summary>
    string AdminToken();
}

/// <summary>Our host (Release build of Api) with its embedded SQLite store; JWTs as MQTT passwords.</summary>
public sealed class OursBroker(Dictionary<string, string>? settings = null) : BrokerUnderTest, IRestApi
{
    readonly HostProcess _host = new(settings);

    public override string Name => "CreatiWall";
    public override int Pid => _host.Pid;
    public override Target Tcp => new(_host.MqttPort);
    public override Target WebSocket => new(0, new Uri($"ws://127.0.0.1:{_host.HttpPort}/mqtt"));
    public Uri Http => new($"http://127.0.0.1:{_host.HttpPort}");

    public override Task StartAsync() => _host.StartAsync();
    public override ValueTask DisposeAsync() => _host.DisposeAsync();

    public override Credentials Device(int i) => BenchTokens.Device(i);

    public override Credentials User(string name) => BenchTokens.User(name);

    public string AdminToken() => BenchTokens.Admin();
}

/// <summary>The tokens our hosts accept (all of them share <see cref="HostProcess.Secret"/>).</summary>
public static class BenchTokens
{
    static readonly TokenIssuer Issuer = new(Microsoft.Extensions.Options.Options.Create(new JwtOptions { Secret = HostProcess.Secret }));

    public static Credentials Device(int i) =>
        new(BrokerUnderTest.DeviceId(i), BrokerUnderTest.DeviceId(i),
            Issuer.Issue(BrokerUnderTest.Tenant, BrokerUnderTest.DeviceId(i), Role.Device, lifetime: TimeSpan.FromHours(4)));

    public static Credentials User(string name) =>
        new($"bench-{name}", "", Issuer.Issue(BrokerUnderTest.Tenant, name, Role.User, lifetime: TimeSpan.FromHours(4)));

    public static string Admin() => Issuer.Issue(BrokerUnderTest.Tenant, "bench-admin", Role.Admin, lifetime: TimeSpan.FromHours(4));
}
