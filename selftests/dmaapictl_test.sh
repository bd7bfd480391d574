#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# dmaapictl in a booted kernel (the test guests: busybox sh, QEMU's edu
# device).  Unloads the module if it is loaded, then walks dmaapictl through
# status/load/list/info/bind/unbind/unload and every error message, and
# leaves the module loaded and edu bound for the tests run after it.
#
#   DMAAPICTL       the binary (default: dmaapictl in PATH)
#   DMAAPI_CELL     "<kernel>-<mode>": an IOMMU is expected iff it has "iommu"
#
# KTAP output: "TAP version 13", the plan "1..N", then "ok N ...",
# "not ok N ...", "ok N ... # SKIP reason", then "# Totals: pass:N fail:N
# xfail:0 xpass:0 skip:N error:0".  Exit 0 when nothing failed, 1
# otherwise, 4 (KSFT_SKIP) when the whole program skips (not root).
#
# How many checks run depends on the machine (an edu device, su, ...), so
# the checks run in a child whose output is held back until the count is
# known, and the plan is printed before them.

if [ -z "${DMAAPICTL_TEST_CHILD:-}" ]; then
	body=${TMPDIR:-/tmp}/dmaapictl_test.out.$$
	DMAAPICTL_TEST_CHILD=1 sh "$0" "$@" >"$body" 2>&1
	rc=$?
	echo "TAP version 13"
	plan=$(grep -E '^1\.\.[0-9]+$' "$body" | tail -n 1)
	if [ -z "$plan" ]; then
		# the checks died before the end: show what they said, fail
		sed 's/^/# /' "$body"
		rm -f "$body"
		echo "Bail out! dmaapictl_test.sh ended (exit $rc) before its plan"
		exit 1
	fi
	echo "$plan"
	grep -vE '^1\.\.[0-9]+$' "$body"
	rm -f "$body"
	exit "$rc"
fi

CTL=${DMAAPICTL:-$(command -v dmaapictl)}
CTL=${CTL:-/dmaapi/tools/dmaapictl}
CELL=${DMAAPI_CELL:-}
TMP=${TMPDIR:-/tmp}/dmaapictl_test.$$
mkdir -p "$TMP"
n=0 pass=0 fail=0 skip=0

ok() {
	n=$((n + 1)) pass=$((pass + 1))
	echo "ok $n $1"
}

not_ok() {
	n=$((n + 1)) fail=$((fail + 1))
	echo "not ok $n $1"
	[ -n "${2:-}" ] && printf '%s\n' "$2" | sed 's/^/#   /'
	return 0
}

skip() {
	n=$((n + 1)) skip=$((skip + 1))
	echo "ok $n $1 # SKIP $2"
}

# run ARGS...: runs dmaapictl, output in $out, exit status in $rc.
run() {
	out=$("$CTL" "$@" 2>&1)
	rc=$?
}

# expect WANT_RC REGEX DESCRIPTION: checks the last run; REGEX ("" = any)
# must match a line of its output (grep -E).
expect() {
	if [ "$rc" != "$1" ]; then
		not_ok "$3" "exit $rc, wanted $1; output:
$out"
	elif [ -n "$2" ] && ! printf '%s\n' "$out" | grep -Eq -- "$2"; then
		not_ok "$3" "output does not match /$2/:
$out"
	else
		ok "$3"
	fi
}

# json_ok: the last output is one JSON document (grep-level check, busybox
# has no jq): a single line, an object or array, balanced brackets outside
# strings, only known scalars.
json_ok() {
	printf '%s\n' "$out" | awk '
	NR > 1 { bad = 1 }
	{
		s = $0
		if (s !~ /^[[{].*[]}]$/) bad = 1
		gsub(/\\./, "", s)                  # escapes inside strings
		gsub(/"[^"]*"/, "S", s)             # strings
		gsub(/-?[0-9]+/, "N", s)           # numbers
		gsub(/true|false|null/, "B", s)
		depth = 0
		for (i = 1; i <= length(s); i++) {
			c = substr(s, i, 1)
			if (c == "{" || c == "[") st[++depth] = c
			else if (c == "}" || c == "]") {
				if (depth == 0 || (c == "}" && st[depth] != "{") ||
				    (c == "]" && st[depth] != "["))
					bad = 1
				depth--
			} else if (c !~ /[SNB:,]/) bad = 1
		}
		if (depth != 0) bad = 1
		if (s ~ /,[]}]/ || s ~ /[[{],/ || s ~ /[SNB][SNB]/) bad = 1
	}
	END { exit bad }'
}

