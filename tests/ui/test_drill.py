"""The scenario drill by keyboard: a full 10-visitor drill, the PM's drill from the desk recorded on
the trainee's record (and nothing else written to the live database), and the snapshots of the drill
screen, its verdict and the score sheet in en and zh_CN."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from textual.pilot import Pilot

from frontdesk.drill import scenario
from frontdesk.drill.engine import Drill
from frontdesk.drill.score import DUTIES
from frontdesk.ui.app import make_app
from frontdesk.ui.drill_app import DrillApp
from frontdesk.ui.screens.drill import DUTY_KEYS, ROUTE_KEYS, DrillScreen
from frontdesk.ui.screens.drill_sheet import DrillSheetScreen

from drill.test_engine import RIGHT  # tests/ is on sys.path: tests/drill is the package "drill"
from .conftest import PILOT_SIZE, PM, SUN, settle, text

KEY_OF_ROUTE = {r: k for k, r in ROUTE_KEYS.items()}
KEY_OF_DUTY = {d: k for k, d in DUTY_KEYS.items()}


class Tick:
    """A fake clock for the drill: 45 seconds per call, so the sheet's time is stable."""

    def __init__(self) -> None:
        self.t = 0.0

    def __call__(self) -> float:
        self.t += 45.0
        return self.t


def _drill(lang: str = "en", trainee: str | None = SUN) -> Drill:
    return Drill(scenario.load("default"), lang=lang, trainee=trainee, timer=Tick())


def keys_for(drill: Drill, story: str) -> list[str]:
    """The keystrokes of the right answer for `story` (from the hand-written table of the engine tests)."""
    route, advisor, duties, _rule = RIGHT[story]
    staff = drill.staff()
    return ["1", "2", "3", "slash", KEY_OF_ROUTE[route], *["a"] * (staff.index(advisor) + 1),
            *[KEY_OF_DUTY[d] for d in sorted(duties)], "enter"]


async def play_right(pilot: Pilot, drill: Drill) -> None:
    while not drill.done:
        await pilot.press(*keys_for(drill, drill.story.id))
        await pilot.pause()
        screen = pilot.app.screen
        assert isinstance(screen, DrillScreen) and screen.verdict is not None and screen.verdict.right, \
            [i for i in screen.verdict.items if not i.ok] if screen.verdict else None
        await pilot.press("enter")
        await pilot.pause()


async def test_a_ten_visitor_drill_by_keyboard_gets_full_marks():
    drill = _drill()
    app = DrillApp(drill, lang="en")
    async with app.run_test(size=PILOT_SIZE) as pilot:
        await pilot.pause()
        await play_right(pilot, drill)
        assert isinstance(app.screen, DrillSheetScreen)
        assert "Score 100/100" in text(app.screen.query_one("#s-score"))
        assert app.last_sheet.score == 100 and len(app.last_sheet.verdicts) == 10
    drill.close()


async def test_a_wrong_answer_shows_the_rule_and_why():
    drill = _drill()
    app = DrillApp(drill, lang="en")
    async with app.run_test(size=PILOT_SIZE) as pilot:
        await pilot.pause()
        await pilot.press(*keys_for(drill, "new-visitor"))  # right
        await pilot.press("enter")
        # owner present, answered as a new visitor by rotation: the owner serves (R3)
        await pilot.press("1", "2", "3", "slash", "r", "a", "a", "enter")
        await pilot.pause()
        shown = text(app.screen.query_one("#d-verdict"))
        assert "Not quite" in shown and "route (R3)" in shown and "owner serves" in shown
        assert "李娜" in shown and "R2.2:" in shown  # the ownership and its dates, as the reasons say
    drill.close()


def _live_state(path: Path) -> tuple[dict[str, int], list[tuple]]:
    con = sqlite3.connect(path)
    try:
        names = [n for (n,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                           "AND name NOT LIKE 'sqlite_%'")]
        counts = {n: con.execute(f"SELECT COUNT(*) FROM {n}").fetchone()[0] for n in names}
        heads = con.execute("SELECT project_id, book, last_number, last_hash FROM ledgerhead ORDER BY 1, 2").fetchall()
        return counts, heads
    finally:
        con.close()


