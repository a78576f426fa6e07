import sys,re
rows=[];cur=None
for l in open(sys.argv[1]):
    if re.match(r'^[0-9a-f]+-[0-9a-f]+ ',l):
        p=l.split(); a,b=[int(x,16) for x in p[0].split('-')]; cur=[a,b,p[5] if len(p)>5 else '[anon]',0]; rows.append(cur)
    elif l.startswith('Rss:'): cur[3]=int(l.split()[1])
cat={}
for a,b,n,r in rows:
    if n!='[anon]': k='file:'+n.split('/')[-1] if r>1000 else 'file:other'
    elif 0xe0000000<=a<0x100000000: k='java heap'
    elif (a % (64<<20))==0 and (b-a)<=(64<<20): k='malloc arena (64M-aligned)'
    else: k='other anon'
    cat[k]=cat.get(k,0)+r
for k,v in sorted(cat.items(), key=lambda x:-x[1]): print(f"{v/1024:8.1f} MiB  {k}")
