"""Invariants, checked with hypothesis over random rosters and histories.

Rotation (R3, R3.3, R5.3):
- with nobody's presence changing, each present eligible member gets exactly one turn per
  round of len(eligible) turns — a rotation never gives one turn twice within a round;
- with presence changing, nobody gets a second turn while someone who was present and
  eligible the whole time is still waiting;
- pick() only ever skips members who are away or ineligible, and a shadow trainee is only
  picked when no eligible member is present.
Protection (R2.2):
- a valid contact (REGISTER/REFRESH by the owner) never shrinks the window: as of every
  day, the owner's protected_through is never earlier than without it;
- a contact on day D keeps the client the contact's advisor's through D+N (unless a PM
  assigns it to someone else meanwhile).
"""

from __future__ import annotations

from datetime import timedelta

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from frontdesk.rules.protection import ASSIGN, NONE, REFRESH, REGISTER, Event, fold
from frontdesk.rules.rotation import KEEP_PLACE, LOSE_TURN, Member, pick, take_turn

from .conftest import at, day

RULES = settings(deadline=None, max_examples=200)

policies = st.sampled_from([KEEP_PLACE, LOSE_TURN])


@st.composite
def rosters(draw, min_size: int = 1, max_size: int = 8):
    """(queue, members): a PM's order over advisors, shadow trainees and ineligible staff."""
    n = draw(st.integers(min_size, max_size))
    order = tuple(draw(st.permutations(range(1, n + 1))))
    ms = {}
    for mid in order:
        kind = draw(st.sampled_from(["advisor", "advisor", "advisor", "shadow", "ineligible"]))
        ms[mid] = Member(mid, f"m{mid}", draw(st.booleans()), kind == "advisor", kind == "shadow")
    return order, ms


def eligible_present(queue, ms):
    return [m for m in queue if ms[m].present and ms[m].eligible]


@RULES
@given(rosters(), policies, st.integers(1, 4))
def test_each_present_member_gets_one_turn_per_round(roster, policy, rounds):
    queue, ms = roster
    eligible = eligible_present(queue, ms)
    assume(eligible)
    turns = []
    for _ in range(rounds * len(eligible)):
        p = pick(queue, ms)
        assert not p.solo_trainee
        turns.append(p.advisor)
        queue = take_turn(queue, p.advisor, p.skipped, policy)
    k = len(eligible)
    for r in range(rounds):
        assert sorted(turns[r * k:(r + 1) * k]) == sorted(eligible)
    for i in range(len(turns) - k + 1):  # any k consecutive turns, not only whole rounds
        assert len(set(turns[i:i + k])) == k


@RULES
@given(rosters(min_size=2), policies, st.lists(st.lists(st.integers(1, 8), max_size=3), min_size=1, max_size=25))
def test_nobody_turns_twice_while_a_present_member_waits(roster, policy, toggles):
    """Between two turns of X, everyone present and eligible all along has had a turn."""
    queue, ms = roster
    history = []  # (taker, ids present and eligible at that pick)
    for flips in toggles:
        for mid in flips:  # mark away / back before this visitor
            if mid in ms:
                m = ms[mid]
                ms[mid] = Member(m.id, m.name, not m.present, m.eligible, m.shadow)
        p = pick(queue, ms)
        if p.advisor is None or p.solo_trainee:
            continue
        history.append((p.advisor, frozenset(eligible_present(queue, ms))))
        queue = take_turn(queue, p.advisor, p.skipped, policy)
    for i, (x, _) in enumerate(history):
        later = [j for j in range(i + 1, len(history)) if history[j][0] == x]
        if not later:
            continue
        j = later[0]
        waited_all_along = frozenset.intersection(*(present for _, present in history[i:j + 1]))
        served_between = {t for t, _ in history[i + 1:j]}
        assert waited_all_along - {x} <= served_between


@RULES
@given(rosters(min_size=0))
def test_pick_skips_only_away_or_ineligible(roster):
    queue, ms = roster
    p = pick(queue, ms)
    for mid, why in p.skipped:
        m = ms[mid]
        assert not m.present or not m.eligible
        assert why == ("away" if not m.present else "shadow" if m.shadow else "ineligible")
    eligible = eligible_present(queue, ms)
    if eligible:
        assert p.advisor == eligible[0]
        assert not p.solo_trainee
        assert [mid for mid, _ in p.skipped] == list(queue[:queue.index(p.advisor)])
    elif p.advisor is not None:  # R5.3: a shadow trainee only when no eligible member is present
        assert p.solo_trainee
        assert ms[p.advisor].shadow and ms[p.advisor].present
    else:
        assert not any(ms[m].present and ms[m].shadow for m in queue)
        assert [c.code for c in p.reasons] == ["nobody_present"]


