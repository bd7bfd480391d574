# SPDX-License-Identifier: GPL-2.0
# Shared by tools/vm/run and tools/vm/matrix: kernel lookup, builds, the
# initramfs, and reading results off the guest console.

# resolve_kernel 6.1|6.12|debug|arm64|<bzImage> [kdir]: sets KVER KIMAGE KDIR
# CELL_KERNEL, and KARCH (x86_64 or arm64: what the module, the userspace
# and QEMU are built and run for).
resolve_kernel() {
	local want=$1 kdir=${2:-}

	KARCH=x86_64
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
	arm64)
		# The arm64 kernel for QEMU's virt board, cross-built once and
		# cached (tools/vm/build-kernel, configs/virt-arm64.config).
		KDIR=$("$TOP/tools/vm/build-kernel" virt-arm64) || return 1
		KIMAGE=$KDIR/arch/arm64/boot/Image
		KVER=$(cat "$KDIR/include/config/kernel.release")
		CELL_KERNEL=arm64
		KARCH=arm64
		;;
	*)
		if [ ! -f "$want" ] || [ -z "$kdir" ]; then
			echo "vm: --kernel takes 6.1, 6.12, debug, arm64, or a bzImage with --kdir" >&2
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

# kbuild_cross: the make arguments that build for KARCH.
kbuild_cross() {
	[ "${KARCH:-x86_64}" = arm64 ] && echo "ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-"
	return 0
}

# build_module KDIR DESTDIR: builds dmaapi.ko against KDIR (for KARCH) in its
# own copy of the sources (kbuild writes next to them); sets MODULE.
build_module() {
	local kdir=$1 dest=$2

	mkdir -p "$dest"
	rm -rf "$dest/kmod" "$dest/include"
	cp -a "$TOP/Kbuild" "$TOP/VERSION" "$TOP/kmod" "$TOP/include" "$dest/"
	# shellcheck disable=SC2046
	make -s -C "$kdir" M="$dest" $(kbuild_cross) modules >"$dest/build.log" 2>&1 || {
		cat "$dest/build.log" >&2
		echo "vm: module build against $kdir failed" >&2
		return 1
	}
	MODULE=$dest/dmaapi.ko
}

# build_userspace: the static library, the selftests and the tools for
# KARCH, once; sets USERSPACE (the tree they are in) and BUSYBOX.  x86_64
# builds in the repository; arm64 is cross-built statically in a copy of the
# sources under $OUT/userspace-arm64, so the two never share an object file.
build_userspace() {
	local cross=() cache=${DMAAPI_CACHE:-/var/cache/dmaapi}

	if [ "${KARCH:-x86_64}" = arm64 ]; then
		USERSPACE=$OUT/userspace-arm64
		BUSYBOX=$cache/busybox-arm64/bin/busybox
		[ -x "$BUSYBOX" ] || "$TOP/tools/deps.sh" || return 1
		# No libkmod for arm64: the guest uses dmaapictl's system calls.
		cross=(CC=aarch64-linux-gnu-gcc AR=aarch64-linux-gnu-ar KMOD_LIBS=)
		if [ "${DMAAPI_USERSPACE_BUILT_ARM64:-}" != 1 ]; then
			mkdir -p "$USERSPACE"
			rm -rf "${USERSPACE:?}/lib" "$USERSPACE/include" "$USERSPACE/selftests" \
				"$USERSPACE/tools" "$USERSPACE/man" "$USERSPACE/udev"
			cp -a "$TOP/VERSION" "$TOP/lib" "$TOP/include" "$TOP/selftests" "$TOP/tools" \
				"$USERSPACE/"
			make -s -C "$USERSPACE/lib" clean >&2
			make -s -C "$USERSPACE/selftests" clean >&2
			make -s -C "$USERSPACE/tools" clean >&2
			make -s -C "$USERSPACE/lib" "${cross[@]}" libdmaapi.a >&2 &&
				make -s -C "$USERSPACE/selftests" "${cross[@]}" >&2 &&
				make -s -C "$USERSPACE/tools" "${cross[@]}" edu-demo dmaapictl-static >&2 ||
				return 1
			export DMAAPI_USERSPACE_BUILT_ARM64=1
		fi
		USERSPACE_MAKE=("${cross[@]}")
		return 0
	fi
	USERSPACE=$TOP
	BUSYBOX=/bin/busybox
	USERSPACE_MAKE=()
	[ "${DMAAPI_USERSPACE_BUILT:-}" = 1 ] && return 0
	# Objects of a cross build in the tree are cleaned first.
	env -u CROSS_COMPILE make -s -C "$TOP" toolchain >&2
	make -s -C "$TOP/lib" >&2
	make -s -C "$TOP/selftests" >&2
	[ -f "$TOP/tools/Makefile" ] && make -s -C "$TOP/tools" >&2
	export DMAAPI_USERSPACE_BUILT=1
}

