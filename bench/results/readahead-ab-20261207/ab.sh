#!/usr/bin/env bash
# Issue 20 part 2's A/B of two candidates, one build, server flags alternated per round so that load
# drift hits all alike: bench/compare/run.sh on jdk-nio and flexsc-uring with
#   old:      -Dflexsc.net.readAheadRule=always   -Dflexsc.net.sharedBufferPool=queue  (as before)
#   pool:     -Dflexsc.net.readAheadRule=always   (the array pool: nothing allocated per select)
#   adaptive: -Dflexsc.net.readAheadRule=adaptive (read-ahead only where it saves a crossing)
# Each run's flexsc-uring is read against the JDK's run of the same round (ratio of ratios).
# usage: ab.sh ROUNDS OUTDIR [RUNNER-ARGS...]   (the tree must be built: mvn -DskipTests package)
set -euo pipefail
root=$(cd "$(dirname "$0")/../../.." && pwd)
rounds=${1:-3}
out=${2:?output directory}
shift 2 || true
extra=("$@")
mkdir -p "$out"
declare -A flags=(
    [old]="-Dflexsc.net.readAheadRule=always -Dflexsc.net.sharedBufferPool=queue"
    [pool]="-Dflexsc.net.readAheadRule=always"
    [adaptive]="-Dflexsc.net.readAheadRule=adaptive")
for r in $(seq 1 "$rounds"); do
    case $((r % 3)) in 1) order="old pool adaptive" ;; 2) order="adaptive old pool" ;; 0) order="pool adaptive old" ;; esac
    for c in $order; do
        echo "round $r $c start $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$out/rounds.txt"
        "$root/bench/compare/run.sh" --no-build -o "$out/$c-r$r" -- --rounds 1 --no-file \
            --variants jdk-nio,flexsc-uring --server-jvm "${flags[$c]}" "${extra[@]}" > "$out/$c-r$r.log" 2>&1
    done
done
echo "done $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$out/rounds.txt"