@RULES
@given(rosters(), policies, st.data())
def test_take_turn_is_a_permutation_with_taker_last(roster, policy, data):
    queue, ms = roster
    taker = data.draw(st.sampled_from(queue))
    skipped = [(m, "away") for m in queue[:queue.index(taker)]]
    after = take_turn(queue, taker, skipped, policy)
    assert sorted(after) == sorted(queue)
    assert after[-1] == taker
    if policy == KEEP_PLACE:
        assert [m for m in after if m != taker] == [m for m in queue if m != taker]


# ---------------------------------------------------------------- protection window (R2.2)

ADVISORS = (1, 2, 3)
LAST_DAY = 40


@st.composite
def histories(draw):
    """A client's history: registered by advisor 1 on the 1st, then random events."""
    n = draw(st.integers(0, 10))
    events = [Event(at(1, 0), day(1), REGISTER, 1, "e0", "")]
    for i in range(1, n + 1):
        d = draw(st.integers(1, 30))
        effect = draw(st.sampled_from([REGISTER, REFRESH, ASSIGN, NONE]))
        kind = draw(st.sampled_from(["duty", "unverified"])) if effect == NONE else ""
        events.append(Event(at(d, i), day(d), effect, draw(st.sampled_from(ADVISORS)), f"e{i}", kind))
    return events


@st.composite
def appended_contacts(draw, events, days):
    """A valid contact by the owner, later than every event of the history."""
    first = max(e.day for e in events)
    candidates = []
    for n in range(ordinal(first), LAST_DAY + 1):
        owner = fold(events, day(n), days).owner
        if owner is not None:
            candidates.append((n, owner))
    assume(candidates)
    n, owner = draw(st.sampled_from(candidates))
    return Event(at(n, 600), day(n), draw(st.sampled_from([REGISTER, REFRESH])), owner, "contact", "")


def ordinal(d) -> int:
    """The inverse of day(): day(ordinal(d)) == d."""
    return (d - day(1)).days + 1


@st.composite
def contacts(draw, events, days):
    """A valid contact by whoever owns the client at that moment (REGISTER or REFRESH)."""
    seq = draw(st.integers(0, len(events) + 1))
    candidates = []
    for d in range(1, 31):
        when = at(d, seq) + timedelta(seconds=30)  # between two events, never tied with one
        owner = fold([e for e in events if e.at < when], day(d), days).owner
        if owner is not None:
            candidates.append((d, when, owner))
    assume(candidates)
    d, when, owner = draw(st.sampled_from(candidates))
    effect = draw(st.sampled_from([REGISTER, REFRESH]))
    return Event(when, day(d), effect, owner, "contact", "")


@RULES
@given(histories(), st.integers(1, 10), st.data())
def test_contact_appended_never_shrinks_window(events, days, data):
    """The contact is the latest fact: as of every day the owner stays and protected_through never moves earlier."""
    contact = data.draw(appended_contacts(events, days))
    assert contact.at > max(e.at for e in events)
    for d in range(1, LAST_DAY + 1):
        before = fold(events, day(d), days)
        after = fold([*events, contact], day(d), days)
        if before.owner is not None:
            assert after.owner == before.owner
            assert after.protected_through >= before.protected_through
        if contact.day <= day(d) <= contact.day + timedelta(days=days):
            assert after.owner == contact.advisor


@RULES
@given(histories(), st.integers(1, 10), st.data())
def test_contact_never_shrinks_the_holders_window(events, days, data):
    """Inserted anywhere in the history: as of any day up to which the advisor held the client
    without a break since the contact, they still hold it, protected at least as long."""
    contact = data.draw(contacts(events, days))
    o = contact.advisor
    held = True
    for d in range(ordinal(contact.day), LAST_DAY + 1):
        before = fold(events, day(d), days)
        held = held and before.owner == o
        after = fold([*events, contact], day(d), days)
        if held:
            assert after.owner == o
            assert after.protected_through >= before.protected_through
        else:
            break


@RULES
@given(histories(), st.integers(1, 10), st.data())
def test_contact_protects_through_d_plus_n(events, days, data):
    """R2.2: a contact on D keeps the client the advisor's through D+N — unless a PM assigns it meanwhile."""
    contact = data.draw(contacts(events, days))
    with_contact = [*events, contact]
    for k in range(days + 1):
        d = contact.day + timedelta(days=k)
        reassigned = any(e.effect == ASSIGN and e.advisor != contact.advisor and contact.at < e.at and e.day <= d
                         for e in events)
        own = fold(with_contact, d, days)
        if not reassigned:
            assert own.owner == contact.advisor
            assert own.protected_through >= contact.day + timedelta(days=days)
