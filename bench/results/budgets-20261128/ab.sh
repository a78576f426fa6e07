#!/bin/bash
# usage: ab.sh NAME CP PROPS... : one server + 1000-conn client run; prints name, VmHWM, msgs/s, server CPU s
# env: SIZE (64), CONNS (1000), DEPTH (16), WARMUP (3 s), DURATION (5 s), LIFE (server life, 16 s), HEAP
name=$1; cp=$2; shift 2
EX=/work/main/examples/target/flexsc-nio-examples-0.1.0-SNAPSHOT.jar
ulimit -n $(ulimit -Hn)
( echo; sleep ${LIFE:-16}; echo quit ) | java ${HEAP:--Xms512m -Xmx512m} "$@" -cp $cp io.flexsc.nio.examples.echo.EchoServer --transport nio --port 0 --threads 1 --host 127.0.0.1 > /tmp/ab-srv-$name.out 2>&1 &
pid=$!
sleep 2
port=$(grep -o "LISTENING [0-9]*" /tmp/ab-srv-$name.out | grep -o "[0-9]*")
java -cp $EX io.flexsc.nio.examples.echo.LoadClient --host 127.0.0.1 --port $port --connections ${CONNS:-1000} --size ${SIZE:-64} --depth ${DEPTH:-16} --duration ${DURATION:-5} --warmup ${WARMUP:-3} --threads 1 --transport epoll --quiet > /tmp/ab-cli-$name.out 2>&1
t=$(awk '{print $14+$15}' /proc/$pid/stat)
echo "$name $(grep VmHWM /proc/$pid/status | tr -s ' ' | cut -f2) $(grep -o '= [0-9]* msgs/s' /tmp/ab-cli-$name.out) cpu_ticks=$t"
wait
