using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using CreatiWall.Bench.Brokers;
using CreatiWall.Bench.Lean;

namespace CreatiWall.Bench.Suite;

/// <summary>
/// Not a measurement but a timeline: what a cluster of three does while Redis is killed (SIGKILL) and started again on
/// its AOF, once for about 1.5 s and once for longer than <c>Cluster:NodeTimeoutSeconds</c> (10 s). Three screens (one
/// per node), a watcher of their statuses on node-1, a publisher on node-1 and a subscriber on node-1 and on node-2 of
/// one channel; what each receives, /readyz, a REST write, and the devices as the cluster lists them afterwards. The
/// basis of docs/scaling.md's section on Redis outages.
/// </summary>
public static class ClusterOutage
{
    public static async Task<int> RunAsync(string[] args)
    {
        var i = Array.IndexOf(args, "--down");
        var longOutage = TimeSpan.FromSeconds(i >= 0 && i + 1 < args.Length ? double.Parse(args[i + 1]) : 15);
        await using var cluster = new ClusterBroker(3);
        await cluster.StartAsync();
        var clock = Stopwatch.StartNew();
        void Log(string line) => Console.WriteLine($"{clock.Elapsed.TotalSeconds,6:F2} s  {line}");

        await using var fleet = new Fleet(cluster, 3); // d0 on node-1, d1 on node-2, d2 on node-3
        await fleet.ConnectAllAsync();
        Log("screens d0, d1, d2 connected to node-1, node-2, node-3");

        var admin = BenchTokens.Admin();
        await using var watcher = await LeanClient.OpenAsync(cluster.Node(1));
        watcher.OnPublish = (topic, payload, _) => Log($"watcher on node-1: {Encoding.UTF8.GetString(topic)} {Status(payload)}");
        await Throughput.Expect(watcher.ConnectAsync("bench-watcher", "", admin));
        await watcher.SubscribeAsync([$"cw/{BrokerUnderTest.Tenant}/devices/+/status"], 1);

        var news = Topics.Channel(BrokerUnderTest.Tenant, "news");
        var newsBytes = Encoding.UTF8.GetBytes(news);
        var crossed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        async Task<LeanClient> SubscriberAsync(int node, string name)
        {
            var c = BenchTokens.User(name);
            var client = await LeanClient.OpenAsync(cluster.Node(node));
            client.OnPublish = (_, payload, _) =>
            {
                Log($"subscriber on node-{node} got \"{Encoding.UTF8.GetString(payload)}\"");
                if (node != 1)
                {
                    crossed.TrySetResult();
                }
            };
            await Throughput.Expect(client.ConnectAsync(c.ClientId, c.User, c.Password));
            await client.SubscribeAsync([news], 1);
            return client;
        }

        await using var local = await SubscriberAsync(1, "local");
        await using var remote = await SubscriberAsync(2, "remote");
        var p = BenchTokens.User("pub");
        await using var pub = await LeanClient.OpenAsync(cluster.Node(1));
        await Throughput.Expect(pub.ConnectAsync(p.ClientId, p.User, p.Password));
        async Task PublishAsync(string text)
        {
            Log($"publisher on node-1 sends \"{text}\"");
            await pub.SendAsync(w => MqttWire.WritePublish(w, newsBytes, Encoding.UTF8.GetBytes(text), 1, pub.NextId()));
        }

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", admin);
        async Task ReadyAsync()
        {
            var codes = new List<int>();
            foreach (var node in cluster.NodeHttp)
            {
                codes.Add((int)(await http.GetAsync(new Uri(node, "/readyz"))).StatusCode);
            }

            Log($"/readyz of the nodes: {string.Join(", ", codes)}");
        }

        async Task RestAsync()
        {
            var t = Stopwatch.StartNew();
            var response = await http.PostAsJsonAsync(new Uri(cluster.Http, "/api/websocket/broadcast"), new { type = "note", data = new { } });
            Log($"REST broadcast sent to node-1 at {clock.Elapsed.TotalSeconds - t.Elapsed.TotalSeconds:F2} s answered {(int)response.StatusCode} " +
                $"{await response.Content.ReadAsStringAsync()} after {t.ElapsedMilliseconds} ms");
        }

        async Task DevicesAsync()
        {
            var response = await http.GetFromJsonAsync<System.Text.Json.JsonElement>(new Uri(cluster.Http, "/api/devices"));
            var devices = response.GetProperty("data").GetProperty("devices").EnumerateArray()
                .Select(d => $"{d.GetProperty("id")} {d.GetProperty("status")}{(d.GetProperty("reason").GetString() is { } r ? $" ({r})" : "")}");
            Log($"GET /api/devices: {string.Join(", ", devices)} (every screen still connected)");
        }

        // Once every node is ready again: one message every 250 ms until one crosses to node-2.
        async Task UntilCrossingAsync(string text)
        {
            crossed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var t = Stopwatch.StartNew();
            for (var n = 1; !crossed.Task.IsCompleted && t.Elapsed < TimeSpan.FromSeconds(30); n++)
            {
                await PublishAsync($"{text} #{n}");
                await Task.WhenAny(crossed.Task, Task.Delay(250));
            }

            Log(crossed.Task.IsCompleted ? $"messages cross to node-2 again {t.ElapsedMilliseconds} ms after every node was ready" : "nothing crossed to node-2 within 30 s");
        }

        await PublishAsync("before");
        await Task.Delay(500);
        await DevicesAsync();

        Log("--- Redis killed, started again about 1.5 s later");
        await cluster.Redis.KillAsync();
        await PublishAsync("short outage 1");
        await Task.Delay(200);
        await ReadyAsync();
        await PublishAsync("short outage 2");
        await Task.Delay(1000);
        await PublishAsync("short outage 3");
        var inFlight = RestAsync();
        await Task.Delay(200);
        await cluster.Redis.StartAsync();
        Log("Redis answers again (AOF loaded)");
        await inFlight;
        await WaitReadyAsync(http, cluster, Log);
        await UntilCrossingAsync("after the short outage");
        await Task.Delay(3000);

        Log($"--- Redis killed for {longOutage.TotalSeconds:F0} s (Cluster:NodeTimeoutSeconds is 10)");
        await cluster.Redis.KillAsync();
        var down = Stopwatch.StartNew();
        await PublishAsync("long outage");
        await Task.Delay(1000);
        await ReadyAsync();
        await RestAsync();

        // A screen that was never connected connects during the outage, to node-2.
        var d3 = BenchTokens.Device(3);
        await using var late = await LeanClient.OpenAsync(cluster.Node(2));
        var connecting = Stopwatch.StartNew();
        var code = await late.ConnectAsync(d3.ClientId, d3.User, d3.Password);
        Log($"new screen d3 connects to node-2: CONNACK {code} after {connecting.ElapsedMilliseconds} ms");
        connecting.Restart();
        await late.SubscribeAsync([Topics.DeviceLayout(BrokerUnderTest.Tenant, "d3")], 1);
        Log($"d3 subscribes to its layout: SUBACK after {connecting.ElapsedMilliseconds} ms");
        await Task.Delay(longOutage - down.Elapsed);
        await cluster.Redis.StartAsync();
        Log("Redis answers again (AOF loaded)");
        await WaitReadyAsync(http, cluster, Log);
        await UntilCrossingAsync("after the long outage");
        await Task.Delay(12000);
        await DevicesAsync();
        return 0;
    }

    static string Status(ReadOnlySpan<byte> envelope)
    {
        using var json = System.Text.Json.JsonDocument.Parse(envelope.ToArray());
        var data = json.RootElement.GetProperty("data");
        return data.GetProperty("status").GetString() + (data.GetProperty("reason").GetString() is { } r ? $" ({r})" : "");
    }

    static async Task WaitReadyAsync(HttpClient http, ClusterBroker cluster, Action<string> log)
    {
        var t = Stopwatch.StartNew();
        foreach (var node in cluster.NodeHttp)
        {
            while (true)
            {
                try
                {
                    if ((await http.GetAsync(new Uri(node, "/readyz"))).IsSuccessStatusCode)
                    {
                        break;
                    }
                }
                catch (HttpRequestException)
                {
                }

                await Task.Delay(50);
            }
        }

        log($"every node's /readyz is 200 again, {t.ElapsedMilliseconds} ms after Redis answered");
    }
}