expect_json() { # expect_json DESCRIPTION KEY_REGEX...
	desc=$1
	shift
	if [ "$rc" != 0 ]; then
		not_ok "$desc" "exit $rc: $out"
		return
	fi
	if ! json_ok; then
		not_ok "$desc" "not JSON: $out"
		return
	fi
	for k in "$@"; do
		if ! printf '%s\n' "$out" | grep -q -- "$k"; then
			not_ok "$desc" "no $k in: $out"
			return
		fi
	done
	ok "$desc"
}

finish() {
	[ -n "${holder:-}" ] && kill "$holder" 2>/dev/null
	rm -rf "$TMP"
	echo "1..$n"
	echo "# Totals: pass:$pass fail:$fail xfail:0 xpass:0 skip:$skip error:0"
	[ "$fail" = 0 ] || exit 1
	# every check skipped: the whole program did (KSFT_SKIP)
	[ "$skip" = "$n" ] && exit 4
	exit 0
}

loaded() {
	grep -q '^dmaapi ' /proc/modules
}

if [ ! -x "$CTL" ]; then
	not_ok "dmaapictl found" "no dmaapictl (set DMAAPICTL)"
	finish
fi
if [ "$(id -u)" != 0 ]; then
	skip "dmaapictl_test" "not root"
	finish
fi

EDU=
for d in /sys/bus/pci/devices/*; do
	if [ "$(cat "$d/vendor" 2>/dev/null)" = 0x1234 ] &&
	   [ "$(cat "$d/device" 2>/dev/null)" = 0x11e8 ]; then
		EDU=${d##*/}
		break
	fi
