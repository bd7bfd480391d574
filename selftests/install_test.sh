#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Host-side test of `make install` (no kernel needed):
#   - installs a fresh copy of the tree with DESTDIR=<tmp> PREFIX=/usr and
#     checks every file a package needs is there: header, shared and static
#     library with their links, the .pc, dmaapictl, both man pages, the udev
#     rule;
#   - builds a program against the installed .pc (PKG_CONFIG_SYSROOT_DIR +
#     PKG_CONFIG_PATH into the tree) and runs it with LD_LIBRARY_PATH;
#   - checks that the man pages render without warnings, that dkms.conf and
#     the man pages carry the version in VERSION, and that dmaapictl answers
#     --help and its usage errors with the documented exit codes.
# Prints "ok N - ..." / "not ok N - ..." lines and ends with
# "N passed, N failed"; exit status 1 on any failure.
set -u

TOP=$(cd "$(dirname "$0")/.." && pwd)
VERSION=$(cat "$TOP/VERSION")
# The shared object's file name: libdmaapi.so.<ABI major>.<minor>.<patch>,
# SONAME libdmaapi.so.1 (lib/Makefile).
REALNAME=$(make -s -C "$TOP/lib" print-realname)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0 n=0

ok() { # ok DESCRIPTION [DETAIL]: records a pass
	n=$((n + 1)) pass=$((pass + 1))
	echo "ok $n - $1"
}

not_ok() { # not_ok DESCRIPTION [DETAIL]: records a failure
	n=$((n + 1)) fail=$((fail + 1))
	echo "not ok $n - $1${2:+: $2}"
}

check() { # check DESCRIPTION CMD...: passes if CMD succeeds
	local what=$1
	shift
	if "$@" >"$tmp/out" 2>&1; then
		ok "$what"
	else
		not_ok "$what" "$(tail -n 5 "$tmp/out" | tr '\n' ' ')"
	fi
}

finish() {
	echo "$pass passed, $fail failed"
	[ "$fail" = 0 ]
	exit $?
}

echo "TAP version 13"

# A private copy of the sources: the shared checkout may be being built
# concurrently, and the .pc must be generated for PREFIX=/usr.
src=$tmp/src
mkdir -p "$src"
(cd "$TOP" && tar cf - --exclude=./out --exclude=./.git --exclude='*.o' --exclude='*.a' \
	--exclude='*.so' --exclude='*.so.*' --exclude='*.pc' --exclude='*.ko' .) |
	(cd "$src" && tar xf -)
make -s -C "$src/tools" clean >/dev/null 2>&1
# Built first for the default PREFIX, as a developer's tree is: the install
# must still give a .pc for the PREFIX it installs to.
if make -s -C "$src" lib tools >"$tmp/build.log" 2>&1; then
	ok "make lib tools (default PREFIX)"
else
	not_ok "make lib tools (default PREFIX)" "$(tail -n 20 "$tmp/build.log")"
fi
dest=$tmp/dest
mkdir -p "$dest"
if make -s -C "$src" install DESTDIR="$dest" PREFIX=/usr >"$tmp/install.log" 2>&1; then
	ok "make install DESTDIR=<tmp> PREFIX=/usr"
else
	not_ok "make install DESTDIR=<tmp> PREFIX=/usr" "$(tail -n 20 "$tmp/install.log")"
	finish
fi

for f in usr/include/dmaapi.h \
	 "usr/lib/$REALNAME" usr/lib/libdmaapi.so.1 usr/lib/libdmaapi.so \
	 usr/lib/libdmaapi.a usr/lib/pkgconfig/libdmaapi.pc \
	 usr/sbin/dmaapictl \
	 usr/share/man/man8/dmaapictl.8 usr/share/man/man3/libdmaapi.3 \
	 usr/lib/udev/rules.d/60-dmaapi.rules; do
	check "installed /$f" test -e "$dest/$f"
done
check "dmaapictl is executable" test -x "$dest/usr/sbin/dmaapictl"
check "libdmaapi.so.1 -> $REALNAME" \
	test "$(readlink "$dest/usr/lib/libdmaapi.so.1")" = "$REALNAME"
check "libdmaapi.so -> libdmaapi.so.1" test "$(readlink "$dest/usr/lib/libdmaapi.so")" = libdmaapi.so.1
check "nothing installed outside /usr" \
	test "$(cd "$dest" && find . -mindepth 1 -maxdepth 1)" = ./usr
check "libdmaapi.pc: prefix=/usr" grep -qx 'prefix=/usr' "$dest/usr/lib/pkgconfig/libdmaapi.pc"
check "libdmaapi.pc: Version: $VERSION" grep -qx "Version: $VERSION" "$dest/usr/lib/pkgconfig/libdmaapi.pc"
check "the header does not need the UAPI header" \
	sh -c "! grep -q '#include <linux/dmaapi.h>' '$dest/usr/include/dmaapi.h'"

# A program built against the installed tree, exactly as a user would.
cat >"$tmp/prog.c" <<'PROG'
#include <stdio.h>
#include <string.h>
#include <dmaapi.h>

