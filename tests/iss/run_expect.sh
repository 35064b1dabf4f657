#!/usr/bin/env bash
# Run a command, require an exit status (default 0) and a line of output matching a regex.
# Usage: run_expect.sh REGEX [-x STATUS] -- command [args...]
set -uo pipefail
case "${1:-}" in -h|--help|"") sed -n '2,3p' "$0" | sed 's/^# //'; exit 0 ;; esac
regex=$1; shift
want=0
if [ "${1:-}" = -x ]; then want=$2; shift 2; fi
[ "${1:-}" = -- ] && shift
out=$("$@" 2>&1); status=$?
printf '%s\n' "$out"
if [ "$status" -ne "$want" ]; then echo "run_expect: exit status $status, expected $want" >&2; exit 1; fi
if ! grep -Eq -- "$regex" <<<"$out"; then echo "run_expect: no output line matches /$regex/" >&2; exit 1; fi
