# Shared by the bench scripts: process handling, medians, and the repository's jars.
# Every load run is bounded (wrk -d, timeout) and sent to loopback only.

# One number format for awk, sort and bash's times, whatever the user's locale.
export LC_ALL=C
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$BENCH_DIR/.." && pwd)
JAR="$REPO/server/target/epollhub.jar"
LOADGEN="$REPO/bench/target/epollhub-bench.jar"
# The JVM flags the README recommends for throughput (Running in production, JVM flags): a fixed, pre-touched
# heap and Parallel GC; and leak detection off (Netty samples 1 in 128 buffers by default; a benchmark should not
# pay for it).
EPOLLHUB_JVM=(-Xms1g -Xmx1g -XX:+AlwaysPreTouch -XX:+UseParallelGC -Dio.netty.leakDetection.level=disabled)
WORK=$(mktemp -d /tmp/epollhub-bench.XXXXXX)
PIDS=()
# The process serving each HTTP port, for cpu_ticks.
declare -A SERVER_PID=()

cleanup() {
  for pid in "${PIDS[@]:-}"; do
    [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
  done
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

ensure_jars() {
  if [ ! -f "$JAR" ] || [ ! -f "$LOADGEN" ]; then
    (cd "$REPO" && mvn -q -B -DskipTests package)
  fi
}

# listening PORT: whether something accepts on 127.0.0.1:PORT.
listening() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# wait_port PORT: until something accepts on 127.0.0.1:PORT (at most 30 s).
wait_port() {
  for _ in $(seq 1 300); do
    listening "$1" && return 0
    sleep 0.1
  done
  echo "nothing listening on port $1" >&2
  return 1
}

# require_free_ports PORT...: the scripts use fixed loopback ports; if something already listens on one, the runs
# would measure it instead, so stop before starting anything.
require_free_ports() {
  local port
  for port in "$@"; do
    if listening "$port"; then
      echo "port $port is in use: the benchmark needs it free (stop what listens there)" >&2
      exit 2
    fi
  done
}

# start_epollhub NAME HTTP_PORT CHAT_PORT [flags...]: the release jar in the background.
start_epollhub() {
  local name=$1 http=$2 chat=$3 pid
  shift 3
  java "${EPOLLHUB_JVM[@]}" -jar "$JAR" --host 127.0.0.1 --http-port "$http" --chat-port "$chat" \
    --log-level warn "$@" >"$WORK/$name.log" 2>&1 &
  pid=$!
  PIDS+=("$pid")
  SERVER_PID[$http]=$pid
  wait_port "$http"
  kill -0 "$pid" 2>/dev/null || { echo "epollhub ($name) exited: $(cat "$WORK/$name.log")" >&2; exit 1; }
}

# cpu_ticks PID: "USER SYSTEM", the CPU of the process so far, all its threads and its child processes (nginx's
# workers) included, in clock ticks (/proc/PID/stat fields 14 and 15).
cpu_ticks() {
  local user=0 system=0 pid u s
  for pid in "$1" $(pgrep -P "$1" || true); do
    read -r u s < <(awk '{ print $14, $15 }' "/proc/$pid/stat")
    user=$(( user + u )) system=$(( system + s ))
  done
  echo "$user $system"
}

# median of the numbers on standard input
median() {
  sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) { print "nan" } else if (NR % 2) { print v[(NR + 1) / 2] } else { print (v[NR / 2] + v[NR / 2 + 1]) / 2 } }'
}

ratio() {
  awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "nan" }'
}

cores() {
  nproc
}
