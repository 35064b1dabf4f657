#!/usr/bin/env bash
# The per-instruction trace has one line per retired instruction, and the wrapper's trace
# equals the bare ISS runner's trace of the same ELF (two front ends, one core).
# Usage: trace_check.sh cpu_tb rv32_run prog.elf
set -euo pipefail
tb=$1 run=$2 elf=$3
dir=$(mktemp -d); trap 'rm -rf "$dir"' EXIT
summary=$("$tb" --summary --trace "$dir/tb.trace" "$elf" | tail -1)
"$run" --trace "$dir/run.trace" "$elf" >/dev/null
n=$(sed -n 's/.*instructions \([0-9]*\).*/\1/p' <<<"$summary")
lines=$(wc -l <"$dir/tb.trace")
echo "trace: $lines lines, $n instructions retired"
[ "$lines" -eq "$n" ] || { echo "trace line count differs from instructions"; exit 1; }
grep -Eq '^1 [0-9a-f]{8} [0-9a-f]{8} [a-z.]+' "$dir/tb.trace" || { echo "bad trace format"; exit 1; }
cmp "$dir/tb.trace" "$dir/run.trace" || { echo "wrapper and runner traces differ"; exit 1; }
echo "trace_check: ok"
