#!/usr/bin/python3
"""An ordinary MLflow 3.x client session, step by step, against any tracking server: what a 3.x user does (log and
register a model, autolog, list and download artifacts, load models by id, version and alias, the logged-model API,
registry links) and a set of bad inputs sent as raw REST calls. Run with Debian's Python and MLflow 3.5 on the path
(prepare it with `bench/scripts/mlflow-reference.sh --version 3.5`):

  PYTHONPATH=/work/mlflow-3.5/tree:/work/mlflow-3.5/stubs /usr/bin/python3 bench/scripts/mlflow3-session.py \
      --tracking-uri http://127.0.0.1:5000 [--steps a,b,...] [--mark] [--experiment NAME]

One line per step on stdout, `PASS <step>` or `FAIL <step>: <reason>`; the exit code is 1 when any step failed.
Details go to stderr as `# ...` lines. --mark sends `GET /__capture__/mark?step=<step>` before each step, which the
recording proxy (bench/scripts/mlflow-capture.py) answers itself to file each step's traffic apart; never use it
against a server directly.

The expectations are what a real MLflow 3.5 server answers (observed through the proxy; the captures are under
tests/MlOps.Orleans.Tests/Mlflow/Fixtures/mlflow-3.5/), so a PASS against another server means it answered the
same way where a client can tell. Where 3.5 answers in a way a compatible server need not copy (no model_id on model
versions, a dataset filter by name only that finds nothing, a 500 for a garbage page token or an unknown filter
attribute, unvalidated logged-model tag sizes), the check also accepts the sane answer and logs which one it got.
--experiment should name a new experiment: the logged-model searches expect to see only this session's models.
MLFLOW_HTTP_REQUEST_MAX_RETRIES defaults to 1 here, so a failing server fails fast.
"""
import argparse
import base64
import json
import os
import sys
import tempfile
import time
import traceback
import uuid

os.environ.setdefault("MLFLOW_HTTP_REQUEST_MAX_RETRIES", "1")
os.environ.setdefault("MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR", "1")
os.environ.setdefault("MLFLOW_HTTP_REQUEST_TIMEOUT", "60")
os.environ.setdefault("GIT_PYTHON_REFRESH", "quiet")

import warnings  # noqa: E402

warnings.filterwarnings("ignore")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import requests  # noqa: E402

import mlflow  # noqa: E402
import mlflow.sklearn  # noqa: E402
from mlflow import MlflowClient  # noqa: E402
from mlflow.entities import LoggedModelInput  # noqa: E402
from mlflow.exceptions import MlflowException  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402

STEPS = [
    ("a", "log-model-register"),
    ("b", "autolog"),
    ("c", "list-artifacts"),
    ("d", "load-model"),
    ("e", "logged-models-api"),
    ("f", "registry-links"),
    ("g", "bad-input"),
]
DEPENDS = {"d": ["a"], "f": ["a"]}


def log(message):
    print(f"# {message}", file=sys.stderr, flush=True)


class StepFailed(Exception):
    pass


def check(condition, reason):
    if not condition:
        raise StepFailed(reason)


def expect_error(call, code, what):
    """Runs call, which must raise an MlflowException with error code `code`; returns the exception."""
    try:
        call()
    except MlflowException as e:
        check(e.error_code == code, f"{what}: expected {code}, got {e.error_code}: {e.message}")
        log(f"{what}: {e.error_code}: {e.message}")
        return e
    raise StepFailed(f"{what}: expected {code}, but the call succeeded")


def data(seed=7, n=60):
    """A small deterministic classification set: 4 numeric features, 2 classes."""
    rng = np.random.RandomState(seed)
    x = rng.normal(size=(n, 4))
    y = (x[:, 0] + 0.5 * x[:, 1] - 0.25 * x[:, 2] > 0).astype(int)
    frame = pd.DataFrame(x, columns=["f0", "f1", "f2", "f3"])
    return frame, pd.Series(y, name="label")


