"""Anchors: the register heads written down outside the database (R2.1: every gap detectable).

Inside one file the chains prove a lot: a changed page, a page torn out of the middle, a
register head that disagrees with its last page. One thing they cannot prove: the last pages
torn out *and* the head rewound to the page before — what is left is a whole, shorter chain.
Paper registers had the same weakness, and offices answered it the same way: the day's last
page number, signed on the daily sheet. An anchor is that sheet: each register's last number
and hash at a moment, kept where the database is not (printed, beside each backup, in the
group chat). `check` holds the chains to an anchor: every anchored page must still be there,
with the same hash.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session, select

from .ledger import Problem
from .models import LedgerHead, Project, RegisterEntry

FORMAT = "frontdesk-anchor/1"


def take(s: Session, taken_at: datetime) -> dict[str, Any]:
    """The heads of every register now, as a JSON-ready document."""
    codes = {p.id: p.code for p in s.exec(select(Project))}
    heads = s.exec(select(LedgerHead).order_by(LedgerHead.project_id, LedgerHead.book)).all()
    doc = {"format": FORMAT, "taken_at": taken_at.isoformat(timespec="seconds"),
           "heads": [{"project": codes.get(h.project_id, str(h.project_id)), "register": h.book,
                      "entry": h.last_number, "hash": h.last_hash} for h in heads if h.last_number]}
    seq, last = journal_last(s)
    if seq:  # the journal's last seal too: its tail torn out shows only against this
        doc["journal"] = {"entry": seq, "hash": last}
    return doc


def journal_last(s: Session) -> tuple[int, str]:
    from . import journal

    return journal.last(s.connection())


def check(s: Session, anchor: dict[str, Any]) -> list[Problem]:
    """What the chains have lost or changed since the anchor was taken."""
    projects = {p.code: p.id for p in s.exec(select(Project))}
    when = anchor.get("taken_at", "?")
    problems: list[Problem] = []
    for h in anchor["heads"]:
        pid = projects.get(h["project"])
        if pid is None:
            problems.append(Problem(0, h["register"], h["entry"], "anchor_missing",
                                    f"project {h['project']} was anchored at {when} and is gone"))
            continue
        e = s.exec(select(RegisterEntry).where(RegisterEntry.project_id == pid, RegisterEntry.book == h["register"],
                                               RegisterEntry.number == h["entry"])).first()
        if e is None:
            problems.append(Problem(pid, h["register"], h["entry"], "anchor_missing",
                                    f"entry {h['entry']} was written down at {when} and is gone: "
                                    "pages were torn out of the end of the register"))
        elif e.hash != h["hash"]:
            problems.append(Problem(pid, h["register"], h["entry"], "anchor_altered",
                                    f"entry {h['entry']} does not match the hash written down at {when}"))
    j = anchor.get("journal")
    if j:
        from .models_journal import JournalEntry

        e = s.get(JournalEntry, j["entry"])
        if e is None:
            problems.append(Problem(0, "journal", j["entry"], "anchor_missing",
                                    f"journal entry {j['entry']} was written down at {when} and is gone: "
                                    "seals were torn out of the end of the journal"))
        elif e.hash != j["hash"]:
            problems.append(Problem(0, "journal", j["entry"], "anchor_altered",
                                    f"journal entry {j['entry']} does not match the hash written down at {when}"))
    return problems


MAX_ENTRY = 2**31 - 1


def parse(doc: Any, field: str) -> dict[str, Any]:
    """An anchor document as read from JSON, checked; ValueError names what is wrong."""
    if not isinstance(doc, dict) or doc.get("format") != FORMAT or not isinstance(doc.get("heads"), list):
        raise ValueError(f"is not a frontdesk anchor (expected format {FORMAT!r})")
    for h in doc["heads"]:
        if not (isinstance(h, dict) and isinstance(h.get("project"), str) and isinstance(h.get("register"), str)
                and isinstance(h.get("entry"), int) and isinstance(h.get("hash"), str)):
            raise ValueError(f"has a head that is not {{project, register, entry, hash}}: {h!r}")
        if not 0 <= h["entry"] <= MAX_ENTRY:  # entry numbers are INTEGER columns
            raise ValueError(f"has an entry number out of range (0 to {MAX_ENTRY}): {h['entry']}")
    j = doc.get("journal")
    if j is not None and not (isinstance(j, dict) and isinstance(j.get("entry"), int) and isinstance(j.get("hash"), str)
                              and 1 <= j["entry"] <= MAX_ENTRY):
        raise ValueError(f"has a journal head that is not {{entry, hash}} in range: {j!r}")
    return doc
