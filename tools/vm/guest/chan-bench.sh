#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# make bench, the versal boot: the kernel's dmatest on dma0chan0 (ZDMA
# ffa80000.dma) with 64 KiB copies, one at a time (norandom, noverify),
# then dmaapi-bench-chan on the same channel (dt-zdma's "zdma0") in the
# same boot, given dmatest's KB/s as the reference: as it comes, then
# pinned to CPU 0, where the ZDMA interrupts go (/proc/interrupts): under
# TCG a waiter on the other vCPU is often woken milliseconds late.
P=/sys/module/dmatest/parameters
size=${1:-65536} iters=${2:-2000}

[ -d "$P" ] || { echo "chan-bench: no dmatest in this kernel" >&2; exit 1; }
before=$(dmesg | wc -l)
echo 0 >"$P/run"
echo "$size" >"$P/test_buf_size"
echo 1 >"$P/norandom"
echo 1 >"$P/noverify"
echo "$iters" >"$P/iterations"
echo 10000 >"$P/timeout"
echo dma0chan0 >"$P/channel"
echo 1 >"$P/run"
cat "$P/wait" >/dev/null
echo 0 >"$P/run"
line=$(dmesg | tail -n "+$((before + 1))" | grep 'dmatest: .*summary' | tail -n 1)
echo "# dmatest: ${line#*dmatest: }"
case "$line" in
*" 0 failures "*) ;;
*) echo "chan-bench: dmatest failed or did not run" >&2; exit 1 ;;
esac
kbps=$(printf '%s\n' "$line" | sed -n 's/.* \([0-9.]*\) KB\/s.*/\1/p')
echo "# unpinned"
dmaapi-bench-chan --size "$size" --jobs "$iters" --dmatest-kbps "$kbps" || exit 1
echo "# pinned to CPU 0 (taskset 1), with the channel's interrupt"
taskset 1 dmaapi-bench-chan --size "$size" --jobs "$iters" --dmatest-kbps "$kbps"
