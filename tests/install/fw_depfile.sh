#!/bin/sh
# Every firmware object has a compiler-written depfile, and the accelerator runtime's lists
# the interface headers of include/hq it shares with the model and the C library.
# usage: fw_depfile.sh FW_BUILD_DIR SOURCE_DIR
set -eu
fw=$1
src=$2
fail=0
for o in $(find "$fw/obj" -name '*.o'); do
    [ -f "$o.d" ] || { echo "FAIL: no depfile for $o"; fail=1; }
done
# has OBJECT HEADER...: the depfile of OBJECT (below $fw/accel/obj/accel_runtime) lists them
has() {
    d=$fw/accel/obj/accel_runtime/$1.d
    shift
    for h in "$@"; do
        if ! grep -q "$src/$h" "$d" 2>/dev/null; then
            echo "FAIL: $d does not list $h"
            fail=1
        fi
    done
}
has accel_runtime.c.o include/hq/hq_accel_regmap.h include/hq/hq_accel_net.h \
    include/hq/hq_arith.h sw/fw/accel/accel_driver.h
has accel_driver.c.o include/hq/hq_accel_regmap.h sw/fw/hal/hq_mmio.h
[ $fail -eq 0 ] && echo "ok: firmware objects depend on the headers they include"
exit $fail
