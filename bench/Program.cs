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
          micro      [--out FILE]
                     BenchmarkDotNet (in process, short run) on the hot functions: JWT validation, the access check,
                     subscription matching among 10,000 screens; writes its markdown table
          retained   [--count N] [--inflight N] [--out FILE]
                     publish N retained messages (default 20000) through the real host, kill -9 it, restart it
                     on the same database, and time the publish rate, the restart and a subscriber reading them all
        """);
    return 2;
}
