"""A group robot on 127.0.0.1 for the outbox tests: answers as WeCom/DingTalk do, or fails on purpose.

`Robot.script` is the list of answers to give next ("500", "errcode", "garbage", "ok"); once it
is empty the robot answers `Robot.then` ("ok" by default). `stop()` closes the port (a sender
then meets "connection refused"); `start()` opens the same port again. Every request is kept
with the answer it got, so a test can count deliveries per message."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class Robot:
    def __init__(self, delay: float = 0.0):
        self.script: list[str] = []
        self.then = "ok"
        self.delay = delay
        self.requests: list[tuple[str, dict[str, Any] | None, str]] = []  # (path, body, answer)
        self.lock = threading.Lock()
        self.port = 0
        self._server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/cgi-bin/webhook/send?key=SECRET-KEY-123"

    def start(self) -> "Robot":
        robot = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                try:
                    body = json.loads(raw.decode("utf-8"))
                except ValueError:
                    body = None
                with robot.lock:
                    answer = robot.script.pop(0) if robot.script else robot.then
                    robot.requests.append((self.path, body, answer))
                if robot.delay:
                    time.sleep(robot.delay)
                if answer == "500":
                    self.send_response(500)
                    self.end_headers()
                    self.wfile.write(b"Internal Server Error")
                    return
                doc = {"ok": b'{"errcode":0,"errmsg":"ok"}',
                       "errcode": b'{"errcode":93000,"errmsg":"invalid webhook url"}',
                       "garbage": b"<html>proxy login</html>"}[answer]
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(doc)))
                self.end_headers()
                self.wfile.write(doc)

            def log_message(self, *_a: Any) -> None:
                pass

        ThreadingHTTPServer.allow_reuse_address = True
        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def delivered(self) -> list[str]:
        """The contents the robot accepted (answered ok), in order."""
        with self.lock:
            return [b["text"]["content"] for _p, b, a in self.requests if a == "ok" and b]
