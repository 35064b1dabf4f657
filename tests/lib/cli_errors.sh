#!/usr/bin/env bash
# hqsim command-line contract: --help everywhere, and clear errors (exit 2 for usage, 1 for
# bad input files or data) naming the problem. Usage: cli_errors.sh HQSIM WORKDIR
set -u
hqsim=$(realpath "$1")
work=$2
mkdir -p "$work" && cd "$work" || exit 1
fails=0

# expect STATUS PATTERN -- command...   (PATTERN is searched in stdout+stderr)
expect() {
  local want=$1 pattern=$2
  shift 3
  local out status
  out=$("$@" 2>&1)
  status=$?
  if [ "$status" -ne "$want" ] || ! grep -qe "$pattern" <<<"$out"; then
    echo "FAIL: $* -> status $status (want $want), output:"
    sed 's/^/    /' <<<"$out"
    echo "    (expected pattern: $pattern)"
    fails=$((fails + 1))
  fi
}

expect 2 "usage: hqsim"                    -- "$hqsim"
expect 0 "commands:"                       -- "$hqsim" --help
expect 2 "unknown command 'frobnicate'"    -- "$hqsim" frobnicate
for c in train eval quantize info import export pack run compare calibrate; do
  expect 0 "usage: hqsim $c"               -- "$hqsim" $c --help
  expect 2 "unknown option '--bogus'"      -- "$hqsim" $c --bogus
done
# (sweep and pareto: the Python sweep tool's own parser; board: an action first)
for c in sweep pareto; do
  expect 0 "usage: hqsim $c"               -- "$hqsim" $c --help
  expect 2 "usage: hqsim $c"               -- "$hqsim" $c --bogus
done
expect 0 "usage: hqsim board image"        -- "$hqsim" board --help
expect 0 "usage: hqsim board image"        -- "$hqsim" board image --help
expect 2 "unknown action '--bogus'"        -- "$hqsim" board --bogus
expect 2 "unknown option '--bogus'"        -- "$hqsim" board image m.hqm --bogus

expect 2 "net must be mlp or cnn"          -- "$hqsim" train --net rnn -o x.hqm
expect 2 "-o MODEL.hqm is required"        -- "$hqsim" train --net mlp
expect 2 "net mlp|cnn is required"         -- "$hqsim" train -o x.hqm
expect 2 "epochs expects an integer in \[1, 1000\], got '0'" -- "$hqsim" train --net mlp --epochs 0 -o x.hqm
expect 2 "got '3x'"                        -- "$hqsim" train --net mlp --epochs 3x -o x.hqm
expect 2 "width-mult expects a number"     -- "$hqsim" train --net mlp --width-mult abc -o x.hqm
expect 2 "width-mult expects a number"     -- "$hqsim" train --net mlp --width-mult 0 -o x.hqm
expect 2 "hidden expects"                  -- "$hqsim" train --net mlp --hidden 256,,128 -o x.hqm
expect 2 "hidden expects"                  -- "$hqsim" train --net mlp --hidden 0 -o x.hqm
expect 2 "applies to --net mlp only"       -- "$hqsim" train --net cnn --hidden 64 -o x.hqm
expect 2 "seed needs a value"              -- "$hqsim" train --net mlp -o x.hqm --seed
expect 2 "optimizer must be adam or sgd"   -- "$hqsim" train --net mlp --optimizer lbfgs -o x.hqm

expect 2 "a model file is required"        -- "$hqsim" eval
expect 2 "exactly one model file"          -- "$hqsim" eval a.hqm b.hqm
expect 2 "missing.hqm: cannot open"        -- "$hqsim" eval missing.hqm
echo "just text" > garbage.hqm
expect 2 "garbage.hqm: .*wrong magic"      -- "$hqsim" eval garbage.hqm
expect 2 "wrong magic"                     -- "$hqsim" info garbage.hqm
expect 2 "policy is required"              -- "$hqsim" quantize garbage.hqm -o q.hqm
expect 2 "an input model is required"      -- "$hqsim" quantize --policy uniform8 -o q.hqm
expect 2 "calib expects an integer"        -- "$hqsim" quantize garbage.hqm --policy uniform8 --calib 0 -o q.hqm

