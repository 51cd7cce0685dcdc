#!/usr/bin/python3
"""A recording reverse proxy for MLflow traffic (stdlib only): every request is forwarded to --target and one JSON line
per exchange is appended to the capture, so the exact request/response pairs of a real client session against a real
server can be kept as test fixtures (see tests/MlOps.Orleans.Tests/Mlflow/Fixtures/mlflow-3.5/README.md).

  /usr/bin/python3 bench/scripts/mlflow-capture.py --listen 127.0.0.1:5601 --target http://127.0.0.1:5600 --out DIR

Each line: seq, method, path, query ({name: value}, a list when a name repeats), request content_type, headers kept
(volatile ones dropped: date, host, user-agent, content-length, connection, ...), request body, status, response
content_type, response headers kept, response body. A body is its parsed JSON when it is JSON (by content type, or
when a text body parses as JSON), null when empty, else {"bytes": n, "sha256": hex}: artifact payloads (binary or
text) are kept by size and digest only, never their bytes; a short text/* body that is not an artifact (an HTML error
page, /version) also keeps its "text".

Steps: a request to `/__capture__/mark?step=NAME` is answered by the proxy itself (never forwarded) and starts a new
file DIR/NAME.jsonl (seq restarts at 1; a step without traffic leaves no file); until the first mark, exchanges go
to DIR/session.jsonl. With --out FILE
ending in .jsonl everything goes to that one file and marks are recorded as {"mark": NAME} lines.
"""
import argparse
import gzip
import hashlib
import http.client
import http.server
import json
import os
import sys
import threading
import urllib.parse
import zlib

# Headers that change between two runs of the same session, or that describe the connection, not the exchange.
VOLATILE_REQUEST = {"host", "user-agent", "content-length", "connection", "keep-alive", "accept-encoding",
                    "authorization", "cookie", "proxy-authorization", "transfer-encoding", "te", "date", "traceparent",
                    "content-type"}
VOLATILE_RESPONSE = {"date", "server", "content-length", "connection", "keep-alive", "transfer-encoding",
                     "set-cookie", "content-type", "etag", "last-modified", "x-request-id", "via"}
HOP_BY_HOP = {"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailers",
              "transfer-encoding", "upgrade"}
MARK_PATH = "/__capture__/mark"
ARTIFACT_PATHS = ("/mlflow-artifacts/", "/get-artifact", "/artifacts/files")
TEXT_LIMIT = 4096


def log(message):
    print(f"# {message}", file=sys.stderr, flush=True)


def decoded(body, encoding):
    encoding = (encoding or "").lower()
    try:
        if encoding == "gzip":
            return gzip.decompress(body)
        if encoding == "deflate":
            return zlib.decompress(body)
    except (OSError, zlib.error):
        pass
    return body


def describe_body(body, content_type, artifact=False):
    """The recorded form of a body: parsed JSON, null when empty, else its size and SHA-256, plus the text itself for
    a short text answer that is not an artifact's content (an error page, /version)."""
    if not body:
        return None
    content_type = (content_type or "").lower()
    textual = "json" in content_type or content_type.startswith("text/") or not content_type
    if textual and body[:1] in (b"{", b"[") or "json" in content_type:
        try:
            return json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            pass
    described = {"bytes": len(body), "sha256": hashlib.sha256(body).hexdigest()}
    if not artifact and content_type.startswith("text/") and len(body) <= TEXT_LIMIT:
        try:
            described["text"] = body.decode("utf-8")
        except UnicodeDecodeError:
            pass
    return described


def kept_headers(headers, volatile):
    kept = {}
    for name, value in headers:
        lname = name.lower()
        if lname in volatile or lname in HOP_BY_HOP:
            continue
        kept[lname] = value if lname not in kept else kept[lname] + ", " + value
    return kept


def parse_query(query):
    parsed = {}
    for name, value in urllib.parse.parse_qsl(query, keep_blank_values=True):
        if name in parsed:
            parsed[name] = parsed[name] + [value] if isinstance(parsed[name], list) else [parsed[name], value]
        else:
            parsed[name] = value
    return parsed


