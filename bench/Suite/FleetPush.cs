using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using CreatiWall.Bench.Brokers;

namespace CreatiWall.Bench.Suite;

/// <summary>One REST layout-update naming every connected screen: time until the last screen has its layout.</summary>
public static class FleetPush
{
    public static async Task RunAsync<TBroker>(TBroker broker, Fleet fleet, Results results, string key)
        where TBroker : BrokerUnderTest, IRestApi
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
            var arrivals = new Arrivals(devices.Length);
            fleet.OnMessage = (topic, payload, _) =>
            {
                if (topic.EndsWith(suffix) && payload.IndexOf(marker) >= 0)
                {
                    arrivals.Arrived();
                }
            };
            var cpu = new CpuMeter(broker);
            arrivals.Start();
            var response = await http.PostAsJsonAsync("/api/websocket/layout-update", new { layoutId = id, deviceIds = devices, layoutData = new { zones = new[] { new { id = "main", playlist = "p1" } } } });
            var answered = arrivals.ElapsedMs;
            response.EnsureSuccessStatusCode();
            var last = await arrivals.LastAsync(TimeSpan.FromSeconds(60));
            if (round == 2)
            {
                results.Cpu(key, cpu, operations: devices.Length);
                results.Set(key + ".answered", answered, $"2xx after {answered:F0} ms");
                results.Set(key, last ?? double.PositiveInfinity, $"{arrivals.Count:N0} of {devices.Length:N0} screens have it after {last ?? arrivals.ElapsedMs:F0} ms");
            }
        }

        fleet.OnMessage = null;
    }
}
