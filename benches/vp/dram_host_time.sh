#!/bin/sh
# DRAM study: host cost of the controller model on the reference streams (issue 19's host-time
# target), per preset, address map, stream and discipline: instructions per request of one
# replay (valgrind --tool=callgrind, counted inside DramTiming::run_back_to_back or
# DramTiming::access only, so trace loading is left out; reproducible to the instruction on
# one build) and the median wall-clock time of REPS replays (varies with the machine's load,
# which is printed). Prints a Markdown table; asserts nothing.
# usage: benches/vp/dram_host_time.sh BUILD_DIR [REPS] [ROW_FILTER]
#   BUILD_DIR: a configured build with the target dram_host_time built
#   REPS: wall-clock repeats per figure (default 9)
#   ROW_FILTER: grep -E pattern on "preset/map/stream/discipline" (default: every row)
# Traces: BUILD_DIR/tests/vp/dram_traces (made here if missing, by gen_traces.py).
set -eu
if [ $# -lt 1 ] || [ $# -gt 3 ]; then
    echo "usage: $0 BUILD_DIR [REPS] [ROW_FILTER]" >&2
    exit 2
fi
build=$1
reps=${2:-9}
filter=${3:-.}
case $reps in
'' | *[!0-9]* | 0)
    echo "$0: REPS must be a positive number, got '$reps'" >&2
    exit 2
    ;;
esac
src=$(cd "$(dirname "$0")/../.." && pwd)
bin=$build/tests/vp/dram_host_time
traces=$build/tests/vp/dram_traces
[ -x "$bin" ] || {
    echo "$0: $bin not built (cmake --build $build --target dram_host_time)" >&2
    exit 1
}
[ -f "$traces/ddr3/d_random.trc" ] || python3 "$src/tests/vp/dram_reference/gen_traces.py" "$traces"
have_valgrind=0
command -v valgrind >/dev/null && have_valgrind=1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# instructions inside the model's entry point over one replay of row $1
instructions() {
    case $1 in
    */b2b) fn='hq::DramTiming::run_back_to_back*' ;;
    *) fn='hq::DramTiming::access(*' ;;
    esac
    valgrind --tool=callgrind --callgrind-out-file="$tmp/cg" --toggle-collect="$fn" \
        "$bin" "$traces" 1 "$1" >/dev/null 2>"$tmp/log"
    sed -n 's/.*Collected : \([0-9]*\).*/\1/p' "$tmp/log"
}

echo "uptime before: $(uptime)"
echo "wall-clock: median of $reps replays; instructions: one replay under callgrind"
echo
echo "| preset | map | stream | discipline | instructions per request | wall ms (median) |"
echo "|---|---|---|---|---|---|"
for cfg in ddr3/row_bank_column ddr4/row_bank_column ddr4/bank_group_interleaved; do
    for tr in a_seq_read b_seq_write c_row_stride d_random e_two_streams e2_two_streams_offs \
        f_mixed_70_30; do
        for mode in b2b serial; do
            row=$cfg/$tr/$mode
            echo "$row" | grep -Eq -- "$filter" || continue
            n=$(grep -c '^[RW]' "$traces/${cfg%%/*}/$tr.trc")
            ir=n/a
            if [ $have_valgrind = 1 ]; then
                total=$(instructions "$row")
                ir=$(awk -v t="$total" -v n="$n" 'BEGIN { printf "%.0f", t / n }')
            fi
            col=5
            [ $mode = serial ] && col=6
            ms=$("$bin" --wall "$traces" "$reps" "$row" | awk -F'|' -v c=$col 'NR > 4 && NF > 5 {
                gsub(/ /, "", $c); print $c }')
            disc="back to back"
            [ $mode = serial ] && disc="one at a time"
            echo "| ${cfg%%/*} | ${cfg#*/} | $tr | $disc | $ir | $ms |"
        done
    done
done
echo
echo "uptime after: $(uptime)"
