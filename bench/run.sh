#!/usr/bin/env bash
# Runs the benchmark on this machine and writes BENCHMARKS.md from its output: our broker against Mosquitto,
# alternately, three rounds (each figure is the median). Figures come from the run; nothing is typed in.
# Progress goes to stderr. About 10 minutes on 2 cores. Usage: bash bench/run.sh [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/.."
rounds="${1:-3}"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

if ! command -v mosquitto >/dev/null && [ ! -x /usr/sbin/mosquitto ]; then
  echo "bench: installing Debian's mosquitto (the reference broker)..." >&2
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq mosquitto) >&2
  systemctl disable --now mosquitto >/dev/null 2>&1 || true # the bench starts its own, on a free port
fi

if ! command -v redis-server >/dev/null; then
  echo "bench: installing Debian's redis-server (the cluster scenario's Redis)..." >&2
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server) >&2
  systemctl disable --now redis-server >/dev/null 2>&1 || true # the bench starts its own, on a free port
fi

dotnet build bench -c Release -nologo -v q >/dev/null
run() { dotnet run -c Release --project bench --no-build -- "$@"; }

echo "bench: micro-benchmarks (BenchmarkDotNet)..." >&2
run micro --out "$out/micro.md"
echo "bench: suite, $rounds rounds: Mosquitto, then ours, alternately..." >&2
run suite --fleet 10000 --rounds "$rounds" --out "$out/suite.md"
echo "bench: retained persistence (20,000 topics)..." >&2
run retained --count 20000 --out "$out/retained.md"
echo "bench: cluster: redis-server and three nodes, 10,000 screens (once, about 2 minutes)..." >&2
cluster_at=$(date -u +%Y-%m-%dT%H:%MZ)
run cluster --fleet 10000 --out "$out/cluster.md"