done
case "$CELL" in
*iommu*) want_iommu=true want_iommu_txt=yes ;;
*) want_iommu=false want_iommu_txt=no ;;
esac
# What the test runner made each device (DMAAPI_EXPECT_COHERENT, as in
# dmaapi_sync): coherent unless it says KEY=0.
coherent_txt() {
	case " ${DMAAPI_EXPECT_COHERENT:-default=1 edu=1} " in
	*" $1=0 "*) echo no ;;
	*) echo yes ;;
	esac
}
def_coh=$(coherent_txt default) edu_coh=$(coherent_txt edu)
[ "$edu_coh" = yes ] && edu_coh_json=true || edu_coh_json=false
# Device-tree nodes naming the driver ("dmaapi,dma-device") are bound as
# soon as it loads: they are listed beside /dev/dmaapi.
fw_devs=$(for f in /proc/device-tree/*/compatible; do
	[ -f "$f" ] && grep -qa 'dmaapi,dma-device' "$f" && basename "$(dirname "$f")"
done | LC_ALL=C sort)
fw_nodes="" fw_bound=""
for d in $fw_devs; do
	fw_nodes="$fw_nodes,\"/dev/dmaapi-$d\"" fw_bound="$fw_bound,\"$d\""
done
echo "# dmaapictl: $CTL ($("$CTL" -V 2>&1)); cell '$CELL'; edu: ${EDU:-none}"

# ---- from a clean slate: not loaded --------------------------------------
# The suite bound edu with a driver_override that outlives the module: clear
# it, or the next load binds edu again by itself.
if loaded && [ -n "$EDU" ]; then
	run unbind "$EDU"
	expect 0 "" "unbind the edu device the suite bound"
fi
if [ -n "$EDU" ] && [ "$(cat "/sys/bus/pci/devices/$EDU/driver_override")" != "(null)" ]; then
	echo >"/sys/bus/pci/devices/$EDU/driver_override"
fi
if loaded; then
	run unload
	expect 0 "unloaded dmaapi" "unload the module the suite loaded"
fi
run status
expect 4 "^dmaapi: not loaded" "status before load: not loaded, exit 4"
run --json status
rc_saved=$rc
rc=0
expect_json "status --json before load" '"loaded":false'
[ "$rc_saved" = 4 ] && ok "status --json before load exits 4" ||
	not_ok "status --json before load exits 4" "exit $rc_saved"
run list
expect 4 "not loaded" "list without the module: exit 4"
run unload
expect 4 "is not loaded" "unload when not loaded: exit 4"
if [ -n "$EDU" ]; then
	run bind "$EDU"
	expect 4 "not loaded" "bind without the module: exit 4"
fi

# ---- load ------------------------------------------------------------------
run load notaparam
expect 2 "not param=value" "load notaparam: usage error, exit 2"
run load --module /nonexistent/dmaapi.ko
expect 4 "no such module file" "load --module of a missing file: exit 4"
run load max_handles=0
expect 1 "bad parameter" "load max_handles=0: the module refuses it, exit 1"
loaded && not_ok "a refused load leaves nothing loaded" || ok "a refused load leaves nothing loaded"
run load max_handles=77 default_mask_bits=36
expect 0 "^loaded .*dmaapi.ko" "load max_handles=77 default_mask_bits=36"
loaded && ok "dmaapi in /proc/modules" || not_ok "dmaapi in /proc/modules"
run load
expect 0 "already loaded" "load when loaded: exit 0, says so"
run load max_handles=5
expect 6 "already loaded" "load with other parameters when loaded: exit 6"

run status
expect 0 "^dmaapi: loaded" "status after load"
printf '%s\n' "$out" | grep -Eq 'max_handles +77' && printf '%s\n' "$out" |
	grep -Eq 'default_mask_bits +36' && printf '%s\n' "$out" | grep -Eq 'max_alloc_size +[0-9]+' &&
	ok "status shows the parameters" || not_ok "status shows the parameters" "$out"
printf '%s\n' "$out" | grep -Eq '^  handles: +0$' && printf '%s\n' "$out" | grep -Eq '^  bytes: +0$' &&
	ok "status shows 0 handles and 0 bytes in use" || not_ok "status shows handles and bytes" "$out"
run --json status
expect_json "status --json after load" '"loaded":true' '"max_handles":77' \
	'"default_mask_bits":36' "\"nodes\":\\[\"/dev/dmaapi\"$fw_nodes\\]" '"handles":0' '"refcnt":0'

run list
expect 0 "^/dev/dmaapi +platform +0xfffffffff +36 +$def_coh +no +0$" \
	"list: /dev/dmaapi, platform, 36-bit mask, coherent $def_coh, no IOMMU, 0 handles"
run info default
expect 0 "^dma mask: +0xfffffffff \(36 bits\)" "info default: 36-bit mask"
printf '%s\n' "$out" | grep -Eq '^max handles: +77 ' && ok "info default: max handles 77" ||
	not_ok "info default: max handles 77" "$out"
# No dma-buf exported or imported yet (selftests/dmaapi_dmabuf_lib.c checks
# the listing of live ones).
run dmabuf
expect 0 "^NODE +KIND +INODE +SIZE +DETAILS$" "dmabuf: the table's header, nothing listed"
run --json dmabuf default
expect_json "dmabuf --json default: no dma-buf" '"node":"/dev/dmaapi"' '"dmabufs":\[\]'
# No channel held (selftests/dmaapi_chan.c checks the rows of held ones).
run channels default
expect 0 "^no channels$" "channels default: none held, 'no channels'"

# ---- bind edu --------------------------------------------------------------
if [ -z "$EDU" ]; then
	skip "bind edu" "no edu device (QEMU -device edu) in this guest"
else
	run info "$EDU"
	expect 0 "^node: +\(none: not bound to dmaapi\)" "info edu before bind: no node"
	printf '%s\n' "$out" | grep -q '^vendor:device: *0x1234:0x11e8' &&
		ok "info edu: vendor:device 0x1234:0x11e8" || not_ok "info edu: vendor:device" "$out"
	run bind "$EDU"
	expect 0 "bound to dmaapi: /dev/dmaapi-$EDU" "bind $EDU"
	[ -c "/dev/dmaapi-$EDU" ] && ok "/dev/dmaapi-$EDU appeared" ||
		not_ok "/dev/dmaapi-$EDU appeared"
	[ "$(basename "$(readlink "/sys/bus/pci/devices/$EDU/driver")")" = dmaapi ] &&
		ok "sysfs: $EDU driven by dmaapi" || not_ok "sysfs: $EDU driven by dmaapi"
	run bind "$EDU"
	expect 0 "already bound" "bind again: exit 0, already bound"

	run list
	expect 0 "^/dev/dmaapi-$EDU +pci +0xffffffff +32 +$edu_coh +$want_iommu_txt +0$" \
		"list: edu, pci, 32-bit mask, coherent $edu_coh, IOMMU $want_iommu_txt"
	run --json list
	expect_json "list --json" "\"node\":\"/dev/dmaapi-$EDU\"" '"node":"/dev/dmaapi"' \
		"\"device\":\"$EDU\",\"bus\":\"pci\"" "\"iommu\":$want_iommu" "\"coherent\":$edu_coh_json" \
		'"dma_mask_bits":32' '"handles":0' '"bytes":0'
	run info "${EDU#0000:}"
	expect 0 "^node: +/dev/dmaapi-$EDU$" "info with the short PCI name"
	printf '%s\n' "$out" | grep -Eq "^iommu: +$want_iommu_txt$" &&
		printf '%s\n' "$out" | grep -Eq "^coherent: +$edu_coh$" &&
		printf '%s\n' "$out" | grep -Eq '^dma mask: +0xffffffff \(32 bits\)$' &&
		printf '%s\n' "$out" | grep -Eq '^driver: +dmaapi$' &&
		ok "info edu: driver dmaapi, 32-bit mask, coherent $edu_coh, IOMMU $want_iommu_txt" ||
		not_ok "info edu: driver, mask, coherency, IOMMU" "$out"
	if [ "$want_iommu" = true ]; then
		printf '%s\n' "$out" | grep -Eq '^iommu group: +[0-9]+$' &&
			ok "info edu: in an IOMMU group" || not_ok "info edu: in an IOMMU group" "$out"
	fi
	run info --json "/dev/dmaapi-$EDU"
	expect_json "info --json of the node path" "\"device\":\"$EDU\"" '"bound":true' \
		'"driver":"dmaapi"' "\"iommu\":$want_iommu" "\"coherent\":$edu_coh_json" '"vendor":"0x1234"' \
		'"dma_mask":"0xffffffff"' '"max_handles":77' '"default":false'
	run --json status
	expect_json "status --json lists edu as bound" "\"bound\":\\[\"$EDU\"$fw_bound\\]" \
		"\"/dev/dmaapi-$EDU\""
fi

# ---- error messages --------------------------------------------------------
run frobnicate
expect 2 "unknown command 'frobnicate'" "bad subcommand: exit 2, named"
run
expect 2 "no command given" "no subcommand: exit 2"
run list --frob
expect 2 "unknown option '--frob'" "bad option: exit 2, named"
run bind
expect 2 "^usage: dmaapictl bind" "bind without DEV: usage, exit 2"
run bind -h
expect 0 "^usage: dmaapictl bind \[--force\] DEV" "bind -h: the command's help"
run --help
expect 0 "^usage: dmaapictl" "--help"
run bind 0000:00:1e.7
expect 5 "0000:00:1e.7: no such PCI or platform device" "bind of a missing device: exit 5"
run info no-such-device
expect 5 "no-such-device: no such PCI or platform device" "info of a missing device: exit 5"
run unbind no-such-device
expect 5 "no such PCI or platform device" "unbind of a missing device: exit 5"
run dmabuf no-such-device
expect 5 "no-such-device: no such PCI or platform device" "dmabuf of a missing device: exit 5"
run dmabuf default dmaapi
expect 2 "^usage: dmaapictl dmabuf" "dmabuf with two devices: usage, exit 2"
run unbind dmaapi
expect 6 "own default device" "unbind of the default device: refused, exit 6"

# A device held by another driver: q35's ICH9 functions at 00:1f.x if a
# builtin driver holds them, else any other driven PCI device.
held= helddrv=
for d in /sys/bus/pci/devices/0000:00:1f.* /sys/bus/pci/devices/*; do
	[ -e "$d/driver" ] || continue
	drv=$(basename "$(readlink "$d/driver")")
	[ "$drv" = dmaapi ] && continue
	held=${d##*/} helddrv=$drv
	break
