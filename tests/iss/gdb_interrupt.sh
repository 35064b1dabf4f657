#!/usr/bin/env bash
# Ctrl-C from gdb stops a running CPU: gdb continues a long firmware run, gets SIGINT a
# second later (a timer started by gdb itself just before `continue`, so the order is
# fixed), forwards it to the stub as 0x03, then reads the pc and kills the target.
# Usage: gdb_interrupt.sh cpu_tb long_running.elf
set -uo pipefail
tb=$1 elf=$2
. "$(dirname "$0")/../gdb_target.sh"
dir=$(mktemp -d); trap 'rm -rf "$dir"; kill ${tb_pid:-} ${gdb_pid:-} 2>/dev/null' EXIT
gdb_target_start 30000 "$dir/tb.out" "$tb" --gdb @PORT "$elf" || exit 1
tb_pid=$gdb_target_pid
timeout 60 gdb-multiarch -nx -batch "$elf" -ex "set confirm off" \
  -ex "target remote 127.0.0.1:$gdb_port" \
  -ex "python import os, signal, threading; threading.Timer(1.0, os.kill, (os.getpid(), signal.SIGINT)).start()" \
  -ex "continue" -ex 'printf "STOPPED_PC %x\n", $pc' -ex "kill" >"$dir/gdb.out" 2>&1 &
gdb_pid=$!
wait $gdb_pid
wait $tb_pid 2>/dev/null
cat "$dir/gdb.out"
fail=0
grep -q "SIGINT" "$dir/gdb.out" || { echo "gdb saw no SIGINT stop"; fail=1; }
grep -Eq "STOPPED_PC 8[0-9a-f]{7}" "$dir/gdb.out" || { echo "no pc in RAM after the stop"; fail=1; }
grep -q "exited normally" "$dir/gdb.out" && { echo "the program ran to completion"; fail=1; }
exit $fail
