#!/usr/bin/env bash
# Run a directory of prebuilt official riscv-tests (rv32ui-p-*, rv32um-p-*, rv32mi-p-*) on the ISS
# (rv32_run) and on the SystemC CPU wrapper (cpu_tb), honouring the `tohost` symbol, and
# print pass/fail counts. The tests are not part of this repository: build them locally from
# github.com/riscv-software-src/riscv-tests (see model/cpu/README.md).
# Usage: run_riscv_tests.sh DIR rv32_run cpu_tb
set -uo pipefail
case "${1:-}" in -h|--help|"") sed -n '2,6p' "$0" | sed 's/^# //'; [ -n "${1:-}" ]; exit ;; esac
dir=$1 run=$2 tb=$3
shopt -s nullglob
tests=("$dir"/rv32ui-p-* "$dir"/rv32um-p-* "$dir"/rv32mi-p-*)
[ ${#tests[@]} -gt 0 ] || { echo "no rv32ui-p-*/rv32um-p-*/rv32mi-p-* ELFs in $dir" >&2; exit 2; }
declare -A pass fail
for front in iss wrapper; do pass[$front]=0; fail[$front]=0; done
for elf in "${tests[@]}"; do
  case "$elf" in *.dump|*.S|*.o) continue ;; esac
  name=$(basename "$elf")
  for front in iss wrapper; do
    if [ $front = iss ]; then cmd=("$run" "$elf"); else cmd=("$tb" "$elf"); fi
    if timeout 20 "${cmd[@]}" >/dev/null 2>&1; then pass[$front]=$((pass[$front] + 1))
    else st=$?; fail[$front]=$((fail[$front] + 1)); echo "FAIL ($front, status $st): $name"; fi
  done
done
for front in iss wrapper; do
  echo "$front: ${pass[$front]} passed, ${fail[$front]} failed of $(( pass[$front] + fail[$front] ))"
done
[ "${fail[iss]}" -eq 0 ] && [ "${fail[wrapper]}" -eq 0 ]
