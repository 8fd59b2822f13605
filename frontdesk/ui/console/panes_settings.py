"""Console tab 7: the project's settings in the user's words — each with its name, what it means,
the values it takes and the value now; the services check and record every change."""

from __future__ import annotations

import json
from typing import Any, Callable

from textual.binding import Binding
from textual.widgets import Input

from frontdesk import i18n
from frontdesk.rules import rotation, routing

from .base import Pane

# the settings whose values are words: the codes the services take, in the order they are offered
CHOICES: dict[str, tuple[Any, ...]] = {
    "volume_mode": tuple(routing.VOLUME_MODES), "skip_policy": tuple(rotation.SKIP_POLICIES),
    "duty_consumes_turn": (True, False), "webhook_kind": ("wecom", "dingtalk"), "webhook_lang": i18n.LANGS,
}
SCRIPT = "greeter_script"
PHRASE_SEP = " / "


class SettingsPane(Pane):
    """The project's parameters, validated by the services, each change recorded."""

    COLUMNS = ("ui.col_setting", "ui.col_value", "layout.settings.col_allowed")
    KEYS_HINT = "ui.settings_keys"
    BINDINGS = [Binding("enter", "edit", "Edit", show=False), Binding("e", "edit", "Edit")]

    def fetch(self) -> Any:
        return self.sv.staff.settings(**self.me)

    # words ---------------------------------------------------------------------------------
    def words(self, key: str, part: str) -> str:
        """`name`, `meaning` or `range` of a setting; a setting without words shows its key."""
        k = f"layout.setting.{key}.{part}"
        return self.t(k) if i18n.has_key(k, "en") else (key if part == "name" else "")

    def value_word(self, key: str, value: Any) -> str:
        if key in CHOICES:
            return self.choice_word(key, value)
        if key == SCRIPT:
            mine = value.get(self.app.lang) or []  # type: ignore[attr-defined]
            return self.t("layout.settings.phrases", n=len(mine), language=self.t(f"layout.lang.{self.app.lang}"))  # type: ignore[attr-defined]
        if value in ("", None):
            return "—"
        unit = f"layout.setting.{key}.unit"
        return self.t(unit, n=value) if i18n.has_key(unit, "en") else str(value)

    def choice_word(self, key: str, code: Any) -> str:
        if isinstance(code, bool):
            return self.t("word.yes" if code else "word.no")
        k = f"layout.setting_value.{key}.{code}"
        return self.t(k) if i18n.has_key(k, "en") else str(code)

    def code_of(self, key: str, typed: str) -> str:
        """What the user typed, as the code the services take: a choice's word in either
        language, or the code itself; anything else goes as typed (the services name the error)."""
        for code in CHOICES.get(key, ()):
            words = {str(code).lower(), *(i18n.t(f"layout.setting_value.{key}.{code}", lang).lower()
                                          for lang in i18n.LANGS if i18n.has_key(f"layout.setting_value.{key}.{code}", lang))}
            if isinstance(code, bool):
                words |= {i18n.t("word.yes" if code else "word.no", lang).lower() for lang in i18n.LANGS}
            if typed.strip().lower() in words:
                return str(code).lower()
        return typed

    # the table -------------------------------------------------------------------------------
    def paint(self, settings: dict[str, Any]) -> None:
        self.values = settings
        for key, value in settings.items():
            self.table.add_row(self.words(key, "name"), self.value_word(key, value), self.words(key, "range"), key=key)

    def on_data_table_row_highlighted(self) -> None:
        key = self.cursor_key()
        if key is not None and not self.query_one(".pane-prompt", Input).display:  # an open prompt keeps its words
            self.detail(self.words(key, "meaning"))

    def label(self, key: str) -> str:
        """The edit prompt's words: the setting, what it means, the values it takes, the value now."""
        return self.t("layout.settings.ask", name=self.words(key, "name"), meaning=self.words(key, "meaning"),
                      range=self.words(key, "range"), now=self.value_word(key, self.values[key]))

    def ask_about(self, key: str, answer: Callable[[Any], None], value: str, label: str | None = None) -> None:
        """The prompt, with its words above it (a filled-in prompt hides its placeholder)."""
        words = label or self.label(key)
        self.detail(words)
        self.ask(words, answer, value=value)
        self.query_one(".pane-prompt", Input).cursor_position = 0  # a long value shows from its start

    # editing -----------------------------------------------------------------------------------
    def action_edit(self) -> None:
        key = self.cursor_key()
        if not key:
            return
        value = self.values[key]
        if key == SCRIPT:
            self.edit_script(dict(value))
            return
        current = self.choice_word(key, value) if key in CHOICES else ("" if value is None else str(value))

        def save(new: str, why: str | None = None) -> None:
            def saved(r: dict[str, Any]) -> None:
                self.done(self.t("ui.pins.requested", **r) if "request" in r
                          else f"{self.words(key, 'name')}: {self.value_word(key, r['value'])}")
            new = self.code_of(key, new)
            gm = self.app.user.get("role") == "gm"  # type: ignore[attr-defined]
            if key == "protection_days" and new.isdigit() and int(new) > 10 and why is None:
                # R2.2: the GM signs it themselves with a reason; a PM's reason becomes a request to the GM
                label = self.t("ui.pins.ask_gm_reason" if gm else "ui.pins.ask_request")
                self.ask_about(key, lambda w: save(new, w), "", label=label)
                return
            self.call(self.sv.staff.settings, key, new, why if gm else None, **self.me,
                      request=None if gm or why is None else why, then=saved)
        self.ask_about(key, save, current)

    def edit_script(self, script: dict[str, list[str]], langs: tuple[str, ...] | None = None) -> None:
        """The greeter's phrases, one language at a time (the user's first), phrases split by " / "."""
        mine = self.app.lang  # type: ignore[attr-defined]
        langs = langs if langs is not None else (mine, *[x for x in i18n.LANGS if x != mine])
        if not langs:
            self.call(self.sv.staff.settings, SCRIPT, json.dumps(script, ensure_ascii=False), None, **self.me,
                      then=lambda r: self.done(f"{self.words(SCRIPT, 'name')}: {self.value_word(SCRIPT, r['value'])}"))
            return
        lang = langs[0]

        def phrases(typed: str) -> None:
            script[lang] = [p.strip() for p in typed.split(PHRASE_SEP.strip()) if p.strip()]
            self.edit_script(script, langs[1:])
        label = self.t("layout.settings.ask_script", name=self.words(SCRIPT, "name"),
                       language=self.t(f"layout.lang.{lang}"), sep=PHRASE_SEP.strip())
        self.ask_about(SCRIPT, phrases, PHRASE_SEP.join(script.get(lang, [])), label=label)
