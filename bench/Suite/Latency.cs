using System.Buffers.Binary;
using System.Diagnostics;
using System.Text;
using CreatiWall.Bench.Brokers;
using CreatiWall.Bench.Lean;

namespace CreatiWall.Bench.Suite;

/// <summary>
/// One publisher at a fixed low rate (QoS 0 unless asked, 100 B), one subscriber: time from send to receipt. The first
/// two seconds are not counted: a long-running broker's steady state is measured, not its first calls (JIT tiering).
/// </summary>
public static class Latency
{
    /// <param name="samplesFile">When set, every counted sample is written there as "latency-ms arrival-s" (arrival on the
    /// monotonic clock that <c>perf record -k CLOCK_MONOTONIC</c> uses), to line slow messages up with a trace.</param>
    /// <param name="publishTo">Where the publisher connects (default: <paramref name="target"/>, as the subscriber).</param>
    public static async Task RunAsync(BrokerUnderTest broker, Target target, Results results, string key, string? samplesFile = null,
        int rate = 100, int samples = 1000, int qos = 0, Target? publishTo = null)
    {
        var warmup = rate * 2;
        var total = warmup + samples;
        var topic = Topics.Channel(BrokerUnderTest.Tenant, "latency");
        var topicBytes = Encoding.UTF8.GetBytes(topic);
        var latencies = new List<double>(total);
        var arrivals = new List<long>(total);
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var s = broker.User("latency-sub");
        await using var sub = await LeanClient.OpenAsync(target, dedicatedReader: true);
        sub.OnPublish = (_, payload, _) =>
        {
            var elapsed = LeanClient.MicrosSince(BinaryPrimitives.ReadInt64LittleEndian(payload)) / 1000;
            lock (latencies)
            {
                latencies.Add(elapsed);
                arrivals.Add(Stopwatch.GetTimestamp());
                if (latencies.Count == total)
                {
                    done.TrySetResult();
                }
            }
        };
        await Throughput.Expect(sub.ConnectAsync(s.ClientId, s.User, s.Password));
        await sub.SubscribeAsync([topic], qos);

        var p = broker.User("latency-pub");
        await using var pub = await LeanClient.OpenAsync(publishTo ?? target);
        await Throughput.Expect(pub.ConnectAsync(p.ClientId, p.User, p.Password));

        var payload = new byte[100];
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1.0 / rate));
        var sent = 0;
        var cpu = new CpuMeter(broker);
        while (sent < total && await timer.WaitForNextTickAsync())
        {
            await pub.SendAsync(w =>
            {
                BinaryPrimitives.WriteInt64LittleEndian(payload, Stopwatch.GetTimestamp());
                MqttWire.WritePublish(w, topicBytes, payload, qos, qos > 0 ? pub.NextId() : (ushort)0);
            });
            sent++;
        }

        await Task.WhenAny(done.Task, Task.Delay(2000));
        results.Cpu(key, cpu);
        List<double> copy;
        List<long> arrived;
        lock (latencies)
        {
            copy = [.. latencies.Skip(warmup)];
            arrived = [.. arrivals.Skip(warmup)];
        }

        if (samplesFile is not null)
        {
            File.WriteAllLines(samplesFile, copy.Zip(arrived,
                (ms, at) => FormattableString.Invariant($"{ms:F3} {at / (double)Stopwatch.Frequency:F6}")));
        }

        results.Set(key + ".p50", Stats.Percentile(copy, 0.5), $"p50 {Stats.Percentile(copy, 0.5):F3} ms");
        results.Set(key + ".p99", Stats.Percentile(copy, 0.99), $"p99 {Stats.Percentile(copy, 0.99):F3} ms");
        results.Set(key + ".p999", Stats.Percentile(copy, 0.999), $"p99.9 {Stats.Percentile(copy, 0.999):F3} ms ({copy.Count} of {samples} samples)");
        await pub.DisconnectAsync();
        await sub.DisconnectAsync();
    }
}
