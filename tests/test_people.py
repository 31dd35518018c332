"""People, without the window: a person's passport data is kept out of the detail until it
is revealed, each reveal is on record (which fields, never their values), only an editor may
reveal; a person's detail lists what they are part of; the People tab finds a Chinese name by
its pinyin; and the forms give the new kinds of field (a time of day, an optional day, a
sensitive field) their widgets."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from exchange_desk.domain.enums import MemberRole, Sex
from exchange_desk.domain.errors import NotAllowed, NotFound
from exchange_desk.domain.roles import Role
from exchange_desk.services import audit, people, records
from exchange_desk.services.database import Database
from exchange_desk.services.details import Hidden, record_detail
from exchange_desk.services.history_text import record_history, value_text
from exchange_desk.services.kinds import kind_named
from exchange_desk.services.tables import load_table
from exchange_desk.ui.forms import Widget, form_of, record_label
from visit_data import VisitIds, make_visit

SENSITIVE = ("passport_number", "nationality", "date_of_birth", "sex")


@pytest.fixture
def visit(sqlite_db: Database) -> VisitIds:
    return make_visit(sqlite_db)


def _lines_since(database: Database, start: int) -> list[audit.AuditEntry]:
    return audit.entries_since(database, start, include_own=True)


# --- revealing ---------------------------------------------------------------------------------


def test_a_reveal_returns_the_values_and_puts_one_line_on_record(db: Database) -> None:
    sqlite_db = db  # on SQLite and on PostgreSQL
    visit = make_visit(db)
    start = audit.latest_id(sqlite_db)
    values = people.reveal(sqlite_db, visit.head)
    assert values == {
        "passport_number": "31234567",
        "nationality": "IL",
        "date_of_birth": dt.date(1960, 3, 14),
        "sex": Sex.MALE,
    }
    lines = _lines_since(sqlite_db, start)
    assert [(line.action, line.kind, line.record_id) for line in lines] == [
        ("reveal", "persons", visit.head)
    ]
    line = lines[0]
    assert line.summary == "Yehuda Ben-Hamo"
    assert people.revealed_fields(line) == SENSITIVE
    # The line names the fields, never what they hold.
    written = json.dumps(line.as_dict(), ensure_ascii=False)
    assert "31234567" not in written
    assert "1960" not in written
    assert line.user_name == audit.identity_of(sqlite_db).user_name


def test_each_reveal_is_a_line_of_its_own(sqlite_db: Database, visit: VisitIds) -> None:
    start = audit.latest_id(sqlite_db)
    people.reveal(sqlite_db, visit.head)
    people.reveal(sqlite_db, visit.head)
    people.reveal(sqlite_db, visit.interpreter)
    assert [(line.action, line.record_id) for line in _lines_since(sqlite_db, start)] == [
        ("reveal", visit.head),
        ("reveal", visit.head),
        ("reveal", visit.interpreter),
    ]


def test_a_reveal_names_only_the_fields_that_hold_something(
    sqlite_db: Database, visit: VisitIds
) -> None:
    start = audit.latest_id(sqlite_db)
    values = people.reveal(sqlite_db, visit.no_passport)
    assert values == {
        "passport_number": "",
        "nationality": "",
        "date_of_birth": None,
        "sex": None,
    }
    (line,) = _lines_since(sqlite_db, start)
    assert people.revealed_fields(line) == ()


def test_a_viewer_may_not_reveal_and_nothing_is_written(
    sqlite_db: Database, visit: VisitIds
) -> None:
    start = audit.latest_id(sqlite_db)
    sqlite_db._role = Role.VIEWER  # type: ignore[attr-defined]
    with pytest.raises(NotAllowed) as refused:
        people.reveal(sqlite_db, visit.head)
    assert "viewer" in refused.value.user_message()
    assert "passport" in refused.value.user_message()
    with pytest.raises(NotAllowed):
        record_detail(sqlite_db, "persons", visit.head, reveal=True)
    assert _lines_since(sqlite_db, start) == []


def test_an_editor_may_reveal(sqlite_db: Database, visit: VisitIds) -> None:
    sqlite_db._role = Role.EDITOR  # type: ignore[attr-defined]
    assert people.reveal(sqlite_db, visit.deputy)["passport_number"] == "32345678"


def test_a_person_who_is_gone_cannot_be_revealed(sqlite_db: Database, visit: VisitIds) -> None:
    start = audit.latest_id(sqlite_db)
    with pytest.raises(NotFound):
        people.reveal(sqlite_db, 9999)
    assert _lines_since(sqlite_db, start) == []


def test_kinds_without_personal_data_reveal_nothing(sqlite_db: Database, visit: VisitIds) -> None:
    start = audit.latest_id(sqlite_db)
    assert people.reveal_record(sqlite_db, "cities", visit.home_city) == {}
    assert _lines_since(sqlite_db, start) == []
    assert people.sensitive_fields("persons") == SENSITIVE
    assert people.sensitive_fields("delegations") == ()


def test_has_hidden_values_names_what_a_record_holds(sqlite_db: Database, visit: VisitIds) -> None:
    head = records.get_record(sqlite_db, "persons", visit.head)
    staff = records.get_record(sqlite_db, "persons", visit.no_passport)
    assert people.has_hidden_values("persons", head) == SENSITIVE
    assert people.has_hidden_values("persons", staff) == ()


def test_the_history_says_who_revealed(sqlite_db: Database, visit: VisitIds) -> None:
    people.reveal(sqlite_db, visit.head)
    newest = record_history(sqlite_db, "persons", visit.head, limit=1)[0]
    who = audit.identity_of(sqlite_db).user_name
    assert newest.sentence == (
        f"{who} revealed Passport number, Nationality, Date of birth and Sex (as in the passport)"
    ) or newest.sentence.startswith(f"{who} revealed Passport number")
    assert newest.what.startswith("Passport number")
    assert "31234567" not in newest.sentence


# --- the detail --------------------------------------------------------------------------------


def test_the_detail_hides_the_passport_data(sqlite_db: Database, visit: VisitIds) -> None:
    start = audit.latest_id(sqlite_db)
    detail = record_detail(sqlite_db, "persons", visit.head)
    facts = dict(detail.facts)
    assert facts["Passport number"] == Hidden("passport_number")
    assert facts["Nationality"] == Hidden("nationality")
    assert facts["Date of birth"] == Hidden("date_of_birth")
    assert facts["Sex (as in the passport)"] == Hidden("sex")
    assert detail.hidden == list(SENSITIVE)
    assert not detail.revealed
    # Not a trace of the values anywhere in what goes to the window.
    shown = repr(detail)
    for secret in ("31234567", "1960", "'IL'", "Sex.MALE", "male"):
        assert secret not in shown
    # Reading the detail is no reveal.
    assert _lines_since(sqlite_db, start) == []


def test_the_revealed_detail_shows_them_and_is_on_record(
    sqlite_db: Database, visit: VisitIds
) -> None:
    start = audit.latest_id(sqlite_db)
    detail = record_detail(sqlite_db, "persons", visit.interpreter, reveal=True)
    facts = dict(detail.facts)
    assert facts["Passport number"] == "E12345678"
    assert facts["Nationality"] == ("country", "CN")  # shown by its name
    assert facts["Date of birth"] == dt.date(1990, 12, 1)
    assert facts["Sex (as in the passport)"] is Sex.FEMALE
    assert detail.revealed
    assert detail.hidden == []
    assert [line.action for line in _lines_since(sqlite_db, start)] == ["reveal"]


def test_a_person_without_passport_data_has_nothing_hidden(
    sqlite_db: Database, visit: VisitIds
) -> None:
    detail = record_detail(sqlite_db, "persons", visit.no_passport)
    assert detail.hidden == []
    labels = [label for label, _value in detail.facts]
    assert "Passport number" not in labels


def test_the_detail_keeps_the_other_facts(sqlite_db: Database, visit: VisitIds) -> None:
    facts = dict(record_detail(sqlite_db, "persons", visit.head).facts)
    assert facts["Family name as in the passport"] == "Ben-Hamo"
    assert facts["Position (Chinese)"] == "克法尔萨巴市市长"
    assert facts["Protocol rank (1 goes first)"] == 1


def test_a_persons_detail_lists_what_they_are_part_of(sqlite_db: Database, visit: VisitIds) -> None:
    groups = dict(record_detail(sqlite_db, "persons", visit.head).groups)
    (delegation,) = groups["Delegations"]
    assert (delegation.kind, delegation.id, delegation.note) == (
        "delegations",
        visit.delegation,
        MemberRole.HEAD,
    )
    banquet = [item for item in groups["Visit programmes"] if item.title.en == "Welcome banquet"]
    assert banquet
    assert banquet[0].kind == "delegations"
    assert [item.id for item in groups["Guest lists"]] == [visit.event]
    assert groups["Organization"][0].title.en == "Kfar Saba Municipality"
    # Our host interprets nothing and is in no delegation: only the programme he hosts.
    host = dict(record_detail(sqlite_db, "persons", visit.host).groups)
    assert "Delegations" not in host
    assert {item.title.en for item in host["Visit programmes"]} >= {"Welcome banquet"}


# --- search ------------------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["wang zhe", "wangzhe", "WangZhe", "王喆", "Zhe Wang"])
def test_the_people_tab_finds_a_chinese_name_by_its_pinyin(
    sqlite_db: Database, visit: VisitIds, typed: str
) -> None:
    table = load_table(sqlite_db, "people")
    found = table.matching(range(len(table.ids)), typed)
    assert [table.ids[row] for row in found] == [visit.interpreter]


def test_the_people_tab_does_not_search_the_passport_data(
    sqlite_db: Database, visit: VisitIds
) -> None:
    table = load_table(sqlite_db, "people")
    assert table.matching(range(len(table.ids)), "31234567") == []
    assert table.matching(range(len(table.ids)), "E12345678") == []


# --- forms and history texts -------------------------------------------------------------------


def test_the_forms_give_the_new_fields_their_widgets() -> None:
    persons = {spec.name: spec for spec in form_of("persons")}
    assert persons["date_of_birth"].widget is Widget.OPTIONAL_DAY
    assert [name for name, spec in persons.items() if spec.sensitive] == list(SENSITIVE)
    assert "name_pinyin" not in persons  # the program keeps it
    programme = {spec.name: spec for spec in form_of("programme_items")}
    assert programme["starts_at"].widget is Widget.TIME
    assert programme["ends_at"].widget is Widget.TIME
    assert programme["day"].widget is Widget.DAY  # a required day keeps the calendar
    members = {spec.name: spec for spec in form_of("delegation_members")}
    assert members["arrival"].widget is Widget.OPTIONAL_DAY


def test_a_delegation_is_picked_by_its_purpose(sqlite_db: Database, visit: VisitIds) -> None:
    delegation = records.get_record(sqlite_db, "delegations", visit.delegation)
    assert record_label("delegations", delegation) == delegation.purpose


def test_history_shows_times_and_empty_days() -> None:
    programme = kind_named("programme_items").declaration
    persons = kind_named("persons").declaration
    assert value_text(programme.field("starts_at"), "09:30", {}) == "09:30"
    assert value_text(programme.field("ends_at"), None, {}) == "—"
    assert value_text(persons.field("date_of_birth"), None, {}) == "—"
    assert value_text(persons.field("date_of_birth"), "1990-12-01", {}) == "Dec 1, 1990"
