#!/usr/bin/env bash
# The soak of the network provider (not run in CI): bench/src/main/java/io/flexsc/bench/soak/Soak.java
# on each engine in turn, one JVM per engine. Each run is an echo server on our provider under 1,000
# connections from the JDK's provider (slow readers, resets, half-closes, a child JVM of clients
# killed every few seconds, forced GCs), and fails on a corrupted or lost byte, a hang (thread dump)
# or descriptors/RSS that grow. Prints each run's summary and, at the end, one line per engine.
#
# usage: bench/soak/run.sh [-e "direct uring uring-ring kmod"] [-c CONNECTIONS] [-o DIR] [--no-build] [DURATION]
#
#   DURATION     per engine, e.g. 10m (default), 60s for a quick run
#   -e ENGINES   engines to soak (default: direct uring uring-ring, and kmod when /dev/flexsc exists);
#                uring-ring is uring with -Dflexsc.uring.adaptive=false: every call through the ring
#   -c N         connections (default 1000)
#   -o DIR       where the logs go (default bench/results/soak-<UTC date-time>; the QEMU guest, whose
#                view of the tree is read-only, passes a directory of its results share)
#   --no-build   use the existing bench/target/benchmarks.jar
#
# Output goes to DIR/<engine>.log as well. Exit status: 0 when every engine passed. Run alone: it
# loads the machine (two JVMs, 2,000 sockets). test-vm/soak-kmod.sh runs the kmod engine's soak in
# the QEMU guest.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
engines=""
out=""
connections=1000
build=1
duration=10m
while [ $# -gt 0 ]; do
    case "$1" in
        -e) engines="$2"; shift 2 ;;
        -c) connections="$2"; shift 2 ;;
        -o) out="$2"; shift 2 ;;
        --no-build) build=0; shift ;;
        -h|--help) sed -n '2,19p' "$0"; exit 0 ;;
        *) duration="$1"; shift ;;
    esac
done
if [ -z "$engines" ]; then
    engines="direct uring uring-ring"
    [ -e /dev/flexsc ] && engines="$engines kmod"
fi
jar="$root/bench/target/benchmarks.jar"
if [ "$build" = 1 ]; then
    (cd "$root" && mvn -B -q -pl bench -am package -DskipTests)
fi
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
# both ends of every connection live in this JVM, plus the selectors' and the engine's descriptors
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
[ -n "$out" ] || out="$root/bench/results/soak-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$out"
summary=()
rc=0
for e in $engines; do
    case "$e" in
        uring-ring) props=(-Dflexsc.engine=uring -Dflexsc.uring.adaptive=false) ;;
        *) props=(-Dflexsc.engine="$e") ;;
    esac
    echo "== soak on $e for $duration ($connections connections)"
    set +e
    "$java" -Xmx512m "${props[@]}" -cp "$jar" io.flexsc.bench.soak.Soak "$duration" "$connections" 2>&1 | tee "$out/$e.log"
    r=${PIPESTATUS[0]}
    set -e
    [ "$r" = 0 ] || rc=1
    summary+=("$e: $(grep -E '^RESULT' "$out/$e.log" | tail -n1) (exit $r)")
done
echo
echo "== soak results (logs in $out)"
printf '%s\n' "${summary[@]}"
exit $rc
