using System.Buffers;
using System.Text.Json;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace CreatiWall.DeviceAgent;

/// <summary>
/// One screen: connects (trying each broker in turn, backing off), subscribes, applies the newest layout, acknowledges
/// it, and reconnects forever (or up to --max-attempts failures in a row).
/// </summary>
public sealed class DeviceRunner(string device, TokenSource token, string stateDir, AgentOptions options, ILogger logger)
{
    readonly RendererHook _hook = new(options.Hook);
    readonly LayoutApplier _layouts = new(device, stateDir, new RendererHook(options.Hook), logger);
    readonly string _messageFile = Path.Combine(stateDir, "message.json");
    IMqttClient? _client;
    string _tenant = "";

    public async Task RunAsync(CancellationToken stop)
    {
        using var client = new MqttClientFactory().CreateMqttClient();
        _client = client;
        client.ApplicationMessageReceivedAsync += OnMessageAsync;
        var failures = 0;
        var broker = 0;
        while (!stop.IsCancellationRequested)
        {
            var url = options.Brokers[broker % options.Brokers.Count];
            var ended = new TaskCompletionSource<MqttClientDisconnectedEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
            Func<MqttClientDisconnectedEventArgs, Task> onDisconnect = e => { ended.TrySetResult(e); return Task.CompletedTask; };
            client.DisconnectedAsync += onDisconnect;
            try
            {
                var jwt = token.Read(); // once per attempt: a rotated file is read whole, tenant and all
                _tenant = TokenSource.TenantOf(jwt);
                var result = await client.ConnectAsync(ConnectOptions(url, jwt), stop);
                if (result.ResultCode == MqttClientConnectResultCode.Success)
                {
                    failures = 0;
                    logger.Connected(device, url);
                    try
                    {
                        await SubscribeAsync(client, stop);
                    }
                    catch (Exception e) when (!client.IsConnected && e is not OperationCanceledException)
                    {
                        // The connection ended while subscribing (its token expired, the broker stopped): a disconnect.
                    }

                    var reason = await ended.Task.WaitAsync(stop);
                    logger.Disconnected(device, url, reason.Reason);
                }
                else
                {
                    // The token is refused: say so in one line, and try again later (a rotated token may come).
                    logger.Refused(url, device, result.ResultCode, result.ReasonString);
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                logger.Unreachable(device, url, e.GetBaseException().Message);
                broker++; // this one seems down: try the next
            }
            finally
            {
                client.DisconnectedAsync -= onDisconnect;
            }

            failures++;
            if (options.MaxAttempts > 0 && failures >= options.MaxAttempts)
            {
                throw new AgentFailedException($"device {device} gave up after {failures} failed attempts");
            }

            var delay = options.Backoff.Delay(failures - 1);
            logger.Reconnecting(device, (int)delay.TotalMilliseconds);
            await Task.Delay(delay, stop).ContinueWith(_ => { }, TaskScheduler.Default);
        }

        if (client.IsConnected)
        {
            await client.DisconnectAsync(cancellationToken: CancellationToken.None);
        }
    }

    MqttClientOptions ConnectOptions(BrokerUrl url, string jwt)
    {
        var will = JsonSerializer.Serialize(new
        {
            type = MessageTypes.DeviceStatus,
            channel = Channels.Device(device),
            data = new { deviceId = device, status = PresenceStatus.Offline, reason = PresenceStatus.NetworkError },
            sender = new Sender(null, device),
        }, Envelope.Json);
        return url.Apply(new MqttClientOptionsBuilder(), options.Ca)
            .WithProtocolVersion(MqttProtocolVersion.V500)
            .WithClientId(device) // the broker keeps a client-id space per tenant
            .WithCredentials(device, jwt)
            .WithKeepAlivePeriod(options.KeepAlive)
            .WithCleanStart(false)
            .WithSessionExpiryInterval(7 * 24 * 3600)
            .WithWillTopic(Topics.DeviceStatus(_tenant, device))
            .WithWillPayload(will)
            .WithWillQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .WithTimeout(TimeSpan.FromSeconds(10))
            .Build();
    }

    /// <summary>Always subscribes again: a resumed session may be gone after a broker restart.</summary>
    Task<MqttClientSubscribeResult> SubscribeAsync(IMqttClient client, CancellationToken stop) => client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder()
        .WithTopicFilter(Topics.DeviceLayout(_tenant, device), MqttQualityOfServiceLevel.AtLeastOnce)
        .WithTopicFilter(Topics.Device(_tenant, device), MqttQualityOfServiceLevel.AtLeastOnce)
        .WithTopicFilter(Topics.Broadcast(_tenant), MqttQualityOfServiceLevel.AtLeastOnce)
        .WithTopicFilter(Topics.Content(_tenant), MqttQualityOfServiceLevel.AtLeastOnce)
        .Build(), stop);

    async Task OnMessageAsync(MqttApplicationMessageReceivedEventArgs e)
    {
        var payload = e.ApplicationMessage.Payload.ToArray();
        JsonElement envelope;
        try
        {
            envelope = JsonDocument.Parse(payload).RootElement;
        }
        catch (JsonException)
        {
            logger.NotAnEnvelope(device, e.ApplicationMessage.Topic);
            return;
        }

        var type = envelope.TryGetProperty("type", out var t) ? t.GetString() ?? "" : "";
        if (e.ApplicationMessage.Topic == Topics.DeviceLayout(_tenant, device) && type == MessageTypes.LayoutUpdate)
        {
            if (await _layouts.HandleAsync(envelope, payload) is { } answer)
            {
                await AcknowledgeAsync(answer.MessageId, answer.LayoutId, answer.Error);
            }

            return;
        }

        logger.Received(device, type, e.ApplicationMessage.Topic);
        if (!string.IsNullOrWhiteSpace(options.Hook))
        {
            // The hook reads the message from a file: DIR/message.json, replaced (atomically) by the next message.
            AtomicFile.Write(_messageFile, payload);
            if (await _hook.RunAsync(type, _messageFile) is { } error)
            {
                logger.HookFailed(device, type, error);
            }
        }
    }

    Task<MqttClientPublishResult> AcknowledgeAsync(string? messageId, string? layoutId, string? error)
    {
        var ack = JsonSerializer.Serialize(new
        {
            id = Envelope.NewId(),
            type = MessageTypes.LayoutAck,
            channel = Channels.Device(device),
            data = new { messageId, layoutId, status = error is null ? LayoutAckStatus.Applied : LayoutAckStatus.Failed, error },
            sender = new Sender(null, device),
            timestamp = DateTimeOffset.UtcNow,
        }, Envelope.Json);
        return _client!.PublishAsync(new MqttApplicationMessageBuilder()
            .WithTopic(Topics.DeviceAck(_tenant, device))
            .WithPayload(ack)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .Build());
    }
}

public sealed class AgentFailedException(string message) : Exception(message);
