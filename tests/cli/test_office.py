"""The office through the CLI: init, settings, staff, trainee pass, roster (docs/cli.md, R2.2, R3, R5.3, R6)."""

from __future__ import annotations


from .conftest import (CHEN, GM, LI, LIU, ORDER, PM, PROJECT, SETUP_AT, T0, ZHANG, FD, assert_error, assert_reasons,
                       row_counts)


# --- init --------------------------------------------------------------------------------------

def test_init_creates_a_project(fd: FD) -> None:
    out = fd.ok("init", "--project", "X1", "--name", "江景苑", "--protection-days", "5", "--tz", "Asia/Shanghai")
    assert out == {"project": "X1", "name": "江景苑", "tz": "Asia/Shanghai", "protection_days": 5}
    fd.ok("staff", "add", PM, "--role", "pm", "--pin", "2468")  # the first staff member: nobody vouches
    assert fd.ok("--project", "X1", "settings", as_=PM)["protection_days"] == 5


def test_init_defaults_to_seven_days_and_shanghai(fd: FD) -> None:
    out = fd.ok("init", "--project", "X1", "--name", "江景苑")
    assert out["protection_days"] == 7
    assert out["tz"] == "Asia/Shanghai"


def test_init_rejects_more_than_ten_days_and_a_bad_zone(fd: FD) -> None:
    code, _, err = fd("init", "--project", "X1", "--name", "n", "--protection-days", "11")
    assert_error(code, err, 2, error_code="bad_input", field="protection_days")
    code, _, err = fd("init", "--project", "X1", "--name", "n", "--tz", "Mars/Olympus")
    assert_error(code, err, 2, error_code="bad_input", field="tz")
    code, _, err = fd("init", "--project", "X 1", "--name", "n")
    assert_error(code, err, 2, error_code="bad_input", field="project")


def test_init_on_an_existing_database_needs_a_pm_or_gm(office: FD, unchanged) -> None:  # noqa: ANN001
    code, _, err = office("init", "--project", "P2", "--name", "second", as_="")  # nobody proven
    assert_error(code, err, 1, error_code="refused", rule="R2.1")
    code, _, err = office("init", "--project", "P2", "--name", "second", as_=LI)
    assert_error(code, err, 1, error_code="refused", rule="R1.1")
    out = office.ok("init", "--project", "P2", "--name", "第二期", as_=PM)
    assert out["project"] == "P2"
    code, _, err = office("init", "--project", "P2", "--name", "again", as_=PM)
    assert_error(code, err, 2, field="project")


# --- settings ----------------------------------------------------------------------------------

def test_settings_show_has_every_contract_key(office: FD) -> None:
    out = office.ok("settings", as_=PM)
    for k in ("protection_days", "volume_mode", "large_deal_threshold", "skip_policy", "duty_consumes_turn"):
        assert k in out
    assert out["protection_days"] == 7
    assert out["volume_mode"] == "high"  # the general rule of R3.2
    assert out["skip_policy"] == "keep_place"
    assert out["duty_consumes_turn"] is False
    assert out["large_deal_threshold"] == "1000000.00"


def test_settings_set_each_key(office: FD) -> None:
    for key, value, shown in (("protection_days", "10", 10), ("volume_mode", "low", "low"),
                              ("skip_policy", "lose_turn", "lose_turn"), ("duty_consumes_turn", "true", True),
                              ("large_deal_threshold", "2000000", "2000000.00")):
        out = office.ok("settings", key, value, as_=PM, at=T0)
        assert out["key"] == key and out["value"] == shown
    shown_now = office.ok("settings", as_=PM)
    assert shown_now["protection_days"] == 10 and shown_now["volume_mode"] == "low"
    assert shown_now["skip_policy"] == "lose_turn" and shown_now["duty_consumes_turn"] is True


def test_protection_days_11_needs_a_gm_approval(office: FD) -> None:
    code, _, err = office("settings", "protection_days", "11", as_=PM, at=T0)
    assert_error(code, err, 1, error_code="refused", rule="R2.2")
    assert office.ok("settings", as_=PM)["protection_days"] == 7
    out = office.ok("settings", "protection_days", "11", "--gm-approval", "春节前客户回访周期长", as_=GM, at=T0)
    assert out["value"] == 11 and out["old"] == 7
    assert_reasons(out["reasons"])
    assert any(r.startswith("R2.2") and "郭总" in r for r in out["reasons"])
    assert office.ok("settings", as_=PM)["protection_days"] == 11
    # the approval is recorded (approver and written reason)
    from dbkit import rows as raw_rows
    assert raw_rows(office.db, "SELECT approver, reason FROM approval") == [("郭总", "春节前客户回访周期长")]


