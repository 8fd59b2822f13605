"""Console tab 7 in the user's words (issue 17): each setting named, its meaning and allowed values
shown, values as words; choices typed as words; the greeter's script edited as phrases per language."""

from __future__ import annotations

from textual.widgets import Input

from frontdesk import i18n
from frontdesk.services import Services
from frontdesk.services.settings import DEFAULT_SCRIPT
from frontdesk.store.models import SettingChange
from frontdesk.ui.console.base import Pane

from .conftest import PILOT_SIZE, PM, rows, settle, type_text
from .consolekit import all_rows, answer, console_app, detail, open_console, point_at


async def test_zh_settings_show_words_not_codes(sv: Services) -> None:
    app = console_app(sv, lang="zh_CN")
    async with app.run_test(size=PILOT_SIZE) as pilot:
        pane = await open_console(pilot, "settings")
        shown = rows(pane.table)
        flat = " ".join(" ".join(r) for r in shown)
        for code in ("protection_days", "skip_policy", "keep_place", "False", "high", "{"):
            assert code not in flat, code
        by_key = dict(zip(sv.staff.settings(actor=PM), shown))
        assert by_key["volume_mode"][1] == "高" and by_key["skip_policy"][1] == "保留位置"
        assert by_key["duty_consumes_turn"][1] == "否"
        point_at(pane, "skip_policy")
        await settle(pilot)
        assert detail(pane) == i18n.t("layout.setting.skip_policy.meaning", "zh_CN")


async def edit(pilot, key: str) -> tuple[Pane, Input]:
    """Tab 7, the cursor on `key`, `e`: the pane and its prompt, emptied."""
    pane = await open_console(pilot, "settings")
    point_at(pane, key)
    await pilot.press("e")
    await settle(pilot)
    prompt = pane.query_one(".pane-prompt", Input)
    return pane, prompt


async def test_the_edit_prompt_names_the_setting_and_takes_a_word(sv: Services) -> None:
    """In zh_CN, 低 sets volume_mode to low; the prompt said the name, meaning, range and value now."""
    app = console_app(sv, lang="zh_CN")
    async with app.run_test(size=PILOT_SIZE) as pilot:
        pane, prompt = await edit(pilot, "volume_mode")
        said = detail(pane)
        for part in ("name", "meaning", "range"):
            assert i18n.t(f"layout.setting.volume_mode.{part}", "zh_CN") in said
        assert "当前：高" in said
        prompt.value = ""
        await answer(pilot, pane, "低")
    assert sv.staff.settings(actor=PM)["volume_mode"] == "low"


async def test_the_greeter_script_is_edited_as_phrases_per_language(sv: Services) -> None:
    app = console_app(sv, lang="en")
    async with app.run_test(size=PILOT_SIZE) as pilot:
        _pane, prompt = await edit(pilot, "greeter_script")
        assert prompt.value == " / ".join(DEFAULT_SCRIPT["en"])  # English first: the user's language
        prompt.value = ""
        await type_text(pilot, "Welcome! / Been here before?")
        await pilot.press("enter")
        await settle(pilot)
        assert prompt.display and prompt.value == " / ".join(DEFAULT_SCRIPT["zh_CN"])  # then Chinese, as it was
        await pilot.press("enter")
        await settle(pilot)
    script = sv.staff.settings(actor=PM)["greeter_script"]
    assert script == {"zh_CN": DEFAULT_SCRIPT["zh_CN"], "en": ["Welcome!", "Been here before?"]}
    assert len(all_rows(sv, SettingChange, SettingChange.key == "greeter_script")) == 1
