#!/usr/bin/python3
"""hqsim run's peak memory (issue 16): on the BERT-base layer of the workload zoo (7.1M
weights, uniform8), `hqsim run` of one synthetic image must not hold more than 0.85x what
`hqsim eval` of the same image holds. eval peaks while loading the model (the whole file and
its parsed float and quantized weights at once); run loads the quantized weights only, a chunk
at a time (hq_model_load_quantized), and keeps the DRAM image, not the float weights or a
second copy of the DRAM image (before issue 16 item 4: run 116 MB against eval's 79 MB; before
the quantized load: 80 MB against 80 MB; with it: 61 MB).

The same run against issue 16's own denominator (benches/scaling, `mem ratio (issue)`): one
byte per quantized weight + the largest activation + the DRAM image (dram_image_bytes) + the
accelerator's buffers (accel_buffer_bytes). mem19 took the run's copies of the weights out
(the reference's int16 copy, the weight cache's copies of the image and of a uniform plane,
the packed model beside the image, the model's weights once used): 3.26x -> 2.10x at this one
token (3.43x -> 2.21x on the bench's 424); mem20 gave back SystemC's 3 MiB temporary heap
(the process alone, SystemC and libraries, 16 -> 13 MB: about 0.8x of this layer): 2.11x ->
1.92x. The bound here, 2.3x, fails one more byte-per-weight copy (+0.42x). Also 0
mismatches.

ResNet-18 (uniform8, 5 images as the bench runs it, on the 512 MiB platform) against the same
denominator: the reference's conv per band of output positions (a whole layer's im2col and
accumulators were 7 MB on conv1), the image segments' pages released as the DRAM takes
them (both copies of its 11 MB of weights coexisted) and the high flags and SystemC's
temporary heap given back took it from 2.02x to 1.69x (mem20, loaded machine); bound 1.9x.

The BERT layer heterogeneous (the bench's policy lo=2,hi=8,frac=0.02) against the same
denominator: a fixed malloc threshold (big freed blocks had stayed resident), the high flags
as bits from the load on, the weights freed layer by layer as the image is built, one byte
per weight of decoder temporaries instead of three, the per-invocation statistics summed per
descriptor and the logits compared a chunk at a time, and cairo/GSL loaded on demand took the
bench's 424 tokens from 2.70x to 1.75x (quiet machine). Here one token: at 424 the peak
depends on whether the reference thread, which holds the weights until it ends, still runs
beside the simulation, so on the machine's load (1.92x-2.01x loaded, 2.28x once in CI with a
build beside it); with one token the reference is done before the image is built. One token:
1.74x (main 886f79d); main before this session 2.55x (31.3 MB); bound 2.0x.

MobileNetV2 heterogeneous (the bench's policy, 5 images as the bench runs it, the default
lane-group array, the 512 MiB platform) against the same denominator: the layer engine's
compute by bands of output positions (the whole descriptor's im2col and accumulators were
kept between layers) and the depthwise convs' block-diagonal planes stored without their
all-zero blocks, one output buffer for both kinds and the reference's activations in one
arena (mem22) took it from 2.33x to 1.94-1.95x (loaded machine); the reference thread, which
holds the weights, the images and its buffers (about 7 MB), runs beside the simulation to the
end on this network, so the peak always includes it. Bound 2.15x.

usage: run_memory.py HQSIM SOURCE_DIR WORKDIR
"""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                                "benches", "scaling"))
import scaling_bench  # noqa: E402  run_measured, the weights and the denominator, as the bench has them

ISSUE_RATIO_MAX = 2.3
RESNET_RATIO_MAX = 1.9
BERT_HET_RATIO_MAX = 2.0
MOBILENET_HET_RATIO_MAX = 2.15


def peak_kb(cmd, work):
    """Runs cmd and returns (its output, its maximum resident set in KiB), measured by the
    bench's run_measured (GNU time: a child forked from this script would count this script's
    resident set into its peak)."""
    out_path = os.path.join(work, "peak.out")
    rc, _, peak, _ = scaling_bench.run_measured(cmd, out_path)
    if rc != 0:
        print(f"FAIL: {' '.join(cmd)} exited {rc}")
        sys.exit(1)
    with open(out_path) as fh:
        return fh.read(), peak // 1024


def main():
    if len(sys.argv) != 4:
        print(__doc__)
        return 2
    hq, src, work = sys.argv[1:]
    os.makedirs(work, exist_ok=True)
    onnx = os.path.join(work, "bert_layer.onnx")
    if not os.path.exists(onnx):
        subprocess.run(["/usr/bin/python3", os.path.join(src, "scripts", "onnx-zoo.py"), work,
                        "bert_layer"], check=True, stdout=subprocess.DEVNULL)
    f, q = os.path.join(work, "bert.hqm"), os.path.join(work, "bert-uniform8.hqm")
    subprocess.run([hq, "import", onnx, "-o", f], check=True, stdout=subprocess.DEVNULL)
    subprocess.run([hq, "quantize", f, "--policy", "uniform8", "--synthetic-inputs", "8",
                    "--quiet", "-o", q], check=True, stdout=subprocess.DEVNULL)
    _, eval_kb = peak_kb([hq, "eval", q, "--synthetic-inputs", "1", "--json", "--threads", "1"],
                         work)
    out, run_kb = peak_kb([hq, "run", q, "--synthetic-inputs", "1", "--json", "--quiet"], work)
    j = json.loads(out)
    if j["mismatches"] != 0:
        print(f"FAIL: {j['mismatches']} mismatches")
        return 1
    if run_kb > 0.85 * eval_kb:
        print(f"FAIL: hqsim run peak {run_kb} KiB > 0.85 x hqsim eval peak {eval_kb} KiB")
        return 1
    print(f"ok: hqsim run peak {run_kb} KiB <= 0.85 x hqsim eval peak {eval_kb} KiB, "
          "0 mismatches")
    if issue_ratio("", q, src, j, run_kb, ISSUE_RATIO_MAX):
        return 1
    if bert_het(hq, src, work, f):
        return 1
    if mobilenet_het(hq, src, work):
        return 1
    return resnet(hq, src, work)