int main(void)
{
	const char *v = dmaapi_version();
	const char *e = dmaapi_strerror(-DMAAPI_ERR_NO_MEMORY);

	if (!v || !e || !*e || strcmp(e, dmaapi_strerror(DMAAPI_ERR_NO_MEMORY)))
		return 1;
	printf("%s\n%s\n", v, e);
	return 0;
}
PROG
export PKG_CONFIG_SYSROOT_DIR=$dest
export PKG_CONFIG_PATH=$dest/usr/lib/pkgconfig
export PKG_CONFIG_LIBDIR=$dest/usr/lib/pkgconfig
flags=$(pkg-config --cflags --libs libdmaapi 2>"$tmp/pc.err")
if [ -n "$flags" ] && pkg-config --exists libdmaapi; then
	ok "pkg-config finds libdmaapi in the tree ($flags)"
else
	not_ok "pkg-config finds libdmaapi in the tree" "$(cat "$tmp/pc.err")"
fi
check "pkg-config --modversion = $VERSION" test "$(pkg-config --modversion libdmaapi)" = "$VERSION"
# shellcheck disable=SC2086
check "cc prog.c \$(pkg-config --cflags --libs libdmaapi)" \
	cc -Wall -Wextra -Werror -o "$tmp/prog" "$tmp/prog.c" $flags
check "the program links the installed libdmaapi.so.1" \
	sh -c "readelf -d '$tmp/prog' | grep -q 'NEEDED.*libdmaapi.so.1'"
if LD_LIBRARY_PATH=$dest/usr/lib "$tmp/prog" >"$tmp/prog.out" 2>&1; then
	ok "the program runs: dmaapi_version() and dmaapi_strerror()"
else
	not_ok "the program runs" "$(cat "$tmp/prog.out")"
fi
check "dmaapi_version() = $VERSION" test "$(head -n 1 "$tmp/prog.out")" = "$VERSION"
check "the program resolves libdmaapi from the tree" \
	sh -c "LD_LIBRARY_PATH='$dest/usr/lib' ldd '$tmp/prog' | grep -q '$dest/usr/lib/libdmaapi.so.1'"
unset PKG_CONFIG_SYSROOT_DIR PKG_CONFIG_PATH PKG_CONFIG_LIBDIR

# Man pages, dkms.conf, the udev rule.
for m in man8/dmaapictl.8 man3/libdmaapi.3; do
	check "groff -man -ww -z $m: no warnings" \
		sh -c "out=\$(groff -t -man -ww -z '$dest/usr/share/man/$m' 2>&1) && [ -z \"\$out\" ]"
	if command -v man >/dev/null; then
		check "man -l $m renders without warnings" \
			sh -c "out=\$(MANWIDTH=80 man --warnings -l '$dest/usr/share/man/$m' 2>&1 >/dev/null) && [ -z \"\$out\" ]"
	fi
	check "$m names version $VERSION" grep -q "\"dmaapi $VERSION\"" "$dest/usr/share/man/$m"
done
check "dkms.conf: PACKAGE_NAME=dmaapi" grep -qx 'PACKAGE_NAME="dmaapi"' "$TOP/dkms.conf"
check "dkms.conf: PACKAGE_VERSION = VERSION ($VERSION)" \
	grep -qx "PACKAGE_VERSION=\"$VERSION\"" "$TOP/dkms.conf"
check "dkms.conf: BUILT_MODULE_NAME[0]=dmaapi" grep -qx 'BUILT_MODULE_NAME\[0\]="dmaapi"' "$TOP/dkms.conf"
check "udev rule: group dmaapi, 0660, on dmaapi and dmaapi-*" \
	sh -c "grep -q 'KERNEL==\"dmaapi\", GROUP=\"dmaapi\", MODE=\"0660\"' '$TOP/udev/60-dmaapi.rules' &&
	       grep -q 'KERNEL==\"dmaapi-\*\", GROUP=\"dmaapi\", MODE=\"0660\"' '$TOP/udev/60-dmaapi.rules'"
if command -v udevadm >/dev/null && udevadm verify --help >/dev/null 2>&1; then
	check "udevadm verify 60-dmaapi.rules" udevadm verify "$TOP/udev/60-dmaapi.rules"
fi

# The installed dmaapictl without a kernel: help and usage errors.
ctl=$dest/usr/sbin/dmaapictl
check "dmaapictl --help exits 0" "$ctl" --help
check "dmaapictl -V names $VERSION" sh -c "'$ctl' -V | grep -q ' $VERSION '"
for c in load unload status list bind unbind info; do
	check "dmaapictl $c -h exits 0 and shows its usage" \
		sh -c "'$ctl' $c -h | grep -q '^usage: dmaapictl $c'"
done
rc_is() { # rc_is WANT CMD...
	local want=$1
	shift
	"$@" >/dev/null 2>&1
	[ "$?" = "$want" ]
}
check "dmaapictl bogus exits 2" rc_is 2 "$ctl" bogus
check "dmaapictl (no command) exits 2" rc_is 2 "$ctl"
check "dmaapictl bind (no device) exits 2" rc_is 2 "$ctl" bind
check "dmaapictl list --bogus exits 2" rc_is 2 "$ctl" list --bogus
check "dmaapictl info no-such-dev exits 5" rc_is 5 "$ctl" info no-such-dev
check "dmaapictl --json info of a device that is not there exits 5" rc_is 5 "$ctl" --json info 0000:ff:1f.7
check "dmaapictl load bad-arg exits 2" rc_is 2 "$ctl" load not-a-param

finish