class Recorder:
    def __init__(self, out):
        self.lock = threading.Lock()
        self.single = out.endswith(".jsonl")
        self.out = out
        if not self.single:
            os.makedirs(out, exist_ok=True)
        self.seq = 0
        self.file = None
        self.step = "session"

    def _file(self):
        # Opened at the first exchange of a step, so a step without traffic leaves no empty file.
        if self.file is None:
            path = self.out if self.single else os.path.join(self.out, f"{self.step}.jsonl")
            self.file = open(path, "a", encoding="utf-8")
        return self.file

    def mark(self, step):
        with self.lock:
            if self.single:
                self._file().write(json.dumps({"mark": step}) + "\n")
                self.file.flush()
            else:
                if self.file:
                    self.file.close()
                self.file = None
                self.step = step
                self.seq = 0
        log(f"step {step}")

    def record(self, entry):
        with self.lock:
            self._file()
            self.seq += 1
            line = {"seq": self.seq, **entry}
            self.file.write(json.dumps(line, ensure_ascii=False, sort_keys=False) + "\n")
            self.file.flush()


def make_handler(target, recorder, timeout):
    target_url = urllib.parse.urlsplit(target)
    target_host = target_url.hostname
    target_port = target_url.port or (443 if target_url.scheme == "https" else 80)
    base_path = target_url.path.rstrip("/")
    local = threading.local()

    def connection(fresh=False):
        conn = getattr(local, "conn", None)
        if conn is None or fresh:
            if conn is not None:
                conn.close()
            cls = http.client.HTTPSConnection if target_url.scheme == "https" else http.client.HTTPConnection
            conn = cls(target_host, target_port, timeout=timeout)
            local.conn = conn
        return conn

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format, *args):  # quiet: the capture is the log
            pass

        def _read_body(self):
            if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
                chunks = []
                while True:
                    size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                    if size == 0:
                        while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                            pass
                        break
                    chunks.append(self.rfile.read(size))
                    self.rfile.readline()
                return b"".join(chunks)
            length = int(self.headers.get("Content-Length") or 0)
            return self.rfile.read(length) if length else b""

        def _handle(self):
            split = urllib.parse.urlsplit(self.path)
            body = self._read_body()
            if split.path == MARK_PATH:
                step = parse_query(split.query).get("step") or "unnamed"
                recorder.mark(step if isinstance(step, str) else step[-1])
                self.send_response(204)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            headers = {name: value for name, value in self.headers.items()
                       if name.lower() not in HOP_BY_HOP and name.lower() not in ("host", "content-length")}
            headers["Host"] = f"{target_host}:{target_port}"
            headers["Content-Length"] = str(len(body))
            upstream_path = base_path + self.path
            for attempt in (0, 1):
                conn = connection(fresh=attempt == 1)
                try:
                    conn.request(self.command, upstream_path, body=body if body or self.command != "GET" else None,
                                 headers=headers)
                    response = conn.getresponse()
                    payload = response.read()
                    break
                except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                    if attempt == 1:
                        raise
            response_headers = response.getheaders()
            request_type = self.headers.get("Content-Type")
            artifact = any(marker in split.path for marker in ARTIFACT_PATHS)
            response_type = response.getheader("Content-Type")
            recorder.record({
                "method": self.command,
                "path": split.path,
                "query": parse_query(split.query),
                "request_content_type": request_type,
                "request_headers": kept_headers(self.headers.items(), VOLATILE_REQUEST),
                "request_body": describe_body(decoded(body, self.headers.get("Content-Encoding")), request_type,
                                              artifact),
                "status": response.status,
                "response_content_type": response_type,
                "response_headers": kept_headers(response_headers, VOLATILE_RESPONSE),
                "response_body": describe_body(decoded(payload, response.getheader("Content-Encoding")),
                                               response_type, artifact),
            })
            self.send_response(response.status, response.reason)
            for name, value in response_headers:
                if name.lower() in HOP_BY_HOP or name.lower() in ("content-length", "date", "server"):
                    continue
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(payload)

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _handle

    return Handler


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--listen", default="127.0.0.1:5601", help="HOST:PORT to listen on")
    parser.add_argument("--target", required=True, help="base URL of the server to forward to")
    parser.add_argument("--out", required=True, help="a folder (one NAME.jsonl per step) or one FILE.jsonl")
    parser.add_argument("--timeout", type=float, default=300, help="seconds to wait for the target")
    args = parser.parse_args()
    host, _, port = args.listen.rpartition(":")
    recorder = Recorder(args.out)
    server = http.server.ThreadingHTTPServer((host or "127.0.0.1", int(port)),
                                             make_handler(args.target, recorder, args.timeout))
    server.daemon_threads = True
    log(f"recording {args.listen} -> {args.target} into {args.out}")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
