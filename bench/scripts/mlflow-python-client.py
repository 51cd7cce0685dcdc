#!/usr/bin/python3
"""The Python-client row of the MLflow comparison (issue 15): MLflow's own client (MlflowClient.log_metric / log_batch)
against ours and against a real `mlflow server`, both started here, same workload, alternating which server goes first
per window. Run with Debian's Python (/usr/bin/python3; prepare MLflow first with bench/scripts/mlflow-reference.sh).

Unlike `mlflow-compare` the bytes are MLflow's client's, not the bench's: run ids differ between the servers (each
mints its own), everything else (keys, values, timestamps, steps, order) is the same function of (case, client,
position) for both. Each client is its own process (forked, one MlflowClient and keep-alive session each), as trainers
are; the GIL would otherwise serialize 8 clients into one.

Windows follow the bench's rules: a number fixed before the run, each judged on other processes' CPU (everything but
this script's process tree, which holds both servers and the clients) and the VM's steal time; discarded windows are
counted, never replaced; a run with more than half its windows discarded (on either server) is void and measured again
at most twice. Latency percentiles are over all requests of the kept windows (nearest rank). One JSON record is
appended to --results in the bench's results-file format, and one result line per case is printed on stdout.

  /usr/bin/python3 bench/scripts/mlflow-python-client.py --bench $BENCH --silo-dll /tmp/mlops-silo/MlOps.Orleans.Silo.dll \
      [--workloads log-metric,log-batch] [--clients 1,8] [--duration 5] [--windows 3] [--warmup 2] [--batch 1000] \
      [--mlflow-home /work/mlflow-2.22] [--results FILE] [--round LABEL] [--max-other 0.1] [--max-steal 2]
"""
import argparse
import datetime
import json
import math
import multiprocessing
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

TICKS = os.sysconf("SC_CLK_TCK")
KEYS_PER_BATCH = 10  # the bench's Payloads.KeysPerBatch: 10 keys x batch/10 steps per log_batch
ROUND_SPAN = 100_000_000  # steps between two cases, as in MlflowCompareBodies
MAX_VOID_RETRIES = 2


def log(message):
    print(f"# {message}", file=sys.stderr, flush=True)


# ---- CPU accounting (/proc), as the bench's SystemCpu and ProcessTreeCpu ----

def system_cpu():
    with open("/proc/stat") as f:
        fields = [int(x) for x in f.readline().split()[1:]]
    fields += [0] * (8 - len(fields))
    total = sum(fields[:8])
    steal = fields[7]
    return total - fields[3] - fields[4] - steal, steal, total  # busy (stolen ticks are nobody's work here), steal, total


