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
for c in train eval quantize info; do
  expect 0 "usage: hqsim $c"               -- "$hqsim" $c --help
  expect 2 "unknown option '--bogus'"      -- "$hqsim" $c --bogus
done

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
expect 1 "missing.hqm: cannot open"        -- "$hqsim" eval missing.hqm
echo "just text" > garbage.hqm
expect 1 "garbage.hqm: .*wrong magic"      -- "$hqsim" eval garbage.hqm
expect 1 "wrong magic"                     -- "$hqsim" info garbage.hqm
expect 2 "policy is required"              -- "$hqsim" quantize garbage.hqm -o q.hqm
expect 2 "an input model is required"      -- "$hqsim" quantize --policy uniform8 -o q.hqm
expect 2 "calib expects an integer"        -- "$hqsim" quantize garbage.hqm --policy uniform8 --calib 0 -o q.hqm

# A real (tiny) model for the errors that need one.
expect 0 "wrote small.hqm"                 -- "$hqsim" train --net mlp --hidden 8 --epochs 1 --limit 300 --quiet -o small.hqm
expect 0 "784-8-10"                        -- "$hqsim" info small.hqm
expect 2 "limit expects an integer"        -- "$hqsim" eval small.hqm --limit 0
expect 1 "dataset-fashion-mnist"           -- env HQSIM_DATASET_DIR="$work/nowhere" "$hqsim" eval small.hqm
expect 2 "policy"                          -- "$hqsim" quantize small.hqm --policy no-such-policy -o q.hqm
size=$(stat -c %s small.hqm)
head -c $((size / 2)) small.hqm > half.hqm
expect 1 "half.hqm: truncated"             -- "$hqsim" info half.hqm
cp small.hqm flip.hqm
printf '\x55' | dd of=flip.hqm bs=1 seek=$((size / 3)) conv=notrunc status=none
expect 1 "checksum mismatch"               -- "$hqsim" eval flip.hqm
expect 1 "cannot create"                   -- "$hqsim" quantize small.hqm --policy uniform8 --calib 50 --quiet -o /nonexistent-dir/q.hqm

if [ "$fails" -ne 0 ]; then
  echo "cli_errors: $fails case(s) failed"
  exit 1
fi
echo "cli_errors: all cases passed"
