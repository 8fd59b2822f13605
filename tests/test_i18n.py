"""The i18n layer: catalogs in step, rendering of reasons, language choice, import hygiene."""

from __future__ import annotations

import string
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import pytest

import frontdesk.i18n as i18n
from frontdesk.i18n import error_text, notice_text, pick_lang, render_reason, render_reasons, t
from frontdesk.rules.reasons import EntryRef, Reason

CATALOG_DIR = Path(i18n.__file__).parent

# The data each reason code is rendered with (what rules/ and services/ put in Reason.data).
REASON_DATA: dict[str, set[str]] = {
    "owned": {"owner", "last_contact", "entry", "days", "protected_through", "lapses_on", "days_left"},
    "lapsed": {"previous_owner", "last_contact", "entry", "days", "protected_through", "lapses_on"},
    "not_registered": set(),
    "held_by_other": {"advisor", "date", "entry"},
    "duty_not_owner_contact": {"advisor", "date", "entry"},
    "unreachable_not_counted": {"date", "entry"},
    "days_too_small": {"days", "min"},
    "days_need_gm": {"days", "max"},
    "next_in_rotation": {"advisor", "position"},
    "skipped_away": {"advisor"},
    "skipped_shadow": {"advisor"},
    "skipped_ineligible": {"advisor"},
    "trainee_solo": {"advisor"},
    "nobody_present": set(),
    "referral_honoured": {"advisor", "date", "entry"},
    "referral_expired": {"advisor", "date", "entry", "through"},
    "neither_not_party": {"advisor", "crossing"},
    "exam_needs_drill": {"advisor", "mark"},
    "exam_drill_on_record": {"advisor", "score", "date"},
    "referral_not_asked": {"advisor", "date", "entry"},
    "asked_for": {"advisor"},
    "asked_for_owner": {"advisor"},
    "asked_for_absent": {"advisor"},
    "asked_for_held": {"advisor", "holder"},
    "owner_present": {"advisor"},
    "override_not_advisor": {"advisor"},
    "override_trainee_in_induction": {"advisor"},
    "pm_override": {"proposed", "chosen"},
    "mentor_told": {"advisor", "mentor"},
    "visited_before_no_record": {"saw"},
    "new_owner": {"advisor"},
    "owner_absent_duty": {"owner", "advisor", "volume", "consumes_turn"},
    "duty_no_followup": {"advisor", "owner"},
    "crossing_served_by": {"advisor"},
    "claim_after_deal_window": {"deal_date", "entry", "claim_date", "last_day", "closer"},
    "no_registration": {"advisor"},
    "only_registered": {"advisor", "date", "entry"},
    "same_time": {"a", "b", "at"},
    "undecidable": set(),
    "order": {"a", "a_date", "a_entry", "b", "b_date", "b_entry"},
    "earlier_kept_up": {"a", "b", "last_contact", "entry", "claim_date", "gap", "days", "protected_through"},
    "earlier_lapsed": {"a", "b", "last_contact", "entry", "claim_date", "gap", "days", "protected_through"},
    "followup_valid": set(),
    "followup_unreachable_pending": set(),
    "followup_verified": {"pm"},
    "call_new_owner": {"advisor"},
    "call_owner_contact": {"advisor"},
    "call_held_by_other": {"owner", "advisor"},
    "referral_claim": {"advisor", "referred_by"},
    "not_owner": {"owner"},
    "duty_advisor_no_followup": {"owner"},
    "trainee_in_induction": {"advisor"},
    "pm_only": set(),
    "witnessed_view": {"witness"},
    "crossing_decided": {"winner", "outcome"},
}
NOTICE_DATA: dict[str, set[str]] = {
    "duty_reception": {"client", "advisor", "entry"},
    "trainee_reception": {"trainee", "client", "entry"},
    "claim_without_registration": {"client", "saw", "entry"},
    "crossing_opened": {"client", "holder", "claimant", "crossing"},
    "lapse_tomorrow": {"client", "lapses_on"},
    "asked_for_absent": {"client", "entry"},
}
ERROR_DATA: dict[str, set[str]] = {
    "bad_input": {"field", "message"},
    "unknown_staff": {"name"},
    "unknown_project": {"code"},
    "no_user": set(),
    "refused": {"rule", "message"},
    "phone_invalid": {"raw"},
    "not_found": {"what"},
}
WORDS_ZH = {  # docs/rules.en.md, "Words on screen"
    "advisor": "置业顾问", "pm": "项目经理", "trainee": "试用期置业顾问", "mentor": "代教师父",
    "rotation": "轮序", "next_up": "下一位", "duty_roster": "值班表", "away": "暂离", "back": "返回",
    "visitor_register": "来访客户登记表", "call_register": "进线电话登记本", "walk_in": "来访",
    "call": "来电", "register": "登记", "followup": "跟进", "reached": "有效跟进",
    "unreachable": "关机或不通", "owner": "归属", "protection_window": "保护期",
    "protected_through": "保护至", "lapses_on": "过期日", "lapsed": "已过期（公客）",
    "duty_reception": "义务接待", "asks_for": "指定置业顾问", "crossing": "业务交叉（撞单）",
    "negotiate": "协商", "neither_credited": "双方均不计业绩", "household": "同一客户（家庭成员）",
    "sincerity": "诚意度", "deposit": "定金", "deal": "成交", "credit": "业绩", "large_deal": "大宗业务",
    "discount_approval": "折扣审批", "transfer": "调项目", "referral": "推介相近项目",
    "exam": "上岗考试", "drill": "情景模拟", "reflection": "成交心得", "high_volume": "客户量大",
    "low_volume": "客户量少", "complaint": "投诉", "suggestion": "建议",
}
ROUTES = ("owner", "duty", "rotation", "requested", "trainee-solo", "crossing")
GREETER = {
    "hello": ("Hello, welcome!", "您好！欢迎光临"),
    "visited_before": ("Have you visited us before?", "您以前来看过房吗？"),
    "materials": ("Have you received our materials?", "拿到过我们的资料吗？"),
    "who": ("Which advisor served you before?", "之前是哪位置业顾问接待您的？"),
}