def tree_seconds(root):
    parents, ticks = {}, {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                stat = f.read()
        except OSError:
            continue  # ended while we looked
        fields = stat[stat.rindex(")") + 2:].split()
        parents[int(entry)] = int(fields[1])
        ticks[int(entry)] = int(fields[11]) + int(fields[12])
    total = 0
    for pid, own in ticks.items():
        p = pid
        for _ in range(64):
            if p == root:
                total += own
                break
            if p <= 1 or p not in parents:
                break
            p = parents[p]
    return total / TICKS


class CpuWindow:
    def __init__(self, ours_pid, mlflow_pid):
        self.pids = {"self": os.getpid(), "ours": ours_pid, "mlflow": mlflow_pid}
        self.start_trees = {k: tree_seconds(v) for k, v in self.pids.items()}
        self.start_system = system_cpu()
        self.start_wall = time.monotonic()

    def stop(self):
        wall = time.monotonic() - self.start_wall
        trees = {k: (tree_seconds(v) - self.start_trees[k]) / wall for k, v in self.pids.items()}
        busy0, steal0, total0 = self.start_system
        busy1, steal1, total1 = system_cpu()
        total = total1 - total0
        cores = os.cpu_count()
        machine = (busy1 - busy0) / total * cores if total > 0 else math.nan
        steal = 100.0 * (steal1 - steal0) / total if total > 0 else math.nan
        # Both servers are children of this script: its tree is clients + ours + MLflow; the rest of the machine is others.
        return {
            "elapsed_s": round(wall, 3), "machine_busy_cores": round(machine, 3), "steal_pct": round(steal, 2),
            "other_cores": round(max(0.0, machine - trees["self"]), 3), "ours_cores": round(trees["ours"], 3),
            "mlflow_cores": round(trees["mlflow"], 3), "client_cores": round(trees["self"] - trees["ours"] - trees["mlflow"], 3),
        }


def judge(cpu, max_other, max_steal):
    if cpu["elapsed_s"] < 1:
        return True, "unjudged: shorter than 1 s"
    reasons = []
    if cpu["other_cores"] > max_other:
        reasons.append(f"others {cpu['other_cores']:.2f} cores > {max_other:.2f}")
    if cpu["steal_pct"] > max_steal:
        reasons.append(f"steal {cpu['steal_pct']:.1f}% > {max_steal:.1f}%")
    return not reasons, ", ".join(reasons) or None


# ---- the workload ----

def unit(a, b, c, d):
    """A uniform double in [0, 1) from its coordinates (SplitMix64, as MlflowCompareBodies.Unit)."""
    m = (1 << 64) - 1
    x = ((a * 0x9E3779B97F4A7C15) ^ (b * 0xC2B2AE3D27D4EB4F) ^ (c * 0x165667B19E3779F9) ^ (d * 0x27D4EB2F165667C5)) & m
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & m
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & m
    x ^= x >> 31
    return (x >> 11) * (1.0 / (1 << 53))


def worker(url, workload, run_id, case, client, first_position, batch, duration, base_time, barrier, results):
    from mlflow.entities import Metric
    from mlflow.tracking import MlflowClient

    tracking = MlflowClient(tracking_uri=url)
    steps = batch // KEYS_PER_BATCH

    def call(position):
        timestamp = base_time + case * ROUND_SPAN + position
        if workload == "log-metric":
            tracking.log_metric(run_id, "loss", unit(case, client, position, 0), timestamp=timestamp, step=case * ROUND_SPAN + position)
        else:
            tracking.log_batch(run_id, metrics=[
                Metric(f"train/metric_{k}", unit(case, client, position, s * KEYS_PER_BATCH + k), timestamp, case * ROUND_SPAN + position * steps + s)
                for s in range(steps) for k in range(KEYS_PER_BATCH)])

    # One untimed call opens the keep-alive connection; its position is not reused.
    call(first_position)
    position = first_position + 1
    latencies, errors = [], {}
    barrier.wait()
    deadline = time.monotonic() + duration
    started = time.monotonic()
    while time.monotonic() < deadline:
        sent = time.perf_counter()
        try:
            call(position)
            latencies.append((time.perf_counter() - sent) * 1000)
        except Exception as e:  # counted and reported, never silently dropped
            message = f"{type(e).__name__}: {str(e)[:160]}"
            errors[message] = errors.get(message, 0) + 1
        position += 1
    results.put((client, latencies, errors, position, time.monotonic() - started))


def window(url, workload, runs, case, clients, positions, batch, duration, base_time, cpu_pids, rules):
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(clients + 1)
    results = context.Queue()
    processes = [context.Process(target=worker, args=(url, workload, runs[c], case, c, positions[c], batch, duration, base_time, barrier, results))
                 for c in range(clients)]
    for p in processes:
        p.start()
    barrier.wait()
    cpu = CpuWindow(*cpu_pids)
    answers = [results.get(timeout=duration + 120) for _ in processes]
    usage = cpu.stop()
    for p in processes:
        p.join()
    latencies, errors, elapsed = [], {}, 0.0
    for client, own, own_errors, next_position, seconds in answers:
        positions[client] = next_position
        latencies.extend(own)
        elapsed = max(elapsed, seconds)
        for k, v in own_errors.items():
            errors[k] = errors.get(k, 0) + v
    kept, reason = judge(usage, *rules) if rules else (True, "warm-up")
    return {"latencies": latencies, "requests": len(latencies), "loop_s": elapsed, "errors": errors, "cpu": usage, "kept": kept, "reason": reason}


def percentile(values, p):
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered), max(1, math.ceil(p / 100 * len(ordered)))) - 1]


