#!/usr/bin/env bash
# Runs every test of the project on a fresh machine: installs what the tests need, builds, tests,
# and ends with one line "N passed, N failed, N skipped".
set -uo pipefail
cd "$(dirname "$0")"

need_debian() { # package, command it provides
  command -v "$2" >/dev/null 2>&1 && return 0
  echo "test.sh: installing Debian package $1" >&2
  local sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  if [ -z "${apt_updated:-}" ]; then $sudo apt-get update -qq >/dev/null; apt_updated=1; fi
  $sudo apt-get install -y -qq "$1" >/dev/null
}
need_debian mosquitto-clients mosquitto_sub || { echo "test.sh: could not install mosquitto-clients" >&2; echo "0 passed, 1 failed"; exit 1; }
need_debian chromium chromium || { echo "test.sh: could not install chromium (for the dashboard tests)" >&2; echo "0 passed, 1 failed"; exit 1; }
need_debian redis-server redis-server || { echo "test.sh: could not install redis-server (for the cluster-mode tests)" >&2; echo "0 passed, 1 failed"; exit 1; }
need_debian haproxy haproxy || { echo "test.sh: could not install haproxy (for the load-balancer test)" >&2; echo "0 passed, 1 failed"; exit 1; }
# Cluster-mode tests run a real Redis (Tests/Support/RedisServer.cs, which says the same on stderr): redis-server as a
# child process. The contract allows Testcontainers.Redis where a Docker engine answers; the fixture does not use it.
docker_engine="no Docker engine"; docker info >/dev/null 2>&1 && docker_engine="a Docker engine answers, but the fixture runs redis-server itself"
echo "redis: redis-server $(redis-server --version | grep -oE 'v=[0-9.]+' | cut -c3-) child process, AOF everysec ($docker_engine)"

passed=0; failed=0; skipped=0; status=0
log=$(mktemp)

if ! dotnet build CreatiWall.Mqtt.sln -c Debug -nologo -v q > "$log" 2>&1; then
  cat "$log"; echo "build failed"; echo "0 passed, 1 failed"; exit 1
fi

dotnet test CreatiWall.Mqtt.sln -c Debug --no-build -nologo 2>&1 | tee "$log"
[ "${PIPESTATUS[0]}" -eq 0 ] || status=1

# VSTest prints one summary per test assembly: "Passed!  - Failed: 0, Passed: 12, Skipped: 0, Total: 12, ..."
while read -r f p s; do
  failed=$((failed + f)); passed=$((passed + p)); skipped=$((skipped + s))
done < <(sed -nE 's/.*Failed:[[:space:]]*([0-9]+), Passed:[[:space:]]*([0-9]+), Skipped:[[:space:]]*([0-9]+).*/\1 \2 \3/p' "$log")

# C# style (.editorconfig): one test. `dotnet format CreatiWall.Mqtt.sln` fixes what it reports.
if dotnet format CreatiWall.Mqtt.sln --verify-no-changes -v q 2>&1; then
  passed=$((passed + 1))
else
  echo "test.sh: dotnet format --verify-no-changes failed (dotnet format CreatiWall.Mqtt.sln fixes it)" >&2; failed=$((failed + 1)); status=1
fi

# The browser client: Vitest against the real host (built above), then ESLint and Prettier over web/.
# npm ci when node_modules is missing or older than the lock file.
if ! command -v npm >/dev/null 2>&1; then
  echo "test.sh: npm is missing: install Node.js 20+ to run the web client's tests" >&2; failed=$((failed + 1)); status=1
elif (cd web && { test node_modules/.package-lock.json -nt package-lock.json || npm ci --no-audit --no-fund >/dev/null 2>&1; } && npm run build >/dev/null 2>&1); then
  (cd web/client && NO_COLOR=1 npx vitest run 2>&1) | sed 's/\x1b\[[0-9;]*m//g' | tee "$log"
  [ "${PIPESTATUS[0]}" -eq 0 ] || status=1
  # Vitest's summary: "Tests  1 failed | 3 passed (4)", with "| N skipped" when some are
  line=$(grep -E '^ +Tests +' "$log" | tail -1)
  p=$(echo "$line" | grep -oE '[0-9]+ passed' | grep -oE '[0-9]+' || true)
  f=$(echo "$line" | grep -oE '[0-9]+ failed' | grep -oE '[0-9]+' || true)
  k=$(echo "$line" | grep -oE '[0-9]+ skipped' | grep -oE '[0-9]+' || true)
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0})); skipped=$((skipped + ${k:-0}))
  [ -n "$line" ] || { failed=$((failed + 1)); status=1; }
  # One test each: "lint" (ESLint, warnings included) and "format:check" (Prettier).
  for check in lint format:check; do
    if (cd web && npm run -s "$check" 2>&1); then
      passed=$((passed + 1))
    else
      echo "test.sh: npm run $check failed in web/ (npm run format fixes formatting)" >&2; failed=$((failed + 1)); status=1
    fi
  done
else
  echo "test.sh: npm ci or the web build failed" >&2; failed=$((failed + 1)); status=1
fi
rm -f "$log"

[ "$passed" -gt 0 ] || status=1
[ "$failed" -eq 0 ] || status=1
echo "$passed passed, $failed failed, $skipped skipped"
exit $status
