"""Text that cannot trick anyone: direction controls (U+202A-U+202E, U+2066-U+2069) leave
every text field on save, with a notice; marks (LRM, RLM) stay only between runs of different
direction; an import says which cells it cleaned and how many; `db check` names the values
an older version stored with them.

"evil name" typed between a right-to-left override and a pop is shown as "live name": the
override reverses what follows. What is stored is the text in the order it was typed,
"evil name", which is also what search, documents and the other desks see.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QMessageBox
from sqlalchemy import text

from exchange_desk.domain.enums import OrganizationKind
from exchange_desk.domain.records import City, Organization
from exchange_desk.domain.text_rules import clean_text, direction_characters
from exchange_desk.services import records
from exchange_desk.services.database import check_database
from exchange_desk.services.importing import ImportOptions, apply_import, plan_import, read_import
from exchange_desk.services.office import (
    cleaned_profile_fields,
    office_profile,
    save_office_profile,
)
from exchange_desk.services.records import ListQuery, list_records
from exchange_desk.storage.database import Database

RLO, PDF, RLI, PDI, LRE = "\u202e", "\u202c", "\u2067", "\u2069", "\u202a"
LRM, RLM = "\u200e", "\u200f"
TRICK = f"{RLO}evil{PDF} name"


# --- the rule ------------------------------------------------------------------------------


def test_the_override_goes_and_the_letters_stay_in_their_typed_order() -> None:
    assert clean_text(TRICK) == ("evil name", True)
    assert direction_characters(TRICK) == ["U+202E", "U+202C"]


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        # Every control goes, embeddings and isolates too.
        (f"{LRE}Kfar Saba{PDF}", "Kfar Saba"),
        (f"{RLI}כפר סבא{PDI} 2018", "כפר סבא 2018"),
        ("\u202b\u202d\u2066\u2068x", "x"),
        # A mark between runs of different direction decides where the space goes: kept.
        (f"ORT{RLM} כפר סבא", f"ORT{RLM} כפר סבא"),
        (f"כפר סבא{LRM} ORT", f"כפר סבא{LRM} ORT"),
        # At either end, or between two runs of one direction, it decides nothing.
        (f"{RLM}שלום", "שלום"),
        (f"Kfar Saba{LRM}", "Kfar Saba"),
        (f"Kfar{LRM}Saba", "KfarSaba"),
        (f"כפר{RLM} סבא", "כפר סבא"),
        # Two marks in a row are one.
        (f"ORT{RLM}{RLM} כפר", f"ORT{RLM} כפר"),
        # Judged as stored: a control between them does not make two runs out of one.
        (f"ORT{RLO}{RLM}{PDF}כפר", f"ORT{RLM}כפר"),
    ],
)
def test_what_is_kept(typed: str, stored: str) -> None:
    assert clean_text(typed) == (stored, typed != stored)


def test_text_without_them_comes_back_as_it_is() -> None:
    name = "Kfar Saba · כפר סבא · 克法尔萨巴"
    cleaned, removed = clean_text(name)
    assert cleaned is name
    assert not removed
    assert direction_characters(name) == []


# --- saving ------------------------------------------------------------------------------


def test_a_saved_name_loses_the_override_on_both_backends(db: Database) -> None:
    new = City(name_en=TRICK, name_he=f"{RLI}כפר סבא{PDI}", country="IL")
    assert records.cleaned_text_fields(new) == ("name_en", "name_he")
    stored = records.create(db, new)
    assert (stored.name_en, stored.name_he) == ("evil name", "כפר סבא")
    again = records.get_record(db, "cities", stored.id)
    assert (again.name_en, again.name_he) == ("evil name", "כפר סבא")
    # Found by what it is, and no longer by what it looked like.
    assert list_records(db, "cities", ListQuery(search="evil")).total == 1
    assert list_records(db, "cities", ListQuery(search="live")).total == 0


def test_an_update_and_a_long_text_are_cleaned_too(db: Database) -> None:
    stored = records.create(
        db, Organization(name_en="Kfar Saba Orchestra", kind=OrganizationKind.ART_GROUP)
    )
    typed = replace(stored, notes=f"Line one{RLO}\nline two{PDF}")
    assert records.cleaned_text_fields(typed) == ("notes",)
    changed = records.update(db, typed)
    assert changed.notes == "Line one\nline two"
    assert records.get_record(db, "organizations", stored.id).notes == "Line one\nline two"


def test_spaces_the_controls_hid_at_the_ends_of_a_name_go_too(db: Database) -> None:
    stored = records.create(db, City(name_en=f"{RLO} Kfar Saba {PDF}", country="IL"))
    assert stored.name_en == "Kfar Saba"


def test_a_name_of_nothing_but_controls_is_empty_and_refused(db: Database) -> None:
    from exchange_desk.domain.errors import InvalidInput

    with pytest.raises(InvalidInput) as refused:
        records.create(db, City(name_en=f"{RLO}{PDF}", country="IL"))
    assert refused.value.for_field("name_en")


def test_the_notice_names_the_fields_as_the_detail_pane_does() -> None:
    assert records.cleaning_notice("cities", ("name_en",)) == (
        "Hidden direction characters were removed from Name (English)."
    )
    assert records.cleaning_notice("cities", ("name_en", "name_he")) == (
        "Hidden direction characters were removed from Name (English), Name (Hebrew)."
    )


# --- the dialog says so ------------------------------------------------------------------


def _boxes() -> list[QMessageBox]:
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox)]


@pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints")
def test_the_dialog_tells_which_field_was_cleaned(qtbot: Any, demo_db: Database) -> None:
    from exchange_desk.ui.fields import CountryCombo, TextEdit
    from exchange_desk.ui.record_dialog import RecordDialog

    dialog = RecordDialog(demo_db, "cities", None)
    qtbot.addWidget(dialog)
    name = dialog.editors["name_en"]
    assert isinstance(name, TextEdit)
    name.setText(f"{RLO}Testville{PDF}")
    country = dialog.editors["country"]
    assert isinstance(country, CountryCombo)
    country.set_value("IL")
    before = set(_boxes())
    box = dialog.findChild(QDialogButtonBox)
    assert box is not None
    box.button(QDialogButtonBox.StandardButton.Ok).click()
    qtbot.waitUntil(lambda: dialog.saving is None, timeout=20_000)
    assert dialog.saved_record is not None
    assert dialog.saved_record.name_en == "Testville"
    shown = [b for b in _boxes() if b not in before]
    assert len(shown) == 1
    assert shown[0].text() == "Hidden direction characters were removed from Name (English)."
    shown[0].close()
    QCoreApplication.processEvents()


@pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints")
def test_the_dialog_says_nothing_when_nothing_was_removed(qtbot: Any, demo_db: Database) -> None:
    from exchange_desk.ui.fields import CountryCombo, TextEdit
    from exchange_desk.ui.record_dialog import RecordDialog

    dialog = RecordDialog(demo_db, "cities", None)
    qtbot.addWidget(dialog)
    name = dialog.editors["name_en"]
    assert isinstance(name, TextEdit)
    name.setText(f"ORT{RLM} כפר סבא")
    country = dialog.editors["country"]
    assert isinstance(country, CountryCombo)
    country.set_value("IL")
    before = set(_boxes())
    box = dialog.findChild(QDialogButtonBox)
    assert box is not None
    box.button(QDialogButtonBox.StandardButton.Ok).click()
    qtbot.waitUntil(lambda: dialog.saving is None, timeout=20_000)
    assert dialog.saved_record is not None
    assert dialog.saved_record.name_en == f"ORT{RLM} כפר סבא"
    assert [b for b in _boxes() if b not in before] == []


# --- the office profile --------------------------------------------------------------------


def test_the_office_profile_is_cleaned_too(db: Database) -> None:
    # The signatory's name is on every certificate: an override would print it reversed.
    typed = replace(
        office_profile(db),
        signatory_he=f"{RLO}דנה לוי{PDF} ",
        foreword_en=f"Our year.\n{LRE}Kfar Saba{PDF} and Jinan.\n",
        phone="+972 9 123 4567",
    )
    assert cleaned_profile_fields(typed) == {
        "signatory_he": "דנה לוי",
        "foreword_en": "Our year.\nKfar Saba and Jinan.\n",  # its lines kept as typed
    }
    save_office_profile(db, typed)
    stored = office_profile(db)
    assert stored.signatory_he == "דנה לוי"
    assert stored.foreword_en == "Our year.\nKfar Saba and Jinan.\n"
    assert stored.phone == "+972 9 123 4567"


@pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints")
def test_the_profile_dialog_tells_which_field_was_cleaned(qtbot: Any, demo_db: Database) -> None:
    from exchange_desk.ui.profile_dialog import OfficeProfileDialog

    dialog = OfficeProfileDialog(demo_db)
    qtbot.addWidget(dialog)
    dialog.editors["signatory_he"].setText(f"{RLO}דנה לוי{PDF}")
    dialog.editors["office_name_en"].setText(f"{LRE}Foreign Affairs Office{PDF}")
    before = set(_boxes())
    assert dialog.save()
    qtbot.waitUntil(lambda: dialog.saving is None, timeout=20_000)
    assert dialog.saved_profile is not None
    assert office_profile(demo_db).signatory_he == "דנה לוי"
    shown = [b for b in _boxes() if b not in before]
    assert len(shown) == 1
    assert shown[0].text() == (
        "Hidden direction characters were removed from Office name (English), "
        "Signatory's name (Hebrew)."
    )
    shown[0].close()
    QCoreApplication.processEvents()


# --- importing -----------------------------------------------------------------------------


def test_an_import_says_which_cells_it_cleaned(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "cities.csv"
    path.write_text(
        f"Name,Country\n{TRICK},DE\nAugsburg,DE\n{RLI}Tampere{PDI},FI\n", encoding="utf-8"
    )
    options = ImportOptions(kind="cities")
    plan = plan_import(db, read_import(path, options), options)
    (sheet,) = plan.sheets
    notes = [row.notes for row in sheet.rows]
    assert notes[0] == ["Hidden direction characters were removed from Name."]
    assert notes[1] == []
    assert notes[2] == ["Hidden direction characters were removed from Name."]
    assert plan.cleaned_values() == 2
    assert plan.cleaned_line() == "Hidden direction characters were removed from 2 values."
    result = apply_import(db, plan)
    assert result.created == {"cities": 3}
    names = {city.name_en for city in records.all_records(db, "cities")}
    assert names == {"evil name", "Augsburg", "Tampere"}


def test_an_import_without_them_says_nothing(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "cities.csv"
    path.write_text("Name,Country\nAugsburg,DE\n", encoding="utf-8")
    options = ImportOptions(kind="cities")
    plan = plan_import(db, read_import(path, options), options)
    assert plan.cleaned_values() == 0
    assert plan.cleaned_line() == ""


# --- what an older version stored ----------------------------------------------------------


def test_db_check_lists_values_stored_with_them(db: Database) -> None:
    kept = records.create(db, City(name_en=f"ORT{RLM} כפר סבא", country="IL"))
    tricked = records.create(db, City(name_en="Augsburg", country="DE"))
    assert check_database(db).ok
    # As an older version or another program would have left it.
    with db.unit_of_work() as session:
        session.execute(
            text("UPDATE cities SET name_en = :name, region = :region WHERE id = :id"),
            {"name": TRICK, "region": f"Swabia{LRM}", "id": tricked.id},
        )
    report = check_database(db)
    assert not report.ok
    lines = [line for line in report.problems if "direction" in line]
    assert len(lines) == 2, report.problems
    assert any(
        line.startswith(f"city {tricked.id}, Name (English): ") and "U+202E, U+202C" in line
        for line in lines
    ), lines
    assert any(
        line.startswith(f"city {tricked.id}, Region: ") and "U+200E" in line for line in lines
    )
    assert not any(f"city {kept.id}," in line for line in lines)
    # Saved again, the record loses them, and the check is clean.
    records.update(db, records.get_record(db, "cities", tricked.id))
    assert records.get_record(db, "cities", tricked.id).name_en == "evil name"
    assert check_database(db).ok
