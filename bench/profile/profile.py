#!/usr/bin/env python3
"""Summarises bench/profile/run.sh's output directory: reads collapsed/*.collapsed (async-profiler,
`threads`: the first frame names the thread) and runs/*/runs.csv, and prints Markdown:
per scenario, each variant's server CPU per message (the measured window) and how the server's
samples split: by thread kind, user against kernel, by the layer the deepest Java frame belongs to,
the system calls the kernel time is spent in, and the hottest leaf frames."""
import collections, csv, glob, os, re, sys

out = sys.argv[1]
TOP = 12

def thread_kind(t):
    n = t.strip('[]').rsplit(' tid=', 1)[0]
    if re.match(r'(multiThreadIoEventLoopGroup|nioEventLoop|epollEventLoop|ioUringEventLoop|echo-loop|.*EventLoop)', n):
        return 'event loop'
    if n.startswith(('C1 Compiler', 'C2 Compiler')):
        return 'JIT'
    if n.startswith(('GC Thread', 'G1 ', 'VM Thread', 'VM Periodic')):
        return 'GC/VM'
    if n.startswith('flexsc-'):
        return 'flexsc threads'
    if n.startswith('echo-server-stdin') or n == 'main':
        return 'main/stdin'
    return 'other'

def layer(frame):
    f = frame.replace('.', '/')
    rules = [('io/flexsc/nio/net/select', 'flexsc net.select'), ('io/flexsc/nio/net/batch', 'flexsc net.batch'),
             ('io/flexsc/nio/net/channels', 'flexsc net.channels'), ('io/flexsc/nio/net/sys', 'flexsc net.sys'),
             ('io/flexsc/nio/engine', 'flexsc engine'), ('io/flexsc/nio/ffi', 'flexsc ffi'), ('io/flexsc', 'flexsc other'),
             ('com/kenai/jffi', 'jffi'), ('io/netty/channel/epoll', 'netty epoll'), ('io/netty/buffer', 'netty buffers'),
             ('io/netty', 'netty'), ('sun/nio/ch', 'JDK sun.nio.ch'), ('java/nio', 'JDK java.nio'),
             ('java/', 'JDK other'), ('jdk/', 'JDK other'), ('sun/', 'JDK other')]
    for p, name in rules:
        if f.startswith(p):
            return name
    return None

def is_java(frame):
    return '/' in frame and not frame.endswith('_[k]') and re.match(r'^[a-z][\w$]*(/[\w$]+)+\.', frame) is not None

def syscall_of(frames):
    """The system call a kernel sample is in: the frame after do_syscall_64 (x64_sys_call skipped),
    without its __x64_sys_/__do_sys_/ksys_ prefix; None outside system calls (faults, interrupts)."""
    for i, f in enumerate(frames):
        if f == 'do_syscall_64_[k]':
            rest = [x for x in frames[i + 1:] if x != 'x64_sys_call_[k]']
            if not rest:
                return 'entry'
            name = rest[0][:-4] if rest[0].endswith('_[k]') else rest[0]
            return re.sub(r'^(__x64_sys_|__se_sys_|__do_sys_|ksys_|do_sys_)', '', name)
    return None

def runs_csv(name):
    for f in glob.glob(os.path.join(out, 'runs', name, 'runs.csv')):
        for r in csv.DictReader(open(f)):
            if r['kind'] == 'echo' and r['ok'] == 'true':
                return r
    return None

def pct(a, b):
    return f'{100.0 * a / b:.1f}' if b else '-'

files = sorted(glob.glob(os.path.join(out, 'collapsed', '*.collapsed')))
by_scenario = collections.defaultdict(list)
for f in files:
    name = os.path.basename(f)[:-len('.collapsed')]
    m = re.match(r'(.+)-c(\d+)-(\d+)B$', name)
    by_scenario[(int(m.group(2)), int(m.group(3)))].append((m.group(1), name, f))

print(open(os.path.join(out, 'header.md')).read() if os.path.exists(os.path.join(out, 'header.md')) else '')
for (c, s) in sorted(by_scenario):
    print(f'## {c} connections x {s} B, pipelined (depth 16)\n')
    rows, details = [], []
    for variant, name, f in by_scenario[(c, s)]:
        kinds, layers, sysc, leaves, leaves_loop = (collections.Counter() for _ in range(5))
        total = kern = loop = loop_kern = 0
        for line in open(f):
            stack, _, n = line.rstrip('\n').rpartition(' ')
            n = int(n)
            frames = stack.split(';')
            kind = thread_kind(frames[0])
            frames = frames[1:]
            total += n
            kinds[kind] += n
            k = bool(frames) and frames[-1].endswith('_[k]')
            kern += n if k else 0
            leaves[frames[-1] if frames else '?'] += n
            if kind == 'event loop':
                loop += n
                loop_kern += n if k else 0
                leaves_loop[frames[-1] if frames else '?'] += n
                deepest = next((layer(x) for x in reversed(frames) if is_java(x) and layer(x)), 'no Java frame')
                layers[deepest] += n
                if k:
                    sysc[syscall_of(frames) or 'not in a system call (faults, interrupts)'] += n
        r = runs_csv(name)
        cpu = float(r['serverCpuUsPerMsg']) if r else float('nan')
        rate = float(r['msgsPerSec']) if r else float('nan')
        rows.append((variant, cpu, rate, total, kern, loop, loop_kern, kinds))
        details.append((variant, loop, layers, sysc, leaves_loop))
    print('| variant | server CPU µs/msg | msgs/s | samples | kernel % (all threads) | event loop % | kernel % of the event loop | user % of the event loop | JIT % | GC/VM % | flexsc threads % | main/stdin/other % |')
    print('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|')
    for variant, cpu, rate, total, kern, loop, loop_kern, kinds in rows:
        print(f'| {variant} | {cpu:.2f} | {rate:,.0f} | {total} | {pct(kern, total)} | {pct(loop, total)} | {pct(loop_kern, loop)} | {pct(loop - loop_kern, loop)} | '
              f'{pct(kinds["JIT"], total)} | {pct(kinds["GC/VM"], total)} | {pct(kinds["flexsc threads"], total)} | '
              f'{pct(kinds["main/stdin"] + kinds["other"], total)} |')
    print()
    for variant, loop, layers, sysc, leaves_loop in details:
        print(f'**{variant}**, the event-loop thread ({loop} samples):\n')
        print('- by the layer of the deepest Java frame: ' + ', '.join(f'{k} {pct(v, loop)}%' for k, v in layers.most_common(9)))
        print('- kernel time by system call: ' + ', '.join(f'{k} {pct(v, loop)}%' for k, v in sysc.most_common(8)))
        print('- hottest leaf frames: ' + ', '.join(f'`{k}` {pct(v, loop)}%' for k, v in leaves_loop.most_common(TOP)))
        print()
