"""A small threaded HTTP server on 127.0.0.1 for fake vendor APIs, with queued faults and a request log."""

from __future__ import annotations

import json
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body or b"{}")


@dataclass
class Response:
    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Fault:
    path_prefix: str
    response: Response
    hang: bool = False  # accept the request and never answer (until the server stops)


Handler = Callable[[Request], Response]


class FakeServer:
    """Subclasses register routes with `route(method, path_prefix, handler)`; tests queue faults with `fail_next`."""

    def __init__(self) -> None:
        self.routes: list[tuple[str, str, Handler]] = []
        self.requests: list[Request] = []
        self.faults: deque[Fault] = deque()
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        server = self

        class _Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:  # keep test output quiet
                pass

            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                parts = urlsplit(self.path)
                request = Request(
                    self.command,
                    parts.path,
                    parse_qs(parts.query),
                    dict(self.headers.items()),
                    self.rfile.read(length),
                )
                response = server.dispatch(request)
                payload = (
                    response.body if isinstance(response.body, bytes) else json.dumps(response.body).encode()
                )
                self.send_response(response.status)
                headers = {"Content-Type": "application/json", **response.headers}
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _serve

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> FakeServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()  # lets hanging handlers go
        self.httpd.shutdown()
        self.httpd.server_close()

    def route(self, method: str, path_prefix: str, handler: Handler) -> None:
        self.routes.append((method, path_prefix, handler))

    def fail_next(
        self,
        path_prefix: str,
        status: int,
        body: Any = None,
        headers: dict[str, str] | None = None,
        times: int = 1,
    ) -> None:
        for _ in range(times):
            self.faults.append(
                Fault(
                    path_prefix,
                    Response(status, body if body is not None else {"error": "fault"}, headers or {}),
                )
            )

    def hang_next(self, path_prefix: str, times: int = 1) -> None:
        """The next `times` requests to the path get no answer at all, as from a vendor whose backend stalled:
        only the client's timeout ends them."""
        for _ in range(times):
            self.faults.append(Fault(path_prefix, Response(504, {"error": "hung"}), hang=True))

    def dispatch(self, request: Request) -> Response:
        hang = None
        with self._lock:
            self.requests.append(request)
            for fault in list(self.faults):
                if request.path.startswith(fault.path_prefix):
                    self.faults.remove(fault)
                    if not fault.hang:
                        return fault.response
                    hang = fault
                    break
        if hang is not None:
            self._stopping.wait(timeout=60)
            return hang.response
        for method, prefix, handler in self.routes:
            if method == request.method and request.path.startswith(prefix):
                return handler(request)
        return Response(
            404, {"error": "RecordNotFound", "description": f"no route {request.method} {request.path}"}
        )

    def calls_to(self, path_prefix: str) -> list[Request]:
        return [r for r in self.requests if r.path.startswith(path_prefix)]
