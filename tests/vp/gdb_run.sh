#!/usr/bin/env bash
# `hqsim run --gdb` end to end: gdb-multiarch in batch mode breaks at main, reads a register,
# reads memory through the router's debug path (code in DRAM and the CLINT's mtime), steps,
# then continues to the firmware's exit. Usage: gdb_run.sh HQSIM PROG.elf PLATFORM.json
set -uo pipefail
hqsim=$1 elf=$2 platform=$3
. "$(dirname "$0")/../gdb_target.sh"
dir=$(mktemp -d)
trap 'rm -rf "$dir"; [ -n "${sim_pid:-}" ] && kill "$sim_pid" 2>/dev/null' EXIT
gdb_target_start 40000 "$dir/sim.out" "$hqsim" run --fw "$elf" --platform "$platform" \
  --gdb @PORT || exit 1
sim_pid=$gdb_target_pid
timeout 40 gdb-multiarch -nx -batch "$elf" \
  -ex "set confirm off" \
  -ex "target remote 127.0.0.1:$gdb_port" \
  -ex "break main" \
  -ex "continue" \
  -ex 'printf "PC_AT_MAIN %d\n", $pc == main' \
  -ex 'printf "FIRST_WORD %08x\n", *(unsigned int *)main' \
  -ex 'printf "MTIME_LO_NONZERO %d\n", *(unsigned int *)0x0200bff8 != 0' \
  -ex "stepi" \
  -ex 'printf "STEPPED %d\n", $pc != main' \
  -ex "delete" \
  -ex "continue" >"$dir/gdb.out" 2>&1
gdb_status=$?
wait "$sim_pid"; sim_status=$?; sim_pid=
cat "$dir/gdb.out"; echo "--- hqsim output:"; cat "$dir/sim.out"
first=$(riscv64-unknown-elf-objdump -d "$elf" | awk '/<main>:/{getline; print $2; exit}')
fail=0
grep -q "Breakpoint 1, main" "$dir/gdb.out" || { echo "FAIL: breakpoint at main not hit"; fail=1; }
grep -q "PC_AT_MAIN 1" "$dir/gdb.out" || { echo "FAIL: pc is not main"; fail=1; }
grep -q "FIRST_WORD $first" "$dir/gdb.out" || { echo "FAIL: memory read differs from objdump ($first)"; fail=1; }
grep -q "MTIME_LO_NONZERO 1" "$dir/gdb.out" || { echo "FAIL: CLINT mtime not readable through the debug path"; fail=1; }
grep -q "STEPPED 1" "$dir/gdb.out" || { echo "FAIL: stepi did not move"; fail=1; }
grep -q "Hello from HQSim" "$dir/sim.out" || { echo "FAIL: firmware output missing"; fail=1; }
[ "$gdb_status" -eq 0 ] || { echo "FAIL: gdb exit status $gdb_status"; fail=1; }
[ "$sim_status" -eq 0 ] || { echo "FAIL: hqsim exit status $sim_status"; fail=1; }
exit $fail
