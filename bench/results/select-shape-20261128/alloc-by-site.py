# alloc-by-site.py REC.jfr: jdk.ObjectAllocationSample weight by class and top 4 frames (a recording with settings=profile)
import json,subprocess,sys
out=subprocess.run(['jfr','print','--json','--stack-depth','8','--events','jdk.ObjectAllocationSample',sys.argv[1]],capture_output=True,text=True).stdout
ev=json.loads(out)['recording']['events']
agg={}; tot=0
for e in ev:
    v=e['values']; w=v['weight']; tot+=w
    fr=v['stackTrace']['frames'] if v['stackTrace'] else []
    key=v['objectClass']['name']+' @ '+' < '.join(f"{f['method']['type']['name'].split('/')[-1]}.{f['method']['name']}" for f in fr[:4])
    agg[key]=agg.get(key,0)+w
print(sys.argv[1],'total sampled weight %.1f MiB'%(tot/2**20))
for k,w in sorted(agg.items(),key=lambda x:-x[1])[:25]: print('%7.2f MiB %s'%(w/2**20,k))
