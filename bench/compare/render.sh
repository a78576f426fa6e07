#!/usr/bin/env bash
# Re-renders a comparison's summary.csv/summary.json, table.md and PNG charts from its runs.csv
# (headless Java2D, no extra dependency).
#
# usage: bench/compare/render.sh bench/results/compare-<date-time>
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
dir=${1:?usage: bench/compare/render.sh RESULTS-DIR}
jar="$root/bench/target/benchmarks.jar"
[ -f "$jar" ] || (cd "$root" && mvn -B -q -pl bench -am package -DskipTests)
java -Djava.awt.headless=true -cp "$jar" io.flexsc.bench.compare.CompareRunner --render "$dir"
