"""Importing sheets made the way offices make them: title rows, Chinese headers, mixed dates,
duplicates across scripts, unknown countries, CSV in the encodings offices use; the
all-or-nothing rule, --skip-invalid, updates, undo; and the round trip of the whole
database through a workbook."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from exchange_desk.domain.dates import PartialDate
from exchange_desk.domain.declaration import FieldType
from exchange_desk.domain.enums import Direction, PartnershipTier
from exchange_desk.services import audit, records
from exchange_desk.services.exporting import export_all
from exchange_desk.services.importing import (
    ImportOptions,
    ImportRefused,
    OnDuplicate,
    RowStatus,
    apply_import,
    plan_import,
    read_import,
)
from exchange_desk.services.office import office_profile
from exchange_desk.services.record_sheets import importable_kinds
from exchange_desk.services.registry import DECLARED
from exchange_desk.storage.database import Database, open_database
from office_sheets import office_partner_sheet


def _plan(database: Database, path: Path, **options: Any) -> Any:
    chosen = ImportOptions(**options)
    return plan_import(database, read_import(path, chosen), chosen)


def _count(database: Database, kind: str) -> int:
    return len(records.all_records(database, kind))


def _cities_by_name(database: Database) -> dict[str, Any]:
    return {c.name_en: c for c in records.all_records(database, "cities")}


def test_an_office_sheet_with_an_error_imports_nothing(demo_db: Database, tmp_path: Path) -> None:
    path = office_partner_sheet(tmp_path / "友城.xlsx")
    before = {kind: _count(demo_db, kind) for kind in ("cities", "partnerships")}
    plan = _plan(demo_db, path)
    (sheet,) = plan.sheets
    assert sheet.kind == "partnerships"
    assert sheet.header_row == 4
    assert [c.target for c in sheet.columns] == [
        "city_id",
        "city_id.country",
        "tier",
        "established",
        "notes",
    ]
    statuses = {row.row: row.status for row in sheet.rows}
    assert statuses == {
        5: RowStatus.DUPLICATE,
        6: RowStatus.NEW,
        7: RowStatus.NEW,
        8: RowStatus.NEW,
        9: RowStatus.NEW,
        10: RowStatus.DUPLICATE,
        11: RowStatus.ERROR,
    }
    augsburg = next(row for row in sheet.rows if row.row == 5)
    assert augsburg.match is not None
    assert augsburg.match.record_id is not None
    assert "Augsburg" in augsburg.match.describe()
    again = next(row for row in sheet.rows if row.row == 10)
    assert again.match is not None
    assert again.match.row == 6
    (error,) = [row for row in sheet.rows if row.status is RowStatus.ERROR]
    assert any("国家" in p and "亚特兰蒂斯" in p for p in error.problems), error.problems
    with pytest.raises(ImportRefused) as refused:
        apply_import(demo_db, plan)
    assert "row 11" in refused.value.user_message()
    assert {kind: _count(demo_db, kind) for kind in before} == before


def test_skip_invalid_writes_the_valid_rows_with_their_values(
    demo_db: Database, tmp_path: Path
) -> None:
    path = office_partner_sheet(tmp_path / "partners.xlsx")
    cities_before = _count(demo_db, "cities")
    plan = _plan(demo_db, path, skip_invalid=True)
    result = apply_import(demo_db, plan)
    assert result.created == {"cities": 4, "partnerships": 4}
    assert result.skipped == 2
    assert len(result.errors) == 1
    assert "亚特兰蒂斯" in result.errors[0]
    assert result.backup is not None
    assert result.backup.exists()
    assert _count(demo_db, "cities") == cities_before + 4
    cities = _cities_by_name(demo_db)
    assert cities["Tampere"].country == "FI"
    assert cities["Kraków"].country == "PL"
    assert cities["Graz"].country == "AT"
    by_city = {p.city_id: p for p in records.all_records(demo_db, "partnerships")}
    tampere = by_city[cities["Tampere"].id]
    assert tampere.tier is PartnershipTier.FRIENDLY_COOPERATIVE_CITY
    assert tampere.established == PartialDate(2004, 9, 3)
    assert by_city[cities["Kraków"].id].established == PartialDate(2004, 9, 3)
    assert by_city[cities["Kraków"].id].tier is PartnershipTier.SISTER_CITY
    assert by_city[cities["Kraków"].id].notes == "dotted, day first"
    assert by_city[cities["Turku"].id].established == PartialDate(2011, 5, 6)
    assert by_city[cities["Graz"].id].established == PartialDate(2004, 9)


def test_an_import_is_undone_and_redone_as_one_step(demo_db: Database, tmp_path: Path) -> None:
    path = office_partner_sheet(tmp_path / "partners.xlsx")
    before = {kind: _count(demo_db, kind) for kind in ("cities", "partnerships")}
    result = apply_import(demo_db, _plan(demo_db, path, skip_invalid=True))
    assert result.step is not None
    assert "8" in result.step.text
    undone = result.step.undo(demo_db)
    assert {kind: _count(demo_db, kind) for kind in before} == before
    assert undone.deleted["partnerships"] == result.changes.created["partnerships"]
    result.step.redo(demo_db)
    assert _count(demo_db, "partnerships") == before["partnerships"] + 4
    assert "Tampere" in _cities_by_name(demo_db)


def test_update_sets_only_what_the_row_gives(demo_db: Database, tmp_path: Path) -> None:
    cities = _cities_by_name(demo_db)
    augsburg = cities["Augsburg"]
    partnership = next(
        p for p in records.all_records(demo_db, "partnerships") if p.city_id == augsburg.id
    )
    path = tmp_path / "notes.csv"
    path.write_text("City,Notes\nAugsburg,Renewed in 2018\n", encoding="utf-8")
    plan = _plan(demo_db, path, kind="partnerships", on_duplicate=OnDuplicate.UPDATE)
    assert [row.status for row in plan.sheets[0].rows] == [RowStatus.UPDATE]
    result = apply_import(demo_db, plan)
    assert result.updated == {"partnerships": 1}
    stored = records.get_record(demo_db, "partnerships", partnership.id)
    assert stored.notes == "Renewed in 2018"
    assert stored.tier == partnership.tier
    assert stored.established == partnership.established
    assert result.step is not None
    result.step.undo(demo_db)
    assert records.get_record(demo_db, "partnerships", partnership.id).notes == partnership.notes


def test_a_gb18030_csv_of_delegations(demo_db: Database, tmp_path: Path) -> None:
    path = tmp_path / "团组.csv"
    text = (
        "出访/来访,城市,日期,团长,人数,事由\r\n"
        "出访,克法尔萨巴,2019年3月,王市长,6,十周年庆祝\r\n"
        "来访,Augsburg,2019/4/2,Eva Weber,约12,经贸洽谈\r\n"
    )
    path.write_bytes(text.encode("gb18030"))
    plan = _plan(demo_db, path)
    assert plan.encoding in ("gb18030", "gbk", "gb2312")
    (sheet,) = plan.sheets
    assert sheet.kind == "delegations"
    assert [row.status for row in sheet.rows] == [RowStatus.NEW, RowStatus.NEW]
    before = _count(demo_db, "delegations")
    apply_import(demo_db, plan)
    assert _count(demo_db, "delegations") == before + 2
    made = [d for d in records.all_records(demo_db, "delegations") if d.leader == "Eva Weber"]
    (weber,) = made
    assert weber.direction is Direction.INCOMING
    assert weber.start_date == PartialDate(2019, 4, 2)
    assert weber.members == 12
    assert weber.purpose == "经贸洽谈"


def test_a_hebrew_csv_of_organizations(demo_db: Database, tmp_path: Path) -> None:
    path = tmp_path / "ארגונים.csv"
    text = "שם הארגון,סוג,עיר\r\nמקהלת הנוער של כפר סבא,מקהלה,כפר סבא\r\n"
    path.write_bytes(text.encode("cp1255"))
    plan = _plan(demo_db, path)
    assert plan.encoding == "cp1255"
    (sheet,) = plan.sheets
    assert sheet.kind == "organizations"
    (row,) = sheet.rows
    assert row.status is RowStatus.NEW, row.problems
    apply_import(demo_db, plan)
    (made,) = [
        o
        for o in records.all_records(demo_db, "organizations")
        if o.name_he.startswith("מקהלת") and "הנוער" in o.name_he
    ]
    # No English name was given: the Hebrew one stands in, and the row said so.
    assert made.name_en == "מקהלת הנוער של כפר סבא"
    assert any("English" in note for note in row.notes)
    kfar_saba = _cities_by_name(demo_db)["Kfar Saba"]
    assert made.city_id == kfar_saba.id


def test_names_that_look_like_formulas_are_text(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "cities.csv"
    path.write_text("Name,Country\n=1+2,DE\n@SUM(A1),FR\n", encoding="utf-8")
    result = apply_import(db, _plan(db, path, kind="cities"))
    assert result.created == {"cities": 2}
    assert set(_cities_by_name(db)) == {"=1+2", "@SUM(A1)"}


def test_partnerships_on_an_empty_database_need_the_home_city(
    sqlite_db: Database, tmp_path: Path
) -> None:
    path = office_partner_sheet(tmp_path / "partners.xlsx")
    plan = _plan(sqlite_db, path, skip_invalid=True)
    assert plan.problems
    assert "home city" in plan.problems[0]
    with pytest.raises(ImportRefused):
        apply_import(sqlite_db, plan)
    plan = _plan(sqlite_db, path, skip_invalid=True, home_city="济南")
    assert not plan.problems
    apply_import(sqlite_db, plan)
    home = records.get_record(sqlite_db, "cities", office_profile(sqlite_db).home_city_id)
    assert (home.name_zh, home.country) == ("济南", "CN")
    # The Chinese name stands in for the English one until it is added.
    assert home.name_en == "济南"


def _comparable(database: Database, kind: str) -> list[dict[str, Any]]:
    """A kind's records without ids and images, references replaced by the names of what
    they name: what must survive a round trip."""
    declaration = DECLARED[kind]

    def name_of(target: str, record_id: int | None) -> Any:
        if record_id is None:
            return None
        other = records.get_record(database, target, record_id)
        return tuple(getattr(other, c) for c in DECLARED[target].name_columns)

    found = []
    for record in records.all_records(database, kind):
        values: dict[str, Any] = {}
        for item in declaration.fields:
            value = getattr(record, item.name)
            if item.type is FieldType.IMAGE:
                continue
            if item.type is FieldType.REFERENCE:
                value = name_of(item.kind or "", value)
            elif item.type is FieldType.REFERENCES:
                value = sorted(name_of(item.kind or "", v) for v in value)
            elif item.type is FieldType.PARTICIPANTS:
                value = sorted((name_of("organizations", p.organization_id), p.role) for p in value)
            elif item.type is FieldType.AREAS:
                value = sorted(value)
            values[item.name] = value
        found.append(values)
    return sorted(found, key=repr)


@pytest.mark.parametrize("language", ["en", "zh_CN", "he"])
def test_the_whole_database_survives_a_round_trip(
    demo_db: Database, tmp_path: Path, language: str
) -> None:
    path = tmp_path / f"office-{language}.xlsx"
    # People's passport data too: the export that asks for it is the whole database.
    counts = export_all(demo_db, path, language=language, sensitive=True)
    assert counts["delegations"] == _count(demo_db, "delegations")
    target = open_database(tmp_path / "empty.sqlite")
    try:
        plan = _plan(target, path, home_city="Jinan")
        assert plan.ok, plan.error_lines()[:5]
        result = apply_import(target, plan)
        assert result.skipped == 0
        for kind in importable_kinds():
            assert _comparable(target, kind) == _comparable(demo_db, kind), kind
        home = records.get_record(target, "cities", office_profile(target).home_city_id)
        assert home.name_en == "Jinan"
    finally:
        target.dispose()


def test_an_export_leaves_passport_data_out_unless_asked(demo_db: Database, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    plain, full = tmp_path / "plain.xlsx", tmp_path / "full.xlsx"
    export_all(demo_db, plain, language="en")
    export_all(demo_db, full, language="en", sensitive=True)

    def people_sheet(path: Path) -> list[list[object]]:
        book = load_workbook(path, read_only=True)
        rows = [list(row) for row in book["people"].iter_rows(values_only=True)]
        book.close()
        return rows

    plain_rows, full_rows = people_sheet(plain), people_sheet(full)
    assert "Passport number" not in plain_rows[0]
    assert not any("S0000001" in map(str, row) for row in plain_rows)
    assert "Passport number" in full_rows[0]
    assert any("S0000001" in map(str, row) for row in full_rows)
    exports = [
        e
        for e in audit.entries_since(demo_db, 0, include_own=True)
        if e.action == audit.Action.EXPORT
    ]
    assert [e.details.get("sensitive", False) for e in exports[-2:]] == [False, True]


def test_a_second_import_of_the_same_file_finds_only_duplicates(
    demo_db: Database, tmp_path: Path
) -> None:
    path = tmp_path / "office.xlsx"
    export_all(demo_db, path, language="en")
    plan = _plan(demo_db, path)
    counts = plan.counts()
    assert counts[RowStatus.NEW] == 0
    assert counts[RowStatus.ERROR] == 0
    result = apply_import(demo_db, plan)
    assert result.step is None
    assert result.backup is None
    assert result.skipped == sum(_count(demo_db, kind) for kind in importable_kinds())


def test_a_dry_run_writes_nothing(demo_db: Database, tmp_path: Path) -> None:
    path = office_partner_sheet(tmp_path / "partners.xlsx")
    before = _count(demo_db, "cities")
    result = apply_import(demo_db, _plan(demo_db, path, skip_invalid=True), dry_run=True)
    assert result.dry_run
    assert result.created == {"cities": 4, "partnerships": 4}
    assert _count(demo_db, "cities") == before
    assert result.backup is None


def test_a_remembered_mapping_is_used_for_the_next_file(demo_db: Database, tmp_path: Path) -> None:
    path = tmp_path / "odd.csv"
    path.write_text("Stadt,Land\nTampere,FI\n", encoding="utf-8")
    plan = _plan(demo_db, path, kind="cities")
    assert [c.target for c in plan.sheets[0].columns] == [None, None]
    chosen = {"odd": {0: "@name", 1: "country"}}
    sheet_name = plan.sheets[0].sheet
    chosen = {sheet_name: {0: "@name", 1: "country"}}
    plan = _plan(demo_db, path, kind="cities", mappings=chosen)
    apply_import(demo_db, plan)
    again = tmp_path / "odd2.csv"
    again.write_text("Stadt,Land\nTurku,FI\n", encoding="utf-8")
    plan = _plan(demo_db, again, kind="cities")
    columns = plan.sheets[0].columns
    assert [c.target for c in columns] == ["@name", "country"]
    assert all(c.remembered for c in columns)


def test_errors_name_row_and_column(demo_db: Database, tmp_path: Path) -> None:
    path = tmp_path / "delegations.csv"
    path.write_text(
        "Direction,City,Start,Members\n"
        "sideways,Kfar Saba,2018-13-45,many\n"
        "incoming,Nowhere Town,2018,3\n",
        encoding="utf-8",
    )
    plan = _plan(demo_db, path, kind="delegations")
    first, second = plan.sheets[0].rows
    assert first.status is RowStatus.ERROR
    assert second.status is RowStatus.ERROR
    text = " ".join(first.problems)
    assert "Direction" in text
    assert "Start" in text
    assert "Members" in text
    assert "Nowhere Town" in " ".join(second.problems)
    lines = plan.error_lines()
    assert any("row 2" in line for line in lines)
    assert any("row 3" in line for line in lines)


def test_a_record_refers_to_one_made_by_the_same_workbook(db: Database, tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    cities = book.active
    cities.title = "Cities"
    cities.append(["Name (English)", "Name (Chinese)", "Country"])
    cities.append(["Augsburg", "奥格斯堡", "DE"])
    bodies = book.create_sheet("Organizations")
    bodies.append(["Name", "Kind", "City"])
    bodies.append(["Augsburg Philharmonic", "art group", "奥格斯堡"])
    path = tmp_path / "two.xlsx"
    book.save(path)
    plan = _plan(db, path)
    assert [s.kind for s in plan.sheets] == ["cities", "organizations"]
    apply_import(db, plan)
    (city,) = records.all_records(db, "cities")
    (body,) = records.all_records(db, "organizations")
    assert body.city_id == city.id


def test_plan_rows_keep_the_records_fields(demo_db: Database, tmp_path: Path) -> None:
    path = office_partner_sheet(tmp_path / "partners.xlsx")
    plan = _plan(demo_db, path, skip_invalid=True)
    new = [row for row in plan.sheets[0].rows if row.status is RowStatus.NEW]
    assert all(dataclasses.is_dataclass(row.record) for row in new)
    assert all(row.summary for row in new)


def test_bad_cells_are_errors_naming_their_column(demo_db: Database, tmp_path: Path) -> None:
    """A formula giving #REF!, a 10,000-character name, a date where a number belongs."""
    import xlsxwriter

    path = tmp_path / "bad cells.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Cities")
    sheet.write_row(0, 0, ["Name", "Country", "Population"])
    sheet.write_row(1, 0, ["Tampere", "FI", 240000])
    sheet.write(2, 0, "Turku")
    sheet.write(2, 1, "FI")
    sheet.write_formula(2, 2, "=#REF!*2", None, "#REF!")
    sheet.write_row(3, 0, ["x" * 10_000, "FI", 1])
    sheet.write_row(4, 0, ["Espoo", "FI", "many"])
    book.close()
    plan = _plan(demo_db, path, kind="cities")
    rows = {row.row: row for row in plan.sheets[0].rows}
    assert rows[2].status is RowStatus.NEW
    assert rows[3].status is RowStatus.ERROR
    assert "#REF!" in rows[3].problems[0]
    assert "Population" in rows[3].problems[0]
    assert rows[4].status is RowStatus.ERROR
    assert any("Name" in p for p in rows[4].problems)
    assert rows[5].status is RowStatus.ERROR
    assert "many" in rows[5].problems[0]
    before = _count(demo_db, "cities")
    with pytest.raises(ImportRefused):
        apply_import(demo_db, plan)
    assert _count(demo_db, "cities") == before


