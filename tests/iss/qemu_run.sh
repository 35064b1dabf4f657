#!/usr/bin/env bash
# Run a firmware ELF on QEMU's virt board (the reference for HQSim's memory map).
# Usage: qemu_run.sh prog.elf   Exit status: the firmware's (SiFive test finisher).
# The C extension is switched off so that QEMU traps misaligned jump targets as HQSim does.
set -euo pipefail
case "${1:-}" in -h|--help|"") sed -n '2,4p' "$0" | sed 's/^# //'; [ -n "${1:-}" ]; exit ;; esac
exec timeout 30 qemu-system-riscv32 -M virt -cpu rv32,c=false -bios none -nographic \
  -monitor none -serial stdio -kernel "$1"