def _raw(lang: str) -> dict[str, str]:
    return i18n.load_catalog(lang)


def _fields(template: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(template) if f}


# ---------------------------------------------------------------------------- catalogs


def test_catalogs_are_flat_utf8_json_with_the_same_keys():
    en, zh = _raw("en"), _raw("zh_CN")
    assert set(en) == set(zh)
    for cat in (en, zh):
        assert all(isinstance(k, str) and isinstance(v, str) and v for k, v in cat.items())
    for name in i18n.catalog_files("zh_CN"):
        text = (CATALOG_DIR / name).read_text(encoding="utf-8")
        assert "\\u" not in text, name  # written with ensure_ascii=False
    assert "置业顾问" in (CATALOG_DIR / "zh_CN.json").read_text(encoding="utf-8")
    assert [n.replace("zh_CN", "en") for n in i18n.catalog_files("zh_CN")] == i18n.catalog_files("en")


def test_placeholders_match_between_languages():
    en, zh = _raw("en"), _raw("zh_CN")
    for key in en:
        assert _fields(en[key]) == _fields(zh[key]), key


@pytest.mark.parametrize(("prefix", "table"), [("reason", REASON_DATA), ("notice", NOTICE_DATA),
                                               ("error", ERROR_DATA)])
def test_every_listed_code_has_a_text_using_only_its_data(prefix, table):
    for lang in i18n.LANGS:
        cat = _raw(lang)
        for code, data in table.items():
            assert f"{prefix}.{code}" in cat, (lang, code)
            variants = [k for k in cat if k == f"{prefix}.{code}" or k.startswith(f"{prefix}.{code}.without_")]
            for key in variants:
                assert _fields(cat[key]) <= data, (lang, key, _fields(cat[key]) - data)


