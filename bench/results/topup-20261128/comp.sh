#!/bin/bash
name=$1; cp=$2; shift 2
EX=/work/main/examples/target/flexsc-nio-examples-0.1.0-SNAPSHOT.jar
ulimit -n $(ulimit -Hn)
( echo; sleep 14; echo quit ) | java -Xms512m -Xmx512m "-XX:StartFlightRecording=filename=/tmp/cp-$name.jfr,jdk.Compilation#threshold=0ms,jdk.Compilation#enabled=true" "$@" -cp $cp io.flexsc.nio.examples.echo.EchoServer --transport nio --port 0 --threads 1 --host 127.0.0.1 > /tmp/cp-srv-$name.out 2>&1 &
pid=$!
sleep 2
port=$(grep -o "LISTENING [0-9]*" /tmp/cp-srv-$name.out | grep -o "[0-9]*")
java -cp $EX io.flexsc.nio.examples.echo.LoadClient --host 127.0.0.1 --port $port --connections 1000 --size ${SIZE:-4096} --depth 16 --duration 5 --warmup 3 --threads 1 --transport epoll --quiet > /tmp/cp-cli-$name.out 2>&1
echo "$name $(grep -o '= [0-9]* msgs/s' /tmp/cp-cli-$name.out)"
wait
jfr print --events jdk.Compilation /tmp/cp-$name.jfr > /tmp/cp-$name.txt