done
if [ -z "$held" ]; then
	skip "bind of a device held by another driver" \
		"no PCI device is driven by a builtin driver in this guest (no modules loaded)"
else
	run bind "$held"
	expect 6 "$held is bound to driver '$helddrv'; use --force" \
		"bind $held held by $helddrv without --force: refused, driver named, exit 6"
	[ "$(basename "$(readlink "/sys/bus/pci/devices/$held/driver")")" = "$helddrv" ] &&
		ok "$held still driven by $helddrv" || not_ok "$held still driven by $helddrv"
	run unbind "$held"
	expect 6 "bound to driver '$helddrv', not to dmaapi" "unbind of $held held by $helddrv: exit 6"
fi

# --force, on a platform device whose driver can be unbound and rebound
# harmlessly in a VM (never the console's serial8250).
fdev=
for cand in i8042 pcspkr; do
	if [ -e "/sys/bus/platform/devices/$cand/driver" ]; then
		fdev=$cand
		break
	fi
done
if [ -z "$fdev" ]; then
	skip "bind --force" "no expendable driven platform device (i8042, pcspkr)"
else
	fdrv=$(basename "$(readlink "/sys/bus/platform/devices/$fdev/driver")")
	run bind "$fdev"
	expect 6 "$fdev is bound to driver '$fdrv'" "bind $fdev (platform, held by $fdrv): exit 6"
	run bind --force "$fdev"
	expect 0 "unbound from $fdrv" "bind --force $fdev: unbinds $fdrv, binds dmaapi"
	[ -c "/dev/dmaapi-$fdev" ] && ok "/dev/dmaapi-$fdev appeared" || not_ok "/dev/dmaapi-$fdev appeared"
	run list
	expect 0 "^/dev/dmaapi-$fdev +platform " "list: $fdev on the platform bus"
	run unbind --reprobe "$fdev"
	expect 0 "now bound to $fdrv" "unbind --reprobe $fdev: back to $fdrv"
