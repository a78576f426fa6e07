import re,sys
for name in sys.argv[1:]:
    maps=[];cur=None
    for line in open(f'/tmp/smaps-{name}.txt'):
        if re.match(r'^[0-9a-f]+-[0-9a-f]+ ',line):
            parts=line.split(); a,b=[int(x,16) for x in parts[0].split('-')]
            cur={'a':a,'perm':parts[1],'path':parts[5] if len(parts)>5 else '','size':0,'rss':0}; maps.append(cur)
        elif line.startswith('Size:'): cur['size']=int(line.split()[1])
        elif line.startswith('Rss:'): cur['rss']=int(line.split()[1])
    rss={m['a']:m['rss'] for m in maps}
    thr={}; cur=None
    for line in open(f'/tmp/gdb-{name}.txt'):
        m=re.match(r'Thread \d+ .*"(.*)"\)',line)
        if m: cur=m.group(1)
        m=re.match(r'\$\d+ = \(void \*\) (0x[0-9a-f]+)',line)
        if m and cur:
            a=int(m.group(1),16)&~((64<<20)-1); thr.setdefault(a,[]).append(cur)
    print(name, 'VmHWM-ish total', sum(m['rss'] for m in maps))
    for a,ts in sorted(thr.items(),key=lambda x:-rss.get(x[0],0))[:6]:
        print('  ',rss.get(a,'main'),ts)
