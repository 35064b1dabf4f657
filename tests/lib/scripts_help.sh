#!/usr/bin/env bash
# The scripts' command-line contract (docs: "--help on every command"): every file of scripts/
# but packages.txt is executable, `--help` prints its usage and exits 0, and an unknown option
# exits 2 with a message naming it, before any work. scripts/test and scripts/fuzz pass their
# other arguments to ctest (documented), so only their --help is checked.
# Usage: scripts_help.sh SOURCE_DIR WORKDIR
set -u
src=$(realpath "$1")
work=$2
mkdir -p "$work" && cd "$work" || exit 1
# Where a script that ignored the option would build or install: a scratch place, not the tree.
export BUILD_DIR=$work/build FUZZ_BUILD_DIR=$work/build-fuzz SAN_BUILD_DIR=$work/build-san
fails=0
fail() {
  echo "FAIL: $1"
  fails=$((fails + 1))
}

for f in "$src"/scripts/*; do
  name=$(basename "$f")
  [ "$name" = packages.txt ] && continue
  [ -x "$f" ] || { fail "scripts/$name is not executable"; continue; }
  out=$(timeout 60 "$f" --help 2>&1)
  rc=$?
  if [ $rc -ne 0 ] || ! grep -qi "usage" <<<"$out"; then
    fail "scripts/$name --help -> status $rc, no usage:"
    sed 's/^/    /' <<<"$out" | head -5
  fi
  case $name in test | fuzz) continue ;; esac
  out=$(timeout 60 "$f" --no-such-flag 2>&1 >/dev/null)
  rc=$?
  if [ $rc -ne 2 ] || ! grep -qe "no-such-flag\|unrecognized\|usage" <<<"$out"; then
    fail "scripts/$name --no-such-flag -> status $rc (want 2 and a message on stderr):"
    sed 's/^/    /' <<<"$out" | head -5
  fi
done

if [ "$fails" -ne 0 ]; then
  echo "scripts_help: $fails case(s) failed"
  exit 1
fi
echo "scripts_help: all scripts passed"
