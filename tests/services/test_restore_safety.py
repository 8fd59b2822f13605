"""restore leaves nothing behind when it fails, keeps its trial copy beside the database it
replaces (swept at the next start when a restore was killed), and a database of several
projects is restored by the GM alone (R2.1)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from dbkit import sqlite_only

from frontdesk.services import Clock, Refused, open_services
from frontdesk.services.clock import parse_local

pytestmark = sqlite_only

GM, PM, LI = "郭总", "王经理", "李娜"
AT = "2026-11-01 10:00"


def _office(path: Path, projects: int = 1) -> None:
    s = open_services(str(path), Clock(parse_local(AT)))
    try:
        s.staff.init("P1", "滨江花园")
        s.staff.add(GM, "gm", pin="8642")  # bootstrap: the first staff member of an empty database
        s.staff.add(PM, "pm", pin="1357", actor=GM)
        s.staff.add(LI, "advisor", actor=PM)
        s.roster.set([LI], actor=PM)
        s.reception.visit("13800138000", name="张三", actor=PM)
        if projects > 1:
            s.staff.init("P2", "江南新城", actor=GM)
    finally:
        s.close()


def _backup(live: Path, dest: Path) -> None:
    s = open_services(str(live), Clock(parse_local(AT)))
    try:
        assert s.integrity.backup(str(dest))["ok"] is True
    finally:
        s.close()


def _trials(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if ".restore-tmp-" in p.name)


def test_a_database_of_several_projects_is_the_gms_to_restore(tmp_path):
    live = tmp_path / "live.db"
    _office(live, projects=2)
    _backup(live, tmp_path / "nightly.db")
    s = open_services(str(live), Clock(parse_local(AT)))
    try:
        with pytest.raises(Refused) as exc:
            s.integrity.restore(str(tmp_path / "nightly.db"), actor=PM)
        assert (exc.value.reason.rule, exc.value.reason.code) == ("R2.1", "restore_by_gm")
        assert not list(tmp_path.glob("live.db.before-restore-*"))
        assert s.integrity.restore(str(tmp_path / "nightly.db"), actor=GM)["ok"] is True
    finally:
        s.close()
    assert _trials(tmp_path) == []


def test_one_project_is_still_its_pms_to_restore(tmp_path):
    live = tmp_path / "live.db"
    _office(live)
    _backup(live, tmp_path / "nightly.db")
    s = open_services(str(live), Clock(parse_local(AT)))
    try:
        assert s.integrity.restore(str(tmp_path / "nightly.db"), actor=PM)["ok"] is True
    finally:
        s.close()


def test_a_failing_restore_creates_no_database(tmp_path):
    live = tmp_path / "live.db"
    _office(live)
    _backup(live, tmp_path / "nightly.db")
    junk = tmp_path / "junk.db"
    junk.write_text("not a database")
    target = tmp_path / "new" / "office.db"
    target.parent.mkdir()
    for src, actor, code in ((junk, PM, 2), (tmp_path / "nightly.db", LI, 1), (tmp_path / "missing.db", PM, 2)):
        r = subprocess.run([sys.executable, "-c", "from frontdesk.cli import main; main()", "--db", str(target),
                            "--as", actor, "--json", "restore", str(src)],
                           capture_output=True, text=True, env={**os.environ, "FRONTDESK_PIN": "1357"}, timeout=120)
        assert r.returncode == code, (src, r.stdout, r.stderr)
        assert "Traceback" not in r.stderr
        assert "error" in json.loads(r.stderr)
        assert list(target.parent.iterdir()) == [], (src, list(target.parent.iterdir()))


_KILLED = """
import sys, time
from pathlib import Path
from frontdesk.services import Clock, open_services
from frontdesk.services.clock import parse_local
from frontdesk.services.integrity import IntegrityService

def stall(self, *a, **k):
    Path(sys.argv[3]).write_text("trial made")
    time.sleep(120)

IntegrityService._may_restore = stall
s = open_services(sys.argv[1], Clock(parse_local("2026-11-01 10:00")))
s.integrity.restore(sys.argv[2], actor="王经理")
"""


def test_a_restore_killed_midway_leaves_its_trial_beside_the_office_and_the_next_start_sweeps_it(tmp_path):
    live = tmp_path / "office" / "live.db"
    live.parent.mkdir()
    _office(live)
    _backup(live, tmp_path / "nightly.db")
    marker = tmp_path / "marker"
    p = subprocess.Popen([sys.executable, "-c", _KILLED, str(live), str(tmp_path / "nightly.db"), str(marker)])
    try:
        deadline = time.monotonic() + 60
        while not marker.exists():
            assert p.poll() is None and time.monotonic() < deadline, "the restore never made its trial"
            time.sleep(0.05)
        trial = f".live.db.restore-tmp-{p.pid}"
        assert trial in _trials(live.parent)  # beside the office, not in a shared temp folder
    finally:
        os.kill(p.pid, signal.SIGKILL)
        p.wait()
    assert trial in _trials(live.parent)  # kill -9: nothing ran to remove it
    mine = live.parent / f".live.db.restore-tmp-{os.getpid()}"  # a restore still running is left alone
    mine.write_text("in progress")
    s = open_services(str(live), Clock(parse_local(AT)))
    try:
        assert s.integrity.verify()["ok"] is True
    finally:
        s.close()
    assert _trials(live.parent) == [mine.name]
