using CreatiWall.Broker.Identity;

namespace CreatiWall.Bench.Brokers;

/// <summary>Our host (Release build of Api) with its embedded SQLite store; JWTs as MQTT passwords.</summary>
public sealed class OursBroker(Dictionary<string, string>? settings = null) : BrokerUnderTest
{
    readonly HostProcess _host = new(settings);
    readonly TokenIssuer _issuer = new(Microsoft.Extensions.Options.Options.Create(new JwtOptions { Secret = HostProcess.Secret }));

    public override string Name => "CreatiWall";
    public override int Pid => _host.Pid;
    public override Target Tcp => new(_host.MqttPort);
    public override Target WebSocket => new(0, new Uri($"ws://127.0.0.1:{_host.HttpPort}/mqtt"));
    public Uri Http => new($"http://127.0.0.1:{_host.HttpPort}");

    public override Task StartAsync() => _host.StartAsync();
    public override ValueTask DisposeAsync() => _host.DisposeAsync();

    public override Credentials Device(int i) =>
        new(DeviceId(i), DeviceId(i), _issuer.Issue(Tenant, DeviceId(i), Role.Device, lifetime: TimeSpan.FromHours(4)));

    public override Credentials User(string name) =>
        new($"bench-{name}", "", _issuer.Issue(Tenant, name, Role.User, lifetime: TimeSpan.FromHours(4)));

    /// <summary>A token for the REST API.</summary>
    public string AdminToken() => _issuer.Issue(Tenant, "bench-admin", Role.Admin, lifetime: TimeSpan.FromHours(4));
}