mosquitto_version=$( (/usr/sbin/mosquitto -h 2>/dev/null || mosquitto -h 2>/dev/null || true) | sed -n 's/^mosquitto version //p' | head -1)
{
  echo "# Benchmarks"
  echo
  echo "Written by \`bash bench/run.sh\` from the run below; rerun it to refresh. Machine: $(nproc) cores,"
  echo "$(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -sr), .NET $(dotnet --version), Mosquitto ${mosquitto_version:-?}; $(date -u +%Y-%m-%dT%H:%MZ)."
  echo
  echo "## Our broker against Mosquitto"
  echo
  echo "\`dotnet run -c Release --project bench -- suite --fleet 10000 --rounds $rounds\`: each broker in turn on"
  echo "loopback (Mosquitto with [bench/mosquitto.conf](bench/mosquitto.conf), ours as the Release host with its embedded"
  echo "SQLite store and JWT passwords), alternating for $rounds rounds; every figure is the median of the rounds. Ratios"
  echo "are \"times better than Mosquitto\" (for times and bytes: Mosquitto's figure over ours)."
  echo
  cat "$out/suite.md"
  echo
  cat <<'EOF'
### What each scenario does

The load generator (`bench/Lean`) is a minimal MQTT 3.1.1 client: one socket per connection, packets written into one
buffer and sent in batches, parsed in place; the few busy clients of a throughput or latency run read on a thread of
their own with blocking calls (which .NET serves through its socket event thread; a throughput subscriber wakes per
16 KB or per millisecond, `SO_RCVLOWAT`), the 10,000 screens share the socket event loop. Its CPU and the broker's
are in the table above.

- **Latency**: one publisher sends a 100-byte QoS 0 message every 10 ms (1,000 samples, after a warm-up) to one
  subscriber; time from the write to its arrival. TCP, and WebSocket (`/mqtt` on our HTTP port, Mosquitto's
  `websockets` listener).
- **Throughput**: one publisher → one subscriber on a channel topic, 100-byte payloads, for 4 s. QoS 0 is paced by
  an end-to-end window of 500 messages (sent, not yet received: without it either broker drops under overload,
  which is not throughput); QoS 1 also by at most 64 unacknowledged PUBLISHes. Losses are counted.
- **Fleet**: 10,000 screens connect 64 at a time as a real one does: its own client id and token (ours: a device
  JWT, validated on every connect), a will on its status topic, subscriptions (QoS 1) to its layout and device
  topics and the tenant broadcast, the first 1,000 also to a channel. Memory per connection is the broker's resident
  size after minus before, over 10,000, once the broker is idle again.
- **Idle fleet**: the QoS 1 throughput run again with the 10,000 screens connected, after a 2 s warm-up run (not
  reported) that lets the broker settle after the connect burst (ours: the first collections move the new
  connections' objects to the old generation once).
- **Broadcast**: one QoS 1 message to the channel (1,000 subscribers) and to the broadcast topic (10,000); time
  until the last screen has it, median of 5.
- **REST layout-update** (ours only): one `POST /api/websocket/layout-update` naming the 10,000 screens (after one
  warm-up); time until the last screen has its layout. The 2xx comes once every layout row is committed.
- **Reconnect**: every screen disconnects; once the broker is idle, all 10,000 connect again (64 at a time): the
  rate counts screens back with their subscriptions, p50/p99 is socket open → CONNACK.

### What was found with profiles, and changed

`perf` (with `DOTNET_PerfMapEnabled`), `dotnet-trace` and `dotnet-gcdump` against the host under this suite:

- **Routing**: MQTTnet copied the list of subscribed sessions and checked each one on every publish, so the idle-fleet
  run slowed down in proportion to the fleet. The broker now keeps its own tree of subscriptions and
  hands each message to the matching sessions' queues (`MessageRouter`, `SubscriptionTree`), with MQTT's rules for
  overlapping subscriptions, no-local, retain-as-published and subscription identifiers (tests in `RoutingTests`).
- **Retained messages on SUBSCRIBE**: MQTTnet copied its whole retained list and matched every filter against every
  entry on each SUBSCRIBE; with a retained status per screen, the cost of each connect grew with the fleet. Retained messages are now kept and sent by the broker (`RetainedMessages`), after the
  subscription is registered, under one lock with retained publishes, so a newer live message never precedes an
  older retained one.
- **Presence**: the online status write was awaited in MQTTnet's connected event, which holds back the client's
  SUBSCRIBE; it is now queued (still ordered per device) and written with one upsert.
- **Store**: each `seq` number was a database round trip (10,000 for one layout update); numbers now come from
  blocks reserved in the file, a layout update takes its range at once. Statements are prepared once; savepoints are
  only used to re-run a batch in which an operation failed.
- **Memory**: MQTTnet's packet encoder started every connection with a 4 KB buffer, the largest single item of an
  idle connection; it starts at 256 bytes and keeps at most 2 KB after a large packet (`MqttListener`). The
  subscription tree keeps a filter's only subscriber inline (a screen's own topics have one) instead of in a
  dictionary: 425 bytes and 6 objects less per screen in a heap dump (156.0 against 160.3 MB for 10,000).
- **Garbage collection**: `Api.csproj` asked for workstation GC under a misspelt property (`ServerGarbageCollector`),
  so until 2026-11-28 the host ran the Web SDK's server GC (with DATAS, which also ignores the gen0 size and budget
  settings tried before). The runtime's GC events during the reconnect burst showed two collections of 80–130 ms,
  each holding all 64 connects in flight. With `ServerGarbageCollection` false, three runs each: 17.1–17.2 KB per
  connection instead of 21–25 KB, reconnect p99 40–49 ms instead of 91–110 ms, at a lower broadcast rate
  (25,000–30,000 instead of 31,000–39,000 deliveries/s) and reconnect rate (2,700–3,300 instead of 3,100–3,900/s).
  Non-concurrent workstation GC (a larger gen0 budget) sat in between: 34,000 deliveries/s, 25–26 KB.
- **Access check**: topic matching split every topic and filter into strings, on every publish and subscribe (an
  eighth of what a connect allocated); it reads the levels as ranges of the topic now, and ids are checked without
  a regex.
- **Limits**: `Mqtt:MaxPendingMessagesPerClient` stays 1,000 (like `max_queued_messages` in Mosquitto's
  configuration): the runs above lose nothing with it, a screen's newest layout does not depend on it (retained and
  sent again on subscribe), and it bounds what a stalled client can hold. Kestrel waits for data before it allocates
  a read buffer, so an idle connection holds none.

### Traced, and tried without keeping it