# A real (tiny) model for the errors that need one.
expect 0 "wrote small.hqm"                 -- "$hqsim" train --net mlp --hidden 8 --epochs 1 --limit 300 --quiet -o small.hqm
expect 0 "784-8-10"                        -- "$hqsim" info small.hqm
expect 2 "an ONNX file is required"        -- "$hqsim" import -o x.hqm
expect 2 "-o OUT.hqm is required"          -- "$hqsim" import small.hqm
expect 2 "missing.onnx: cannot read"       -- "$hqsim" import missing.onnx -o x.hqm
expect 2 "cannot read as ONNX"             -- "$hqsim" import small.hqm -o x.hqm
expect 2 "-o OUT.onnx is required"         -- "$hqsim" export small.hqm
expect 2 "missing.hqm: cannot open"        -- "$hqsim" export missing.hqm -o x.onnx
expect 2 "synthetic-inputs expects"        -- "$hqsim" eval small.hqm --synthetic-inputs 0
expect 2 "limit expects an integer"        -- "$hqsim" eval small.hqm --limit 0
expect 2 "dataset-fashion-mnist"           -- env HQSIM_DATASET_DIR="$work/nowhere" "$hqsim" eval small.hqm
expect 2 "policy"                          -- "$hqsim" quantize small.hqm --policy no-such-policy -o q.hqm
size=$(stat -c %s small.hqm)
head -c $((size / 2)) small.hqm > half.hqm
expect 2 "half.hqm: truncated"             -- "$hqsim" info half.hqm
cp small.hqm flip.hqm
printf '\x55' | dd of=flip.hqm bs=1 seek=$((size / 3)) conv=notrunc status=none
expect 2 "checksum mismatch"               -- "$hqsim" eval flip.hqm
expect 1 "cannot create"                   -- "$hqsim" quantize small.hqm --policy uniform8 --calib 50 --quiet -o /nonexistent-dir/q.hqm

# One vocabulary (issue 10): every --help documents the exit status; --images is "first N test
# images" in eval and run (--limit stays as eval's old name), --train-images "first N training
# images" in train and quantize; pack --block takes the policy's nm:N:M too; range errors read
# the same in every subcommand; a bad input file is status 2 everywhere.
for c in train quantize eval info pack run import export sweep pareto compare calibrate board; do
  expect 0 "exit status"                   -- "$hqsim" $c --help
