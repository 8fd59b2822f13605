"""Routing a walk-in at the counter — R3, R3.2, R3.3, R3.4, R3.5, R2.4, R4.1, R5.3, R5.4.

The desk (conftest): advisors LI, WANG, ZHANG in that rotation order; XIAO a trainee who
passed the exam (mentor LI); CHEN a trainee in induction, shadow only (mentor WANG); a PM
and the GM, not in the rotation. Today is the 10th, N = 7, high volume unless stated.
"""

from __future__ import annotations

import pytest

from frontdesk.rules.protection import NONE, REGISTER, fold
from frontdesk.rules.rotation import LOSE_TURN
from frontdesk.rules.routing import LOW, PM, ROUTES, RoutingRefused, route_visit

from .conftest import (
    CHEN, GM_SUN, LI, PM_ZHOU, QUEUE, WANG, XIAO, ZHANG, codes, day, new_client, owned_by, referral, register, visit,
)

NEW = new_client(10)
WANG_HOLDS = owned_by(WANG, 5, 10)  # registered by WANG on the 5th: protected through the 12th
LAPSED = fold([register(ZHANG, 1)], day(10), 7)  # ZHANG's client lapsed on the 9th

# (facts, expected Routing fields)
ROUTE_CASES = [
    pytest.param(
        visit(NEW),
        dict(route="rotation", advisor=LI, turn=True, effect=REGISTER, owner_after=LI,
             queue_after=(WANG, ZHANG, LI), duty_queue_after=(ZHANG, WANG, LI), notify=(), crossing=None),
        id="R3.3-new-client-next-in-rotation"),
    pytest.param(
        visit(NEW, absent=(LI,)),
        dict(route="rotation", advisor=WANG, turn=True, owner_after=WANG, queue_after=(LI, ZHANG, WANG)),
        id="R3.3-away-skipped-keeps-place"),
    pytest.param(
        visit(NEW, absent=(LI,), skip_policy=LOSE_TURN),
        dict(route="rotation", advisor=WANG, turn=True, queue_after=(ZHANG, LI, WANG)),
        id="R3.3-away-skipped-loses-turn"),
    pytest.param(
        visit(LAPSED),
        dict(route="rotation", advisor=LI, turn=True, effect=REGISTER, owner_after=LI, queue_after=(WANG, ZHANG, LI)),
        id="R3.3-lapsed-client-next-in-rotation"),
    pytest.param(
        visit(WANG_HOLDS),
        dict(route="owner", advisor=WANG, turn=False, effect=REGISTER, owner_after=WANG,
             queue_after=QUEUE, duty_queue_after=(ZHANG, WANG, LI), notify=()),
        id="R3-owner-present-serves-not-a-turn"),
    pytest.param(
        visit(WANG_HOLDS, absent=(WANG,)),
        dict(route="duty", advisor=LI, turn=False, effect=NONE, owner_after=WANG,
             queue_after=QUEUE, duty_queue_after=(ZHANG, WANG, LI), notify=((WANG, "duty_reception"),)),
        id="R3.2-owner-absent-high-volume-duty"),
    pytest.param(
        visit(WANG_HOLDS, absent=(WANG, LI)),
        dict(route="duty", advisor=ZHANG, turn=False, effect=NONE, owner_after=WANG, queue_after=QUEUE),
        id="R3.2-high-volume-duty-skips-away"),
    pytest.param(
        visit(WANG_HOLDS, absent=(WANG,), duty_consumes_turn=True),
        dict(route="duty", advisor=LI, turn=True, effect=NONE, owner_after=WANG, queue_after=(WANG, ZHANG, LI)),
        id="R3.2-duty-consumes-turn-setting"),
    pytest.param(
        visit(WANG_HOLDS, absent=(WANG,), volume=LOW),
        dict(route="duty", advisor=ZHANG, turn=False, effect=NONE, owner_after=WANG,
             queue_after=QUEUE, duty_queue_after=(WANG, LI, ZHANG), notify=((WANG, "duty_reception"),)),
        id="R3.2-low-volume-duty-reverse-order"),
    pytest.param(
        visit(NEW, asks_for=ZHANG),
        dict(route="requested", advisor=ZHANG, turn=False, effect=REGISTER, owner_after=ZHANG,
             queue_after=QUEUE, duty_queue_after=(ZHANG, WANG, LI), crossing=None),
        id="R3.5-asks-for-advisor-unowned-client"),
    pytest.param(
        visit(LAPSED, asks_for=WANG),
        dict(route="requested", advisor=WANG, turn=False, owner_after=WANG, queue_after=QUEUE),
        id="R3.5-asks-for-advisor-lapsed-client"),
    pytest.param(
        visit(WANG_HOLDS, asks_for=WANG),
        dict(route="owner", advisor=WANG, turn=False, owner_after=WANG, queue_after=QUEUE, crossing=None),
        id="R3.5-asks-for-the-owner"),
    pytest.param(
        visit(WANG_HOLDS, asks_for=ZHANG),
        dict(route="crossing", advisor=WANG, turn=False, effect=REGISTER, owner_after=WANG, queue_after=QUEUE,
             crossing=(WANG, ZHANG)),
        id="R3.5-R4-asks-for-other-than-holder"),
    pytest.param(
        visit(WANG_HOLDS, asks_for=ZHANG, absent=(WANG,)),
        dict(route="crossing", advisor=ZHANG, turn=False, effect=NONE, owner_after=WANG, queue_after=QUEUE,
             crossing=(WANG, ZHANG)),
        id="R4-crossing-holder-absent-claimant-serves-owner-unchanged"),
    pytest.param(
        visit(WANG_HOLDS, asks_for=ZHANG, absent=(WANG, ZHANG)),
        dict(route="crossing", advisor=LI, effect=NONE, owner_after=WANG, queue_after=QUEUE,
             crossing=(WANG, ZHANG)),
        id="R4-crossing-both-absent-duty"),
    pytest.param(
        visit(NEW, visited_before=True, saw=ZHANG),
        dict(route="rotation", advisor=LI, turn=True, owner_after=LI, notify=((PM, "claim_without_registration"),)),
        id="R4.1-visited-before-without-record"),
    pytest.param(
        visit(NEW, visited_before=False),
        dict(route="rotation", advisor=LI, notify=()),
        id="R3.1-first-visit-no-pm-note"),
    pytest.param(
        visit(LAPSED, visited_before=True),
        dict(route="rotation", advisor=LI, notify=()),
        id="R4.1-visited-before-with-record-no-pm-note"),
    pytest.param(
        visit(NEW, queue=(XIAO, LI, WANG, ZHANG)),
        dict(route="rotation", advisor=XIAO, turn=True, owner_after=XIAO, queue_after=(LI, WANG, ZHANG, XIAO),
             notify=((LI, "trainee_reception"),)),
        id="R5.4-trainee-reception-tells-mentor"),
    pytest.param(
        visit(WANG_HOLDS, absent=(WANG,), queue=(XIAO, LI, WANG, ZHANG)),
        dict(route="duty", advisor=XIAO, effect=NONE, owner_after=WANG,
             notify=((WANG, "duty_reception"), (LI, "trainee_reception"))),
        id="R5.4-trainee-duty-reception-tells-owner-and-mentor"),
    pytest.param(
        visit(NEW, queue=(CHEN, LI, WANG, ZHANG)),
        dict(route="rotation", advisor=LI, turn=True, queue_after=(CHEN, WANG, ZHANG, LI), notify=()),
        id="R5.3-shadow-trainee-not-next-while-advisor-present"),
    pytest.param(
        visit(NEW, queue=(CHEN, LI, WANG, ZHANG), absent=(LI, WANG, ZHANG, XIAO)),
        dict(route="trainee-solo", advisor=CHEN, turn=False, queue_after=(CHEN, LI, WANG, ZHANG),
             notify=((WANG, "trainee_reception"),)),
        id="R5.3-only-shadow-trainee-present-trainee-solo"),
    pytest.param(
        visit(NEW, assign=ZHANG),
        dict(advisor=ZHANG, owner_after=ZHANG, effect=REGISTER),
        id="R3-pm-override-new-client"),
    pytest.param(
        visit(NEW, assign=PM_ZHOU),
        dict(advisor=PM_ZHOU, owner_after=PM_ZHOU, turn=False, queue_after=QUEUE),
        id="R3-pm-override-to-pm-leaves-rotation-as-set"),
    pytest.param(
        visit(WANG_HOLDS, absent=(WANG,), assign=PM_ZHOU, duty_consumes_turn=True),
        dict(route="duty", advisor=PM_ZHOU, turn=False, queue_after=QUEUE, owner_after=WANG),
        id="R3.2-duty-override-to-pm-uses-no-turn"),
    pytest.param(
        visit(WANG_HOLDS, absent=(WANG,), volume=LOW, assign=PM_ZHOU),
        dict(route="duty", advisor=PM_ZHOU, queue_after=QUEUE, duty_queue_after=(ZHANG, WANG, LI)),
        id="R3.2-low-volume-override-to-pm-leaves-duty-queue"),
    pytest.param(
        visit(WANG_HOLDS, absent=(WANG,), volume=LOW, assign=LI),
        dict(route="duty", advisor=LI, effect=NONE, owner_after=WANG, notify=((WANG, "duty_reception"),)),
        id="R3.2-low-volume-pm-reassigns-duty"),
]


