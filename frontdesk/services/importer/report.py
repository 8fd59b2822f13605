"""The row report: every row of the file with what became of it, in the user's language."""

from __future__ import annotations

import csv
import os
from datetime import datetime
from pathlib import Path

from frontdesk import i18n
from frontdesk.rules import phones

from .table import REPORT_COLUMNS, Row, _text

PLAIN_PARAMS = frozenset({"row", "client"})  # shown as they are: no value words, no register refs


def message(r: Row, lang: str = "en", cache: dict[tuple, str] | None = None) -> str:
    """The row's outcome in words (`cache`: texts already rendered, by code and data)."""
    key: tuple | None = None
    if cache is not None and r.link_note is None and r.notes is None and r.data and r.data.keys() <= PLAIN_PARAMS:
        # one rendering per code, the row's own values put in after ("same phone as row 12")
        tkey = (r.code, lang, r.status, tuple(sorted(r.data)))
        text = cache.get(tkey)
        if text is None:
            text = cache[tkey] = i18n.t(f"import.{r.code}", lang, **{k: f"\x00{k}\x00" for k in r.data})
        for k, v in r.data.items():
            text = text.replace(f"\x00{k}\x00", str(v))
        return text
    if cache is not None:
        try:
            key = (r.code, lang, r.status, tuple(r.data.items()),
                   tuple(r.link_note.items()) if r.link_note is not None else None,
                   tuple((k, tuple(d.items())) for k, d in r.notes) if r.notes is not None else None)
            hit = cache.get(key)
        except TypeError:  # unhashable data
            key, hit = None, None
        if hit is not None:
            return hit
    text = i18n.t(f"import.{r.code}", lang, **r.data)
    if r.link_note is not None and r.status != "rejected":
        text += "; " + i18n.t("import.linked", lang, **r.link_note)
    for code, data in r.notes or ():
        text += "; " + i18n.t(f"import.{code}", lang, **data)
    if key is not None:
        cache[key] = text  # type: ignore[index]
    return text


def _national(e164: str, cache: dict[str, str]) -> str:
    if len(e164) == 14 and e164.startswith("+861"):
        return e164[3:]  # a mainland mobile: its national form is its 11 digits (as phones.national_of)
    got = cache.get(e164)
    if got is None:
        got = cache[e164] = phones.national_of(e164)
    return got


def write_report(path: Path, rows: list[Row], lang: str = "en") -> None:
    tmp = path.with_name(path.name + ".tmp")
    texts: dict[tuple, str] = {}
    nationals: dict[str, str] = {}
    dates: dict[tuple[datetime, bool], str] = {}

    def when(r: Row) -> str:
        if r.local is None:
            return _text(r.vals.get("date"))
        key = (r.local, r.has_time)
        got = dates.get(key)
        if got is None:
            got = dates[key] = (f"{r.local.date().isoformat()} {r.local.hour:02d}:{r.local.minute:02d}" if r.has_time
                                else r.local.date().isoformat())
        return got

    with open(tmp, "w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(REPORT_COLUMNS)
        w.writerows([r.sheet or "", r.number, r.kind, r.status, r.code, message(r, lang, texts),  # in file order
                     _national(r.e164, nationals) if r.e164 else _text(r.vals.get("phone")),
                     r.name or _text(r.vals.get("name")), r.advisor_name or _text(r.vals.get("advisor")), when(r),
                     r.client or "", r.entry] for r in rows)
    os.replace(tmp, path)
