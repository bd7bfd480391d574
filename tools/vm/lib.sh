# SPDX-License-Identifier: GPL-2.0
# Shared by tools/vm/run and tools/vm/matrix: kernel lookup, builds, the
# initramfs, and reading results off the guest console.

# resolve_kernel 6.1|6.12|debug|arm64|armhf|versal|raspi3b|<bzImage> [kdir]: sets KVER
# KIMAGE KDIR CELL_KERNEL, and KARCH (x86_64, arm64 or arm: what the module,
# the userspace and QEMU are built and run for).
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
	versal)
		# The same arm64 kernel (with ZDMA and dmatest built in), on
		# QEMU's xlnx-versal-virt board: eight ZDMA channels, no PCI.
		KDIR=$("$TOP/tools/vm/build-kernel" virt-arm64) || return 1
		KIMAGE=$KDIR/arch/arm64/boot/Image
		KVER=$(cat "$KDIR/include/config/kernel.release")
		CELL_KERNEL=versal
		KARCH=arm64
		;;
	raspi3b)
		# The same arm64 kernel (with bcm2835-dma built in), on QEMU's
		# raspi3b board: eleven BCM2835 DMA channels (memcpy, slave,
		# cyclic), no PCI; its device tree is make_raspi3b_dtb's.
		KDIR=$("$TOP/tools/vm/build-kernel" virt-arm64) || return 1
		KIMAGE=$KDIR/arch/arm64/boot/Image
		KVER=$(cat "$KDIR/include/config/kernel.release")
		CELL_KERNEL=raspi3b
		KARCH=arm64
		;;
	armhf)
		# The 32-bit ARM kernel for QEMU's virt board (cortex-a15, LPAE,
		# HIGHMEM), cross-built once and cached (configs/virt-armhf.config).
		KDIR=$("$TOP/tools/vm/build-kernel" virt-armhf) || return 1
		KIMAGE=$KDIR/arch/arm/boot/zImage
		KVER=$(cat "$KDIR/include/config/kernel.release")
		CELL_KERNEL=armhf
		KARCH=arm
		;;
	*)
		if [ ! -f "$want" ] || [ -z "$kdir" ]; then
			echo "vm: --kernel takes 6.1, 6.12, debug, arm64, armhf, versal, raspi3b, or a bzImage with --kdir" >&2
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

# cross_prefix: the toolchain prefix for KARCH ("" for the host's).
cross_prefix() {
	case "${KARCH:-x86_64}" in
	arm64) echo aarch64-linux-gnu- ;;
	arm) echo arm-linux-gnueabihf- ;;
	esac
}

# debian_arch: Debian's name of KARCH.
debian_arch() {
	case "${KARCH:-x86_64}" in
	arm64) echo arm64 ;;
	arm) echo armhf ;;
	*) echo amd64 ;;
	esac
}

