using System.Diagnostics;
using System.Text;
using CreatiWall.Bench.Brokers;
using CreatiWall.Bench.Lean;

namespace CreatiWall.Bench.Suite;

/// <summary>
/// P publishers → S subscribers on one channel topic, 100-byte payloads, for a fixed time. QoS 0 is paced by an
/// end-to-end window (sent but not yet received); QoS 1 also by its PUBACK window (in-flight). Loss is counted.
/// </summary>
public static class Throughput
{
    const int EndToEndWindow = 500;
    const int Batch = 100;

    /// <param name="publishTo">Where the publishers connect (default: <paramref name="target"/>, as the subscribers).</param>
    public static async Task RunAsync(BrokerUnderTest broker, Target target, Results results, string key, int qos,
        int inFlight = 64, int publishers = 1, int subscribers = 1, TimeSpan? duration = null, Target? publishTo = null)
    {
        var length = duration ?? TimeSpan.FromSeconds(4);
        var topic = Topics.Channel(BrokerUnderTest.Tenant, "throughput");
        var topicBytes = Encoding.UTF8.GetBytes(topic);
        var payload = new byte[100];
        var endToEnd = new Window((long)EndToEndWindow * subscribers * publishers);
        long received = 0;
        long lastReceived = 0;

        var subs = new List<LeanClient>();
        for (var s = 0; s < subscribers; s++)
        {
            var c = broker.User($"sub{s}");
            var sub = await LeanClient.OpenAsync(target, 64 * 1024, dedicatedReader: true, batchReads: true);
            sub.OnPublish = (_, _, _) =>
            {
                Interlocked.Increment(ref received);
                Volatile.Write(ref lastReceived, Stopwatch.GetTimestamp());
                endToEnd.Done();
            };
            await Expect(sub.ConnectAsync(c.ClientId, c.User, c.Password));
            await sub.SubscribeAsync([topic], qos);
            subs.Add(sub);
        }

        var pubs = new List<LeanClient>();
        for (var p = 0; p < publishers; p++)
        {
            var c = broker.User($"pub{p}");
            var pub = await LeanClient.OpenAsync(publishTo ?? target, 16 * 1024, dedicatedReader: true);
            await Expect(pub.ConnectAsync(c.ClientId, c.User, c.Password));
            pubs.Add(pub);
        }

        long sent = 0;
        var cpu = new CpuMeter(broker);
        var start = Stopwatch.GetTimestamp();
        await Task.WhenAll(pubs.Select(pub => Task.Run(async () =>
        {
            var acks = new Window(inFlight);
            pub.OnPubAck = _ => acks.Done();
            while (Stopwatch.GetElapsedTime(start) < length)
            {
                await endToEnd.WaitForRoomAsync(endToEnd.Size - (long)Batch * subscribers);
                var n = Batch;
                if (qos > 0)
                {
                    await acks.WaitForRoomAsync();
                    n = (int)Math.Min(n, acks.Room);
                }

                acks.Add(qos > 0 ? n : 0);
                endToEnd.Add((long)n * subscribers);
                Interlocked.Add(ref sent, n);
                await pub.SendAsync(w =>
                {
                    for (var i = 0; i < n; i++)
                    {
                        MqttWire.WritePublish(w, topicBytes, payload, qos, qos > 0 ? pub.NextId() : (ushort)0);
                    }
                });
            }
        })));

        await endToEnd.DrainAsync(TimeSpan.FromSeconds(2));
        var elapsed = Stopwatch.GetElapsedTime(start, Volatile.Read(ref lastReceived)).TotalSeconds;
        var expected = sent * subscribers;
        results.Cpu(key, cpu);
        results.Set(key, received / elapsed, $"{received / elapsed:N0} msg/s ({received:N0} of {expected:N0} received, {elapsed:F2} s)");
        results.Set(key + ".loss", expected - received, $"{expected - received:N0} lost");

        foreach (var client in subs.Concat(pubs))
        {
            await client.DisconnectAsync();
            await client.DisposeAsync();
        }
    }

    public static async Task Expect(Task<int> connect)
    {
        var code = await connect;
        if (code != 0)
        {
            throw new InvalidOperationException($"CONNECT refused with return code {code}");
        }
    }
}
