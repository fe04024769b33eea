#!/usr/bin/env bash
# Balancer reload of many connections (issue 16, goal 6): one node in a process of its own, the balancer as
# BALANCERS processes of their own, the clients in the MassReconnect process, so that 15,000 clients fit under the
# 20,000 open files one process may have here (a client costs 1 descriptor in the tool, 2 in its balancer, 1 in the
# node). Prints MassReconnect's summary and one JSON line per run: full-recovery times from the reload instant and
# from the moment the balancers accept again, from the moment each client noticed its own cut (the broker's share:
# without the time the test balancers take to cut 15,000 sockets on shared cores), lost, duplicates, node CPU, the CPU-seconds
# node and tool spent in the storm (reload to the last full recovery), load. Nothing is built here.
#
#   NODE_JAR=/work/bench/rebound-base.jar RUNS=3 CLIENTS=15000 loadtest/reload-bench.sh
#
# Environment (defaults in brackets):
#   NODE_JAR   the server jar  [target/rebound.jar]       TOOL_JAR  the load tool  [target/rebound-loadtest.jar]
#   CLIENTS [15000]  BALANCERS [2]  RATE publications/s [200]  REFUSE_MS outage [500]  RUNS [1]
#   BACKOFF    "MIN MAX" client reconnect backoff in ms  [the tool's default, 100 2000; the SDKs' is 500 20000]
#   BALANCER   tcpproxy: BALANCERS of the test kit's TcpProxy in processes of their own, a reload cuts every connection
#              and refuses new ones for REFUSE_MS; haproxy: BALANCERS HAProxy processes (the Debian package, one thread
#              each, TCP mode, ports from HAPROXY_PORT [8520] on), a reload kill -9s them all (the kernel closes every
#              socket at once) and starts them again after REFUSE_MS  [tcpproxy]
#   EVENT_LOOPS  the tool's client event loops  [2]       PORT  the node's port  [8510]
#   NODE_OPTS  the node's JVM flags  [-XX:+ExitOnOutOfMemoryError]   OUT  [/tmp/reload-bench]
#   TOOL_ARGS  more MassReconnect flags, e.g. "--timeout-ms 30000"  []   TOOL_OPTS  the tool's JVM flags  []
#   NODE_EXTRA more node config keys, e.g. '"http_max_pending_connections": 20000,'  []
#   KEEP_NODE  1: one node for all RUNS (run 1 meets a node fresh from its start, later runs one whose JIT has seen a
#              reload storm, as a node that has run for a while has); 0: a fresh node per run  [0]
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
NODE_JAR=${NODE_JAR:-$ROOT/target/rebound.jar}; TOOL_JAR=${TOOL_JAR:-$ROOT/target/rebound-loadtest.jar}
CLIENTS=${CLIENTS:-15000}; BALANCERS=${BALANCERS:-2}; RATE=${RATE:-200}; REFUSE_MS=${REFUSE_MS:-500}; RUNS=${RUNS:-1}
BACKOFF=${BACKOFF:-"100 2000"}; EVENT_LOOPS=${EVENT_LOOPS:-2}; PORT=${PORT:-8510}
NODE_OPTS=${NODE_OPTS:-"-XX:+ExitOnOutOfMemoryError"}
OUT=${OUT:-/tmp/reload-bench}
mkdir -p "$OUT"
read -r BMIN BMAX <<< "$BACKOFF"
BALANCER=${BALANCER:-tcpproxy}; HAPROXY_PORT=${HAPROXY_PORT:-8520}
NODE=
trap '[ -n "$NODE" ] && kill "$NODE" 2>/dev/null; for f in "$OUT"/haproxy-*.pid; do [ -f "$f" ] && kill -9 "$(cat "$f")" 2>/dev/null; done; true' EXIT

if [ "$BALANCER" = haproxy ]; then
  command -v haproxy >/dev/null || { echo "haproxy is not installed (apt-get install haproxy)" >&2; exit 2; }
  urls=
  for b in $(seq 1 "$BALANCERS"); do
    # maxconn 9000: HAProxy holds 2 descriptors per connection and one process may open 20,000 here.
    cat > "$OUT/haproxy-$b.cfg" <<CFG
global
  maxconn 9000
  nbthread 1
defaults
  mode tcp
  timeout connect 5s
  timeout client 10m
  timeout server 10m
frontend clients
  bind 127.0.0.1:$((HAPROXY_PORT + b)) backlog 16384
  default_backend node
backend node
  server node1 127.0.0.1:$PORT
CFG
    urls="$urls${urls:+,}ws://127.0.0.1:$((HAPROXY_PORT + b))/connection/websocket"
  done
  cat > "$OUT/haproxy-start.sh" <<SH
#!/bin/sh
for b in \$(seq 1 $BALANCERS); do haproxy -q -D -f "$OUT/haproxy-\$b.cfg" -p "$OUT/haproxy-\$b.pid" || exit 1; done
SH
  cat > "$OUT/haproxy-reload.sh" <<SH
#!/bin/sh
for b in \$(seq 1 $BALANCERS); do kill -9 \$(cat "$OUT/haproxy-\$b.pid"); done
sleep $(python3 -c "print($REFUSE_MS / 1000)")
exec "$OUT/haproxy-start.sh"
SH
  chmod +x "$OUT/haproxy-start.sh" "$OUT/haproxy-reload.sh"
  BALANCER_ARGS=(--balancer-url "$urls" --reload-command "$OUT/haproxy-reload.sh")