def test_settings_are_set_by_the_pm_only(office: FD, unchanged) -> None:  # noqa: ANN001
    code, _, err = office("settings", "protection_days", "5", as_=LI, at=T0)
    assert_error(code, err, 1, error_code="refused", rule="R2.2")
    code, _, err = office("settings", "volume_mode", "low", as_=ZHANG, at=T0)
    assert_error(code, err, 1, error_code="refused", rule="R3.2")
    assert office.ok("settings")["volume_mode"] == "high"


# --- staff -------------------------------------------------------------------------------------

def test_staff_list(office: FD) -> None:
    out = office.ok("staff", "list", as_=PM)
    assert [s["name"] for s in out] == [GM, PM, LI, ZHANG, LIU, CHEN]
    by = {s["name"]: s for s in out}
    assert by[PM]["role"] == "pm" and by[PM]["has_pin"] is True
    assert by[LI]["role"] == "advisor" and by[LI]["has_pin"] is True  # tests/pins.py gives every one a PIN
    assert by[CHEN]["role"] == "trainee" and by[CHEN]["mentor"] == LI and by[CHEN]["shadow"] is True
    assert by[CHEN]["joined_on"] == "2026-11-01"


def test_staff_add_by_pm_each_role(office: FD) -> None:
    for name, role in (("周顾问", "advisor"), ("孙经理", "pm"), ("钱销管", "sales-admin")):
        out = office.ok("staff", "add", name, "--role", role, as_=PM, at=T0)
        assert out["name"] == name and out["role"] == role
    code, _, err = office("staff", "add", "钱总", "--role", "gm", as_=PM, at=T0)  # R2.2: a PM cannot make a GM
    assert_error(code, err, 1, error_code="refused", rule="R2.2")
    office.ok("staff", "add", "钱总", "--role", "gm", as_=GM, at=T0)
    names = [s["name"] for s in office.ok("staff", "list", as_=PM)]
    assert {"周顾问", "孙经理", "钱销管", "钱总"} <= set(names)


def test_staff_add_refusals_and_bad_input(office: FD, unchanged) -> None:  # noqa: ANN001
    with unchanged(office):
        code, _, err = office("staff", "add", "新人", "--role", "advisor", as_=LI, at=T0)
        assert_error(code, err, 1, error_code="refused", rule="R2.1")
        code, _, err = office("staff", "add", "新人", "--role", "boss", as_=PM, at=T0)
        assert_error(code, err, 2, error_code="bad_input", field="role")
        code, _, err = office("staff", "add", "新人", "--role", "trainee", as_=PM, at=T0)
        assert_error(code, err, 2, error_code="bad_input", field="mentor")
        code, _, err = office("staff", "add", LI, "--role", "advisor", as_=PM, at=T0)
        assert_error(code, err, 2, error_code="bad_input", field="name")
        code, _, err = office("staff", "add", "新人", "--role", "advisor", "--pin", "12", as_=PM, at=T0)
        assert_error(code, err, 2, error_code="bad_input", field="pin")
        code, _, err = office("staff", "add", "新人", "--role", "trainee", "--mentor", "无名", as_=PM, at=T0)
        assert_error(code, err, 2, error_code="bad_input", field="mentor")


def test_staff_transfer_to_a_second_project(office: FD) -> None:
    office.ok("init", "--project", "P2", "--name", "第二期", as_=PM)
    # the advisor holds one client on the day of the move (R6)
    office.ok("visit", "--phone", "13800138000", as_=PM, at=T0)  # 李娜 is next: she owns it
    out = office.ok("staff", "transfer", LI, "--to", "P2", as_=PM, at="2026-11-02 10:00")
    assert out["name"] == LI and out["from"] == PROJECT and out["to"] == "P2"
    assert out["clients_held"] == 1
    assert_reasons(out["reasons"])
    assert any(r.startswith("R6") for r in out["reasons"])
    assert LI not in [s["name"] for s in office.ok("staff", "list", as_=PM)]
    assert LI in [s["name"] for s in office.ok("--project", "P2", "staff", "list", as_=LI)]
    assert LI in [s["name"] for s in office.ok("staff", "list", as_=LI)]  # her own project now
    # she leaves P1's rotation
    roster = office.ok("roster", "show", as_=PM, at="2026-11-02 10:00")
    assert LI not in roster["order"]
    assert roster["order"] == [ZHANG, LIU, CHEN]


def test_staff_transfer_is_a_pm_act_and_needs_a_known_project(office: FD, unchanged) -> None:  # noqa: ANN001
    office.ok("init", "--project", "P2", "--name", "第二期", as_=PM)
    with unchanged(office):
        code, _, err = office("staff", "transfer", ZHANG, "--to", "P2", as_=LI, at=T0)
        assert_error(code, err, 1, error_code="refused", rule="R6")
        code, _, err = office("staff", "transfer", ZHANG, "--to", "NOPE", as_=PM, at=T0)
        assert_error(code, err, 2, error_code="bad_input", field="to")
        code, _, err = office("staff", "transfer", "无名", "--to", "P2", as_=PM, at=T0)
        assert_error(code, err, 2, error_code="bad_input", field="name")


