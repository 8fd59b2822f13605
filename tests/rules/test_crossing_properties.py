"""R4.1 with R2.4, as a property: adding a valid registration for advisor X — a registration
of their own, a referral pre-registration in the call register, a call they answered for a client
someone else held — never makes a crossing proposal deny that X has a register entry.

R4.1 「確定前後順序以《來訪客戶登記本》/《進線電話登記本》的登記為準,沒有客戶登記的自動退出。」
R2.4 「須由服務老客戶的置業顧問事先在《進線電話登記本》上登記新客戶的資訊」
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from frontdesk.rules.crossings import Entry, claim_of, propose
from frontdesk.rules.protection import NONE, REGISTER

from .conftest import at, day

ADVISORS = (1, 2, 3)
ROUTES = ("rotation", "owner", "requested", "duty", "call", "referral", "held", "crossing", "trainee-solo")


@st.composite
def entries(draw, n: int = 8) -> list[Entry]:  # noqa: ANN001
    out = []
    for i in range(draw(st.integers(0, n))):
        route = draw(st.sampled_from(ROUTES))
        effect = draw(st.sampled_from((REGISTER, NONE)))
        out.append(Entry(at(draw(st.integers(1, 28)), draw(st.integers(8, 20))), day(1), f"visit#{i + 1}", effect,
                         route, draw(st.none() | st.sampled_from(ADVISORS)), draw(st.none() | st.sampled_from(ADVISORS))))
    return [Entry(e.at, e.at.date(), e.ref, e.effect, e.route, e.owner, e.advisor) for e in out]


@st.composite
def registration(draw, x: int, n: int) -> Entry:  # noqa: ANN001
    """A valid register entry for x: a registration (owner x), a referral pre-registration by x,
    or a call x answered while someone else held the client."""
    when = at(draw(st.integers(1, 28)), draw(st.integers(8, 20)))
    other = draw(st.sampled_from([a for a in ADVISORS if a != x]))
    kind = draw(st.sampled_from(("register", "referral", "held")))
    if kind == "register":
        return Entry(when, when.date(), f"call#{n}", REGISTER, draw(st.sampled_from(("call", "rotation", "owner"))), x, x)
    if kind == "referral":
        return Entry(when, when.date(), f"call#{n}", NONE, "referral", None, x)
    return Entry(when, when.date(), f"call#{n}", NONE, "held", other, x)


def denied(x: int, y: int, history: list[Entry], days: int) -> bool:
    p = propose(claim_of(x, history), claim_of(y, history), days)
    return any(r.code == "no_registration" and r.data["advisor"] == x for r in p.reasons)


@settings(deadline=None, max_examples=300)
@given(st.data(), entries(), st.sampled_from(ADVISORS), st.integers(1, 10))
def test_a_valid_registration_for_x_is_never_denied(data, history, x, days):
    y = data.draw(st.sampled_from([a for a in ADVISORS if a != x]))
    new = data.draw(registration(x, 99))
    assert not denied(x, y, [*history, new], days)
    # and the claim it gives X starts no later than the new entry (it is in the order from its date)
    c = claim_of(x, [*history, new])
    assert c.first_at is not None and c.first_at <= new.at


@settings(deadline=None, max_examples=200)
@given(st.data(), entries(), st.sampled_from(ADVISORS), st.integers(1, 10))
def test_a_duty_reception_is_not_the_duty_advisors_entry(data, history, x, days):
    """R3.2: the duty advisor registers the visit for the owner — not their own claim (R4.1)."""
    owner = data.draw(st.sampled_from([a for a in ADVISORS if a != x]))
    mine = [e for e in history if e.owner == x or e.advisor == x]
    when = at(5, 10)
    duty = Entry(when, when.date(), "visit#99", NONE, "duty", owner, x)
    assert claim_of(x, [*mine, duty]) == claim_of(x, mine)
