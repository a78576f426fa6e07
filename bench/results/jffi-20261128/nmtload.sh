#!/bin/bash
# nmtload.sh NAME CP PROPS: server under 1000x16x4KiB load, 12 s warm-up; NMT summary + VmHWM at ~14 s
name=$1; cp=$2; shift 2
EX=/work/main/examples/target/flexsc-nio-examples-0.1.0-SNAPSHOT.jar
ulimit -n $(ulimit -Hn)
( echo; sleep 24; echo quit ) | java -Xms512m -Xmx512m -XX:NativeMemoryTracking=summary "$@" -cp $cp io.flexsc.nio.examples.echo.EchoServer --transport nio --port 0 --threads 1 --host 127.0.0.1 > /tmp/jx/nl-srv-$name.out 2>&1 &
pid=$!
sleep 2
port=$(grep -o "LISTENING [0-9]*" /tmp/jx/nl-srv-$name.out | grep -o "[0-9]*")
java -cp $EX io.flexsc.nio.examples.echo.LoadClient --host 127.0.0.1 --port $port --connections 1000 --size 4096 --depth 16 --duration 3 --warmup 12 --threads 1 --transport epoll --quiet > /tmp/jx/nl-cli-$name.out 2>&1 &
cpid=$!
sleep 13.5
jcmd $pid VM.native_memory summary > /tmp/jx/nl-nmt-$name.txt
cp /proc/$pid/smaps /tmp/jx/nl-smaps-$name.txt; grep -E "VmHWM|VmRSS|RssAnon|RssFile" /proc/$pid/status > /tmp/jx/nl-st-$name.txt
wait $cpid
echo "$name $(grep VmHWM /proc/$pid/status | tr -s ' ' | cut -f2) $(grep -o '= [0-9]* msgs/s' /tmp/jx/nl-cli-$name.out)"
wait
