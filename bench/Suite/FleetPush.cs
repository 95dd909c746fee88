using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using CreatiWall.Bench.Brokers;
using CreatiWall.Bench.Lean;

namespace CreatiWall.Bench.Suite;

/// <summary>One REST layout-update naming every connected screen: time until the last screen has its layout.</summary>
public static class FleetPush
{
    public static async Task RunAsync(OursBroker broker, Fleet fleet, Results results, string key)
    {
        using var http = new HttpClient { BaseAddress = broker.Http, Timeout = TimeSpan.FromMinutes(2) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", broker.AdminToken());
        var devices = Enumerable.Range(0, fleet.Size).Select(BrokerUnderTest.DeviceId).ToArray();
        var suffix = "/layout"u8.ToArray();
        for (var round = 1; round <= 2; round++)
        {
            // Round 1 warms the route up (first use of the code paths); round 2 is measured.
            var id = $"bench-layout-{round}";
            var marker = Encoding.UTF8.GetBytes(id);
            var count = 0;
            var all = new TaskCompletionSource<double>(TaskCreationOptions.RunContinuationsAsynchronously);
            var start = 0L;
            fleet.OnMessage = (topic, payload, _) =>
            {
                if (topic.EndsWith(suffix) && payload.IndexOf(marker) >= 0 && Interlocked.Increment(ref count) == devices.Length)
                {
                    all.TrySetResult(LeanClient.MicrosSince(start) / 1000);
                }
            };
            var cpu = new CpuMeter(broker);
            start = Stopwatch.GetTimestamp();
            var response = await http.PostAsJsonAsync("/api/websocket/layout-update", new { layoutId = id, deviceIds = devices, layoutData = new { zones = new[] { new { id = "main", playlist = "p1" } } } });
            var answered = LeanClient.MicrosSince(start) / 1000;
            response.EnsureSuccessStatusCode();
            var complete = await Task.WhenAny(all.Task, Task.Delay(TimeSpan.FromSeconds(60))) == all.Task;
            var last = complete ? all.Task.Result : LeanClient.MicrosSince(start) / 1000;
            if (round == 2)
            {
                results.Cpu(key, cpu);
                results.Set(key + ".answered", answered, $"2xx after {answered:F0} ms");
                results.Set(key, complete ? last : double.PositiveInfinity, $"{count:N0} of {devices.Length:N0} screens have it after {last:F0} ms");
            }
        }

        fleet.OnMessage = null;
    }
}
