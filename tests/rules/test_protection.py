"""Ownership and the protection window — R2.2, with R3.2 (duty receptions).

A contact on day D keeps the client protected through D+N; on D+N+1 it has lapsed.
Seed example (N=7): received on the 1st, still owned on the 8th, lapsed on the 9th.
"""

from __future__ import annotations

import random

import pytest

from frontdesk.rules.protection import NONE, REFRESH, check_days, fold, followup_effect, window_end

from .conftest import (
    LI, N, WANG, ZHANG, assign, codes, day, duty, event, followup, refresh, register,
)

# ---------------------------------------------------------------- the seed's own example


@pytest.mark.parametrize(("as_of", "owner", "previous", "through", "lapses_on"), [
    pytest.param(1, LI, None, 8, 9, id="R2.2-seed-example-registered-on-1st"),
    pytest.param(5, LI, None, 8, 9, id="R2.2-seed-example-5th-owned"),
    pytest.param(8, LI, None, 8, 9, id="R2.2-seed-example-still-owned-on-8th"),
    pytest.param(9, None, LI, None, None, id="R2.2-seed-example-lapsed-on-9th"),
    pytest.param(20, None, LI, None, None, id="R2.2-seed-example-stays-lapsed"),
])
def test_seed_example(seed_history, as_of, owner, previous, through, lapses_on):
    own = fold(seed_history, day(as_of), 7)
    assert own.owner == owner
    assert own.previous_owner == previous
    assert own.protected_through == (day(through) if through else None)
    assert own.lapses_on == (day(lapses_on) if lapses_on else None)
    assert own.last_contact == day(1)
    assert own.last_ref == "visit#1"
    assert own.registered
    assert own.reasons[0].rule == "R2.2"
    assert own.reasons[0].code == ("owned" if owner else "lapsed")


def test_seed_example_reason_carries_the_dates(seed_history):
    head = fold(seed_history, day(8), 7).reasons[0]
    assert head.data["owner"] == LI
    assert head.data["last_contact"] == day(1)
    assert head.data["protected_through"] == day(8)
    assert head.data["lapses_on"] == day(9)
    assert head.data["entry"] == "visit#1"
    assert head.data["days_left"] == 0


@pytest.mark.parametrize("days", [1, 3, 7, 10, 15])
def test_contact_day_not_counted_for_any_n(days):
    """R2.2: contact on D → protected through D+N, lapsed on D+N+1."""
    history = [register(LI, 1)]
    assert fold(history, day(1 + days), days).owner == LI
    assert fold(history, day(1 + days), days).protected_through == day(1 + days)
    assert fold(history, day(2 + days), days).owner is None
    assert window_end(day(1), days) == day(1 + days)


def test_never_registered():
    own = fold([], day(5), N)
    assert own.owner is None and own.previous_owner is None
    assert not own.registered
    assert codes(own.reasons) == ["not_registered"]


def test_as_of_before_registration_is_unregistered():
    own = fold([register(LI, 5)], day(4), N)
    assert own.owner is None
    assert not own.registered


def test_days_left():
    own = fold([register(LI, 1)], day(5), N)
    assert own.protected
    assert own.days_left(day(5)) == 3
    lapsed = fold([register(LI, 1)], day(9), N)
    assert not lapsed.protected
    assert lapsed.days_left(day(9)) is None


# ---------------------------------------------------------------- what moves the window

