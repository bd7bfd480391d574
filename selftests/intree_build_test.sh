#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The documented in-tree kselftest build (selftests/Makefile): copy
# selftests/ to tools/testing/selftests/dmaapi of a kernel source tree and
# build it there with lib.mk, both ways:
#   make -C tools/testing/selftests TARGETS=dmaapi DMAAPI_SRC=<dmaapi>
#   make -C tools/testing/selftests/dmaapi DMAAPI_SRC=<dmaapi>
# The kernel source is never written: its tools/ is mirrored with symlinks
# into a temporary directory, and the dmaapi directory copied there.  The
# dmaapi tree is used through a copy too (the build makes lib/libdmaapi.a).
#
#   KSRC        the kernel source (default /var/cache/dmaapi/linux-source-6.12)
#   DMAAPI_SRC  the dmaapi tree (default: the one this script is in)
#
# KTAP output, then "# Totals: ..." and a last line "N passed, N failed".
# Exit 0 when every check passed, 1 otherwise, 4 when there is no kernel
# source to build in.

here=$(cd "$(dirname "$0")" && pwd)
# The builds are what a user types in a shell: not a sub-make of whatever
# make runs this script (lib.mk leaves OUTPUT empty when MAKELEVEL is set,
# and the directory build would then write its programs to /).
unset MAKELEVEL MAKEFLAGS MFLAGS MAKEOVERRIDES
KSRC=${KSRC:-${DMAAPI_CACHE:-/var/cache/dmaapi}/linux-source-6.12}
DMAAPI_SRC=${DMAAPI_SRC:-$(dirname "$here")}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/dmaapi-intree.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
PROGS="dmaapi_ioctl dmaapi_abi dmaapi_mmap dmaapi_lifetime dmaapi_memory dmaapi_edu dmaapi_stress dmaapi_sync dmaapi_unbind"
PLAN=9
n=0 pass=0 fail=0 skip=0

echo "TAP version 13"
echo "1..$PLAN"

ok() { n=$((n + 1)) pass=$((pass + 1)); echo "ok $n $1"; }
not_ok() {
	n=$((n + 1)) fail=$((fail + 1))
	echo "not ok $n $1"
	[ -n "${2:-}" ] && [ -f "$2" ] && tail -n 30 "$2" | sed 's/^/#   /'
	return 0
}

totals() {
	echo "# Totals: pass:$pass fail:$fail xfail:0 xpass:0 skip:$skip error:0"
	echo "$pass passed, $fail failed"
	[ "$fail" = 0 ] || exit 1
	[ "$skip" = "$n" ] && exit 4
	exit 0
}

if [ ! -f "$KSRC/tools/testing/selftests/lib.mk" ]; then
	while [ "$n" -lt "$PLAN" ]; do
		n=$((n + 1)) skip=$((skip + 1))
		echo "ok $n intree build check $n # SKIP no kernel source"
	done
	totals
fi

# The kernel tree: tools/ and the files lib.mk and the selftests Makefile
# read, as symlinks; our directory as a real copy.
K=$TMP/linux
mkdir -p "$K/scripts"
cp -as "$KSRC/tools" "$K/tools"
for f in Makefile scripts/subarch.include scripts/Kbuild.include; do
	[ -e "$KSRC/$f" ] && ln -s "$KSRC/$f" "$K/$f"
