#!/usr/bin/env bash
# Turns the RESULT lines of bench/results/http.txt and chat.txt into bench/results/ratios.dat and a PNG chart
# of the ratios against their targets (gnuplot). RESULTS_DIR reads and writes another directory instead.
set -euo pipefail
cd "${RESULTS_DIR:-$(dirname "$0")/results}"
get() { sed -n "s/^RESULT $1.* $2=\([^ ]*\).*/\1/p" "$3" | head -1; }
{
  echo "# label ratio target"
  echo "\"keep-alive\\nvs nginx\" $(get 'http keepalive' ratio http.txt) 1.2"
  echo "\"pipelined x16\\nvs nginx\" $(get 'http pipelined' ratio http.txt) 4"
  echo "\"conn/request\\nvs nginx\" $(get 'http close' ratio http.txt) 1.0"
  echo "\"fan-out\\nvs Redis\" $(get 'chat fanout' delivered_ratio chat.txt) 1.0"
} >ratios.dat
command -v gnuplot >/dev/null || { echo "gnuplot not installed: ratios.dat written, no chart" >&2; exit 0; }
gnuplot <<'PLOT'
set terminal pngcairo size 900,500 font "DejaVu Sans,11"
set output "ratios.png"
set title "epollhub / reference (higher is better); the dashes are the targets"
set style data histograms
set style fill solid 0.8 border -1
set boxwidth 0.6
set yrange [0:*]
set bmargin 5
set grid ytics
set ylabel "ratio"
unset key
plot "ratios.dat" using 2:xtic(1) lc rgb "#2b6cb0", \
     "" using 0:3 with points pt 7 ps 0 notitle, \
     "" using ($0):3:(0.35) with xerrorbars pt 0 lc rgb "#c53030" lw 3 notitle
PLOT
echo "wrote $(pwd)/ratios.png"
