#!/usr/bin/env bash
# Loosely-timed accounting of the CPU wrapper: simulated time equals cycles x clock period
# (100 MHz), and target latency on b_transport shows up as stall cycles: with L ns per
# access and no DMI, the run takes at least ceil(L / 10 ns) more cycles per RAM access.
# Usage: timing_check.sh cpu_tb prog.elf
set -euo pipefail
tb=$1 elf=$2
field() { sed -n "s/.*$1 \([0-9]*\).*/\1/p" <<<"$2" | tail -1; }
fast=$("$tb" --summary --no-dmi "$elf" | tail -1)
slow=$("$tb" --summary --no-dmi --latency-ns 50 "$elf" | tail -1)
echo "latency 0:  $fast"; echo "latency 50: $slow"
for run in "$fast" "$slow"; do
  c=$(field cycles "$run"); t=$(field sim_time_ns "$run")
  [ $(( c * 10 )) -eq "$t" ] || { echo "sim time $t ns != $c cycles x 10 ns"; exit 1; }
done
extra=$(( $(field cycles "$slow") - $(field cycles "$fast") ))
n=$(field ram_transports "$slow")
[ "$(field instructions "$slow")" = "$(field instructions "$fast")" ] || { echo "instruction counts differ"; exit 1; }
[ "$extra" -ge $(( 5 * n )) ] || { echo "only $extra stall cycles for $n RAM accesses"; exit 1; }
echo "timing_check: ok ($extra stall cycles for $n RAM accesses)"
