# SPDX-License-Identifier: GPL-2.0
# Shared by tools/vm/run and tools/vm/matrix: kernel lookup, builds, the
# initramfs, and reading results off the guest console.

# resolve_kernel 6.1|6.12|<bzImage> [kdir]: sets KVER KIMAGE KDIR CELL_KERNEL.
resolve_kernel() {
	local want=$1 kdir=${2:-}

	case "$want" in
	6.1|6.12)
		KVER=$(cd /boot && ls vmlinuz-"$want".* 2>/dev/null | sed 's/^vmlinuz-//' |
			grep -E "^$want\.[0-9]+" | sort -V | tail -n 1)
		if [ -z "$KVER" ]; then
			echo "vm: no Debian $want kernel in /boot: run tools/deps.sh as root" >&2
			return 1
		fi
		KIMAGE=/boot/vmlinuz-$KVER
		KDIR=${kdir:-/usr/src/linux-headers-$KVER}
		CELL_KERNEL=$want
		;;
	debug)
		# The debug kernel: KASAN, lockdep, DMA-API debug, kmemleak,
		# fault injection; built once and cached (tools/vm/build-kernel).
		KDIR=$("$TOP/tools/vm/build-kernel" debug-x86_64) || return 1
		KIMAGE=$KDIR/arch/x86/boot/bzImage
		KVER=$(cat "$KDIR/include/config/kernel.release")
		CELL_KERNEL=debug
		;;
	*)
		if [ ! -f "$want" ] || [ -z "$kdir" ]; then
			echo "vm: --kernel takes 6.1, 6.12, or a bzImage with --kdir" >&2
			return 1
		fi
		KIMAGE=$want
		KDIR=$kdir
		KVER=$(make -s -C "$KDIR" kernelrelease 2>/dev/null || echo custom)
		CELL_KERNEL=${CELL_KERNEL:-custom}
		;;
	esac
	if [ ! -d "$KDIR" ]; then
		echo "vm: no kernel build tree at $KDIR (linux-headers-$KVER?)" >&2
		return 1
	fi
}

# build_module KDIR DESTDIR: builds dmaapi.ko against KDIR in its own copy of
# the sources (kbuild writes next to them); sets MODULE.
build_module() {
	local kdir=$1 dest=$2

	mkdir -p "$dest"
	rm -rf "$dest/kmod" "$dest/include"
	cp -a "$TOP/Kbuild" "$TOP/VERSION" "$TOP/kmod" "$TOP/include" "$dest/"
	make -s -C "$kdir" M="$dest" modules >"$dest/build.log" 2>&1 || {
		cat "$dest/build.log" >&2
		echo "vm: module build against $kdir failed" >&2
		return 1
	}
	MODULE=$dest/dmaapi.ko
}

# build_userspace: the static library, the selftests and the tools, once.
build_userspace() {
	[ "${DMAAPI_USERSPACE_BUILT:-}" = 1 ] && return 0
	make -s -C "$TOP/lib" >&2
	make -s -C "$TOP/selftests" >&2
	[ -f "$TOP/tools/Makefile" ] && make -s -C "$TOP/tools" >&2
	export DMAAPI_USERSPACE_BUILT=1
}

# make_initramfs CELLDIR MODULE CMD CELL EDU_BITS
make_initramfs() {
	local celldir=$1 module=$2 cmd=$3 cell=$4 edu_bits=$5
	local root=$celldir/root

	rm -rf "$root"
	mkdir -p "$root/bin" "$root/dmaapi/tests" "$root/dmaapi/tools"
	cp /bin/busybox "$root/bin/busybox"
	cp "$TOP/tools/vm/guest/init" "$root/init"
	cp "$TOP"/tools/vm/guest/* "$root/dmaapi/"
	rm -f "$root/dmaapi/init"
	cp "$module" "$root/dmaapi/dmaapi.ko"
	make -s -C "$TOP/selftests" install INSTALL_PATH="$root/dmaapi/tests" >&2
	if [ -f "$TOP/tools/Makefile" ]; then
		make -s -C "$TOP/tools" install-guest GUEST_DIR="$root/dmaapi/tools" >&2
	fi
	printf '%s\n' "$cmd" >"$root/dmaapi/cmd"
	cat >"$root/dmaapi/env" <<EOF
export DMAAPI_CELL='$cell'
export DMAAPI_EDU_MASK_BITS=$edu_bits
EOF
	(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) >"$celldir/initrd.img"
}

# summarize_console LOG CELL: prints "<cell>: N passed, N failed, N skipped",
# writes CELLDIR/result, and returns non-zero on any failure.
summarize_console() {
	local log=$1 cell=$2

	tr -d '\r' <"$log" | awk -v cell="$cell" -v result="$(dirname "$log")/result" '
	function finish_block() {
		if (!inblock)
			return
		inblock = 0
	}
	/DMAAPI-TEST-BEGIN / { inblock = 1; totals = 0; bfail = 0; next }
	/^# Totals: / {
		for (i = 3; i <= NF; i++) {
			split($i, kv, ":")
			if (kv[1] == "pass") pass += kv[2]
			else if (kv[1] == "fail" || kv[1] == "error" || kv[1] == "xpass") { fail += kv[2]; bfail += kv[2] }
			else if (kv[1] == "skip") skip += kv[2]
			else if (kv[1] == "xfail") pass += kv[2]
		}
		totals = 1
		next
	}
	/^# [0-9]+ passed, [0-9]+ failed/ {
		pass += $2; fail += $4; bfail += $4
		if ($0 ~ /skipped/) skip += $6
		totals = 1
		next
	}
	/DMAAPI-TEST-END / {
		name = $2; rc = $3
		if (!totals) {
			printf("%s: %s printed no result (exit %s): counted as a failure\n", cell, name, rc)
			fail++
		} else if (rc != 0 && rc != 4 && bfail == 0) {
			printf("%s: %s exited %s with no failed test: counted as a failure\n", cell, name, rc)
			fail++
		}
		inblock = 0
		next
	}
	/^# (dmaapi_stress --seed|ioctls issued|faults injected)/ { figures[++nfig] = $0 }
	/DMAAPI-REPORT / { sub(/.*DMAAPI-REPORT /, ""); reports[++nrep] = $0; next }
	/DMAAPI-RC / { guest_rc = $2 }
	/DMAAPI-END/ { ended = 1 }
	END {
		if (!ended) {
			printf("%s: the guest did not finish (hang, panic or timeout): counted as a failure\n", cell)
			fail++
		}
		if (guest_rc != "" && guest_rc != 0 && fail == 0) {
			printf("%s: the guest command exited %s: counted as a failure\n", cell, guest_rc)
			fail++
		}
		for (i = 1; i <= nfig; i++)
			printf("%s: %s\n", cell, substr(figures[i], 3))
		printf("%s: kernel reports found: %d\n", cell, nrep)
		for (i = 1; i <= nrep; i++)
			printf("%s: kernel report: %s\n", cell, reports[i])
		if (nrep) {
			printf("%s: %d kernel report line(s) in dmesg: counted as a failure\n", cell, nrep)
			fail++
		}
		printf("%d %d %d\n", pass, fail, skip) > result
		printf("%s: %d passed, %d failed, %d skipped\n", cell, pass, fail, skip)
		exit(fail != 0)
	}'
}
