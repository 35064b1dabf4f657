#!/bin/sh
# A zoo network (ResNet-18 or MobileNetV2, configs/workloads/README.md) through `hqsim run` on
# the 512 MiB platform: the layers the accelerator has no unit for run on the RV32 (the CPU
# fallback, docs/accel.md); every image's logits equal the integer reference's (0 mismatches),
# the report lists the CPU layers with their cycles. MobileNetV2's 17 depthwise convs run on the
# PE array (block-diagonal convs over channel groups, docs/accel.md Depthwise convs).
# usage: test_zoo_run.sh HQSIM SOURCE_DIR WORKDIR NETWORK IMAGES
set -u
H=$1 SRC=$2 W=$3 NET=$4 N=$5
fail=0
no() { echo "FAILED: $*" >&2; fail=1; }
mkdir -p "$W"
/usr/bin/python3 "$SRC/scripts/onnx-zoo.py" "$W" "$NET" >/dev/null || no "zoo generation"
"$H" import "$W/$NET.onnx" -o "$W/$NET.hqm" >/dev/null || no "$NET import"
"$H" quantize "$W/$NET.hqm" --policy uniform8 --synthetic-inputs 4 --quiet -o "$W/${NET}_q.hqm" \
    >/dev/null || no "$NET quantize"
"$H" run "$W/${NET}_q.hqm" --synthetic-inputs "$N" --platform "$SRC/configs/platform/dram-512m.json" \
    --json --quiet >"$W/run.json"
rc=$?
[ $rc -eq 0 ] || no "$NET run: exit $rc"
/usr/bin/python3 - "$W/run.json" "$N" "$NET" <<'PY' || fail=1
import json, sys
r = json.load(open(sys.argv[1]))
n = int(sys.argv[2])
cpu = [l for l in r["layers"] if l["name"].startswith("cpu:")]
ok = (r["mismatches"] == 0 and r["images_completed"] == n and cpu
      and all(l["cpu_cycles"] > 0 for l in cpu)
      and 0 < r["cpu_fallback_cycles"] <= r["runtime_cpu_cycles"])
dw = {l["name"].split("/dw[")[0] for l in r["layers"] if "/dw[" in l["name"]}
cpu_dw = [l["name"] for l in cpu if "/dw" in l["name"]]
if sys.argv[3] == "mobilenetv2":
    ok = ok and len(dw) == 17 and not cpu_dw
print(f"depthwise convs: {len(dw)} on the array, {len(cpu_dw)} on the CPU")
print(f"{len(r['layers'])} layers ({len(cpu)} on the CPU), {r['mismatches']} mismatches, "
      f"CPU fallback {r['cpu_fallback_cycles']} of {r['runtime_cpu_cycles']} runtime cycles, "
      f"accelerator {r['cycles']} cycles, host {r['host_seconds']:.1f} s")
sys.exit(0 if ok else 1)
PY
[ $fail -eq 0 ] && echo "test_zoo_run $NET: passed"
exit $fail
