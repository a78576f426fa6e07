#!/bin/bash
# nmtsnap.sh NAME JAVA CP PROPS...: 1,000 x 16 x 4 KiB (3 s warm-up + 3 s), NMT summary and VmRSS every 0.3 s after the client starts; prints VmHWM and msgs/s
name=$1; JAVA=$2; cp=$3; shift 3
EX=${EX:-/work/main/examples/target/flexsc-nio-examples-0.1.0-SNAPSHOT.jar}
ulimit -n $(ulimit -Hn)
rm -rf /tmp/jx/nm-$name; mkdir -p /tmp/jx/nm-$name
( echo; sleep ${LIFE:-10}; echo quit ) | $JAVA -Xms512m -Xmx512m -XX:NativeMemoryTracking=summary "$@" -cp $cp io.flexsc.nio.examples.echo.EchoServer --transport nio --port 0 --threads 1 --host 127.0.0.1 > /tmp/jx/nm-$name/srv.out 2>&1 &
pid=$!
sleep 2
port=$(grep -o "LISTENING [0-9]*" /tmp/jx/nm-$name/srv.out | grep -o "[0-9]*")
java -cp $EX io.flexsc.nio.examples.echo.LoadClient --host 127.0.0.1 --port $port --connections 1000 --size 4096 --depth 16 --duration ${DURATION:-3} --warmup ${WARMUP:-3} --threads 1 --transport epoll --quiet > /tmp/jx/nm-$name/cli.out 2>&1 &
cpid=$!
for i in $(seq 1 12); do sleep 0.3; jcmd $pid VM.native_memory summary > /tmp/jx/nm-$name/n$i 2>/dev/null; grep VmRSS /proc/$pid/status | tr -s ' ' | cut -d' ' -f2 > /tmp/jx/nm-$name/r$i; done
wait $cpid
echo "$name $(grep VmHWM /proc/$pid/status | tr -s ' ' | cut -d' ' -f2) kB $(grep -o '= [0-9]* msgs/s' /tmp/jx/nm-$name/cli.out)"
wait
