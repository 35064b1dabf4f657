#!/usr/bin/env bash
# Differential test: every ELF given must print exactly the same on the HQSim ISS and on
# QEMU (lines with counter values are left out: those are timing, not function).
# Usage: diff_vs_qemu.sh rv32_run prog.elf...
set -euo pipefail
run=$1; shift
here=$(dirname "$0")
for elf in "$@"; do
  a=$("$run" "$elf" | grep -v 'cycles (counter CSRs)')
  b=$("$here/qemu_run.sh" "$elf" | grep -v 'cycles (counter CSRs)')
  if [ "$a" != "$b" ]; then
    echo "$(basename "$elf"): ISS and QEMU differ"; diff <(echo "$a") <(echo "$b") || true; exit 1
  fi
  echo "$(basename "$elf"): identical ($(wc -l <<<"$a") lines)"
done
