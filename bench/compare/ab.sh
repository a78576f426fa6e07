#!/usr/bin/env bash
# A/B of server flags on one build (issue 20, part 2: "measure each candidate and keep only what pays").
# Each round runs bench/compare/run.sh once per configuration, on jdk-nio and one flexsc variant, with
# that configuration's flags on the servers; the configurations' order rotates from round to round
# so that load drift hits all alike. Each flexsc run is read against the JDK's run of the same round
# and configuration (a ratio of ratios); ab_summary.py then writes table.md: per echo scenario and
# configuration, medians over the rounds of CPU per message and msgs/s as ratios to the JDK, the avg
# batch, and each configuration against the first one.
#
# usage: bench/compare/ab.sh [-r ROUNDS] [-v VARIANT] -o OUTDIR NAME='FLAGS' NAME='FLAGS'... [-- RUNNER-ARGS...]
#   -r ROUNDS   rounds (default 3)
#   -v VARIANT  the flexsc variant (default flexsc-uring)
#   -o OUTDIR   output directory: ab.txt (the command), rounds.txt, <name>-r<round>/ and its .log, table.md
#   NAME=FLAGS  a configuration: JVM flags for the servers ('' for the build's defaults)
#   RUNNER-ARGS passed on to the comparison's runner (e.g. --connections 64,1000 --warmup 3 --duration 3)
# The tree must be built first (mvn -q -DskipTests package, or one bench/compare/run.sh --quick).
# The read-ahead A/B of 2026-12-07 (bench/results/readahead-ab-20261207) was:
#   bench/compare/ab.sh -o OUT old='-Dflexsc.net.readAheadRule=always -Dflexsc.net.sharedBufferPool=queue' \
#       pool='-Dflexsc.net.readAheadRule=always' adaptive='-Dflexsc.net.readAheadRule=adaptive' -- --connections 64,1000
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cmdline=$(printf "%q " "$0" "$@")
rounds=3
variant=flexsc-uring
out=""
names=()
declare -A flags=()
while [ $# -gt 0 ]; do
    case "$1" in
        -r) rounds="$2"; shift 2 ;;
        -v) variant="$2"; shift 2 ;;
        -o) out="$2"; shift 2 ;;
        -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        --) shift; break ;;
        *=*) names+=("${1%%=*}"); flags[${1%%=*}]="${1#*=}"; shift ;;
        *) echo "ab.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
    esac
done
extra=("$@")
[ -n "$out" ] || { echo "ab.sh: -o OUTDIR is required" >&2; exit 2; }
[ "${#names[@]}" -ge 2 ] || { echo "ab.sh: give at least two NAME='FLAGS' configurations" >&2; exit 2; }
mkdir -p "$out"
echo "$cmdline" > "$out/ab.txt"
n=${#names[@]}
for r in $(seq 1 "$rounds"); do
    for k in $(seq 0 $((n - 1))); do
        c=${names[$(((k + r - 1) % n))]}
        echo "round $r $c start $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$out/rounds.txt"
        # no flags: a property nothing reads, so that --server-jvm has a value
        "$here/run.sh" --no-build -o "$out/$c-r$r" -- --rounds 1 --no-file --variants "jdk-nio,$variant" \
            --server-jvm "${flags[$c]:--Dflexsc.ab=$c}" "${extra[@]}" > "$out/$c-r$r.log" 2>&1
    done
done
echo "done $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$out/rounds.txt"
python3 "$here/ab_summary.py" "$out" "$variant" "${names[@]}" > "$out/table.md"
cat "$out/table.md"
