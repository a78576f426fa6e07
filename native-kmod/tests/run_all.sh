#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Run every flexsc selftest binary, print their TAP output, then one final
# line "N passed, M failed[, K skipped]" summed over all of them.
# Exit status: 0 when nothing failed.  Needs root and the module (or
# FLEXSC_KO, an absolute path to flexsc.ko, for the tests that load it).
# FLEXSC_TMP: a scratch directory for files (default /tmp).
cd "$(dirname "$0")" || exit 2
TESTS="flexsc_basic flexsc_threads flexsc_security flexsc_lifetime flexsc_module flexsc_reentry flexsc_access flexsc_identity flexsc_restart flexsc_memory flexsc_wakeup flexsc_mapping flexsc_fuzz"
pass=0 fail=0 skipped=0
log=$(mktemp "${TMPDIR:-/tmp}/flexsc-run.XXXXXX") || exit 2
trap 'rm -f "$log"' EXIT
for t in $TESTS; do
	echo "# ---- $t"
	if [ ! -x "./$t" ]; then
		echo "not ok - $t: binary missing (make tests)"
		fail=$((fail + 1))
		continue
	fi
	start=$(date +%s)
	timeout 300 "./$t" 2>&1 | tee "$log"
	rc=${PIPESTATUS[0]}
	echo "# $t: exit $rc, $(($(date +%s) - start)) s"
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -n1)
	if [ -z "$line" ]; then
		echo "not ok - $t: no summary line (exit $rc)"
		fail=$((fail + 1))
		continue
	fi
	p=$(echo "$line" | sed -E 's/^([0-9]+) passed.*/\1/')
	f=$(echo "$line" | sed -E 's/^[0-9]+ passed, ([0-9]+) failed.*/\1/')
	s=$(echo "$line" | sed -nE 's/.*, ([0-9]+) skipped.*/\1/p')
	pass=$((pass + p))
	fail=$((fail + f))
	skipped=$((skipped + ${s:-0}))
	if [ "$rc" != 0 ] && [ "$f" = 0 ]; then
		echo "not ok - $t: exit status $rc"
		fail=$((fail + 1))
	fi
done
if [ "$skipped" -gt 0 ]; then
	echo "$pass passed, $fail failed, $skipped skipped"
else
	echo "$pass passed, $fail failed"
fi
[ "$fail" = 0 ]