# kbuild_cross: the make arguments that build for KARCH.
kbuild_cross() {
	[ "${KARCH:-x86_64}" != x86_64 ] && echo "ARCH=$KARCH CROSS_COMPILE=$(cross_prefix)"
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
# builds in the repository; arm64 and arm are cross-built statically in a
# copy of the sources under $OUT/userspace-<arch>, so that no two share an
# object file.
build_userspace() {
	local cross=() cache=${DMAAPI_CACHE:-/var/cache/dmaapi} arch pfx flag

	if [ "${KARCH:-x86_64}" != x86_64 ]; then
		arch=$(debian_arch) pfx=$(cross_prefix)
		flag=DMAAPI_USERSPACE_BUILT_${arch^^}
		USERSPACE=$OUT/userspace-$arch
		BUSYBOX=$cache/busybox-$arch/bin/busybox
		[ -x "$BUSYBOX" ] || "$TOP/tools/deps.sh" || return 1
		# No libkmod for the target: the guest uses dmaapictl's system calls.
		cross=(CC="${pfx}gcc" AR="${pfx}ar" KMOD_LIBS=)
		if [ "${!flag:-}" != 1 ]; then
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
			export "$flag=1"
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

# add_guest_modules DIR MODULE...: where the cell's kernel is a Debian one
# (its modules are in /lib/modules/$KVER), copies each MODULE and what it
# depends on (modules.dep), uncompressed, to DIR, and lists them in load
# order in DIR/MODULE.order for the guest's load_modules.  A kernel without
# the module gets nothing: the tests that need it skip.
add_guest_modules() {
	local dir=$1 mod dep line f name
	local mdir=/lib/modules/$KVER

	shift
	[ -f "$mdir/modules.dep" ] || return 0
	for mod in "$@"; do
		line=$(grep -E "(^|/)$mod\.ko(\.xz|\.zst|\.gz)?:" "$mdir/modules.dep") || continue
		mkdir -p "$dir"
		: >"$dir/$mod.order"
		# modules.dep lists the dependencies last-loaded first
		for f in $(printf '%s\n' "$line" | tr -d ':' | tr ' ' '\n' | sed '/^$/d' | tac); do
			name=$(basename "$f" | sed -E 's/\.ko(\.xz|\.zst|\.gz)?$//')
			case "$f" in
			*.xz) xz -dc "$mdir/$f" >"$dir/$name.ko" ;;
			*.zst) zstd -qdc "$mdir/$f" >"$dir/$name.ko" ;;
			*.gz) gzip -dc "$mdir/$f" >"$dir/$name.ko" ;;
			*) cp "$mdir/$f" "$dir/$name.ko" ;;
			esac
			echo "$name" >>"$dir/$mod.order"
		done
	done
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
	mkdir -p "${OUT:-$TOP/out}"
	# One build of a userspace tree at a time: two cells starting together
	# (the matrix runs two) would otherwise both link the same programs, and
	# one could copy a program the other is still writing (seen: a test
	# installed without its execute bit, "Permission denied" in the guest).
	(
		flock 9
		make -s -C "${USERSPACE:-$TOP}/selftests" ${USERSPACE_MAKE[@]+"${USERSPACE_MAKE[@]}"} install \
			INSTALL_PATH="$root/dmaapi/tests" >&2
		if [ -f "${USERSPACE:-$TOP}/tools/Makefile" ]; then
			make -s -C "${USERSPACE:-$TOP}/tools" ${USERSPACE_MAKE[@]+"${USERSPACE_MAKE[@]}"} install-guest \
				GUEST_DIR="$root/dmaapi/tools" >&2
		fi
	) 9>"${OUT:-$TOP/out}/.userspace-build.lock"
	add_guest_modules "$root/dmaapi/modules" vgem
	printf '%s\n' "$cmd" >"$root/dmaapi/cmd"
	cp "$celldir/suite" "$root/dmaapi/suite"
	cat >"$root/dmaapi/env" <<EOF
export DMAAPI_CELL='$cell'
export DMAAPI_EDU_MASK_BITS=$edu_bits
$extra_env
EOF
	(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) >"$celldir/initrd.img"
}

# cell_matches CELL PATTERNS: PATTERNS is shell patterns joined by '|'.
cell_matches() {
	local cell=$1 pat pats

	IFS='|' read -ra pats <<<"$2"
	for pat in "${pats[@]}"; do
		# shellcheck disable=SC2254
		case "$cell" in $pat) return 0 ;; esac
	done
	return 1
}

