"""The demo's reports as PDFs, read back: every key figure as printed equals the services'
count, in all three languages; fonts embedded and every character in its font; the 10th
anniversary with Kfar Saba; an empty year; the dossier and the brief."""

from __future__ import annotations

import io
import re

import bidi
import pytest
from pypdf import PdfReader

from exchange_desk.services import reports
from exchange_desk.services.report_output import report_pdf
from exchange_desk.storage.database import Database
from pdf_checks import assert_every_character_in_its_font, page_cells, page_lines
from test_reports import FIGURES, LANGUAGES, _expected_figures, _figures, _kfar_saba


def shown(text: str, language: str) -> str:
    """A text as it reads on paper, left to right."""
    return bidi.get_display(text, base_dir="R") if language == "he" else text


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_printed_key_figure_equals_the_services(demo_db: Database, language: str) -> None:
    report = reports.annual_report(demo_db, 2018, language)
    pdf = report_pdf(report)
    now = _expected_figures(demo_db, 2018)
    before = _expected_figures(demo_db, 2017)
    rows = [cells for page in page_cells(pdf) for cells in page]
    for name, figure in _figures(report).items():
        label = shown(figure.label, language)
        (row,) = [cells for cells in rows if label in cells and len(cells) == 4]
        change = now[name] - before[name]
        sign = "0" if change == 0 else f"+{change:,}" if change > 0 else f"−{-change:,}"
        expected = [label, f"{now[name]:,}", f"{before[name]:,}", sign]
        # A Hebrew table runs from right to left: the label stands last on the line.
        assert row == (expected[::-1] if language == "he" else expected), (name, row)
    assert len(_figures(report)) == len(FIGURES)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_annual_report_embeds_its_fonts_and_draws_no_box(
    demo_db: Database, language: str
) -> None:
    pdf = report_pdf(reports.annual_report(demo_db, 2018, language))
    drawn = assert_every_character_in_its_font(pdf)
    if language == "zh":
        assert any(0x4E00 <= c <= 0x9FFF for font in drawn.values() for c in font)
    if language == "he":
        assert any(0x05D0 <= c <= 0x05EA for font in drawn.values() for c in font)


@pytest.mark.parametrize(
    ("language", "words"),
    [("en", ("Kfar Saba", "10")), ("zh", ("克法尔萨巴", "10")), ("he", ("כפר סבא", "10"))],
)
def test_the_2018_report_prints_the_10th_anniversary_with_kfar_saba(
    demo_db: Database, language: str, words: tuple[str, str]
) -> None:
    pdf = report_pdf(reports.annual_report(demo_db, 2018, language))
    pages = page_lines(pdf)
    city = shown(words[0], language)
    report = reports.annual_report(demo_db, 2018, language)
    title = next(c.title for c in report.chapters if "2019" in c.title)
    heading = shown(title, language)
    # The page where the chapter's title stands alone (the contents add a page number).
    chapter = next(i for i, page in enumerate(pages) if heading in page)
    text = "\n".join(pages[chapter] + (pages[chapter + 1] if chapter + 1 < len(pages) else []))
    assert city in text
    assert re.search(r"(?<!\d)10(?!\d)", text)


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_empty_year_prints_a_short_report(demo_db: Database, language: str) -> None:
    pdf = report_pdf(reports.annual_report(demo_db, 1990, language))
    count = len(PdfReader(io.BytesIO(pdf)).pages)
    assert 2 <= count <= 8
    assert_every_character_in_its_font(pdf)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_dossier_and_the_brief_print(demo_db: Database, language: str) -> None:
    city_id = _kfar_saba(demo_db)
    dossier = report_pdf(reports.city_dossier(demo_db, city_id, language))
    lines = [line for page in page_lines(dossier) for line in page]
    city = {"zh": "克法尔萨巴", "en": "Kfar Saba", "he": "כפר סבא"}[language]
    assert any(shown(city, language) in line for line in lines)
    assert_every_character_in_its_font(dossier)
    brief = report_pdf(reports.delegation_brief(demo_db, 1, language))
    assert len(PdfReader(io.BytesIO(brief)).pages) <= 4  # a sheet, not a book
    assert_every_character_in_its_font(brief)