done
expect 0 "exit status"                     -- "$hqsim" run small.hqm --help
expect 0 "(200 / 200 test images)\|/ 200 test images"  -- "$hqsim" eval small.hqm --images 200
expect 0 "/ 200 test images"               -- "$hqsim" eval small.hqm --limit 200
expect 0 "wrote tiny.hqm"                  -- "$hqsim" train --net mlp --hidden 8 --epochs 1 --train-images 300 --quiet -o tiny.hqm
expect 0 "wrote q.hqm"                     -- "$hqsim" quantize small.hqm --policy "lo=2,hi=8,frac=0.02,struct=nm:1:16" --qat-epochs 1 --train-images 300 --calib 50 --quiet -o q.hqm
expect 0 "block"                           -- "$hqsim" pack q.hqm --layout block --block nm:1:16
expect 0 "block"                           -- "$hqsim" pack q.hqm --layout block --block 1:16
expect 2 "--images expects an integer in \[1, 10000\], got '0'"    -- "$hqsim" eval small.hqm --images 0
expect 2 "--images expects an integer in \[1, 1000000\], got '0'"  -- "$hqsim" run q.hqm --images 0
expect 2 "--max-insns expects an integer in"                      -- "$hqsim" run --fw x.elf --max-insns 0
# Messages: a float model has no activation scales (shown "-", not "0 -> 0"); a directory
# given with a trailing slash is not doubled ("maps//layer0.png").
out=$("$hqsim" info small.hqm)
grep -q -- "-         -> -" <<<"$out" || { echo "FAIL: info small.hqm shows no '-' scales:"; echo "$out"; fails=$((fails + 1)); }
grep -q -- "0 *-> 0" <<<"$out" && { echo "FAIL: info small.hqm shows 0 -> 0 scales"; fails=$((fails + 1)); }
expect 0 "map: maps/layer0.png"            -- "$hqsim" quantize small.hqm --policy uniform8 --calib 50 --maps maps/ -o m.hqm
out=$("$hqsim" quantize small.hqm --policy uniform8 --calib 50 --maps maps/ -o m.hqm 2>&1)
grep -q "maps//" <<<"$out" && { echo "FAIL: doubled slash: $out"; fails=$((fails + 1)); }
# Progress within an epoch (HQSIM_PROGRESS_SECONDS=0: at every batch; else every 15 s, or
# every second in place on a terminal), and the elapsed time labelled.
out=$(HQSIM_PROGRESS_SECONDS=0 "$hqsim" quantize small.hqm --policy "lo=2,hi=8,frac=0.02,struct=nm:1:16" --qat-epochs 1 --train-images 600 --calib 50 -o qp.hqm 2>&1)
grep -q "epoch   1/1   [0-9]* % of 600 images  elapsed" <<<"$out" || { echo "FAIL: no QAT progress within the epoch: $out"; fails=$((fails + 1)); }
grep -q "epoch   1/1  loss .* elapsed  *[0-9.]* s" <<<"$out" || { echo "FAIL: epoch line without 'elapsed': $out"; fails=$((fails + 1)); }

# Checks made before the work (issue 10): the policy length (one limit, what a model stores),
# an output that cannot be written (a model the container could not hold, a 5000-wide MLP, saves
# since issue 16 removed the container's fixed limits).
long=$(printf 'lo=2,hi=8,frac=0.02,struct=nm:1:32;L0=uniform8;L1=uniform8;L0=uniform8;L1=uniform8;L0=uniform8;L1=uniform8;L0=uniform8;L1=uniform8;xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx')
expect 2 "policy: 173 characters; a model stores at most 159" -- "$hqsim" quantize small.hqm --policy "$long" --qat-epochs 5 -o q.hqm
# issue 16: the container has no 4096-per-dimension limit any more (this was refused at save)
expect 0 "wrote wide.hqm"                  -- "$hqsim" train --net mlp --hidden 8192 --epochs 1 --train-images 100 --quiet -o wide.hqm
expect 0 "784-8192-10"                     -- "$hqsim" info wide.hqm
expect 1 "checked before training"         -- "$hqsim" train --net mlp --hidden 8 --epochs 1 --train-images 100 --quiet -o /nonexistent-dir/x.hqm
expect 1 "checked before quantizing"       -- "$hqsim" quantize small.hqm --policy uniform8 --calib 50 --quiet -o /nonexistent-dir/q.hqm
mkdir -p adir
for c in eval info pack; do
  expect 2 "adir: is a directory, expected a .hqm model file" -- "$hqsim" $c adir
done
expect 2 "adir: is a directory"            -- "$hqsim" quantize adir --policy uniform8 -o x.hqm
mkdir -p adir.hqm
expect 2 "adir.hqm: is a directory"        -- "$hqsim" run adir.hqm --images 2
for c in eval info pack; do
  expect 2 "missing.hqm: cannot open"      -- "$hqsim" $c missing.hqm
done
expect 2 "missing.hqm: cannot open"        -- "$hqsim" quantize missing.hqm --policy uniform8 -o x.hqm
expect 2 "missing.hqm"                     -- "$hqsim" run missing.hqm --images 2

if [ "$fails" -ne 0 ]; then
  echo "cli_errors: $fails case(s) failed"
  exit 1
fi
echo "cli_errors: all cases passed"
