"""The report layout, read back from its PDFs: pages, contents, page numbers, mirrored
tables in Hebrew, fonts, and user text printed as typed. The report here is built by hand;
tests/test_reports.py checks the reports the services build."""

from __future__ import annotations

import io
import re

import bidi
import pytest
from pypdf import PdfReader

from exchange_desk.documents.fonts import FontLibrary, MissingGlyphs
from exchange_desk.documents.report_pdf import render_report
from exchange_desk.domain.reports import (
    Chapter,
    Chart,
    Facts,
    Figures,
    KeyFigure,
    Paragraph,
    Report,
    Subheading,
    Table,
)
from pdf_checks import assert_every_character_in_its_font, chars, page_lines

FONTS = FontLibrary(system_dirs=[])

WORDS = {
    "en": ("Annual report 2018", "Page {page} of {pages}", "Contents", "Delegations", "Date"),
    "zh": ("2018年度报告", "第 {page} 页，共 {pages} 页", "目录", "代表团", "日期"),
    "he": ("דוח שנתי 2018", "עמוד {page} מתוך {pages}", "תוכן העניינים", "משלחות", "תאריך"),
}


def report(language: str, rows: int = 120, *, markup: str = "R&D <Ltd>") -> Report:
    title, page_label, contents, delegations, date = WORDS[language]
    table_rows = tuple(
        (f"2018-{1 + i % 12:02d}-{1 + i % 28:02d}", "克法尔萨巴 כפר סבא Kfar Saba", str(i), markup)
        for i in range(rows)
    )
    return Report(
        language=language,
        title=title,
        subtitle="Jinan 济南 ג'ינאן",
        office="Foreign Affairs Office",
        home_city="Jinan",
        date_line="30 November 2026",
        header=f"Foreign Affairs Office · {title}",
        page_label=page_label,
        contents_title=contents,
        chapters=(
            Chapter(
                "Key figures",
                (
                    Figures(
                        ("What", "2018", "2017", "Change"),
                        (KeyFigure("Delegations sent", 12, 15), KeyFigure("Sister cities", 25, 25)),
                    ),
                    Paragraph(f"The office worked with {markup} and x<y partners."),
                    Chart(
                        "Delegations per month",
                        tuple(f"M{m}" for m in range(1, 13)),
                        (("Sent", tuple(range(12))), ("Received", tuple(range(12)))),
                    ),
                    Chart("Partners", ("Israel", "Japan"), (("n", (1, 5)),), horizontal=True),
                ),
            ),
            Chapter(
                delegations,
                (
                    Subheading("Kfar Saba"),
                    Facts((("Country", "Israel"), ("Since", "2009"))),
                    Table(
                        (date, "City", "Members", "Purpose"),
                        table_rows,
                        (1, 2, 0.7, 2),
                        numeric=(2,),
                    ),
                ),
            ),
            Chapter(
                "Empty",
                (
                    Table(("A", "B"), (), empty_text="None this year."),
                    Chart("Nothing", (), (), empty_text="No data for this year."),
                ),
            ),
        ),
    )


@pytest.mark.parametrize("language", ["en", "zh", "he"])
def test_pages_are_numbered_x_of_y_in_the_report_language(language: str) -> None:
    pdf = render_report(report(language), fonts=FONTS)
    total = len(PdfReader(io.BytesIO(pdf)).pages)
    assert total >= 5
    pages = page_lines(pdf)
    label = WORDS[language][1]
    for number, lines in enumerate(pages[1:], start=2):  # the cover has no number
        expected = label.format(page=number, pages=total)
        if language == "he":
            expected = bidi.get_display(expected, base_dir="R")
        assert expected in lines, (number, lines[-3:])


@pytest.mark.parametrize("language", ["en", "he"])
def test_the_contents_give_the_page_each_chapter_starts_on(language: str) -> None:
    pdf = render_report(report(language), fonts=FONTS)
    pages = page_lines(pdf)
    contents = pages[1]
    for title in ("Key figures", WORDS[language][3], "Empty"):
        shown = bidi.get_display(title, base_dir="R") if language == "he" else title
        entry = next(line for line in contents if shown in line)
        page = int(re.findall(r"\d+", entry.replace(shown, ""))[0])
        assert shown in pages[page - 1], (title, page)
        assert all(shown not in lines for lines in pages[2 : page - 1])  # not earlier


def test_long_tables_continue_on_the_next_page_with_their_header() -> None:
    pdf = render_report(report("en", rows=200), fonts=FONTS)
    pages = page_lines(pdf)
    with_rows = [p for p in pages if any("Kfar Saba" in line for line in p)]
    assert len(with_rows) >= 3
    for lines in with_rows:
        assert any(line.startswith("DateCity") or "Date" in line.split("City")[0] for line in lines)
    shown = sum(1 for p in pages for line in p if "克法尔萨巴" in line)
    assert shown == 200  # every row once


def test_hebrew_tables_run_from_right_to_left() -> None:
    pdf = render_report(report("he"), fonts=FONTS)
    glyphs = chars(pdf, pages=[3])
    date_header = [c for c in glyphs if c.get_text() == "ת" and c.fontname.endswith("Bold")]
    purpose = [c for c in glyphs if c.get_text() == "P"]
    assert date_header
    assert purpose
    # The first column (date) stands on the right, the last (purpose) on the left.
    assert min(c.x0 for c in date_header) > max(c.x0 for c in purpose)


@pytest.mark.parametrize("language", ["en", "zh", "he"])
def test_every_font_is_embedded_and_has_every_character_drawn(language: str) -> None:
    pdf = render_report(report(language), fonts=FONTS)
    drawn = assert_every_character_in_its_font(pdf)
    if language == "zh":
        assert any(0x4E00 <= c <= 0x9FFF for c in drawn.get("WenQuanYiMicroHei", set()))


@pytest.mark.parametrize("markup", ["R&D <Ltd>", "<b>bold</b>", "<font size=30>A"])
def test_user_text_prints_as_typed(markup: str) -> None:
    pdf = render_report(report("en", rows=3, markup=markup), fonts=FONTS)
    lines = [line for page in page_lines(pdf) for line in page]
    assert any(f"The office worked with {markup} and x<y partners." in line for line in lines)


def test_empty_tables_and_charts_say_so() -> None:
    pdf = render_report(report("en", rows=0), fonts=FONTS)
    lines = [line for page in page_lines(pdf) for line in page]
    assert "None this year." in lines
    assert "No data for this year." in lines


def test_a_character_no_font_has_is_named_before_drawing() -> None:
    # The bundled fonts now have CJK Extension B (𠮷); a Thai letter no bundled font has.
    broken = report("zh", rows=1, markup="ก野家")
    with pytest.raises(MissingGlyphs) as caught:
        render_report(broken, fonts=FONTS)
    assert caught.value.characters == ("ก",)


def test_progress_counts_the_final_pages_and_can_cancel() -> None:
    seen: list[tuple[int, int]] = []
    pdf = render_report(report("en"), fonts=FONTS, progress=lambda p, n: seen.append((p, n)))
    total = len(PdfReader(io.BytesIO(pdf)).pages)
    layout = [(page, 0) for page in range(1, total + 1)]
    assert seen == layout + [(page, total) for page in range(1, total + 1)]

    class Stop(Exception):
        pass

    def stop(page: int, _pages: int) -> None:
        if page == 2:
            raise Stop

    with pytest.raises(Stop):
        render_report(report("en"), fonts=FONTS, progress=stop)
