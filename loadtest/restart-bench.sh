#!/usr/bin/env bash
# Restart-to-ready benchmark (issue 16, goal 6): a 3-node Hazelcast cluster on this machine; one node is
# stopped (kill -9 or SIGTERM) and started again, and the time from the new process's start to its first
# 200 on GET /health/ready is measured, RUNS times. Each jar runs with ITS OWN packaged cluster.xml (only the
# Hazelcast port range is moved, so several benchmarks on one machine do not meet); nothing is built here.
#
#   JARS="/work/bench/rebound-base.jar target/rebound.jar+cds" MODE=kill RUNS=3 loadtest/restart-bench.sh
#
# A jar written JAR+cds runs with a class-data-sharing archive, as k8s/Dockerfile ships it: first a training start
# of one member (-XX:ArchiveClassesAtExit, stopped with SIGTERM once started), then every node with
# -XX:SharedArchiveFile.
#
# Prints one JSON line per restart: jar, mode, run, ms from spawn to the HTTP port answering (http_ms), to
# /health/ready = 200 (ready_ms), the node's own log milestones (ms since spawn) and the 1-minute load average.
# Environment (defaults in brackets):
#   JARS       space-separated server jars, measured alternately  [target/rebound.jar]
#   MODE       kill (kill -9) | term (SIGTERM, waits for the process to exit)  [kill]
#   RUNS       restarts per jar  [3]
#   HTTP_PORT  first of the 3 HTTP ports  [8501]      HZ_PORT  first Hazelcast port (10 are used)  [5720]
#   JAVA_OPTS  JVM flags of every node  [-XX:+ExitOnOutOfMemoryError -Xms256m -Xmx1g]
#   RESTART_OPTS  extra JVM flags of the restarted node only (e.g. a JFR recording)  []
#   OUT        logs and generated configs  [/tmp/restart-bench]
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
JARS=${JARS:-$ROOT/target/rebound.jar}
MODE=${MODE:-kill}; RUNS=${RUNS:-3}
HTTP_PORT=${HTTP_PORT:-8501}; HZ_PORT=${HZ_PORT:-5720}
JAVA_OPTS=${JAVA_OPTS:-"-XX:+ExitOnOutOfMemoryError -Xms256m -Xmx1g"}
OUT=${OUT:-/tmp/restart-bench}
mkdir -p "$OUT"
SECRET="restart-bench-$$-$RANDOM-secret"
declare -a PIDS=()
cleanup() { for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill -9 "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

now_ms() { date +%s%3N; }
status() { curl -s -o /dev/null -w '%{http_code}' --max-time 1 "http://127.0.0.1:$1$2" 2>/dev/null || true; }

jar_of() { echo "${1%+cds}"; }
tag_of() { local t; t=$(basename "$(jar_of "$1")" .jar); case "$1" in *+cds) t="$t-cds";; esac; echo "$t"; }
cds_opts() { case "$1" in *+cds) echo "-XX:SharedArchiveFile=$OUT/$(tag_of "$1").jsa";; esac; }

# $1 jar spec, $2 index 0..2, $3 extra JVM flags: starts the node in the background, sets PIDS[$2].
start_node() {
  local spec=$1 i=$2 extra="${3:-} $(cds_opts "$1")" port=$((HTTP_PORT + $2)) tag jar
  tag=$(tag_of "$spec"); jar=$(jar_of "$spec")
  # shellcheck disable=SC2086
  REBOUND_CLUSTER_SECRET=$SECRET java $JAVA_OPTS $extra -Dvertx.hazelcast.config="$OUT/$tag.xml" \
    -jar "$jar" --config "$OUT/config.json" --port "$port" > "$OUT/$tag-node$i.log" 2>&1 &
  PIDS[i]=$!
}

wait_ready() { # $1 port, $2 timeout ms; echoes ms waited
  local t0 deadline; t0=$(now_ms); deadline=$((t0 + $2))
  until [ "$(status "$1" /health/ready)" = 200 ]; do
    [ "$(now_ms)" -gt "$deadline" ] && { echo "timeout"; return 1; }
    sleep 0.05
  done
  echo $(( $(now_ms) - t0 ))
}

