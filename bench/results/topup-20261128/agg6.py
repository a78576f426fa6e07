import re,collections,sys
txt=open(sys.argv[1]).read()
evs=txt.split('jdk.ObjectAllocationSample')
agg=collections.Counter()
for e in evs[1:]:
    if 'multiThreadIoEventLoop' not in e: continue
    m=re.search(r'objectClass = (\S+)',e); w=re.search(r'weight = ([\d.]+) (\w+)',e)
    val=float(w.group(1))*{'bytes':1,'kB':1e3,'MB':1e6,'GB':1e9}.get(w.group(2),1)
    st=re.search(r'stackTrace = \[\n(.*?)\n\s*\]',e,re.S)
    frames=[f.strip().split('(')[0] for f in st.group(1).split('\n') if f.strip()] if st else []
    fr=[f for f in frames if not f.startswith('java.') and not f.startswith('jdk.')]
    key=(m.group(1) if m else '?')+' @ '+' <- '.join(fr[:int(sys.argv[2])])
    agg[key]+=val
print('total MB',sum(agg.values())/1e6)
for k,v in agg.most_common(int(sys.argv[3])): print('%8.2f MB %s'%(v/1e6,k[:260]))
