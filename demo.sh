#!/usr/bin/env bash
# Builds the drop-in jar and the examples, prints the diagnostic report, then runs the echo demo:
# a Netty echo server (NIO transport) on flexsc-nio's SelectorProvider with the default engine, loaded
# by a client in another JVM, then the same on the JDK's provider, and the two side by side.
#   ./demo.sh [--connections 64] [--size 64] [--depth 16] [--duration 5] [--warmup 3]
#             [--server-threads 1] [--client-threads 1] [--client-transport epoll|nio|io_uring] [--only flexsc|jdk]
#   ./demo.sh engines [threads] [writes/thread] [batch]   # the file-write engine demo (JDK vs every engine)
set -euo pipefail
cd "$(dirname "$0")"
. scripts/lib.sh
ensure_build_tools
echo "== building (mvn package, tests skipped)"
mvn -B -q -DskipTests package
jar=$(provider_jar)
examples="examples/target/flexsc-nio-examples-$(project_version).jar"
echo "== java -jar $jar"
java -jar "$jar"
if [ "${1:-}" = engines ]; then
  shift
  echo "== engine demo"
  exec java -cp "$jar:$examples" io.flexsc.nio.examples.EngineDemo "$@"
fi
echo "== echo demo"
ensure_perf
# The examples jar names Netty and HdrHistogram (examples/target/lib) in its manifest and holds no
# provider: the demo puts the drop-in jar on the flexsc server's class path only.
exec java -cp "$examples" io.flexsc.nio.examples.echo.EchoDemo --provider-jar "$jar" "$@"
