#!/usr/bin/env bash
# Issue 20, part 1: where the server's CPU per message goes. Runs the transport comparison's echo
# (bench/compare/run.sh, one variant and one scenario at a time) with async-profiler (Maven Central's
# tools.profiler:async-profiler, linux-x64) loaded into the server JVM only, sampling CPU time
# (perf_events cpu-clock, kernel stacks included) of every server thread, and writes per run the
# collapsed stacks and, over all runs, summary.md (profile.py): user against kernel time, CPU by
# thread kind, by layer, and the hottest frames.
#
# usage: bench/profile/run.sh [--no-build] [-o DIR] [--variants LIST] [--scenarios LIST] [--warmup S] [--duration S]
#   defaults: variants jdk-nio,flexsc-direct,flexsc-uring,netty-epoll; scenarios 64x64,1000x4096
#   (connections x message bytes, pipelined depth 16); warm-up 3 s, measured 8 s.
# The profile covers the server's whole life (start-up and warm-up too; the measured window dominates).
set -euo pipefail
args_given="$*"
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=1; out=""; variants="jdk-nio,flexsc-direct,flexsc-uring,netty-epoll"; scenarios="64x64,1000x4096"
warmup=3; duration=8
while [ $# -gt 0 ]; do
    case "$1" in
        --no-build) build=0; shift ;;
        -o) out="$2"; shift 2 ;;
        --variants) variants="$2"; shift 2 ;;
        --scenarios) scenarios="$2"; shift 2 ;;
        --warmup) warmup="$2"; shift 2 ;;
        --duration) duration="$2"; shift 2 ;;
        -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) echo "run.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
    esac
done
apver=4.1
apjar="$HOME/.m2/repository/tools/profiler/async-profiler/$apver/async-profiler-$apver-linux-x64.jar"
if [ ! -f "$apjar" ]; then
    (cd "$root" && mvn -B -q dependency:get -Dartifact="tools.profiler:async-profiler:$apver:jar:linux-x64")
fi
[ -n "$out" ] || out="$root/bench/results/profile-$(date -u +%Y%m%d-%H%M%S)"
mkdir -p "$out/collapsed" "$out/runs"
lib="$out/.agent/libasyncProfiler.so"
if [ ! -f "$lib" ]; then
    mkdir -p "$out/.agent"
    (cd "$out/.agent" && unzip -q -o "$apjar" linux-x64/libasyncProfiler.so && mv linux-x64/libasyncProfiler.so . && rmdir linux-x64)
fi
[ "$build" = 0 ] || (cd "$root" && mvn -B -q -DskipTests package)
nb=--no-build
{
    echo "- command: \`bench/profile/run.sh $args_given\`"
    echo "- machine: $(nproc) CPUs, Linux $(uname -r), $(java -version 2>&1 | head -n 1), async-profiler $apver (event cpu, interval 1 ms, threads)"
    echo "- commit: $(git -C "$root" rev-parse --short HEAD)$(git -C "$root" diff --quiet HEAD -- provider examples bench/src 2>/dev/null || echo ' (with uncommitted changes)')"
    echo "- uptime at the start: $(uptime)"
} > "$out/header.md"
for sc in ${scenarios//,/ }; do
    c=${sc%x*}; s=${sc#*x}
    for v in ${variants//,/ }; do
        name="$v-c$c-${s}B"
        echo "== $name ($(date -u +%T), load $(cut -d' ' -f1-3 /proc/loadavg))"
        "$root/bench/compare/run.sh" $nb -o "$out/runs/$name" -- --rounds 1 --no-file --variants "$v" \
            --connections "$c" --sizes "$s" --depths 16 --warmup "$warmup" --duration "$duration" \
            --server-jvm "-agentpath:$lib=start,event=cpu,interval=1ms,threads,collapsed,file=$out/collapsed/$name.collapsed" \
            > "$out/runs/$name.log" 2>&1 || echo "   (failed: see $out/runs/$name.log)"
    done
done
python3 "$here/profile.py" "$out" > "$out/summary.md"
echo "wrote $out/summary.md"
