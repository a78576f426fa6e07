#!/usr/bin/env bash
# Interleaved throughput rounds of PipelinedEcho: JDK's provider, then ours on each engine spec,
# ROUNDS times, each a fresh JVM; prints every run, then the median per variant and its ratio to
# the JDK's median, and the per-round ratios (ours over the JDK of the same round).
#
# usage: rounds.sh ROUNDS MESSAGES VARIANT...    VARIANT = jdk | ENGINE[:KEY=VALUE...]
#   (each KEY=VALUE becomes -Dflexsc.net.KEY=VALUE)
#   e.g. rounds.sh 7 2000000 jdk uring direct uring:batch=false uring:selectorRing=false
# Build first: mvn -B -q -pl provider,bench -am -DskipTests package
set -euo pipefail
usage() { sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; }
case "${1:-}" in -h|--help) usage; exit 0 ;; esac
[ $# -ge 3 ] || { usage >&2; exit 2; }
root=$(cd "$(dirname "$0")/../.." && pwd)
cp="$root/provider/target/flexsc-nio-0.1.0-SNAPSHOT-all.jar:$root/bench/target/flexsc-nio-bench-0.1.0-SNAPSHOT.jar"
rounds=$1 messages=$2
shift 2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for ((r = 1; r <= rounds; r++)); do
    for v in "$@"; do
        if [ "$v" = jdk ]; then
            args=(io.flexsc.nio.bench.net.PipelinedEcho jdk "$messages")
        else
            IFS=: read -r -a parts <<< "$v"
            args=("-Dflexsc.engine=${parts[0]}")
            for kv in "${parts[@]:1}"; do
                args+=("-Dflexsc.net.$kv")
            done
            args+=(io.flexsc.nio.bench.net.PipelinedEcho flex "$messages")
        fi
        line=$(java -cp "$cp" "${args[@]}" 2>/dev/null | grep 'msgs/s=')
        rate=${line##*msgs/s=}
        echo "round $r $v $rate"
        echo "$r $rate" >> "$tmp/$(echo "$v" | tr ':=' '__')"
    done
done
python3 - "$tmp" "$@" <<'PY'
import sys, statistics, os
d, variants = sys.argv[1], sys.argv[2:]
runs = {v: [float(l.split()[1]) for l in open(os.path.join(d, v.replace(':', '_').replace('=', '_')))] for v in variants}
base = statistics.median(runs['jdk']) if 'jdk' in runs else None
for v in variants:
    m = statistics.median(runs[v])
    line = f"{v:24s} median {m:12,.0f} msgs/s  runs " + " ".join(f"{x/1000:.0f}k" for x in runs[v])
    if base and v != 'jdk':
        per = [a / b for a, b in zip(runs[v], runs['jdk'])]
        line += f"  ratio {m/base:.2f}x (per round {' '.join(f'{x:.2f}' for x in per)}; median {statistics.median(per):.2f})"
    print(line)
PY