def side(windows, values_per_call, server):
    kept = [w for w in windows if w["kept"]]
    latencies = [x for w in kept for x in w["latencies"]]
    seconds = sum(w["loop_s"] for w in kept)
    rps = sum(w["requests"] for w in kept) / seconds if seconds > 0 else None
    cores = [w["cpu"][f"{server}_cores"] for w in kept]
    return {
        "requests_per_s": round(rps, 1) if rps else None, "values_per_s": round(rps * values_per_call) if rps else None,
        "latency_all_requests": {"count": len(latencies), "p50_ms": round3(percentile(latencies, 50)), "p90_ms": round3(percentile(latencies, 90)),
                                 "p99_ms": round3(percentile(latencies, 99)), "max_ms": round3(max(latencies) if latencies else None)},
        "server_cores_median": round(statistics.median(cores), 2) if cores else None,
        "errors": sum(sum(w["errors"].values()) for w in windows),
        "windows": [{k: v for k, v in w.items() if k != "latencies"} | {"p50_ms": round3(percentile(w["latencies"], 50)),
                                                                          "p99_ms": round3(percentile(w["latencies"], 99))} for w in windows],
    }


def round3(v):
    return None if v is None else round(v, 3)


def ratio(a, b):
    return round(a / b, 4) if a is not None and b else None


# ---- servers ----

def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url, process, what, timeout=180):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"{what} exited with {process.returncode} before answering {url}")
        try:
            with urllib.request.urlopen(url, timeout=5) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.25)
    raise SystemExit(f"{what} did not answer {url} within {timeout} s")


