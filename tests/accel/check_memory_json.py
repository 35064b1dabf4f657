#!/usr/bin/python3
"""`hqsim run MODEL --json` reports the memory the scaling bench's issue-16 ratio counts as
buffers: dram_image_bytes (the platform's memory image) holds at least the weights the
accelerator streams for one image and grows with the test images; accel_buffer_bytes (the
accelerator's on-chip buffers) is positive and does not depend on the image count.

usage: check_memory_json.py HQSIM MODEL.hqm"""
import sys

from hqsim_json import run_json


def run(hqsim, model, images):
    return run_json(hqsim, [model, "--images", str(images)],
                    ("dram_image_bytes", "accel_buffer_bytes"))


def main():
    hqsim, model = sys.argv[1], sys.argv[2]
    a, b = run(hqsim, model, 1), run(hqsim, model, 9)
    print("1 image: image %d B, buffers %d B, weights streamed %d B; 9 images: image %d B" % (
        a["dram_image_bytes"], a["accel_buffer_bytes"], a["weight_bytes"], b["dram_image_bytes"]))
    ok = (a["dram_image_bytes"] >= a["weight_bytes"] > 0 and
          b["dram_image_bytes"] >= a["dram_image_bytes"] + 8 * 28 * 28 and
          a["accel_buffer_bytes"] == b["accel_buffer_bytes"] > 0)
    if not ok:
        print("FAIL: expected image >= streamed weights, 8 more 28x28 images in the bigger run, "
              "equal positive buffers")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
