#!/usr/bin/env bash
# The CPU wrapper must compute the same thing with and without DMI: identical UART output
# and instruction count; without DMI every RAM access is a b_transport.
# Usage: dmi_equivalence.sh cpu_tb prog.elf
set -euo pipefail
tb=$1 elf=$2
with=$("$tb" --summary "$elf")
without=$("$tb" --summary --no-dmi "$elf")
printf 'DMI:    %s\nno DMI: %s\n' "$(tail -1 <<<"$with")" "$(tail -1 <<<"$without")"
field() { sed -n "s/.*$1 \([0-9]*\).*/\1/p" <<<"$2" | tail -1; }
[ "$(head -n -1 <<<"$with")" = "$(head -n -1 <<<"$without")" ] || { echo "output differs"; exit 1; }
[ "$(field instructions "$with")" = "$(field instructions "$without")" ] || { echo "instruction counts differ"; exit 1; }
[ "$(field ram_transports "$with")" -lt 100 ] || { echo "DMI run used b_transport for RAM"; exit 1; }
[ "$(field ram_transports "$without")" -gt "$(field instructions "$without")" ] || { echo "no-DMI run bypassed b_transport"; exit 1; }
echo "dmi_equivalence: ok"
