#!/usr/bin/env bash
# HTTP benchmark: wrk against epollhub's GET / and, when nginx is installed, against nginx serving the same
# 13 bytes, interleaved (A B A B ...), medians and ratios. Then epollhub's edge vs level vs NIO.
#   ROUNDS=5 DURATION=10s bench/http.sh
set -euo pipefail
source "$(dirname "$0")/lib.sh"

ROUNDS=${ROUNDS:-5}
DURATION=${DURATION:-10s}
# Each server gets this much load of a mode right before the mode is measured (see warm()).
WARMUP=${WARMUP:-10s}
THREADS=${THREADS:-2}
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install wrk" >&2; exit 2; }
ensure_jars
require_free_ports 18080 18081 18082 18083 19080 19082 19083

# As nginx's listen below has reuseport; NIO cannot. Both defer accept (TCP_DEFER_ACCEPT) until the request
# arrives: epollhub does for HTTP on epoll, and nginx's "deferred" is the same socket option.
EPOLLHUB_FLAGS=(--reuse-port)
start_epollhub edge 18080 19080 "${EPOLLHUB_FLAGS[@]}"
start_epollhub level 18082 19082 --epoll-mode level "${EPOLLHUB_FLAGS[@]}"
start_epollhub nio 18083 19083 --transport nio

HAVE_NGINX=no
if command -v nginx >/dev/null; then
  HAVE_NGINX=yes
  mkdir -p "$WORK/nginx"
  cat >"$WORK/nginx/nginx.conf" <<CONF
worker_processes $(cores);
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 10000000;
  keepalive_timeout 60s;
  server {
    listen 127.0.0.1:18081 reuseport backlog=4096 deferred;
    location = / { default_type "text/plain; charset=utf-8"; return 200 "Hello, World!"; }
  }
}
CONF
  nginx -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" -g 'daemon off;' &
  PIDS+=($!)
  SERVER_PID[18081]=$!
  wait_port 18081
fi

# run MODE PORT: requests/s, requests, and wrk's own CPU seconds (user + system) of one wrk run.
run() {
  local mode=$1 port=$2 url="http://127.0.0.1:$2/"
  local out options=() script_args=()
  case $mode in
    keepalive) options=(-c100) ;;
    pipelined) options=(-c256 -s "$BENCH_DIR/lua/pipeline.lua"); script_args=(-- 16) ;;
    close) options=(-c100 -H 'Connection: close') ;;
  esac
  # `times` in the same subshell: its last line is the CPU its children (timeout, and wrk under it) used.
  out=$(timeout 120 wrk -t"$THREADS" -d"$DURATION" "${options[@]}" "$url" "${script_args[@]}"; times)
  # wrk counts a 404 or a 500 as a request like any other: a run with one is not a measurement of GET /.
  if grep -q 'Non-2xx' <<<"$out"; then
    echo "wrk got error answers from port $port ($mode): $(grep 'Non-2xx' <<<"$out" | tr -s ' ')" >&2
    exit 1
  fi
  # Socket errors are not counted as requests, so they lower the figure rather than raise it; said, not fatal.
  grep 'Socket errors' <<<"$out" | sed "s/^ */warning: port $port ($mode): wrk /" >&2 || true
  local rps requests wrk_seconds
  rps=$(awk '/Requests\/sec:/ { print $2 }' <<<"$out")
  requests=$(awk '/ requests in / { print $1 }' <<<"$out")
  wrk_seconds=$(tail -n 1 <<<"$out" | awk 'function s(t, a) { sub(/s$/, "", t); split(t, a, "m"); return a[1] * 60 + a[2] }
                                            { print s($1) + s($2) }')
  [ -n "$rps" ] && [ -n "$requests" ] || { echo "wrk measured nothing on port $port ($mode): ${out:-no output}" >&2; exit 1; }
  echo "$rps $requests $wrk_seconds"
}

# warm MODE PORT...: WARMUP of MODE on each server, just before that mode is measured. A JVM recompiles its hot
# paths when the load changes shape (deoptimizes, then compiles again for what it sees now), so each mode gets
# its own; connection per request gets it twice, the accept path takes longest to settle.
warm() {
  local mode=$1 port
  shift
  for port in "$@"; do
    DURATION=$WARMUP run "$mode" "$port" >/dev/null
    [ "$mode" = close ] && DURATION=$WARMUP run "$mode" "$port" >/dev/null
  done
  return 0
}

RESULTS="$WORK/results.tsv"
# record NAME MODE PORT: one run into the results (name, mode, requests/s, requests, wrk's CPU seconds, the
# server's user and system CPU ticks over the run); a run that got error answers ends the benchmark.
record() {
  local before after measured
  read -r -a before < <(cpu_ticks "${SERVER_PID[$3]}")
  measured=$(run "$2" "$3") || exit 1
  read -r -a after < <(cpu_ticks "${SERVER_PID[$3]}")
  echo "$1 $2 $measured $(( after[0] - before[0] )) $(( after[1] - before[1] ))" >>"$RESULTS"
}
for mode in keepalive pipelined close; do
  echo "# $mode"
  warm "$mode" 18080 $( [ $HAVE_NGINX = yes ] && echo 18081 )
  for round in $(seq 1 "$ROUNDS"); do
    record epollhub "$mode" 18080
    [ $HAVE_NGINX = yes ] && record nginx "$mode" 18081
  done
