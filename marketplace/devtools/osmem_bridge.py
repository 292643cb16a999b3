"""A loopback HTTP bridge between elasticsearch-py and osmem-server, for the tests and the benchmark only.

elasticsearch-py 8/9 sends `Accept`/`Content-Type: application/vnd.elasticsearch+json; compatible-with=9`
(and `...+x-ndjson` for bulk) and insists on an `X-Elastic-Product: Elasticsearch` response header. osmem-server,
an in-memory OpenSearch-compatible server, answers 406 to those media types. The bridge rewrites the two request
headers to plain `application/json` / `application/x-ndjson` and forwards the request unchanged otherwise (it adds
the product header only if the server did not send one; osmem 0.1.6 does). Production code never imports this module:
against a real Elasticsearch the client talks to the server directly.

    with OsmemBridge(osmem_url) as bridge:
        app = create_app({"ELASTICSEARCH_URL": bridge.url, ...})
"""
from __future__ import annotations

import http.client
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

_VND = re.compile(r"application/vnd\.elasticsearch\+(json|x-ndjson)\s*(;\s*compatible-with=\d+)?", re.I)
_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "host"}
_OWN = _HOP | {"date", "server"}  # send_response() writes its own Date and Server


def plain_media_type(value: str) -> str:
    """'application/vnd.elasticsearch+json; compatible-with=9' -> 'application/json' (x-ndjson likewise)."""
    return _VND.sub(lambda m: f"application/{m.group(1)}", value)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):
        pass

    def _upstream(self, fresh: bool = False) -> http.client.HTTPConnection:
        local = self.server.local
        if fresh or getattr(local, "conn", None) is None:
            local.conn = http.client.HTTPConnection(self.server.upstream_host, self.server.upstream_port, timeout=60)
            with self.server.lock:
                self.server.connections.append(local.conn)
        return local.conn

    def _forward(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        headers = {k: v for k, v in self.headers.items() if k.lower() not in _HOP}
        for name in list(headers):
            if name.lower() in ("accept", "content-type"):
                headers[name] = plain_media_type(headers[name])
        for attempt in (0, 1):
            conn = self._upstream(fresh=attempt == 1)
            try:
                conn.request(self.command, self.path, body=body, headers=headers)
                response = conn.getresponse()
                data = response.read()
                break
            except (http.client.HTTPException, ConnectionError):
                conn.close()
                if attempt:
                    raise
        self.send_response(response.status)
        upstream = response.getheaders()
        for name, value in upstream:
            if name.lower() not in _OWN:
                self.send_header(name, value)
        if not any(name.lower() == "x-elastic-product" for name, _ in upstream):
            self.send_header("X-Elastic-Product", "Elasticsearch")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _forward


class OsmemBridge:
    def __init__(self, upstream_url: str):
        parts = urlsplit(upstream_url)
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.server.daemon_threads = True
        self.server.upstream_host, self.server.upstream_port = parts.hostname, parts.port
        self.server.local = threading.local()
        self.server.lock = threading.Lock()
        self.server.connections = []
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self) -> OsmemBridge:
        self._thread.start()
        return self

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(timeout=5)
        with self.server.lock:
            for conn in self.server.connections:
                conn.close()
            self.server.connections.clear()

    def __enter__(self) -> OsmemBridge:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.close()
