"""The console tabs. Each adds no rule: it asks the services and shows their reasons."""

from __future__ import annotations

from typing import Any

from textual.binding import Binding

from .base import Pane


def _route_words(pane: Pane, reasons: list[Any]) -> str:
    return "\n".join(f"• {r}" for r in pane.app.reason_text(reasons))  # type: ignore[attr-defined]


DECIDERS = {"discount": "decide_discount", "referral": "decide_referral", "protection_days": "decide_setting"}


class RosterPane(Pane):
    """The duty roster and rotation order (R3): move, add, remove, away/back, volume mode."""

    COLUMNS = ("ui.col_pos", "ui.col_advisor", "ui.col_status")
    KEYS_HINT = "ui.console.roster_keys"
    BINDINGS = [Binding("u", "move(-1)", "Up", show=False), Binding("d", "move(1)", "Down", show=False),
                Binding("plus,equals_sign", "add", "Add"), Binding("x", "remove", "Remove"),
                Binding("a", "away", "Away/back"), Binding("v", "volume", "Volume"),
                Binding("y", "copy_yesterday", "Yesterday", show=False)]  # u, d, y: on the keys line below

    def fetch(self) -> Any:
        return self.sv.roster.show(**self.me)

    def paint(self, r: dict[str, Any]) -> None:
        self.roster = r
        for i, name in enumerate(r["order"], 1):
            status = []
            if name == r["next"]:
                status.append(self.t("word.next_up"))
            if name in r["away"]:
                status.append(self.t("word.away"))
            if name in r["shadow"]:
                status.append(self.t("ui.shadow"))
            self.table.add_row(str(i), name, " · ".join(status), key=name)
        mode = self.t("word.high_volume") if r["volume_mode"] == "high" else self.t("word.low_volume")
        self.detail(f"{self.t('ui.volume_mode')}: {mode}   {self.t('ui.duty_next')}: {r['duty_next'] or '—'}")

    def _set(self, order: list[str]) -> None:
        self.call(self.sv.roster.set, order, **self.me, then=lambda _r: self.done(self.t("ui.roster_saved")))

    def action_move(self, step: int) -> None:
        name = self.cursor_key()
        if name is None:
            return
        order = list(self.roster["order"])
        i = order.index(name)
        j = max(0, min(len(order) - 1, i + step))
        order[i], order[j] = order[j], order[i]
        self.table.move_cursor(row=j)
        self._set(order)

    def action_add(self) -> None:
        self.ask(self.t("ui.ask_add_to_roster"), lambda name: self._set([*self.roster["order"], name]))

    def action_remove(self) -> None:
        name = self.cursor_key()
        if name is not None:
            self._set([n for n in self.roster["order"] if n != name])

    def action_away(self) -> None:
        name = self.cursor_key()
        if name is not None:
            away = name not in self.roster["away"]
            self.call(self.sv.roster.mark, name, away, **self.me,
                      then=lambda _r: self.done(f"{name}: {self.t('word.away' if away else 'word.back')}"))

    def action_copy_yesterday(self) -> None:
        self.call(self.sv.roster.copy_yesterday, **self.me,
                  then=lambda r: self.done(_route_words(self, r["reasons"][:1])))

    def action_volume(self) -> None:
        new = "low" if self.roster["volume_mode"] == "high" else "high"
        self.call(self.sv.staff.settings, "volume_mode", new, **self.me,
                  then=lambda _r: self.done(self.t("word.low_volume" if new == "low" else "word.high_volume")))