done
for mode in keepalive pipelined; do
  echo "# transports, $mode"
  warm "$mode" 18080 18082 18083
  for round in $(seq 1 "$ROUNDS"); do
    record "edge-$mode" "$mode" 18080
    record "level-$mode" "$mode" 18082
    record "nio-$mode" "$mode" 18083
  done
done

med() { awk -v s="$1" -v m="$2" '$1 == s && $2 == m { print $3 }' "$RESULTS" | median; }
# cpu_us NAME MODE user|system|total|wrk: the server's CPU per request (every thread), or wrk's, in microseconds,
# the median over the rounds.
TICKS_PER_SECOND=$(getconf CLK_TCK)
cpu_us() {
  awk -v s="$1" -v m="$2" -v kind="$3" -v hz="$TICKS_PER_SECOND" '$1 == s && $2 == m {
    seconds = kind == "wrk" ? $5 : (kind == "user" ? $6 : kind == "system" ? $7 : $6 + $7) / hz
    printf "%.2f\n", seconds * 1e6 / $4 }' "$RESULTS" | median
}

echo
echo "$(cores) cores, $(free -g | awk '/Mem:/ { print $2 }') GiB, $(java -version 2>&1 | head -1), wrk -t$THREADS, $ROUNDS interleaved rounds of $DURATION, $(date -u +%F)"
echo "epollhub ${EPOLLHUB_FLAGS[*]} (edge, level), NIO without; $( [ $HAVE_NGINX = yes ] && nginx -v 2>&1 | sed 's/^nginx version: //')"
printf '%-12s %12s %12s %6s %9s %9s %9s %9s %9s %9s\n' mode epollhub_rps nginx_rps ratio \
  e_user_us e_sys_us e_wrk_us n_user_us n_sys_us n_wrk_us
for mode in keepalive pipelined close; do
  e=$(med epollhub "$mode")
  eu=$(cpu_us epollhub "$mode" user); es=$(cpu_us epollhub "$mode" system); ew=$(cpu_us epollhub "$mode" wrk)
  if [ $HAVE_NGINX = yes ]; then
    n=$(med nginx "$mode")
    nu=$(cpu_us nginx "$mode" user); ns=$(cpu_us nginx "$mode" system); nw=$(cpu_us nginx "$mode" wrk)
    printf '%-12s %12.0f %12.0f %6s %9s %9s %9s %9s %9s %9s\n' "$mode" "$e" "$n" "$(ratio "$e" "$n")" \
      "$eu" "$es" "$ew" "$nu" "$ns" "$nw"
    echo "RESULT http $mode epollhub=$e nginx=$n ratio=$(ratio "$e" "$n")"
    echo "RESULT http_cpu $mode epollhub_user_us=$eu epollhub_sys_us=$es epollhub_wrk_us=$ew" \
      "nginx_user_us=$nu nginx_sys_us=$ns nginx_wrk_us=$nw"
  else
    printf '%-12s %12.0f %12s %6s %9s %9s %9s %9s %9s %9s\n' "$mode" "$e" - - "$eu" "$es" "$ew" - - -
  fi
done
echo "(CPU per request, from /proc: user_us and sys_us the server's in user space and in the kernel, every thread"
echo " and nginx's workers; wrk_us wrk's own while it loaded that server; all share the same cores)"

echo "every round, req/s, in the order run:"
awk '{ k = ($1 ~ /-/) ? $1 : $1 " " $2; rounds[k] = rounds[k] " " int($3); if (!(k in seen)) { seen[k]; order[++n] = k } }
     END { for (i = 1; i <= n; i++) printf "  %-20s%s\n", order[i], rounds[order[i]] }' "$RESULTS"
echo
printf '%-12s %14s %14s %14s %10s %10s %8s %8s %8s\n' mode edge_rps level_rps nio_rps level/edge nio/edge \
  edge_us level_us nio_us
for mode in keepalive pipelined; do
  e=$(med "edge-$mode" "$mode"); l=$(med "level-$mode" "$mode"); n=$(med "nio-$mode" "$mode")
  ec=$(cpu_us "edge-$mode" "$mode" total); lc=$(cpu_us "level-$mode" "$mode" total); nc=$(cpu_us "nio-$mode" "$mode" total)
  printf '%-12s %14.0f %14.0f %14.0f %10s %10s %8s %8s %8s\n' "$mode" "$e" "$l" "$n" "$(ratio "$l" "$e")" \
    "$(ratio "$n" "$e")" "$ec" "$lc" "$nc"
  echo "RESULT transport $mode edge=$e level=$l nio=$n"
  echo "RESULT transport_cpu $mode edge_us=$ec level_us=$lc nio_us=$nc"
done
