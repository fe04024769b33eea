#!/usr/bin/env bash
# Publish API throughput with wrk as the load (issue 16, goal 3): the JVM load tool (`rebound-loadtest.jar publish`)
# spends about twice the server's CPU per request, so on a 2-core box it, not the node, sets the pace. wrk (C, one
# thread) costs a few µs per request. Each jar in JARS gets a fresh node (memory engine, loadtest/bench-config.json),
# WARMUP_S of load for the JIT, then MEASURE_S measured; the jars alternate for ROUNDS rounds. Prints one JSON line per
# run: publishes/s, the node's CPU per publish (utime+stime from /proc over the measured run), failed replies (a reply
# that is not 200 or carries an "error": must be 0), wrk's p50/p99 and the load average. Nothing is built here; wrk is
# the Debian package (`apt-get install wrk`).
#
#   JARS="/work/bench/rebound-base.jar target/rebound.jar" ROUNDS=3 loadtest/publish-wrk.sh
#
# Environment (defaults in brackets): JARS [target/rebound.jar]  ROUNDS [3]  CONNECTIONS (requests in flight) [64]
#   WARMUP_S [20]  MEASURE_S [10]  PORT [8930]  JAVA_OPTS [the launchers' -XX:+UseG1GC -Xms512m -Xmx2g]
#   CHANNEL [chat:pub]  PAYLOAD_BYTES [64]
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
JARS=${JARS:-$ROOT/target/rebound.jar}; ROUNDS=${ROUNDS:-3}; CONNECTIONS=${CONNECTIONS:-64}
WARMUP_S=${WARMUP_S:-20}; MEASURE_S=${MEASURE_S:-10}; PORT=${PORT:-8930}
JAVA_OPTS=${JAVA_OPTS:-"-XX:+UseG1GC -Xms512m -Xmx2g -XX:+ExitOnOutOfMemoryError"}
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 2; }
OUT=$(mktemp -d)
NODE=
trap '[ -n "$NODE" ] && kill "$NODE" 2>/dev/null || true; rm -rf "$OUT"' EXIT
sed "s/\"port\": 8000/\"port\": $PORT/" loadtest/bench-config.json > "$OUT/node.json"
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
HZ=$(getconf CLK_TCK)
URL="http://127.0.0.1:$PORT"

for round in $(seq 1 "$ROUNDS"); do
  for jar in $JARS; do
    # shellcheck disable=SC2086
    java $JAVA_OPTS -jar "$jar" --config "$OUT/node.json" > "$OUT/node.log" 2>&1 &
    NODE=$!
    until curl -sf -o /dev/null "$URL/health/ready"; do kill -0 "$NODE" || { cat "$OUT/node.log"; exit 1; }; sleep 0.2; done
    wrk -t1 -c"$CONNECTIONS" -d"${WARMUP_S}s" -s loadtest/publish-wrk.lua "$URL" > "$OUT/warmup.txt"
    load=$(cut -d' ' -f1 /proc/loadavg)
    before=$(ticks "$NODE")
    wrk -t1 -c"$CONNECTIONS" -d"${MEASURE_S}s" -s loadtest/publish-wrk.lua "$URL" > "$OUT/run.txt"
    after=$(ticks "$NODE")
    kill "$NODE"; wait "$NODE" 2>/dev/null || true; NODE=
    read -r _ requests _ failed _ sockerr _ p50 _ p99 < <(grep '^requests' "$OUT/run.txt")
    python3 - "$(basename "$jar")" "$round" "$requests" "$failed" "$sockerr" "$p50" "$p99" "$((after - before))" "$HZ" "$MEASURE_S" "$load" <<'PY'
import json, sys
jar, rnd, req, failed, sockerr, p50, p99, ticks, hz, secs, load = sys.argv[1:]
req = int(req); cpu_s = int(ticks) / int(hz)
print(json.dumps({"jar": jar, "round": int(rnd), "publishes_per_s": round(req / float(secs)),
  "server_cpu_us_per_publish": round(cpu_s * 1e6 / req, 1) if req else None, "server_cores": round(cpu_s / float(secs), 2),
  "failed": int(failed), "socket_errors": int(sockerr), "p50_ms": int(p50) / 1000, "p99_ms": int(p99) / 1000, "load1": float(load)}))
PY
    if [ "$failed" != 0 ] || [ "$sockerr" != 0 ]; then echo "run failed: $failed failed replies, $sockerr socket errors" >&2; exit 3; fi
  done
done