# resolve_inventory CELL SUITE EXPECT: reads tools/vm/inventory for CELL and
# writes the guest's SUITE (NAME COMMAND..., in order) and the host's EXPECT
# ("run NAME TESTS" and "skip NAME TEST-PATTERN REASON" lines).  The first
# "run" line naming a program whose cell pattern matches decides for it.
resolve_inventory() {
	local cell=$1 suite=$2 expect=$3 kind cells name tests rest
	local seen=" "

	: >"$suite"
	: >"$expect"
	while IFS=$'\t' read -r kind cells name tests rest; do
		case "$kind" in ''|'#'*) continue ;; esac
		cell_matches "$cell" "$cells" || continue
		case "$kind" in
		run)
			case "$seen" in *" $name "*) continue ;; esac
			seen="$seen$name "
			[ "$tests" = 0 ] && continue
			echo "${name} ${rest:-/dmaapi/tests/$name}" >>"$suite"
			printf 'run\t%s\t%s\n' "$name" "$tests" >>"$expect"
			;;
		skip)
			printf 'skip\t%s\t%s\t%s\n' "$name" "$tests" "$rest" >>"$expect"
			;;
		*)
			echo "vm: tools/vm/inventory: unknown line '$kind $cells ...'" >&2
			return 1
			;;
		esac
	done <"$TOP/tools/vm/inventory"
}

# summarize_console LOG CELL EXPECT: checks the console against the cell's
# inventory (resolve_inventory) and prints "<cell>: N passed, N failed, N
# skipped"; writes CELLDIR/result; returns non-zero on any failure.
#
# Each program's block must hold exactly as many results ("ok N name",
# "not ok N name", "ok N name # SKIP reason") as the inventory says, and as
# its plan ("1..N") says where it prints one.  A skip is a failure unless the
# inventory allows that program's test to skip in this cell with exactly that
# reason.  A program of the inventory that did not run, a block that ends
# with a crash exit status, a guest that did not finish, and a kernel report
# (DMAAPI-REPORT, or QEMU's edu clamping a DMA address beyond its mask) fail
# the cell.
summarize_console() {
	local log=$1 cell=$2 expect=$3

	tr -d '\r' <"$log" | awk -v cell="$cell" -v result="$(dirname "$log")/result" -v expect="$expect" '
	function glob_match(pat, s,   re) {
		re = pat
		gsub(/[][.^$+(){}|\\]/, "\\\\&", re)
		gsub(/\*/, ".*", re)
		gsub(/\?/, ".", re)
		return s ~ ("^" re "$")
	}
	function allowed(prog, test, reason,   i) {
		for (i = 1; i <= nallow; i++)
			if (allow_prog[i] == prog && glob_match(allow_test[i], test) && allow_reason[i] == reason)
				return 1
		return 0
	}
	function problem(msg) {
		printf("%s: FAIL: %s\n", cell, msg)
		fail++
	}
	BEGIN {
		while ((getline line < expect) > 0) {
			n = split(line, w, "\t")
			if (w[1] == "run") {
				want[w[2]] = w[3] + 0
				order[++nprog] = w[2]
			} else if (w[1] == "skip") {
				nallow++
				allow_prog[nallow] = w[2]
				allow_test[nallow] = w[3]
				allow_reason[nallow] = w[4]
			} else if (w[1] == "custom") {
				custom = 1
			}
		}
		if (!nprog && !custom)
			problem("no inventory for this cell (tools/vm/inventory)")
	}
	/DMAAPI-TEST-BEGIN / {
		prog = $2; inblock = 1; plan = -1; results = 0; bfail = 0
		next
	}
	inblock && /^1\.\.[0-9]+/ {
		plan = substr($1, 4) + 0
		next
	}
	inblock && /^(not )?ok [0-9]+/ {
		results++
		line = $0
		isnot = sub(/^not ok [0-9]+ */, "", line)
		if (!isnot)
			sub(/^ok [0-9]+ */, "", line)
		directive = ""
		if ((p = index(line, " # ")) > 0) {
			directive = substr(line, p + 3)
			line = substr(line, 1, p - 1)
		} else if (line ~ /^# /) {
			directive = substr(line, 3)
			line = ""
		}
		sub(/^- /, "", line)
		if (isnot) {
			if (directive ~ /^TODO/) { pass++; next }
			fail++; bfail++
			failed[++nfailed] = prog ": " line
		} else if (directive ~ /^SKIP/) {
			reason = directive
			sub(/^SKIP */, "", reason)
			if (allowed(prog, line, reason)) {
				skip++
			} else {
				fail++; bfail++
				failed[++nfailed] = prog ": " line " skipped (\"" reason "\"), which this cell does not allow"
			}
		} else {
			pass++
		}
		next
	}
	/DMAAPI-TEST-END / {
		name = $2; rc = $3
		ran[name]++
		if (custom)
			;
		else if (!(name in want))
			problem(name " is not in the inventory for this cell")
		else if (results != want[name])
			problem(sprintf("%s reported %d result(s); the inventory says %d", name, results, want[name]))
		if (plan >= 0 && plan != results)
			problem(sprintf("%s planned %d test(s) and reported %d", name, plan, results))
		if (rc != 0 && rc != 4 && bfail == 0)
			problem(sprintf("%s exited %s with no failed test", name, rc))
		inblock = 0
		next
	}
	/^# (dmaapi_stress --seed|ioctls issued|faults injected)/ { figures[++nfig] = $0 }
	/DMAAPI-REPORT / { sub(/.*DMAAPI-REPORT /, ""); reports[++nrep] = $0; next }
	/EDU: clamping DMA/ { reports[++nrep] = "QEMU edu: " $0; next }
	/DMAAPI-RC / { guest_rc = $2 }
	/DMAAPI-END/ { ended = 1 }
	END {
		if (!ended)
			problem("the guest did not finish (hang, panic or timeout)")
		for (i = 1; i <= nprog; i++)
			if (!(order[i] in ran))
				problem(order[i] " did not run")
			else if (ran[order[i]] > 1)
				problem(order[i] " ran " ran[order[i]] " times")
		if (guest_rc != "" && guest_rc != 0 && fail == 0)
			problem("the guest command exited " guest_rc)
		for (i = 1; i <= nfailed; i++)
			printf("%s: not ok: %s\n", cell, failed[i])
		for (i = 1; i <= nfig; i++)
			printf("%s: %s\n", cell, substr(figures[i], 3))
		for (i = 1; i <= nrep; i++)
			printf("%s: kernel report: %s\n", cell, reports[i])
		if (nrep)
			problem(nrep " kernel report line(s)")
		printf("%d %d %d\n", pass, fail, skip) > result
		printf("%s: %d passed, %d failed, %d skipped\n", cell, pass, fail, skip)
		exit(fail != 0)
	}'
}

