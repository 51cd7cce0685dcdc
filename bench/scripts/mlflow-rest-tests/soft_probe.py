"""Soft-assert replay of MLflow REST tests: every `assert` and `pytest.raises` in a test (and in the helper
functions nested in it) is recorded instead of stopping the test, so one run lists *every* expectation a
server misses, with actual values. Diagnostic only (the pass/fail verdicts come from the pytest run).

  PYTHONPATH=bench/scripts/mlflow-rest-tests:/work/mlflow-2.22/tree:/work/mlflow-2.22/stubs \
  MLFLOW_REST_TARGET=ours /usr/bin/python3 bench/scripts/mlflow-rest-tests/soft_probe.py \
      tests/tracking/test_rest_tracking.py::test_log_metric_validation[sqlalchemy] ...

Only tests whose fixtures are among mlflow_client / client / tmp_path are supported (sqlalchemy backend).
"""

import ast
import contextlib
import importlib
import inspect
import os
import sys
import tempfile
import textwrap
import traceback

import pytest

os.chdir(os.environ.get("MLFLOW_TREE", "/work/mlflow-2.22/tree"))
sys.path.insert(0, os.getcwd())

import rest_target_plugin as plugin  # noqa: E402

RESULTS = []
LAST = {"req": ""}


def _record_requests():
    import json as _json
    import urllib.parse

    import requests

    orig = requests.Session.request

    def request(self, method, url, *a, **k):
        u = urllib.parse.urlsplit(url)
        body = k.get("json")
        if body is None and isinstance(k.get("data"), (str, bytes)):
            body = k.get("data")[:300]
        desc = f"{method} {u.path}" + (f"?{u.query}" if u.query else "")
        if k.get("params"):
            desc += f" params={_short(k['params'], 200)}"
        if body is not None:
            desc += f" body={_short(body if isinstance(body, (str, bytes)) else _json.dumps(body), 300)}"
        LAST["req"] = desc
        return orig(self, method, url, *a, **k)

    requests.Session.request = request


def _short(v, n=400):
    s = repr(v)
    return s if len(s) <= n else s[:n] + "..."


def _soft_cmp(src, lineno, left, op, right):
    try:
        l = left()
        r = right()
        ok = {
            "==": lambda: l == r, "!=": lambda: l != r, "in": lambda: l in r,
            "not in": lambda: l not in r, "is": lambda: l is r, "is not": lambda: l is not r,
            "<": lambda: l < r, "<=": lambda: l <= r, ">": lambda: l > r, ">=": lambda: l >= r,
        }[op]()
        RESULTS.append((lineno, ok, src, "" if ok else f"left={_short(l)}  right={_short(r)}\n        last request: {LAST['req']}"))
    except Exception as e:  # noqa: BLE001
        RESULTS.append((lineno, False, src, f"raised {type(e).__name__}: {e}"))


def _soft(src, lineno, test):
    try:
        v = test()
        RESULTS.append((lineno, bool(v), src, "" if v else f"value={_short(v)}"))
    except Exception as e:  # noqa: BLE001
        RESULTS.append((lineno, False, src, f"raised {type(e).__name__}: {e}"))


@contextlib.contextmanager
def _soft_raises(src, lineno, exc, match=None):
    import re

    try:
        yield
    except exc as e:
        if match is not None and not re.search(match, str(e)):
            RESULTS.append((lineno, False, src, f"raised but message did not match: {str(e)[:400]!r}"))
        else:
            RESULTS.append((lineno, True, src, ""))
    except Exception as e:  # noqa: BLE001
        RESULTS.append((lineno, False, src, f"raised other {type(e).__name__}: {str(e)[:400]}"))
    else:
        RESULTS.append((lineno, False, src, "did not raise"))


_OPS = {ast.Eq: "==", ast.NotEq: "!=", ast.In: "in", ast.NotIn: "not in", ast.Is: "is",
        ast.IsNot: "is not", ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">="}


def _lam(expr):
    return ast.Lambda(args=ast.arguments(posonlyargs=[], args=[], kwonlyargs=[], kw_defaults=[],
                                         defaults=[]), body=expr)