class Session:
    def __init__(self, args):
        self.uri = args.tracking_uri.rstrip("/")
        self.mark = args.mark
        self.tag = args.tag
        self.experiment_name = args.experiment or f"mlflow3-session-{self.tag}"
        self.model_name = f"session-model-{self.tag}"
        self.client = None
        self.experiment_id = None
        self.state = {}
        self.http = requests.Session()

    # ---- plumbing ----

    def send_mark(self, step):
        if self.mark:
            self.http.get(f"{self.uri}/__capture__/mark", params={"step": step}, timeout=10)

    def rest(self, method, path, body=None):
        """A raw REST call: returns (status, parsed JSON or text)."""
        response = self.http.request(method, f"{self.uri}{path}", json=body, timeout=60)
        try:
            payload = response.json()
        except ValueError:
            payload = response.text
        return response.status_code, payload

    def setup(self):
        mlflow.set_tracking_uri(self.uri)
        self.client = MlflowClient(self.uri)
        experiment = mlflow.set_experiment(self.experiment_name)
        self.experiment_id = experiment.experiment_id
        log(f"experiment {self.experiment_name} = {self.experiment_id}, model name {self.model_name}")

    # ---- a. log params/metrics/dataset and a registered sklearn model ----

    def step_a(self):
        x, y = data()
        with mlflow.start_run(run_name="log-model-register") as run:
            mlflow.log_params({"C": 0.5, "max_iter": 200, "solver": "lbfgs"})
            for step, loss in enumerate([0.9, 0.6, 0.45]):
                mlflow.log_metric("loss", loss, step=step)
            frame = x.assign(label=y)
            dataset = mlflow.data.from_pandas(frame, name="train", targets="label")
            mlflow.log_input(dataset, context="training")
            model = LogisticRegression(C=0.5, max_iter=200).fit(x, y)
            accuracy = float(model.score(x, y))
            mlflow.log_metric("accuracy", accuracy)
            info = mlflow.sklearn.log_model(
                model, name="model", registered_model_name=self.model_name, input_example=x.head(3)
            )
        check(info.model_id and info.model_id.startswith("m-"), f"model id {info.model_id!r}")
        check(str(info.registered_model_version) == "1", f"registered version {info.registered_model_version!r}")
        logged = self.client.get_logged_model(info.model_id)
        check(str(logged.status) == "READY", f"logged model status {logged.status}")
        check(logged.source_run_id == run.info.run_id, "logged model source_run_id")
        check(logged.params.get("C") == "0.5", f"logged model params {logged.params}")
        # log_model re-sends the run's metrics logged at the model's step (0 here) with the model id, each with the
        # dataset it was logged with (none here): loss at step 0 only, not its latest value.
        metric_keys = sorted((m.key, m.value) for m in logged.metrics or [])
        check(metric_keys == [("accuracy", accuracy), ("loss", 0.9)], f"logged model metrics {metric_keys}")
        log(f"logged model metrics: {[(m.key, m.step, m.dataset_name) for m in logged.metrics]}")
        fetched = self.client.get_run(run.info.run_id)
        outputs = [o.model_id for o in (fetched.outputs.model_outputs if fetched.outputs else [])]
        check(info.model_id in outputs, f"run outputs {outputs}")
        check([d.dataset.name for d in fetched.inputs.dataset_inputs] == ["train"], "run dataset inputs")
        check(fetched.data.params.get("solver") == "lbfgs", "run params")
        history = self.client.get_metric_history(run.info.run_id, "loss")
        check([m.value for m in history] == [0.9, 0.6, 0.45], f"loss history {[m.value for m in history]}")
        version = self.client.get_model_version(self.model_name, "1")
        check(version.source == f"models:/{info.model_id}", f"version source {version.source}")
        check(version.model_id in (None, info.model_id), f"version model_id {version.model_id}")
        self.state.update(run_id=run.info.run_id, model_id=info.model_id, model=model, x=x, y=y,
                          artifact_uri=logged.artifact_location, dataset_digest=dataset.digest)
        log(f"run {run.info.run_id}, model {info.model_id}, artifact uri {logged.artifact_location}")

    # ---- b. autolog ----

    def step_b(self):
        x, y = data(seed=11)
        mlflow.sklearn.autolog(silent=True)
        try:
            with mlflow.start_run(run_name="autolog") as run:
                LogisticRegression(C=2.0, max_iter=100).fit(x, y)
        finally:
            mlflow.sklearn.autolog(disable=True)
        fetched = self.client.get_run(run.info.run_id)
        metrics = fetched.data.metrics
        check("training_accuracy_score" in metrics, f"autolog metrics {sorted(metrics)}")
        check(fetched.data.params.get("C") == "2.0", f"autolog params {fetched.data.params}")
        outputs = [o.model_id for o in (fetched.outputs.model_outputs if fetched.outputs else [])]
        check(len(outputs) == 1, f"autolog run outputs {outputs}")
        found = self.client.search_logged_models(
            experiment_ids=[self.experiment_id], filter_string=f"source_run_id = '{run.info.run_id}'"
        )
        check([m.model_id for m in found] == outputs, f"search by source_run_id {[m.model_id for m in found]}")
        model = found[0]
        check(str(model.status) == "READY", f"autolog model status {model.status}")
        check(any(m.key == "training_accuracy_score" for m in model.metrics or []),
              f"autolog model metrics {[m.key for m in model.metrics or []]}")
        self.state["autolog_model_id"] = model.model_id

    # ---- c. artifacts in a directory: list and download ----

    def step_c(self):
        with tempfile.TemporaryDirectory() as tmp:
            a = os.path.join(tmp, "a.txt")
            b = os.path.join(tmp, "b.json")
            nested = os.path.join(tmp, "nested")
            os.makedirs(nested)
            with open(a, "w") as f:
                f.write("alpha\n")
            with open(b, "w") as f:
                json.dump({"beta": 2}, f)
            with open(os.path.join(nested, "c.txt"), "w") as f:
                f.write("gamma\n")
            with mlflow.start_run(run_name="list-artifacts") as run:
                mlflow.log_artifact(a, artifact_path="some_dir")
                mlflow.log_artifact(b, artifact_path="some_dir")
                mlflow.log_artifacts(nested, artifact_path="some_dir/nested")
                mlflow.log_text("top\n", "top.txt")
        run_id = run.info.run_id
        listing = self.client.list_artifacts(run_id, "some_dir")
        entries = sorted((f.path, f.is_dir) for f in listing)
        check(entries == [("some_dir/a.txt", False), ("some_dir/b.json", False), ("some_dir/nested", True)],
              f"list some_dir {entries}")
        sizes = {f.path: f.file_size for f in listing}
        check(sizes["some_dir/a.txt"] == 6, f"sizes {sizes}")
        root = sorted((f.path, f.is_dir) for f in self.client.list_artifacts(run_id))
        check(root == [("some_dir", True), ("top.txt", False)], f"list root {root}")
        nested_listing = [f.path for f in self.client.list_artifacts(run_id, "some_dir/nested")]
        check(nested_listing == ["some_dir/nested/c.txt"], f"list nested {nested_listing}")
        check(self.client.list_artifacts(run_id, "no_such_dir") == [], "list of a missing folder")
        with tempfile.TemporaryDirectory() as out:
            local = self.client.download_artifacts(run_id, "some_dir", out)
            with open(os.path.join(local, "nested", "c.txt")) as f:
                check(f.read() == "gamma\n", "downloaded nested file")
            one = mlflow.artifacts.download_artifacts(run_id=run_id, artifact_path="some_dir/b.json", dst_path=out)
            with open(one) as f:
                check(json.load(f) == {"beta": 2}, "downloaded json")
        text = mlflow.artifacts.load_text(f"runs:/{run_id}/top.txt")
        check(text == "top\n", f"load_text {text!r}")
        # The logged model's own artifact listing (logged-models/{id}/artifacts/directories).
        if "model_id" in self.state:
            files = sorted(f.path for f in self.client.list_logged_model_artifacts(self.state["model_id"]))
            check("MLmodel" in files and "model.pkl" in files, f"logged model artifacts {files}")
            log(f"logged model artifacts {files}")
            # The listing and file routes the UI uses (no client call reaches them), raw.
            model_id = self.state["model_id"]
            route = f"/api/2.0/mlflow/logged-models/{model_id}/artifacts/directories"
            status, payload = self.rest("GET", route)
            check(status == 200 and payload.get("root_uri") == self.state["artifact_uri"], f"{route}: {status}")
            check(sorted(f["path"] for f in payload.get("files", [])) == files, f"{route} files {payload}")
            status, payload = self.rest("GET", f"{route}?artifact_directory_path=no_such_dir")
            check(status == 200 and not payload.get("files"), f"{route} of a missing folder: {status} {payload}")
            status, payload = self.rest(
                "GET", f"/ajax-api/2.0/mlflow/logged-models/{model_id}/artifacts/files?artifact_file_path=MLmodel")
            check(status == 200 and isinstance(payload, str) and f"model_id: {model_id}" in payload,
                  f"logged model file route: {status}")

    # ---- d. load by models:/<id>, models:/<name>/1, models:/<name>@champion ----

    def step_d(self):
        x, model_id, name = self.state["x"], self.state["model_id"], self.model_name
        expected = self.state["model"].predict(x)
        self.client.set_registered_model_alias(name, "champion", "1")
        predictions = {}
        for uri in (f"models:/{model_id}", f"models:/{name}/1", f"models:/{name}@champion"):
            loaded = mlflow.pyfunc.load_model(uri)
            check(loaded.metadata.model_id == model_id, f"{uri}: MLmodel model_id {loaded.metadata.model_id}")
            predictions[uri] = np.asarray(loaded.predict(x))
            check(np.array_equal(predictions[uri], expected), f"{uri}: predictions differ from the trained model")
        native = mlflow.sklearn.load_model(f"models:/{model_id}")
        check(np.array_equal(native.predict(x), expected), "sklearn flavor predictions")
        version = self.client.get_model_version_by_alias(name, "champion")
        check(version.version == "1" and version.aliases == ["champion"], f"alias version {version}")

    # ---- e. the logged-model API ----

    def step_e(self):
        client, exp = self.client, self.experiment_id
        t0 = int(time.time() * 1000) - 1
        created = []
        for i, (kind, x_value) in enumerate([("agent", "1"), ("agent", "2"), ("classifier", "3")]):
            model = client.create_logged_model(
                exp, name=f"lm-{i}", params={"x": x_value}, tags={"team": "red" if i < 2 else "blue"},
                model_type=kind,
            )
            check(str(model.status) == "PENDING", f"created status {model.status}")
            check(model.model_id.startswith("m-") and model.name == f"lm-{i}", f"created {model.model_id}")
            check(model.artifact_location.endswith(f"/models/{model.model_id}/artifacts"),
                  f"artifact location {model.artifact_location}")
            created.append(model)
            time.sleep(0.01)  # distinct creation times, so the default order (newest first) is defined
        ids = [m.model_id for m in created]
        external = mlflow.create_external_model(name="external", params={"x": "9"}, tags={"team": "green"},
                                                model_type="agent", experiment_id=exp)
        check(str(external.status) == "READY", f"external status {external.status}")
        check(external.tags.get("mlflow.model.isExternal") == "true", f"external tags {external.tags}")

        # Metrics linked to models (with a dataset), params, tags, status.
        eval_set = mlflow.data.from_pandas(pd.DataFrame({"v": [1.0, 2.0]}), name="eval")
        with mlflow.start_run(run_name="logged-models-api") as run:
            for model_id, score in zip(ids, [0.7, 0.9, 0.8]):
                mlflow.log_metric("score", score, model_id=model_id, dataset=eval_set)
            mlflow.log_metric("latency", 12.5, model_id=ids[0])
            mlflow.log_input(model=LoggedModelInput(ids[2]))
        fetched_run = client.get_run(run.info.run_id)
        # Logging a metric with a model id also logs the model as an input of the run (runs/log-inputs models).
        check(sorted(m.model_id for m in fetched_run.inputs.model_inputs) == sorted(ids),
              f"run model inputs {fetched_run.inputs.model_inputs}")
        client.log_model_params(ids[0], {"y": "yes", "z": "zed"})
        client.set_logged_model_tags(ids[0], {"stage": "candidate", "owner": "session"})
        client.delete_logged_model_tag(ids[0], "owner")
        finalized = client.finalize_logged_model(ids[0], "READY")
        check(str(finalized.status) == "READY", f"finalized {finalized.status}")
        client.finalize_logged_model(ids[2], mlflow.entities.LoggedModelStatus.FAILED)
        got = client.get_logged_model(ids[0])
        check(got.params == {"x": "1", "y": "yes", "z": "zed"}, f"params {got.params}")
        check(got.tags == {"team": "red", "stage": "candidate"}, f"tags {got.tags}")
        check(sorted((m.key, m.value, m.dataset_name) for m in got.metrics)
              == [("latency", 12.5, None), ("score", 0.7, "eval")], f"metrics {got.metrics}")
        check(got.last_updated_timestamp >= got.creation_timestamp, "timestamps")

        def search(filter_string=None, **kw):
            return [m.model_id for m in client.search_logged_models([exp], filter_string=filter_string, **kw)]

        def mine(found):
            return [i for i in found if i in ids]

        # Filters over attributes, params, metrics, tags.
        check(search("name = 'lm-1'") == [ids[1]], "name =")
        check(mine(search("name LIKE 'lm-%'")) == ids[::-1], "name LIKE (default order newest first)")
        check(sorted(search(f"creation_time > {t0} AND model_type = 'agent'")) == sorted(ids[:2] + [external.model_id]),
              "creation_time and model_type")
        check(search("params.x = '2'") == [ids[1]], "params.x =")
        check(sorted(search("params.x IN ('1', '3')")) == sorted([ids[0], ids[2]]), "params.x IN")
        check(search("metrics.score > 0.75") == [ids[2], ids[1]], "metrics.score >")
        check(search("metrics.score >= 0.7 AND tags.team = 'red'") == [ids[1], ids[0]], "metrics and tags")
        check(mine(search("tags.team != 'red'")) == [ids[2]], "tags !=")
        check(search("tags.stage = 'candidate'") == [ids[0]], "tags.stage")
        # Status is stored as a number; the filter compares the string as given (see the notes).
        by_status = {s: mine(search(f"status = '{s}'")) for s in ("READY", "LOGGED_MODEL_READY", "2")}
        log(f"status filters: {by_status}")
        check(by_status["2"] == [ids[0]], f"status = '2' {by_status}")
        # Ordering.
        check(search(f"creation_time > {t0}", order_by=[{"field_name": "creation_time", "ascending": True}])
              == ids + [external.model_id], "order by creation_time ascending")
        check(search("metrics.score > 0", order_by=[{"field_name": "metrics.score", "ascending": False}])
              == [ids[1], ids[2], ids[0]], "order by metrics.score desc")
        check(search(f"creation_time > {t0}", order_by=[{"field_name": "name", "ascending": False}])
              == [ids[2], ids[1], ids[0], external.model_id], "order by name desc")
        # Paging.
        pages, token = [], None
        while True:
            page = client.search_logged_models([exp], filter_string=f"creation_time > {t0}", max_results=2,
                                               page_token=token)
            pages.append([m.model_id for m in page])
            token = page.token
            if not token:
                break
        check(pages == [[external.model_id, ids[2]], [ids[1], ids[0]]], f"pages {pages}")
        # Datasets.
        # A dataset given by name only: 3.5's handler passes dataset_digest=None on, and its store then matches
        # only metrics whose digest IS NULL, so models whose metrics carry a digest are not found. The documented
        # meaning (any digest) is accepted too.
        by_name = search(datasets=[{"dataset_name": "eval"}])
        log(f"datasets=[eval] by name only found {len(by_name)} of the 3 models with eval metrics")
        check(sorted(by_name) in ([], sorted(ids)), f"datasets filter by name {by_name}")
        check(sorted(search(datasets=[{"dataset_name": "eval", "dataset_digest": eval_set.digest}])) == sorted(ids),
              "datasets filter by name and digest")
        check(search("metrics.score < 0.75", datasets=[{"dataset_name": "eval", "dataset_digest": eval_set.digest}])
              == [ids[0]], "datasets with digest and metric filter")
        check(search("metrics.score > 0", datasets=[{"dataset_name": "train"}]) == [], "metrics on another dataset")
        check(search("metrics.latency > 1", datasets=[{"dataset_name": "eval"}]) == [], "latency not on eval")
        # The fluent API (pandas and list output).
        frame = mlflow.search_logged_models(experiment_ids=[exp], filter_string="params.x = '3'")
        check(list(frame["model_id"]) == [ids[2]], "fluent search (pandas)")
        listed = mlflow.search_logged_models(filter_string="tags.team = 'green'", output_format="list")
        check([m.model_id for m in listed] == [external.model_id], "fluent search (list, active experiment)")
        check(mlflow.get_logged_model(ids[1]).name == "lm-1", "fluent get_logged_model")
        # Delete.
        client.delete_logged_model(ids[1])
        expect_error(lambda: client.get_logged_model(ids[1]), "RESOURCE_DOES_NOT_EXIST", "get a deleted model")
        check(mine(search("name LIKE 'lm-%'")) == [ids[2], ids[0]], "search after delete")
        self.state["api_model_ids"] = ids

    # ---- f. registry links ----

    def step_f(self):
        client, name, model_id = self.client, self.model_name, self.state["model_id"]
        version = client.get_model_version(name, "1")
        # A 3.5 server with a SQL registry keeps no model_id on versions (the request carries it, the answer does
        # not); the link lives in the source (models:/<id>) and the logged model's mlflow.modelVersions tag.
        check(version.model_id in (None, model_id), f"version model_id {version.model_id}")
        log(f"version 1 model_id as answered: {version.model_id!r}")
        check(version.source == f"models:/{model_id}", f"version source {version.source}")
        check(version.run_id == self.state["run_id"], f"version run_id {version.run_id}")
        download_uri = client.get_model_version_download_uri(name, "1")
        check(download_uri == self.state["artifact_uri"], f"download uri {download_uri}")
        # The server adds {"name", "version": <int>} when model-versions/create carries model_id; the client then
        # appends {"name", "version": "<str>"} itself, so each version appears twice (int and string) with 3.5.
        def versions_in_tag():
            tag = json.loads(client.get_logged_model(model_id).tags.get("mlflow.modelVersions", "[]"))
            check(all(entry.get("name") == name for entry in tag), f"mlflow.modelVersions names {tag}")
            log(f"mlflow.modelVersions = {json.dumps(tag)}")
            return sorted({int(entry["version"]) for entry in tag})

        check(versions_in_tag() == [1], "mlflow.modelVersions after log_model")
        # Register the same logged model again, by models:/ and by runs:/ (the run path has no MLmodel: the client
        # finds the logged model by searching).
        v2 = mlflow.register_model(f"models:/{model_id}", name)
        check(v2.version == "2" and v2.source == f"models:/{model_id}", f"second version {v2.version} {v2.source}")
        v3 = mlflow.register_model(f"runs:/{self.state['run_id']}/model", name)
        check(v3.version == "3" and v3.source == f"models:/{model_id}", f"runs:/ version {v3.version} {v3.source}")
        check(v3.run_id == self.state["run_id"], f"runs:/ version run_id {v3.run_id}")
        check(client.get_model_version_download_uri(name, "3") == self.state["artifact_uri"], "download uri of v3")
        check(versions_in_tag() == [1, 2, 3], "mlflow.modelVersions after three registrations")
        registered = client.get_registered_model(name)
        check(registered.latest_versions and registered.latest_versions[-1].version == "3", "latest versions")
        client.set_registered_model_tag(name, "owner", "session")
        check(client.get_registered_model(name).tags == {"owner": "session"}, "registered model tag")
        found = client.search_model_versions(f"name = '{name}'")
        check(sorted(v.version for v in found) == ["1", "2", "3"], "search versions")
        check(all(v.source == f"models:/{model_id}" for v in found), "every version's source is the model")
        # A missing alias on an existing registered model.
        expect_error(lambda: client.get_model_version_by_alias(name, "nope"), "INVALID_PARAMETER_VALUE",
                     "missing alias")
        # Experiment tags: set and delete.
        client.set_experiment_tag(self.experiment_id, "purpose", "capture")
        client.set_experiment_tag(self.experiment_id, "scratch", "x")
        client.delete_experiment_tag(self.experiment_id, "scratch")
        tags = client.get_experiment(self.experiment_id).tags
        check(tags.get("purpose") == "capture" and "scratch" not in tags, f"experiment tags {tags}")

    # ---- g. bad inputs, raw ----

    def step_g(self):
        api = "/api/2.0/mlflow"
        unknown = "m-" + "0" * 32
        run_id = self.state.get("run_id") or "0" * 32
        long_value = "v" * 8001
        long_key = "k" * 251
        foreign_token = base64.b64encode(json.dumps({"experiment_ids": ["999"], "filter_string": None,
                                                     "order_by": None, "offset": 1}).encode()).decode()
        model_id = self.state.get("model_id", unknown)
        exp = self.experiment_id
        cases = [
            # (label, method, path, body, expected status(es), expected error_code(s)); None: no error_code
            ("get unknown model", "GET", f"{api}/logged-models/{unknown}", None, 404, "RESOURCE_DOES_NOT_EXIST"),
            ("finalize unknown model", "PATCH", f"{api}/logged-models/{unknown}",
             {"model_id": unknown, "status": "LOGGED_MODEL_READY"}, 404, "RESOURCE_DOES_NOT_EXIST"),
            ("finalize without status", "PATCH", f"{api}/logged-models/{model_id}", {"model_id": model_id}, 400,
             "INVALID_PARAMETER_VALUE"),
            ("finalize with a bad status", "PATCH", f"{api}/logged-models/{model_id}",
             {"model_id": model_id, "status": "DONE"}, 400, "INVALID_PARAMETER_VALUE"),
            ("delete unknown model", "DELETE", f"{api}/logged-models/{unknown}", None, 404,
             "RESOURCE_DOES_NOT_EXIST"),
            ("tag unknown model", "PATCH", f"{api}/logged-models/{unknown}/tags",
             {"tags": [{"key": "a", "value": "b"}]}, 404, "RESOURCE_DOES_NOT_EXIST"),
            ("delete tag of unknown model", "DELETE", f"{api}/logged-models/{unknown}/tags/a", None, 404,
             "RESOURCE_DOES_NOT_EXIST"),
            ("delete unknown tag", "DELETE", f"{api}/logged-models/{model_id}/tags/no-such-tag", None, 404,
             "RESOURCE_DOES_NOT_EXIST"),
            ("params of unknown model", "POST", f"{api}/logged-models/{unknown}/params",
             {"model_id": unknown, "params": [{"key": "a", "value": "b"}]}, 404, "RESOURCE_DOES_NOT_EXIST"),
            ("params without model_id in the body", "POST", f"{api}/logged-models/{model_id}/params",
             # 3.5 wants the path's id again in the body; the path alone suffices here (MlOps.Orleans).
             {"params": [{"key": "a", "value": "b"}]}, (400, 200), ("INVALID_PARAMETER_VALUE", None)),
            ("artifacts of unknown model", "GET", f"{api}/logged-models/{unknown}/artifacts/directories", None,
             404, "RESOURCE_DOES_NOT_EXIST"),
            ("search without experiment_ids", "POST", f"{api}/logged-models/search", {}, 400,
             "INVALID_PARAMETER_VALUE"),
            ("search with OR", "POST", f"{api}/logged-models/search",
             {"experiment_ids": [exp], "filter": "name = 'a' OR name = 'b'"}, 400, "INVALID_PARAMETER_VALUE"),
            ("search with a dangling comparison", "POST", f"{api}/logged-models/search",
             {"experiment_ids": [exp], "filter": "name ="}, 400, "INVALID_PARAMETER_VALUE"),
            ("search with an unquoted string", "POST", f"{api}/logged-models/search",
             {"experiment_ids": [exp], "filter": "params.x = abc def"}, 400, "INVALID_PARAMETER_VALUE"),
            ("search with a non-numeric metric value", "POST", f"{api}/logged-models/search",
             {"experiment_ids": [exp], "filter": "metrics.score > 'high'"}, (400, 500),
             ("INVALID_PARAMETER_VALUE", "INTERNAL_ERROR")),
            ("search bad comparator", "POST", f"{api}/logged-models/search",
             {"experiment_ids": [exp], "filter": "metrics.score LIKE 'a'"}, 400, "INVALID_PARAMETER_VALUE"),
            ("search bad entity", "POST", f"{api}/logged-models/search",
             {"experiment_ids": [exp], "filter": "foo.bar = 'a'"}, 400, "INVALID_PARAMETER_VALUE"),
            ("search unknown attribute", "POST", f"{api}/logged-models/search",
             {"experiment_ids": [exp], "filter": "colour = 'red'"}, (400, 500),
             ("INVALID_PARAMETER_VALUE", "INTERNAL_ERROR")),
            ("search order_by params", "POST", f"{api}/logged-models/search",
             {"experiment_ids": [exp], "order_by": [{"field_name": "params.x"}]}, 400, "INVALID_PARAMETER_VALUE"),
            ("search order_by unknown attribute", "POST", f"{api}/logged-models/search",
             {"experiment_ids": [exp], "order_by": [{"field_name": "colour"}]}, 400, "INVALID_PARAMETER_VALUE"),
            # 3.5 fails to decode a token that is not base64 and answers 500 (an HTML page); 400 is the sane answer.
            ("search with a garbage page token", "POST", f"{api}/logged-models/search",
             {"experiment_ids": [exp], "page_token": "not-a-token"}, (400, 500), ("INVALID_PARAMETER_VALUE", None)),
            ("search with another search's page token", "POST", f"{api}/logged-models/search",
             {"experiment_ids": [exp], "page_token": foreign_token}, 400, "INVALID_PARAMETER_VALUE"),
            ("search dataset without name", "POST", f"{api}/logged-models/search",
             {"experiment_ids": [exp], "datasets": [{"dataset_digest": "x"}]}, 400, "INVALID_PARAMETER_VALUE"),
            ("search max_results 1000", "POST", f"{api}/logged-models/search",
             {"experiment_ids": [exp], "max_results": 1000}, 200, None),
            ("search max_results not a number", "POST", f"{api}/logged-models/search",
             {"experiment_ids": [exp], "max_results": "many"}, 400, "INVALID_PARAMETER_VALUE"),
            ("create in unknown experiment", "POST", f"{api}/logged-models",
             {"experiment_id": "987654321", "name": "x"}, 404, "RESOURCE_DOES_NOT_EXIST"),
            ("create without experiment", "POST", f"{api}/logged-models", {"name": "x"}, 400,
             "INVALID_PARAMETER_VALUE"),
            ("create with a slash in the name", "POST", f"{api}/logged-models",
             {"experiment_id": exp, "name": "a/b"}, 400, "INVALID_PARAMETER_VALUE"),
            # 3.5 with a SQL store does not validate logged-model tag sizes (the columns are Text / String(255)).
            ("oversized tag value", "POST", f"{api}/logged-models",
             {"experiment_id": exp, "name": "big", "tags": [{"key": "k", "value": long_value}]}, (200, 400),
             (None, "INVALID_PARAMETER_VALUE")),
            ("oversized tag key", "PATCH", f"{api}/logged-models/{model_id}/tags",
             {"tags": [{"key": long_key, "value": "v"}]}, (200, 400), (None, "INVALID_PARAMETER_VALUE")),
            # Run tags for comparison: 3.5 truncates a value over 8000 characters (checked below), rejects a long key.
            ("oversized run tag value", "POST", f"{api}/runs/set-tag",
             {"run_id": run_id, "key": "big", "value": long_value}, (200, 400), (None, "INVALID_PARAMETER_VALUE")),
            ("oversized run tag key", "POST", f"{api}/runs/set-tag",
             {"run_id": run_id, "key": long_key, "value": "v"}, 400, "INVALID_PARAMETER_VALUE"),
            ("outputs with unknown model", "POST", f"{api}/runs/outputs",
             {"run_id": run_id, "models": [{"model_id": unknown, "step": 0}]}, (200, 404),
             (None, "RESOURCE_DOES_NOT_EXIST")),
            ("outputs with unknown run", "POST", f"{api}/runs/outputs",
             {"run_id": "0" * 32, "models": [{"model_id": model_id, "step": 0}]}, 404, "RESOURCE_DOES_NOT_EXIST"),
            ("outputs without models", "POST", f"{api}/runs/outputs", {"run_id": run_id}, (200, 400),
             (None, "INVALID_PARAMETER_VALUE")),
            ("inputs with unknown model", "POST", f"{api}/runs/log-inputs",
             {"run_id": run_id, "models": [{"model_id": unknown}]}, (200, 404), (None, "RESOURCE_DOES_NOT_EXIST")),
            ("delete tag of unknown experiment", "POST", f"{api}/experiments/delete-experiment-tag",
             {"experiment_id": "987654321", "key": "a"}, 404, "RESOURCE_DOES_NOT_EXIST"),
            ("delete unknown experiment tag", "POST", f"{api}/experiments/delete-experiment-tag",
             {"experiment_id": exp, "key": "no-such-tag"}, (200, 404), (None, "RESOURCE_DOES_NOT_EXIST")),
            # Registering an unknown logged model: by models:/<id> the store fails to resolve the source; with only
            # model_id (another source) 3.5 creates the version, then fails tagging the model.
            ("version from an unknown models:/ id", "POST", f"{api}/model-versions/create",
             {"name": self.model_name, "source": f"models:/{unknown}", "model_id": unknown}, (400, 404, 500),
             ("INVALID_PARAMETER_VALUE", "RESOURCE_DOES_NOT_EXIST", "INTERNAL_ERROR")),
            ("version with an unknown model_id", "POST", f"{api}/model-versions/create",
             {"name": self.model_name, "source": "mlflow-artifacts:/elsewhere/model", "model_id": unknown},
             (200, 400, 404), (None, "INVALID_PARAMETER_VALUE", "RESOURCE_DOES_NOT_EXIST")),
            ("version from a relative source", "POST", f"{api}/model-versions/create",
             {"name": self.model_name, "source": "mlflow-artifacts:/1/../../etc", "model_id": model_id}, 400,
             "INVALID_PARAMETER_VALUE"),
            ("start trace v2", "POST", f"{api}/traces",
             # Traces are out of scope for MlOps.Orleans: 404 ENDPOINT_NOT_FOUND in MLflow's error shape.
             {"experiment_id": exp, "timestamp_ms": 1700000000000, "request_metadata": [], "tags": []}, (200, 404), (None, "ENDPOINT_NOT_FOUND")),
            ("get unknown trace v3", "GET", "/api/3.0/mlflow/traces/x", None, 404, ("RESOURCE_DOES_NOT_EXIST", "ENDPOINT_NOT_FOUND")),
            ("version", "GET", "/version", None, 200, None),
        ]
        failures = []
        for label, method, path, body, status, code in cases:
            got_status, payload = self.rest(method, path, body)
            got_code = payload.get("error_code") if isinstance(payload, dict) else None
            message = payload.get("message") if isinstance(payload, dict) else str(payload)[:200]
            log(f"{label}: {method} {path} -> {got_status} {got_code}: {message!r}")
            statuses = status if isinstance(status, tuple) else (status,)
            codes = code if isinstance(code, tuple) else (code,)
            if got_status not in statuses or got_code not in codes:
                failures.append(f"{label}: expected {status} {code}, got {got_status} {got_code}")
        status, payload = self.rest("GET", f"{api}/runs/get?run_id={run_id}")
        stored = {t["key"]: t["value"] for t in payload["run"]["data"].get("tags", [])}.get("big")
        log(f"oversized run tag stored with {len(stored) if stored is not None else None} characters")
        if stored is not None and len(stored) != 8000:
            failures.append(f"oversized run tag value kept {len(stored)} characters")
        check(not failures, "; ".join(failures))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tracking-uri", required=True)
    parser.add_argument("--steps", default=",".join(letter for letter, _ in STEPS),
                        help="comma-separated step letters (a-g) or names")
    parser.add_argument("--mark", action="store_true", help="send capture marks (only through mlflow-capture.py)")
    parser.add_argument("--experiment", help="experiment name (default: a fresh one per session)")
    parser.add_argument("--tag", default=uuid.uuid4().hex[:8], help="suffix of the experiment and model names")
    args = parser.parse_args()
    wanted = {s.strip() for s in args.steps.split(",") if s.strip()}
    session = Session(args)
    session.send_mark("setup")
    try:
        session.setup()
    except Exception as e:  # noqa: BLE001
        print(f"FAIL setup: {type(e).__name__}: {e}", flush=True)
        return 1
    passed, failed = set(), 0
    for letter, name in STEPS:
        if letter not in wanted and name not in wanted:
            continue
        label = f"{letter}-{name}"
        missing = [d for d in DEPENDS.get(letter, []) if d not in passed]
        if missing:
            print(f"FAIL {label}: needs step {','.join(missing)} to pass first", flush=True)
            failed += 1
            continue
        session.send_mark(name)
        started = time.time()
        try:
            getattr(session, f"step_{letter}")()
        except StepFailed as e:
            print(f"FAIL {label}: {e}", flush=True)
            failed += 1
        except Exception as e:  # noqa: BLE001
            log(traceback.format_exc().rstrip().replace("\n", "\n# "))
            print(f"FAIL {label}: {type(e).__name__}: {str(e)[:500]}", flush=True)
            failed += 1
        else:
            passed.add(letter)
            print(f"PASS {label}", flush=True)
        log(f"{label} took {time.time() - started:.1f} s")
    session.send_mark("end")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
