"""Property-based fuzzing of the command line's inputs (docs/cli.md).

Phones, names (emoji, 10,000 characters), amounts, --at times and option values, through
`frontdesk.cli.main([...])` in-process, the way the console script runs it. For every input:

- never a traceback: the exit code is 0, 1 or 2 (3 is the CLI's "internal error");
- under --json a failure prints exactly one JSON object {"error": {...}} on stderr and
  nothing on stdout; exit 2 is "bad_input" naming a field, exit 1 "refused" naming a rule;
- nothing is written when a command fails (every table's row count is unchanged);
- input that is certainly bad (a phone with letters, a name over 100 characters, an amount
  that is not a number, an --at that is not a time) exits 2.

One office per module; successful commands change it as they go, which is fine: each example
compares the row counts just before and after its own command.
"""

from __future__ import annotations

import contextlib
import io
import json
import string
from datetime import datetime
from pathlib import Path
from typing import Any

import pins
import pytest
from dbkit import new_db
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from frontdesk.cli import main
from frontdesk.services import Clock, open_services
from frontdesk.services.clock import parse_local

from .conftest import checkpoint, table_counts

PM, LI, ZHANG, NEWBIE, ADMIN, GM = "王经理", "李娜", "张伟", "小陈", "周敏", "郭总"
STAFF = [PM, LI, ZHANG, NEWBIE, ADMIN, GM]
HELD = "13800138000"  # 李娜's client
AT = "2026-11-02 10:00"

