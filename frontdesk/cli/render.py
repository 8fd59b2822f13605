"""How the CLI prints results: one JSON document (--json), or readable rich output."""

from __future__ import annotations

import json
import sys
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from frontdesk import i18n
from frontdesk.rules.reasons import Reason

if TYPE_CHECKING:  # rich's console and tables load when something is printed, not at start
    from rich.console import Console


def plain(v: Any, lang: str, text: bool = False) -> Any:
    """Results as JSON-ready values: reasons become "R2.2: …" strings in the chosen language.
    Times come from the services in the project's zone (aware): JSON carries them ISO 8601 with
    the offset; for text (`text`) they stay datetimes, for the table to show as the desk reads them."""
    if isinstance(v, Reason):
        return i18n.render_reason(v, lang)
    if isinstance(v, dict):
        return {k: plain(x, lang, text) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [plain(x, lang, text) for x in v]
    if isinstance(v, datetime) and text:
        return v
    if isinstance(v, (date, datetime)):
        return v.isoformat()
    if isinstance(v, Decimal):
        return f"{v:.2f}"
    return v


def emit(result: Any, as_json: bool, lang: str) -> None:
    data = plain(result, lang, text=not as_json)
    if as_json:
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
        return
    from rich.console import Console

    console = Console()
    if isinstance(data, list):
        _table(console, data)
    elif isinstance(data, dict):
        _record(console, data)
    else:
        console.print(data)


def _record(console: Console, data: dict[str, Any]) -> None:
    reasons = data.pop("reasons", None)
    items = data.pop("items", None)
    from rich.table import Table

    t = Table(show_header=False, box=None, pad_edge=False)
    t.add_column(style="bold cyan")
    t.add_column()
    for k, v in data.items():
        if isinstance(v, list) and v and isinstance(v[0], dict):
            continue
        t.add_row(k, _cell(v))
    console.print(t)
    for k, v in data.items():
        if isinstance(v, list) and v and isinstance(v[0], dict):
            console.print(f"[bold]{k}[/bold]")
            _table(console, v)
    if items is not None:
        _table(console, items)
    if reasons:
        console.print("[bold]reasons[/bold]")
        for r in reasons:
            console.print(f"  • {r}", highlight=False)


def _table(console: Console, rows: list[Any]) -> None:
    if not rows:
        console.print("(none)")
        return
    if not isinstance(rows[0], dict):
        for r in rows:
            console.print(_cell(r))
        return
    from rich.table import Table

    cols = list(rows[0].keys())
    t = Table()
    for c in cols:  # a time is one unbroken "2026-11-04 10:05"
        timed = isinstance(rows[0].get(c), datetime)
        t.add_column(c, no_wrap=timed, min_width=16 if timed else None)
    for r in rows:
        t.add_row(*[_cell(r.get(c)) for c in cols])
    console.print(t)


def _cell(v: Any) -> str:
    if v is None:
        return "—"
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, list):
        return ", ".join(_cell(x) for x in v) if v else "—"
    if isinstance(v, dict):
        return ", ".join(f"{k}={_cell(x)}" for k, x in v.items())
    if isinstance(v, datetime):
        return str(i18n.format_value(v))
    return str(v)


def error(payload: dict[str, Any], as_json: bool) -> None:
    if as_json:
        sys.stderr.write(json.dumps({"error": payload}, ensure_ascii=False) + "\n")
    else:
        from rich.console import Console

        Console(stderr=True).print(f"[bold red]error:[/bold red] {payload.get('message')}", highlight=False)
