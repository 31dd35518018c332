"""Every change on record: each action the issue names leaves its line in the audit log, with
who, what and, for an update, each field's old and new value; a refused write leaves none."""

from __future__ import annotations

import io
from dataclasses import replace
from pathlib import Path

import pytest

from exchange_desk.cli import main
from exchange_desk.domain.enums import LanguageMode, RecipientKind
from exchange_desk.domain.errors import Conflict
from exchange_desk.domain.records import Award, City
from exchange_desk.services import audit, records
from exchange_desk.services.certificate_register import issue_many
from exchange_desk.services.database import Database
from exchange_desk.services.editing import delete_record, save_record
from exchange_desk.services.exporting import export_all
from exchange_desk.services.import_plan import ImportOptions
from exchange_desk.services.importing import apply_import, plan_import, read_import


def _lines(db: Database, after: int) -> list[audit.AuditEntry]:
    return audit.entries_since(db, after, include_own=True)


def test_create_update_delete_and_undo_are_on_record(db: Database) -> None:
    start = audit.latest_id(db)
    who = audit.identity_of(db)
    created = save_record(db, City(name_en="Tartu", country="EE"))
    city = created.record
    updated = save_record(db, replace(city, region="Tartu County", population=91_000))
    updated.step.undo(db)
    deleted = delete_record(db, "cities", city.id)
    deleted.step.undo(db)

    lines = _lines(db, start)
    assert [(line.action, line.kind, line.record_id) for line in lines] == [
        ("create", "cities", city.id),
        ("update", "cities", city.id),
        ("undo", "cities", city.id),
        ("delete", "cities", city.id),
        ("undo", "cities", city.id),
    ]
    assert {line.user_name for line in lines} == {who.user_name}
    assert {line.os_user for line in lines} == {who.os_user}
    assert all(line.summary == "Tartu" for line in lines)
    assert lines[0].fields["name_en"] == "Tartu"  # a new record's values as it was made
    assert lines[1].fields == {"region": ["", "Tartu County"], "population": [None, 91_000]}
    assert lines[2].details["did"] == "update"
    assert lines[2].fields == {"region": ["Tartu County", ""], "population": [91_000, None]}
    assert lines[3].fields["country"] == "EE"  # what was deleted is kept
    assert lines[4].details["did"] == "create"  # put back
    if db.backend == "postgresql":
        assert who.user_name == "postgres"  # the role the desk connects as


def test_a_refused_write_leaves_no_line(db: Database) -> None:
    records.create(db, City(name_en="Tartu", country="EE"))
    start = audit.latest_id(db)
    with pytest.raises(Conflict):
        save_record(db, City(name_en="Tartu", country="EE"))
    assert _lines(db, start) == []


def test_an_import_says_from_which_file(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "partners.csv"
    path.write_text("Name,Country\nTartu,EE\nTurku,FI\n", encoding="utf-8")
    options = ImportOptions(kind="cities")
    start = audit.latest_id(db)
    result = apply_import(db, plan_import(db, read_import(path, options), options))
    lines = _lines(db, start)
    assert lines[0].action == "import"
    assert lines[0].kind is None
    assert lines[0].details["file"] == "partners.csv"
    made = [(line.action, line.details.get("did"), line.summary) for line in lines[1:]]
    assert made == [("import", "create", "Tartu"), ("import", "create", "Turku")]
    assert result.step is not None
    before_undo = audit.latest_id(db)
    result.step.undo(db)
    assert {(line.action, line.details.get("did")) for line in _lines(db, before_undo)} == {
        ("undo", "delete")
    }


def test_certificates_issued_and_printed_are_on_record(db: Database) -> None:
    city = records.create(db, City(name_en="Tartu", country="EE"))
    award = records.create(
        db,
        Award(
            title_en="Friend of the City",
            recipient_kind=RecipientKind.CITY,
            recipient_city_id=city.id,
        ),
    )
    start = audit.latest_id(db)
    (first,) = issue_many(db, [award.id], LanguageMode.EN, "formal", "desk-a")
    issue_many(db, [award.id], LanguageMode.EN, "formal", "desk-b")
    lines = _lines(db, start)
    assert [(line.action, line.summary) for line in lines] == [
        ("certificate-issued", first.certificate.number),
        ("certificate-printed", first.certificate.number),
        ("certificate-printed", first.certificate.number),
    ]
    assert [line.details.get("reprint") for line in lines[1:]] == [False, True]
    assert {line.record_id for line in lines} == {first.certificate.id}


def test_exports_are_on_record(db: Database, tmp_path: Path) -> None:
    records.create(db, City(name_en="Tartu", country="EE"))
    start = audit.latest_id(db)
    counts = export_all(db, tmp_path / "all.xlsx", language="en")
    out = io.StringIO()
    url = db.url.render_as_string(hide_password=False)
    code = main(["--db", url, "export", "cities", "-o", str(tmp_path / "cities.csv")], out=out)
    assert code == 0, out.getvalue()
    lines = _lines(db, start)
    assert [(line.action, line.kind, line.summary) for line in lines] == [
        ("export", None, "all.xlsx"),
        ("export", "partnerships", "cities.csv"),  # the partner cities tab lists them
    ]
    assert lines[0].details["rows"] == sum(counts.values())
    assert lines[1].details["rows"] == 0