# --- trainee pass (R5.3) -------------------------------------------------------------------------

def test_trainee_pass_before_a_week_is_refused(office: FD, unchanged) -> None:  # noqa: ANN001
    with unchanged(office):
        code, _, err = office("trainee", "pass", CHEN, "--score", "90", as_=PM, at="2026-11-07 18:00")
        assert_error(code, err, 1, error_code="refused", rule="R5.3")
    staff = {s["name"]: s for s in office.ok("staff", "list", as_=PM)}
    assert staff[CHEN]["exam_passed_on"] is None and staff[CHEN]["shadow"] is True


def test_trainee_pass_after_a_week_joins_the_rotation(office: FD) -> None:
    office.ok("drill", "record", "--trainee", CHEN, "--score", "80", as_=PM, at="2026-11-08 09:55")  # R5.3
    out = office.ok("trainee", "pass", CHEN, "--score", "85", as_=PM, at="2026-11-08 10:00")
    assert out["name"] == CHEN and out["exam_passed_on"] == "2026-11-08" and out["exam_score"] == 85
    assert out["shadow"] is False
    assert_reasons(out["reasons"])
    assert out["reasons"][0].startswith("R5.3")
    roster = office.ok("roster", "show", as_=PM, at="2026-11-08 10:00")
    assert roster["shadow"] == []
    # with the three advisors away, the passed trainee takes an ordinary rotation turn
    for a in (LI, ZHANG, LIU):
        office.ok("roster", "away", a, as_=PM, at="2026-11-08 10:01")
    v = office.ok("visit", "--phone", "13800138009", as_=PM, at="2026-11-08 10:05")
    assert v["route"] == "rotation" and v["advisor"] == CHEN and v["owner"] == CHEN
    # and takes calls (a trainee in induction may not)
    c = office.ok("call", "--phone", "13800138010", as_=CHEN, at="2026-11-08 10:10")
    assert c["advisor"] == CHEN


def test_trainee_pass_is_recorded_by_the_pm(office: FD, unchanged) -> None:  # noqa: ANN001
    with unchanged(office):
        code, _, err = office("trainee", "pass", CHEN, "--score", "85", as_=LI, at="2026-11-09 10:00")
        assert_error(code, err, 1, error_code="refused", rule="R5.3")
        code, _, err = office("trainee", "pass", LI, "--score", "85", as_=PM, at="2026-11-09 10:00")
        assert_error(code, err, 2, error_code="bad_input", field="name")
        code, _, err = office("trainee", "pass", CHEN, "--score", "abc", as_=PM, at="2026-11-09 10:00")
        assert_error(code, err, 2, error_code="bad_input", field="score")


# --- roster (R3) -----------------------------------------------------------------------------------

def test_roster_show(office: FD) -> None:
    out = office.ok("roster", "show", as_=PM, at=T0)
    assert out["order"] == ORDER
    assert out["next"] == LI
    assert out["away"] == []
    assert out["shadow"] == [CHEN]


def test_roster_set_starts_at_its_first_name(office: FD) -> None:
    out = office.ok("roster", "set", LIU, LI, ZHANG, as_=PM, at=T0)
    assert out["order"] == [LIU, LI, ZHANG] and out["next"] == LIU and out["away"] == []
    assert office.ok("roster", "show", at=T0)["order"] == [LIU, LI, ZHANG]


def test_roster_away_and_back(office: FD) -> None:
    out = office.ok("roster", "away", LI, as_=PM, at=T0)
    assert out["away"] == [LI] and out["next"] == ZHANG and out["order"] == ORDER
    # an advisor marks themself away
    out = office.ok("roster", "away", ZHANG, as_=ZHANG, at="2026-11-01 10:05")
    assert out["away"] == [LI, ZHANG] and out["next"] == LIU
    out = office.ok("roster", "back", LI, as_=LI, at="2026-11-01 10:10")
    assert out["away"] == [ZHANG] and out["next"] == LI
    # away marks last until the day ends (R3)
    nxt = office.ok("roster", "show", as_=PM, at="2026-11-02 08:00")
    assert nxt["away"] == [] and nxt["next"] == LI