@pytest.mark.parametrize(("facts", "expected"), ROUTE_CASES)
def test_route(facts, expected):
    r = route_visit(facts)
    got = {k: getattr(r, k) for k in expected}
    assert got == expected
    assert r.route in ROUTES
    assert r.reasons, "every routing carries its reasons"


# ---------------------------------------------------------------- the reasons each route gives


def test_rotation_reasons():
    r = route_visit(visit(NEW, absent=(LI,)))
    assert ("R3.3", "next_in_rotation") in [(x.rule, x.code) for x in r.reasons]
    assert ("R3", "skipped_away") in [(x.rule, x.code) for x in r.reasons]
    assert [x.data for x in r.reasons if x.code == "new_owner"] == [{"advisor": WANG}]


def test_duty_reasons_forbid_duty_followup():
    """R3.4: the duty advisor must not follow up; the reason names both."""
    r = route_visit(visit(WANG_HOLDS, absent=(WANG,)))
    duty = [x for x in r.reasons if x.code == "owner_absent_duty"]
    assert duty and duty[0].rule == "R3.2" and duty[0].data["owner"] == WANG and duty[0].data["advisor"] == LI
    no_followup = [x for x in r.reasons if x.code == "duty_no_followup"]
    assert [(x.rule, x.data) for x in no_followup] == [("R3.4", {"advisor": LI, "owner": WANG})]


