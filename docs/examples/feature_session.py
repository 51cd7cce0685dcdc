"""The feature store from Python: declare features, push rows, read them online (gRPC and Feast-shaped HTTP) and build a
point-in-time correct training set.

    python3 -m grpc_tools.protoc -I proto --python_out=gen --grpc_python_out=gen proto/mlops/features/v1/features.proto
    PYTHONPATH=gen python3 docs/examples/feature_session.py 127.0.0.1:5001 http://127.0.0.1:5000
"""
import json
import sys
import time
import urllib.request
import uuid

import grpc
from mlops.features.v1 import features_pb2 as pb
from mlops.features.v1 import features_pb2_grpc as rpc

target = sys.argv[1] if len(sys.argv) > 1 else "127.0.0.1:5001"
http = sys.argv[2] if len(sys.argv) > 2 else "http://127.0.0.1:5000"
api = rpc.FeatureStoreServiceStub(grpc.insecure_channel(target))
suffix = uuid.uuid4().hex[:8]

repository = f"""
entities:
  - name: driver
    join_keys: [{{name: driver_id, type: int64}}]
sources:
  - name: driver_events_{suffix}
    push: true
    timestamp_field: event_timestamp
    schema:
      - {{name: driver_id, type: int64}}
      - {{name: conv_rate, type: float64}}
      - {{name: trips, type: int64}}
      - {{name: event_timestamp, type: timestamp}}
feature_views:
  - name: driver_stats_{suffix}
    entities: [driver]
    source: driver_events_{suffix}
    ttl: 1d
    online: true
    schema:
      - {{name: conv_rate, type: float64}}
      - {{name: trips, type: int64}}
on_demand_feature_views:
  - name: driver_score_{suffix}
    inputs: [driver_stats_{suffix}]
    request_schema: [{{name: boost, type: float64}}]
    outputs:
      - {{name: score, type: float64, expression: "conv_rate * trips + boost"}}
"""
files = [pb.RepositoryFile(path="driver.yaml", content=repository)]
plan = api.Plan(pb.PlanRequest(files=files))
assert not plan.errors, plan.errors
print("plan:", [(c.name, pb.PlanAction.Name(c.action)) for c in plan.changes])
applied = api.Apply(pb.ApplyRequest(files=files, expected_revision=plan.revision))
print("applied revision", applied.revision)


def column(name, kind, field, values):
    return pb.Column(name=name, type=kind, values=[pb.Value(**{field: v}) for v in values])


now_us = int(time.time() * 1_000_000)
hour_us = 3600 * 1_000_000
api.Push(pb.PushRequest(push_source=f"driver_events_{suffix}", to=pb.ONLINE_AND_OFFLINE, rows=pb.Frame(columns=[
    column("driver_id", pb.INT64, "int64_val", [1001, 1002]),
    column("conv_rate", pb.FLOAT64, "double_val", [0.5, 0.25]),
    column("trips", pb.INT64, "int64_val", [10, 4]),
    column("event_timestamp", pb.TIMESTAMP, "timestamp_micros_val", [now_us - hour_us, now_us - hour_us]),
])))

online = api.GetOnlineFeatures(pb.GetOnlineFeaturesRequest(
    features=[f"driver_stats_{suffix}:conv_rate", f"driver_score_{suffix}:score"],
    entities=pb.Frame(columns=[column("driver_id", pb.INT64, "int64_val", [1001, 1002, 9999])]),
    request_context=pb.Frame(columns=[column("boost", pb.FLOAT64, "double_val", [1.0, 1.0, 1.0])])))
names = list(online.feature_names)
score = online.results[names.index("score")]
print("online:", names, [v.double_val for v in score.values], [pb.FeatureStatus.Name(s) for s in online.results[1].statuses])
assert [v.double_val for v in score.values[:2]] == [6.0, 2.0]
assert online.results[1].statuses[2] == pb.NOT_FOUND

# The same read in Feast's HTTP shape, with nothing but the standard library.
body = json.dumps({"features": [f"driver_stats_{suffix}:trips"], "entities": {"driver_id": [1001]}}).encode()
request = urllib.request.Request(f"{http}/get-online-features", data=body, headers={"Content-Type": "application/json"})
with urllib.request.urlopen(request, timeout=10) as response:
    feast = json.load(response)
print("feast http:", feast["metadata"]["feature_names"], feast["results"][1]["values"], feast["results"][1]["statuses"])
assert feast["results"][1]["values"] == [10]

training = api.GetHistoricalFeatures(pb.GetHistoricalFeaturesRequest(
    entity_rows=pb.Frame(columns=[
        column("driver_id", pb.INT64, "int64_val", [1001, 1001, 1002]),
        column("event_timestamp", pb.TIMESTAMP, "timestamp_micros_val", [now_us, now_us - 2 * hour_us, now_us]),
        column("boost", pb.FLOAT64, "double_val", [0.0, 0.0, 0.0]),
    ]),
    features=[f"driver_stats_{suffix}:conv_rate", f"driver_score_{suffix}:score"],
    dataset_name=f"drivers-{suffix}"))
print("training set", training.name, "v", training.version, training.row_count, "rows, sha256", training.digest[:12], training.artifact_key)
assert training.row_count == 3
again = api.GetHistoricalFeatures(pb.GetHistoricalFeaturesRequest(
    entity_rows=pb.Frame(columns=[
        column("driver_id", pb.INT64, "int64_val", [1001, 1001, 1002]),
        column("event_timestamp", pb.TIMESTAMP, "timestamp_micros_val", [now_us, now_us - 2 * hour_us, now_us]),
        column("boost", pb.FLOAT64, "double_val", [0.0, 0.0, 0.0]),
    ]),
    features=[f"driver_stats_{suffix}:conv_rate", f"driver_score_{suffix}:score"],
    dataset_name=f"drivers-{suffix}"))
assert (again.digest, again.version) == (training.digest, training.version)
print("feature session ok")