def test_roster_moves_on_after_a_rotation_turn_and_keeps_the_order_next_day(office: FD) -> None:
    office.ok("visit", "--phone", "13800138000", as_=PM, at=T0)
    out = office.ok("roster", "show", at=T0)
    assert out["order"] == [ZHANG, LIU, CHEN, LI] and out["next"] == ZHANG
    assert office.ok("roster", "show", at="2026-11-05 09:00")["order"] == [ZHANG, LIU, CHEN, LI]


def test_roster_away_of_another_is_refused_and_unknown_names_are_bad_input(office: FD, unchanged) -> None:  # noqa: ANN001
    with unchanged(office):
        code, _, err = office("roster", "away", ZHANG, as_=LI, at=T0)
        assert_error(code, err, 1, error_code="refused", rule="R3")
        code, _, err = office("roster", "away", PM, as_=PM, at=T0)
        assert_error(code, err, 2, error_code="bad_input", field="name")
        code, _, err = office("roster", "set", LI, "无名", as_=PM, at=T0)
        assert_error(code, err, 2, error_code="bad_input", field="names")
        code, _, err = office("roster", "back", LI, as_=PM, at=T0)
        assert_error(code, err, 2, error_code="bad_input", field="name")
    assert office.ok("roster", "show", at=T0)["order"] == ORDER


def test_setup_fixture_rows(office: FD) -> None:
    """The office fixture was built by the CLI: six staff (the GM first), no clients, no entries."""
    assert row_counts(office.db) == {"registerentry": 0, "client": 0, "followup": 0, "notification": 0, "staff": 6}
    assert SETUP_AT.startswith("2026-11-01")


# --- rotation settings (R3, R3.2) ------------------------------------------------------------------

def test_skip_policy_keep_place_and_lose_turn(office: FD) -> None:
    office.ok("roster", "away", LI, as_=PM, at=T0)
    v = office.ok("visit", "--phone", "13800138000", as_=PM, at="2026-11-01 10:10")
    assert v["advisor"] == ZHANG
    assert office.ok("roster", "show", at="2026-11-01 10:15")["order"] == [LI, LIU, CHEN, ZHANG]  # keeps her place
    office.ok("roster", "set", *ORDER, as_=PM, at="2026-11-01 10:20")
    office.ok("settings", "skip_policy", "lose_turn", as_=PM, at="2026-11-01 10:20")
    v = office.ok("visit", "--phone", "13800138001", as_=PM, at="2026-11-01 10:30")
    assert v["advisor"] == ZHANG
    assert office.ok("roster", "show", at="2026-11-01 10:35")["order"] == [LIU, CHEN, LI, ZHANG]  # loses it


def test_duty_consumes_turn_setting(office: FD) -> None:
    office.ok("settings", "duty_consumes_turn", "true", as_=PM, at=T0)
    office.ok("visit", "--phone", "13800138000", as_=PM, at=T0)  # 李娜; order 张伟 刘洋 小陈 李娜
    office.ok("roster", "away", LI, as_=PM, at="2026-11-01 11:00")
    d = office.ok("visit", "--phone", "13800138000", as_=PM, at="2026-11-01 11:10")
    assert d["route"] == "duty" and d["advisor"] == ZHANG
    assert office.ok("roster", "show", at="2026-11-01 11:15")["next"] == LIU  # the duty reception used the turn


# --- permissions around a second project ---------------------------------------------------------------

def test_second_project_is_staffed_by_a_gm_and_numbers_its_own_register(office: FD) -> None:
    office.ok("init", "--project", "P2", "--name", "第二期", as_="郭总")
    office.ok("--project", "P2", "staff", "add", "孙经理", "--role", "pm", as_="郭总", at=T0)
    office.ok("--project", "P2", "staff", "add", "周顾问", "--role", "advisor", as_="孙经理", at=T0)
    office.ok("roster", "set", "周顾问", as_="孙经理", at=T0)
    office.ok("visit", "--phone", "13800138000", as_=PM, at=T0)  # P1 visitor register #1
    v = office.ok("visit", "--phone", "13800138000", as_="孙经理", at="2026-11-01 10:30")
    assert v["entry"] == 1 and v["advisor"] == "周顾问"  # P2's own book, page 1 (R2.1)
    assert office.ok("verify")["entries"] == 2
    # the PM of P1 cannot act in P2
    code, _, err = office("--project", "P2", "staff", "add", "某人", "--role", "advisor", as_=PM, at=T0)
    assert_error(code, err, 1, error_code="refused", rule="R1.1")


def test_anonymous_staff_add_into_an_empty_second_project_is_refused(office: FD) -> None:
    office.ok("init", "--project", "P2", "--name", "第二期", as_=PM)
    before = row_counts(office.db)
    code, _, err = office("--project", "P2", "staff", "add", "黑客", "--role", "gm", at=T0, as_="")
    assert code in (1, 2), f"anonymous user created a GM: {err}"
    assert row_counts(office.db) == before