class ApprovalsPane(Pane):
    """What waits for the PM's signature or decision (R2.2, P2, R1.1)."""

    COLUMNS = ("ui.col_kind", "ui.col_day", "ui.col_advisor", "ui.col_client", "ui.col_facts")
    KEYS_HINT = "ui.console.approvals_keys"
    BINDINGS = [Binding("y", "approve", "Approve / alone"), Binding("s", "assist", "Assist"),
                Binding("r", "refuse", "Refuse")]

    def fetch(self) -> Any:
        return self.sv.manager.approvals(**self.me)

    def paint(self, items: list[dict[str, Any]]) -> None:
        self.items = {f"{it['kind']}:{it['id']}": it for it in items}
        for key, it in self.items.items():
            self.table.add_row(self.t(f"ui.approval_{it['kind']}"), str(it["day"]), it["advisor"] or "—",
                               it["client"], it["facts"] or "", key=key)
        self.detail("" if items else self.t("ui.nothing_waits"))

    def _current(self) -> dict[str, Any] | None:
        key = self.cursor_key()
        return self.items.get(key) if key else None

    def on_data_table_row_highlighted(self) -> None:
        it = self._current()
        if it:
            self.detail(_route_words(self, it["reasons"]))

    def action_approve(self) -> None:
        it = self._current()
        if it is None:
            return
        if it["kind"] == "followup":
            self.call(self.sv.records.verify_followup, it["id"], **self.me,
                      then=lambda r: self.done(_route_words(self, r["reasons"])))
        elif it["kind"] == "large_deal":
            self._large(it, "alone")
        elif it["kind"] in DECIDERS:
            self._decide(it, True)

    def _decide(self, it: dict[str, Any], approve: bool) -> None:
        """R7 discounts, R1.1 referrals, R2.2 protection days (the GM's own signature): approve with an
        optional reason, refuse with one."""
        decide = getattr(self.sv.manager, DECIDERS[it["kind"]])

        def send(why: str | None) -> None:
            self.call(decide, it["id"], approve, why, **self.me,
                      then=lambda r: self.done(_route_words(self, r["reasons"])))
        if approve:
            self.ask(self.t("ui.console.ask_approve_reason"), send, allow_empty=True)
        else:
            self.ask(self.t("ui.console.ask_refuse_why"), send)

    def action_assist(self) -> None:
        it = self._current()
        if it and it["kind"] == "large_deal":
            self._large(it, "assist")

    def _large(self, it: dict[str, Any], decision: str) -> None:
        phone = it["client"].split()[-1]
        self.call(self.sv.deals.large_decision, it["unit"], phone, decision, **self.me,
                  then=lambda r: self.done(_route_words(self, r["reasons"])))

    def action_refuse(self) -> None:
        it = self._current()
        if it and it["kind"] in DECIDERS:
            self._decide(it, False)
        elif it and it["kind"] == "followup":
            self.ask(self.t("ui.ask_refuse_reason"), lambda why: self.call(
                self.sv.manager.refuse_followup, it["id"], why, **self.me,
                then=lambda r: self.done(_route_words(self, r["reasons"]))))


class CrossingsPane(Pane):
    """Open crossings (R4, R8) with the evidence and the proposed verdict; the PM decides."""

    COLUMNS = ("ui.col_id", "ui.col_client", "ui.col_holder", "ui.col_claimant", "ui.col_proposal", "ui.col_status")
    KEYS_HINT = "ui.crossings_keys"
    BINDINGS = [Binding("enter", "confirm", "Confirm", show=False), Binding("h", "winner('holder')", "Holder"),
                Binding("c", "winner('claimant')", "Claimant"), Binding("0", "neither", "Neither")]

    def fetch(self) -> Any:
        return self.sv.crossings.list(**self.me)

    def paint(self, cases: list[dict[str, Any]]) -> None:
        self.cases = {str(x["crossing"]): x for x in cases}
        for key, x in self.cases.items():
            status = self.t("ui.status_open") if x["status"] == "open" else \
                f"{self.t('value.outcome.' + x['decision']['outcome'])}: {x['decision']['winner'] or '—'}"
            self.table.add_row(key, x["name"], x["holder"], x["claimant"], x["proposal"]["winner"] or "R8",
                               status, key=key)
        self.detail("" if cases else self.t("ui.no_crossings"))

    def on_data_table_row_highlighted(self) -> None:
        x = self.cases.get(self.cursor_key() or "")
        if x:
            note = f"\n{self.t('layout.crossing_note', note=x['note'])}" if x["note"] else ""
            self.detail(_route_words(self, x["proposal"]["reasons"]) + note)

    def _decide(self, winner: str | None, none: bool = False) -> None:
        x = self.cases.get(self.cursor_key() or "")
        if x and x["status"] == "open":
            self.call(self.sv.crossings.decide, int(x["crossing"]), winner, none, **self.me,
                      then=lambda r: self.done(_route_words(self, r["reasons"])))

    def action_confirm(self) -> None:
        x = self.cases.get(self.cursor_key() or "")
        if x:
            self._decide(x["proposal"]["winner"], none=False)

    def action_winner(self, side: str) -> None:
        x = self.cases.get(self.cursor_key() or "")
        if x:
            self._decide(x[side])

    def action_neither(self) -> None:
        self._decide(None, none=True)
