#!/usr/bin/python3
"""The two accelerator devices' entries in the platform statistics (`hqsim run --fw ... --json`,
"devices"): the Verilated RTL's ("hq_accel_rtl") has the keys of the SystemC model's
("hq_accel") plus rtl_config, rtl_clock_cycles and rtl_read_stall_cycles (docs/rtl-accel.md,
"In the virtual platform"), with the same values where both are idle. One platform holds both
devices; the firmware does not touch them.

usage: check_device_report.py HQSIM FIRMWARE.elf
"""
import json
import os
import subprocess
import sys
import tempfile

# configs/platform/default.json with an hq_accel device, written to a folder of ours
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "accel"))
from rtl_loop_config import platform  # noqa: E402

RTL_ONLY = {"rtl_config", "rtl_clock_cycles", "rtl_read_stall_cycles"}
# the router's keys of every device entry, and the device type
PER_DEVICE = {"type", "bus_transactions", "bus_contention_ns"}


def platform_with_both(tmp):
    """The platform with the model's accelerator, plus the RTL's at another address and irq."""
    path = platform(tmp, "model")
    doc = json.load(open(path))
    doc["devices"].append({"name": "accel_rtl", "type": "hq_accel_rtl", "base": "0x40010000",
                           "size": "0x1000", "irq": 2, "latency_ns": 10})
    json.dump(doc, open(path, "w"))
    return path


def main():
    if len(sys.argv) != 3:
        print(__doc__)
        return 2
    hqsim, fw = sys.argv[1:]
    fails = []
    with tempfile.TemporaryDirectory() as tmp:
        plat = platform_with_both(tmp)
        cmd = [hqsim, "run", "--fw", fw, "--platform", plat, "--json"]
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
        if p.returncode != 0:
            print(f"FAIL: {' '.join(cmd)}: exit {p.returncode}: {p.stderr.strip()[-500:]}")
            return 1
    devs = json.loads(p.stdout)["devices"]
    by_type = {d.get("type"): d for d in devs.values() if isinstance(d, dict)}
    model, rtl = by_type.get("hq_accel"), by_type.get("hq_accel_rtl")
    if model is None or rtl is None:
        print(f"FAIL: no hq_accel and hq_accel_rtl entries in {sorted(devs)}")
        return 1
    if set(rtl) != set(model) | RTL_ONLY:
        fails.append(f"keys: rtl only {sorted(set(rtl) - set(model) - RTL_ONLY)}, "
                     f"model only {sorted(set(model) - set(rtl))}, "
                     f"missing rtl keys {sorted(RTL_ONLY - set(rtl))}")
    for k in sorted(set(model) - PER_DEVICE):
        # json.dumps: 0 and 0.0, or [] and {}, differ
        if json.dumps(model[k]) != json.dumps(rtl.get(k)):
            fails.append(f"{k}: model {json.dumps(model[k])}, rtl {json.dumps(rtl.get(k))}")
    for f in fails:
        print("FAIL: " + f)
    if not fails:
        print(f"OK: {len(model)} shared keys, rtl adds {sorted(RTL_ONLY)}")
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
