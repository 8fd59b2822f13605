"""The rotation (轮序) — R3, R3.2, R3.3, R5.3.

The first present, eligible member of the PM's order is next; the taker goes to the back.
Away members are skipped and keep their place (or lose the turn with the project setting).
Shadow trainees are never next unless no other advisor is present (R5.3).
"""

from __future__ import annotations

import pytest

from frontdesk.rules.rotation import KEEP_PLACE, LOSE_TURN, duty_queue, pick, take_turn, to_back

from .conftest import away, codes, member, members, shadow

# (queue, members, advisor, solo_trainee, skipped)
PICK_CASES = [
    pytest.param((1, 2, 3), members(member(1), member(2), member(3)), 1, False, (),
                 id="R3.3-first-in-order"),
    pytest.param((2, 3, 1), members(member(1), member(2), member(3)), 2, False, (),
                 id="R3.3-order-is-the-queue-not-the-ids"),
    pytest.param((1, 2, 3), members(away(1), member(2), member(3)), 2, False, ((1, "away"),),
                 id="R3-away-skipped"),
    pytest.param((1, 2, 3), members(away(1), away(2), member(3)), 3, False, ((1, "away"), (2, "away")),
                 id="R3-two-away-skipped"),
    pytest.param((9, 1, 2), members(shadow(9), member(1), member(2)), 1, False, ((9, "shadow"),),
                 id="R5.3-shadow-trainee-never-next"),
    pytest.param((9, 1), members(shadow(9), away(1)), 9, True, ((9, "shadow"), (1, "away")),
                 id="R5.3-solo-trainee-when-no-advisor-present"),
    pytest.param((1, 9, 8), members(away(1), shadow(9, present=False), shadow(8)), 8, True,
                 ((1, "away"), (9, "away"), (8, "shadow")),
                 id="R5.3-solo-trainee-must-be-present"),
    pytest.param((1, 2), members(away(1), away(2)), None, False, ((1, "away"), (2, "away")),
                 id="R3-nobody-present"),
    pytest.param((9, 1), members(shadow(9, present=False), away(1)), None, False, ((9, "away"), (1, "away")),
                 id="R3-nobody-present-shadow-away-too"),
    pytest.param((), {}, None, False, (), id="R3-empty-roster"),
    pytest.param((4, 1), members(member(4, eligible=False), member(1)), 1, False, ((4, "ineligible"),),
                 id="R3-ineligible-skipped"),
]


@pytest.mark.parametrize(("queue", "ms", "advisor", "solo", "skipped"), PICK_CASES)
def test_pick(queue, ms, advisor, solo, skipped):
    p = pick(queue, ms)
    assert p.advisor == advisor
    assert p.solo_trainee is solo
    assert p.skipped == skipped
    assert p.reasons, "every pick carries its reasons"


def test_pick_reasons_cite_rules():
    p = pick((1, 9, 2), members(away(1), shadow(9), member(2)))
    assert [(r.rule, r.code) for r in p.reasons] == [
        ("R3.3", "next_in_rotation"), ("R3", "skipped_away"), ("R5.3", "skipped_shadow")]
    assert p.reasons[0].data == {"advisor": 2, "position": 3}


def test_pick_rule_id_for_duty():
    assert pick((1,), members(member(1)), rule="R3.2").reasons[0].rule == "R3.2"


def test_nobody_present_reason():
    p = pick((1, 2), members(away(1), away(2)))
    assert p.advisor is None
    assert codes(p.reasons) == ["nobody_present"]


def test_solo_trainee_reason():
    p = pick((9, 1), members(shadow(9), away(1)))
    assert [(r.rule, r.code, r.data["advisor"]) for r in p.reasons] == [("R5.3", "trainee_solo", 9)]


@pytest.mark.parametrize(("queue", "taker", "skipped", "policy", "after"), [
    pytest.param((1, 2, 3), 1, (), KEEP_PLACE, (2, 3, 1), id="R3-taker-to-back"),
    pytest.param((1, 2, 3), 2, ((1, "away"),), KEEP_PLACE, (1, 3, 2), id="R3-away-keeps-place"),
    pytest.param((1, 2, 3), 2, ((1, "away"),), LOSE_TURN, (3, 1, 2), id="R3-away-loses-turn"),
    pytest.param((1, 2, 3, 4), 3, ((1, "away"), (2, "away")), LOSE_TURN, (4, 1, 2, 3),
                 id="R3-lose-turn-keeps-losers-order"),
    pytest.param((9, 1, 2), 1, ((9, "shadow"),), LOSE_TURN, (9, 2, 1), id="R5.3-shadow-not-moved-by-lose-turn"),
    pytest.param((1, 2, 3), 3, (), KEEP_PLACE, (1, 2, 3), id="R3-last-takes-stays-last"),
    pytest.param((1, 2, 3), 90, (), KEEP_PLACE, (1, 2, 3), id="R3-taker-off-the-rotation-not-added"),
    pytest.param((1, 2, 3), 90, (), LOSE_TURN, (1, 2, 3), id="R3-taker-off-the-rotation-not-added-lose-turn"),
])
def test_take_turn(queue, taker, skipped, policy, after):
    assert take_turn(queue, taker, skipped, policy) == after


def test_take_turn_unknown_policy():
    with pytest.raises(ValueError):
        take_turn((1, 2), 1, (), "skip_forever")


@pytest.mark.parametrize(("policy", "next_after_return"), [
    pytest.param(KEEP_PLACE, 1, id="R3-away-and-back-keeps-place"),
    pytest.param(LOSE_TURN, 3, id="R3-away-and-back-lost-turn"),
])
def test_away_then_back(policy, next_after_return):
    queue = (1, 2, 3)
    p = pick(queue, members(away(1), member(2), member(3)))
    assert p.advisor == 2
    queue = take_turn(queue, p.advisor, p.skipped, policy)
    # advisor 1 is marked back
    assert pick(queue, members(member(1), member(2), member(3))).advisor == next_after_return


def test_solo_trainee_then_advisor_returns():
    """R5.3: the trainee received only because nobody else was present; once back, advisors are next."""
    queue = (9, 1, 2)
    assert pick(queue, members(shadow(9), away(1), away(2))).solo_trainee
    assert pick(queue, members(shadow(9), member(1), away(2))).advisor == 1


@pytest.mark.parametrize(("order", "reverse"), [
    pytest.param((1, 2, 3), (3, 2, 1), id="R3.2-duty-queue-is-reverse"),
    pytest.param((5,), (5,), id="R3.2-duty-queue-single"),
    pytest.param((), (), id="R3.2-duty-queue-empty"),
])
def test_duty_queue(order, reverse):
    assert duty_queue(order) == reverse


def test_to_back():
    assert to_back((3, 2, 1), 3) == (2, 1, 3)
    assert to_back((3, 2, 1), 1) == (3, 2, 1)
    assert to_back((3, 2, 1), 90) == (3, 2, 1), "a member off the queue is not added to it (R3)"