# make_dtb QEMU OUT MODE QEMU-MACHINE-ARGS...: the device tree of QEMU's arm
# virt board (dumped by QEMU itself for those machine arguments), plus
#   /reserved-memory/dmaapi-pool: a 16 MiB reusable shared-dma-pool (CMA);
#   /dt-coherent, /dt-noncoherent, /dt-cma: "dmaapi,dma-device" nodes, the
#   first with dma-coherent, the last with a memory-region in that pool.
# MODE noncoherent deletes dma-coherent from the PCIe host's node, so the
# PCI devices' DMA is not cache-coherent to Linux.  Sets DMAAPI_DT_POOL_BASE
# and DMAAPI_DT_POOL_SIZE.  On 32-bit ARM the pool lies in lowmem (RAM from
# 1 GiB, lowmem its first ~760 MiB, QEMU's initrd at +128 MiB): a HIGHMEM
# kernel gives cached DMA memory (dma_alloc_pages) only from lowmem, so a
# pool in highmem would serve coherent allocations only.
make_dtb() {
	local qemu=$1 out=$2 mode=$3 dts
	shift 3

	DMAAPI_DT_POOL_BASE=0x70000000 DMAAPI_DT_POOL_SIZE=0x1000000
	[ "${qemu##*/}" = qemu-system-arm ] && DMAAPI_DT_POOL_BASE=0x60000000
	"$qemu" -accel tcg "$@" -machine dumpdtb="$out.orig" -nographic \
		-nic none >/dev/null 2>&1 || {
		echo "vm: $qemu could not dump the virt board's device tree" >&2
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
	# The PL031 RTC as a platform device, not an AMBA primecell: dmaapi's
	# platform driver can then take it (selftests/dmaapi_irq_dev.c, a
	# device-tree interrupt and clock; no rtc-pl031 in these kernels).
	dts=$(printf '%s\n' "$dts" | sed 's/compatible = "arm,pl031\\0arm,primecell";/compatible = "arm,pl031";/')
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

# make_versal_dtb QEMU OUT KERNEL QEMU-MACHINE-ARGS...: the device tree QEMU
# generates for xlnx-versal-virt (dumped with -kernel, so that it has the
# PSCI node QEMU adds then), plus
#   #dma-cells = <1> in the eight ZDMA nodes (QEMU leaves it out; the
#   zynqmp_dma driver's xlate ignores the cell);
#   /dt-zdma: a "dmaapi,dma-device" node (not dma-coherent, as the ZDMA
#   channels are not) whose dmas name the first two channels "zdma0" and
#   "zdma1" (dma@ffa80000, dma@ffa90000).
make_versal_dtb() {
	local qemu=$1 out=$2 kernel=$3 dts a
	shift 3

	"$qemu" -accel tcg "$@" -machine dumpdtb="$out.orig" -nographic \
		-nic none -kernel "$kernel" >/dev/null 2>&1 || {
		echo "vm: $qemu could not dump the versal board's device tree" >&2
		return 1
	}
	dts=$(dtc -q -I dtb -O dts "$out.orig") || return 1
	# not through a pipe: under pipefail, grep -q leaving at the first match
	# can fail the writer with SIGPIPE (seen on a loaded host)
	grep -q '^	dma@ffa80000 {' <<<"$dts" || {
		echo "vm: no ZDMA channel dma@ffa80000 in the versal board's tree" >&2
		return 1
	}
	{
		printf '%s\n' "$dts"
		for a in ffa80000 ffa90000 ffaa0000 ffab0000 ffac0000 ffad0000 ffae0000 ffaf0000; do
			printf '\n&{/dma@%s} {\n\t#dma-cells = <1>;\n};\n' "$a"
		done
		cat
	} >"$out.dts" <<EOF

/ {
	dt-zdma {
		compatible = "dmaapi,dma-device";
		dmas = <&{/dma@ffa80000} 0>, <&{/dma@ffa90000} 0>;
		dma-names = "zdma0", "zdma1";
	};
};
EOF
	dtc -q -I dts -O dtb -o "$out" "$out.dts"
}

# make_raspi3b_dtb OUT: a minimal device tree for QEMU's raspi3b (BCM2837,
# 1 GiB, of which QEMU keeps the top 64 MiB for the VideoCore), after
# arch/arm64/boot/dts/broadcom/bcm2837-rpi-3-b.dts but with only what the
# cell needs: one cortex-a53 (QEMU parks the other three in their
# spin-table loop; none is released), the local (0x40000000) and the
# armctrl (0x3f00b200) interrupt controllers, the architected timer, PL011
# UART0 (console ttyAMA0) on fixed clocks, the BCM2835 DMA controller (the
# eleven channels the firmware gives Linux: brcm,dma-channel-mask 0x7f35),
# and the PM block's watchdog as the system power controller (poweroff
# resets the board; with -no-reboot QEMU then exits).  The peripherals sit
# on /soc with the real board's bus addresses: the CPU's 0x3f000000 is the
# bus's 0x7e000000, and the DMA engine sees RAM at 0xc0000000 (dma-ranges);
# the second dma-range maps the peripherals for the DMA engine too, so
# that dma_map_resource() of a register gives the 0x7e... address a slave
# job needs.  No GPIO, pinctrl or system-timer node: nothing else may bind
# those blocks, which /soc/dt-slave (a "dmaapi,dma-device" node, not
# dma-coherent, as the BCM2835's DMA is not) maps as its regions 0 (the
# system timer) and 1 (the GPIO block); its dmas name two channels,
# "slave" and "memcpy", both DREQ 0 (unpaced).  Its device is
# 3f003000.dt-slave, its node /dev/dmaapi-3f003000.dt-slave.
make_raspi3b_dtb() {
	local out=$1

	cat >"$out.dts" <<'DTS'
/dts-v1/;

/ {
	compatible = "raspberrypi,3-model-b", "brcm,bcm2837";
	model = "QEMU raspi3b (dmaapi)";
	#address-cells = <1>;
	#size-cells = <1>;
	interrupt-parent = <&intc>;

	chosen {
		stdout-path = "serial0:115200n8";
	};

	aliases {
		serial0 = &uart0;
	};

	memory@0 {
		device_type = "memory";
		reg = <0x0 0x3c000000>;
	};

	cpus {
		#address-cells = <1>;
		#size-cells = <0>;

		cpu@0 {
			device_type = "cpu";
			compatible = "arm,cortex-a53";
			reg = <0>;
			enable-method = "spin-table";
			cpu-release-addr = <0x0 0x000000d8>;
		};
	};

	timer {
		compatible = "arm,armv8-timer", "arm,armv7-timer";
		interrupt-parent = <&local_intc>;
		interrupts = <0 4>, <1 4>, <3 4>, <2 4>;
		always-on;
	};

	clk_uart: clock-uart {
		compatible = "fixed-clock";
		#clock-cells = <0>;
		clock-frequency = <48000000>;
	};

	clk_apb: clock-apb {
		compatible = "fixed-clock";
		#clock-cells = <0>;
		clock-frequency = <250000000>;
	};

	soc {
		compatible = "simple-bus";
		#address-cells = <1>;
		#size-cells = <1>;
		ranges = <0x7e000000 0x3f000000 0x1000000>,
			 <0x40000000 0x40000000 0x1000>;
		dma-ranges = <0xc0000000 0x0 0x3f000000>,
			     <0x7e000000 0x3f000000 0x1000000>;

		local_intc: interrupt-controller@40000000 {
			compatible = "brcm,bcm2836-l1-intc";
			reg = <0x40000000 0x100>;
			interrupt-controller;
			#interrupt-cells = <2>;
			interrupt-parent = <&local_intc>;
		};

		intc: interrupt-controller@7e00b200 {
			compatible = "brcm,bcm2836-armctrl-ic";
			reg = <0x7e00b200 0x200>;
			interrupt-controller;
			#interrupt-cells = <2>;
			interrupt-parent = <&local_intc>;
			interrupts = <8 4>;
		};

		dma: dma-controller@7e007000 {
			compatible = "brcm,bcm2835-dma";
			reg = <0x7e007000 0xf00>;
			interrupts = <1 16>, <1 17>, <1 18>, <1 19>, <1 20>,
				     <1 21>, <1 22>, <1 23>, <1 24>, <1 25>,
				     <1 26>,
				     /* channels 11-14 share one */
				     <1 27>, <1 27>, <1 27>, <1 27>,
				     /* the one all channels share, unused */
				     <1 28>;
			interrupt-names = "dma0", "dma1", "dma2", "dma3", "dma4",
					  "dma5", "dma6", "dma7", "dma8", "dma9",
					  "dma10", "dma11", "dma12", "dma13",
					  "dma14", "dma-shared-all";
			#dma-cells = <1>;
			brcm,dma-channel-mask = <0x7f35>;
		};

		watchdog@7e100000 {
			compatible = "brcm,bcm2835-pm-wdt";
			reg = <0x7e100000 0x28>;
			system-power-controller;
		};

		uart0: serial@7e201000 {
			compatible = "arm,pl011", "arm,primecell";
			reg = <0x7e201000 0x200>;
			interrupts = <2 25>;
			clocks = <&clk_uart>, <&clk_apb>;
			clock-names = "uartclk", "apb_pclk";
			arm,primecell-periphid = <0x00241011>;
		};

		dt-slave@7e003000 {
			compatible = "dmaapi,dma-device";
			reg = <0x7e003000 0x1000>, <0x7e200000 0x1000>;
			dmas = <&dma 0>, <&dma 0>;
			dma-names = "slave", "memcpy";
		};
	};
};
DTS
	dtc -q -I dts -O dtb -o "$out" "$out.dts"
}
