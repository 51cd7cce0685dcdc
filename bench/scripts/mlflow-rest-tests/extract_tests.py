import subprocess, os, sys
"""Write out tests/ of an MLflow commit from the bare mirror (git archive stops at blobs the snapshot lacks).
Usage: extract_tests.py COMMIT DEST_TREE [REPO]"""
C=sys.argv[1]; dest=sys.argv[2]
repo=sys.argv[3] if len(sys.argv)>3 else "/work/.mirror/opendatahub-io+mlflow/repo"
ls=subprocess.run(["git","-C",repo,"ls-tree","-r",C,"tests"],capture_output=True,text=True,check=True).stdout.splitlines()
ents=[]
for l in ls:
    meta,path=l.split("\t",1); mode,typ,sha=meta.split()
    if typ=="blob": ents.append((mode,sha,path))
p=subprocess.Popen(["git","-C",repo,"cat-file","--batch"],stdin=subprocess.PIPE,stdout=subprocess.PIPE)
ok=miss=0
for mode,sha,path in ents:
    p.stdin.write((sha+"\n").encode()); p.stdin.flush()
    hdr=p.stdout.readline().decode().strip()
    if hdr.endswith("missing"):
        miss+=1; print("MISSING",path,file=sys.stderr); continue
    size=int(hdr.split()[2]); data=p.stdout.read(size); p.stdout.read(1)
    out=os.path.join(dest,path)
    if os.path.exists(out): ok+=1; continue
    os.makedirs(os.path.dirname(out),exist_ok=True)
    if mode=="120000":
        try: os.symlink(data.decode(),out)
        except FileExistsError: pass
    else:
        with open(out,"wb") as f: f.write(data)
    ok+=1
print("written",ok,"missing",miss)
