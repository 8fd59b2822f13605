"""The docs stand alone: nothing in the repository points at the specs folder beside it (it is not
shipped with a clone), every relative link in README.md and docs/*.md reaches a file, and docs/cli.md
lists the commands as they are (docs/make_cli.py writes its reference part)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LINK = re.compile(r"\]\(([^)\s]+)\)")


def tracked() -> list[Path]:
    out = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    return [ROOT / p for p in out.decode().split("\0") if p]


def test_nothing_points_at_shared() -> None:
    needle = "../" + "shared"  # spelled in two parts so that this file does not match itself
    bad = [str(p.relative_to(ROOT)) for p in tracked()
           if p.is_file() and needle.encode() in p.read_bytes()]
    assert bad == []


def relative_links(md: Path) -> list[str]:
    text = re.sub(r"```.*?```", "", md.read_text(encoding="utf-8"), flags=re.S)
    return [t.split("#")[0] for t in LINK.findall(text)
            if not re.match(r"[a-z]+:", t) and not t.startswith("#")]


def test_relative_links_reach_files() -> None:
    pages = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    missing = [(str(md.relative_to(ROOT)), link) for md in pages for link in relative_links(md)
               if not (md.parent / link).exists()]
    assert len(pages) >= 6  # README and the five pages of docs/
    assert missing == []


def test_link_checker_sees_a_broken_link(tmp_path: Path) -> None:
    md = tmp_path / "x.md"
    md.write_text("[a](there.md) [b](https://example.org) [c](#top)\n```\n[d](no.md)\n```\n", encoding="utf-8")
    assert relative_links(md) == ["there.md"]


def test_docs_name_every_command() -> None:
    from frontdesk import cli

    text = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    names = [c.name or c.callback.__name__.replace("_", "-") for c in cli.COMMANDS] + [g.name for g in cli.GROUPS]
    assert len(names) > 20
    assert [n for n in names if f"`frontdesk {n}`" not in text] == []


def test_cli_reference_is_up_to_date() -> None:
    sys.path.insert(0, str(ROOT / "docs"))
    try:
        import make_cli
    finally:
        sys.path.remove(str(ROOT / "docs"))
    current = make_cli.CLI_MD.read_text(encoding="utf-8")
    assert make_cli.render(current) == current, "run: PYTHONPATH=$PWD python docs/make_cli.py"