def bert_het(hq, src, work, f):
    """The BERT layer with the bench's heterogeneous policy, one token, against issue 16's
    denominator."""
    q = os.path.join(work, "bert-het.hqm")
    policy = [p for tag, p, _ in scaling_bench.POLICIES if tag == "het"][0]
    subprocess.run([hq, "quantize", f, "--policy", policy, "--synthetic-inputs", "8", "--quiet",
                    "-o", q], check=True, stdout=subprocess.DEVNULL)
    out, run_kb = peak_kb([hq, "run", q, "--synthetic-inputs", "1", "--json", "--quiet"], work)
    j = json.loads(out)
    if j["mismatches"] != 0:
        print(f"FAIL: bert het: {j['mismatches']} mismatches")
        return 1
    return issue_ratio("bert het (1 token): ", q, src, j, run_kb, BERT_HET_RATIO_MAX)


def issue_ratio(what, q, src, j, run_kb, bound):
    """1 (printed) when the run's peak exceeds bound x issue 16's denominator, else 0."""
    _, weights, largest = scaling_bench.model_stats(q, src)
    denom = scaling_bench.issue_bytes(weights, largest, j)
    ratio = run_kb * 1024 / denom
    if ratio > bound:
        print(f"FAIL: {what}run peak / (weights + largest activation + image + buffers) = "
              f"{run_kb * 1024} / {denom} = {ratio:.2f} > {bound}")
        return 1
    print(f"ok: {what}run peak / (weights + largest activation + image + buffers) = "
          f"{ratio:.2f} <= {bound}")
    return 0


def mobilenet_het(hq, src, work):
    """MobileNetV2 with the bench's heterogeneous policy, 5 synthetic images, against issue 16's
    denominator."""
    onnx = os.path.join(work, "mobilenetv2.onnx")
    if not os.path.exists(onnx):
        subprocess.run(["/usr/bin/python3", os.path.join(src, "scripts", "onnx-zoo.py"), work,
                        "mobilenetv2"], check=True, stdout=subprocess.DEVNULL)
    f, q = os.path.join(work, "mobilenetv2.hqm"), os.path.join(work, "mobilenetv2-het.hqm")
    policy = [p for tag, p, _ in scaling_bench.POLICIES if tag == "het"][0]
    subprocess.run([hq, "import", onnx, "-o", f], check=True, stdout=subprocess.DEVNULL)
    subprocess.run([hq, "quantize", f, "--policy", policy, "--synthetic-inputs", "8", "--quiet",
                    "-o", q], check=True, stdout=subprocess.DEVNULL)
    out, run_kb = peak_kb([hq, "run", q, "--synthetic-inputs", "5", "--json", "--quiet",
                           "--platform", os.path.join(src, scaling_bench.BIG)], work)
    j = json.loads(out)
    if j["mismatches"] != 0:
        print(f"FAIL: mobilenetv2 het: {j['mismatches']} mismatches")
        return 1
    return issue_ratio("mobilenetv2 het: ", q, src, j, run_kb, MOBILENET_HET_RATIO_MAX)


def resnet(hq, src, work):
    """ResNet-18 uniform8, 5 synthetic images, against issue 16's denominator."""
    onnx = os.path.join(work, "resnet18.onnx")
    if not os.path.exists(onnx):
        subprocess.run(["/usr/bin/python3", os.path.join(src, "scripts", "onnx-zoo.py"), work,
                        "resnet18"], check=True, stdout=subprocess.DEVNULL)
    f, q = os.path.join(work, "resnet18.hqm"), os.path.join(work, "resnet18-uniform8.hqm")
    subprocess.run([hq, "import", onnx, "-o", f], check=True, stdout=subprocess.DEVNULL)
    subprocess.run([hq, "quantize", f, "--policy", "uniform8", "--synthetic-inputs", "8",
                    "--quiet", "-o", q], check=True, stdout=subprocess.DEVNULL)
    out, run_kb = peak_kb([hq, "run", q, "--synthetic-inputs", "5", "--json", "--quiet",
                           "--arch", "uniform8", "--platform",
                           os.path.join(src, scaling_bench.BIG)], work)
    j = json.loads(out)
    if j["mismatches"] != 0:
        print(f"FAIL: resnet18: {j['mismatches']} mismatches")
        return 1
    return issue_ratio("resnet18: ", q, src, j, run_kb, RESNET_RATIO_MAX)


if __name__ == "__main__":
    sys.exit(main())
