#!/usr/bin/env bash
# Runs the benchmark scenarios on this machine and writes BENCHMARKS.md from their output.
# Figures come from the run; nothing is typed in. Progress goes to stderr.
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

dotnet build bench -c Release -nologo -v q >/dev/null
echo "bench: retained persistence (20,000 topics)..." >&2
dotnet run -c Release --project bench --no-build -- retained --count 20000 --out "$out/retained.md"

{
  echo "# Benchmarks"
  echo
  echo "Written by \`bench/run.sh\` from the run below; rerun it to refresh. Machine: $(nproc) cores,"
  echo "$(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -sr), .NET $(dotnet --version); $(date -u +%Y-%m-%dT%H:%MZ)."
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
  echo "The scenarios against Mosquitto (throughput, idle fleet, fan-out, fleet push, connections, latency) are"
  echo "not written yet."
} > BENCHMARKS.md
echo "bench: wrote BENCHMARKS.md" >&2
