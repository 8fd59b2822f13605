"""The PM imports registers from the console (issue 16, item 7): `i`, the file's path, Enter — the
dry run's rows in a table, nothing written; an advisor not on the staff mapped with `m`; `y`
imports; the row report stays beside the file. Checked in the rows written, not only on screen."""

from __future__ import annotations

import csv
from pathlib import Path

from frontdesk.services import Services
from frontdesk.store.models import RegisterEntry
from frontdesk.ui.console.importer import ImportScreen

from .conftest import LI, PM, ZHANG, rows, settle, text, type_text
from .consolekit import all_rows, console_app, notices, open_console

HEADER = ["序号", "日期", "客户姓名", "联系电话", "置业顾问", "来访", "来电", "意向房型", "备注"]


def register(folder: Path) -> Path:
    """A month's register as an office keeps it: a title with the month, year-less dates, a
    来访/来电 tick, an advisor not on the staff, a row without a phone."""
    path = folder / "十一月登记.csv"
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["滨江华苑 来访客户登记表（2026年11月）"])
        w.writerow(HEADER)
        w.writerow(["1", "11月3日", "柳先生", "13700002001", LI, "√", "", "三房", "看样板间"])
        w.writerow(["2", "11/4", "柳先生", "13700002001", LI, "", "√", "", "问价格"])
        w.writerow(["3", "5日", "梅女士", "13700002002", "小王", "√", "", "", ""])
        w.writerow(["4", "11月6日", "竹先生", "", ZHANG, "√", "", "", ""])
    return path


def entries(sv: Services) -> list[tuple[str, str]]:
    return sorted((e.book, e.phone_e164) for e in all_rows(sv, RegisterEntry, RegisterEntry.kind == "imported"))


async def test_the_pm_imports_a_register_from_the_console(sv: Services, tmp_path: Path) -> None:
    src = register(tmp_path)
    app = console_app(sv)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await open_console(pilot, "roster")
        await pilot.press("i")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ImportScreen)
        await type_text(pilot, str(src))
        await pilot.press("enter")
        await settle(pilot, rounds=4)
        table = screen.query_one("#import-rows")
        got = [(r[0], r[1], r[2], r[3]) for r in rows(table)]
        assert got == [("3", "visitor register", "new client", "柳先生"), ("4", "call register", "merged", "柳先生"),
                       ("5", "visitor register", "new client", "梅女士"), ("6", "visitor register", "rejected", "竹先生")]
        why = [r[5] for r in rows(table)]
        assert "no phone" in why[3] and "the year and month from the sheet's title" in why[1]
        table.move_cursor(row=3)
        await settle(pilot)
        assert "no phone" in text(screen.query_one("#import-why"))  # the whole reason under the table
        summary = text(screen.query_one("#import-summary"))
        assert "4 rows: 2 imported, 1 merged, 1 rejected" in summary and "小王 (1)" in summary
        assert entries(sv) == []  # a dry run writes nothing
        await pilot.press("y")  # refused until 小王 is settled
        await settle(pilot, rounds=3)
        assert entries(sv) == [] and any("Settle the advisors" in n for n in notices(app))
        await pilot.press("m")
        await settle(pilot)
        prompt = screen.query_one("#import-prompt")
        assert prompt.display and app.focused is prompt and prompt.value == "小王=", (prompt.display, app.focused, prompt.value)
        await type_text(pilot, ZHANG)  # the prompt holds "小王=" already
        await pilot.press("enter")
        await settle(pilot, rounds=4)
        summary = text(screen.query_one("#import-summary"))
        assert f"小王 → {ZHANG}" in summary and "y imports these rows" in summary
        await pilot.press("y")
        await settle(pilot, rounds=4)
        assert "Imported. The row report:" in text(screen.query_one("#import-summary"))
    assert entries(sv) == [("call", "+8613700002001"), ("visit", "+8613700002001"), ("visit", "+8613700002002")]
    report = src.with_name("十一月登记.report.csv")
    assert report.exists() and len(list(csv.DictReader(open(report, encoding="utf-8-sig")))) == 4
    h = sv.records.history("13700002002", actor=PM)
    assert [e["advisor"] for e in h["entries"]] == [ZHANG]


async def test_a_file_that_is_not_there_is_said_on_the_screen(sv: Services, tmp_path: Path) -> None:
    app = console_app(sv, lang="zh_CN")
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await open_console(pilot, "roster")
        await pilot.press("i")
        await settle(pilot)
        await type_text(pilot, str(tmp_path / "nothing.xlsx"))
        await pilot.press("enter")
        await settle(pilot, rounds=3)
        assert "nothing.xlsx" in text(app.screen.query_one("#import-summary"))
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, ImportScreen)
