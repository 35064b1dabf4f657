#!/usr/bin/env bash
# The ELF loader rejects bad input with a clear message and status 2: a text file, a
# truncated ELF, a 64-bit ELF, an ELF for another machine, a missing file.
# Usage: bad_elf.sh rv32_run good.elf
set -uo pipefail
run=$1 good=$2
dir=$(mktemp -d); trap 'rm -rf "$dir"' EXIT
echo "not an elf" >"$dir/text"
head -c 300 "$good" >"$dir/truncated"
cp "$good" "$dir/machine"; printf '\x3e\x00' | dd of="$dir/machine" bs=1 seek=18 conv=notrunc 2>/dev/null
cp "$good" "$dir/elf64"; printf '\x02' | dd of="$dir/elf64" bs=1 seek=4 conv=notrunc 2>/dev/null
fail=0
check() { # file regex
  out=$("$run" "$1" 2>&1); st=$?
  if [ $st -eq 2 ] && grep -Eq "$2" <<<"$out"; then echo "ok:   $out"; else echo "FAIL: status $st: $out"; fail=1; fi
}
check "$dir/text" "not an ELF file"
check "$dir/truncated" "truncated|bad program header|bad ELF header"
check "$dir/machine" "wrong machine"
check "$dir/elf64" "not a 32-bit ELF|bad ELF header"
check "$dir/missing" "No such file"
out=$("$run" --ram-mib 0 "$good" 2>&1); st=$?
if [ $st -eq 2 ] && grep -q "ram-mib" <<<"$out"; then echo "ok:   $out"; else echo "FAIL: --ram-mib 0: $st $out"; fail=1; fi
out=$("$run" --bogus "$good" 2>&1); st=$?
if [ $st -eq 2 ]; then echo "ok:   unknown option rejected"; else echo "FAIL: unknown option: $st"; fail=1; fi
exit $fail
