#!/bin/bash
# The tracer check (issue 18), run in the QEMU guest by test-vm/java-suites.sh: a JVM on the kmod
# engine (provider/src/test/java/io/flexsc/nio/engine/kmod/TracerAttachProbe.java: echo over a socket
# pair and file reads, every byte checked) gets `strace -f -p` attached mid-run and detached again.
# The module refuses a traced process's calls (EPERM) and the engine runs them directly; the check
# fails unless nothing failed, nearly every call while traced was such a fallback, the module ran the
# calls again after the detach, and the refusal was logged exactly once.
#
# usage: test-vm/tracer-check.sh CLASSPATH [dry-run]
#   dry-run   any engine, shares and refusal log not checked: tries the steps on a host
# env: FLEXSC_VM_TRACER_LIMIT (s, default 300): the probe's own limit, after which it dumps its
#      threads and the engine's state and fails; FLEXSC_VM_TRACER_STALL (s, default 180): no detach
#      request within that time after the attach dumps every thread's kernel stack, the module's
#      state and a JVM thread dump, detaches strace and fails.
# Exit status 0 passed, 1 failed.
set -u
cp=${1:?class path}
dry=${2:-}
limit=${FLEXSC_VM_TRACER_LIMIT:-300}
stall=${FLEXSC_VM_TRACER_STALL:-180}
tmp=${TMPDIR:-/tmp}
out=$tmp/tracer-probe.out
err=$tmp/tracer-probe.err

# The state of a JVM and of its tracer when they make no progress: every thread's kernel state and
# stack, the module's sessions and counters, a JVM thread dump (SIGQUIT: into the probe's output),
# the kernel log's tail.
dump() {
  local jpid=$1 spid=$2 p t
  echo "== tracer check: no progress; JVM $jpid, strace ${spid:-gone}: tasks, kernel stacks, module state"
  for p in $jpid $spid; do
    for t in /proc/$p/task/*; do
      [ -d "$t" ] || continue
      echo "-- $p/${t##*/} $(cat $t/comm 2>/dev/null): $(grep -E '^(State|TracerPid)' $t/status 2>/dev/null | tr '\n\t' '  ')wchan $(cat $t/wchan 2>/dev/null) syscall $(cat $t/syscall 2>/dev/null)"
      sed 's/^/     /' $t/stack 2>/dev/null
    done
  done
  echo "-- /sys/kernel/debug/flexsc"
  cat /sys/kernel/debug/flexsc/sessions /sys/kernel/debug/flexsc/stats 2>&1
  kill -QUIT "$jpid" 2>/dev/null
  echo "-- kernel log (tail)"
  dmesg 2>&1 | tail -n 30
}

echo "== a tracer attached mid-run (strace -f -p) on the kmod engine"
engine=(-Dflexsc.engine=kmod)
[ "$dry" = dry-run ] && engine=()
start=$SECONDS
# KILL is the backstop if even the probe's exit hangs
timeout -s KILL $((limit + 120)) java -ea ${FLEXSC_RESULTS:+-XX:ErrorFile=$FLEXSC_RESULTS/hs_err_%p.log} \
  ${engine[@]+"${engine[@]}"} -Djava.io.tmpdir="$tmp" \
  -Djava.nio.file.spi.DefaultFileSystemProvider=io.flexsc.nio.fs.FlexFileSystemProvider \
  -Djava.nio.channels.spi.SelectorProvider=io.flexsc.nio.net.FlexSelectorProvider \
  -cp "$cp" io.flexsc.nio.engine.kmod.TracerAttachProbe "$limit" $dry >"$out" 2>"$err" &
tpid=$! # timeout's pid: the JVM is its child, and the probe prints its own pid ("attach PID")
until grep -q '^attach ' "$out" || ! kill -0 $tpid 2>/dev/null; do sleep 1; done
jpid=$(sed -n 's/^attach \([0-9][0-9]*\)$/\1/p' "$out" | head -n 1)
if [ -z "$jpid" ]; then
  wait $tpid
  prc=$?
  cat "$out"
  sed 's/^/  stderr: /' "$err"
  echo "tracer-check: FAILURE: the probe ended (exit $prc) before asking for the tracer"
  exit 1
fi
echo "tracer-check: attaching strace to JVM $jpid, $((SECONDS - start)) s after its start"
t0=$SECONDS
strace -f -qq -o /dev/null -p "$jpid" &
spid=$!
# Detach when the probe asks. With no request for $stall s, dump the state, detach anyway (does the
# probe move again without the tracer? its status lines say) and fail.
stuck=0
until grep -q '^detach' "$out" || ! kill -0 $tpid 2>/dev/null; do
  if [ $((SECONDS - t0)) -ge "$stall" ]; then
    stuck=1
    dump "$jpid" $spid
    sleep 15 # a window for the JVM's thread dump; then a second look at the kernel stacks
    dump "$jpid" $spid
    break
  fi
  sleep 1
done
echo "tracer-check: detaching strace after $((SECONDS - t0)) s"
kill -INT $spid 2>/dev/null # strace detaches on SIGINT
wait $spid
if [ $stuck = 1 ]; then
  sleep 60 # a window in which the probe may move again without the tracer
  dump "$jpid" ""
  kill -KILL "$jpid" 2>/dev/null
fi
wait $tpid
prc=$?
echo "tracer-check: the probe ran $((SECONDS - start)) s"
cat "$out"
sed 's/^/  stderr: /' "$err"
n=$(grep -c "the module refuses this process's calls" "$err")
[ "$dry" = dry-run ] && n=1
if [ $stuck = 1 ] || [ $prc != 0 ] || [ "$n" != 1 ]; then
  echo "tracer-check: FAILURE (no progress while traced: $stuck; probe exit $prc; $n refusal log lines; want 0, 0 and 1)"
  exit 1
fi
echo "tracer-check: passed"
