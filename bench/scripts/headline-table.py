#!/usr/bin/python3
"""Per-round headline figures from the results files of one headline plan (issue 15): one line per (workload, case,
driver, round), every round printed (kept, void or missing), and the median over the rounds that produced a figure.

  bench/scripts/headline-table.py RESULTS_PREFIX      e.g. bench/results/2026-12-03-h15-headline-b
"""
import json
import os
import statistics
import sys


def records(path):
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def fmt(v, digits=3):
    return "—" if v is None or v == -1 else f"{v:.{digits}f}"


rows = {}  # (workload, case, driver) -> list of (round, text, value for the median)


def add(key, rnd, text, value):
    rows.setdefault(key, []).append((rnd, text, value))


def latency_run(run):
    la = run.get("latency_all_requests") or {}
    void = run.get("void")
    kept = f"{run.get('windows_kept')}/{run.get('windows_planned')}"
    return la, void, kept


prefix = sys.argv[1]
for d in records(prefix + "-online-get.jsonl"):
    f = d["figures"]
    for case in ("1", "100"):
        for driver, key in (("dotnet", f"entities_{case}"), ("raw", f"raw_driver_entities_{case}")):
            run = f.get(key)
            if run is None:
                continue
            la, void, kept = latency_run(run)
            fl = run.get("above_floor") or {}
            targets = "; ".join(f"{t['target']}: {t['outcome']} ({fmt(t.get('value_ms'))} vs {fmt(t.get('limit_ms'))})" for t in run.get("targets", []))
            text = (f"p50 {fmt(la.get('p50_ms'))} p99 {fmt(la.get('p99_ms'))} n={la.get('count')} | floor {fmt(fl.get('floor_p50_ms'))}/{fmt(fl.get('floor_p99_ms'))}"
                    f" | kept {kept}{' VOID' if void else ''} | server {run.get('server_cores_median')} | {targets}")
            add(("online-get", f"{case} entities", driver), d.get("round"), text, None if void else (la.get("p50_ms"), la.get("p99_ms")))

for d in records(prefix + "-log-metric.jsonl"):
    for rate, fig in d["figures"].items():
        fs = fig["fsync_floor"]["latency"]
        for driver, run in fig["drivers"].items():
            la, void, kept = latency_run(run)
            fl = run.get("above_floor") or {}
            t = run["targets"][0]
            text = (f"p50 {fmt(la.get('p50_ms'))} p99 {fmt(la.get('p99_ms'))} n={la.get('count')} | floor {fmt(fl.get('floor_p50_ms'))}/{fmt(fl.get('floor_p99_ms'))}"
                    f" fsync {fmt(fs['p50_ms'])}/{fmt(fs['p99_ms'])} | kept {kept}{' VOID' if void else ''} | server {run.get('server_cores_median')}"
                    f" | {t['outcome']} ({fmt(t.get('value_ms'))} vs {fmt(t.get('limit_ms'))})")
            add(("log-metric", rate, driver), d.get("round"), text, None if void else (la.get("p50_ms"), la.get("p99_ms")))

for d in records(prefix + "-batch-ingest.jsonl"):
    fig = d["figures"]
    for driver, run in fig["drivers"].items():
        call = run.get("call_latency_all_calls") or {}
        fl = run.get("above_floor") or {}
        text = (f"{run.get('values_per_s_median')} values/s (min {run.get('values_per_s_min')}, windows {run.get('values_per_s_per_window')})"
                f" | call p50 {fmt(call.get('p50_ms'))} p99 {fmt(call.get('p99_ms'))} | floor {fmt(fl.get('floor_p50_ms'))}/{fmt(fl.get('floor_p99_ms'))}"
                f" | kept {run.get('windows_kept')}/{run.get('windows_planned')}{' VOID' if run.get('void') else ''}"
                f" | server {run.get('server_cores_median')} cores, {run.get('server_cpu_ms_per_1000_values')} ms/1000 values")
        add(("batch-ingest", "8 clients x 1000", driver), d.get("round"), text, None if run.get("void") else (run.get("values_per_s_median"),))

for d in records(prefix + "-history.jsonl"):
    fig = d["figures"]
    for case in ("downsample", "full"):
        c = fig.get(case)
        if c is None:
            continue
        for driver in ("dotnet", "raw"):
            run = c.get(driver)
            if run is None:
                continue
            la, void, kept = latency_run(run)
            floor = ((c.get("grpc_floor") or {}).get(driver) or {}).get("latency_all_requests") or {}
            text = (f"p50 {fmt(la.get('p50_ms'))} p99 {fmt(la.get('p99_ms'))} n={la.get('count')} | floor {fmt(floor.get('p50_ms'))}/{fmt(floor.get('p99_ms'))}"
                    f" | kept {kept}{' VOID' if void else ''} | server {run.get('server_cores_median')}")
            add(("history", case, driver), d.get("round"), text, None if void else (la.get("p50_ms"), la.get("p99_ms")))

for d in records(prefix + "-materialize.jsonl"):
    fig = d["figures"]
    reps = [r for r in fig.get("runs", []) if not r.get("warmup")]
    kept = [r for r in reps if r.get("kept")]
    void = len(kept) * 2 <= len(reps)
    text = (f"median {fig.get('median_rows_per_s')} rows/s ({fig.get('median_s')} s) | reps " +
            ", ".join(f"{r['rows_per_s']}{'' if r.get('kept') else ' (discarded: ' + str(r.get('verdict')) + ')'}" for r in reps) +
            f" | kept {len(kept)}/{len(reps)}{' VOID' if void else ''}")
    add(("materialize", "1M keys, appendfsync always", "-"), d.get("round"), text, None if void else (fig.get("median_rows_per_s"),))

for key, entries in rows.items():
    print(" / ".join(key))
    for rnd, text, _ in sorted(entries, key=lambda e: e[0] or ""):
        print(f"  [{rnd}] {text}")
    values = [v for _, _, v in entries if v is not None and all(x is not None for x in v)]
    if values:
        med = [statistics.median(col) for col in zip(*values)]
        print(f"  median over {len(values)} of {len(entries)} rounds with a figure: " + " / ".join(fmt(m) for m in med))