done
D=$K/tools/testing/selftests/dmaapi
mkdir -p "$D"
cp -a "$here/." "$D/"
(cd "$D" && rm -f $PROGS ./*.o)
# The dmaapi tree the build reads (and makes libdmaapi.a in).
S=$TMP/dmaapi
mkdir -p "$S"
cp -a "$DMAAPI_SRC/VERSION" "$DMAAPI_SRC/include" "$DMAAPI_SRC/lib" "$S/"
make -s -C "$S/lib" clean >/dev/null 2>&1

built() { # built DIR: every program is there, an executable
	for p in $PROGS; do
		[ -x "$1/$p" ] || { echo "no $1/$p" >>"$TMP/log"; return 1; }
	done
}

clean_warnings() { # clean_warnings RC LOG: it built, with no compiler warning
	[ "$1" = 0 ] || { echo "the build failed"; return 1; }
	! grep -E 'warning:|redefined' "$2"
}

# 1-4: through the selftests Makefile, as run_kselftest.sh users do.
make -C "$K/tools/testing/selftests" TARGETS=dmaapi DMAAPI_SRC="$S" >"$TMP/log" 2>&1
rc=$? build_rc=$rc
[ "$rc" = 0 ] && ok "make -C tools/testing/selftests TARGETS=dmaapi" ||
	not_ok "make -C tools/testing/selftests TARGETS=dmaapi (exit $rc)" "$TMP/log"
built "$D" && ok "every program built in tools/testing/selftests/dmaapi" ||
	not_ok "every program built in tools/testing/selftests/dmaapi" "$TMP/log"
if clean_warnings "$build_rc" "$TMP/log" >"$TMP/warn"; then
	ok "no warnings (no _GNU_SOURCE redefined)"
else
	not_ok "no warnings (no _GNU_SOURCE redefined)" "$TMP/warn"
fi
[ -f "$S/lib/libdmaapi.a" ] && ok "libdmaapi.a built from DMAAPI_SRC" ||
	not_ok "libdmaapi.a built from DMAAPI_SRC" "$TMP/log"

# 5: the programs are what they say (KTAP from a harness program).
# (the harness lists on stderr and exits 4)
"$D/dmaapi_ioctl" -l >"$TMP/list" 2>&1
grep -q 'map_same_buffer_twice' "$TMP/list" &&
	ok "dmaapi_ioctl -l lists its tests" || not_ok "dmaapi_ioctl -l lists its tests" "$TMP/list"

# 6: install (what run_kselftest.sh uses) gathers the programs and scripts.
if ! command -v rsync >/dev/null; then
	n=$((n + 1)) skip=$((skip + 1))
	echo "ok $n make install gathers the programs and scripts # SKIP no rsync (lib.mk install needs it)"
elif make -C "$K/tools/testing/selftests" TARGETS=dmaapi DMAAPI_SRC="$S" \
	INSTALL_PATH="$TMP/install" install >"$TMP/log" 2>&1 &&
   [ -x "$TMP/install/dmaapi/dmaapi_edu" ] &&
   [ -x "$TMP/install/dmaapi/dmaapictl_test.sh" ]; then
	ok "make install gathers the programs and scripts"
else
	not_ok "make install gathers the programs and scripts" "$TMP/log"
fi

# 7-8: in the directory itself.
make -C "$D" clean >/dev/null 2>&1
(cd "$D" && rm -f $PROGS)
make -C "$D" DMAAPI_SRC="$S" >"$TMP/log" 2>&1
rc=$?
[ "$rc" = 0 ] && built "$D" && ok "make -C tools/testing/selftests/dmaapi" ||
	not_ok "make -C tools/testing/selftests/dmaapi (exit $rc)" "$TMP/log"
if clean_warnings "$rc" "$TMP/log" >"$TMP/warn"; then
	ok "no warnings in the directory build"
else
	not_ok "no warnings in the directory build" "$TMP/warn"
fi

# 9: without DMAAPI_SRC the build says what is missing.
make -C "$D" >"$TMP/log" 2>&1
if [ $? != 0 ] && grep -q 'DMAAPI_SRC' "$TMP/log"; then
	ok "without DMAAPI_SRC: an error naming it"
else
	not_ok "without DMAAPI_SRC: an error naming it" "$TMP/log"
fi

[ "$n" = "$PLAN" ] || { echo "# ran $n checks, planned $PLAN"; fail=$((fail + 1)); }
totals
