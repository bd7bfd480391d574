#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# The stages of `make -C lib check` (run by the Makefile from lib/, which
# passes CC, CFLAGS, VALGRIND, REALNAME, SONAME, VERSION, ABI_MINOR,
# TEST_SRCS, LIB_SRCS and TEST_WRAP).  Every stage adds to one count; the last line is
# "N passed, N failed", and the exit status is 0 only with no failure.
# A missing tool is a failure that names the Debian package, never a skip.
set -u
out=tests/out
rm -rf "$out"
mkdir -p "$out"
pass=0
fail=0

ok() { pass=$((pass + 1)); echo "ok - $1"; }
not_ok() { fail=$((fail + 1)); echo "not ok - $1${2:+: $2}"; }
stage() { echo "== $1"; }
# check DESCRIPTION CMD...: one pass or one failure
check() {
	what=$1
	shift
	if "$@" >"$out/check.log" 2>&1; then
		ok "$what"
	else
		not_ok "$what" "$(tail -n 8 "$out/check.log" | tr '\n' ' ')"
	fi
}
# suite NAME CMD...: runs a test binary; its "N passed, N failed" line adds
# to the count (printing its failures), a missing line or a bad exit status
# is a failure.
suite() {
	name=$1
	shift
	rc=0
	"$@" >"$out/$name.log" 2>&1 || rc=$?
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$out/$name.log" | tail -n 1)
	if [ -z "$line" ]; then
		not_ok "$name: no result line (exit $rc)" "$(tail -n 5 "$out/$name.log" | tr '\n' ' ')"
		return
	fi
	p=${line%% passed*}
	f=${line#*passed, }
	f=${f%% failed}
	pass=$((pass + p))
	fail=$((fail + f))
	grep -A2 '^not ok' "$out/$name.log" | head -n 40
	if [ "$rc" != 0 ] && [ "$f" = 0 ]; then
		not_ok "$name exited $rc"
	fi
	echo "$name: $line (log: lib/$out/$name.log)"
}

WARN="-Wall -Wextra -Werror"
HDR_CPPFLAGS="-I../include -I../include/uapi -Itests"

# ---------------------------------------------------------------------------
# Cross-built suites under qemu-user: the arm64 cache maintenance of arch.c
# (dc cvac / dc civac / dsb, reached through a backend without flush and
# invalidate), the barriers and the atomic element accesses on arm64 and
# 32-bit ARM.  Static, so qemu needs no target root.  They build in the
# background, one at a time, while the host stages run (two jobs at most).
# aarch64 both ways; armhf with the inline path (whose suites call the
# symbols too, through the parenthesised names).
CROSS="aarch64:aarch64-linux-gnu-gcc:inline aarch64:aarch64-linux-gnu-gcc:noinline armhf:arm-linux-gnueabihf-gcc:inline"
cross_build() { # ARCH GCC VARIANT
	def=
	[ "$3" = noinline ] && def=-DDMAAPI_NO_INLINE
	command -v "$2" >/dev/null || return 0
	# the library as it ships (-O2), once per architecture; the suites at
	# -O1, which inlines the header's accessors as well and builds faster
	objs=
	for f in $LIB_SRCS; do
		o=$out/$1-${f%.c}.o
		objs="$objs $o"
		[ -f "$o" ] || "$2" -std=gnu11 -O2 $WARN -I../include -I../include/uapi \
			-D_GNU_SOURCE -D_FILE_OFFSET_BITS=64 -DDMAAPI_VERSION_STRING="\"$VERSION\"" \
			-c "$f" -o "$o" >>"$out/$1-$3-build.log" 2>&1 || return 0
	done
	"$2" -std=gnu11 -O1 $WARN -Wno-missing-prototypes $HDR_CPPFLAGS -D_GNU_SOURCE \
		-D_FILE_OFFSET_BITS=64 -DEXPECTED_VERSION="\"$VERSION\"" \
		-DEXPECTED_ABI_MINOR="$ABI_MINOR" $def $TEST_SRCS $objs -static $TEST_WRAP \
		-o "$out/$1-tests-$3" >>"$out/$1-$3-build.log" 2>&1
}
(
	for c in $CROSS; do
		IFS=: read -r a g v <<-EOF
		$c
		EOF
		cross_build "$a" "$g" "$v"
	done
) &
cross_pid=$!

cross_run() { # ARCH GCC VARIANT "QEMU..." PACKAGES
	arch=$1 xcc=$2 v=$3 qemus=$4 pkgs=$5
	if ! command -v "$xcc" >/dev/null; then
		not_ok "$arch: $xcc not found" "install Debian packages $pkgs"
		return
	fi
	qemu=
	for q in $qemus; do
		if command -v "$q" >/dev/null; then
			qemu=$q
			break
		fi
	done
	if [ -z "$qemu" ]; then
		not_ok "$arch: none of $qemus found" "install Debian package qemu-user-static (or qemu-user)"
		return
	fi
	if [ -x "$out/$arch-tests-$v" ]; then
		echo "($arch-$v runs under $qemu)"
		suite "$arch-$v" "$qemu" "$out/$arch-tests-$v"
		if [ "$v" = inline ]; then
			case $arch in
			aarch64) barrier_insns aarch64-linux-gnu-objdump "$out/$arch-tests-$v" \
				"dmaapi_wmb:dmb_oshst dmaapi_rmb:dmb_oshld dmaapi_mb:dmb_osh dmaapi_dma_wmb:dmb_oshst dmaapi_dma_rmb:dmb_oshld" ;
				# lib/arch.c: clean for flush, clean+invalidate (EL0 has
				# no dc ivac) otherwise, completed by dsb sy
				barrier_insns aarch64-linux-gnu-objdump "$out/$arch-tests-$v" \
					"dmaapi__arch_flush:dc_cvac dmaapi__arch_flush:dsb_sy dmaapi__arch_invalidate:dc_civac dmaapi__arch_invalidate:dsb_sy dmaapi__arch_flush_invalidate:dc_civac dmaapi__arch_flush_invalidate:dsb_sy" ;;
			armhf) barrier_insns arm-linux-gnueabihf-objdump "$out/$arch-tests-$v" \
				"dmaapi_wmb:dsb_st dmaapi_rmb:dsb_sy dmaapi_mb:dsb_sy dmaapi_dma_wmb:dmb_oshst dmaapi_dma_rmb:dmb_osh" ;;
			esac
		fi
	else
		not_ok "$arch-$v: cross build" "$(tail -n 5 "$out/$arch-$v-build.log" | tr '\n' ' ')"
	fi
}

