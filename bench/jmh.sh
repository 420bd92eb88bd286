#!/usr/bin/env bash
# JMH: the Java work of one GET / through epollhub's HTTP pipeline (no sockets), per request, in the three
# shapes http.sh sends; time (ns) and allocation (B, JMH's gc profiler). One fork, bounded iterations.
#   bench/jmh.sh [JMH options, e.g. -i 10 or a benchmark name]
set -euo pipefail
source "$(dirname "$0")/lib.sh"
ensure_jars

echo "# $(nproc) cores, $(java -version 2>&1 | head -1), $(date -u +%Y-%m-%d)"
timeout 900 java -cp "$LOADGEN" org.openjdk.jmh.Main -prof gc "$@" 'io\.epollhub\.bench\.jmh\..*' \
  | grep -E '^(#|Benchmark|HttpPipeline)' | grep -vE '^# (VM|JMH|Blackhole|Warmup|Measurement|Timeout|Threads|Benchmark mode|Run progress|Fork|Benchmark:)' \
  | grep -E '^#|Benchmark|avgt  |gc.alloc.rate.norm|gc.count'
