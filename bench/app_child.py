"""The app's start-up, timed from process start (run by bench/run.py as a subprocess).

    python bench/app_child.py desk DB SPAWNED_AT NOW USER PIN
    python bench/app_child.py bare - SPAWNED_AT

`SPAWNED_AT` is the parent's time.time() just before it started this process, so the figures
include the interpreter's start and every import. `desk` opens the app headless as
`frontdesk --as USER --pin PIN` does (frontdesk.cli.tui.open_tui): the forked first read
(frontdesk.ui.firstread) proves the PIN and reads the desk while the app starts, and the app
builds its own services after its first paint. It notes the moment the DeskScreen is mounted
and the moment its first data (rotation, today's registers, inbox) is painted, then exits.
`bare` is a Textual app with one Static, exiting on mount: the floor any Textual app pays.
Prints one JSON line: seconds from spawn to mount (and to data), peak RSS in MB.
"""

from __future__ import annotations

import json
import resource
import sys
import time

mode, db, spawned = sys.argv[1], sys.argv[2], float(sys.argv[3])
marks: dict[str, float] = {}


def rss_mb() -> float:
    """Peak RSS of this process image. Linux's getrusage ru_maxrss carries the parent's peak over
    fork+exec (a 200 MB bench parent makes every child look 200 MB), so VmHWM is read first."""
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def done() -> None:
    print(json.dumps({"mode": mode, **marks, "rss_mb": round(rss_mb(), 1),
                      "ru_maxrss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}), flush=True)


if mode == "bare":
    from textual.app import App, ComposeResult
    from textual.widgets import Static

    class Bare(App[None]):
        def compose(self) -> ComposeResult:
            yield Static("hello")

        def on_mount(self) -> None:
            marks["mounted"] = time.time() - spawned
            self.exit()

    Bare().run(headless=True)
    done()
else:
    # the door `frontdesk --as USER --pin PIN` takes (frontdesk.cli.tui.open_tui): the forked first
    # read starts before Textual is imported, the desk opens once the PIN proves
    now, user, pin = sys.argv[4], sys.argv[5], sys.argv[6]
    built: list = []

    def services():  # noqa: ANN202 - built by the forked reader, and by the app in a worker after its first paint
        from frontdesk.services import Clock, open_services
        from frontdesk.services.clock import parse_local

        built.append(open_services(db, Clock(parse_local(now))))
        return built[-1]

    from frontdesk.ui.firstread import FirstRead

    first = FirstRead.start(services, user, pin, None)
    marks["first_read"] = first is not None
    from frontdesk.ui.app import make_app
    from frontdesk.ui.screens.desk import DeskScreen

    on_mount, watch_data = DeskScreen.on_mount, DeskScreen.watch_data

    def mounted(self: DeskScreen) -> None:
        on_mount(self)
        marks["mounted"] = time.time() - spawned

    def painted(self: DeskScreen, data) -> None:  # noqa: ANN001
        watch_data(self, data)
        if data is not None and "loaded" not in marks:
            marks["loaded"] = time.time() - spawned
            self.app.exit()

    DeskScreen.on_mount = mounted  # type: ignore[method-assign]
    DeskScreen.watch_data = painted  # type: ignore[method-assign]
    try:
        make_app(services, lang="zh_CN", sign_in=(user, pin), first_read=first).run(headless=True)
    finally:
        if first is not None:
            first.close()
        for sv in built:
            sv.close()
    done()
