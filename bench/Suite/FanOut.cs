using System.Text;
using CreatiWall.Bench.Brokers;
using CreatiWall.Bench.Lean;

namespace CreatiWall.Bench.Suite;

/// <summary>One QoS 1 message to a topic N connected screens subscribe to: time until the last one has it.</summary>
public static class FanOut
{
    const int Rounds = 5;

    public static async Task RunAsync(BrokerUnderTest broker, Fleet fleet, Results results, string key, string topic, int expected)
    {
        var p = broker.User("fanout-pub");
        await using var pub = await LeanClient.OpenAsync(broker.Tcp);
        await Throughput.Expect(pub.ConnectAsync(p.ClientId, p.User, p.Password));
        var acked = 0;
        pub.OnPubAck = _ => Interlocked.Increment(ref acked);
        var topicBytes = Encoding.UTF8.GetBytes(topic);
        var times = new List<double>();
        var cpu = new CpuMeter(broker);
        for (var round = 0; round < Rounds; round++)
        {
            var arrivals = new Arrivals(expected);
            var marker = (byte)('A' + round);
            fleet.OnMessage = (t, payload, _) =>
            {
                if (payload.Length > 0 && payload[0] == marker && t.SequenceEqual(topicBytes))
                {
                    arrivals.Arrived();
                }
            };
            var payload = new byte[100];
            payload[0] = marker;
            arrivals.Start();
            await pub.SendAsync(w => MqttWire.WritePublish(w, topicBytes, payload, 1, pub.NextId()));
            var last = await arrivals.LastAsync(TimeSpan.FromSeconds(30));
            if (last is null)
            {
                results.Set(key + ".missing", expected - arrivals.Count, $"round {round}: only {arrivals.Count} of {expected} received within 30 s");
            }

            times.Add(last ?? arrivals.ElapsedMs);
            await Task.Delay(200);
        }

        fleet.OnMessage = null;
        results.Cpu(key, cpu, operations: Rounds * expected);
        var median = Stats.Median(times);
        results.Set(key + ".ms", median, $"last of {expected:N0} has it after {median:F1} ms (median of {Rounds}: {string.Join(", ", times.Select(t => t.ToString("F1")))})");
        results.Set(key, expected / (median / 1000), $"{expected / (median / 1000):N0} deliveries/s");
        await pub.DisconnectAsync();
    }
}