else
  BALANCER_ARGS=(--balancer-processes "$BALANCERS")
fi

cat > "$OUT/node.json" <<JSON
{"port": $PORT, "name": "reload-node", "token_hmac_secret_key": "bench-secret", "api_key": "bench-key", "engine": "memory",
 "client_recovery_max_publication_limit": 1000, ${NODE_EXTRA:-}
 "namespaces": [
  {"name": "personal", "history_size": 1000, "history_ttl": "300s", "force_recovery": true, "allow_subscribe_for_client": true, "allow_user_limited_channels": true},
  {"name": "chat", "history_size": 1000, "history_ttl": "300s", "force_recovery": true, "allow_subscribe_for_client": true, "allow_user_limited_channels": true}]}
JSON

KEEP_NODE=${KEEP_NODE:-0}
for run in $(seq 1 "$RUNS"); do
  if [ -z "$NODE" ]; then
    # shellcheck disable=SC2086
    java $NODE_OPTS -jar "$NODE_JAR" --config "$OUT/node.json" > "$OUT/node-$run.log" 2>&1 &
    NODE=$!
    until curl -sf -o /dev/null "http://127.0.0.1:$PORT/health/ready"; do kill -0 "$NODE" || exit 1; sleep 0.2; done
  fi
  echo "$NODE" > "$OUT/node-$run.pid"  # for a profiler to attach to
  if [ "$BALANCER" = haproxy ]; then "$OUT/haproxy-start.sh"; fi
  load=$(cut -d' ' -f1 /proc/loadavg)
  # shellcheck disable=SC2086
  java -Xmx4g ${TOOL_OPTS:-} -cp "$TOOL_JAR" io.rebound.loadtest.reconnect.MassReconnect --target "127.0.0.1:$PORT" --target-pid "$NODE" \
    "${BALANCER_ARGS[@]}" --clients "$CLIENTS" --rate "$RATE" --refuse-ms "$REFUSE_MS" \
    --backoff-min-ms "$BMIN" --backoff-max-ms "$BMAX" --event-loops "$EVENT_LOOPS" --out "$OUT/run-$run" ${TOOL_ARGS:-} \
    2>&1 | grep -v 'Connection evicted' | tee "$OUT/tool-$run.log" | grep -E '^\[mass|^scenario|^  ' || true
  if [ "$BALANCER" = haproxy ]; then for b in $(seq 1 "$BALANCERS"); do kill -9 "$(cat "$OUT/haproxy-$b.pid")" 2>/dev/null || true; done; fi
  if [ "$KEEP_NODE" != 1 ] || [ "$run" = "$RUNS" ]; then kill "$NODE"; wait "$NODE" 2>/dev/null || true; NODE=; fi
  python3 - "$OUT/run-$run/result.json" "$REFUSE_MS" "$load" "$(basename "$NODE_JAR")" "$BALANCER" <<'PY'
import json, sys
r = json.load(open(sys.argv[1])); refuse = int(sys.argv[2])
t = r["time_to_full_recovery"]; own = r["time_from_own_cut_to_full_recovery"]; cpu = r["cpu"]
# CPU-seconds the node and the tool spent from the reload to the last client's full recovery, from the timeline's
# samples (per cent of all cores, each over the interval since the sample before): on a shared box the storm cannot be
# shorter than what both need divided by the cores.
cols = r["timeline_columns"]; ti, ni, pi = cols.index("t_ms"), cols.index("broker_cpu_pct"), cols.index("process_cpu_pct")
start = r["disruptions_ms"][0] if r["disruptions_ms"] else None; end = start + (t.get("max_ms") or 0) if start is not None else None
node_s = tool_s = 0.0; prev = None
for row in r["timeline"]:
    if prev is not None and start is not None and row[ti] > start and prev < end:
        dt = (min(row[ti], end) - max(prev, start)) / 1000 * r["config"]["cores"] / 100
        node_s += row[ni] * dt; tool_s += row[pi] * dt
    prev = row[ti]
print(json.dumps({"node": sys.argv[4], "balancer": sys.argv[5], "clients": r["config"]["clients"], "load1": float(sys.argv[3]),
  "p50_ms": t.get("p50_ms"), "p99_ms": t.get("p99_ms"), "max_ms": t.get("max_ms"),
  "max_after_balancer_back_ms": (t.get("max_ms") or 0) - refuse, "cut_reached_last_client_ms": r["cut_reached_last_client_ms"],
  "own_cut_p50_ms": own.get("p50_ms"), "own_cut_p99_ms": own.get("p99_ms"), "own_cut_max_ms": own.get("max_ms"),
  "affected": r["affected_clients"],
  "not_back": r["not_recovered_clients"], "recovered_pct": r["recovered_pct"], "lost": r["lost"],
  "duplicates": r["duplicates"], "node_cpu_max_pct": cpu.get("broker_max_pct"), "node_cpu_avg_pct": cpu.get("broker_avg_pct"),
  "storm_node_cpu_s": round(node_s, 2), "storm_tool_cpu_s": round(tool_s, 2),
  "storm_node_cpu_us_per_client": round(node_s * 1e6 / r["affected_clients"]) if r["affected_clients"] else None,
  "balancer_refused": r["balancer_refused"], "connect_attempts": r["connect_attempts"]}))
PY
done