# The ms (since $2, epoch ms) of the first log line of file $1 matching $3.
milestone() {
  local line ts
  line=$(grep -m1 -E "$3" "$1" || true)
  [ -z "$line" ] && { echo null; return; }
  ts=$(echo "$line" | grep -oE '^[0-9T:.+-]+' | head -1)
  echo $(( $(date -d "$ts" +%s%3N) - $2 ))
}

sed -e 's/"port": 8000/"port": '"$HTTP_PORT"'/' cluster-config.json > "$OUT/config.json"
for spec in $JARS; do
  tag=$(tag_of "$spec"); jar=$(jar_of "$spec")
  unzip -p "$jar" cluster.xml | sed -e 's#>5701</port>#>'"$HZ_PORT"'</port>#' > "$OUT/$tag.xml"
  case "$spec" in *+cds)
    rm -f "$OUT/$tag.jsa"
    # shellcheck disable=SC2086
    REBOUND_CLUSTER_SECRET=$SECRET-training java $JAVA_OPTS -XX:ArchiveClassesAtExit="$OUT/$tag.jsa" \
      -Dvertx.hazelcast.config="$OUT/$tag.xml" -jar "$jar" --config "$OUT/config.json" --port "$HTTP_PORT" > "$OUT/$tag-training.log" 2>&1 &
    tp=$!
    until grep -q event=node_started "$OUT/$tag-training.log"; do kill -0 $tp 2>/dev/null || break; sleep 0.5; done
    sleep 2; kill -TERM $tp; wait $tp || true
    [ -s "$OUT/$tag.jsa" ] || { echo "no CDS archive for $tag" >&2; exit 1; };;
  esac
done

for run in $(seq 1 "$RUNS"); do
  for jar in $JARS; do
    tag=$(tag_of "$jar")
    for i in 0 1 2; do start_node "$jar" $i; done
    for i in 0 1 2; do wait_ready $((HTTP_PORT + i)) 120000 > /dev/null; done
    # the cluster is whole and safe: stop the third node
    if [ "$MODE" = kill ]; then kill -9 "${PIDS[2]}"; else kill -TERM "${PIDS[2]}"; fi
    wait "${PIDS[2]}" 2>/dev/null || true
    load=$(cut -d' ' -f1 /proc/loadavg)
    t0=$(now_ms)
    start_node "$jar" 2 "${RESTART_OPTS:-}"
    port=$((HTTP_PORT + 2)); http_ms=null
    while true; do
      code=$(status "$port" /health/ready)
      [ "$code" != 000 ] && [ "$http_ms" = null ] && http_ms=$(( $(now_ms) - t0 ))
      [ "$code" = 200 ] && break
      [ $(( $(now_ms) - t0 )) -gt 120000 ] && break
      sleep 0.05
    done
    ready_ms=$(( $(now_ms) - t0 ))
    # CPU the restarted process had used when it turned ready (utime+stime, clock ticks): load-independent.
    cpu_ms=$(awk -v hz="$(getconf CLK_TCK)" '{print int(($14+$15)*1000/hz)}' "/proc/${PIDS[2]}/stat")
    log="$OUT/$tag-node2.log"
    case "${RESTART_OPTS:-}" in *StartFlightRecording*)  # what the start did, up to ready
      jcmd "${PIDS[2]}" JFR.dump filename="$OUT/$tag-run$run-restart.jfr" > /dev/null || true;; esac
    members=$(curl -s --max-time 2 "http://127.0.0.1:$port/health" | grep -oE '"members":[0-9]+' | cut -d: -f2 || true)
    printf '{"jar":"%s","mode":"%s","run":%d,"http_ms":%s,"ready_ms":%d,"cpu_ms":%d,"members":%s,"node_started_ms":%s,"load1":%s}\n' \
      "$tag" "$MODE" "$run" "$http_ms" "$ready_ms" "$cpu_ms" "${members:-null}" "$(milestone "$log" "$t0" 'event=node_started')" "$load"
    cp "$log" "$OUT/$tag-run$run-restarted.log"
    for i in 0 1 2; do kill -9 "${PIDS[i]}" 2>/dev/null || true; wait "${PIDS[i]}" 2>/dev/null || true; done
    PIDS=()
  done
done
