"""The desk's first data, read by a forked copy of the process while the app imports Textual and
paints its first screen (issue 18: start → the desk's data painted).

When the command line names the person and gives their PIN (`frontdesk --as NAME --pin P`, or
FRONTDESK_USER / FRONTDESK_PIN), the desk can be shown as soon as the PIN proves. Building the
services costs ~0.5 s of CPU (SQLAlchemy, SQLModel, the tables' classes) and the app's own start
~0.3 s; in one process, under one GIL, they add up. So the door forks before it imports Textual:
the child builds the services with the app's own factory, proves the PIN through the same sign-in
as the sign-in screen (`desk.sign_in`: the office's lockout, a wrong PIN logged once) and reads
what the desk shows with `desk_view` — the function the desk's own loads call, so there is one
read path. It sends the result through a pipe (plain dicts, dates, reasons: unpickling them
imports no SQLAlchemy) and exits. The app builds its own services after the desk is painted, then
reads once more, so that nothing written meanwhile is missed.

Only where `os.fork` exists (POSIX) and while the process has no other thread (fork copies only
the calling thread; a lock held by another would never be released in the child). Elsewhere, or
with FRONTDESK_FIRST_READ=0, the app proves the PIN and reads in its own worker, as before.

This module imports only the standard library: the door imports it before Textual.
"""

from __future__ import annotations

import os
import pickle
import select
import threading
import time
from typing import Any, Callable

ENV = "FRONTDESK_FIRST_READ"  # "0": no forked reader


def desk_view(sv: Any, name: str, project: str | None) -> dict[str, Any]:
    """What the desk screen paints: the rotation, today's visits and calls, the inbox."""
    return {
        "roster": sv.roster.show(actor=name, project=project),
        "visits": sv.desk.today("visit", actor=name, project=project),
        "calls": sv.desk.today("call", actor=name, project=project),
        "inbox": sv.inbox.list(actor=name, project=project, limit=30),
    }


def sign_in_and_read(sv: Any, name: str, pin: str, project: str | None) -> dict[str, Any]:
    """The child's work, on services built by the app's factory.

    {"setup": True}: the database needs the first day's setup (the app's own start shows it);
    {"staff": …, "desk": …}: signed in, and the desk's data; {"staff": …} alone when the reads
    failed after the sign-in (the desk's own load will say why). A refusal is raised."""
    if sv.setup.needed(project=project) is not None:
        return {"setup": True}
    staff = sv.desk.sign_in(name, pin, project=project)
    try:
        return {"staff": staff, "desk": desk_view(sv, staff["name"], project)}
    except Exception:  # noqa: BLE001 - shown by the desk's own load, in the app
        return {"staff": staff}


class FirstRead:
    """A forked reader under way; `take()` gives its result once."""

    def __init__(self, pid: int, fd: int):
        self.pid, self.fd = pid, fd
        self._taken = False
        self._lock = threading.Lock()

    @classmethod
    def start(cls, factory: Callable[[], Any], name: str, pin: str, project: str | None) -> FirstRead | None:
        """Fork the reader, or None where it cannot (no fork, another thread, turned off)."""
        if os.environ.get(ENV, "1") == "0" or not hasattr(os, "fork") or threading.active_count() != 1:
            return None
        r, w = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(r)
            _child(w, factory, name, pin, project)  # never returns
        os.close(w)
        return cls(pid, r)

    def take(self, timeout: float = 60.0) -> dict[str, Any] | None:
        """The child's result (blocking until it is done, without holding the GIL); None when it
        failed, said nothing in `timeout` seconds, or was taken already. A refusal of the PIN comes
        as {"refused": the service's error}."""
        with self._lock:
            if self._taken:
                return None
            self._taken = True
            chunks: list[bytes] = []
            deadline = time.monotonic() + timeout
            try:
                while (left := deadline - time.monotonic()) > 0:
                    ready, _, _ = select.select([self.fd], [], [], left)
                    if not ready:
                        break
                    chunk = os.read(self.fd, 1 << 16)
                    if not chunk:
                        break
                    chunks.append(chunk)
            finally:
                self._reap()
            try:
                result = pickle.loads(b"".join(chunks))
            except Exception:  # noqa: BLE001 - cut short or killed: the app reads for itself
                return None
            return result if isinstance(result, dict) and "failed" not in result else None

    def close(self) -> None:
        """Not taken (the app ended first): stop the child and reap it."""
        with self._lock:
            if not self._taken:
                self._taken = True
                self._reap()

    def _reap(self) -> None:
        try:
            os.close(self.fd)  # a child still writing gets EPIPE and ends
        except OSError:
            pass
        try:
            done, _ = os.waitpid(self.pid, os.WNOHANG)
            if not done:
                os.kill(self.pid, 15)
                os.waitpid(self.pid, 0)
        except (ChildProcessError, ProcessLookupError):
            pass


def _child(w: int, factory: Callable[[], Any], name: str, pin: str, project: str | None) -> None:
    """In the forked copy: read, send, and leave without running the parent's exit handlers or
    touching its terminal (everything is caught; os._exit always)."""
    import gc

    gc.disable()  # a short life: the collector would only walk the imports' heap again and again (~50 ms)
    code = 0
    try:
        from frontdesk.services.errors import FrontdeskError

        try:
            sv = factory()
            try:
                result: dict[str, Any] = sign_in_and_read(sv, name, pin, project)
            finally:
                sv.close()
        except FrontdeskError as exc:
            result = {"refused": exc}
        payload = pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
    except BaseException as exc:  # noqa: BLE001 - said to the parent, which reads for itself
        code = 1
        payload = pickle.dumps({"failed": f"{type(exc).__name__}: {exc}"})
    try:
        view = memoryview(payload)
        while view:
            view = view[os.write(w, view):]
    except BaseException:  # noqa: BLE001 - the parent has gone
        code = 1
    finally:
        os._exit(code)
