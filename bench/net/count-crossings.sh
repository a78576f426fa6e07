#!/usr/bin/env bash
# Kernel crossings per echoed message of PipelinedEcho, counted with strace on a fixed run.
#   count-crossings.sh <messages> jdk|flex [-D... JVM flags]
# Runs the benchmark twice under `strace -f`: with 0 messages (start-up and connection set-up only)
# and with <messages>; prints, per message, the difference in system calls made
#   - by all threads of the JVM (strace -c -f totals), and
#   - by the I/O threads only: echo-server, echo-client and flexsc-net-flusher (named with prctl),
#     which leaves out the JIT compiler, GC and other JVM housekeeping threads.
# Needs the drop-in jar and the bench jar: mvn -B -q -pl provider,bench -am -DskipTests package
set -euo pipefail
usage() { sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'; }
case "${1:-}" in -h|--help) usage; exit 0 ;; esac
[ $# -ge 2 ] || { usage >&2; exit 2; }
cd "$(git -C "$(dirname "$0")" rev-parse --show-toplevel)"
n=$1; shift; which=$1; shift
cp=provider/target/flexsc-nio-0.1.0-SNAPSHOT-all.jar:bench/target/flexsc-nio-bench-0.1.0-SNAPSHOT.jar
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for m in 0 "$n"; do
  strace -f -qq -o "$tmp/t.$m" java "$@" -cp "$cp" io.flexsc.nio.bench.net.PipelinedEcho "$which" "$m" > "$tmp/out.$m"
done
tally() { # file -> all io
  awk '
    /PR_SET_NAME, "(echo-server|echo-client|flexsc-net-flus)/ { io[$1] = 1 }
    $2 ~ /^<\.\.\./ { next }                         # the second half of an interrupted call
    $2 ~ /^\+\+\+|^---/ { next }                     # exits and signals
    { all++; calls[$1]++ }
    END { s = 0; for (t in io) s += calls[t]; print all, s }' "$1"
}
read -r a0 i0 < <(tally "$tmp/t.0")
read -r a1 i1 < <(tally "$tmp/t.$n")
cat "$tmp/out.$n"
echo "all threads: $(( a1 - a0 )) calls, $(echo "scale=3; ($a1 - $a0) / $n" | bc) per message"
echo "I/O threads: $(( i1 - i0 )) calls, $(echo "scale=3; ($i1 - $i0) / $n" | bc) per message"
