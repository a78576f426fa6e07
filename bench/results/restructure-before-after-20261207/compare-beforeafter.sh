#!/usr/bin/env bash
# Issue 21's before/after for the transport comparison and the file benchmarks: bench/compare/run.sh
# (12 echo scenarios on jdk-nio, flexsc-uring and flexsc-direct, plus the file cases) from the old
# build and the new one, one round each, alternated (old-new, new-old, old-new ...) so that load drift
# hits both alike. Both trees must be built (mvn -DskipTests package) beforehand.
#
# usage: OLD=/path/to/old-tree NEW=/path/to/new-tree compare-beforeafter.sh ROUNDS OUTDIR [RUNNER-ARGS...]
# (RUNNER-ARGS go to CompareRunner after the defaults here, e.g. --connections 1,64 --no-file)
set -euo pipefail
rounds=${1:-3}
out=${2:?output directory}
shift 2 || true
extra=("$@")
mkdir -p "$out"
for r in $(seq 1 "$rounds"); do
    if [ $((r % 2)) = 1 ]; then order="old new"; else order="new old"; fi
    for b in $order; do
        tree=$OLD; [ "$b" = new ] && tree=$NEW
        echo "round $r $b ($(git -C "$tree" rev-parse --short HEAD)) start $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$out/rounds.txt"
        "$tree/bench/compare/run.sh" --no-build -o "$out/$b-r$r" -- --rounds 1 \
            --variants jdk-nio,flexsc-uring,flexsc-direct "${extra[@]}" > "$out/$b-r$r.log" 2>&1
    done
done
echo "done $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$out/rounds.txt"
