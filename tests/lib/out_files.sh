#!/usr/bin/env bash
# Output files (sw/lib/out_file.h): a regular file is replaced atomically, a symlink keeps
# pointing at its target (which gets the data), a device or a FIFO is written in place and
# never replaced, a directory or a FIFO nobody reads is refused. /dev/null and /dev/full are
# only reached through symlinks in the work directory: the test never names them as outputs,
# so even as root a regression replaces the link, not the device.
# Usage: out_files.sh HQSIM WORKDIR
set -u
hqsim=$(realpath "$1")
work=$2
rm -rf "$work" && mkdir -p "$work" && cd "$work" || exit 1
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
is_link() { [ -L "$1" ] || fail "$1 is no longer a symlink ($(stat -c %F "$1" 2>&1))"; }

"$hqsim" train --net mlp --hidden 8 --epochs 1 --limit 300 --quiet -o small.hqm >/dev/null || exit 1
quantize() { "$hqsim" quantize small.hqm --policy uniform8 --calib 50 --quiet -o "$@"; }
quantize q.hqm >/dev/null || exit 1

# A symlink to a regular file: the target is replaced, the link stays.
echo old > real.hqm
chmod 640 real.hqm
ln -s real.hqm link.hqm
quantize link.hqm >/dev/null || fail "quantize -o link.hqm"
is_link link.hqm
cmp -s real.hqm q.hqm || fail "real.hqm (the link's target) does not hold the model"
[ "$(stat -c %a real.hqm)" = 640 ] || fail "real.hqm lost its mode 640: $(stat -c %a real.hqm)"

# A dangling symlink: the target is created, as a plain open would.
ln -s new.hqm dangling.hqm
quantize dangling.hqm >/dev/null || fail "quantize -o dangling.hqm"
is_link dangling.hqm
cmp -s new.hqm q.hqm || fail "new.hqm (the dangling link's target) was not created"

# A symlink to /dev/null: written through; the link and the device stay what they are.
ln -s /dev/null null.hqm
quantize null.hqm >/dev/null || fail "quantize -o null.hqm (-> /dev/null)"
is_link null.hqm
"$hqsim" pack q.hqm -o null.hqm >/dev/null || fail "pack -o null.hqm (-> /dev/null)"
is_link null.hqm
[ -c /dev/null ] || fail "/dev/null is no longer a character device"

# A symlink to /dev/full: a clear "disk full" error, status 1, the link kept.
ln -s /dev/full full.hqm
out=$(quantize full.hqm 2>&1)
st=$?
[ $st -eq 1 ] && grep -q "disk full" <<<"$out" || fail "quantize -o full.hqm: status $st: $out"
is_link full.hqm

# A FIFO with a reader, through a symlink: the reader gets the model.
# The test holds the FIFO open read-write (that never blocks) so the reader sees the end only
# when the test closes it, whether hqsim wrote to the FIFO or not: no hang either way.
mkfifo pipe
ln -s pipe pipe.hqm
exec 3<>pipe
cat pipe 3>&- > from-pipe.hqm &
reader=$!
timeout 60 "$hqsim" quantize small.hqm --policy uniform8 --calib 50 --quiet -o pipe.hqm \
    >/dev/null || fail "quantize -o pipe.hqm (-> FIFO with a reader)"
exec 3>&-
wait $reader
is_link pipe.hqm
[ -p pipe ] || fail "the FIFO was replaced"
cmp -s from-pipe.hqm q.hqm || fail "the FIFO's reader did not get the model"

# A FIFO nobody reads: refused at once (no hang), the FIFO kept.
out=$(timeout 60 "$hqsim" pack q.hqm -o pipe 2>&1)
st=$?
[ $st -eq 1 ] && grep -q "pipe: cannot write (a FIFO with no reader)" <<<"$out" ||
    fail "pack -o pipe (FIFO, no reader): status $st: $out"
[ -p pipe ] || fail "the FIFO was replaced"

# A directory: refused.
mkdir adir
out=$(quantize adir 2>&1)
st=$?
[ $st -eq 1 ] && grep -q "adir: is a directory" <<<"$out" || fail "quantize -o adir: status $st: $out"
[ -d adir ] || fail "adir was replaced"

# The accelerator's reports go through the same helper.
"$hqsim" run q.hqm --images 2 --quiet --stats null.hqm --csv link.csv >/dev/null 2>&1 ||
    fail "run --stats null.hqm --csv link.csv"
is_link null.hqm

# No temporary is left behind, and none is named after the output (".tmp" suffixes).
left=$(ls -A | grep -e '\.hqtmp-' -e '\.tmp' || true)
[ -z "$left" ] || fail "temporaries left: $left"

if [ "$fails" -ne 0 ]; then
  echo "out_files: $fails case(s) failed"
  exit 1
fi
echo "out_files: all cases passed"
