# c2-by-method.py REC.jfr: C2 (level 4) compilations in a recording made with compilation.jfc
# (jdk.Compilation at a 0 ms threshold), summed by method, largest first.
import json, re, subprocess, sys
out = subprocess.run(['jfr', 'print', '--json', '--events', 'jdk.Compilation', sys.argv[1]],
                     capture_output=True, text=True, check=True).stdout
rows = []
for e in json.loads(out)['recording']['events']:
    v = e['values']
    if v['compileLevel'] != 4:
        continue
    m = re.match(r'PT([0-9.]+)S', v['duration'])
    name = v['method']['type']['name'].split('/')[-1] + '.' + v['method']['name']
    rows.append((float(m.group(1)) if m else 0.0, name, v['inlinedBytes'], v['codeSize']))
print(f"{sys.argv[1]}: {len(rows)} C2 compilations, {sum(r[0] for r in rows):.2f} s")
agg = {}
for d, name, inl, code in rows:
    a = agg.setdefault(name, [0.0, 0, 0, 0])
    a[0] += d; a[1] += 1; a[2] = max(a[2], inl); a[3] = max(a[3], code)
for name, (d, n, inl, code) in sorted(agg.items(), key=lambda x: -x[1][0])[:15]:
    print(f"  {d:.3f} s  x{n}  inlined {inl:5d} B  code {code:6d} B  {name}")