# ---------------------------------------------------------------------------
stage "exported symbols: library = version script = header = man pages"
nm -D --defined-only "$REALNAME" | awk '$2 ~ /[TDBRVW]/ {print $3}' | sed 's/@.*//' |
	sort -u >"$out/exported"
grep -E '^[[:space:]]+dmaapi_[a-z0-9_]+;' libdmaapi.map | tr -d ' \t;' | sort -u >"$out/map"
# Declarations as the compiler sees them (no comments, no inline helpers).
${CC:-cc} -E -P -DDMAAPI_NO_INLINE $HDR_CPPFLAGS ../include/dmaapi.h |
	grep -oE '(^|[^a-z0-9_(])dmaapi_[a-z0-9_]+ *\(' | grep -oE 'dmaapi_[a-z0-9_]+' |
	grep -v '^dmaapi__' | sort -u >"$out/header"
check "only dmaapi_* exported ($(wc -l <"$out/exported") functions)" \
	sh -c "! grep -v '^dmaapi_' '$out/exported'"
check "exported = libdmaapi.map (no wildcard)" \
	sh -c "diff '$out/exported' '$out/map' && ! grep -qE '^[[:space:]]+dmaapi_[a-z0-9_]*\\*' libdmaapi.map"
check "exported = declared in dmaapi.h" diff "$out/exported" "$out/header"
check "SONAME $SONAME, file $REALNAME" \
	sh -c "objdump -p '$REALNAME' | grep -q 'SONAME *$SONAME\$' && case '$REALNAME' in '$SONAME'.*) true;; *) false;; esac"