def test_csv_export_and_import_keep_formula_like_names_exactly(
    sqlite_db: Database, tmp_path: Path
) -> None:
    """What the export neutralises with an apostrophe, the import takes back: the names come
    back exactly as typed, an apostrophe of their own included."""
    from exchange_desk.services.spreadsheets import SheetColumn, SheetTable, write_csv

    names = ["=1+2", "@SUM(A1)", "-minus", "'=quoted", "'plain"]
    path = tmp_path / "names.csv"
    table = SheetTable(
        "Cities",
        (SheetColumn("Name", "text"), SheetColumn("Country", "country")),
        [(name, "DE") for name in names],
    )
    write_csv(table, path)
    assert "'=1+2" in path.read_text(encoding="utf-8-sig")
    apply_import(sqlite_db, _plan(sqlite_db, path, kind="cities"))
    assert sorted(_cities_by_name(sqlite_db)) == sorted(names)


def test_a_repeated_row_names_the_row_it_repeats(demo_db: Database, tmp_path: Path) -> None:
    path = office_partner_sheet(tmp_path / "partners.xlsx")
    plan = _plan(demo_db, path)
    again = next(row for row in plan.sheets[0].rows if row.row == 10)
    assert again.match is not None
    assert "row 6 (Tampere" in again.match.describe()