fi

# Not root: uid 65534 through busybox su and an /etc/passwd entry.
if ! grep -q '^nobody:' /etc/passwd 2>/dev/null; then
	mkdir -p /etc
	echo 'nobody:x:65534:65534:nobody:/:/bin/sh' >>/etc/passwd
	grep -q '^nogroup:' /etc/group 2>/dev/null || echo 'nogroup:x:65534:' >>/etc/group
fi
if [ "$(su -s /bin/sh nobody -c 'id -u' 2>/dev/null)" != 65534 ]; then
	skip "not root" "cannot run a command as uid 65534 (no su)"
else
	as_nobody() {
		out=$(su -s /bin/sh nobody -c "$CTL $*" 2>&1)
		rc=$?
	}
	as_nobody load
	expect 3 "load: must be run as root" "load as uid 65534: exit 3"
	as_nobody unload
	expect 3 "must be run as root" "unload as uid 65534: exit 3"
	as_nobody bind "${EDU:-0000:00:00.0}"
	expect 3 "must be run as root" "bind as uid 65534: exit 3"
	as_nobody list
	expect 3 "/dev/dmaapi: permission denied" "list as uid 65534: permission denied, exit 3"
	as_nobody status
	expect 0 "^dmaapi: loaded" "status as uid 65534 works"
fi

