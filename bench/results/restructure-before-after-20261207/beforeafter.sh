#!/usr/bin/env bash
# Before/after of the issue-21 restructuring: PipelinedEcho (64 connections, 64 B, depth 16, both
# ends on the provider under test) from the old build (29ace3d) and the new build, alternated per
# round in one run; msgs/s and process CPU (user+sys) per message.
set -euo pipefail
rounds=${1:-5} messages=${2:-2000000}
old=/work/wt-old new=${NEW:-/work/wt-int2}
cpof() { echo "$1/provider/target/flexsc-nio-0.1.0-SNAPSHOT-all.jar:$1/bench/target/flexsc-nio-bench-0.1.0-SNAPSHOT.jar"; }
echo "round,build,variant,msgs_per_s,cpu_s,cpu_us_per_msg"
for ((r = 1; r <= rounds; r++)); do
  for e in uring direct jdk; do
    for b in old new; do
      [ $e = jdk ] && [ $b = old ] && continue
      dir=$old; [ $b = new ] && dir=$new
      if [ $e = jdk ]; then args=(io.flexsc.nio.bench.net.PipelinedEcho jdk $messages); else args=(-Dflexsc.engine=$e io.flexsc.nio.bench.net.PipelinedEcho flex $messages); fi
      out=$(/usr/bin/time -o /tmp/ba.time -f "CPU %U %S" java -cp "$(cpof $dir)" "${args[@]}" 2>/dev/null)
      rate=$(echo "$out" | grep -o 'msgs/s=[0-9.]*' | tail -1 | cut -d= -f2)
      cpu=$(awk '/^CPU/{print $2+$3}' /tmp/ba.time)
      echo "$r,$b,$e,$rate,$cpu,$(python3 -c "print(round($cpu*1e6/$messages,3))")"
    done
  done
done
