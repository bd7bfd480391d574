#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Installs the Debian packages dmaapi needs to build and to test in booted
# kernels, and unpacks the 6.12 kernel source (for the kselftest harness and
# checkpatch) into the cache.  As root it installs what is missing; otherwise
# it prints the command to run.  Used by `make check`, `make demo` and CI.
set -e

PKGS="build-essential pkg-config cpio gzip xz-utils kmod
linux-image-amd64 linux-headers-amd64 linux-image-6.12-amd64 linux-headers-6.12-amd64
linux-source-6.12 qemu-system-x86 busybox-static libkmod-dev valgrind clang sparse
bc bison flex libelf-dev libssl-dev
gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-system-arm device-tree-compiler
gcc-arm-linux-gnueabihf libc6-dev-armhf-cross qemu-user-static rsync
gnuplot-nox"

missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing="$missing $p"
done

if [ -n "$missing" ]; then
	if [ "$(id -u)" != 0 ]; then
		echo "dmaapi: missing Debian packages:$missing" >&2
		echo "run as root: apt-get update && apt-get install -y --no-install-recommends$missing" >&2
		exit 1
	fi
	echo "dmaapi: installing:$missing" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get -o DPkg::Lock::Timeout=600 update -q >&2
	# shellcheck disable=SC2086
	apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends $missing >&2
fi

cache=${DMAAPI_CACHE:-/var/cache/dmaapi}
mkdir -p "$cache"
# One set-up of a cache at a time: a second make (or a helper script) run
# meanwhile waits here instead of unpacking over the first one's files.
exec 8>"$cache/.deps.lock"
flock 8

# The arm guests' busybox.  busybox-static:arm64 (or :armhf) cannot be
# installed beside the amd64 one (they conflict), so its .deb is fetched and
# unpacked into the cache.
fetch_busybox() { # fetch_busybox DEBIAN-ARCH
	local arch=$1 bb=$cache/busybox-$1 tmp

	[ -x "$bb/bin/busybox" ] && return 0
	if [ "$(id -u)" != 0 ]; then
		echo "dmaapi: no $arch busybox in $bb: run tools/deps.sh as root" >&2
		return 1
	fi
	export DEBIAN_FRONTEND=noninteractive
	if ! dpkg --print-foreign-architectures | grep -qx "$arch"; then
		dpkg --add-architecture "$arch"
		apt-get -o DPkg::Lock::Timeout=600 update -q >&2
	fi
	echo "dmaapi: fetching busybox-static:$arch into $bb" >&2
	tmp=$(mktemp -d)
	chmod 755 "$tmp"	# apt-get download runs as _apt
	(cd "$tmp" && apt-get download -q "busybox-static:$arch" >&2) ||
		{ apt-get -o DPkg::Lock::Timeout=600 update -q >&2 &&
		  (cd "$tmp" && apt-get download -q "busybox-static:$arch" >&2); } || {
		rm -rf "$tmp"
		echo "dmaapi: could not download busybox-static:$arch" >&2
		return 1
	}
	rm -rf "$bb"
	dpkg-deb -x "$tmp"/busybox-static_*_"$arch".deb "$bb"
	rm -rf "$tmp"
	[ -x "$bb/bin/busybox" ] || { echo "dmaapi: no bin/busybox in busybox-static:$arch" >&2; return 1; }
}
fetch_busybox arm64
fetch_busybox armhf

# The kernel source: kselftest harness headers and checkpatch come from it.
src=$cache/linux-source-6.12
if [ ! -f "$src/.dmaapi-unpacked" ]; then
	echo "dmaapi: unpacking linux-source-6.12 into $cache" >&2
	# beside it first, so that an interrupted unpack leaves no half tree
	rm -rf "$cache"/.linux-source.*
	tmp=$(mktemp -d "$cache/.linux-source.XXXXXX")
	tar -C "$tmp" -xf /usr/src/linux-source-6.12.tar.xz
	touch "$tmp/linux-source-6.12/.dmaapi-unpacked"
	rm -rf "$src"
	mv "$tmp/linux-source-6.12" "$src"
	rmdir "$tmp"
fi
