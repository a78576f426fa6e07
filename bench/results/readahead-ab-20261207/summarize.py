#!/usr/bin/env python3
"""Summarises ab.sh's output (OUTDIR/<config>-r<round>/runs.csv): per echo scenario and config, the
median over rounds of flexsc-uring's server CPU per message and msgs/s, each as a ratio to the JDK's
run of the same round, plus the engine's avg batch; then each config against `old`.
usage: summarize.py OUTDIR > table.md"""
import csv, glob, gzip, os, statistics, sys
from collections import defaultdict

out = sys.argv[1]
ratio = defaultdict(list)  # (cfg, scenario) -> [(cpu ratio, rate ratio, avgBatch, uring cpu us)]
for d in sorted(glob.glob(os.path.join(out, '*-r*'))):
    if not os.path.isdir(d):
        continue
    cfg = os.path.basename(d).rsplit('-r', 1)[0]
    f = os.path.join(d, 'runs.csv')
    opener = open
    if not os.path.exists(f):
        f += '.gz'
        opener = gzip.open
    if not os.path.exists(f):
        continue
    runs = defaultdict(dict)
    with opener(f, 'rt') as fh:
        for row in csv.DictReader(fh):
            if row['kind'] == 'echo' and row['ok'] == 'true':
                runs[row['scenario']][row['variant']] = row
    for sc, v in runs.items():
        if 'jdk-nio' in v and 'flexsc-uring' in v:
            j, u = v['jdk-nio'], v['flexsc-uring']
            ratio[(cfg, sc)].append((float(u['serverCpuUsPerMsg']) / float(j['serverCpuUsPerMsg']),
                                     float(u['msgsPerSec']) / float(j['msgsPerSec']),
                                     float(u['avgBatch'] or 0), float(u['serverCpuUsPerMsg'])))
cfgs = ['old', 'pool', 'adaptive']
scen = sorted({s for (_, s) in ratio}, key=lambda s: (int(s.split('-')[0][1:]), s))
med = lambda xs: statistics.median(xs) if xs else float('nan')
print('| scenario | config | rounds | uring CPU/msg x JDK | uring msgs/s x JDK | uring avg batch | x old (CPU/msg) |')
print('|---|---|---:|---:|---:|---:|---:|')
geo = defaultdict(list)
for s in scen:
    base = med([r[0] for r in ratio[('old', s)]])
    for c in cfgs:
        rs = ratio[(c, s)]
        if not rs:
            continue
        cpu = med([r[0] for r in rs])
        geo[c].append(cpu / base)
        print(f'| {s} | {c} | {len(rs)} | {cpu:.3f} | {med([r[1] for r in rs]):.3f} | {med([r[2] for r in rs]):.2f} | {cpu / base:.3f} |')
print()
for c in cfgs:
    if geo[c]:
        g = 1.0
        for x in geo[c]:
            g *= x
        print(f'- {c}: geometric mean over the scenarios of (CPU/msg x JDK) against old: {g ** (1 / len(geo[c])):.3f}')
