"""`registrations_owner` is what `fold` gives for a history of registrations only (R2.2): the
owner or, lapsed, the previous owner, and the last contact — on random histories with ties in
time, lapses and re-registrations (the import folds its new clients with it)."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from frontdesk.rules.protection import REGISTER, Event, fold, registrations_owner

from .conftest import at, day

histories = st.lists(st.tuples(st.integers(1, 40), st.integers(0, 3), st.integers(1, 4),
                               st.sampled_from(["visit", "call"]), st.integers(1, 30)), max_size=8)


@settings(max_examples=500, deadline=None)
@given(histories, st.integers(1, 60), st.integers(1, 15))
def test_it_is_the_fold_of_registrations(history, as_of, days):
    events = [Event(at(n, seq), day(n), REGISTER, advisor, f"{book}#{number}", "imported")
              for n, seq, advisor, book, number in history]
    events = list({e.ref: e for e in events}.values())  # a page is numbered once
    own = fold(events, day(as_of), days)
    got = registrations_owner([(e.at, e.ref, e.day, e.advisor) for e in reversed(events)], day(as_of), days)
    assert got == (own.owner if own.owner is not None else own.previous_owner, own.last_contact)


def test_a_tie_in_time_goes_to_the_page_fold_puts_first():
    # the same minute on two registers: "call#9" sorts before "visit#1", as in fold
    history = [(at(1), "visit#1", day(1), 1), (at(1), "call#9", day(1), 2)]
    assert registrations_owner(history, day(3), 7) == (2, day(1))
    assert registrations_owner(history, day(1) + timedelta(days=30), 7) == (2, day(1))
