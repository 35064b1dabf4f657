#!/bin/sh
# Misuse of `hqsim run Q.hqm`: each case must exit with the documented status and a message
# naming the problem, never crash.  usage: misuse.sh HQSIM MODELDIR ACCEL_FW.elf
set -u
hqsim=$1
m=$2
fw=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0
expect() { # expect STATUS PATTERN -- command...
    want=$1 pattern=$2
    shift 3
    "$@" >"$tmp/out" 2>&1
    got=$?
    if [ "$got" -ne "$want" ] || ! grep -q -- "$pattern" "$tmp/out"; then
        echo "FAIL: $* -> status $got (want $want), output:"
        sed 's/^/    /' "$tmp/out"
        failures=$((failures + 1))
    else
        echo "ok: $* -> $got, '$pattern'"
    fi
}
# The accelerator refuses the layout (error interrupt, status code 3 reported by firmware).
expect 3 "not supported by the uniform8 array" -- "$hqsim" run "$m/mlp-block.hqm" --arch uniform8 --images 3 --quiet
expect 3 "not supported by the uniform8 array" -- "$hqsim" run "$m/mlp-block.hqm" --arch uniform8 --images 3 --poll --quiet
# A buffer overflow: a batch whose activations do not fit the activation buffer, not even
# tiled (the host tiles layers to the buffers where it can, issue 16).
printf '{"buffers": {"act_bytes": 256}}\n' >"$tmp/small.json"
expect 3 "buffer" -- "$hqsim" run "$m/mlp-dense.hqm" --arch uniform8 --timing "$tmp/small.json" --batch 8 --images 8 --quiet
# Bad input files and options: status 2 and a message.
expect 2 "cannot" -- "$hqsim" run "$tmp/missing.hqm" --images 2
head -c 300 "$m/mlp-block.hqm" >"$tmp/cut.hqm"
expect 2 "cut.hqm" -- "$hqsim" run "$tmp/cut.hqm" --images 2
expect 2 "not quantized" -- "$hqsim" run "$m/mlp.hqm" --images 2
expect 2 "uniform8, split or lanegroup" -- "$hqsim" run "$m/mlp-block.hqm" --arch systolic
expect 2 "images" -- "$hqsim" run "$m/mlp-block.hqm" --images 0
expect 2 "images" -- "$hqsim" run "$m/mlp-block.hqm" --images 20000
expect 2 "unknown option" -- "$hqsim" run "$m/mlp-block.hqm" --frobnicate
printf '{"array": {"lanes": 60}}\n' >"$tmp/bad.json"
expect 2 "lanes" -- "$hqsim" run "$m/mlp-block.hqm" --timing "$tmp/bad.json" --images 2
expect 2 "timing" -- "$hqsim" run "$m/mlp-block.hqm" --timing "$tmp/nope.json" --images 2
# A platform whose memory stops below the network table (0x80100000): refused by name,
# before the firmware is loaded.
configs=$(cd "$(dirname "$0")/../../configs" && pwd)
sed -e 's/"size": "0x8000000"/"size": "0x100000"/' -e "s#\.\./dram/#$configs/dram/#" \
    "$configs/platform/default.json" >"$tmp/small-dram.json"
expect 2 "no dram or sram device holds 0x80100000" -- "$hqsim" run "$m/mlp-block.hqm" --platform "$tmp/small-dram.json" --images 2
# --fw with a model is the accelerator firmware (it used to switch to firmware mode).
expect 0 "2 images" -- "$hqsim" run "$m/mlp-block.hqm" --fw "$fw" --images 2
expect 0 "2 images" -- "$hqsim" run --fw "$fw" "$m/mlp-block.hqm" --images 2
expect 0 "2 images" -- "$hqsim" run "$m/mlp-block.hqm" --fw="$fw" --images 2
expect 2 "nope.elf" -- "$hqsim" run "$m/mlp-block.hqm" --fw "$tmp/nope.elf" --images 2
expect 0 "usage: hqsim run Q.hqm" -- "$hqsim" run "$m/mlp-block.hqm" --help
[ "$failures" -eq 0 ] || { echo "$failures misuse cases failed"; exit 1; }
