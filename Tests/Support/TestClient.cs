using System.Text;
using System.Threading.Channels;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace CreatiWall.Tests.Support;

public enum Transport
{
    Tcp,
    WebSocket,
}

/// <summary>An MQTTnet client connected to the test host, with an inbox of what it received.</summary>
public sealed class TestClient : IAsyncDisposable
{
    static readonly TimeSpan DefaultWait = TimeSpan.FromSeconds(10);

    readonly Channel<MqttApplicationMessage> _inbox = Channel.CreateUnbounded<MqttApplicationMessage>();
    readonly TaskCompletionSource<MqttClientDisconnectedEventArgs> _disconnected = new(TaskCreationOptions.RunContinuationsAsynchronously);

    TestClient(IMqttClient client)
    {
        Client = client;
        client.ApplicationMessageReceivedAsync += e =>
        {
            _inbox.Writer.TryWrite(e.ApplicationMessage);
            return Task.CompletedTask;
        };
        client.DisconnectedAsync += e =>
        {
            if (e.ClientWasConnected)
            {
                _disconnected.TrySetResult(e);
            }

            return Task.CompletedTask;
        };
    }

    public IMqttClient Client { get; }

    public MqttClientConnectResult ConnectResult { get; private set; } = null!;

    public bool Accepted => ConnectResult.ResultCode == MqttClientConnectResultCode.Success;

    /// <summary>Completes when the server ends an established connection.</summary>
    public Task<MqttClientDisconnectedEventArgs> Disconnected => _disconnected.Task;

    public static async Task<TestClient> ConnectAsync(
        BrokerHost host,
        string? token,
        string? username = null,
        string? clientId = null,
        MqttProtocolVersion version = MqttProtocolVersion.V500,
        Transport transport = Transport.Tcp,
        Action<MqttClientOptionsBuilder>? configure = null)
    {
        var builder = new MqttClientOptionsBuilder()
            .WithProtocolVersion(version)
            .WithClientId(clientId ?? "test-" + Guid.NewGuid().ToString("N")[..12])
            .WithCredentials(username ?? "", token)
            .WithTimeout(DefaultWait);
        builder = transport == Transport.Tcp
            ? builder.WithTcpServer(o => o.BufferSize = 64 * 1024) // the default 8 KB stalls on loopback bursts
                .WithEndPoint(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, host.MqttPort))
            : builder.WithWebSocketServer(o => o.WithUri(host.WebSocketUri));
        configure?.Invoke(builder);

        var client = new TestClient(new MqttClientFactory().CreateMqttClient());
        client.ConnectResult = await client.Client.ConnectAsync(builder.Build());
        return client;
    }

    /// <summary>
    /// Connects over TCP from another loopback address (<c>127.0.0.x</c>): for what the broker counts per remote address,
    /// which every other test shares as 127.0.0.1.
    /// </summary>
    public static Action<MqttClientOptionsBuilder> From(string localAddress) => o => o.WithTcpServer(tcp =>
    {
        tcp.BufferSize = 64 * 1024;
        tcp.LocalEndpoint = new System.Net.IPEndPoint(System.Net.IPAddress.Parse(localAddress), 0);
    });

    /// <summary>Subscribes to each filter (QoS 1) and returns the reason code granted to each.</summary>
    public async Task<MqttClientSubscribeResultCode[]> SubscribeAsync(params string[] filters)
    {
        var options = new MqttClientSubscribeOptionsBuilder();
        foreach (var filter in filters)
        {
            options.WithTopicFilter(filter, MqttQualityOfServiceLevel.AtLeastOnce);
        }

        var result = await Client.SubscribeAsync(options.Build());
        return result.Items.Select(item => item.ResultCode).ToArray();
    }

    public Task<MqttClientPublishResult> PublishAsync(string topic, string payload, bool retain = false) =>
        Client.PublishAsync(new MqttApplicationMessageBuilder()
            .WithTopic(topic)
            .WithPayload(payload)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .WithRetainFlag(retain)
            .Build());

    /// <summary>The next message received (waits at most <paramref name="timeout"/>).</summary>
    public async Task<MqttApplicationMessage> ReceiveAsync(TimeSpan? timeout = null)
    {
        using var cancel = new CancellationTokenSource(timeout ?? DefaultWait);
        try
        {
            return await _inbox.Reader.ReadAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"{Client.Options?.ClientId} received nothing within {timeout ?? DefaultWait}.");
        }
    }

    /// <summary>
    /// Everything received before the message on <paramref name="topic"/> with <paramref name="payload"/>. A sentinel
    /// published after a refused message proves that nothing leaked without sleeping: the broker queues each accepted
    /// message for its subscribers before acknowledging it, and delivers in order.
    /// </summary>
    public async Task<List<MqttApplicationMessage>> ReceiveUntilAsync(string topic, string payload)
    {
        var before = new List<MqttApplicationMessage>();
        while (true)
        {
            var message = await ReceiveAsync();
            if (message.Topic == topic && Text(message) == payload)
            {
                return before;
            }

            before.Add(message);
        }
    }

    public static string Text(MqttApplicationMessage message) => Encoding.UTF8.GetString(message.Payload);

    public async ValueTask DisposeAsync()
    {
        if (Client.IsConnected)
        {
            await Client.DisconnectAsync();
        }

        Client.Dispose();
    }
}
