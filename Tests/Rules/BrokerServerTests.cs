using System.Text;
using CreatiWall.Broker;
using CreatiWall.Broker.Identity;
using CreatiWall.Broker.Mqtt;
using CreatiWall.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MQTTnet.Packets;
using MQTTnet.Protocol;
using MQTTnet.Server;

namespace CreatiWall.Tests.Rules;

/// <summary>
/// The broker's rules come with its MQTT server: a server built by the broker library alone (no host, no routes mapped)
/// refuses a bad token and accepts a good one.
/// </summary>
public sealed class BrokerServerTests : IAsyncLifetime
{
    readonly string _folder = Directory.CreateTempSubdirectory("cw-broker-").FullName;
    ServiceProvider _services = null!;

    public async Task InitializeAsync()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Jwt:Secret"] = BrokerHost.Secret,
            ["Storage:ConnectionString"] = $"Data Source={Path.Combine(_folder, "broker.db")}",
        }).Build();
        _services = new ServiceCollection().AddLogging().AddBroker(configuration).BuildServiceProvider();
        await _services.GetRequiredService<MqttServer>().StartAsync();
    }

    [Theory]
    [InlineData(false, MqttConnectReasonCode.BadUserNameOrPassword)]
    [InlineData(true, MqttConnectReasonCode.Success)]
    public async Task A_server_built_by_the_broker_alone_applies_the_token_rule(bool validToken, MqttConnectReasonCode expected)
    {
        var tokens = new TokenIssuer(Options.Create(new JwtOptions { Secret = validToken ? BrokerHost.Secret : "another-secret-0123456789abcdef-0123456" }));
        var client = new MemoryChannel();
        client.Send(new MqttConnectPacket
        {
            ClientId = "c1",
            CleanSession = true,
            Password = Encoding.UTF8.GetBytes(tokens.Issue("t1", "alice", Role.User)),
        });

        var serving = _services.GetRequiredService<BrokerTransport>().HandleAsync(client);
        var connAck = Assert.IsType<MqttConnAckPacket>(await client.ReceiveAsync());
        client.Close();
        await serving.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(expected, connAck.ReasonCode);
    }

    public async Task DisposeAsync()
    {
        await _services.GetRequiredService<MqttServer>().StopAsync();
        await _services.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }
}
