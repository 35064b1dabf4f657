#!/usr/bin/env bash
# Through the virtual platform (hqsim run --fw: SystemC wrapper, quantum, DMI, devices), the
# ISS's fast loop and its checking copy (HQSIM_ISS_CHECKED_LOOP=1) must give the same run
# report (instructions, cycles, simulated time, traps, device counters; host time and MIPS
# aside) and the same UART output, at the platform's quantum and at a 100 ns one.
# Usage: wrapper_fast_vs_checked.sh hqsim prog.elf...
set -euo pipefail
hqsim=$1
shift
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
for elf in "$@"; do
  for q in "" "--quantum 100"; do
    for loop in 0 1; do
      # shellcheck disable=SC2086 # q is a list of options
      HQSIM_ISS_CHECKED_LOOP=$loop "$hqsim" run --fw "$elf" $q --json --uart-out "$tmp/uart$loop" 2>/dev/null \
        | sed -E 's/"(host_seconds|mips)": [0-9.e+-]+/"\1": X/g' >"$tmp/json$loop" || true
    done
    name="$(basename "$elf") ${q:-(platform quantum)}"
    if ! cmp -s "$tmp/json0" "$tmp/json1" || ! cmp -s "$tmp/uart0" "$tmp/uart1"; then
      echo "DIFFERS: $name"
      diff "$tmp/json0" "$tmp/json1" | head -5 || true
      fail=1
    elif ! grep -q '"instructions": [1-9]' "$tmp/json0"; then
      echo "no run: $name: $(head -c 300 "$tmp/json0")"
      fail=1
    else
      echo "same: $name: $(grep -o '"instructions": [0-9]*, "cycles": [0-9]*' "$tmp/json0")"
    fi
  done
done
[ $fail = 0 ] || exit 1
echo "wrapper_fast_vs_checked: ok"