# Unload while a node is open.
if [ -n "$EDU" ]; then
	sleep 30 <"/dev/dmaapi-$EDU" &
	holder=$!
	sleep 1
	run status
	expect 0 "^  refcount: +1 " "status: refcount 1 while a node is open"
	run unload
	expect 6 "in use \\(refcount 1\\)" "unload while /dev/dmaapi-$EDU is open: exit 6"
	kill "$holder"
	wait "$holder" 2>/dev/null
	holder=
fi

# ---- unbind, unload --------------------------------------------------------
if [ -n "$EDU" ]; then
	run unbind "$EDU"
	expect 0 "$EDU unbound from dmaapi" "unbind $EDU"
	[ ! -e "/dev/dmaapi-$EDU" ] && ok "/dev/dmaapi-$EDU is gone" || not_ok "/dev/dmaapi-$EDU is gone"
	[ ! -e "/sys/bus/pci/devices/$EDU/driver" ] && ok "$EDU has no driver" ||
		not_ok "$EDU has no driver"
	[ "$(cat "/sys/bus/pci/devices/$EDU/driver_override")" = "(null)" ] &&
		ok "driver_override cleared" || not_ok "driver_override cleared" \
		"$(cat "/sys/bus/pci/devices/$EDU/driver_override")"
	run unbind "$EDU"
	expect 0 "not bound to any driver" "unbind again: exit 0"
	run bind "$EDU"
	expect 0 "bound to dmaapi" "bind $EDU again"
fi
run unload
expect 0 "unloaded dmaapi" "unload (with edu bound)"
loaded && not_ok "dmaapi gone from /proc/modules" || ok "dmaapi gone from /proc/modules"
[ ! -e /dev/dmaapi ] && ok "/dev/dmaapi is gone" || not_ok "/dev/dmaapi is gone"
run status
expect 4 "not loaded" "status after unload: exit 4"

# ---- the libkmod build, if tools/Makefile shipped it with its libraries -----
KCTL=/dmaapi/tools/libkmod/dmaapictl
if [ ! -x "$KCTL" ]; then
	skip "libkmod backend" "no libkmod build in /dmaapi/tools/libkmod (no libkmod-dev on the host)"
else
	mkdir -p /lib64
	[ -e /lib64/ld-linux-x86-64.so.2 ] || ln -s "${KCTL%/*}/ld-linux-x86-64.so.2" /lib64/
	kctl() {
		out=$(LD_LIBRARY_PATH=${KCTL%/*} "$KCTL" "$@" 2>&1)
		rc=$?
	}
	kctl -V
	expect 0 "module loader: libkmod" "libkmod build: -V names the libkmod loader"
	kctl load
	expect 4 "no dmaapi module" "libkmod load: nothing installed, no build tree: exit 4"
	kctl load --module /dmaapi/nonexistent.ko
	expect 4 "no such module file" "libkmod load --module of a missing file: exit 4"
	kctl load --module /dmaapi/dmaapi.ko max_handles=99
	expect 0 "^loaded /dmaapi/dmaapi.ko \(--module\) with max_handles=99" \
		"libkmod load --module /dmaapi/dmaapi.ko max_handles=99"
	[ "$(cat /sys/module/dmaapi/parameters/max_handles 2>/dev/null)" = 99 ] &&
		ok "libkmod load: max_handles is 99" || not_ok "libkmod load: max_handles is 99"
	kctl unload
	expect 0 "unloaded dmaapi" "libkmod unload"
	kctl unload
	expect 4 "is not loaded" "libkmod unload when not loaded: exit 4"
fi

# ---- leave it as the suite expects: loaded, edu bound -----------------------
run load
expect 0 "^loaded " "reload with the default parameters"
if [ -n "$EDU" ]; then
	# driver_override survived the unload: the load bound edu again.
	[ -c "/dev/dmaapi-$EDU" ] && ok "edu rebound by the load (driver_override kept)" ||
		not_ok "edu rebound by the load (driver_override kept)"
	run bind "$EDU"
	expect 0 "bound to dmaapi" "bind $EDU for the rest of the suite"
fi
run list
expect 0 "^/dev/dmaapi +platform +0xffffffff +32 " "list: default mask back to 32 bits"

finish