def test_office_words_and_greeter_lines():
    for word, zh in WORDS_ZH.items():
        assert t(f"word.{word}", "zh_CN") == zh
        assert i18n.has_key(f"word.{word}", "en") and t(f"word.{word}") != f"word.{word}"
    for route in ROUTES:
        assert t(f"word.route.{route}", "zh_CN") != f"word.route.{route}"
        assert t(f"word.route.{route}", "en") != f"word.route.{route}"
    for key, (en, zh) in GREETER.items():
        assert t(f"greeter.{key}", "en") == en
        assert t(f"greeter.{key}", "zh_CN") == zh


# ---------------------------------------------------------------------------- pick_lang


@pytest.mark.parametrize(("explicit", "env", "expected"), [
    ("zh", {}, "zh_CN"),
    ("zh_CN", {}, "zh_CN"),
    ("zh-CN", {}, "zh_CN"),
    ("zh_CN.UTF-8", {}, "zh_CN"),
    ("en", {"LANG": "zh_CN.UTF-8"}, "en"),
    ("en_US", {}, "en"),
    ("EN-us", {}, "en"),
    (None, {}, "en"),
    ("", {"LANG": "zh_CN.UTF-8"}, "zh_CN"),
    ("fr", {"LANG": "zh_CN.UTF-8"}, "zh_CN"),  # a language we lack: the locale decides
    (None, {"LANG": "en_US.UTF-8"}, "en"),
    (None, {"LC_ALL": "zh_CN.UTF-8", "LANG": "en_US.UTF-8"}, "zh_CN"),
    (None, {"LC_ALL": "", "LC_MESSAGES": "zh_CN.utf8", "LANG": "en_US.UTF-8"}, "zh_CN"),
    (None, {"LC_ALL": "C", "LANG": "zh_CN.UTF-8"}, "en"),  # LC_ALL wins, even as C
    (None, {"LANG": "de_DE.UTF-8"}, "en"),
])
def test_pick_lang(explicit, env, expected):
    assert pick_lang(explicit, env) == expected


