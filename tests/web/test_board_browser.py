"""The lobby board in a real browser (playwright driving Debian's chromium; never a download):
a visit registered by another process changes "next up" on the page.

The page draws the terminal on a canvas, so the test reads what the served app sends to the page
(the terminal's output over the websocket, ANSI escapes stripped) and keeps a PNG of the page.
`FRONTDESK_SCREENSHOTS=1` also writes it to screenshots/board-browser.png."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from frontdesk.demo import load_demo
from frontdesk.services import open_services

from .conftest import served

CHROMIUM = next((p for p in (os.environ.get("FRONTDESK_CHROMIUM"), shutil.which("chromium"),
                             shutil.which("chromium-browser")) if p), None)
ANSI = re.compile(r"\x1b\[[0-9;?$]*[A-Za-z]|\x1b\][^\x07]*\x07|\x1b[=>]")
WRITE = """
import sys
from frontdesk.services import open_services
sv = open_services(sys.argv[1])
sv.roster.mark(sys.argv[2], True, actor="王经理")  # next up steps away
sv.close()
"""

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="no chromium (.ci/run installs Debian's)")


def _text(frames: list[object]) -> str:
    blob = "".join(f if isinstance(f, str) else f.decode("utf-8", "replace") for f in frames)
    return ANSI.sub("", blob).replace(" ", "").replace("\u3000", "")  # the board's plaque spaces the name


def test_next_up_changes_in_the_browser_when_another_process_writes(tmp_path: Path):
    from playwright.sync_api import sync_playwright

    db = str(tmp_path / "demo.db")
    load_demo(db, date.today())
    sv = open_services(db)
    try:
        first = sv.roster.show(actor="王经理")["next"]
    finally:
        sv.close()
    frames: list[object] = []
    with served(db, "--board") as (port, _proc), sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 720})
            page.on("websocket", lambda ws: ws.on("framereceived", lambda payload: frames.append(payload)))
            page.goto(f"http://127.0.0.1:{port}/", wait_until="domcontentloaded", timeout=30_000)
            for _ in range(200):
                if first in _text(frames):
                    break
                page.wait_for_timeout(100)
            assert first in _text(frames), "the board never showed who is next"
            seen = len(frames)
            subprocess.run([sys.executable, "-c", WRITE, db, first], check=True, timeout=120)
            sv = open_services(db)
            try:
                second = sv.roster.show(actor="王经理")["next"]
            finally:
                sv.close()
            assert second and second != first
            for _ in range(200):
                if second in _text(frames[seen:]):
                    break
                page.wait_for_timeout(100)
            assert second in _text(frames[seen:]), "the board did not change after the other process's write"
            page.wait_for_timeout(300)
            shot = tmp_path / "board-browser.png"
            page.screenshot(path=str(shot))
            assert shot.stat().st_size > 5_000
            if os.environ.get("FRONTDESK_SCREENSHOTS"):
                shutil.copy(shot, Path(__file__).resolve().parents[2] / "screenshots" / "board-browser.png")
        finally:
            browser.close()
