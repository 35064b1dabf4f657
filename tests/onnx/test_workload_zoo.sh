#!/bin/sh
# The workload zoo (issue 16 item 4, configs/workloads/README.md): generated ONNX files import
# (the BERT layer runs through the platform with the default and the heterogeneous policy: 0
# mismatches; ResNet-18 and MobileNetV2 quantize and run on the integer reference). VGG-16
# (553 MB) is left to the scaling bench.
# usage: test_workload_zoo.sh HQSIM SOURCE_DIR WORKDIR
set -u
H=$1 SRC=$2 W=$3
fail=0
no() { echo "FAILED: $*" >&2; fail=1; }
mkdir -p "$W"
/usr/bin/python3 "$SRC/scripts/onnx-zoo.py" "$W" resnet18 mobilenetv2 bert_layer >/dev/null ||
    no "zoo generation"
# ResNet-18 and MobileNetV2 (docs/arith.md section 7a operators): import, quantize, integer
# eval (their runs through the platform, with the CPU fallback: zoo_run_* tests)
for n in resnet18 mobilenetv2; do
    "$H" import "$W/$n.onnx" -o "$W/$n.hqm" >/dev/null || no "$n import"
    "$H" quantize "$W/$n.hqm" --policy uniform8 --synthetic-inputs 4 --quiet -o "$W/${n}_q.hqm" \
        >/dev/null || no "$n quantize"
    out=$("$H" eval "$W/${n}_q.hqm" --synthetic-inputs 2 2>&1)
    echo "$out" | grep -q "integer path" || no "$n eval: $out"
done
"$H" import "$W/bert_layer.onnx" -o "$W/bert.hqm" >/dev/null || no "bert_layer import"
# uniform8 used to give 1 mismatch in 2 images: its 768 "classes" exceed the firmware's
# one-byte predictions (the tiled runtime now writes uint32 predictions)
for p in uniform8 lo=2,hi=8,frac=0.02; do
    "$H" quantize "$W/bert.hqm" --policy "$p" --synthetic-inputs 8 --quiet -o "$W/bq.hqm" >/dev/null ||
        no "bert quantize $p"
    out=$("$H" run "$W/bq.hqm" --synthetic-inputs 2 --json 2>/dev/null)
    echo "$out" | grep -q '"mismatches": 0,' || no "bert run $p: $(echo "$out" | grep mismatches)"
done
[ $fail -eq 0 ] && echo "test_workload_zoo: passed"
exit $fail
