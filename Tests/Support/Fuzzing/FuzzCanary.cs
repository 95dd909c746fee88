using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using CreatiWall.Broker.Identity;
using MQTTnet;
using MQTTnet.Protocol;

namespace CreatiWall.Fuzzing;

/// <summary>
/// A well-behaved client beside the fuzzer, in a tenant of its own: it publishes (QoS 1, over TCP) every
/// <see cref="Interval"/> and must receive each message both over TCP and over WebSocket, in time, without being disconnected.
/// </summary>
internal sealed class FuzzCanary : IAsyncDisposable
{
    static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);

    readonly IMqttClient _tcp;
    readonly IMqttClient _ws;
    readonly string _topic;
    readonly ConcurrentDictionary<(string Via, int N), long> _pending = new();
    readonly ConcurrentQueue<string> _problems = new();
    readonly CancellationTokenSource _stop = new();
    Task _publishing = Task.CompletedTask;
    long _maxLatencyTicks;
    int _sent, _received;

    FuzzCanary(IMqttClient tcp, IMqttClient ws, string topic) => (_tcp, _ws, _topic) = (tcp, ws, topic);

    /// <summary>Messages published, and received (both connections together: twice as many when all is well).</summary>
    public (int Sent, int Received) Counts => (Volatile.Read(ref _sent), Volatile.Read(ref _received));

    public TimeSpan MaxLatency => Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _maxLatencyTicks));

    /// <summary>Disconnections, failed publishes, messages late or lost.</summary>
    public IReadOnlyCollection<string> Problems => _problems;

    public static async Task<FuzzCanary> StartAsync(FuzzTarget target, CancellationToken cancel)
    {
        var tenant = "fzc-" + Guid.NewGuid().ToString("N")[..8];
        var token = target.Tokens.Issue(tenant, "canary", Role.User, lifetime: TimeSpan.FromDays(1));
        var factory = new MqttClientFactory();
        var tcp = factory.CreateMqttClient();
        var ws = factory.CreateMqttClient();
        var canary = new FuzzCanary(tcp, ws, $"cw/{tenant}/channels/canary");
        await canary.ConnectAsync(tcp, "tcp", token, o => o.WithTcpServer("127.0.0.1", target.TcpPort), cancel);
        await canary.ConnectAsync(ws, "ws", token, o => o.WithWebSocketServer(w => w.WithUri(target.WebSocket.ToString())), cancel);
        canary._publishing = canary.PublishAsync();
        return canary;
    }

    async Task ConnectAsync(IMqttClient client, string via, string token, Action<MqttClientOptionsBuilder> transport, CancellationToken cancel)
    {
        var options = new MqttClientOptionsBuilder().WithClientId($"canary-{via}").WithCredentials("", token)
            .WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500).WithKeepAlivePeriod(TimeSpan.FromSeconds(15))
            .WithTimeout(TimeSpan.FromSeconds(10));
        transport(options);
        client.ApplicationMessageReceivedAsync += e =>
        {
            var n = int.Parse(Encoding.ASCII.GetString(e.ApplicationMessage.Payload), System.Globalization.CultureInfo.InvariantCulture);
            if (_pending.TryRemove((via, n), out var sentAt))
            {
                var latency = Stopwatch.GetTimestamp() - sentAt;
                InterlockedMax(ref _maxLatencyTicks, latency);
                Interlocked.Increment(ref _received);
            }

            return Task.CompletedTask;
        };
        client.DisconnectedAsync += e =>
        {
            if (e.ClientWasConnected && !_stop.IsCancellationRequested)
            {
                _problems.Enqueue($"the {via} canary was disconnected: {e.Reason} {e.ReasonString} {e.Exception?.Message}");
            }

            return Task.CompletedTask;
        };
        await client.ConnectAsync(options.Build(), cancel);
        await client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter(_topic, MqttQualityOfServiceLevel.AtLeastOnce).Build(), cancel);
    }

    async Task PublishAsync()
    {
        using var timer = new PeriodicTimer(Interval);
        try
        {
            for (var n = 0; await timer.WaitForNextTickAsync(_stop.Token); n++)
            {
                CheckLate();
                var now = Stopwatch.GetTimestamp();
                _pending[("tcp", n)] = now;
                _pending[("ws", n)] = now;
                try
                {
                    using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
                    timeout.CancelAfter(TimeSpan.FromSeconds(10));
                    var message = new MqttApplicationMessageBuilder().WithTopic(_topic).WithPayload(n.ToString(System.Globalization.CultureInfo.InvariantCulture))
                        .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build();
                    var result = await _tcp.PublishAsync(message, timeout.Token);
                    Interlocked.Increment(ref _sent);
                    if (!result.IsSuccess)
                    {
                        _problems.Enqueue($"publish {n} refused: {result.ReasonCode}");
                    }
                }
                catch (Exception e) when (e is not OperationCanceledException || !_stop.IsCancellationRequested)
                {
                    _problems.Enqueue($"publish {n} failed: {e.GetType().Name}: {e.Message}");
                }
            }
        }
        catch (OperationCanceledException)
        {
            // stopped
        }
    }

    /// <summary>A message that has not arrived within 10 s counts as lost.</summary>
    void CheckLate()
    {
        var late = Stopwatch.GetTimestamp() - Stopwatch.Frequency * 10;
        foreach (var ((via, n), sentAt) in _pending)
        {
            if (sentAt < late && _pending.TryRemove((via, n), out _))
            {
                _problems.Enqueue($"message {n} did not reach the {via} canary within 10 s");
            }
        }
    }

    /// <summary>Stops publishing and waits (at most 10 s) for what is still on its way.</summary>
    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await _publishing;
        for (var deadline = DateTime.UtcNow.AddSeconds(10); !_pending.IsEmpty && DateTime.UtcNow < deadline;)
        {
            await Task.Delay(50);
        }

        foreach (var ((via, n), _) in _pending)
        {
            _problems.Enqueue($"message {n} never reached the {via} canary");
        }
    }

    static void InterlockedMax(ref long target, long value)
    {
        for (var current = Interlocked.Read(ref target); value > current; current = Interlocked.Read(ref target))
        {
            if (Interlocked.CompareExchange(ref target, value, current) == current)
            {
                return;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested)
        {
            await _stop.CancelAsync();
        }

        await _publishing;
        foreach (var client in new[] { _tcp, _ws })
        {
            if (client.IsConnected)
            {
                await client.DisconnectAsync();
            }

            client.Dispose();
        }

        _stop.Dispose();
    }
}
