"""A first session with MlOps.Orleans from Python, using grpcio stubs generated from proto/.

    pip install grpcio grpcio-tools   # or Debian: python3-grpcio, protobuf-compiler, protobuf-compiler-grpc
    python3 -m grpc_tools.protoc -I proto --python_out=gen --grpc_python_out=gen proto/mlops/tracking/v1/tracking.proto
    PYTHONPATH=gen python3 docs/examples/first_session.py 127.0.0.1:5001
"""
import sys
import threading
import time
import uuid

import grpc
from mlops.tracking.v1 import tracking_pb2 as pb
from mlops.tracking.v1 import tracking_pb2_grpc as rpc

target = sys.argv[1] if len(sys.argv) > 1 else "127.0.0.1:5001"
api = rpc.TrackingServiceStub(grpc.insecure_channel(target))

experiment = api.CreateExperiment(pb.CreateExperimentRequest(name=f"iris-{uuid.uuid4().hex[:8]}"))
run = api.CreateRun(pb.CreateRunRequest(
    experiment_id=experiment.experiment_id, run_name="baseline",
    code_version=pb.CodeVersion(source_name="first_session.py", git_commit="0123abc")))
run_id = run.info.run_id
print("experiment", experiment.experiment_id, "run", run_id)

# Watch the run live while we log to it: stored points first, then new ones as they are accepted.
seen = []
watch = api.SubscribeRunMetrics(pb.SubscribeRunMetricsRequest(run_id=run_id))
def follow():
    for event in watch:
        seen.append(event)
        if len(seen) == 10:
            return
threading.Thread(target=follow, daemon=True).start()

api.LogParams(pb.LogParamsRequest(run_id=run_id, params=[pb.Param(key="lr", value="0.01")]))
now = int(time.time() * 1000)
api.LogBatch(pb.LogBatchRequest(run_id=run_id, metrics=[
    pb.Metric(key="loss", value=1.0 / (step + 1), timestamp=now, step=step) for step in range(10)]))
api.UpdateRun(pb.UpdateRunRequest(run_id=run_id, status=pb.FINISHED, end_time=now))

found = api.SearchRuns(pb.SearchRunsRequest(
    experiment_ids=[experiment.experiment_id], filter="metrics.loss < 0.5 AND params.lr = '0.01'",
    order_by=["metrics.loss ASC"]))
assert [r.info.run_id for r in found.runs] == [run_id], found

history = api.GetMetricHistory(pb.GetMetricHistoryRequest(run_id=run_id, metric_key="loss"))
assert [m.step for m in history.metrics] == list(range(10))

deadline = time.time() + 20
while len(seen) < 10 and time.time() < deadline:
    time.sleep(0.05)
watch.cancel()
assert [e.sequence for e in seen] == list(range(1, 11)), seen
print("latest loss", {m.key: m.value for m in api.GetRun(pb.GetRunRequest(run_id=run_id)).metrics})
print("first session OK")
