#!/usr/bin/env bash
# Builds the drop-in jar and the examples, prints the diagnostic report, then runs the demo:
# many threads writing through the JDK's FileChannel and through every engine this machine can run,
# with each engine's batching counters. Arguments go to the demo: [threads] [writes/thread] [batch].
set -euo pipefail
cd "$(dirname "$0")"
. scripts/lib.sh
ensure_build_tools
echo "== building (mvn package, tests skipped)"
mvn -B -q -DskipTests package
jar=$(provider_jar)
echo "== java -jar $jar"
java -jar "$jar"
echo "== demo"
exec java -cp "$jar:examples/target/flexsc-nio-examples-$(project_version).jar" \
  io.flexsc.nio.examples.EngineDemo "$@"
