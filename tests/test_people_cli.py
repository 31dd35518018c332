"""`exchange-desk list people` on the demo data: the People tab's list on the command line,
as text and as JSON with every field (and `passport_name`), passport data only with
`--sensitive` and then on record in the audit log; found by pinyin; and `export people`
without passport data."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest

from exchange_desk.cli import main
from exchange_desk.domain.errors import NotAllowed
from exchange_desk.domain.roles import Role
from exchange_desk.services import audit
from exchange_desk.services.database import open_office_database
from exchange_desk.services.export import json_records, list_aliases, listed_fields
from exchange_desk.services.records import ListQuery, list_records
from exchange_desk.storage.database import Database

PASSPORT_DATA = ("passport_number", "nationality", "date_of_birth", "sex")


def run(database: Database, *argv: str) -> tuple[int, str]:
    out = io.StringIO()
    code = main(["--db", str(database.path), *argv], out=out)
    return code, out.getvalue()


def listed(database: Database, *argv: str) -> list[dict[str, Any]]:
    code, text = run(database, "list", "people", "--json", *argv)
    assert code == 0, text
    found: list[dict[str, Any]] = json.loads(text)
    return found


def exports(database: Database) -> list[audit.AuditEntry]:
    return [e for e in audit.audit(database, kind="persons") if e.action == "export"]


def by_name(people: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {person["name"]: person for person in people}


# --- text --------------------------------------------------------------------------------


def test_list_people_is_list_persons(demo_db: Database) -> None:
    assert list_aliases() == {"people": "persons"}
    code, people = run(demo_db, "list", "people")
    assert code == 0
    assert run(demo_db, "list", "persons") == (0, people)
    lines = people.splitlines()
    assert lines[0].split()[:2] == ["Id", "Name"]
    assert "Position" in lines[0]
    every = list_records(demo_db, "persons").total
    assert len(lines) == 1 + every >= 19
    (wang,) = [line for line in lines if "Wang Zhe" in line]
    assert "Jinan Municipal Foreign Affairs Office" in wang
    assert "sample" in wang
    # No passport data in the list, and nothing put on record for it.
    assert "S0000002" not in people
    assert "Passport" not in lines[0]
    assert exports(demo_db) == []


def test_list_people_sensitive_as_text_adds_the_passport_columns_on_record(
    demo_db: Database,
) -> None:
    code, text = run(demo_db, "list", "people", "--sensitive", "--search", "wangzhe")
    assert code == 0, text
    header, row = text.splitlines()
    assert "Passport number" in header
    assert "Date of birth" in header
    assert "S0000002" in row
    assert "1972-09-03" in row
    (entry,) = exports(demo_db)
    assert entry.details["sensitive"] is True
    assert entry.details["rows"] == 1
    assert entry.details["fields"] == list(PASSPORT_DATA)
    assert "S0000002" not in json.dumps(entry.as_dict())  # which fields, never the values


# --- JSON --------------------------------------------------------------------------------


def test_json_has_every_field_and_the_passport_name_but_no_passport_data(
    demo_db: Database,
) -> None:
    people = listed(demo_db)
    assert len(people) == list_records(demo_db, "persons").total
    expected = {"id", *listed_fields("persons"), "organization", "city", "passport_name"}
    for person in people:
        assert set(person) == expected, person["name"]
        for name in (*PASSPORT_DATA, "name_pinyin"):
            assert name not in person  # left out, key and all: not blank
    wang = by_name(people)["Wang Zhe"]
    assert wang["passport_name"] == "WANG Zhe"
    assert (wang["name_zh"], wang["name_he"]) == ("王喆", "ואנג ג'ה")
    assert (wang["family_name"], wang["given_name"], wang["name_order"]) == (
        "Wang",
        "Zhe",
        "family_first",
    )
    assert (wang["honorific_en"], wang["honorific_zh"], wang["honorific_he"]) == (
        "Mr",
        "先生",
        "מר",
    )
    assert (wang["title"], wang["title_zh"]) == ("Director", "主任")
    assert wang["organization"] == "Jinan Municipal Foreign Affairs Office"
    assert wang["city"] == "Jinan"
    assert (wang["rank"], wang["category"], wang["is_sample"]) == (3, "government", True)
    dagan = by_name(people)["Ronen Dagan"]
    assert dagan["passport_name"] == "DAGAN Ronen"
    assert dagan["name_order"] == "given_first"
    # Without passport parts, the name as recorded.
    assert by_name(people)["Yael Levi"]["passport_name"] == "Yael Levi"
    assert exports(demo_db) == []


def test_json_with_sensitive_has_the_passport_data_and_is_on_record(demo_db: Database) -> None:
    people = listed(demo_db, "--sensitive")
    wang = by_name(people)["Wang Zhe"]
    assert (wang["passport_number"], wang["nationality"], wang["date_of_birth"], wang["sex"]) == (
        "S0000002",
        "CN",
        "1972-09-03",
        "male",
    )
    assert wang["passport_name"] == "WANG Zhe"
    assert "name_pinyin" not in wang
    # A person without passport data has the keys, empty.
    yael = by_name(people)["Yael Levi"]
    assert (yael["passport_number"], yael["date_of_birth"], yael["sex"]) == ("", None, None)
    (entry,) = exports(demo_db)
    assert entry.kind == "persons"
    assert entry.details == {
        "kind": "persons",
        "rows": len(people),
        "sensitive": True,
        "fields": list(PASSPORT_DATA),
    }
    # Each listing is a line of its own.
    listed(demo_db, "--sensitive", "--search", "Dagan")
    assert [e.details["rows"] for e in exports(demo_db)] == [len(people), 1]


def test_sensitive_on_a_kind_without_personal_data_is_not_put_on_record(
    demo_db: Database,
) -> None:
    code, text = run(demo_db, "list", "cities", "--json", "--sensitive", "--limit", "2")
    assert code == 0
    assert len(json.loads(text)) == 2
    assert [e for e in audit.audit(demo_db) if e.action == "export"] == []


@pytest.mark.parametrize("search", ["wangzhe", "wang zhe", "WANG", "王喆", "ואנג ג'ה", "Zhe"])
def test_a_person_is_found_by_pinyin_and_by_any_script(demo_db: Database, search: str) -> None:
    people = listed(demo_db, "--search", search)
    assert "Wang Zhe" in [person["name"] for person in people]
    assert all("wang" in person["passport_name"].casefold() for person in people)


def test_pinyin_search_of_a_text_list(demo_db: Database) -> None:
    code, text = run(demo_db, "list", "people", "--search", "zhanghuimin")
    assert code == 0
    (row,) = text.splitlines()[1:]
    assert "Zhang Huimin" in row
    assert "Vice Mayor of Jinan" in row


def test_json_agrees_with_the_list_and_its_order(demo_db: Database) -> None:
    query = ListQuery(search="kfar saba", order_by="rank")
    lines = json_records(demo_db, "persons", query)
    page = list_records(demo_db, "persons", query)
    decoded = [json.loads(line) for line in lines]
    assert [p["id"] for p in decoded] == [row.record.id for row in page.rows]
    assert len(decoded) >= 7  # the Kfar Saba people, found by their organizations' names
    for person, row in zip(decoded, page.rows, strict=True):
        for name in listed_fields("persons"):
            value = getattr(row.record, name)
            plain = getattr(value, "value", value)
            assert person[name] == (plain.isoformat() if hasattr(plain, "isoformat") else plain)


# --- who may list passport data ----------------------------------------------------------


def test_passport_data_is_not_listed_where_it_cannot_be_put_on_record(
    demo_db: Database,
) -> None:
    read_only = open_office_database(str(demo_db.path), read_only=True)
    try:
        with pytest.raises(NotAllowed) as refused:
            json_records(read_only, "persons", sensitive=True)
        assert "audit log" in str(refused.value)
        # Without passport data the list is given all the same.
        assert len(json_records(read_only, "persons")) >= 19
    finally:
        read_only.dispose()
    assert exports(demo_db) == []


def test_a_viewer_may_not_list_passport_data(
    demo_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    from exchange_desk.services import roles

    monkeypatch.setattr(roles, "role_of", lambda _database: Role.VIEWER)
    with pytest.raises(NotAllowed) as refused:
        json_records(demo_db, "persons", sensitive=True)
    assert "passport" in str(refused.value)
    code, text = run(demo_db, "list", "people", "--sensitive")
    assert code != 0
    assert "S0000002" not in text
    assert exports(demo_db) == []
    # Who a person is, a viewer may list.
    assert run(demo_db, "list", "people")[0] == 0


# --- export ------------------------------------------------------------------------------


def test_export_people_has_the_tabs_columns_and_no_passport_data(
    demo_db: Database, tmp_path: Path
) -> None:
    target = tmp_path / "people.csv"
    code, text = run(demo_db, "export", "people", "-o", str(target))
    assert code == 0, text
    with target.open(encoding="utf-8-sig", newline="") as file:
        rows = list(csv.reader(file))
    assert rows[0][:4] == ["Name", "Position", "Organization", "City"]
    assert len(rows) == 1 + list_records(demo_db, "persons").total
    everything = target.read_text(encoding="utf-8-sig")
    assert "Wang Zhe" in everything
    assert "S0000" not in everything
    assert "1972-09-03" not in everything


def test_json_on_both_backends(db: Database) -> None:
    """PostgreSQL writes its JSON differently (spaces, its own functions): the passport
    name is added and the passport data left out all the same."""
    from exchange_desk.services.demo import fill_demo

    fill_demo(db)
    people = by_name([json.loads(line) for line in json_records(db, "persons")])
    wang = people["Wang Zhe"]
    assert wang["passport_name"] == "WANG Zhe"
    assert wang["organization"] == "Jinan Municipal Foreign Affairs Office"
    assert not set(PASSPORT_DATA) & set(wang)
    with_passports = by_name(
        [json.loads(line) for line in json_records(db, "persons", sensitive=True)]
    )
    assert with_passports["Wang Zhe"]["passport_number"] == "S0000002"
    assert with_passports["Wang Zhe"]["is_sample"] is True
    assert with_passports["Ronen Dagan"]["date_of_birth"] == "1964-02-14"
    (entry,) = exports(db)
    assert entry.details["sensitive"] is True