@pytest.mark.parametrize("record", [False, True], ids=["played", "recorded"])
async def test_the_pm_drill_from_the_desk_leaves_the_live_database_alone(sv, db_path, record):
    app = make_app(sv, lang="en", user=PM)
    async with app.run_test(size=PILOT_SIZE) as pilot:
        await settle(pilot)
        before, heads = _live_state(db_path)  # the desk's own sign-in work (the PM's reminders) done
        await pilot.press("e")
        await settle(pilot)
        await pilot.press("enter")  # the first trainee: 孙悦
        for _ in range(40):
            await settle(pilot)
            if isinstance(app.screen, DrillScreen):
                break
        screen = app.screen
        assert isinstance(screen, DrillScreen)
        while not screen.drill.done:
            await pilot.press("slash", "r", "enter", "enter")  # half-hearted answers
            await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, DrillSheetScreen)
        if record:
            await pilot.press("r")
            await pilot.pause()
            assert "Recorded for 孙悦" in text(app.screen.query_one("#s-message"))
        sandbox = screen.drill.box.folder
    after, heads_after = _live_state(db_path)
    assert heads_after == heads, "the register chains moved"
    assert not sandbox.exists(), "the sandbox was left behind"
    if record:
        assert after == {**before, "staffevent": before["staffevent"] + 1, "journal": before["journal"] + 1}  # and its seal
        got = sv.drills.results(SUN, actor=PM)
        assert len(got) == 1 and got[0]["set"] == "default" and got[0]["by"] == PM
        assert 0 <= got[0]["score"] < 100 and got[0]["visitors"] == 10
    else:
        assert after == before


async def test_the_drill_key_is_the_pms_and_a_trainees_practice(sv):
    from .conftest import LI

    app = make_app(sv, lang="en", user=LI)  # an advisor: no drill
    async with app.run_test(size=PILOT_SIZE) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        assert app.screen.__class__.__name__ == "DeskScreen"
    app = make_app(sv, lang="en", user=SUN)  # the trainee practises: no picker, nothing to record
    async with app.run_test(size=PILOT_SIZE) as pilot:
        await settle(pilot)
        await pilot.press("e")
        for _ in range(40):
            await settle(pilot)
            if isinstance(app.screen, DrillScreen):
                break
        assert isinstance(app.screen, DrillScreen) and app.screen.record is None
        assert app.screen.drill.trainee == SUN


# ------------------------------------------------------------------------------------- snapshots
LANGS = ["en", "zh_CN"]


@pytest.mark.parametrize("lang", LANGS)
def test_snapshot_drill_screen(snap_compare, lang):
    drill = _drill(lang)
    try:
        async def run_before(pilot: Pilot) -> None:
            await pilot.pause()
            await pilot.press(*keys_for(drill, "new-visitor"), "enter")  # on to visitor 2
            await pilot.press("1", "2", "slash", "o", "a")
            await pilot.pause()
        assert snap_compare(DrillApp(drill, lang=lang), terminal_size=(100, 32), run_before=run_before)
    finally:
        drill.close()


@pytest.mark.parametrize("lang", LANGS)
def test_snapshot_verdict(snap_compare, lang):
    drill = _drill(lang)
    try:
        async def run_before(pilot: Pilot) -> None:
            await pilot.pause()
            await pilot.press(*keys_for(drill, "new-visitor"), "enter")
            await pilot.press(*keys_for(drill, "owner-present"), "enter")
            await pilot.press("1", "2", "3", "slash", "d", "a", "enter")  # owner away: duty, but who, and the owner?
            await pilot.pause()
        assert snap_compare(DrillApp(drill, lang=lang), terminal_size=(100, 32), run_before=run_before)
    finally:
        drill.close()


@pytest.mark.parametrize("lang", LANGS)
def test_snapshot_score_sheet(snap_compare, lang):
    drill = _drill(lang)
    try:
        async def run_before(pilot: Pilot) -> None:
            await pilot.pause()
            while not drill.done:
                ks = keys_for(drill, drill.story.id)
                if drill.story.id in ("owner-away-low", "spouse"):
                    ks = ["1", "2", "slash", "r", "a", "enter"]  # two visitors got wrong
                await pilot.press(*ks, "enter")
            await pilot.pause()
        assert snap_compare(DrillApp(drill, lang=lang, record=lambda r: "recorded"), terminal_size=(100, 32),
                            run_before=run_before)
    finally:
        drill.close()


def test_every_duty_has_a_key():
    assert set(DUTY_KEYS.values()) == set(DUTIES)
