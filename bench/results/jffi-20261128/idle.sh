#!/bin/bash
# idle3.sh NAME CP PROPS: server idle; smaps at 1.8 s
name=$1; cp=$2; shift 2
( echo; sleep 3; echo quit ) | java -Xms512m -Xmx512m "$@" -cp $cp io.flexsc.nio.examples.echo.EchoServer --transport nio --port 0 --threads 1 --host 127.0.0.1 > /tmp/srv-$name.out 2>&1 &
pid=$!
sleep 1.8; cp /proc/$pid/smaps /tmp/smaps-$name.txt; grep VmRSS /proc/$pid/status
wait
