"""The installed console script `frontdesk` (pyproject [project.scripts]) runs end to end."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path


def _command() -> list[str]:
    exe = shutil.which("frontdesk") or str(Path(sys.executable).with_name("frontdesk"))
    if Path(exe).exists():
        return [exe]
    return [sys.executable, "-m", "frontdesk.cli"]


def test_console_script_entry_point(tmp_path: Path) -> None:
    db = tmp_path / "desk.db"
    env = {k: v for k, v in os.environ.items() if not k.startswith("FRONTDESK_")}
    env["LC_ALL"] = env["LANG"] = "C.UTF-8"
    base = [*_command(), "--json", "--db", str(db)]
    ok = subprocess.run([*base, "init", "--project", "P1", "--name", "滨江花园", "--protection-days", "7"],
                        capture_output=True, text=True, env=env, timeout=60)
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout) == {"project": "P1", "name": "滨江花园", "tz": "Asia/Shanghai", "protection_days": 7}
    bad = subprocess.run([*base, "--as", "无名氏", "visit", "--phone", "abc"],
                         capture_output=True, text=True, env=env, timeout=60)
    assert bad.returncode == 2
    assert bad.stdout == ""
    err = json.loads(bad.stderr)
    assert err["error"]["code"] == "bad_input" and err["error"]["field"] in ("as", "phone")
