#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The reference for dmaapi_chan: the kernel's own dmatest (CONFIG_DMATEST)
# on one dmaengine channel, then on every channel at once.  KTAP: each test
# passes when dmatest prints one "summary ... 0 failures" line per channel
# (and one at least).  dmatest's channels are released at the end (run=0),
# for the suite's programs to request.
#
# DMAAPI_DMATEST_ALIGNMENT (tools/vm/run sets it where the board needs it):
# dmatest's "alignment", the log2 of the alignment of its lengths and
# offsets; unset, -1 (the channel's own copy_align).  raspi3b sets 2: QEMU's
# BCM2835 DMA model hangs on lengths that are not multiples of 4, which the
# driver does not report (copy_align 0).
P=/sys/module/dmatest/parameters

echo "TAP version 13"
echo "1..2"
if [ ! -d "$P" ]; then
	echo "ok 1 dmatest_one_channel # SKIP no dmatest in this kernel (CONFIG_DMATEST)"
	echo "ok 2 dmatest_all_channels # SKIP no dmatest in this kernel (CONFIG_DMATEST)"
	exit 0
fi
nchan=$(ls /sys/class/dma 2>/dev/null | wc -l)
n=0 fails=0

# dmatest_run NAME CHANNEL EXPECTED: CHANNEL "" means every free channel.
dmatest_run() {
	local name=$1 chan=$2 want=$3 before lines got bad

	n=$((n + 1))
	before=$(dmesg | wc -l)
	echo 0 >"$P/run"
	echo 5000 >"$P/timeout"
	echo 100 >"$P/iterations"
	echo 16384 >"$P/test_buf_size"
	echo "${DMAAPI_DMATEST_ALIGNMENT:--1}" >"$P/alignment"
	echo "$chan" >"$P/channel"
	echo 1 >"$P/run"
	cat "$P/wait" >/dev/null
	echo 0 >"$P/run"
	lines=$(dmesg | tail -n "+$((before + 1))" | grep 'dmatest: .*summary')
	printf '%s\n' "$lines" | sed 's/^/# /'
	got=$(printf '%s\n' "$lines" | grep -c 'summary [0-9]* tests, 0 failures')
	bad=$(printf '%s\n' "$lines" | grep -c 'summary' )
	if [ "$got" -ge 1 ] && [ "$got" = "$want" ] && [ "$bad" = "$got" ]; then
		echo "ok $n $name"
	else
		echo "# $name: $got clean summaries of $bad, $want expected"
		echo "not ok $n $name"
		fails=$((fails + 1))
	fi
}

first=$(ls /sys/class/dma | head -n 1)
dmatest_run dmatest_one_channel "$first" 1
dmatest_run dmatest_all_channels "" "$nchan"
[ "$fails" = 0 ]
