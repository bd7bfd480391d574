# SPDX-License-Identifier: GPL-2.0
# Helpers for commands run inside the test guest.

# What counts as a kernel report: any of these in dmesg fails the cell.  The
# second line is a checker switching itself off, which would make the rest
# of the run blind; the third the machine itself in trouble.
KERNEL_REPORTS='WARNING:|BUG:|Oops|general protection fault|KASAN|UBSAN|possible circular locking|possible recursive locking|inconsistent lock state|suspicious RCU usage|unreferenced object|soft lockup|blocked for more than|kernel BUG|refcount_t:|list_add corruption|list_del corruption'
KERNEL_REPORTS="$KERNEL_REPORTS|dma-debug disabled|DMA-API: debugging out of memory|kmemleak: .*disabled|kmemleak: Cannot allocate|kmemleak: Out of memory|kmemleak: Memory pool empty"
KERNEL_REPORTS="$KERNEL_REPORTS|Out of memory: Killed process|rcu: INFO:|rcu_sched self-detected stall|page allocation failure: order:[0-9]+, mode:.*__GFP_NOWARN"

# DMA-API debug reports the tests provoke on purpose, one count a line
# (selftests/dmaapi_dmabuf.c); dma_debug_clean expects exactly their sum.
export DMAAPI_DMA_DEBUG_EXPECTED=/tmp/dmaapi-dma-debug-expected
DMA_DEBUG_EXPECTED=$DMAAPI_DMA_DEBUG_EXPECTED
# load_module [param=value...]
load_module() {
	grep -q '^dmaapi ' /proc/modules && return 0
	insmod /dmaapi/dmaapi.ko "$@"
}

# load_modules NAME: loads the kernel module NAME the host put in the
# initramfs (tools/vm/lib.sh add_guest_modules), dependencies first; fails
# quietly where this kernel has none.  unload_modules NAME undoes it.
load_modules() {
	local m
	[ -f "/dmaapi/modules/$1.order" ] || return 1
	while read -r m; do
		grep -q "^$m " /proc/modules || insmod "/dmaapi/modules/$m.ko" || return 1
	done <"/dmaapi/modules/$1.order"
}
unload_modules() {
	local m
	[ -f "/dmaapi/modules/$1.order" ] || return 0
	for m in $(sed '1!G;h;$!d' "/dmaapi/modules/$1.order"); do
		rmmod "$m" 2>/dev/null
	done
	return 0
}

# with_modules NAME CMD...: runs CMD with module NAME loaded, if this kernel
# has it, and unloads it afterwards; CMD's exit status.
with_modules() {
	local name=$1 rc
	shift
	load_modules "$name" || echo "# no $name module for this kernel"
	"$@"
	rc=$?
	unload_modules "$name"
	return $rc
}

# bind_edu: binds the first edu device to dmaapi; sets DMAAPI_EDU.
bind_edu() {
	local d
	# A board without PCI (versal, raspi3b): no edu to bind.
	[ -n "${DMAAPI_NO_EDU:-}" ] && return 0
	for d in /sys/bus/pci/devices/*; do
		if [ "$(cat "$d/vendor")" = 0x1234 ] && [ "$(cat "$d/device")" = 0x11e8 ]; then
			DMAAPI_EDU=${d##*/}
			break
		fi
	done
	[ -n "${DMAAPI_EDU:-}" ] || { echo "no edu device" >&2; return 1; }
	export DMAAPI_EDU
	[ -e "/dev/dmaapi-$DMAAPI_EDU" ] && return 0
	echo dmaapi >"/sys/bus/pci/devices/$DMAAPI_EDU/driver_override"
	echo "$DMAAPI_EDU" >/sys/bus/pci/drivers_probe
	[ -e "/dev/dmaapi-$DMAAPI_EDU" ] || { echo "binding $DMAAPI_EDU to dmaapi failed" >&2; return 1; }
}

# scan_dmesg WHEN: reads and clears the kernel log, prints each report line
# as "DMAAPI-REPORT WHEN: line" (the host fails the cell on any), and the log
# around the first one for its trace.  Called after every test, so that no
# report can rotate out of the ring buffer before it is read.
scan_dmesg() {
	local when=$1 first

	dmesg -c >/tmp/dmesg.txt 2>/dev/null || dmesg >/tmp/dmesg.txt
	cat /tmp/dmesg.txt >>/tmp/dmesg.all
	grep -E "$KERNEL_REPORTS" /tmp/dmesg.txt | head -40 | while read -r l; do
		echo "DMAAPI-REPORT $when: $l"
	done
	first=$(grep -nE "$KERNEL_REPORTS" /tmp/dmesg.txt | head -n 1 | cut -d: -f1)
	if [ -n "$first" ]; then
		echo "DMAAPI-DMESG-BEGIN $when"
		tail -n "+$((first > 20 ? first - 20 : 1))" /tmp/dmesg.txt | head -n 400
		echo "DMAAPI-DMESG-END"
	fi
}

# run_test NAME CMD...: runs one test program between markers the host reads.
run_test() {
	local name=$1 rc t0 t1
	shift
	read -r t0 _ </proc/uptime
	echo "DMAAPI-TEST-BEGIN $name"
	if [ -x "$1" ] || command -v "$1" >/dev/null 2>&1; then
		"$@"
		rc=$?
	else
		echo "# $name: $1 is not installed in this guest"
		rc=127
	fi
	read -r t1 _ </proc/uptime
	# The seconds it took, for whoever reads a slow or timed-out run.
	echo "DMAAPI-TEST-END $name $rc $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf("%.1fs", b - a) }')"
	scan_dmesg "$name"
}

