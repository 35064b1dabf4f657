#!/usr/bin/env bash
# The ISS's fast run loop and its checking copy (breakpoints, trace, PMP, triggers) must be
# indistinguishable: for each program, in each mode (DMI or bus, trapping or emulated
# misaligned accesses, CPI classes with distinct costs, short slices that cut the run at
# every budget boundary), the same output and the same final state (pc, registers, counters,
# trap CSRs, a hash of RAM, bus access counts) with rv32_run --checked-loop.
# Usage: fast_vs_checked.sh rv32_run prog.elf...
set -euo pipefail
run=$1
shift
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cpi=1,3,34,2,1,3,1,3,2,3 # the platform's CPI table (configs/platform/default.json)
fail=0
n=0
for elf in "$@"; do
  for mode in "" "--no-dmi" "--misaligned emulate" "--cpi $cpi" "--cpi $cpi --slice 7" "--slice 1" "--max-insns 100003" "--no-dmi --slice 5 --max-insns 777"; do
    # shellcheck disable=SC2086 # mode is a list of options
    for loop in fast checked; do
      extra=()
      [ $loop = checked ] && extra=(--checked-loop)
      set +e
      "$run" --ram-mib 16 $mode "${extra[@]}" --state "$tmp/$loop.state" "$elf" >"$tmp/$loop.out" 2>&1
      echo "exit $?" >>"$tmp/$loop.out"
      set -e
    done
    n=$((n + 1))
    name="$(basename "$elf") ${mode:-(default)}"
    if ! cmp -s "$tmp/fast.out" "$tmp/checked.out" || ! cmp -s "$tmp/fast.state" "$tmp/checked.state"; then
      echo "DIFFERS: $name"
      diff "$tmp/fast.state" "$tmp/checked.state" | head -20 || true
      diff "$tmp/fast.out" "$tmp/checked.out" | head -20 || true
      fail=1
    else
      echo "same: $name ($(grep -E '^(instret|cycles|traps)' "$tmp/fast.state" | tr '\n' ' '))"
    fi
  done
done
[ $fail = 0 ] || exit 1
echo "fast_vs_checked: $n runs identical"