def test_owner_reasons_cite_protection():
    r = route_visit(visit(WANG_HOLDS))
    assert r.reasons[0].rule == "R2.2" and r.reasons[0].code == "owned"
    assert ("R3", "owner_present") in [(x.rule, x.code) for x in r.reasons]


def test_low_volume_duty_goes_round_in_reverse():
    """R3.2 low volume: successive duty receptions for the absent WANG go ZHANG, LI, ZHANG, ..."""
    duty_queue = (ZHANG, WANG, LI)
    served = []
    for _ in range(4):
        r = route_visit(visit(WANG_HOLDS, absent=(WANG,), volume=LOW, duty_queue=duty_queue))
        assert r.queue_after == QUEUE and not r.turn
        served.append(r.advisor)
        duty_queue = r.duty_queue_after
    assert served == [ZHANG, LI, ZHANG, LI]


def test_high_volume_duty_does_not_use_turn_by_default():
    """R3.2 default: the duty reception leaves the rotation as it was; the next new client goes to LI."""
    r = route_visit(visit(WANG_HOLDS, absent=(WANG,)))
    assert r.advisor == LI and not r.turn
    nxt = route_visit(visit(NEW, absent=(WANG,), queue=r.queue_after))
    assert nxt.advisor == LI


def test_requested_is_not_a_turn():
    """R3.5: the advisor asked for serves and owns; the rotation does not move."""
    r = route_visit(visit(NEW, asks_for=LI))
    assert (r.route, r.advisor, r.turn, r.queue_after) == ("requested", LI, False, QUEUE)
    assert ("R3.5", "asked_for") in [(x.rule, x.code) for x in r.reasons]


def test_crossing_notifies_pm():
    r = route_visit(visit(WANG_HOLDS, asks_for=ZHANG))
    assert (PM, "crossing_opened") in r.notify
    assert r.crossing == (WANG, ZHANG)
    held = [x for x in r.reasons if x.code == "asked_for_held"]
    assert [(x.rule, x.data) for x in held] == [("R3.5", {"advisor": ZHANG, "holder": WANG})]


def test_crossing_with_both_absent_tells_pm_and_owner():
    r = route_visit(visit(WANG_HOLDS, asks_for=ZHANG, absent=(WANG, ZHANG)))
    assert (PM, "crossing_opened") in r.notify
    assert (WANG, "duty_reception") in r.notify


def test_visited_before_reason_names_the_advisor():
    r = route_visit(visit(NEW, visited_before=True, saw=ZHANG))
    claims = [x for x in r.reasons if x.code == "visited_before_no_record"]
    assert [(x.rule, x.data) for x in claims] == [("R4.1", {"saw": ZHANG})]
    assert r.advisor == LI  # treated as new: the advisor named gets nothing (R4.1)


def test_mentor_reason():
    r = route_visit(visit(NEW, queue=(XIAO, LI)))
    told = [x for x in r.reasons if x.code == "mentor_told"]
    assert [(x.rule, x.data) for x in told] == [("R5.4", {"advisor": XIAO, "mentor": LI})]


