using CreatiWall.Bench;
using CreatiWall.Bench.Suite;

// dotnet run -c Release --project bench -- <scenario> [options]

// Socket completions run on the event thread instead of one thread-pool hop each: 10,000 screens each receiving one
// message must cost the load side less than the broker (read before the first socket is used).
Environment.SetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS", "1");

return args switch
{
    ["retained", .. var rest] => await RetainedScenario.RunAsync(Options.Parse(rest)),
    ["suite", .. var rest] => await SuiteRunner.RunAsync(rest),
    ["cluster", .. var rest] => await ClusterScenario.RunAsync(rest),
    ["cluster-outage", .. var rest] => await ClusterOutage.RunAsync(rest),
    ["fuzz", .. var rest] => await FuzzScenario.RunAsync(rest),
    ["micro", .. var rest] => await CreatiWall.Bench.Micro.MicroBenchmarks.RunAsync(rest),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("""
        usage: dotnet run -c Release --project bench -- <scenario> [options]
        scenarios:
          suite      [--fleet N] [--rounds R] [--only ours|mosquitto] [--out FILE]
                     [--skip latency,throughput,fanout,fleetpush,reconnect[,hold]] [--set KEY=VALUE ...] [--samples DIR]
                     every scenario against Mosquitto, then against our host: latency (TCP, WebSocket), throughput
                     (QoS 0, QoS 1), N screens connecting (memory, connect rate), the QoS 1 run again with them idle,
                     broadcast fan-out to 1,000 and N, a REST layout-update to N (ours), N screens reconnecting;
                     writes the markdown table (default N = 10000; R rounds alternating between the brokers, medians);
                     --set passes configuration to our host as environment variables (experiments); with reconnect
                     skipped, hold keeps the fleet connected 15 s more (time for dotnet-gcdump); --samples writes each
                     latency sample with its arrival time (monotonic clock, as perf -k CLOCK_MONOTONIC) into
                     DIR/round-R/<broker>-latency.<tcp|ws>.txt
          cluster    [--fleet N] [--nodes K] [--skip single,messages,fleet] [--out FILE]
                     cluster mode on this machine: one redis-server (AOF everysec) and K Release hosts (default 3,
                     node-1…node-K); QoS 1 throughput and latency with publisher and subscriber on a single
                     (non-cluster) host, on one node, and on two nodes (node-1 → node-2 through Redis); then N screens
                     spread over the nodes and a REST layout-update to all of them sent to node-1, against the same
                     fleet on the single host (default N = 10000); writes the markdown tables
          cluster-outage [--down S]
                     a timeline, not a measurement: Redis killed and started again (AOF) under a cluster of three,
                     for about 1.5 s and for S seconds (default 15, longer than Cluster:NodeTimeoutSeconds): what
                     crosses, /readyz, a REST write, the devices' statuses afterwards (host logs on stderr)
          micro      [--out FILE]
                     BenchmarkDotNet (in process, short run) on the hot functions: JWT validation, the access check,
                     subscription matching among 10,000 screens; writes its markdown table
          fuzz       [--minutes N] [--seed S] [--workers W] [--hold S]
                     the tests' mutation fuzzer of the MQTT listener (TCP and WebSocket) for N minutes (default 10)
                     against a Release host of its own, W fuzzed connections at once (default 24) beside a canary;
                     exit 1 when the host died, logged an error or exception, grew past its memory bound, kept
                     connections, or failed the canary (the report names the seed: --seed S runs it again);
                     --hold keeps the host up S seconds after the report (time for dotnet-gcdump)
          retained   [--count N] [--inflight N] [--out FILE]
                     publish N retained messages (default 20000) through the real host, kill -9 it, restart it
                     on the same database, and time the publish rate, the restart and a subscriber reading them all
        """);
    return 2;
}
