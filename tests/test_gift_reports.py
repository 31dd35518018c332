"""The declaration of gifts received in a year (`services.reports.gifts`): its figures against
the gifts stored here (a value equal to the threshold is declared, one below it is not,
another currency and no value cannot be compared, no threshold declares every gift), the
sheet read back with openpyxl, the PDF read back with pypdf in Chinese, English and Hebrew,
and `exchange-desk report gifts` and the report dialog writing either."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import bidi
import openpyxl
import pytest
from pypdf import PdfReader

from exchange_desk.cli import main
from exchange_desk.documents.fonts import FontLibrary
from exchange_desk.documents.report_pdf import render_report
from exchange_desk.domain.dates import PartialDate
from exchange_desk.domain.enums import (
    DeclarationStatus,
    GiftCategory,
    GiftDirection,
    GiftDisposition,
)
from exchange_desk.domain.errors import InvalidInput
from exchange_desk.domain.records import City, Gift, Person
from exchange_desk.domain.reports import Chapter, Facts, Note, Paragraph, Report, Table
from exchange_desk.services import reports
from exchange_desk.services.office import office_profile, save_office_profile
from exchange_desk.services.records import create
from exchange_desk.services.report_choices import gift_years
from exchange_desk.storage.database import Database

FONTS = FontLibrary(system_dirs=[])
YEAR = 2025
VASE = {"en": "Porcelain vase", "zh": "青花瓷瓶", "he": "אגרטל חרסינה"}
LI = {"en": "Li Wei", "zh": "李伟", "he": "לי ויי"}
TITLE = {"en": "Declaration of gifts received 2025"}


@dataclass(frozen=True)
class Office:
    """The records of one test office: a partner city, two officials and the gifts."""

    li: int  # official with the vase (500, equal to the threshold) and the 499.99 bowl
    noa: int  # official with the USD scroll and the unvalued tea
    gifts: dict[str, int]


def _gift(**values: object) -> Gift:
    base: dict[str, object] = {
        "given_on": PartialDate.parse(f"{YEAR}-03-15"),
        "direction": GiftDirection.RECEIVED,
        "description_en": "gift",
        "category": GiftCategory.OTHER,
        "currency": "CNY",
        "declaration_status": DeclarationStatus.TO_DECLARE,
    }
    base.update(values)
    return Gift(**base)  # type: ignore[arg-type]


def _office(database: Database, *, threshold: float | None = 500.0) -> Office:
    save_office_profile(
        database,
        replace(
            office_profile(database),
            gift_threshold=threshold,
            gift_currency="CNY" if threshold is not None else "",
        ),
    )
    city = create(
        database, City(name_en="Kfar Saba", name_zh="克法尔萨巴", name_he="כפר סבא", country="IL")
    )
    assert city.id is not None
    li = create(database, Person(name=LI["en"], name_zh=LI["zh"], name_he=LI["he"]))
    noa = create(database, Person(name="Noa Cohen", name_zh="诺亚·科恩", name_he="נועה כהן"))
    assert li.id is not None
    assert noa.id is not None
    specs = {
        # Equal to the threshold: declared.
        "vase": _gift(
            description_en=VASE["en"],
            description_zh=VASE["zh"],
            description_he=VASE["he"],
            category=GiftCategory.PORCELAIN,
            partner_city_id=city.id,
            official_person_id=li.id,
            estimated_value=500.0,
            disposition=GiftDisposition.DISPLAYED,
            declaration_status=DeclarationStatus.DECLARED,
            declared_on=dt.date(YEAR, 4, 2),
            declaration_reference="GD-7",
        ),
        # A cent below: not declared.
        "bowl": _gift(
            description_en="Olive wood bowl",
            official_person_id=li.id,
            estimated_value=499.99,
            declaration_status=DeclarationStatus.NOT_REQUIRED,
        ),
        # Well above, in December, sample data.
        "plaque": _gift(
            given_on=PartialDate.parse(f"{YEAR}-12"),
            description_en="Silver plaque",
            official_person_id=li.id,
            estimated_value=2600.0,
            is_sample=True,
        ),
        # Another currency: cannot be compared.
        "scroll": _gift(
            description_en="Silk scroll",
            official_person_id=noa.id,
            estimated_value=900.0,
            currency="USD",
        ),
        # No value: cannot be compared.
        "tea": _gift(description_en="Tea", official_person_id=noa.id),
        # Received by the office itself.
        "medal": _gift(description_en="Conference medal", estimated_value=800.0),
        # Not in the declaration: given by us, or received another year.
        "given": _gift(
            description_en="Tea set",
            direction=GiftDirection.GIVEN,
            estimated_value=9000.0,
            declaration_status=DeclarationStatus.NOT_REQUIRED,
        ),
        "last_year": _gift(
            given_on=PartialDate.parse(f"{YEAR - 1}-12-31"),
            description_en="Old clock",
            official_person_id=li.id,
            estimated_value=5000.0,
        ),
    }
    ids = {}
    for name, gift in specs.items():
        stored = create(database, gift)
        assert stored.id is not None
        ids[name] = stored.id
    return Office(li.id, noa.id, ids)


def _chapter(report: Report, title: str) -> Chapter:
    return next(chapter for chapter in report.chapters if chapter.title == title)


def _facts(report: Report) -> dict[str, str]:
    summary = report.chapters[0]
    facts = next(block for block in summary.blocks if isinstance(block, Facts))
    return dict(facts.pairs)


def _table(chapter: Chapter) -> Table:
    return next(block for block in chapter.blocks if isinstance(block, Table))


def _texts(report: Report) -> str:
    found = []
    for chapter in report.chapters:
        found.append(chapter.title)
        for block in chapter.blocks:
            if isinstance(block, Paragraph):
                found.append(block.text)
    return "\n".join(found)


# --- the figures ---------------------------------------------------------------------------


def test_the_declaration_counts_the_threshold_edge_and_sets_apart_what_cannot_be_compared(
    db: Database,
) -> None:
    _office(db)
    report = reports.gift_declaration(db, YEAR, "en")
    assert report.title == TITLE["en"]
    facts = _facts(report)
    assert facts["Threshold"] == "500 CNY"
    # Received in the year: vase, bowl, plaque, scroll, tea, medal (not the gift given, not
    # last year's clock).
    assert facts[f"Gifts received in {YEAR}"] == "6"
    # Declared: the vase (= threshold), the plaque and the medal; the bowl is a cent short.
    assert facts["Gifts to declare"] == "3"
    assert facts["Total value"] == "3,900 CNY"
    assert facts["Not yet declared"] == "2"  # the plaque and the medal
    assert facts["Value cannot be compared with the threshold"] == "2"
    # A chapter per official, the office itself last, then the gifts set apart.
    titles = [chapter.title for chapter in report.chapters]
    assert titles == [
        "Summary",
        "Li Wei",
        "The office itself",
        "Gifts whose value cannot be compared with the threshold",
    ]
    li = _table(_chapter(report, "Li Wei"))
    assert li.columns[4] == "Value (CNY)"
    described = [row[1] for row in li.rows]
    assert described == [VASE["en"], "Silver plaque *", ""]  # the bowl is a cent short
    vase, plaque, total = li.rows
    assert vase[4] == "500"
    assert plaque[4] == "2,600"
    assert vase[5] == "on display"
    assert vase[6].split("\n") == ["declared", "Apr 2, 2025", "GD-7"]
    assert total[0] == "Total"
    assert total[4] == "3,100"
    assert li.strong == frozenset({2})
    assert li.muted == frozenset({1})
    assert vase[2] == "Kfar Saba"  # the giver: the partner city
    unvalued = _table(_chapter(report, "Gifts whose value cannot be compared with the threshold"))
    assert [(row[1], row[2], row[5]) for row in unvalued.rows] == [
        ("Noa Cohen", "Silk scroll", "900 USD"),
        ("Noa Cohen", "Tea", "not estimated"),
    ]
    # The sample plaque is marked and noted, as in the other reports.
    notes = [b.text for b in _chapter(report, "Li Wei").blocks if isinstance(b, Note)]
    assert notes == ["* Sample record: invented for the demonstration data, not a fact."]


def test_without_a_threshold_every_gift_received_is_declared(sqlite_db: Database) -> None:
    _office(sqlite_db, threshold=None)
    report = reports.gift_declaration(sqlite_db, YEAR, "en")
    facts = _facts(report)
    assert facts["Threshold"] == "every gift received"
    assert facts[f"Gifts received in {YEAR}"] == facts["Gifts to declare"] == "6"
    # Values in two currencies are never added into one sum.
    assert facts["Total value"] == "4,399.99 CNY + 900 USD"
    assert "Value cannot be compared with the threshold" not in facts
    assert not any("cannot be compared" in chapter.title for chapter in report.chapters)
    noa = _table(_chapter(report, "Noa Cohen"))
    # Her gifts are valued in dollars only: the column's title says so.
    assert noa.columns[4] == "Value (USD)"
    assert [row[4] for row in noa.rows] == ["900", "not estimated", "900"]
    li = _table(_chapter(report, "Li Wei"))
    assert [row[4] for row in li.rows] == ["500", "499.99", "2,600", "3,599.99"]


def test_a_year_without_gifts_to_declare_says_so(sqlite_db: Database) -> None:
    _office(sqlite_db)
    report = reports.gift_declaration(sqlite_db, YEAR + 1, "en")
    facts = _facts(report)
    assert facts["Gifts to declare"] == "0"
    assert facts[f"Gifts received in {YEAR + 1}"] == "0"
    assert f"No gift received in {YEAR + 1} is to be declared." in _texts(report)
    unvalued = _table(report.chapters[-1])
    assert not unvalued.rows
    assert (
        unvalued.empty_text == f"Every gift received in {YEAR + 1} has an estimated value in CNY."
    )
    pdf = render_report(report, fonts=FONTS)
    assert f"No gift received in {YEAR + 1} is to be declared." in _pdf_text(pdf)


def test_years_offered_are_those_with_gifts_received(sqlite_db: Database) -> None:
    _office(sqlite_db)
    assert gift_years(sqlite_db) == [YEAR, YEAR - 1]


def test_a_year_out_of_range_is_refused(sqlite_db: Database) -> None:
    with pytest.raises(InvalidInput):
        reports.gift_declaration(sqlite_db, 12000, "en")


# --- the PDF -------------------------------------------------------------------------------


def _pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def _shows(text: str, words: str) -> bool:
    """Whether the extracted text holds `words`, in logical or in visual (drawn) order."""
    return words in text or bidi.get_display(words, base_dir="R") in text


@pytest.mark.parametrize("language", ["zh", "en", "he"])
def test_the_pdf_reads_back_in_each_language(sqlite_db: Database, language: str) -> None:
    _office(sqlite_db)
    report = reports.gift_declaration(sqlite_db, YEAR, language)
    pdf = render_report(report, fonts=FONTS)
    text = _pdf_text(pdf)
    assert _shows(text, VASE[language])
    assert _shows(text, LI[language])
    for figure in ("3,100", "2,600", "900 USD", "GD-7"):
        assert figure in text, figure
    assert "Olive wood bowl" not in text
    assert len(PdfReader(io.BytesIO(pdf)).pages) >= 3  # cover, contents, the declaration


# --- the sheet -----------------------------------------------------------------------------


def test_the_sheet_reads_back_with_numbers_dates_and_a_frozen_header(
    sqlite_db: Database, tmp_path: Path
) -> None:
    _office(sqlite_db)
    path = reports.write_gift_declaration_sheet(sqlite_db, YEAR, "en", tmp_path / "gifts")
    assert path.suffix == ".xlsx"
    sheet = openpyxl.load_workbook(path).active
    assert sheet is not None
    assert sheet.freeze_panes == "A2"
    header = [cell.value for cell in sheet[1]]
    assert header[:8] == [
        "Official",
        "Date",
        "Gift",
        "Category",
        "Giver",
        "Occasion",
        "Value",
        "Currency",
    ]
    rows = {
        row[2]: dict(zip(header, row, strict=False))
        for row in sheet.iter_rows(min_row=2, values_only=True)
    }
    assert set(rows) == {VASE["en"], "Silver plaque", "Conference medal", "Silk scroll", "Tea"}
    vase = rows[VASE["en"]]
    assert vase["Official"] == "Li Wei"
    assert vase["Value"] == 500
    assert isinstance(vase["Value"], int | float)
    assert vase["Date"] == dt.datetime(YEAR, 3, 15)
    assert vase["Declared on"] == dt.datetime(YEAR, 4, 2)
    assert vase["Declaration"] == "declared"
    assert vase["Reference"] == "GD-7"
    assert rows["Silver plaque"]["Date"] == f"{YEAR}-12"  # a month stays a month
    assert rows["Silver plaque"]["Sample"] == "Sample"
    assert rows["Conference medal"]["Official"] == "The office itself"
    scroll, tea = rows["Silk scroll"], rows["Tea"]
    assert scroll["Official"] == "Noa Cohen"
    assert scroll["Value"] == 900
    assert scroll["Currency"] == "USD"
    assert scroll["Note"] == tea["Note"] == "value cannot be compared with the threshold"
    assert tea["Value"] is None
    assert tea["Currency"] is None


def test_the_hebrew_sheet_runs_right_to_left(sqlite_db: Database, tmp_path: Path) -> None:
    _office(sqlite_db)
    path = reports.write_gift_declaration_sheet(sqlite_db, YEAR, "he", tmp_path / "gifts.xlsx")
    sheet = openpyxl.load_workbook(path).active
    assert sheet is not None
    assert sheet.sheet_view.rightToLeft
    assert VASE["he"] in [row[2] for row in sheet.iter_rows(min_row=2, values_only=True)]


# --- the command line ----------------------------------------------------------------------


def test_the_command_writes_the_pdf_or_the_sheet(sqlite_url: str, tmp_path: Path) -> None:
    from exchange_desk.storage.database import open_database

    database = open_database(sqlite_url)
    _office(database)
    database.dispose()
    db_path = sqlite_url.removeprefix("sqlite:///")
    for name in ("gifts.pdf", "gifts.xlsx"):
        out = io.StringIO()
        target = tmp_path / name
        argv = ["report", "gifts", "--year", str(YEAR), "--lang", "zh", "-o", str(target)]
        assert main([*argv, "--db", db_path], out=out) == 0
        assert str(target) in out.getvalue()
        assert target.exists()
    assert _shows(_pdf_text((tmp_path / "gifts.pdf").read_bytes()), VASE["zh"])
    sheet = openpyxl.load_workbook(tmp_path / "gifts.xlsx").active
    assert sheet is not None
    assert VASE["zh"] in [row[2] for row in sheet.iter_rows(min_row=2, values_only=True)]


# --- the report dialog ---------------------------------------------------------------------


@pytest.mark.parametrize("name", ["gifts.xlsx", "gifts.pdf"])
def test_the_report_dialog_writes_the_declaration(
    qtbot: Any, sqlite_db: Database, tmp_path: Path, name: str
) -> None:
    from PySide6.QtCore import QThreadPool

    from exchange_desk.ui.report_dialog import GIFTS, ReportDialog

    _office(sqlite_db)
    dialog = ReportDialog(sqlite_db, GIFTS)
    dialog.open_when_done = False
    qtbot.addWidget(dialog)
    # The years in which gifts were received, the newest first.
    assert dialog.year_box is not None
    years = [dialog.year_box.itemData(i) for i in range(dialog.year_box.count())]
    assert years == [YEAR, YEAR - 1]
    assert dialog.year() == YEAR
    dialog.language_box.setCurrentIndex(dialog.language_box.findData("he"))
    dialog.start(tmp_path / name)
    qtbot.waitUntil(
        lambda: dialog.result_path is not None or bool(dialog.last_notice), timeout=60_000
    )
    assert QThreadPool.globalInstance().waitForDone(30_000)
    assert dialog.result_path == tmp_path / name
    if name.endswith(".xlsx"):
        sheet = openpyxl.load_workbook(dialog.result_path).active
        assert sheet is not None
        assert VASE["he"] in [row[2] for row in sheet.iter_rows(min_row=2, values_only=True)]
    else:
        assert _shows(_pdf_text(dialog.result_path.read_bytes()), VASE["he"])
