#!/bin/sh
# Installs into a temporary prefix and runs the installed hqsim from a scratch directory with
# no configs/ in it: firmware mode with the installed hello.elf, and a tiny model on the
# accelerator (default platform, timing, energy and runtime firmware all from the prefix).
# The installed binary must not name the source tree.
# usage: install_prefix.sh CMAKE BUILD_DIR SOURCE_DIR WORKDIR [plain|sanitized]
set -eu
cmake=$1
build=$2
src=$3
work=$4
kind=${5:-plain}
rm -rf "$work"
mkdir -p "$work/prefix" "$work/cwd"
p=$work/prefix
unset HQSIM_PLATFORM HQSIM_ACCEL_FW || true
"$cmake" --install "$build" --prefix "$p" >/dev/null
for f in bin/hqsim share/hqsim/fw/hello.elf share/hqsim/fw/accel/accel_runtime.elf \
         share/hqsim/configs/platform/default.json share/hqsim/configs/timing/default.json \
         share/hqsim/configs/energy/default.json; do
    [ -f "$p/$f" ] || { echo "FAIL: $f not installed"; exit 1; }
done
cd "$work/cwd"
"$p/bin/hqsim" run --fw "$p/share/hqsim/fw/hello.elf" >hello.txt
grep -q "Hello from HQSim" hello.txt || { echo "FAIL: hello.elf printed:"; cat hello.txt; exit 1; }
"$p/bin/hqsim" train --net mlp --hidden 16 --epochs 1 --train-images 500 --seed 7 --threads 1 \
    --quiet -o mlp.hqm
"$p/bin/hqsim" quantize mlp.hqm --policy uniform8 --calib 100 --quiet -o model.hqm
"$p/bin/hqsim" run model.hqm --images 5 >run.txt
cat run.txt
if [ "$kind" = sanitized ]; then
    # ASan/UBSan keep each instrumented file's name for their reports, and GCC 12's
    # -ffile-prefix-map does not reach those: a sanitizer build is for tests, not installs.
    echo "ok: installed hqsim runs from $work/cwd (source-path check skipped: sanitizer build)"
    exit 0
fi
n=$(strings "$p/bin/hqsim" | grep -c "$src" || true)
if [ "$n" -ne 0 ]; then
    echo "FAIL: the installed hqsim names the source tree $n times:"
    strings "$p/bin/hqsim" | grep "$src" | head -5
    exit 1
fi
echo "ok: installed hqsim runs from $work/cwd and names no source path"
