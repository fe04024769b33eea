#!/usr/bin/env bash
# Side-by-side fan-out benchmark: starts the servers named in SERVERS (each on its own port, all at
# once, so that runs can alternate between them), then runs ../shared/bench/fanout-mp.mjs against each
# in turn, ROUNDS times, with SERVER_PID set (deliveries per server CPU-second). Prints one JSON line
# per run, with the server's name, the round and the 1-minute load average when the run started.
# Nothing is built or installed here: the jars and the Centrifugo binary must exist already.
#
#   SERVERS="rebound old socketio centrifugo" ROUNDS=3 MODE=saturation loadtest/side-by-side.sh
#   SERVERS="rebound centrifugo" ROUNDS=3 MODE=rate RATE=100 loadtest/side-by-side.sh
#
# Environment (defaults in brackets):
#   SERVERS      rebound | old | socketio | centrifugo, space-separated  [rebound socketio]
#   MODE         saturation (M publications, W in flight) | rate (open loop at RATE/s)  [saturation]
#   N M W K      subscribers, publications, in flight, generator worker processes  [1000 2000 16 2; in rate mode
#                M defaults to a minute of publications, RATE*60: the generator forks fresh worker processes for
#                every run and their first ~0.5 s, before V8 has compiled the receive path, is slow for every server
#                (loadtest/README.md, "Where the tail at a fixed rate comes from"); in a 10 s run that is 5 % of the
#                deliveries and so decides the p99]
#   RATE         publications/s in rate mode  [100]
#   ROUNDS       measured runs per server, alternating  [3]
#   WARMUP       publications of one unmeasured run per server first (JIT, connection pools)  [2000]
#   JAVA_OPTS    JVM flags of both Rebound servers  [the launchers' flags, see README.md]
#   OLD_JAVA_OPTS  JVM flags of the old server only (compare collectors on one jar)  [JAVA_OPTS]
#   NEW_JAR  [target/rebound.jar]     OLD_JAR  [/work/bench/rebound-old.jar]
#   CENTRIFUGO   the centrifugo v6 binary  [~/go/bin/centrifugo]
#   BENCH_DIR    the shared generator's directory  [../shared/bench]
#   PORT_BASE    Rebound port; old +10, socketio +20, centrifugo +30  [8000]
#   OUT          directory for server logs and the generated Centrifugo config  [/tmp/side-by-side]
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
SERVERS=${SERVERS:-"rebound socketio"}
MODE=${MODE:-saturation}
RATE=${RATE:-100}
if [ "$MODE" = rate ]; then M=${M:-$((RATE * 60))}; else M=${M:-2000}; fi
N=${N:-1000}; W=${W:-16}; K=${K:-2}
ROUNDS=${ROUNDS:-3}; WARMUP=${WARMUP:-2000}
JAVA_OPTS=${JAVA_OPTS:-"-XX:+ExitOnOutOfMemoryError -XX:+UseG1GC -Xms512m -Xmx2g"}
OLD_JAVA_OPTS=${OLD_JAVA_OPTS:-$JAVA_OPTS}
NEW_JAR=${NEW_JAR:-$ROOT/target/rebound.jar}
OLD_JAR=${OLD_JAR:-/work/bench/rebound-old.jar}
CENTRIFUGO=${CENTRIFUGO:-$HOME/go/bin/centrifugo}
BENCH_DIR=$(cd "${BENCH_DIR:-$ROOT/../shared/bench}" && pwd)
OUT=${OUT:-/tmp/side-by-side}
mkdir -p "$OUT"

PORT_BASE=${PORT_BASE:-8000}
declare -A PORT=([rebound]=$PORT_BASE [old]=$((PORT_BASE + 10)) [socketio]=$((PORT_BASE + 20)) [centrifugo]=$((PORT_BASE + 30)))
declare -A PID=()
cleanup() { for p in "${PID[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

TOKEN=$(java -cp "${LOADTEST_JAR:-$ROOT/target/rebound-loadtest.jar}" io.rebound.loadtest.fanout.FanoutBenchmark --secret bench-secret --print-token bench-shared)

cat > "$OUT/centrifugo.json" <<EOF
{
  "http_server": {"port": ${PORT[centrifugo]}},
  "log": {"level": "error"},
  "client": {"token": {"hmac_secret_key": "bench-secret"}, "allowed_origins": ["*"]},
  "http_api": {"key": "bench-key"},
  "channel": {"namespaces": [{"name": "personal", "history_size": 1000, "history_ttl": "300s", "force_recovery": true,
    "allow_subscribe_for_client": true, "allow_publish_for_client": true}]}
}
EOF

start() {
  local name=$1 port=${PORT[$1]}
  case $name in
    rebound) java $JAVA_OPTS -jar "$NEW_JAR" --config "$ROOT/loadtest/bench-config.json" --port "$port" >"$OUT/$name.log" 2>&1 & ;;
    old) java $OLD_JAVA_OPTS -jar "$OLD_JAR" --config "$ROOT/loadtest/bench-config.json" --port "$port" >"$OUT/$name.log" 2>&1 & ;;
    socketio) (cd "$BENCH_DIR" && exec node peer-socketio.mjs "$port") >"$OUT/$name.log" 2>&1 & ;;
    centrifugo) "$CENTRIFUGO" -c "$OUT/centrifugo.json" >"$OUT/$name.log" 2>&1 & ;;
    *) echo "unknown server $name" >&2; exit 2 ;;
  esac
  PID[$name]=$!
  for _ in $(seq 1 600); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  echo "$name did not listen on $port (see $OUT/$name.log)" >&2; exit 1
}

ticks() { cut -d")" -f2 "/proc/$1/stat" | awk '{print $12, $13}'; }

run() { # name publications [rate]
  local name=$1 m=$2 rate=${3:-} kind=rebound
  [ "$name" = socketio ] && kind=socketio
  (cd "$BENCH_DIR" && RATE=$rate SERVER_PID=${PID[$name]} API_KEY=bench-key \
    node fanout-mp.mjs "$kind" "${PORT[$name]}" "$N" "$m" "$W" "$TOKEN" "$K")
}

for s in $SERVERS; do start "$s"; done
rate=""; [ "$MODE" = rate ] && rate=$RATE
for s in $SERVERS; do run "$s" "$WARMUP" "$rate" >/dev/null || true; done
for r in $(seq 1 "$ROUNDS"); do
  for s in $SERVERS; do
    load=$(cut -d' ' -f1 /proc/loadavg)
    read -r u0 s0 < <(ticks "${PID[$s]}")
    # A generator that dies (a server closing its publish connection) costs that run, not the session.
    line=$(run "$s" "$M" "$rate") || line='{"error":"generator failed, see stderr"}'
    read -r u1 s1 < <(ticks "${PID[$s]}")
    # user vs kernel CPU of the server over the whole run (connects included): where its time goes
    echo "{\"server\":\"$s\",\"round\":$r,\"load1\":$load,\"server_user_ticks\":$((u1 - u0)),\"server_sys_ticks\":$((s1 - s0)),${line#\{}"
  done
done
