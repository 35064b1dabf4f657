#!/usr/bin/env bash
# A scripted gdb-multiarch session against the CPU wrapper's GDB stub: break at main,
# continue, read registers and memory, single-step, continue to exit.
# Usage: gdb_session.sh cpu_tb prog.elf
set -uo pipefail
tb=$1 elf=$2
. "$(dirname "$0")/../gdb_target.sh"
dir=$(mktemp -d); trap 'rm -rf "$dir"; kill ${tb_pid:-} 2>/dev/null' EXIT
gdb_target_start 20000 "$dir/tb.out" "$tb" --gdb @PORT "$elf" || exit 1
tb_pid=$gdb_target_pid
timeout 40 gdb-multiarch -nx -batch "$elf" \
  -ex "set confirm off" \
  -ex "target remote 127.0.0.1:$gdb_port" \
  -ex "break main" \
  -ex "continue" \
  -ex 'printf "PC_AT_MAIN %d\n", $pc == main' \
  -ex 'printf "SP_IN_RAM %d\n", $sp >= 0x80000000' \
  -ex 'printf "FIRST_WORD %08x\n", *(unsigned int *)main' \
  -ex "stepi" \
  -ex 'printf "STEPPED %d\n", $pc != main' \
  -ex "delete" \
  -ex "continue" >"$dir/gdb.out" 2>&1
gdb_status=$?
wait $tb_pid; tb_status=$?
cat "$dir/gdb.out"; echo "--- bench output:"; cat "$dir/tb.out"
first=$(riscv64-unknown-elf-objdump -d "$elf" | awk '/<main>:/{getline; print $2; exit}')
fail=0
grep -q "Breakpoint 1, main" "$dir/gdb.out" || { echo "no breakpoint hit"; fail=1; }
grep -q "PC_AT_MAIN 1" "$dir/gdb.out" || { echo "pc not at main"; fail=1; }
grep -q "SP_IN_RAM 1" "$dir/gdb.out" || { echo "sp not in RAM"; fail=1; }
grep -q "FIRST_WORD $first" "$dir/gdb.out" || { echo "memory read differs from objdump ($first)"; fail=1; }
grep -q "STEPPED 1" "$dir/gdb.out" || { echo "stepi did not move"; fail=1; }
grep -q "exited normally" "$dir/gdb.out" || { echo "no clean exit seen by gdb"; fail=1; }
grep -q "Hello from HQSim" "$dir/tb.out" || { echo "firmware did not run to its output"; fail=1; }
[ $gdb_status -eq 0 ] && [ $tb_status -eq 0 ] || { echo "gdb $gdb_status, bench $tb_status"; fail=1; }
exit $fail