def test_pm_override_reason():
    r = route_visit(visit(NEW, assign=ZHANG))
    over = [x for x in r.reasons if x.code == "pm_override"]
    assert [(x.rule, x.data) for x in over] == [("R3", {"proposed": LI, "chosen": ZHANG})]


# ---------------------------------------------------------------- referrals (R2.4)

# Referral pre-registered by ZHANG in the call register on day `pre` (a claim, not ownership);
# honoured only if the visitor asks for ZHANG on arrival, within the R2.2 window counted from
# the pre-registration (the pre-registration day not counted).


@pytest.mark.parametrize(("pre", "today", "days", "asks_for", "honoured", "note"), [
    pytest.param(3, 4, 7, ZHANG, True, None, id="R2.4-asks-for-referrer-next-day"),
    pytest.param(3, 10, 7, ZHANG, True, None, id="R2.4-asks-for-referrer-day-N"),
    pytest.param(3, 11, 7, ZHANG, False, "referral_expired", id="R2.4-asks-for-referrer-day-N+1-expired"),
    pytest.param(3, 6, 3, ZHANG, True, None, id="R2.4-project-N3-day-N"),
    pytest.param(3, 7, 3, ZHANG, False, "referral_expired", id="R2.4-project-N3-day-N+1-expired"),
    pytest.param(3, 5, 7, None, False, "referral_not_asked", id="R2.4-does-not-ask-for-referrer"),
    pytest.param(3, 5, 7, WANG, False, "referral_not_asked", id="R2.4-asks-for-someone-else"),
])
def test_referral(pre, today, days, asks_for, honoured, note):
    r = route_visit(visit(new_client(today, days), referral=referral(ZHANG, pre), asks_for=asks_for,
                          today=today, days=days))
    found = codes(r.reasons)
    assert ("referral_honoured" in found) is honoured
    if honoured:
        assert (r.route, r.advisor, r.owner_after, r.turn) == ("requested", ZHANG, ZHANG, False)
        assert [x.rule for x in r.reasons if x.code == "referral_honoured"] == ["R2.4"]
    else:
        assert note in found
        assert [x.rule for x in r.reasons if x.code == note] == ["R2.4"]


def test_referral_not_asked_goes_to_rotation():
    """R2.4: otherwise an independent client, registered anew — the rotation's, not the referrer's."""
    r = route_visit(visit(new_client(5), referral=referral(ZHANG, 3), today=5))
    assert (r.route, r.advisor, r.owner_after, r.turn) == ("rotation", LI, LI, True)


def test_referral_asks_for_someone_else_goes_to_them():
    r = route_visit(visit(new_client(5), referral=referral(ZHANG, 3), asks_for=WANG, today=5))
    assert (r.route, r.advisor, r.owner_after) == ("requested", WANG, WANG)


def test_referral_does_not_beat_an_owner():
    """A pre-registration is a claim, not ownership: a client WANG holds stays WANG's (crossing if asked for)."""
    r = route_visit(visit(WANG_HOLDS, referral=referral(ZHANG, 3), asks_for=ZHANG))
    assert "referral_honoured" not in codes(r.reasons)
    assert (r.route, r.owner_after, r.crossing) == ("crossing", WANG, (WANG, ZHANG))


# ---------------------------------------------------------------- refusals


@pytest.mark.parametrize(("facts", "rule", "code"), [
    pytest.param(visit(NEW, absent=(LI, WANG, ZHANG)), "R3", "nobody_present", id="R3-nobody-present-new-client"),
    pytest.param(visit(WANG_HOLDS, absent=(LI, WANG, ZHANG)), "R3", "nobody_present",
                 id="R3.2-nobody-present-owner-absent"),
    pytest.param(visit(WANG_HOLDS, absent=(LI, WANG, ZHANG), volume=LOW), "R3", "nobody_present",
                 id="R3.2-nobody-present-low-volume"),
    pytest.param(visit(NEW, assign=GM_SUN), "R3", "override_not_advisor", id="R3-override-to-gm-refused"),
    pytest.param(visit(NEW, assign=12345), "R3", "override_not_advisor", id="R3-override-to-unknown-refused"),
    pytest.param(visit(NEW, assign=CHEN), "R5.3", "override_trainee_in_induction",
                 id="R5.3-override-to-shadow-trainee-refused"),
])
def test_refused(facts, rule, code):
    with pytest.raises(RoutingRefused) as info:
        route_visit(facts)
    assert (info.value.reason.rule, info.value.reason.code) == (rule, code)