def stop(process, children_first=True):
    if process.poll() is not None:
        return
    if children_first:
        # gunicorn's master (the launcher's child) first: it stops its workers; then the launcher.
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    with open(f"/proc/{entry}/stat") as f:
                        stat = f.read()
                    if int(stat[stat.rindex(")") + 2:].split()[1]) == process.pid:
                        os.kill(int(entry), signal.SIGTERM)
                except (OSError, ValueError):
                    pass
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--bench", default=os.environ.get("BENCH"), help="the bench executable (starts ours with `server start`)")
    parser.add_argument("--silo-dll", default=os.environ.get("MLOPS_SILO_DLL"))
    parser.add_argument("--mlflow-home", default=os.environ.get("MLOPS_MLFLOW_HOME", "/work/mlflow-2.22"))
    parser.add_argument("--workloads", default="log-metric,log-batch")
    parser.add_argument("--clients", default="1,8")
    parser.add_argument("--duration", type=float, default=5)
    parser.add_argument("--windows", type=int, default=3)
    parser.add_argument("--warmup", type=float, default=2)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--results", default="bench-results.jsonl")
    parser.add_argument("--round", default=os.environ.get("MLOPS_BENCH_ROUND") or None)
    parser.add_argument("--max-other", type=float, default=0.1)
    parser.add_argument("--max-steal", type=float, default=2)
    args = parser.parse_args()
    workloads = [w for w in args.workloads.split(",") if w]
    clients_list = [int(c) for c in args.clients.split(",") if c]
    if any(w not in ("log-metric", "log-batch") for w in workloads):
        raise SystemExit("--workloads wants a comma list of log-metric, log-batch")
    if args.batch % KEYS_PER_BATCH or not 0 < args.batch <= 1000:
        raise SystemExit(f"--batch must be a multiple of {KEYS_PER_BATCH}, at most 1000 (MLflow's limit)")
    if not args.bench or not os.path.exists(args.bench):
        raise SystemExit("--bench (or $BENCH) must name the bench executable, which starts our server")

    tree, stubs = os.path.join(args.mlflow_home, "tree"), os.path.join(args.mlflow_home, "stubs")
    if not os.path.isdir(tree):
        raise SystemExit(f"MLflow is not available: no MLflow tree at {tree}; run bench/scripts/mlflow-reference.sh")
    sys.path[:0] = [tree, stubs]
    os.environ["MLFLOW_HTTP_REQUEST_MAX_RETRIES"] = "1"  # a failing call is an error, not 7 retries with backoff
    try:
        import mlflow
        from mlflow.tracking import MlflowClient
    except ImportError as e:
        raise SystemExit(f"MLflow is not available: importing it from {tree} failed ({e}); run bench/scripts/mlflow-reference.sh")
    source_file = os.path.join(args.mlflow_home, "SOURCE")
    source = open(source_file).read().strip() if os.path.exists(source_file) else "unknown"

    data = tempfile.mkdtemp(prefix="mlops-bench-mlflow-py-")
    ready = os.path.join(data, "ours.json")
    port = free_port()
    env = dict(os.environ, PYTHONPATH=f"{tree}:{stubs}", NO_COLOR="1")
    mlflow_log = open(os.path.join(data, "mlflow.log"), "w")
    theirs = subprocess.Popen([sys.executable, "-m", "mlflow", "server", "--backend-store-uri", f"sqlite:///{data}/mlflow.db",
                               "--artifacts-destination", f"{data}/artifacts", "--host", "127.0.0.1", "--port", str(port)],
                              env=env, stdout=mlflow_log, stderr=subprocess.STDOUT)
    ours_cmd = [args.bench, "server", "start", "--ready-file", ready, "--results", os.path.join(data, "server.jsonl")]
    if args.silo_dll:
        ours_cmd += ["--silo-dll", args.silo_dll]
    ours = subprocess.Popen(ours_cmd, stdout=subprocess.DEVNULL, stderr=open(os.path.join(data, "ours.log"), "w"))
    try:
        mlflow_url = f"http://127.0.0.1:{port}"
        wait_http(mlflow_url + "/health", theirs, "mlflow server")
        deadline = time.monotonic() + 180
        while not os.path.exists(ready):
            if ours.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"our server did not start (see {data}/ours.log)")
            time.sleep(0.25)
        time.sleep(0.2)  # the ready file is written whole before the bench prints; give the write a moment
        ours_url = json.load(open(ready))["http"].rstrip("/")
        log(f"MLflow {mlflow.__version__} pid {theirs.pid} at {mlflow_url}; ours (bench pid {ours.pid}) at {ours_url}")
        urls = {"ours": ours_url, "mlflow": mlflow_url}
        base_time = int(time.time() * 1000)
        runs = {}
        for server, url in urls.items():
            tracking = MlflowClient(tracking_uri=url)
            experiment = tracking.create_experiment(f"bench-mlflow-python-client-{base_time}")
            runs[server] = [tracking.create_run(experiment, run_name=f"py-{c}", start_time=base_time).info.run_id for c in range(max(clients_list))]

        cpu_pids = (ours.pid, theirs.pid)
        rules = (args.max_other, args.max_steal)
        figures, case = {}, 0
        for workload in workloads:
            values_per_call = 1 if workload == "log-metric" else args.batch
            for clients in clients_list:
                case += 1
                positions = {s: [0] * clients for s in urls}
                if args.warmup > 0:
                    for server in urls:
                        window(urls[server], workload, runs[server], case, clients, positions[server], args.batch, args.warmup, base_time, cpu_pids, None)
                discarded_per_attempt = {s: [] for s in urls}
                for attempt in range(MAX_VOID_RETRIES + 1):
                    measured = {s: [] for s in urls}
                    for w in range(args.windows):
                        order = ["ours", "mlflow"] if w % 2 == 0 else ["mlflow", "ours"]
                        for server in order:
                            result = window(urls[server], workload, runs[server], case, clients, positions[server], args.batch, args.duration,
                                            base_time, cpu_pids, rules)
                            result["first_in_window"] = server == order[0]
                            measured[server].append(result)
                            log(f"  {workload} clients={clients} {server} window {w + 1}/{args.windows}: {result['requests'] / result['loop_s']:.1f} req/s "
                                f"p50 {round3(percentile(result['latencies'], 50))} ms, errors {sum(result['errors'].values())}"
                                + ("" if result["kept"] else f"; discarded: {result['reason']}"))
                    void = False
                    for server in urls:
                        discarded = sum(1 for r in measured[server] if not r["kept"])
                        discarded_per_attempt[server].append(discarded)
                        void |= discarded * 2 > args.windows
                    if not void:
                        break
                    if attempt < MAX_VOID_RETRIES:
                        log(f"  run void; measuring the run again ({attempt + 1} of {MAX_VOID_RETRIES})")
                sides = {s: side(measured[s], values_per_call, s) for s in urls}
                for s in urls:
                    discarded = discarded_per_attempt[s][-1]
                    sides[s] |= {"windows_planned": args.windows, "windows_kept": args.windows - discarded, "windows_discarded": discarded,
                                 "void": discarded * 2 > args.windows, "attempts": len(discarded_per_attempt[s]),
                                 "discarded_per_attempt": discarded_per_attempt[s]}
                o, t = sides["ours"], sides["mlflow"]
                ratios = {"requests_per_s": ratio(o["requests_per_s"], t["requests_per_s"]),
                          "p50": ratio(o["latency_all_requests"]["p50_ms"], t["latency_all_requests"]["p50_ms"]),
                          "p99": ratio(o["latency_all_requests"]["p99_ms"], t["latency_all_requests"]["p99_ms"]),
                          "reading": "throughput above 1 and latency below 1 mean ours is faster"}
                figures[f"{workload}_c{clients}"] = {"workload": workload, "clients": clients, "values_per_request": values_per_call,
                                                     "ours": o, "mlflow": t, "ours_over_mlflow": ratios}

                def describe(x):
                    lat = x["latency_all_requests"]
                    return (f"{x['requests_per_s']} req/s ({x['values_per_s']} values/s) p50 {lat['p50_ms']} p99 {lat['p99_ms']} ms n={lat['count']} "
                            f"server {x['server_cores_median']} cores errors {x['errors']} windows {x['windows_kept']}/{x['windows_planned']} kept"
                            + (" VOID" if x["void"] else ""))
                round_tag = f" round=[{args.round}]" if args.round else ""
                print(f"mlflow-python-client mlflow={mlflow.__version__} workload={workload} clients={clients} windows={args.windows}x{args.duration}s{round_tag}: "
                      f"ours {describe(o)}; mlflow {describe(t)}; ours/mlflow throughput {ratios['requests_per_s']}x, p50 {ratios['p50']}x, p99 {ratios['p99']}x",
                      flush=True)

        record = {
            "command": "mlflow-python-client", "backend": "sqlite", "time_utc": datetime.datetime.now(datetime.timezone.utc).isoformat(),
            "machine": {"nproc": os.cpu_count(), "cpu": cpu_model(), "os": platform.platform(), "python": platform.python_version()},
            "settings": {"workloads": ",".join(workloads), "clients": clients_list, "duration_s": args.duration, "windows": args.windows,
                         "warmup_s": args.warmup, "batch": args.batch, "max_other_cores": args.max_other, "max_steal_pct": args.max_steal,
                         "client": f"mlflow.tracking.MlflowClient {mlflow.__version__} (log_metric / log_batch), one forked process per client",
                         "mlflow": {"server": "mlflow server", "mlflow_version": mlflow.__version__, "source": source,
                                    "backend_store": "sqlite:///<temp>/mlflow.db (SqlAlchemyStore)", "workers": "MLflow's default"},
                         "same_requests": "same keys, values, timestamps and steps per (case, client, position); run ids are each server's own"},
            "figures": figures,
        }
        if args.round:
            record["round"] = args.round
        os.makedirs(os.path.dirname(os.path.abspath(args.results)), exist_ok=True)
        with open(args.results, "a") as f:
            f.write(json.dumps(record, separators=(",", ":")) + "\n")
    finally:
        stop(theirs)
        stop(ours, children_first=False)  # the bench stops its own silo on SIGTERM
        mlflow_log.close()
        shutil.rmtree(data, ignore_errors=True)


def cpu_model():
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return "unknown"


if __name__ == "__main__":
    main()