# (history, as_of, owner, protected_through, previous_owner)
WINDOW_CASES = [
    pytest.param([register(LI, 1), refresh(LI, 5)], 12, LI, 12, None,
                 id="R2.2-valid-followup-moves-window"),
    pytest.param([register(LI, 1), refresh(LI, 5)], 13, None, None, LI,
                 id="R2.2-valid-followup-window-lapses-after-D+N"),
    pytest.param([register(LI, 1), followup(LI, 5, "reached")], 12, LI, 12, None,
                 id="R2.2-reached-followup-counts"),
    pytest.param([register(LI, 1), register(LI, 6)], 13, LI, 13, None,
                 id="R2.2-own-reception-moves-window"),
    pytest.param([register(LI, 1), refresh(WANG, 5)], 8, LI, 8, None,
                 id="R2.2-refresh-by-non-owner-does-nothing"),
    pytest.param([register(LI, 1), refresh(WANG, 5)], 9, None, None, LI,
                 id="R2.2-refresh-by-non-owner-still-lapses-on-9th"),
    pytest.param([register(LI, 1), followup(LI, 5, "unreachable", verified=False)], 9, None, None, LI,
                 id="R2.2-unverified-unreachable-does-not-move"),
    pytest.param([register(LI, 1), followup(LI, 5, "unreachable", verified=True)], 9, LI, 12, None,
                 id="R2.2-verified-unreachable-moves"),
    pytest.param([register(LI, 1), duty(WANG, 5)], 8, LI, 8, None,
                 id="R3.2-duty-reception-keeps-owner-window"),
    pytest.param([register(LI, 1), duty(WANG, 5)], 9, None, None, LI,
                 id="R3.2-duty-reception-not-owner-contact"),
    pytest.param([register(LI, 1), refresh(LI, 9)], 9, None, None, LI,
                 id="R2.2-followup-on-lapse-day-does-not-revive"),
    pytest.param([register(LI, 1), refresh(LI, 8)], 15, LI, 15, None,
                 id="R2.2-followup-on-last-protected-day-counts"),
    pytest.param([register(LI, 1), register(WANG, 5)], 8, LI, 8, None,
                 id="R2.2-register-while-held-does-not-take"),
    pytest.param([register(LI, 1), register(WANG, 5)], 9, None, None, LI,
                 id="R2.2-register-while-held-does-not-own-after-lapse"),
    pytest.param([register(LI, 1), register(WANG, 9)], 9, WANG, 16, None,
                 id="R2.2-after-lapse-next-register-owns"),
    pytest.param([register(LI, 1), register(WANG, 12)], 12, WANG, 19, None,
                 id="R2.2-lapsed-then-new-register-by-other"),
    pytest.param([register(LI, 1), register(LI, 9)], 9, LI, 16, None,
                 id="R2.2-lapsed-then-former-owner-registers-anew"),
    pytest.param([register(LI, 1), assign(WANG, 3)], 3, WANG, 10, None,
                 id="R2.2-assign-sets-owner"),
    pytest.param([register(LI, 1), assign(WANG, 3), refresh(LI, 4)], 10, WANG, 10, None,
                 id="R2.2-assign-old-owner-followup-ignored"),
    pytest.param([register(LI, 1), assign(WANG, 3), refresh(WANG, 6)], 13, WANG, 13, None,
                 id="R2.2-assign-new-owner-followup-counts"),
    pytest.param([assign(ZHANG, 2)], 9, ZHANG, 9, None,
                 id="R2.2-assign-on-unregistered-client"),
]


@pytest.mark.parametrize(("history", "as_of", "owner", "through", "previous"), WINDOW_CASES)
def test_window(history, as_of, owner, through, previous):
    own = fold(history, day(as_of), N)
    assert own.owner == owner
    assert own.protected_through == (day(through) if through else None)
    assert own.previous_owner == previous
    assert own.registered


def test_duty_reception_yields_reason():
    own = fold([register(LI, 1), duty(WANG, 5, ref="visit#7")], day(6), N)
    notes = [r for r in own.reasons if r.code == "duty_not_owner_contact"]
    assert len(notes) == 1
    assert notes[0].rule == "R3.2"
    assert notes[0].data["advisor"] == WANG
    assert notes[0].data["entry"] == "visit#7"
    assert own.last_contact == day(1)


def test_duty_reception_by_the_owner_is_not_flagged():
    own = fold([register(LI, 1), duty(LI, 5)], day(6), N)
    assert "duty_not_owner_contact" not in codes(own.reasons)


def test_unverified_unreachable_yields_reason():
    effect, kind = followup_effect("unreachable", False)
    own = fold([register(LI, 1), event(effect, LI, 5, kind=kind, ref="followup#3")], day(6), N)
    notes = [r for r in own.reasons if r.code == "unreachable_not_counted"]
    assert [(n.rule, n.data["entry"]) for n in notes] == [("R2.2", "followup#3")]
    assert own.last_ref != "followup#3"


def test_register_while_held_yields_reason():
    own = fold([register(LI, 1), register(WANG, 5, ref="call#2")], day(6), N)
    held = [r for r in own.reasons if r.code == "held_by_other"]
    assert [(r.rule, r.data["advisor"], r.data["entry"]) for r in held] == [("R2.2", WANG, "call#2")]


@pytest.mark.parametrize(("outcome", "verified", "effect", "kind"), [
    pytest.param("reached", False, REFRESH, "reached", id="R2.2-followup-reached"),
    pytest.param("reached", True, REFRESH, "reached", id="R2.2-followup-reached-verified"),
    pytest.param("unreachable", False, NONE, "unverified", id="R2.2-followup-unreachable-unverified"),
    pytest.param("unreachable", True, REFRESH, "verified", id="R2.2-followup-unreachable-pm-verified"),
])
def test_followup_effect(outcome, verified, effect, kind):
    assert followup_effect(outcome, verified) == (effect, kind)


