using System.Diagnostics;
using System.Text;
using CreatiWall.Broker.Identity;
using MQTTnet;
using MQTTnet.Protocol;

namespace CreatiWall.Bench;

/// <summary>
/// Retained persistence at fleet size: N retained topics published through the broker (each one row in SQLite),
/// the host killed with SIGKILL and restarted on the same file, then one subscriber reads every retained message back.
/// </summary>
public static class RetainedScenario
{
    public static async Task<int> RunAsync(Options options)
    {
        var n = options.Count;
        await using var host = new HostProcess(new() { ["Mqtt__MaxPendingMessagesPerClient"] = (n + 1000).ToString() });
        var firstStart = await host.StartAsync();
        var token = new TokenIssuer(Microsoft.Extensions.Options.Options.Create(new JwtOptions { Secret = HostProcess.Secret })).Issue("bench", "root", Role.Admin);
        Console.Error.WriteLine($"retained: host up in {firstStart.TotalMilliseconds:F0} ms; publishing {n} retained messages, {options.InFlight} in flight");

        var publish = Stopwatch.StartNew();
        using (var publisher = await ConnectAsync(host, token, "bench-publisher"))
        {
            var window = new SemaphoreSlim(options.InFlight);
            var pending = new List<Task>(n);
            for (var i = 0; i < n; i++)
            {
                await window.WaitAsync();
                var message = new MqttApplicationMessageBuilder()
                    .WithTopic($"cw/bench/channels/screens/{i}")
                    .WithPayload(Encoding.UTF8.GetBytes($"{{\"type\":\"state\",\"data\":{{\"i\":{i}}}}}"))
                    .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
                    .WithRetainFlag(options.Retain)
                    .Build();
                pending.Add(publisher.PublishAsync(message).ContinueWith(_ => window.Release()));
                if (i % 5000 == 4999)
                {
                    Console.Error.WriteLine($"retained: {i + 1} published");
                }
            }

            await Task.WhenAll(pending);
        }

        publish.Stop();
        var fileBytes = new FileInfo(host.DatabaseFile).Length + (File.Exists(host.DatabaseFile + "-wal") ? new FileInfo(host.DatabaseFile + "-wal").Length : 0);

        await host.KillAsync();
        var restart = await host.StartAsync();

        var read = Stopwatch.StartNew();
        var received = 0;
        var all = new TaskCompletionSource();
        using (var subscriber = await ConnectAsync(host, token, "bench-subscriber"))
        {
            subscriber.ApplicationMessageReceivedAsync += _ =>
            {
                if (Interlocked.Increment(ref received) == n)
                {
                    all.TrySetResult();
                }

                return Task.CompletedTask;
            };
            await subscriber.SubscribeAsync("cw/bench/channels/screens/#", MqttQualityOfServiceLevel.AtMostOnce);
            await Task.WhenAny(all.Task, Task.Delay(TimeSpan.FromSeconds(60)));
        }

        read.Stop();
        var lines = new[]
        {
            $"| retained topics | {n:N0} |",
            $"| publish QoS 1 retained, {options.InFlight} in flight | {n / publish.Elapsed.TotalSeconds:N0} msg/s ({publish.Elapsed.TotalSeconds:F2} s) |",
            $"| database after publishing (file + WAL) | {fileBytes / 1024.0 / 1024.0:F1} MiB |",
            $"| restart after SIGKILL until ready (loads them all) | {restart.TotalMilliseconds:N0} ms |",
            $"| new subscriber to `#` receives all of them | {received:N0} of {n:N0} in {read.Elapsed.TotalMilliseconds:N0} ms |",
        };
        var table = string.Join('\n', ["| retained persistence | figure |", "|---|---|", .. lines]);
        Console.WriteLine(table);
        if (options.Out is { } file)
        {
            await File.WriteAllTextAsync(file, table + "\n");
        }

        return received == n ? 0 : 1;
    }

    static async Task<IMqttClient> ConnectAsync(HostProcess host, string token, string clientId)
    {
        var client = new MqttClientFactory().CreateMqttClient();
        await client.ConnectAsync(new MqttClientOptionsBuilder()
            .WithTcpServer(o => o.BufferSize = 256 * 1024)
            .WithEndPoint(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, host.MqttPort))
            .WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500)
            .WithClientId(clientId)
            .WithCredentials("", token)
            .WithTimeout(TimeSpan.FromSeconds(30))
            .Build());
        return client;
    }
}