# make_initramfs CELLDIR MODULE CMD CELL EDU_BITS [ENV]: ENV is more lines
# for the guest's /dmaapi/env (export VAR=value).
make_initramfs() {
	local celldir=$1 module=$2 cmd=$3 cell=$4 edu_bits=$5 extra_env=${6:-}
	local root=$celldir/root

	rm -rf "$root"
	mkdir -p "$root/bin" "$root/dmaapi/tests" "$root/dmaapi/tools"
	cp "${BUSYBOX:-/bin/busybox}" "$root/bin/busybox"
	cp "$TOP/tools/vm/guest/init" "$root/init"
	cp "$TOP"/tools/vm/guest/* "$root/dmaapi/"
	rm -f "$root/dmaapi/init"
	cp "$module" "$root/dmaapi/dmaapi.ko"
	make -s -C "${USERSPACE:-$TOP}/selftests" ${USERSPACE_MAKE[@]+"${USERSPACE_MAKE[@]}"} install \
		INSTALL_PATH="$root/dmaapi/tests" >&2
	if [ -f "${USERSPACE:-$TOP}/tools/Makefile" ]; then
		make -s -C "${USERSPACE:-$TOP}/tools" ${USERSPACE_MAKE[@]+"${USERSPACE_MAKE[@]}"} install-guest \
			GUEST_DIR="$root/dmaapi/tools" >&2
	fi
	printf '%s\n' "$cmd" >"$root/dmaapi/cmd"
	cat >"$root/dmaapi/env" <<EOF
export DMAAPI_CELL='$cell'
export DMAAPI_EDU_MASK_BITS=$edu_bits
$extra_env
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

# make_dtb OUT MODE QEMU-MACHINE-ARGS...: the device tree of QEMU's arm64
# virt board (dumped by QEMU itself for those machine arguments), plus
#   /reserved-memory/dmaapi-pool: a 16 MiB reusable shared-dma-pool (CMA);
#   /dt-coherent, /dt-noncoherent, /dt-cma: "dmaapi,dma-device" nodes, the
#   first with dma-coherent, the last with a memory-region in that pool.
# MODE noncoherent deletes dma-coherent from the PCIe host's node, so the
# PCI devices' DMA is not cache-coherent to Linux.  Sets DMAAPI_DT_POOL_BASE
# and DMAAPI_DT_POOL_SIZE.
make_dtb() {
	local out=$1 mode=$2 dts
	shift 2

	DMAAPI_DT_POOL_BASE=0x70000000 DMAAPI_DT_POOL_SIZE=0x1000000
	qemu-system-aarch64 -accel tcg "$@" -machine dumpdtb="$out.orig" -nographic \
		-nic none >/dev/null 2>&1 || {
		echo "vm: qemu-system-aarch64 could not dump the virt board's device tree" >&2
		return 1
	}
	dts=$(dtc -q -I dtb -O dts "$out.orig") || return 1
	if [ "$mode" = noncoherent ]; then
		# dma-coherent; is the only such line in the pcie@ node.
		dts=$(printf '%s\n' "$dts" | awk '
			/^\t[a-z-]*pcie@[0-9a-f]+ \{/ { inpcie = 1 }
			inpcie && /^\t\};/ { inpcie = 0 }
			inpcie && /^\t\tdma-coherent;/ { dropped = 1; next }
			{ print }
			END { if (!dropped) exit 1 }') || {
			echo "vm: no dma-coherent in the virt board's pcie node" >&2
			return 1
		}
	fi
	{ printf '%s\n' "$dts"; cat; } >"$out.dts" <<EOF

/ {
	reserved-memory {
		#address-cells = <2>;
		#size-cells = <2>;
		ranges;

		dmaapi_pool: dmaapi-pool@${DMAAPI_DT_POOL_BASE#0x} {
			compatible = "shared-dma-pool";
			reusable;
			reg = <0x0 $DMAAPI_DT_POOL_BASE 0x0 $DMAAPI_DT_POOL_SIZE>;
		};
	};

	dt-coherent {
		compatible = "dmaapi,dma-device";
		dma-coherent;
	};

	dt-noncoherent {
		compatible = "dmaapi,dma-device";
	};

	dt-cma {
		compatible = "dmaapi,dma-device";
		memory-region = <&dmaapi_pool>;
	};
};
EOF
	dtc -q -I dts -O dtb -o "$out" "$out.dts"
}