# ---------------------------------------------------------------- "as of" a moment

AS_OF_HISTORY = [register(LI, 1), refresh(LI, 4), register(WANG, 12), refresh(WANG, 15), assign(ZHANG, 20)]


@pytest.mark.parametrize(("as_of", "owner", "through", "previous"), [
    pytest.param(1, LI, 8, None, id="R2.2-as-of-1st-ignores-later-followup"),
    pytest.param(4, LI, 11, None, id="R2.2-as-of-4th"),
    pytest.param(11, LI, 11, None, id="R2.2-as-of-last-protected-day"),
    pytest.param(12, WANG, 19, None, id="R2.2-as-of-12th-new-owner"),
    pytest.param(14, WANG, 19, None, id="R2.2-as-of-14th-ignores-later-followup"),
    pytest.param(19, WANG, 22, None, id="R2.2-as-of-19th-ignores-later-assign"),
    pytest.param(20, ZHANG, 27, None, id="R2.2-as-of-20th-assigned"),
    pytest.param(28, None, None, ZHANG, id="R2.2-as-of-28th-lapsed"),
])
def test_as_of_a_past_day_ignores_later_events(as_of, owner, through, previous):
    own = fold(AS_OF_HISTORY, day(as_of), N)
    assert (own.owner, own.protected_through, own.previous_owner) == (
        owner, day(through) if through else None, previous)


def test_lapse_between_events_is_seen_as_of_that_day():
    own = fold(AS_OF_HISTORY, day(12 - 1), N)
    assert own.owner == LI
    gap = fold([register(LI, 1), register(WANG, 20)], day(15), N)
    assert gap.owner is None and gap.previous_owner == LI


def test_order_of_the_list_does_not_matter():
    shuffled = list(AS_OF_HISTORY)
    random.Random(4).shuffle(shuffled)
    for n in (1, 11, 12, 19, 20, 28):
        assert fold(shuffled, day(n), N) == fold(AS_OF_HISTORY, day(n), N)


def test_same_day_events_are_ordered_by_time():
    """Lapsed on the 9th: WANG registers at 10:00 and owns; LI's own reception at 10:05 is held_by_other."""
    own = fold([register(LI, 1), register(LI, 9, seq=5), register(WANG, 9, seq=0)], day(9), N)
    assert own.owner == WANG
    assert "held_by_other" in codes(own.reasons)


def test_extra_contact_can_let_a_third_advisor_in():
    """Why the window property (test_properties) is stated for an owner who holds throughout.

    Without LI's follow-up on the 5th, LI lapses on the 9th, WANG registers on the 10th and
    owns through the 17th; ZHANG's registration on the 14th is held_by_other; LI registers
    anew on the 18th (WANG lapsed) and owns. With it, LI holds through the 12th, so WANG's
    registration is held_by_other; ZHANG registers on the 14th (LI lapsed on the 13th) and
    owns through the 21st, so LI's registration on the 18th is held_by_other."""
    base = [register(LI, 1), register(WANG, 10), register(ZHANG, 14), register(LI, 18)]
    without = fold(base, day(18), N)
    with_followup = fold([*base, refresh(LI, 5)], day(18), N)
    assert (without.owner, without.protected_through) == (LI, day(25))
    assert (with_followup.owner, with_followup.protected_through) == (ZHANG, day(21))


# ---------------------------------------------------------------- protection days setting


@pytest.mark.parametrize(("days", "gm", "code"), [
    pytest.param(-1, False, "days_too_small", id="R2.2-days-negative-refused"),
    pytest.param(0, False, "days_too_small", id="R2.2-days-0-refused"),
    pytest.param(0, True, "days_too_small", id="R2.2-days-0-refused-even-with-gm"),
    pytest.param(1, False, None, id="R2.2-days-1-ok"),
    pytest.param(7, False, None, id="R2.2-days-7-default-ok"),
    pytest.param(10, False, None, id="R2.2-days-10-ok"),
    pytest.param(11, False, "days_need_gm", id="R2.2-days-11-needs-gm"),
    pytest.param(11, True, None, id="R2.2-days-11-ok-with-gm"),
    pytest.param(30, True, None, id="R2.2-days-30-ok-with-gm"),
])
def test_check_days(days, gm, code):
    refusal = check_days(days, gm)
    if code is None:
        assert refusal is None
    else:
        assert refusal is not None
        assert (refusal.rule, refusal.code, refusal.data["days"]) == ("R2.2", code, days)


def test_default_days_is_seven():
    assert N == 7
