#!/bin/bash
# ptrace.sh NAME CP PROPS: syscall summary (perf trace -s) of the server for 3 s mid-load
name=$1; cp=$2; shift 2
EX=/work/main/examples/target/flexsc-nio-examples-0.1.0-SNAPSHOT.jar
ulimit -n $(ulimit -Hn)
( echo; sleep 14; echo quit ) | java -Xms512m -Xmx512m "$@" -cp $cp io.flexsc.nio.examples.echo.EchoServer --transport nio --port 0 --threads 1 --host 127.0.0.1 > /tmp/pt-srv-$name.out 2>&1 &
pid=$!
sleep 2
port=$(grep -o "LISTENING [0-9]*" /tmp/pt-srv-$name.out | grep -o "[0-9]*")
( sleep 6; timeout -s INT 3 perf trace -s -p $pid -o /tmp/pt-$name.txt >/dev/null 2>&1 ) &
java -cp $EX io.flexsc.nio.examples.echo.LoadClient --host 127.0.0.1 --port $port --connections 1000 --size ${SIZE:-4096} --depth 16 --duration 5 --warmup 3 --threads 1 --transport epoll --quiet > /tmp/pt-cli-$name.out 2>&1
echo "$name $(grep -o '= [0-9]* msgs/s' /tmp/pt-cli-$name.out)"
wait
