"""The office's first day in the app (issue 14): a database with no project or no staff opens
this setup instead of the sign-in. Five steps, keyboard-first: the project, the first PM (or
GM) with a PIN typed twice, the advisors and trainees with theirs (or a file for the importer),
the rotation order, a summary. Each step is checked when it is left; nothing is written until
the summary is confirmed, and then all of it in one service operation (`sv.setup.setup`).
Esc steps back; on the first step it quits. It ends on the desk, signed in as the PM."""

from __future__ import annotations

from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import ContentSwitcher, Input, OptionList, RadioButton, RadioSet, Static
from textual.widgets.option_list import Option

from frontdesk import i18n

from .setup_steps import STEPS, compose_steps, picked

FIRST_FIELDS = {"project": ("su-name", "su-code", "su-tz", "su-days"),
                "first": ("su-first-name", "su-first-role", "su-first-pin", "su-first-pin2")}
PERSON_FIELDS = ("su-p-name", "su-p-role", "su-p-mentor", "su-p-pin", "su-p-pin2")
FIELD_IDS = {"name": "su-name", "project": "su-code", "tz": "su-tz", "protection_days": "su-days"}


class SetupScreen(Screen[None]):
    """`state` is what `sv.setup.needed()` said: {"project": None} or the project already there."""

    BINDINGS = [Binding("escape", "back", "Back"), Binding("ctrl+n", "next", "Next"),
                Binding("enter", "next", show=False)]  # Enter where no field takes it (the summary)
    REPLACED_BY_DESK = True  # the desk takes its place (app.sign_in_as)

    def __init__(self, state: dict[str, Any] | None = None):
        super().__init__()
        self.state = state or {"project": None}
        self.step = 0
        self.plan: Any = None
        self.team: list[Any] = []
        self.imported: dict[str, Any] | None = None
        self.order: list[tuple[str, bool]] = []  # (name, on the rotation)
        self.saving = False

    def t(self, key: str, **kw: Any) -> str:
        return self.app.t(key, **kw)  # type: ignore[attr-defined]

    def compose(self) -> ComposeResult:
        with Vertical(id="setup-box"):
            yield Static("", id="setup-title")
            with ContentSwitcher(initial="step-project", id="setup-steps"):
                yield from compose_steps(self.t, self.state.get("project"))
            yield Static("", id="setup-error")
            yield Static("", id="setup-keys")

    def on_mount(self) -> None:
        self.show_step(0)
        self._warm()

    @work(thread=True)
    def _warm(self) -> None:
        """The checks' module (and SQLAlchemy under it) loads while the first step is typed, not on its Enter."""
        import frontdesk.services.setup  # noqa: F401

    # steps ----------------------------------------------------------------------------------
    def show_step(self, n: int) -> None:
        self.step = n
        name = STEPS[n]
        self.query_one("#setup-steps", ContentSwitcher).current = f"step-{name}"
        self.query_one("#setup-title", Static).update(
            self.t("setup.title", n=n + 1, total=len(STEPS), step=self.t(f"setup.step.{name}")))
        keys = {"project": "setup.keys_first", "team": "setup.keys_team", "order": "setup.keys_order",
                "confirm": "setup.keys_confirm"}.get(name, "setup.keys")
        self.query_one("#setup-keys", Static).update(self.t(keys))
        self.error("")
        if name == "team":
            self.fill_team()
        elif name == "order":
            self.fill_order()
        elif name == "confirm":
            self.fill_summary()
        first = {"project": "#su-name", "first": "#su-first-name", "team": "#su-p-name", "order": "#su-order"}
        if name == "order" and not self.order:
            self.set_focus(None)  # nobody to order: Enter goes on (the screen's binding)
        elif name in first:
            self.query_one(first[name]).focus()
        else:
            self.set_focus(None)

    def error(self, text: str) -> None:
        self.query_one("#setup-error", Static).update(text)

    def bad(self, exc: Exception, labels: dict[str, str]) -> None:
        """A check's BadInput in the user's words: the field's label and why (rule id included)."""
        why = getattr(exc, "data", {}).get("why")
        fld = getattr(exc, "field", "")
        label = labels.get(fld, fld)
        key = f"setup.why.{why}"
        lang = self.app.lang  # type: ignore[attr-defined]
        self.error(self.t(key, field=label) if why and i18n.has_key(key, lang) else f"{label}: {exc}")

    def value(self, id_: str) -> str:
        return self.query_one(f"#{id_}", Input).value

    def action_back(self) -> None:
        if self.saving:
            return
        if self.step == 0:
            self.app.exit()
            return
        self.show_step(self.step - 1)

    def action_next(self) -> None:
        if self.saving:
            return
        if STEPS[self.step] == "confirm":
            self.confirm()
            return
        if getattr(self, f"leave_{STEPS[self.step]}")():
            self.show_step(self.step + 1)

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        id_ = event.input.id or ""
        name = STEPS[self.step]
        if name == "team":
            if id_ == "su-file":
                self.preview()
            elif id_ == "su-p-name" and not event.value.strip():
                self.action_next()
            elif id_ == "su-p-pin2":
                self.add_person()
            else:
                self.focus_next()
            return
        fields = FIRST_FIELDS.get(name, ())
        if fields and id_ == fields[-1]:
            self.action_next()
        else:
            self.focus_next()

    @on(OptionList.OptionSelected, "#su-order")
    def _order_done(self) -> None:
        self.action_next()

    # step 1 and 2 ---------------------------------------------------------------------------
    def labels(self) -> dict[str, str]:
        return {"name": self.t("setup.project_name"), "project": self.t("setup.project_code"),
                "tz": self.t("setup.tz"), "protection_days": self.t("setup.days")}

    def leave_project(self) -> bool:
        from frontdesk.services.errors import BadInput
        from frontdesk.services.setup import Plan, check_project

        try:
            code, name, tz, days = check_project(self.value("su-code"), self.value("su-name"), self.value("su-tz"),
                                                 self.value("su-days"))
        except BadInput as exc:
            self.bad(exc, self.labels())
            self.query_one("#" + FIELD_IDS.get(exc.field, "su-name")).focus()
            return False
        first = self.plan.first if self.plan else None
        self.plan = Plan(code, name, tz, days, first)
        return True

    def person_labels(self) -> dict[str, str]:
        return {"name": self.t("setup.name"), "role": self.t("setup.role"), "pin": self.t("setup.pin_again"),
                "mentor": self.t("setup.mentor")}

    def leave_first(self) -> bool:
        from frontdesk.services.errors import BadInput
        from frontdesk.services.setup import Person, check_person, check_pin

        role = picked(self.query_one("#su-first-role", RadioSet), ("pm", "gm"))
        try:
            pin = check_pin(self.value("su-first-pin"), self.value("su-first-pin2"))
            self.plan.first = check_person(Person(self.value("su-first-name"), role, pin), [], first=True)
        except BadInput as exc:
            self.bad(exc, self.person_labels())
            self.query_one("#su-first-name" if exc.field == "name" else "#su-first-pin").focus()
            return False
        return True

    # step 3: the team -----------------------------------------------------------------------
    def fill_team(self) -> None:
        box = self.query_one("#su-team", OptionList)
        box.clear_options()
        for p in self.team:
            about = [self.t("word." + p.role)]
            about += [self.t("setup.team_mentor", mentor=p.mentor)] if p.mentor else []
            about += [] if p.pin else [self.t("setup.team_pin_none")]
            box.add_option(Option(f"{p.name}  [dim]{' · '.join(about)}[/dim]", id=p.name))
        if not self.team:
            box.add_option(Option(f"[dim]{self.t('setup.team_empty')}[/dim]", disabled=True))

    def add_person(self) -> None:
        from frontdesk.services.errors import BadInput
        from frontdesk.services.setup import Person, check_person, check_pin

        role = picked(self.query_one("#su-p-role", RadioSet), ("advisor", "trainee"))
        pin, again = self.value("su-p-pin"), self.value("su-p-pin2")
        try:
            pin_ok = check_pin(pin, again) if pin or again else None
            person = check_person(Person(self.value("su-p-name"), role, pin_ok, self.value("su-p-mentor") or None),
                                  [self.plan.first, *self.team])
        except BadInput as exc:
            self.bad(exc, self.person_labels())
            ids = {"name": "su-p-name", "mentor": "su-p-mentor", "pin": "su-p-pin"}
            self.query_one("#" + ids.get(exc.field, "su-p-name")).focus()
            return
        self.team.append(person)
        for id_ in PERSON_FIELDS:
            if id_ != "su-p-role":
                self.query_one(f"#{id_}", Input).value = ""
        self.query_one("#su-p-role-advisor", RadioButton).value = True  # the next one is most likely an advisor
        self.error("")
        self.fill_team()
        self.query_one("#su-p-name").focus()

    def action_remove(self) -> None:
        box = self.query_one("#su-team", OptionList)
        if STEPS[self.step] != "team" or not box.has_focus or box.highlighted is None or not self.team:
            return
        gone = self.team[box.highlighted]
        if any(p.mentor == gone.name for p in self.team):
            self.error(self.t("setup.why.mentor_kept", name=gone.name))
            return
        self.team.remove(gone)
        self.fill_team()

    def preview(self) -> bool:
        from frontdesk.services.errors import FrontdeskError
        from frontdesk.services.setup import preview_import

        path = self.value("su-file").strip()
        info = self.query_one("#su-file-info", Static)
        if not path:
            self.imported = None
            info.update("")
            return True
        try:
            self.imported = preview_import(path, self.plan.tz)
        except FrontdeskError as exc:
            self.imported = None
            info.update("")
            self.bad(exc, {"file": self.t("setup.file"), "report": self.t("setup.file")})
            return False
        names = ", ".join(p.name for p in self.imported["staff"][:4]) + ("…" if len(self.imported["staff"]) > 4 else "")
        info.update(self.t("setup.file_info", file=self.imported["file"].rsplit("/", 1)[-1],
                           staff=len(self.imported["staff"]), names=names, rows=self.imported["rows"]))
        self.error("")
        return True

    def leave_team(self) -> bool:
        if self.value("su-p-name").strip():
            self.error(self.t("setup.why.pending"))
            self.query_one("#su-p-name").focus()
            return False
        if not self.preview():
            return False
        self.plan.team = list(self.team)
        self.plan.import_file = self.imported["file"] if self.imported else None
        return True

    # step 4: the rotation -------------------------------------------------------------------
    def eligible(self) -> list[str]:
        people = [*self.team, *(self.imported["staff"] if self.imported else [])]
        names: list[str] = []
        for p in people:
            if p.role in ("advisor", "trainee") and p.name not in names:
                names.append(p.name)
        return names

    def fill_order(self, keep: int | None = None) -> None:
        names = self.eligible()
        kept = [(n, on_) for n, on_ in self.order if n in names]
        self.order = kept + [(n, True) for n in names if n not in dict(kept)]
        box = self.query_one("#su-order", OptionList)
        box.clear_options()
        turn = 0
        for name, on_ in self.order:
            if on_:
                turn += 1
                box.add_option(Option(f"{turn:>2}. {name}", id=name))
            else:
                box.add_option(Option(f"    [dim]{name} · {self.t('setup.order_out')}[/dim]", id=name))
        if not self.order:
            box.add_option(Option(f"[dim]{self.t('setup.order_none')}[/dim]", disabled=True))
        box.highlighted = keep if keep is not None and self.order else (0 if self.order else None)

    def action_move(self, by: int) -> None:
        box = self.query_one("#su-order", OptionList)
        i = box.highlighted
        if STEPS[self.step] != "order" or i is None or not 0 <= i + by < len(self.order):
            return
        self.order[i], self.order[i + by] = self.order[i + by], self.order[i]
        self.fill_order(keep=i + by)

    def action_toggle_out(self) -> None:
        box = self.query_one("#su-order", OptionList)
        i = box.highlighted
        if STEPS[self.step] != "order" or i is None or not self.order:
            return
        name, on_ = self.order[i]
        self.order[i] = (name, not on_)
        self.fill_order(keep=i)

    def leave_order(self) -> bool:
        self.plan.order = [n for n, on_ in self.order if on_]
        return True

    # step 5: the summary and the one write --------------------------------------------------
    def fill_summary(self) -> None:
        p, t = self.plan, self.t
        nobody = t("setup.summary_nobody")
        lines = [t("setup.summary_project", name=p.name, code=p.code, tz=p.tz, days=p.protection_days),
                 t("setup.summary_first", name=p.first.name, role=t("word." + p.first.role)),
                 t("setup.summary_team", names=", ".join(x.name for x in p.team) or nobody)]
        if self.imported:
            lines.append(t("setup.summary_import", file=self.imported["file"].rsplit("/", 1)[-1],
                           staff=len(self.imported["staff"]), rows=self.imported["rows"]))
        lines += [t("setup.summary_order", names=" ▸ ".join(p.order) or nobody), "",
                  t("setup.summary_confirm", name=p.first.name)]
        self.query_one("#su-summary", Static).update("\n".join(lines))

    def confirm(self) -> None:
        self.saving = True
        self.error(self.t("setup.saving"))
        self.save(self.plan)

    @work(thread=True, exclusive=True)
    def save(self, plan: Any) -> None:
        from frontdesk.services.errors import FrontdeskError

        app = self.app
        try:
            sv = app.services  # type: ignore[attr-defined]
            result = sv.setup.setup(plan, lang=app.lang)  # type: ignore[attr-defined]
        except FrontdeskError as exc:
            app.call_from_thread(self._failed, app.error_text(exc))  # type: ignore[attr-defined]
            return
        app.call_from_thread(app.setup_done, result)  # type: ignore[attr-defined]

    def _failed(self, text: str) -> None:
        self.saving = False
        self.error(text)
