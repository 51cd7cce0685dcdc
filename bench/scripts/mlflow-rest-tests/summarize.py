"""junit XML -> plain summary: counts, then one line per non-passing test with the first line(s) of its error."""
import sys
import xml.etree.ElementTree as ET

xml_path, out_path, target = sys.argv[1], sys.argv[2], sys.argv[3]
root = ET.parse(xml_path).getroot()
rows = []
for tc in root.iter("testcase"):
    nodeid = tc.get("classname", "").replace(".", "/") + ".py::" + tc.get("name", "")
    status, msg = "passed", ""
    for tag in ("failure", "error", "skipped"):
        el = tc.find(tag)
        if el is not None:
            status = {"failure": "failed", "error": "error", "skipped": "skipped"}[tag]
            msg = (el.get("message") or "").strip().replace("\n", " ")[:300]
            break
    rows.append((nodeid, status, msg, float(tc.get("time", 0))))
import os

env_path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "env-failures.txt")
env = set()
if os.path.exists(env_path):
    env = {l.split("#", 1)[0].strip() for l in open(env_path)} - {""}


def count(rs):
    c = {}
    for _, s, _, _ in rs:
        c[s] = c.get(s, 0) + 1
    return f"total: {len(rs)}  " + "  ".join(f"{k}: {v}" for k, v in sorted(c.items()))


applicable = [r for r in rows if r[0] not in env]
with open(out_path, "w") as f:
    f.write(f"target: {target}\njunit: {xml_path}\n")
    f.write(f"whole fixed list (testlist.txt):                 {count(rows)}\n")
    f.write(f"applicable (minus {len(env)} env-failures.txt ids): {count(applicable)}\n\n")
    for nodeid, s, msg, t in rows:
        f.write(f"{s.upper():8} {t:7.1f}s {nodeid}" + ("  [env]" if nodeid in env else "") + (f"\n         {msg}" if msg else "") + "\n")
print(open(out_path).read().split("\n\n")[0])
