#!/usr/bin/env bash
# Builds the benchmarks and runs them at several thread counts, writing JMH's JSON results, a CSV
# digest of them, the JMH logs and a Markdown summary (ns/call and ratio to the JDK) under
# bench/results/. Needs jq.
#
# usage: bench/run.sh [-t "1 4 16"] [-e "direct uring"] [-T "devnull file"] [-o DIR] [--no-build]
#                     [REGEX...] [-- JMH-ARGS...]
#
#   -t THREADS   thread counts (default "1 4 16")
#   -e ENGINES   engine specs for EngineBench's engine parameter (default "direct uring"); a spec is
#                NAME or NAME:key=value (sets -Dflexsc.NAME.key=value in the fork), e.g.
#                "direct uring:adaptive=true uring:adaptive=false". Engines that cannot start here
#                are left out with the reason printed.
#   -T TARGETS   targets (default "devnull file")
#   -o DIR       output directory (default bench/results/<UTC date-time>)
#   --no-build   use the existing bench/target/benchmarks.jar
#   REGEX        JMH benchmark selection for every block (default: EngineBench and
#                JdkFileChannelBench, plus RawSyscallBench in the first block of each target and
#                thread count)
#   JMH-ARGS     passed to JMH; an option given here replaces the default of the same name,
#                e.g. -- -i 10 -r 500ms
#
# The run is cut into blocks, one JMH run per thread count, target and engine, each with its own
# JDK baseline: an engine's ratios are to the JDK measured a minute apart at most, so a change in
# the machine's load (other processes) between blocks does not turn into a false ratio.
# Defaults are short, for a shared 2-core machine: -f 1 -wi 3 -i 5 -w 1s -r 1s. Timings here are
# noisy: compare the ratios of one run, never absolute times across runs.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
jar="$here/target/benchmarks.jar"

threads="1 4 16"
engines="direct uring"
targets="devnull file"
out=""
build=1
selection=()
extra=()

while [ $# -gt 0 ]; do
    case "$1" in
        -t) threads="$2"; shift 2 ;;
        -e) engines="$2"; shift 2 ;;
        -T) targets="$2"; shift 2 ;;
        -o) out="$2"; shift 2 ;;
        --no-build) build=0; shift ;;
        -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        --) shift; extra=("$@"); break ;;
        -*) echo "run.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
        *) selection+=("$1"); shift ;;
    esac
done

for t in $threads; do
    case "$t" in
        ''|*[!0-9]*) echo "run.sh: thread count '$t' is not a positive number" >&2; exit 2 ;;
    esac
done
for target in $targets; do
    case "$target" in
        devnull|file) ;;
        *) echo "run.sh: unknown target '$target'; expected devnull or file" >&2; exit 2 ;;
    esac
done

if ! command -v jq >/dev/null; then
    echo "run.sh: jq is needed to digest JMH's JSON results (apt-get install jq)" >&2
    exit 1
fi

if [ "$build" = 1 ]; then
    (cd "$root" && mvn -B -q -pl bench -am package -DskipTests)
fi
if [ ! -f "$jar" ]; then
    echo "run.sh: $jar is missing; run without --no-build" >&2
    exit 1
fi

if [ -z "$out" ]; then
    out="$here/results/$(date -u +%Y%m%d-%H%M%S)"
fi
mkdir -p "$out"

# Engines that cannot start here are left out, with the reason (EngineProbe prints it on stderr).
# shellcheck disable=SC2086 # the specs are words on purpose
if ! available=$(java -cp "$jar" io.flexsc.bench.EngineProbe $engines 2>"$out/skipped.txt"); then
    echo "run.sh: none of the engines ($engines) can start here; running the baselines only" >&2
fi
cat "$out/skipped.txt" >&2

# The short defaults, less those JMH-ARGS override (JMH refuses an option given twice).
defaults=()
set -- -f 1 -wi 3 -i 5 -w 1s -r 1s
while [ $# -gt 0 ]; do
    overridden=0
    for a in "${extra[@]}"; do
        if [ "$a" = "$1" ]; then overridden=1; fi
    done
    if [ "$overridden" = 0 ]; then defaults+=("$1" "$2"); fi
    shift 2
done

{
    echo "date: $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
    echo "kernel: $(uname -r)"
    echo "cpus: $(nproc)"
    echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "java: $(java -version 2>&1 | head -n 2 | tr '\n' ' ')"
    echo "commit: $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$root" diff --quiet HEAD 2>/dev/null || echo ' (with uncommitted changes)')"
    if git -C "$root" rev-parse --verify -q uring >/dev/null 2>&1; then
        echo "uring branch: $(git -C "$root" log -1 --format='%h %s' uring)"
        echo "uring branch merged into commit: $(git -C "$root" merge-base --is-ancestor uring HEAD && echo yes || echo no)"
    fi
    echo "engines: $(echo "$available" | paste -sd' ' -)"
    sed 's/^/  /' "$out/skipped.txt"
    echo "threads: $threads"
    echo "targets: $targets"
    echo "selection: ${selection[*]:-default}"
    echo "jmh args: ${defaults[*]} ${extra[*]:-} -t <threads> -p target=<target> -p engine=<engine> -rf json"
} > "$out/meta.txt"
cat "$out/meta.txt"

# One block: JMH on one thread count, target and engine ("" for none), then its CSV digest.
csvs=()
block() {
    local t=$1 target=$2 engine=$3 name
    shift 3
    local params=(-p "target=$target")
    if [ -n "$engine" ]; then
        params+=(-p "engine=$engine")
    fi
    name="t$t-$target-$(echo "${engine:-baseline}" | tr -c 'A-Za-z0-9=\n' '_')"
    echo "== $t thread(s), $target, ${engine:-baselines only} =="
    java -jar "$jar" "$@" "${defaults[@]}" "${params[@]}" -t "$t" "${extra[@]}" \
        -rf json -rff "$out/$name.json" 2>&1 | tee "$out/$name.log"
    # JMH's CSV columns plus the median, fastest and slowest measurement iteration.
    jq -r '(["Benchmark","Mode","Threads","Samples","Score","Score Error (99.9%)","Unit",
             "Param: engine","Param: target","Median","Min","Max"] | @csv),
           (.[] | [.benchmark, .mode, .threads, (.primaryMetric.rawData | map(length) | add),
                   .primaryMetric.score, .primaryMetric.scoreError, .primaryMetric.scoreUnit,
                   (.params.engine // ""), (.params.target // ""),
                   .primaryMetric.scorePercentiles["50.0"], .primaryMetric.scorePercentiles["0.0"],
                   .primaryMetric.scorePercentiles["100.0"]] | @csv)' "$out/$name.json" > "$out/$name.csv"
    csvs+=("$out/$name.csv")
}

for t in $threads; do
    for target in $targets; do
        if [ -z "$available" ]; then
            block "$t" "$target" "" "${selection[@]:-JdkFileChannelBench}" RawSyscallBench
            continue
        fi
        first=1
        for engine in $available; do
            if [ ${#selection[@]} -gt 0 ]; then
                block "$t" "$target" "$engine" "${selection[@]}"
            elif [ "$first" = 1 ]; then
                block "$t" "$target" "$engine" EngineBench JdkFileChannelBench RawSyscallBench
            else
                block "$t" "$target" "$engine" EngineBench JdkFileChannelBench
            fi
            first=0
        done
    done
done

echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$out/meta.txt"
java -cp "$jar" io.flexsc.bench.ResultsTable "${csvs[@]}" | tee "$out/table.md"
echo "results: $out"
