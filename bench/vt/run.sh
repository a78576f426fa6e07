#!/usr/bin/env bash
# Issue 19: the virtual-thread echo benchmark. Builds the reactor, then runs io.flexsc.bench.vt.VtRunner:
# a virtual-thread-per-connection echo server (io.flexsc.bench.vt.VtEchoServer, blocking SocketChannels,
# one virtual thread each) on JDK 21+ for every variant, under the examples' LoadClient (Netty epoll,
# every echoed byte checked), in interleaved rounds (jdk, flexsc-uring, flexsc-direct; reversed in the
# next round; flexsc-kmod too where /dev/flexsc exists):
#   jdk            the JDK's own virtual-thread I/O (no provider flags)
#   flexsc-uring   -Djava.nio.channels.spi.SelectorProvider=io.flexsc.nio.net.FlexSelectorProvider
#   flexsc-direct  -Djava.nio.file.spi.DefaultFileSystemProvider=io.flexsc.nio.fs.FlexFileSystemProvider
#                  and -Dflexsc.engine=uring|direct (drop-in jar on the class path)
# Scenarios: 100 and 10,000 connections x 64 B and 4 KiB messages, request/response (one message in
# flight per connection); request/response on 1 connection (latency p50/p99); 10,000 x 64 B with 1,000
# virtual threads doing FileChannel reads and writes on a temporary file in the server beside the echo.
# Per run: messages/s and latency (client), server CPU per message (utime+stime of the server JVM over
# the client's measured window), kernel crossings per message (every system call of the server JVM's
# threads, io_uring_enter included, counted by `perf stat -e raw_syscalls:sys_enter` in a window of its
# own before the measured one). Writes table.md (medians, ratios to jdk, the issue's goals) and runs.csv
# to bench/results/vt-echo-<UTC date-time>/; the runs' logs go to bench/target/vt-echo-logs-<same>/.
#
# usage: bench/vt/run.sh [--quick] [--no-build] [-o DIR] [--rounds N] [--duration S] [-- RUNNER-ARGS...]
#
#   --quick       a smoke test: 1 round, 1 s warm-up + 1 s counting + 1.5 s measured, 100 connections
#                 (64 B, 4 KiB), 1 connection, and 100 connections with 100 file threads
#   --no-build    use the jars already built
#   -o DIR        output directory
#   --rounds N    rounds (default 5)
#   --duration S  measured seconds per run (default 5; plus 3 s warm-up and 2 s counting)
#   RUNNER-ARGS   passed on (after the defaults, so they win): --warmup S, --count S, --scenarios LIST
#                 (e.g. c100-64B-rr,c10000-4KiB-rr,c1-64B-rr,c10000-64B-rr+files1000), --variants LIST,
#                 --jvm "FLAGS", --server-args "--buffer 8192 --file-pause-us 1000 ...", --client-threads N,
#                 --no-count
# Environment: VT_SERVER_JAVA (default /usr/lib/jvm/temurin-25-jdk-amd64/bin/java; JDK 21+),
#              VT_CLIENT_JAVA (default: java on the PATH).
#
# The defaults (5 rounds, 6 scenarios x 3 variants, about 12-15 s per run) take about 25 minutes on
# the project's 2-core VM.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cmdline="$*"
build=1
quick=0
out=""
args=()
while [ $# -gt 0 ]; do
    case "$1" in
        --quick) quick=1; shift ;;
        --no-build) build=0; shift ;;
        -o) out="$2"; shift 2 ;;
        --rounds|--duration) args+=("$1" "$2"); shift 2 ;;
        -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        --) shift; break ;;
        *) echo "run.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
    esac
done
extra=("$@")

server_java=${VT_SERVER_JAVA:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
client_java=${VT_CLIENT_JAVA:-$(command -v java)}
[ -x "$server_java" ] || { echo "run.sh: $server_java is not there; set VT_SERVER_JAVA to a JDK 21+ java" >&2; exit 1; }

if [ "$build" = 1 ]; then
    (cd "$root" && mvn -B -q -DskipTests package)
fi
version=$(cd "$root" && sed -n 's:.*<version>\(.*-SNAPSHOT\)</version>.*:\1:p' pom.xml | head -n 1)
dropin="$root/provider/target/flexsc-nio-$version-all.jar"
examples="$root/examples/target/flexsc-nio-examples-$version.jar"   # LoadClient; names Netty etc. in its manifest
benchjar="$root/bench/target/flexsc-nio-bench-$version.jar"         # VtEchoServer (no dependencies)
runner="$root/bench/target/benchmarks.jar"
for f in "$dropin" "$examples" "$benchjar" "$runner"; do
    [ -f "$f" ] || { echo "run.sh: $f is missing; run without --no-build" >&2; exit 1; }
done

# 10,000 connections: 10,000 sockets in each of the client and server JVMs, plus the JVMs' own
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt 12000 ]; then
    echo "run.sh: open-file limit $(ulimit -n) is below 12000; 10,000 connections will fail" >&2
fi
if [ -e /tmp/BENCH_RUNNING ]; then
    echo "run.sh: note: /tmp/BENCH_RUNNING exists (another benchmark may be running)" >&2
fi

stamp=$(date -u +%Y%m%d-%H%M%S)
[ -n "$out" ] || out="$root/bench/results/vt-echo-$stamp"
logs="$root/bench/target/vt-echo-logs-$stamp"
mkdir -p "$out" "$logs"

defaults=()
if [ "$quick" = 1 ]; then
    defaults+=(--rounds 1 --warmup 1 --count 1 --duration 1.5
               --scenarios c100-64B-rr,c100-4KiB-rr,c1-64B-rr,c100-64B-rr+files100)
fi

header="$logs/header.md"
{
    echo "- command: \`bench/vt/run.sh $cmdline\`"
    echo "- machine: $(nproc) CPUs ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')), Linux $(uname -r)"
    echo "- server JDK: $("$server_java" -version 2>&1 | head -n 1); client JDK: $("$client_java" -version 2>&1 | head -n 1)"
    echo "- commit: $(git -C "$root" rev-parse --short HEAD)$(git -C "$root" diff --quiet HEAD -- provider examples bench/src 2>/dev/null || echo ' (with uncommitted changes)')"
    echo "- open-file limit: $(ulimit -n); perf: $(perf --version 2>/dev/null || echo none)"
} > "$header"
cat "$header"

java -cp "$runner" io.flexsc.bench.vt.VtRunner \
    --out "$out" --logs "$logs" --server-cp "$benchjar" --client-cp "$examples" --dropin "$dropin" \
    --server-java "$server_java" --client-java "$client_java" --header "$header" \
    "${defaults[@]}" "${args[@]}" "${extra[@]}"