def test_pick_lang_reads_os_environ_by_default(monkeypatch):
    for var in ("LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    assert pick_lang() == "zh_CN"


# ---------------------------------------------------------------------------- t()


def test_t_falls_back_to_english_then_to_the_key(monkeypatch):
    original = i18n._load
    en = dict(original("en"))
    en["word.only_in_en"] = "only English"
    monkeypatch.setattr(i18n, "_load", lambda lang: en if lang == "en" else original(lang))
    assert t("word.only_in_en", "zh_CN") == "only English"
    assert t("word.nowhere", "zh_CN") == "word.nowhere"


def test_t_missing_placeholder_stays_visible():
    assert t("error.bad_input", "en", field="phone") == "Invalid phone: {message}"
    assert t("error.unknown_staff", "zh_CN") == "查无此员工：{name}"


def test_t_accepts_other_spellings_of_the_language():
    assert t("word.advisor", "zh") == t("word.advisor", "zh-CN") == "置业顾问"
    assert t("word.advisor", "xx") == "advisor"


def test_error_and_notice_texts():
    assert error_text("unknown_project", "zh_CN", code="P1") == "查无此项目：P1"
    assert error_text("refused", "en", rule="R3.4", message="x") == "Refused (R3.4): x"
    assert "error.no_such_code" in error_text("no_such_code", "en")
    text = notice_text("lapse_tomorrow", "zh_CN", client="张三", lapses_on=date(2026, 5, 9))
    assert "张三" in text and "2026-05-09" in text


# ---------------------------------------------------------------------------- reasons

OWNED = {"owner": "张三", "last_contact": date(2026, 5, 1), "entry": "visit#12", "days": 7,
         "protected_through": date(2026, 5, 8), "lapses_on": date(2026, 5, 9), "days_left": 3}


def test_render_reason_from_a_reason_with_dates():
    # The seed's own example (R2.2): received on the 1st, still owned on the 8th, lapsed on the 9th.
    r = Reason("R2.2", "owned", OWNED)
    en = render_reason(r, "en")
    assert en == ("R2.2: owned by 张三; last valid contact 2026-05-01 (visitor register #12); "
                  "protected through 2026-05-08 (7 days), lapses on 2026-05-09; days left: 3")
    zh = render_reason(r, "zh_CN")
    assert zh.startswith("R2.2: 归属于张三")
    assert "保护至 2026-05-08" in zh and "2026-05-09 过期" in zh and "来访客户登记表" in zh


def test_render_reason_from_a_dict():
    d = Reason("R2.2", "lapsed", {**{k: v for k, v in OWNED.items() if k not in ("owner", "days_left")},
                                  "previous_owner": "李四"}).as_dict()
    text = render_reason(d, "zh_CN")
    assert text.startswith("R2.2: 已过期（公客）") and "李四" in text and "2026-05-09" in text
    assert render_reason({"rule": "R8", "code": "undecidable", "data": {}}, "en").startswith("R8: ")
    assert render_reason({"rule": "R8", "code": "undecidable"}, "en") == render_reason(Reason("R8", "undecidable"), "en")


def test_render_reason_values():
    none = render_reason(Reason("R3", "pm_override", {"proposed": None, "chosen": "王五"}), "en")
    assert "—" in none and "王五" in none
    at = render_reason(Reason("R4.1", "same_time", {"a": "A", "b": "B", "at": datetime(2026, 5, 1, 10, 3)}), "en")
    assert "2026-05-01 10:03" in at
    ref = render_reason(Reason("R2.2", "unreachable_not_counted", {"date": date(2026, 5, 2), "entry": EntryRef("call", 3)}),
                        "zh_CN")
    assert "进线电话登记本第3条" in ref and "2026-05-02" in ref
    duty = render_reason(Reason("R3.2", "owner_absent_duty", {"owner": "张三", "advisor": "王五", "volume": "low",
                                                             "consumes_turn": False}), "en")
    assert "low volume" in duty and "not a rotation turn" in duty and "{" not in duty
    assert "followup#x" in render_reason(Reason("R2.2", "unreachable_not_counted",
                                                {"date": None, "entry": "followup#x"}), "en")


def test_lists_are_joined():
    text = render_reason(Reason("R3", "skipped_away", {"advisor": ["张三", "李四"]}), "en")
    assert "张三, 李四" in text


def test_optional_data_uses_the_variant():
    with_saw = render_reason(Reason("R4.1", "visited_before_no_record", {"saw": "李四"}), "zh_CN")
    without = render_reason(Reason("R4.1", "visited_before_no_record", {}), "zh_CN")
    assert "李四" in with_saw
    assert "{saw}" not in without and without.startswith("R4.1: 客户称曾来访")


def test_unknown_code_falls_back_visibly():
    text = render_reason(Reason("R9", "no_such_code", {"n": 3, "day": date(2026, 1, 2)}), "zh_CN")
    assert text.startswith("R9: ") and "no_such_code" in text and "2026-01-02" in text
    assert "no_such_code" in render_reason({"rule": "R9", "code": "no_such_code", "data": {}}, "en")


def test_render_reasons_keeps_order():
    rs = [Reason("R3.3", "next_in_rotation", {"advisor": "王五", "position": 1}),
          {"rule": "R3", "code": "skipped_away", "data": {"advisor": "张三"}}]
    out = render_reasons(rs, "en")
    assert len(out) == 2 and out[0].startswith("R3.3: ") and out[1].startswith("R3: ") and "张三" in out[1]


def test_every_reason_renders_in_both_languages_without_holes():
    sample = {"date": date(2026, 5, 1), "at": datetime(2026, 5, 1, 9, 30), "volume": "high",
              "consumes_turn": True}
    for code, data in REASON_DATA.items():
        values = {k: sample.get(k, f"<{k}>") for k in data}
        for lang in i18n.LANGS:
            text = render_reason(Reason("R0", code, values), lang)
            assert "{" not in text and "reason." not in text, (lang, code, text)


# ---------------------------------------------------------------------------- hygiene


def test_import_does_not_pull_textual():
    code = "import sys, frontdesk.i18n; assert 'textual' not in sys.modules, 'textual imported'"
    subprocess.run([sys.executable, "-c", code], check=True)
