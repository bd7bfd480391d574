# SPDX-License-Identifier: GPL-2.0
# Helpers for commands run inside the test guest.

# What counts as a kernel report: any of these in dmesg fails the cell.
KERNEL_REPORTS='WARNING:|BUG:|Oops|general protection fault|KASAN|UBSAN|possible circular locking|possible recursive locking|inconsistent lock state|suspicious RCU usage|unreferenced object|soft lockup|blocked for more than|kernel BUG|refcount_t:'

# load_module [param=value...]
load_module() {
	grep -q '^dmaapi ' /proc/modules && return 0
	insmod /dmaapi/dmaapi.ko "$@"
}

# bind_edu: binds the first edu device to dmaapi; sets DMAAPI_EDU.
bind_edu() {
	local d
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

# run_test NAME CMD...: runs one test program between markers the host reads.
run_test() {
	local name=$1
	shift
	echo "DMAAPI-TEST-BEGIN $name"
	"$@"
	echo "DMAAPI-TEST-END $name $?"
}

report_kernel() {
	if [ -w /sys/kernel/debug/kmemleak ]; then
		echo scan >/sys/kernel/debug/kmemleak
		sleep 6
		echo scan >/sys/kernel/debug/kmemleak
		grep 'unreferenced object' /sys/kernel/debug/kmemleak | head -20 |
			while read -r l; do echo "DMAAPI-REPORT kmemleak: $l"; done
	fi
	dmesg >/tmp/dmesg.txt
	grep -E "$KERNEL_REPORTS" /tmp/dmesg.txt | head -40 | while read -r l; do
		echo "DMAAPI-REPORT $l"
	done
	# With a report, the whole log from the first one on, for its traces.
	first=$(grep -nE "$KERNEL_REPORTS" /tmp/dmesg.txt | head -n 1 | cut -d: -f1)
	if [ -n "$first" ]; then
		echo "DMAAPI-DMESG-BEGIN"
		tail -n "+$((first > 20 ? first - 20 : 1))" /tmp/dmesg.txt | head -n 400
		echo "DMAAPI-DMESG-END"
	fi
}
