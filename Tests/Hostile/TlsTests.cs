using System.Net.Security;
using System.Net.Sockets;
using CreatiWall.Broker.Identity;
using CreatiWall.Tests.Support;
using MQTTnet;

namespace CreatiWall.Tests.Hostile;

/// <summary>The host with MQTT over TLS (<c>Mqtt:TlsPort</c>) and HTTPS/WSS, from PEM files signed by a test CA.</summary>
public sealed class TlsHost : BrokerHost
{
    public TestCertificates Certificates { get; } = new();

    public int TlsPort { get; } = Ports.Free();

    public int HttpsPort { get; } = Ports.Free();

    public string FirstThumbprint { get; }

    public TlsHost() => FirstThumbprint = Certificates.IssueServerCertificate();

    protected override string Urls => $"{BaseUrl};https://127.0.0.1:{HttpsPort}";

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Mqtt__TlsPort"] = TlsPort.ToString(),
        ["Tls__CertificatePath"] = Certificates.CertificatePath,
        ["Tls__KeyPath"] = Certificates.KeyPath,
    };

    /// <summary>The thumbprint of the certificate a new TLS connection to <paramref name="port"/> is served.</summary>
    public async Task<string> ServedThumbprintAsync(int port)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync("127.0.0.1", port);
        await using var tls = new SslStream(tcp.GetStream(), false, (_, certificate, _, _) => Certificates.Trusts(certificate));
        await tls.AuthenticateAsClientAsync("127.0.0.1");
        return tls.RemoteCertificate!.GetCertHashString();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        Certificates.Dispose();
    }
}

public sealed class TlsTests(TlsHost host) : IClassFixture<TlsHost>
{
    [Fact]
    public async Task Mosquitto_over_tls_trusting_the_ca_file_gets_messages_and_plain_1883_still_works()
    {
        var t = Tenants.New();
        var token = host.Token(t, "alice");
        string[] tls = ["-p", host.TlsPort.ToString(), "--cafile", host.Certificates.CaPath];
        await using var sub = Mosquitto.StartSub(host, "mqttv5", null, token, ["-t", $"cw/{t}/broadcast", .. tls]);
        await sub.SubscribedAsync();

        var overTls = await Mosquitto.PubAsync(host, "mqttv311", null, token, $"cw/{t}/broadcast", "over tls", tls);
        var plain = await Mosquitto.PubAsync(host, "mqttv311", null, token, $"cw/{t}/broadcast", "plain");
        var untrusted = await Mosquitto.PubAsync(host, "mqttv311", null, token, $"cw/{t}/broadcast", "no ca", "-p", host.TlsPort.ToString(), "--tls-use-os-certs");

        Assert.Equal((0, 0), (overTls.ExitCode, plain.ExitCode));
        Assert.NotEqual(0, untrusted.ExitCode); // the test CA is not in the system's trust store
        await sub.WaitForLineAsync(line => line.Contains("over tls", StringComparison.Ordinal));
        await sub.WaitForLineAsync(line => line.Contains("plain", StringComparison.Ordinal));
        Assert.DoesNotContain("no ca", sub.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_browser_style_client_connects_over_wss()
    {
        var t = Tenants.New();
        var options = new MqttClientOptionsBuilder()
            .WithWebSocketServer(o => o.WithUri($"wss://127.0.0.1:{host.HttpsPort}/mqtt"))
            .WithTlsOptions(o => o.UseTls().WithCertificateValidationHandler(e => host.Certificates.Trusts(e.Certificate)))
            .WithCredentials("", host.Token(t, "alice"))
            .WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500)
            .Build();
        using var client = new MqttClientFactory().CreateMqttClient();

        var result = await client.ConnectAsync(options);

        Assert.Equal(MqttClientConnectResultCode.Success, result.ResultCode);
        var subscribed = await client.SubscribeAsync($"cw/{t}/broadcast");
        Assert.Equal(MqttClientSubscribeResultCode.GrantedQoS0, subscribed.Items.Single().ResultCode);
        await client.DisconnectAsync();
    }

    [Fact]
    public async Task A_replaced_certificate_is_served_to_new_connections_while_connected_clients_stay()
    {
        var t = Tenants.New();
        var token = host.Token(t, "alice", Role.User);
        await using var sub = Mosquitto.StartSub(host, "mqttv5", null, token, "-t", $"cw/{t}/broadcast", "-p", host.TlsPort.ToString(), "--cafile", host.Certificates.CaPath);
        await sub.SubscribedAsync();
        var before = await host.ServedThumbprintAsync(host.TlsPort);

        var renewed = host.Certificates.IssueServerCertificate("CreatiWall Test Server (renewed)");

        await Eventually.HoldsAsync(async () => await host.ServedThumbprintAsync(host.TlsPort) == renewed);
        Assert.NotEqual(before, renewed);
        Assert.Equal(renewed, await host.ServedThumbprintAsync(host.HttpsPort)); // HTTPS/WSS too
        await Mosquitto.PubAsync(host, "mqttv311", null, token, $"cw/{t}/broadcast", "after renewal");
        await sub.WaitForLineAsync(line => line.Contains("after renewal", StringComparison.Ordinal)); // the old connection is still up
    }

    [Theory]
    [InlineData("mqtts")]
    [InlineData("wss")]
    public async Task The_agent_connects_over_tls_trusting_the_ca_file_and_applies_a_layout(string scheme)
    {
        var t = Tenants.New();
        var state = Directory.CreateTempSubdirectory("cw-agent-").FullName;
        var url = scheme == "mqtts" ? $"mqtts://127.0.0.1:{host.TlsPort}" : $"wss://127.0.0.1:{host.HttpsPort}/mqtt";
        await using var agent = AgentProcess.Start(state, "--broker", url, "--token", host.Token(t, "screen-1", Role.Device),
            "--ca-file", host.Certificates.CaPath);
        await agent.WaitForLogAsync($"connected to {url}");

        var admin = host.Token(t, "root", Role.Admin);
        var update = await host.PostAsync("/api/websocket/layout-update", admin, new { layoutId = "lobby", deviceIds = new[] { "screen-1" } });
        var messageId = update.Data.GetProperty("messageId").GetString();

        await Eventually.HoldsAsync(async () =>
            (await host.GetAsync($"/api/layout-updates/{messageId}", admin)).Data.GetProperty("devices")[0].GetProperty("state").GetString() == "applied",
            agent.Process);
    }

    [Fact]
    public async Task The_agent_refuses_a_broker_whose_certificate_it_does_not_trust()
    {
        var state = Directory.CreateTempSubdirectory("cw-agent-").FullName;
        var url = $"mqtts://127.0.0.1:{host.TlsPort}";

        // No --ca-file: the system's trust store, which does not hold the test CA.
        await using var agent = AgentProcess.Start(state, "--broker", url, "--token", host.Token(Tenants.New(), "screen-1", Role.Device), "--max-attempts", "1");

        Assert.True(await agent.Process.WaitForExitAsync(TimeSpan.FromSeconds(30)), "the agent kept trying");
        Assert.DoesNotContain($"connected to {url}", agent.Process.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Checkconfig_refuses_a_tls_port_without_a_certificate()
    {
        var result = await ApiCommand.RunAsync(["checkconfig"], new Dictionary<string, string?> { ["Mqtt__TlsPort"] = "8883" });

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("Mqtt:TlsPort needs a certificate", result.Output, StringComparison.Ordinal);
    }
}
