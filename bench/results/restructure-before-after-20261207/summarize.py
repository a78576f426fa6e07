#!/usr/bin/env python3
"""Summarises compare-beforeafter.sh's output: for each echo scenario and file case, the median over
rounds of new/old (msgs/s or ops/s, and server CPU per message or CPU per op), each variant's new and
old runs taken from the same round. Usage: summarize.py DIR > table.md"""
import csv, glob, os, statistics, sys
from collections import defaultdict

d = sys.argv[1]
rows = defaultdict(dict)  # (kind, scenario, variant) -> {(build, round): row}
for f in glob.glob(os.path.join(d, '*-r*', 'runs.csv')):
    build, rnd = os.path.basename(os.path.dirname(f)).split('-r')
    for r in csv.DictReader(open(f)):
        if r['ok'] != 'true':
            continue
        rows[(r['kind'], r['scenario'], r['variant'])][(build, int(rnd))] = r

def med(xs):
    return statistics.median(xs) if xs else float('nan')

def ratios(runs, field, lower_better=False):
    out = []
    for rnd in sorted({k[1] for k in runs}):
        o, n = runs.get(('old', rnd)), runs.get(('new', rnd))
        if o and n and o[field] and n[field] and float(o[field]) > 0:
            out.append(float(n[field]) / float(o[field]))
    return out

print('| kind | scenario | variant | new/old rate (median; per round) | new/old CPU per message or op (median; per round) |')
print('|---|---|---|---:|---:|')
allrate, allcpu = defaultdict(list), defaultdict(list)
for (kind, sc, var) in sorted(rows):
    runs = rows[(kind, sc, var)]
    rate_f, cpu_f = ('msgsPerSec', 'serverCpuUsPerMsg') if kind == 'echo' else ('opsPerSec', 'cpuUsPerOp')
    rr, cr = ratios(runs, rate_f), ratios(runs, cpu_f)
    if kind == 'echo' and var == 'jdk-nio':
        continue  # the same JDK in both builds: its spread is the noise floor, shown below
    allrate[(kind, var)] += [med(rr)] if rr else []
    allcpu[(kind, var)] += [med(cr)] if cr else []
    fmt = lambda xs: f"{med(xs):.2f} ({' '.join(f'{x:.2f}' for x in xs)})" if xs else 'n/a'
    print(f'| {kind} | {sc} | {var} | {fmt(rr)} | {fmt(cr)} |')
print()
print('Geometric mean over scenarios of the per-scenario medians (new/old):')
print()
import math
for k in sorted(allrate):
    g = lambda xs: math.exp(sum(math.log(x) for x in xs) / len(xs)) if xs else float('nan')
    print(f'- {k[0]} {k[1]}: rate {g(allrate[k]):.3f}, CPU {g(allcpu[k]):.3f} ({len(allrate[k])} scenarios)')
# noise floor: the JDK's own echo runs, new-tree run over old-tree run of the same round
jr, jc = [], []
for (kind, sc, var), runs in rows.items():
    if kind == 'echo' and var == 'jdk-nio':
        jr += ratios(runs, 'msgsPerSec'); jc += ratios(runs, 'serverCpuUsPerMsg')
if jr:
    print(f'- noise floor: the JDK provider (identical code in both runs): rate ratios median {med(jr):.3f}, '
          f'range {min(jr):.2f}-{max(jr):.2f}; CPU ratios median {med(jc):.3f}, range {min(jc):.2f}-{max(jc):.2f}')

# Per scenario, the flexsc variants' ratios normalised by the JDK's run of the same build and round
# ((new/jdk_new) / (old/jdk_old)): load drift between the two builds' runs cancels. And the engine
# calls per message (the 'calls=' counter over the whole run, warm-up included, over msgs/s x the
# run's length): a count, not a timing, so it is the sharpest before/after figure.
import re
print()
print('| scenario | variant | JDK-normalised rate new/old (median) | JDK-normalised CPU new/old (median) | engine calls per message old -> new (median) |')
print('|---|---|---:|---:|---:|')
for (kind, sc, var) in sorted(rows):
    if kind != 'echo' or var == 'jdk-nio':
        continue
    runs, jdk = rows[(kind, sc, var)], rows.get((kind, sc, 'jdk-nio'), {})
    nr, nc, calls = [], [], {'old': [], 'new': []}
    for rnd in sorted({k[1] for k in runs}):
        o, n, oj, nj = runs.get(('old', rnd)), runs.get(('new', rnd)), jdk.get(('old', rnd)), jdk.get(('new', rnd))
        for b, x in (('old', o), ('new', n)):
            if x:
                m = re.search(r'calls=(\d+)', x['stats'])
                t = re.match(r'([\d.]+)s', x['window'] or '')
                if m and t and float(x['msgsPerSec']) > 0:
                    calls[b].append(int(m.group(1)) / (float(x['msgsPerSec']) * float(t.group(1))))
        if o and n and oj and nj:
            f = lambda a, k: float(a[k])
            nr.append((f(n, 'msgsPerSec') / f(nj, 'msgsPerSec')) / (f(o, 'msgsPerSec') / f(oj, 'msgsPerSec')))
            nc.append((f(n, 'serverCpuUsPerMsg') / f(nj, 'serverCpuUsPerMsg')) / (f(o, 'serverCpuUsPerMsg') / f(oj, 'serverCpuUsPerMsg')))
    print(f"| {sc} | {var} | {med(nr):.2f} | {med(nc):.2f} | {med(calls['old']):.3f} -> {med(calls['new']):.3f} |")
