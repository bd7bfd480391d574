#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# A short run of tools/dmaapi-bench (`dmaapi-bench --quick`) in a booted
# kernel, so that the benchmark of `make bench` cannot rot: it must run
# every section, print every reference column (a figure or "n/a (reason)"),
# and write JSON whose figures are sane.  The numbers themselves are not
# judged here: they are `make bench`'s business.
#
#   DMAAPI_BENCH    the binary (default: dmaapi-bench in PATH)
#
# KTAP output: the plan (1..10), one line per check, ending with
# "# Totals: pass:N fail:N ...".  Exit 0 when every check passed, 1 when
# one failed, 4 (KSFT_SKIP) when dmaapi-bench is not installed.

BENCH=${DMAAPI_BENCH:-$(command -v dmaapi-bench)}
BENCH=${BENCH:-/dmaapi/tools/dmaapi-bench}
TMP=${TMPDIR:-/tmp}/dmaapi_bench_smoke.$$
mkdir -p "$TMP"
n=0 pass=0 fail=0 skip=0

PLAN=10
echo "TAP version 13"
echo "1..$PLAN"

check() { # check DESCRIPTION COMMAND...
	desc=$1
	shift
	n=$((n + 1))
	if "$@" >"$TMP/out" 2>&1; then
		pass=$((pass + 1))
		echo "ok $n $desc"
	else
		fail=$((fail + 1))
		echo "not ok $n $desc"
		sed 's/^/#   /' "$TMP/out" | tail -n 20
	fi
}

totals() {
	echo "# Totals: pass:$pass fail:$fail xfail:0 xpass:0 skip:$skip error:0"
	rm -rf "$TMP"
	[ "$n" = "$PLAN" ] || { echo "# ran $n checks, planned $PLAN"; exit 1; }
	[ "$fail" = 0 ] || exit 1
	[ "$skip" = "$n" ] && exit 4
	exit 0
}

if [ ! -x "$BENCH" ]; then
	# the whole program skips: every planned check, one reason
	while [ "$n" -lt "$PLAN" ]; do
		n=$((n + 1)) skip=$((skip + 1))
		echo "ok $n dmaapi-bench check $n # SKIP dmaapi-bench not installed"
	done
	totals
fi

# No figure may be negative, NaN or infinite; min <= median <= max.
sane_json() {
	f=$1
	head -c 1 "$f" | grep -q '{' || { echo "not a JSON object"; return 1; }
	tail -n 1 "$f" | grep -q '^}$' || { echo "JSON not closed"; return 1; }
	if grep -Eiq '"(min|median|max|ratio)": (-|nan|inf)' "$f"; then
		grep -Ei '"(min|median|max|ratio)": (-|nan|inf)' "$f" | head -3
		return 1
	fi
	awk '{
		while (match($0, /"min": [0-9.e+]+, "median": [0-9.e+]+, "max": [0-9.e+]+/)) {
			split(substr($0, RSTART, RLENGTH), f, /[:,] */)
			if (f[2] + 0 > f[4] + 0 || f[4] + 0 > f[6] + 0) {
				print "min/median/max out of order: " substr($0, RSTART, RLENGTH)
				bad = 1
			}
			$0 = substr($0, RSTART + RLENGTH)
		}
	}
	END { exit bad }' "$f"
}

has_sections() {
	for s in access sync map alloc copy; do
		grep -q "\"section\": \"$s\"" "$1" || { echo "no $s results"; return 1; }
	done
}

# Every access row measured ours and the plain reference, with a ratio.
access_measured() {
	rows=$(grep -c '"section": "access"' "$1")
	ratios=$(grep '"section": "access"' "$1" | grep -c '"ratio"')
	[ "$rows" -gt 0 ] && [ "$rows" = "$ratios" ] ||
		{ echo "access: $rows rows, $ratios with a ratio"; return 1; }
}

# The table: each section's header, and no empty reference cell.
tables_complete() {
	for s in access sync map alloc copy; do
		grep -q "^## $s " "$1" || { echo "no $s table"; return 1; }
	done
	grep -q '^# dmaapi-bench: libdmaapi ' "$1" || { echo "no header line"; return 1; }
	# map and alloc rows: every column has a figure or "n/a (reason)"
	empty=$(grep '^| map + unmap\|^| alloc + mmap' "$1" | grep '|  |')
	if [ -n "$empty" ]; then
		echo "an empty cell:"
		echo "$empty"
		return 1
	fi
}

exits() { # exits CODE COMMAND...
	want=$1
	shift
	"$@" >/dev/null 2>&1
	rc=$?
	[ "$rc" = "$want" ] || { echo "exit $rc, expected $want"; return 1; }
}

check "--help exits 0" exits 0 "$BENCH" --help
check "an unknown option exits 2" exits 2 "$BENCH" --no-such-option
check "a bad section exits 1" exits 1 "$BENCH" --sections nothing
check "a missing device exits 1" exits 1 "$BENCH" --quick --device /dev/no-such-dmaapi
check "--quick --json-file runs every section" \
	"$BENCH" --quick --json-file "$TMP/bench.json" -o "$TMP/tables.txt"
check "the tables have every section and reference" tables_complete "$TMP/tables.txt"
check "the JSON has every section" has_sections "$TMP/bench.json"
check "the JSON figures are sane" sane_json "$TMP/bench.json"
check "every access row has a ratio" access_measured "$TMP/bench.json"
check "--json alone prints the same JSON shape" sh -c \
	"'$BENCH' --quick --sections access --json >'$TMP/b2.json' && grep -q '\"targets_met\"' '$TMP/b2.json'"
sed 's/^/# /' "$TMP/tables.txt" 2>/dev/null | head -n 60
totals
