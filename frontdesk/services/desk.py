"""What the desk screen reads: today's registers, search-as-you-type, sign-in.

Every query is indexed: registers by (project, book, day), phones by (project, tail) or
(project, e164), names and pinyin initials by range scans on (project, name|initials).
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from sqlmodel import select

from frontdesk.rules import phones
from frontdesk.store.models import RegisterEntry, Staff

from .base import Base, Ctx
from .clock import local
from .errors import BadInput
from .staff import staff_dict

PAGE = 20
_DIGITS = re.compile(r"^[\d+\-\s]+$")
_LATIN = re.compile(r"^[A-Za-z]+$")


def _prefix_range(col, prefix: str):  # noqa: ANN001, ANN202
    """col starts with prefix, as a range an index can serve (LIKE may not use one)."""
    return (col >= prefix) & (col < prefix + "\U0010ffff")


class DeskService(Base):
    def today(self, book: str, actor: str | None = None, project: str | None = None,
              limit: int = 200) -> list[dict[str, Any]]:
        """Today's register entries, newest first; phones masked unless owner or PM."""
        if book not in ("visit", "call"):
            raise BadInput("register", f"{book!r} is not visit or call")
        with self.op(actor, project, write=False) as c:
            rows = c.s.exec(select(RegisterEntry).where(RegisterEntry.project_id == c.pid, RegisterEntry.book == book,
                                                        RegisterEntry.day == c.today)
                            .order_by(RegisterEntry.number.desc()).limit(limit)).all()  # type: ignore[attr-defined]
            tz = c.now.tzinfo
            return [{"entry": e.number, "time": local(e.at, tz).strftime("%H:%M"),
                     "name": e.name, "phone": self._phone(c, e.phone_e164, e.owner_id), "route": e.route,
                     "advisor": c.name_of(e.advisor_id), "owner": c.name_of(e.owner_id),
                     "operator": c.name_of(e.operator_id)} for e in rows]

    @staticmethod
    def _phone(c: Ctx, e164: str, owner_id: int | None) -> str:
        if not e164:
            return ""
        see = c.is_pm() or (c.actor is not None and owner_id == c.actor.id)
        return phones.national_of(e164) if see else phones.masked_of(e164)

    def search(self, query: str, actor: str | None = None, project: str | None = None,
               offset: int = 0, limit: int = PAGE) -> dict[str, Any]:
        """Clients by phone tail, full phone, name or pinyin initials ("zs" finds 张三)."""
        from frontdesk.store.models import Client, Person, Phone  # the desk's first paint does not build them

        q = (query or "").strip()
        with self.op(actor, project, write=False) as c:
            if not q:
                return {"query": q, "items": [], "more": False}
            if len(q) > 40:
                raise BadInput("query", "is too long")
            stmt = select(Person, Phone, Client).join(Phone, Phone.person_id == Person.id) \
                .join(Client, Client.id == Person.client_id).where(Person.project_id == c.pid)
            # ordered by the key of the index that finds the rows, so LIMIT stops after the page
            # instead of reading and sorting every match ("z" matches 15% of a million people)
            order: tuple = (Phone.id,)
            if _DIGITS.match(q):
                digits = re.sub(r"\D", "", q)
                if len(digits) >= 7:
                    try:
                        stmt = stmt.where(Phone.project_id == c.pid, Phone.e164 == phones.normalise(q).e164)
                    except phones.PhoneError:
                        stmt = stmt.where(Phone.project_id == c.pid, Phone.tail == digits[-4:])
                elif len(digits) >= 4:
                    stmt = stmt.where(Phone.project_id == c.pid, Phone.tail == digits[-4:])
                else:
                    return {"query": q, "items": [], "more": False, "hint": "type at least 4 digits"}
            elif _LATIN.match(q):
                stmt = stmt.where(Person.project_id == c.pid, _prefix_range(Person.initials, q.lower()))
                order = (Person.initials, Person.id, Phone.id)
            else:
                stmt = stmt.where(Person.project_id == c.pid, _prefix_range(Person.name, q))
                order = (Person.name, Person.id, Phone.id)
            rows = c.s.exec(stmt.order_by(*order).offset(offset).limit(limit + 1)).all()
            digits = re.sub(r"\D", "", q)
            if _DIGITS.match(q) and 4 < len(digits):
                rows = [r for r in rows if phones.national_of(r[1].e164).endswith(digits) or r[1].e164.endswith(digits)]
            days = int(c.setting("protection_days"))
            items = []
            for person, ph, client in rows[:limit]:
                held = client.last_contact is not None and client.last_contact + timedelta(days=days) >= c.today
                items.append({"client": client.id, "name": person.name, "relation": person.relation,
                              "phone": self._phone(c, ph.e164, client.owner_id),
                              "owner": c.name_of(client.owner_id) if held else None,
                              "protected_through": client.last_contact + timedelta(days=days) if held else None,
                              "lapsed": client.owner_id is not None and not held})
            return {"query": q, "items": items, "more": len(rows) > limit}

    def sign_in(self, name: str, pin: str, project: str | None = None, terminal: str | None = None) -> dict[str, Any]:
        """Name + PIN at the shared counter PC, through the office's one lockout (identity.py):
        5 wrong PINs in 5 minutes lock the name for 5 real minutes on every terminal."""
        from . import identity

        st = identity.prove(self.db, self.clock, name, pin, "signin", terminal, field="name")
        with self.op(None, project, write=False) as c:
            return staff_dict(c, st)

    def staff_names(self, project: str | None = None) -> list[str]:
        with self.op(None, project, write=False) as c:
            return list(c.s.exec(select(Staff.name).where(Staff.project_id == c.pid, Staff.active == True)  # noqa: E712
                                 .order_by(Staff.id)).all())

