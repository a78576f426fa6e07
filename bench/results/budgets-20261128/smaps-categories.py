import re,sys
rows=[]
for name in sys.argv[1:]:
    maps=[];cur=None
    for line in open(f'/tmp/smaps-{name}.txt'):
        if re.match(r'^[0-9a-f]+-[0-9a-f]+ ',line):
            parts=line.split(); a,b=[int(x,16) for x in parts[0].split('-')]
            cur={'a':a,'perm':parts[1],'path':' '.join(parts[5:]) if len(parts)>5 else '','size':0,'rss':0}; maps.append(cur)
        elif line.startswith('Size:'): cur['size']=int(line.split()[1])
        elif line.startswith('Rss:'): cur['rss']=int(line.split()[1])
    c={}
    for i,m in enumerate(maps):
        p=m['path']
        if p.startswith('/'): k='file:'+('jvm' if 'libjvm' in p else 'jsa' if 'jsa' in p else 'jffi' if 'jffi' in p else 'other')
        elif p.startswith('anon_inode') or p.startswith('/dev'): k='anon_inode'
        elif p in ('[heap]','[stack]','[vdso]','[vvar]','[vsyscall]'): k=p
        elif m['a']==0xe0000000 or m['size']>400000: k='javaheap'
        elif m['perm']=='rwxp': k='code'
        elif m['a']%(64<<20)==0 and m['size']<65536: k='arena'
        else:
            nxt=maps[i+1] if i+1<len(maps) else None
            k='anon-other'
        c[k]=c.get(k,0)+m['rss']
    c['TOTAL']=sum(m['rss'] for m in maps)
    rows.append((name,c))
keys=sorted(set(k for _,c in rows for k in c))
print('%-12s'%'cat'+''.join('%9s'%n for n,_ in rows))
for k in keys: print('%-12s'%k+''.join('%9d'%c.get(k,0) for _,c in rows))
