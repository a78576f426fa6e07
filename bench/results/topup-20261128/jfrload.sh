#!/bin/bash
# jfrload.sh NAME CP PROPS: server with JFR alloc events 4..12 s; prints msgs/s
name=$1; cp=$2; shift 2
EX=/work/main/examples/target/flexsc-nio-examples-0.1.0-SNAPSHOT.jar
ulimit -n $(ulimit -Hn)
( echo; sleep 14; echo quit ) | java -Xms512m -Xmx512m "-XX:StartFlightRecording=filename=/tmp/ld-$name.jfr,settings=profile" -XX:FlightRecorderOptions=stackdepth=96 "$@" -cp $cp io.flexsc.nio.examples.echo.EchoServer --transport nio --port 0 --threads 1 --host 127.0.0.1 > /tmp/ld-srv-$name.out 2>&1 &
pid=$!
sleep 2
port=$(grep -o "LISTENING [0-9]*" /tmp/ld-srv-$name.out | grep -o "[0-9]*")
java -cp $EX io.flexsc.nio.examples.echo.LoadClient --host 127.0.0.1 --port $port --connections 1000 --size ${SIZE:-4096} --depth 16 --duration 5 --warmup 3 --threads 1 --transport epoll --quiet > /tmp/ld-cli-$name.out 2>&1
echo "$name $(grep -o '= [0-9]* msgs/s' /tmp/ld-cli-$name.out) $(grep -o 'messages[^,]*' /tmp/ld-cli-$name.out | head -2)"
wait
jfr print --events jdk.ObjectAllocationSample --stack-depth 96 /tmp/ld-$name.jfr > /tmp/ld-$name.txt
jfr summary /tmp/ld-$name.jfr | grep -E "GarbageCollection |ObjectAllocationSample"
