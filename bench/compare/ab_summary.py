#!/usr/bin/env python3
"""Summarises bench/compare/ab.sh's output (OUTDIR/<config>-r<round>/runs.csv[.gz]): per echo scenario
and configuration, the median over rounds of the flexsc variant's server CPU per message and msgs/s,
each as a ratio to the JDK's run of the same round, plus the engine's avg batch; then each
configuration against the first.
usage: ab_summary.py OUTDIR VARIANT CONFIG [CONFIG...] > table.md"""
import csv, glob, gzip, os, statistics, sys
from collections import defaultdict

out, variant, cfgs = sys.argv[1], sys.argv[2], sys.argv[3:]
ratio = defaultdict(list)  # (cfg, scenario) -> [(cpu ratio, rate ratio, avgBatch)]
def sources():
    """(config, runs.csv path): ab.sh's <config>-r<round>/runs.csv[.gz], or kept copies runs-<config>-r<round>.csv.gz."""
    for d in sorted(glob.glob(os.path.join(out, '*-r*'))):
        if os.path.isdir(d):
            for f in (os.path.join(d, 'runs.csv'), os.path.join(d, 'runs.csv.gz')):
                if os.path.exists(f):
                    yield os.path.basename(d).rsplit('-r', 1)[0], f
                    break
    for f in sorted(glob.glob(os.path.join(out, 'runs-*-r*.csv.gz'))):
        yield os.path.basename(f)[len('runs-'):].rsplit('-r', 1)[0], f


for cfg, f in sources():
    opener = gzip.open if f.endswith('.gz') else open
    runs = defaultdict(dict)
    with opener(f, 'rt') as fh:
        for row in csv.DictReader(fh):
            if row['kind'] == 'echo' and row['ok'] == 'true':
                runs[row['scenario']][row['variant']] = row
    for sc, v in runs.items():
        if 'jdk-nio' in v and variant in v:
            j, u = v['jdk-nio'], v[variant]
            ratio[(cfg, sc)].append((float(u['serverCpuUsPerMsg']) / float(j['serverCpuUsPerMsg']),
                                     float(u['msgsPerSec']) / float(j['msgsPerSec']),
                                     float(u['avgBatch'] or 0)))
scen = sorted({s for (_, s) in ratio}, key=lambda s: (int(s.split('-')[0][1:]), s))
med = lambda xs: statistics.median(xs) if xs else float('nan')
first = cfgs[0]
print(f'| scenario | config | rounds | {variant} CPU/msg x JDK | msgs/s x JDK | avg batch | x {first} (CPU/msg) |')
print('|---|---|---:|---:|---:|---:|---:|')
geo = defaultdict(list)
for s in scen:
    base = med([r[0] for r in ratio[(first, s)]])
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
        print(f'- {c}: geometric mean over the scenarios of (CPU/msg x JDK) against {first}: {g ** (1 / len(geo[c])):.3f}')