FUZZ = settings(max_examples=50, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                       HealthCheck.data_too_large])


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = new_db(tmp_path_factory.mktemp("fuzz") / "office.db", keep=True)
    sv = open_services(str(path), Clock(parse_local("2026-11-01 09:00")))
    try:
        sv.staff.init("P1", "滨江花园")
        sv.staff.add(GM, "gm", pin=pins.TEST_PIN)  # the first staff member: only a GM makes a GM (R2.2)
        sv.staff.add(PM, "pm", pin=pins.TEST_PIN, actor=GM)
        for name, role in ((LI, "advisor"), (ZHANG, "advisor"), (ADMIN, "sales-admin")):
            sv.staff.add(name, role, actor=PM, pin=pins.TEST_PIN)  # acting needs one's PIN (tests/pins.py)
        sv.staff.add(NEWBIE, "trainee", mentor=LI, actor=PM, pin=pins.TEST_PIN)
        sv.staff.init("P2", "江畔花园", actor=GM)
        sv.roster.set([LI, ZHANG, NEWBIE], actor=PM)
        sv.reception.visit(HELD, name="张三", asks_for=LI, actor=PM)
        sv.deals.unit_add("1-101", "500000", actor=PM)
        sv.reports.complaint_add("空调", actor=LI)
    finally:
        sv.close()
    checkpoint(path)
    return path


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder for the files a command reads (a drill result, a script)."""
    return tmp_path_factory.mktemp("files")


def run(argv: list[str]) -> tuple[int, str, str]:
    argv, remember = pins.supply(argv)  # the acting person's PIN, as the desk's staff would give it
    out, err = io.StringIO(), io.StringIO()
    code: Any = 0
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            main(argv)
        except SystemExit as exc:
            code = exc.code
        except BaseException as exc:  # noqa: BLE001 - anything else escaping main() is a traceback
            raise AssertionError(f"main({argv!r}) raised {type(exc).__name__}: {exc}") from exc
    remember(int(code or 0))
    return int(code or 0), out.getvalue(), err.getvalue()


def fd(db: Path, *args: str, as_: str | None = PM, at: str | None = AT) -> tuple[int, Any, dict[str, Any] | None]:
    """Run one command with --json and check the contract. (exit code, stdout JSON, error object)."""
    argv = ["--db", str(db), "--json", "--lang", "en"]
    if as_ is not None:
        argv += ["--as", as_]
    if at is not None:
        argv += ["--at", at]
    argv += list(args)
    before = table_counts(db)
    code, out, err = run(argv)
    assert code in (0, 1, 2), f"exit {code} for {args!r} (--as {as_!r} --at {at!r}):\n{err[-2000:]}"
    if code == 0:
        return code, (json.loads(out) if out.strip() else None), None
    try:
        doc = json.loads(err)
    except ValueError:
        raise AssertionError(f"exit {code} for {args!r}: stderr is not one JSON object: {err[-2000:]!r}") from None
    assert isinstance(doc, dict) and set(doc) == {"error"}, doc
    e = doc["error"]
    assert isinstance(e.get("message"), str) and e["message"], e
    if code == 2:
        assert e.get("code") == "bad_input" and isinstance(e.get("field"), str), e
    else:
        assert e.get("code") == "refused" and str(e.get("rule", "")).startswith(("R", "P")), e
    assert out.strip() == "", f"a failure printed on stdout: {out[:500]!r}"
    assert table_counts(db) == before, f"{args!r} failed (exit {code}) but wrote rows"
    return code, None, e


# ----------------------------------------------------------------------------- strategies

def _no_surrogates(**kw: Any) -> st.SearchStrategy[str]:
    return st.text(alphabet=st.characters(exclude_categories=("Cs",)), **kw)


VALID_PHONES = ["13800138000", "+86 138 0013 8000", "0086-13800138000", "13912345678", "010-87654321",
                "(021) 6234 5678", "１３９１２３４５６７８"]
EMOJI = "😀🏠👨‍👩‍👧🇨🇳🧧"
mobiles = st.integers(min_value=0, max_value=99_999_999).map(lambda n: f"13{n % 10}{n:08d}")  # valid, mostly new
phones = st.one_of(
    st.sampled_from(VALID_PHONES),
    mobiles,
    mobiles,
    st.from_regex(r"\A[0-9+\-() ]{0,40}\Z", fullmatch=True),
    st.integers(min_value=0, max_value=10**30).map(str),
    _no_surrogates(max_size=40),
)
names = st.one_of(
    _no_surrogates(max_size=120),
    st.text(alphabet="张三李四王五" + EMOJI + "ab \t", max_size=120),
    st.sampled_from(["😀" * 10_000, "张" * 10_000, "a" * 100, "a" * 101, "", "   ", "张三", "\u200b", "O'Brien"]),
)
amounts = st.one_of(
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.integers(min_value=-10**15, max_value=10**15).map(str),
    st.sampled_from(["1e5", "-1", "0", "0.00", "0.001", "1,000.00", "NaN", "Infinity", "１２３", "٣٤٥", "0x10",
                     "1000000000.01", "9" * 5000, " 500000 ", "500000.5"]),
    _no_surrogates(max_size=30),
)
moments = st.one_of(
    st.datetimes(min_value=datetime(1900, 1, 2), max_value=datetime(2999, 12, 30)).map(
        lambda d: d.strftime("%Y-%m-%d %H:%M")),
    st.sampled_from(["2026-02-30 10:00", "2026-11-05T10:00", "2026-11-05", "2026-11-05 25:00", "", " ",
                     "yesterday", "2026/11/05 10:00", "2026-11-05 10:00:00"]),
    _no_surrogates(max_size=30),
)
words = st.one_of(_no_surrogates(max_size=40), st.sampled_from(STAFF), st.sampled_from(["--json", "-", "--", "--help"]))


def opt(values: st.SearchStrategy[str]) -> st.SearchStrategy[str | None]:
    return st.one_of(st.none(), values)


def _flags(**options: str | None) -> list[str]:
    out: list[str] = []
    for k, v in options.items():
        if v is not None:
            out += [f"--{k.replace('_', '-')}", v]
    return out


def _not_an_option(v: str | None) -> bool:
    """click reads a value starting with '-' as the next option; those are fuzzed separately."""
    return v is None or not v.startswith("-")


# ----------------------------------------------------------------------------- properties

@FUZZ
@given(phone=phones, name=opt(names), visited=opt(st.sampled_from(["yes", "no", "是", "否", "maybe", ""])),
       asks=opt(st.one_of(st.sampled_from([LI, ZHANG, NEWBIE, PM]), words)), at=moments,
       actor=st.sampled_from(STAFF))
@example(phone="13800138000", name="😀" * 10_000, visited=None, asks=None, at=AT, actor=PM)
def test_visit(db, phone, name, visited, asks, at, actor):
    assume(all(_not_an_option(v) for v in (phone, name, visited, asks, at)))
    fd(db, "visit", "--phone", phone, *_flags(name=name, visited_before=visited, asks_for=asks), as_=actor, at=at)


@FUZZ
@given(phone=phones, name=opt(names), referred=opt(phones), actor=st.sampled_from(STAFF))
def test_call_and_owner(db, phone, name, referred, actor):
    assume(all(_not_an_option(v) for v in (phone, name, referred)))
    fd(db, "call", "--phone", phone, *_flags(name=name, referred_by=referred), as_=actor)
    fd(db, "owner", "--phone", phone, as_=actor)
    fd(db, "history", "--phone", phone, as_=actor)


@FUZZ
@given(phone=st.one_of(st.just(HELD), phones), outcome=st.one_of(st.sampled_from(["reached", "unreachable"]), words),
       note=opt(names), score=opt(st.one_of(st.integers(-100, 100).map(str), words)),
       actor=st.sampled_from([LI, ZHANG, PM]))
def test_followup(db, phone, outcome, note, score, actor):
    assume(all(_not_an_option(v) for v in (phone, outcome, note, score)))
    fd(db, "followup", "--phone", phone, "--outcome", outcome, *_flags(note=note, score=score), as_=actor)


@FUZZ
@given(code=_no_surrogates(min_size=1, max_size=50), price=amounts, amount=amounts, discount=opt(amounts),
       phone=st.one_of(st.just(HELD), phones), actor=st.sampled_from(STAFF))
def test_money(db, code, price, amount, discount, phone, actor):
    assume(all(_not_an_option(v) for v in (code, price, amount, discount, phone)))
    fd(db, "unit", "add", code, "--price", price, as_=actor)
    fd(db, "deposit", "--unit", code, "--phone", phone, "--amount", amount, as_=actor)
    fd(db, "deal", "--unit", code, "--phone", phone, "--amount", amount,
       *_flags(discount=discount, approved_by=PM if discount else None), as_=actor)


@FUZZ
@given(key=st.one_of(st.sampled_from(["protection_days", "volume_mode", "skip_policy", "duty_consumes_turn",
                                      "large_deal_threshold", "company_rate", "duty_share", "idle_lock_minutes",
                                      "exam_pass_score", "greeter_script"]), words),
       value=st.one_of(words, st.integers(-10**6, 10**6).map(str), amounts),
       approval=opt(st.one_of(words, st.just("郭总: 大盘"))))
def test_settings(db, key, value, approval):
    assume(all(_not_an_option(v) for v in (key, value, approval)))
    fd(db, "settings", key, value, *_flags(gm_approval=approval), as_=PM)


@FUZZ
@given(name=names, role=st.one_of(st.sampled_from(["advisor", "trainee", "pm", "sales-admin", "gm"]), words),
       mentor=opt(words), pin=opt(st.one_of(st.from_regex(r"\A\d{0,10}\Z", fullmatch=True), words)),
       score=st.one_of(st.integers(-1000, 1000).map(str), words), actor=st.sampled_from(STAFF))
def test_staff_and_roster(db, name, role, mentor, pin, score, actor):
    assume(all(_not_an_option(v) for v in (name, role, mentor, pin, score)))
    fd(db, "staff", "add", name, "--role", role, *_flags(mentor=mentor, pin=pin), as_=actor)
    fd(db, "trainee", "pass", name, "--score", score, as_=actor)
    fd(db, "roster", "away", name, as_=actor)
    fd(db, "roster", "back", name, as_=actor)


@FUZZ
@given(ident=st.one_of(st.integers(-10**20, 10**20).map(str), words), text=names, frm=opt(moments), to=opt(moments),
       kind=opt(words), relation=st.one_of(st.sampled_from(["spouse", "parent", "child", "company"]), words),
       p2=phones, actor=st.sampled_from(STAFF))
def test_ids_texts_and_periods(db, ident, text, frm, to, kind, relation, p2, actor):
    assume(all(_not_an_option(v) for v in (ident, text, frm, to, kind, relation, p2)))
    fd(db, "crossing", "decide", ident, "--winner", LI, as_=actor)
    fd(db, "inbox", "ack", ident, as_=actor)
    fd(db, "followup", "verify", ident, as_=actor)
    fd(db, "amend", ident, "--note", text, as_=actor)
    fd(db, "complaint", "add", text, *_flags(kind=kind), as_=actor)
    fd(db, "report", *_flags(**{"from": frm, "to": to}), as_=actor)
    fd(db, "link", "--phone", HELD, "--phone", p2, "--relation", relation, as_=actor)


@FUZZ
@given(actor=opt(words), project=opt(words), at=opt(moments), lang=st.sampled_from(["en", "zh_CN", "fr", ""]))
def test_global_options(db, actor, project, at, lang):
    assume(all(_not_an_option(v) for v in (actor, project, at)))
    argv = ["--db", str(db), "--json", "--lang", lang, *_flags(**{"as": actor, "project": project, "at": at}),
            "roster", "show"]
    before = table_counts(db)
    code, out, err = run(argv)
    assert code in (0, 1, 2), err[-2000:]
    if code:
        assert set(json.loads(err)) == {"error"} and table_counts(db) == before


@FUZZ
@given(args=st.lists(st.one_of(words, st.sampled_from(["visit", "--phone", "--name", "call", "owner", "--as",
                                                        "--at", "deal", "--amount", "unit", "add", "settings"])),
                     max_size=8))
def test_any_argument_list(db, args):
    """Arbitrary argument lists, options where values should be and the reverse: usage errors
    are exit 2 with one JSON error; never a traceback."""
    before = table_counts(db)
    code, out, err = run(["--db", str(db), "--json", "--at", AT, *args])
    assert code in (0, 1, 2), (args, err[-2000:])
    if code and err.strip():
        assert set(json.loads(err)) == {"error"}, err
        assert table_counts(db) == before


# ----------------------------------------------------------------------------- certainly bad input: exit 2

@FUZZ
@given(phone=st.text(alphabet=string.ascii_letters + "!#$%&*", min_size=1, max_size=30))
def test_a_phone_with_letters_is_bad_input(db, phone):
    code, _, e = fd(db, "visit", "--phone", phone, "--name", "张三")
    assert code == 2 and e is not None and e["field"] == "phone"


@FUZZ
@given(name=st.text(alphabet="张三😀ab", min_size=101, max_size=12_000))
def test_a_name_over_100_characters_is_bad_input(db, name):
    code, _, e = fd(db, "visit", "--phone", "13700000000", "--name", name)
    assert code == 2 and e is not None and e["field"] == "name"


@FUZZ
@given(amount=st.one_of(st.text(alphabet=string.ascii_letters + "-+eE,", min_size=1, max_size=20),
                        st.integers(max_value=0).map(str)))
def test_an_amount_that_is_not_positive_money_is_bad_input(db, amount):
    assume(not amount.startswith("-"))
    code, _, e = fd(db, "unit", "add", "9-999", "--price", amount)
    assert code == 2 and e is not None and e["field"] == "price"


@FUZZ
@given(at=st.text(alphabet=string.ascii_letters + ":/ ", min_size=1, max_size=20))
def test_an_at_that_is_not_a_time_is_bad_input(db, at):
    assume(at.strip() and not at.startswith("-"))
    code, _, e = fd(db, "roster", "show", at=at)
    assert code == 2 and e is not None and e["field"] == "at"


# ----------------------------------------------------------------------------- bugs the fuzzing found
# The properties above draw --at from 1900–2999 and text without lone surrogates. Outside that
# domain the CLI once answered with exit 3 ("internal"); these cases keep the fixes: --at must lie
# in 1970–2200 (services/clock.py YEARS), text must be UTF-8, --db must be a frontdesk database.

@pytest.mark.parametrize(("at", "args"), [
    ("0001-01-01 00:00", ("visit", "--phone", "13700000001", "--name", "古人")),
    ("9999-12-31 10:00", ("visit", "--phone", "13700000002", "--name", "未来")),
    ("9999-12-31 10:00", ("call", "--phone", "13700000003")),
    ("0001-01-01 10:00", ("inbox",)),
], ids=["visit-year-1", "visit-year-9999", "call-year-9999", "inbox-year-1"])
def test_an_at_at_the_ends_of_the_calendar_is_bad_input(db, at, args):
    code, _, e = fd(db, *args, at=at)
    assert code == 2 and e is not None and e["field"] == "at"


@pytest.mark.parametrize("args", [
    ("visit", "--phone", "13700000004", "--name", "\udcff\udcfe张"),
    ("complaint", "add", "\udcff"),
    ("unit", "add", "\udcff", "--price", "100"),
], ids=["visit-name", "complaint-text", "unit-code"])
def test_text_that_is_not_utf8_is_bad_input(db, args):
    code, _, e = fd(db, *args)
    assert code == 2 and e is not None


def test_an_as_name_that_is_not_utf8_is_bad_input(db):
    code, _, e = fd(db, "roster", "show", as_="\udcff")
    assert code == 2 and e is not None and e["field"] == "as"


@pytest.mark.parametrize("kind", ["folder", "text-file"])
def test_a_db_that_is_not_a_database_is_bad_input(tmp_path, kind):
    target = tmp_path / "x.db"
    if kind == "folder":
        target.mkdir()
    else:
        target.write_text("not a database\n")
    code, out, err = run(["--db", str(target), "--json", "roster", "show"])
    assert code == 2, (code, err)


def test_a_mistyped_db_path_creates_nothing(tmp_path):
    target = tmp_path / "typo" / "nested" / "office.db"
    code, out, err = run(["--db", str(target), "--json", "roster", "show"])
    assert code == 2
    assert not target.exists() and not target.parent.exists(), "a failed read created a database"


@pytest.mark.parametrize("target", ["/dev/null", "sqlite://", "sqlite:///:memory:", "mysql://u:p@127.0.0.1/x",
                                    "oracle://u@127.0.0.1/x", "postgresql://nobody@127.0.0.1:1/none",
                                    "postgresql+psycopg://nobody@256.1.1.1:5432/x", "not a url://x"],
                         ids=["dev-null", "sqlite-memory", "sqlite-memory-path", "mysql", "oracle",
                              "postgres-refused", "postgres-bad-host", "garbage-url"])
def test_a_db_that_cannot_be_opened_is_bad_input_naming_db(target):
    """Trust issue, item 6: no exit code but 0, 1, 2 — a --db that names no usable database is input to fix."""
    code, out, err = run(["--db", target, "--json", "roster", "show"])
    assert code == 2, (code, err)
    assert json.loads(err)["error"]["field"] == "db", err


@pytest.mark.parametrize("args", [
    ("export", "/proc"),
    ("export", "/proc/1/nope"),
    ("backup", "b" * 300 + ".db"),
    ("anchor", "a" * 300 + ".json"),
    ("restore", "r" * 300 + ".db"),
], ids=["export-proc", "export-proc-missing", "backup-long-name", "anchor-long-name", "restore-long-name"])
def test_a_path_the_system_refuses_is_bad_input(db, tmp_path, args):
    """Trust issue, item 6: paths the system refuses (read-only, too long) exit 2, nothing written."""
    if args[0] != "export":
        args = (args[0], str(tmp_path / args[1]))
    code, _, e = fd(db, *args)
    assert code == 2 and e is not None, (code, e)


@pytest.mark.parametrize("args", [
    ("--project", "\udcff\udcfe", "roster", "show"),
    ("staff", "transfer", LI, "--to", "\udcff\udcfe"),
    ("staff", "transfer", LI, "--to=\udcff"),
], ids=["project", "to", "to-equals"])
def test_an_option_that_is_not_utf8_is_bad_input_naming_it(db, args):
    code, _, e = fd(db, *args)
    assert code == 2 and e is not None and e["field"] in ("project", "to"), e


def test_an_anchor_with_an_entry_number_out_of_range_is_bad_input(db, tmp_path):
    doc = {"format": "frontdesk-anchor/1", "taken_at": "2026-11-02T10:00:00+08:00",
           "heads": [{"project": "P1", "register": "visit", "entry": 10**19, "hash": "0" * 64}]}
    from frontdesk.store import anchor as anchor_mod

    doc["format"] = anchor_mod.FORMAT
    target = tmp_path / "anchor.json"
    target.write_text(json.dumps(doc), encoding="utf-8")
    code, _, e = fd(db, "verify", "--anchor", str(target))
    assert code == 2 and e is not None and e["field"] == "anchor" and "out of range" in e["message"], e


json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-10**20, 10**20), st.floats(allow_nan=True),
              _no_surrogates(max_size=20)),
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(_no_surrogates(max_size=5), inner, max_size=3)),
    max_leaves=8)
drill_results = st.one_of(
    json_values,
    st.fixed_dictionaries({"score": json_values, "set": st.one_of(st.just("default"), json_values)},
                          optional={"seed": json_values, "seconds": json_values, "visitors": json_values,
                                    "right": json_values,
                                    "families": st.one_of(json_values, st.dictionaries(
                                        st.sampled_from(["R2", "R3", "P2", "X", ""]),
                                        st.fixed_dictionaries({"points": json_values, "max": json_values}),
                                        max_size=3))}),
)


# ----------------------------------------------------------------------------- outbound notices (issue 6, part 4)

urls = st.one_of(
    words,
    st.sampled_from(["http://", "https://host:port/x", "ftp://a/b", "http://127.0.0.1:1/hook?key=k", "none", "",
                     "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=" + "k" * 600, "http://[::1", "http://a b/"]),
    st.from_regex(r"\Ahttps?://[a-z0-9.\-:\[\]@%]{0,30}(/[ -~]{0,40})?\Z", fullmatch=True),
)


@FUZZ
@given(trainee=st.one_of(st.just(NEWBIE), words), score=st.one_of(st.integers(-1000, 1000).map(str), words),
       set_name=st.one_of(st.just("default"), words), note=opt(names), result=drill_results,
       raw=_no_surrogates(max_size=200), actor=st.sampled_from(STAFF))
def test_drill_commands(db, files, trainee, score, set_name, note, result, raw, actor):
    """drill record / results / check / sets: never a traceback, bad input exits 2 and writes nothing."""
    assume(all(_not_an_option(v) for v in (trainee, score, set_name, note)))
    fd(db, "drill", "record", "--trainee", trainee, "--score", score, "--set", set_name, *_flags(note=note),
       as_=actor)
    saved = files / "result.json"  # beside the test's files, not the database (on PostgreSQL it has no folder)
    saved.write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")
    fd(db, "drill", "record", "--trainee", trainee, "--result", str(saved), as_=actor)
    fd(db, "drill", "results", "--trainee", trainee, as_=actor)
    fd(db, "drill", "results", as_=actor)
    fd(db, "drill", "sets", as_=actor)
    for body in (raw, json.dumps(result, ensure_ascii=False)):
        saved.write_text(body, encoding="utf-8")
        code, _out, err = fd(db, "drill", "check", str(saved), as_=actor)
        assert code == 2 and err is not None and err["field"] == "file" and str(saved) in err["message"]


@FUZZ
@given(url=urls, kind=st.one_of(st.sampled_from(["wecom", "dingtalk"]), words),
       lang=st.one_of(st.sampled_from(["en", "zh_CN"]), words),
       number=opt(st.one_of(st.integers(-10**12, 10**12).map(str), words)), actor=st.sampled_from(STAFF))
def test_outbox(db, url, kind, lang, number, actor):
    """The webhook settings, then the sender and the list; the webhook is cleared again before
    any send, so the fuzzing never posts anywhere."""
    assume(all(_not_an_option(v) for v in (url, kind, lang, number)))
    try:
        fd(db, "settings", "webhook_url", url, as_=actor)
        fd(db, "settings", "webhook_kind", kind, as_=actor)
        fd(db, "settings", "webhook_lang", lang, as_=actor)
        fd(db, "visit", "--phone", HELD, as_=PM)  # a notice may be queued now
    finally:
        fd(db, "settings", "webhook_url", "", as_=PM)
    fd(db, "outbox", "list", *_flags(limit=number), as_=actor)
    fd(db, "outbox", "send", *_flags(every=number), as_=actor)
    if number == "1":
        fd(db, "outbox", "send", "--loop", "--every", "1", "--rounds", number, as_=None)


@FUZZ
@given(discount=amounts, phone=st.one_of(st.just(HELD), phones), note=opt(names),
       ident=st.one_of(st.integers(-10**20, 10**20).map(str), words), reason=opt(names),
       decision=st.sampled_from([["--approve"], ["--refuse"], [], ["--approve", "--refuse"]]),
       actor=st.sampled_from(STAFF))
def test_discount_request_and_decision(db, discount, phone, note, ident, reason, decision, actor):
    """R7: `discount request` and `discount decide` (the console's approvals queue has the same calls)."""
    assume(all(_not_an_option(v) for v in (discount, phone, note, ident, reason)))
    code, out, _ = fd(db, "discount", "request", "--unit", "1-101", "--phone", phone, "--discount", discount,
                      *_flags(note=note), as_=actor)
    target = str(out["request"]) if code == 0 else ident
    fd(db, "discount", "decide", target, *decision, *_flags(reason=reason), as_=actor)
    fd(db, "discount", "decide", target, *decision, *_flags(reason=reason), as_=PM)