class _Soften(ast.NodeTransformer):
    def __init__(self, source):
        self.source = source

    def visit_Assert(self, node):
        src = (ast.get_source_segment(self.source, node) or "assert ...").split("\n")[0]
        t = node.test
        if isinstance(t, ast.Compare) and len(t.ops) == 1:
            call = ast.Call(ast.Name("_soft_cmp", ast.Load()),
                            [ast.Constant(src), ast.Constant(node.lineno), _lam(t.left),
                             ast.Constant(_OPS[type(t.ops[0])]), _lam(t.comparators[0])], [])
        else:
            call = ast.Call(ast.Name("_soft", ast.Load()),
                            [ast.Constant(src), ast.Constant(node.lineno), _lam(t)], [])
        return ast.copy_location(ast.Expr(call), node)

    def visit_With(self, node):
        self.generic_visit(node)
        for item in node.items:
            c = item.context_expr
            if (isinstance(c, ast.Call) and isinstance(c.func, ast.Attribute)
                    and c.func.attr == "raises" and getattr(c.func.value, "id", "") == "pytest"):
                src = (ast.get_source_segment(self.source, c) or "pytest.raises").split("\n")[0]
                item.context_expr = ast.Call(ast.Name("_soft_raises", ast.Load()),
                                             [ast.Constant(src), ast.Constant(node.lineno), *c.args],
                                             c.keywords)
        return node


def soften(module, name):
    fn = getattr(module, name)
    lines, start = inspect.getsourcelines(fn)
    src = textwrap.dedent("".join(lines))
    tree = ast.parse(src)
    # keep only the def itself (drop decorators: parametrize is handled by the caller)
    tree.body[0].decorator_list = []
    ast.increment_lineno(tree, start - 1)
    tree = _Soften(open(module.__file__).read()).visit(tree)
    ast.fix_missing_locations(tree)
    g = dict(module.__dict__)
    g.update(_soft=_soft, _soft_cmp=_soft_cmp, _soft_raises=_soft_raises)
    exec(compile(tree, module.__file__, "exec"), g)
    return g[name]


@contextlib.contextmanager
def server():
    if plugin.TARGET == "ours":
        s = plugin.SiloProcess()
        try:
            yield s.url
        finally:
            s.stop()
    else:
        from tests.tracking.integration_test_utils import _init_server

        d = tempfile.mkdtemp()
        with _init_server(f"sqlite:///{d}/db.sqlite", root_artifact_uri=f"file://{d}") as url:
            yield url


def run(nodeid):
    from mlflow import MlflowClient

    path, name = nodeid.split("::")
    base = name.split("[")[0]
    mod = importlib.import_module(path[:-3].replace("/", "."))
    if plugin.TARGET == "ours":
        plugin._patch_modules()
    fn = soften(mod, base)
    params = inspect.signature(fn).parameters
    RESULTS.clear()
    tmp = tempfile.mkdtemp(prefix="soft-")
    import pathlib

    bad = [p for p in params if p not in ("mlflow_client", "client", "tmp_path")]
    if bad:
        print(f"=== {nodeid}  [{plugin.TARGET}] not probed (parametrized/unsupported: {bad})")
        return
    with server() as url:
        kwargs = {}
        for p in params:
            if p in ("mlflow_client", "client"):
                kwargs[p] = MlflowClient(url)
            elif p == "tmp_path":
                kwargs[p] = pathlib.Path(tmp)
            else:
                raise SystemExit(f"{nodeid}: unsupported fixture/param {p}")
        try:
            fn(**kwargs)
            end = "completed"
        except Exception as e:  # noqa: BLE001
            tb = traceback.extract_tb(e.__traceback__)
            where = next((f"{f.filename.split('/')[-1]}:{f.lineno}" for f in reversed(tb)
                          if "tests/tracking" in f.filename), "?")
            end = f"stopped at {where}: {type(e).__name__}: {str(e)[:400]}"
    print(f"=== {nodeid}  [{plugin.TARGET}] {end}")
    for lineno, ok, src, detail in RESULTS:
        if not ok:
            print(f"  FAIL L{lineno}: {src}\n        {detail}")
    print(f"  ({sum(1 for r in RESULTS if r[1])} of {len(RESULTS)} checks passed)")
    sys.stdout.flush()


if __name__ == "__main__":
    os.environ.setdefault("MLFLOW_HTTP_REQUEST_MAX_RETRIES", "1")
    os.environ.setdefault("MLFLOW_HTTP_REQUEST_TIMEOUT", "30")
    _record_requests()
    for nid in sys.argv[1:]:
        run(nid)
