#!/bin/bash
name=$1; cp=$2; shift 2
( echo; sleep 4; echo quit ) | java -Xms512m -Xmx512m "$@" -cp $cp io.flexsc.nio.examples.echo.EchoServer --transport nio --port 0 --threads 1 --host 127.0.0.1 > /tmp/srv-$name.out 2>&1 &
pid=$!
sleep 1.8; jcmd $pid GC.class_histogram -all > /tmp/histo-$name.txt; grep VmRSS /proc/$pid/status
wait