- **Latency tail**: `suite --samples DIR` writes each latency sample with its arrival time. Lined up with
  `perf sched record -k CLOCK_MONOTONIC` and `perf record -F 4000 -g -k CLOCK_MONOTONIC` (2026-11-27), every message
  late by about 4, 8 or 12 ms met a virtual CPU that stopped running for milliseconds: the running thread, in the load
  generator or the broker, has no sample at all for about 3.5 ms and resumes inside the hypervisor's interrupt path
  (`pvm_irq_enable`), mostly in a loopback send that wakes the receiving thread, at the next 4 ms scheduler tick (the
  kernel runs at 250 Hz); a 36 s trace held about 700 such stalls of 3.5 to 12 ms. The kernel's DAMON monitor
  (`kdamond`, sampling memory every 500 ms on this VM) also holds a CPU for milliseconds. In two runs side by side,
  Mosquitto's TCP p99 was 1.2 ms with at most 1 of 1,000 messages late by more than 2.5 ms, ours 3.5 to 4 ms with 13
  to 18: each of our messages passes through two broker threads (Kestrel's socket thread, then a thread-pool worker
  that runs MQTTnet's receive loop, the routing and the send), Mosquitto's through one. Mosquitto's WebSocket listener
  delayed a third or more of its messages by one 4 ms step in the same runs.
- **Thread-pool spinning**: in the latency runs, two idle thread-pool workers of the broker took turns in
  `sched_yield` for seconds (the runtime's spin before a worker sleeps). `DOTNET_ThreadPool_UnfairSemaphoreSpinLimit=0`
  removed none of the latency steps and gave lower QoS 0 throughput and reconnect rates in two runs each, so the
  default stays.
- **WebSocket without the connection dispatcher**: MQTTnet reading and writing the accepted WebSocket itself (no pipe
  between them, one hand-off less each way) left the steps in place (WebSocket p99 1.4, 1.5, 8.6 and 8.7 ms in four
  runs) and lowered WebSocket QoS 0 throughput (146,000–153,000 against 172,000–190,000 msg/s), so it was not kept.
- **Load generator**: its blocking reads are served through .NET's socket event thread (one more wake-up per read,
  for either broker) because its sends are asynchronous; blocking sends avoid that but collapsed Mosquitto's QoS 1
  run to about 2,000 msg/s (with `SO_RCVLOWAT`), so they were not kept.

## Hot functions
EOF
  echo
  echo "\`dotnet run -c Release --project bench -- micro\`: BenchmarkDotNet, in process, short run; the subscription tree"
  echo "holds 10,000 screens' subscriptions (three each) and one dashboard's wildcard."
  echo
  cat "$out/micro.md"
  echo
  echo "## Retained persistence"
  echo
  echo "\`dotnet run -c Release --project bench -- retained --count 20000\`: the real host (Release) on loopback,"
  echo "one MQTTnet client publishing QoS 1 retained messages to 20,000 topics (64 in flight); each is one row"
  echo "in SQLite, committed in groups. Then the host is killed with SIGKILL, restarted on the same file, and a"
  echo "new subscriber reads every retained message back."
  echo
  cat "$out/retained.md"
  echo
  echo "## Cluster"
  echo
  echo "\`dotnet run -c Release --project bench -- cluster --fleet 10000\` (one run, $cluster_at): one \`redis-server\`"
  echo "(AOF everysec) and three Release hosts (\`node-1\`…\`node-3\`, each with its own ports and database file) as child"
  echo "processes on this machine, beside the load generator: every process shares the same 2 cores, so a node here has far"
  echo "less than a machine of its own. First a single (non-cluster) host, then the cluster; one broker runs at a time."
  echo "Messages: the QoS 1 throughput run of the suite (1→1, in-flight 64, 4 s) and latency at 100 msg/s, QoS 1 (1,000"
  echo "samples), with publisher and subscriber on the single host, both on node-1, and on node-1 → node-2 (through Redis"
  echo "sharded pub/sub; node-3 then has a subscriber of the tenant on another topic). Fleet: 10,000 screens as in the suite,"
  echo "screen i on node-(1 + i mod 3), and one REST layout-update naming all of them sent to node-1 (after one warm-up)."
  echo "CPU per message or per screen is each process's CPU over the phase divided by the messages received or the screens."
  echo "What these figures mean for 10k, 100k and 1M screens, and what holds across a Redis outage: [docs/scaling.md](docs/scaling.md)."
  echo
  cat "$out/cluster.md"
} > BENCHMARKS.md
echo "bench: wrote BENCHMARKS.md" >&2
