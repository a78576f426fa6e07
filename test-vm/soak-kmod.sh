#!/usr/bin/env bash
# The network provider's soak (bench/soak/run.sh, io.flexsc.bench.soak.Soak) on the kmod engine, in
# the QEMU guest with the module loaded (the host cannot load it). Not run in CI.
#
# usage: test-vm/soak-kmod.sh [-c CONNECTIONS] [--no-build] [DURATION]
#
#   DURATION   e.g. 8m (default 8m)
#   -c N       connections (default 100: the emulated guest runs about 10-20x slower than the host,
#              and the host's 1,000 would leave the run measuring TCG rather than the engine)
#
# Single-threaded TCG, as for the Java suites (JVMs crash in JIT code under MTTCG; test-vm/README.md).
# The logs land in bench/results/soak-vm-<UTC date-time>/ on the host; the guest's kernel log is
# scanned by test-vm/run.sh (a WARNING/BUG/Oops fails the run). Exit codes as test-vm/run.sh.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
connections=100
duration=8m
build=1
while [ $# -gt 0 ]; do
  case "$1" in
  -c) connections="$2"; shift 2 ;;
  --no-build) build=0; shift ;;
  -h | --help) sed -n '2,13p' "$0"; exit 0 ;;
  *) duration="$1"; shift ;;
  esac
done
case "$connections$duration" in
*[!A-Za-z0-9]*) echo "soak-kmod: bad connections or duration" >&2; exit 2 ;;
esac
cd "$REPO"
if [ "$build" = 1 ]; then
  mvn -B -q -pl bench -am package -DskipTests
fi
[ -f bench/target/benchmarks.jar ] || { echo "soak-kmod: no bench/target/benchmarks.jar" >&2; exit 2; }
# the guest's whole run: the soak's duration, its drain (up to 6 min), JVM starts under TCG
case "$duration" in
*h) secs=$(( ${duration%h} * 3600 )) ;;
*m) secs=$(( ${duration%m} * 60 )) ;;
*s) secs=${duration%s} ;;
*) secs=$duration ;;
esac
export FLEXSC_VM_TCG_THREAD="${FLEXSC_VM_TCG_THREAD:-single}"
rc=0
bash "$HERE/run.sh" --timeout $((secs + 900)) --run \
  "bash $REPO/bench/soak/run.sh --no-build -e kmod -c $connections -o \$FLEXSC_RESULTS/soak $duration; r=\$?;
   echo '== module counters (debugfs)'; cat /sys/kernel/debug/flexsc/stats | tee \$FLEXSC_RESULTS/soak/module-stats.txt; exit \$r" || rc=$?
dest="$REPO/bench/results/soak-vm-$(date -u +%Y%m%dT%H%M%SZ)"
if [ -d "$HERE/out/results/soak" ]; then
  mkdir -p "$dest"
  cp -a "$HERE/out/results/soak/." "$dest/"
  cp "$HERE/out/results/dmesg.txt" "$dest/dmesg.txt" 2>/dev/null || true
  echo "soak-kmod: logs in $dest"
fi
exit $rc
