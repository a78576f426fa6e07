#!/bin/bash
# usage: rss7.sh NAME CP PROPS... : RSS series every 0.1 s, with arenas per thread at the end of load
name=$1; cp=$2; shift 2
V=0.1.0-SNAPSHOT; EX=/work/main/examples/target/flexsc-nio-examples-$V.jar
ulimit -n $(ulimit -Hn)
( echo; sleep 24; echo quit ) | java -Xms512m -Xmx512m "$@" -cp $cp io.flexsc.nio.examples.echo.EchoServer --transport nio --port 0 --threads 1 --host 127.0.0.1 > /tmp/srv-$name.out 2>&1 &
sleep 2
pid=$!
t0=$(date +%s%N)
( while kill -0 $pid 2>/dev/null; do echo "$(( ($(date +%s%N)-t0)/100000000 )) $(grep VmRSS /proc/$pid/status | tr -s " " | cut -d" " -f2)"; sleep 0.1; done ) > /tmp/rsst-$name.txt &
port=$(grep -o "LISTENING [0-9]*" /tmp/srv-$name.out | grep -o "[0-9]*")
( sleep 10.5; for t in /proc/$pid/task/*; do echo "$(basename $t) $(cat $t/comm)"; done > /tmp/threads-$name.txt;
  gdb -q -batch -p $pid -ex 'set pagination off' -ex 'thread apply all print (void*)thread_arena' > /tmp/gdb-$name.txt 2>&1;
  cp /proc/$pid/smaps /tmp/smaps-$name.txt ) &
java -cp $EX io.flexsc.nio.examples.echo.LoadClient --host 127.0.0.1 --port $port --connections 1000 --size ${SIZE:-64} --depth 16 --duration 8 --warmup 3 --threads 1 --transport epoll --quiet > /tmp/cli-$name.out 2>&1
echo "$name $(grep -E 'VmHWM' /proc/$pid/status) $(grep -o '= [0-9]* msgs/s' /tmp/cli-$name.out)"
wait
