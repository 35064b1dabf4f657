#!/usr/bin/env bash
# gdb-multiarch against the CPU wrapper's GDB stub: a hardware breakpoint (hbreak, Z1) and
# write / read / access watchpoints (watch, rwatch, awatch: Z2/Z3/Z4, stop replies
# T05watch/rwatch/awatch). gdb_watch.elf writes `watched` = 10, 20, 30, then reads it twice.
# Usage: gdb_watch.sh cpu_tb gdb_watch.elf
set -uo pipefail
tb=$1 elf=$2
. "$(dirname "$0")/../gdb_target.sh"
dir=$(mktemp -d); trap 'rm -rf "$dir"; kill ${tb_pid:-} 2>/dev/null' EXIT
gdb_target_start 50000 "$dir/tb.out" "$tb" --gdb @PORT "$elf" || exit 1
tb_pid=$gdb_target_pid
timeout 40 gdb-multiarch -nx -batch "$elf" \
  -ex "set confirm off" \
  -ex "target remote 127.0.0.1:$gdb_port" \
  -ex "hbreak writer" \
  -ex "continue" \
  -ex 'printf "HBREAK_ARG %u\n", $a0' \
  -ex "delete" \
  -ex "watch watched" \
  -ex "continue" \
  -ex "continue" \
  -ex 'printf "AFTER_WATCH %u\n", watched' \
  -ex "delete" \
  -ex "rwatch watched" \
  -ex "continue" \
  -ex "delete" \
  -ex "awatch watched" \
  -ex "continue" \
  -ex "delete" \
  -ex "continue" >"$dir/gdb.out" 2>&1
gdb_status=$?
wait $tb_pid; tb_status=$?
cat "$dir/gdb.out"; echo "--- bench output:"; cat "$dir/tb.out"
fail=0
expect() { grep -Pzq "$1" "$dir/gdb.out" || { echo "missing: $2"; fail=1; }; }
expect "Hardware assisted breakpoint 1 at" "hbreak accepted"
expect "HBREAK_ARG 10\n" "hbreak stopped in writer(10)"
expect "Hardware watchpoint 2: watched\n\nOld value = 0\nNew value = 10\n" "write watch: 0 -> 10"
expect "Old value = 10\nNew value = 20\n" "write watch: 10 -> 20"
expect "AFTER_WATCH 20\n" "stopped after the second write"
expect "Hardware read watchpoint 3: watched\n\nValue = 30\n" "read watch on the first read"
expect "Hardware access \\(read/write\\) watchpoint 4: watched\n\nValue = 30\n" "access watch"
expect "exited normally" "clean exit"
grep -q "gdb_watch: 60" "$dir/tb.out" || { echo "firmware output wrong"; fail=1; }
[ $gdb_status -eq 0 ] && [ $tb_status -eq 0 ] || { echo "gdb $gdb_status, bench $tb_status"; fail=1; }
exit $fail