check "ABI minor $ABI_MINOR = DMAAPI_ABI_MINOR = newest node DMAAPI_1.$ABI_MINOR" \
	sh -c "grep -q '^#define DMAAPI_ABI_MINOR $ABI_MINOR\$' ../include/dmaapi.h && grep -q '^DMAAPI_1.$ABI_MINOR {' libdmaapi.map && ! grep -q '^DMAAPI_1.$((ABI_MINOR + 1)) {' libdmaapi.map"
# Every exported function is named in the NAME section of a section-3 page.
for f in ../man/*.3; do
	sed -n '/^\.SH NAME/,/^\.SH /p' "$f" | grep -oE 'dmaapi_[a-z0-9_]+' | sed 's/\\//g'
done | sort -u >"$out/man"
check "every exported function has a man page (man/*.3 NAME)" \
	sh -c "missing=\$(comm -23 '$out/exported' '$out/man'); [ -z \"\$missing\" ] || { echo \$missing; false; }"
check "every man page names dmaapi $VERSION" sh -c \
	"for f in ../man/*.3; do grep -q '\"dmaapi $VERSION\"' \$f || { echo \$f; exit 1; }; done"
if command -v groff >/dev/null; then
	for f in ../man/*.3; do
		check "groff -man -ww -z $(basename "$f"): no warnings" \
			sh -c "o=\$(groff -t -man -ww -z '$f' 2>&1) && [ -z \"\$o\" ] || { echo \"\$o\"; false; }"
	done
else
	not_ok "man pages render" "groff not found (Debian package groff)"
fi

# The barriers are the instructions the header promises (an empty one is
# invisible to any run): disassemble the exported symbols.
# barrier_insns OBJDUMP FILE "sym:insn ..." (insn "" = no fence at all)
barrier_insns() {
	od=$1 file=$2
	for pair in $3; do
		sym=${pair%%:*}
		want=$(echo "${pair#*:}" | tr _ ' ')
		body=$("$od" -d --no-show-raw-insn "$file" 2>/dev/null |
			awk -v s="<$sym>:" '$2 == s {p = 1; next} p && /^$/ {exit} p' | tr '\t' ' ' |
			tr -s ' ')
		if [ -z "$body" ]; then
			not_ok "$sym in $(basename "$file"): not found"
		elif [ -z "$want" ]; then
			if echo "$body" | grep -qE 'fence|dmb|dsb|lock'; then
				not_ok "$sym: a compiler barrier only" "$body"
			else
				ok "$sym: a compiler barrier only"
			fi
		elif echo "$body" | grep -qE ": $want( |,|\$)"; then
			ok "$sym: $want"
		else
			not_ok "$sym: $want" "$(echo "$body" | tr '\n' ' ')"
		fi
	done
}
if [ "$(uname -m)" = x86_64 ]; then
	stage "barrier instructions, x86-64"
	barrier_insns objdump "$REALNAME" \
		"dmaapi_wmb:sfence dmaapi_rmb:lfence dmaapi_mb:mfence dmaapi_dma_wmb: dmaapi_dma_rmb:"
fi

# ---------------------------------------------------------------------------
stage "host suites (inline fast path, and DMAAPI_NO_INLINE)"
check "link-test: the shared library links and runs" ./tests/link-test
suite host ./tests/dmaapi-tests
suite host-noinline ./tests/dmaapi-tests-noinline
if command -v "${VALGRIND:-valgrind}" >/dev/null; then
	vg="${VALGRIND:-valgrind} -q --leak-check=full --show-leak-kinds=all --errors-for-leak-kinds=all --error-exitcode=99"
	for t in dmaapi-tests dmaapi-tests-noinline link-test; do
		check "valgrind clean: $t" sh -c "$vg ./tests/$t >/dev/null 2>'$out/vg-$t.log' || { cat '$out/vg-$t.log'; false; }"
	done
else
	not_ok "valgrind" "valgrind not found (Debian package valgrind)"
fi

# ---------------------------------------------------------------------------
stage "the public header as C99/C11/C17 and C++11/C++17, and an -flto -Werror link"
HDR_WARN="$WARN -Wcast-qual"
for std in c99 c11 c17; do
	check "${CC:-cc} -std=$std $HDR_WARN: every inline accessor" \
		${CC:-cc} -std=$std $HDR_WARN -O2 -I../include -c tests/header_use.c -o "$out/hdr-$std.o"
done
CXX=${CXX:-g++}
if command -v "$CXX" >/dev/null; then
	for std in c++11 c++17; do
		check "$CXX -std=$std $HDR_WARN: every inline accessor" \
			"$CXX" -x c++ -std=$std $HDR_WARN -O2 -I../include -c tests/header_use.c \
			-o "$out/hdr-$std.o"
	done
else
	not_ok "C++ header check" "$CXX not found (Debian package g++)"
fi
if command -v clang >/dev/null && command -v clang++ >/dev/null; then
	check "clang -std=c11 $HDR_WARN" clang -std=c11 $HDR_WARN -O2 -I../include -c \
		tests/header_use.c -o "$out/hdr-clang.o"
	check "clang++ -std=c++17 $HDR_WARN" clang++ -x c++ -std=c++17 $HDR_WARN -O2 \
		-I../include -c tests/header_use.c -o "$out/hdr-clangxx.o"
fi
check "${CC:-cc} -O2 -flto -Werror: a program on every inline accessor links" \
	${CC:-cc} -std=c11 -O2 -flto $HDR_WARN -I../include tests/header_use.c libdmaapi.a \
	-o "$out/lto-prog"
check "... and runs" "$out/lto-prog"
if command -v "$CXX" >/dev/null; then
	check "$CXX -O2 -flto -Werror: the same program as C++ links and runs" sh -c \
		"'$CXX' -x c++ -std=c++17 -O2 -flto $HDR_WARN -I../include tests/header_use.c -x none libdmaapi.a -o '$out/lto-prog-cxx' && '$out/lto-prog-cxx'"
fi

# ---------------------------------------------------------------------------
stage "make install PREFIX=/usr after a default build"
dest=$(pwd)/$out/dest
check "make install DESTDIR=<tmp> PREFIX=/usr" \
	${MAKE:-make} -s install DESTDIR="$dest" PREFIX=/usr
check "installed .pc: prefix=/usr, libdir=\${exec_prefix}/lib" sh -c \
	"grep -qx 'prefix=/usr' '$dest/usr/lib/pkgconfig/libdmaapi.pc' && grep -qx 'libdir=\${exec_prefix}/lib' '$dest/usr/lib/pkgconfig/libdmaapi.pc'"
check "installed $REALNAME, $SONAME -> $REALNAME" sh -c \
	"test -f '$dest/usr/lib/$REALNAME' && test \"\$(readlink '$dest/usr/lib/$SONAME')\" = '$REALNAME'"
check "a man page for every exported function installed" sh -c \
	"for f in \$(cat '$out/exported'); do test -e '$dest/usr/share/man/man3/'\$f.3 || { echo \$f; exit 1; }; done"
${MAKE:-make} -s libdmaapi.pc >/dev/null 2>&1 # back to this tree's PREFIX

# ---------------------------------------------------------------------------
wait "$cross_pid"
stage "aarch64 under qemu-user"
for v in inline noinline; do
	cross_run aarch64 aarch64-linux-gnu-gcc $v "qemu-aarch64-static qemu-aarch64" \
		"gcc-aarch64-linux-gnu libc6-dev-arm64-cross"
done
stage "armhf under qemu-user"
cross_run armhf arm-linux-gnueabihf-gcc inline "qemu-arm-static qemu-arm" \
	"gcc-arm-linux-gnueabihf libc6-dev-armhf-cross"

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