# dma_debug_entries: the DMA-API debug entries still live for dmaapi's
# devices (/dev/dmaapi's platform device and every bound device).
dma_debug_entries() {
	local d names="dmaapi"

	for d in /sys/bus/*/drivers/dmaapi/*; do
		[ -L "$d" ] && names="$names|${d##*/}"
	done
	grep -E "^[^ ]+ ($names) " /sys/kernel/debug/dma-api/dump 2>/dev/null
}

# kmemleak_scan: two scans (an object must look unreferenced twice); prints
# what is reported.  Fails when the scan cannot run: kmemleak switched off.
kmemleak_scan() {
	echo clear >/sys/kernel/debug/kmemleak || return 1
	echo scan >/sys/kernel/debug/kmemleak || return 1
	sleep 6
	echo scan >/sys/kernel/debug/kmemleak || return 1
	grep -A8 'unreferenced object' /sys/kernel/debug/kmemleak | head -60
	! grep -q 'unreferenced object' /sys/kernel/debug/kmemleak
}

# final_checks: KTAP, after the last test: nothing of dmaapi's is left once
# every process is gone, the checkers are still on and found nothing, and the
# module unloads.
final_checks() {
	local n=0 fails=0 v a r

	ok() { n=$((n + 1)); echo "ok $n $1"; }
	notok() { n=$((n + 1)); fails=$((fails + 1)); echo "not ok $n $1"; }
	skip() { n=$((n + 1)); echo "ok $n $1 # SKIP $2"; }
	check() { # check NAME COMMAND...
		local name=$1
		shift
		if "$@"; then ok "$name"; else notok "$name"; fi
	}
	counters_zero() {
		local f r=0
		for f in /sys/class/misc/dmaapi*/handles /sys/class/misc/dmaapi*/bytes \
			/sys/class/misc/dmaapi*/live_bufs; do
			[ -f "$f" ] || { echo "# no $f"; return 1; }
			v=$(cat "$f")
			echo "# $f: $v"
			[ "$v" = 0 ] || r=1
		done
		return $r
	}
	pins_balanced() {
		# fold the per-CPU counter deltas first: an idle CPU's are
		# left unfolded (the vmstat work is deferrable), and the two
		# sums then differ by what is still pending
		echo 1 >/proc/sys/vm/stat_refresh 2>/dev/null
		a=$(awk '$1 == "nr_foll_pin_acquired" { print $2 }' /proc/vmstat)
		r=$(awk '$1 == "nr_foll_pin_released" { print $2 }' /proc/vmstat)
		echo "# pins acquired $a, released $r"
		[ -n "$a" ] && [ "$a" = "$r" ]
	}
	# A test that provokes a report on purpose (dmaapi_dmabuf's unbind
	# with a live export) counts it, silenced, into $DMA_DEBUG_EXPECTED:
	# error_count must be exactly their sum, so any other report fails.
	dma_debug_clean() {
		v=$(cat /sys/kernel/debug/dma-api/error_count)
		a=$(cat /sys/kernel/debug/dma-api/disabled)
		e=0
		[ -f "$DMA_DEBUG_EXPECTED" ] && e=$(awk '{ n += $1 } END { print n + 0 }' "$DMA_DEBUG_EXPECTED")
		echo "# DMA-API debug: error_count $v ($e provoked on purpose), disabled $a"
		[ "$v" = "$e" ] && { [ "$a" = N ] || [ "$a" = 0 ]; }
	}
	no_dma_debug_entries() {
		if dma_debug_entries; then
			echo "# DMA-API debug entries still live for dmaapi's devices (above)"
			return 1
		fi
		return 0
	}
	unload() {
		rmmod dmaapi || return 1
		! grep -q '^dmaapi ' /proc/modules && [ ! -e /dev/dmaapi ]
	}

	echo "TAP version 13"
	echo "1..8"
	check counters_zero counters_zero
	check pins_balanced pins_balanced
	if [ -d /sys/kernel/debug/dma-api ]; then
		check dma_debug_no_errors dma_debug_clean
		check dma_debug_no_live_entries no_dma_debug_entries
	else
		skip dma_debug_no_errors "no DMA-API debug in this kernel"
		skip dma_debug_no_live_entries "no DMA-API debug in this kernel"
	fi
	if [ -e /sys/kernel/debug/kmemleak ]; then
		check kmemleak_after_suite kmemleak_scan
	else
		skip kmemleak_after_suite "no kmemleak in this kernel"
	fi
	check rmmod unload
	if [ -e /sys/kernel/debug/kmemleak ]; then
		check kmemleak_after_rmmod kmemleak_scan
	else
		skip kmemleak_after_rmmod "no kmemleak in this kernel"
	fi
	# The DMA-API debug entries again, now that the module is gone.
	if [ -d /sys/kernel/debug/dma-api ]; then
		check dma_debug_no_errors_after_rmmod dma_debug_clean
	else
		skip dma_debug_no_errors_after_rmmod "no DMA-API debug in this kernel"
	fi
	echo "# $((n - fails)) passed, $fails failed"
	[ "$fails" = 0 ]
}
