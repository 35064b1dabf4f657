# Sourced by the gdb test scripts (tests/iss/gdb_*.sh, tests/vp/gdb_run.sh): starts a target
# with a GDB stub on a free port and waits until it listens.
#
#   gdb_target_start BASE OUT CMD ARGS...
#     Runs CMD ARGS with every argument "@PORT" replaced by a port in [BASE, BASE + 10000)
#     (chosen from the shell's pid, so that scripts with different BASEs never collide),
#     output to OUT, in the background. If the target exits before it says "waiting for gdb"
#     (port taken), it tries the next port, five times at most. Sets gdb_port and
#     gdb_target_pid; returns 1 if the target never listened.
gdb_target_start() {
  local base=$1 out=$2 try a
  shift 2
  gdb_port=$(( base + ($$ % 10000) ))
  for try in 1 2 3 4 5; do
    local args=()
    for a in "$@"; do [ "$a" = "@PORT" ] && args+=("$gdb_port") || args+=("$a"); done
    "${args[@]}" >"$out" 2>&1 &
    gdb_target_pid=$!
    for _ in $(seq 100); do
      grep -q "waiting for gdb" "$out" && return 0
      kill -0 "$gdb_target_pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -0 "$gdb_target_pid" 2>/dev/null && return 0 # slow start: let gdb try
    gdb_port=$(( gdb_port + 1 ))
  done
  echo "the target never listened for gdb; its last output:"; cat "$out"
  return 1
}
