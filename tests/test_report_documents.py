"""The demo's reports as PDFs, read back: every key figure as printed equals the services'
count, in all three languages; fonts embedded and every character in its font; the 10th
anniversary with Kfar Saba; an empty year; the dossier and the brief."""

from __future__ import annotations

import io
import re
from dataclasses import replace

import bidi
import pytest
from pdfminer.layout import LTChar
from pypdf import PdfReader

from exchange_desk.domain.dates import PartialDate
from exchange_desk.domain.enums import Direction
from exchange_desk.domain.records import Delegation
from exchange_desk.domain.reports import Chart, Note, Report, Subheading, Table
from exchange_desk.services import reports
from exchange_desk.services.office import office_profile, save_office_profile
from exchange_desk.services.records import create
from exchange_desk.services.report_output import report_pdf
from exchange_desk.storage.database import Database
from pdf_checks import assert_every_character_in_its_font, chars, page_cells, page_lines
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


# --- issue 12: tables that fit, marks, the brief, conferences, anniversaries, foreword ------


def _tables(report: Report) -> list[Table]:
    return [b for c in report.chapters for b in c.blocks if isinstance(b, Table)]


def _chapter_lines(pdf: bytes, report: Report, title: str, language: str) -> list[str]:
    """The printed lines from the chapter's heading to the next chapter's heading."""
    lines = [line for page in page_lines(pdf) for line in page]
    titles = [shown(c.title, language) for c in report.chapters]
    index = titles.index(shown(title, language))
    # The heading's second appearance: the first is in the contents, with its page number.
    start = [i for i, line in enumerate(lines) if line.strip() == titles[index]][-1]
    following = titles[index + 1] if index + 1 < len(titles) else None
    end = next(
        (i for i in range(start + 1, len(lines)) if lines[i].strip() == following), len(lines)
    )
    return lines[start:end]


@pytest.mark.parametrize("language", LANGUAGES)
def test_table_headers_and_chinese_dates_are_not_split(demo_db: Database, language: str) -> None:
    city_id = _kfar_saba(demo_db)
    made = [
        reports.annual_report(demo_db, 2018, language),
        reports.city_dossier(demo_db, city_id, language),
        reports.delegation_brief(demo_db, 21, language),
    ]
    for report in made:
        pdf = report_pdf(report)
        pieces = [piece for page in page_cells(pdf) for line in page for piece in line]
        lines = [line for page in page_lines(pdf) for line in page]
        for table in _tables(report):
            if not table.rows:
                continue
            for column in table.columns:
                for word in column.split():
                    # "Members" is printed whole, never "Member" over "s".
                    assert any(shown(word, language) in line for line in lines), word
        if language == "zh":
            # A date is one unit: no cell goes on with 日, 月 or 年 on a line of its own.
            broken = [p for p in pieces if re.fullmatch(r"[日月年]|\d{1,2}日", p)]
            assert not broken, broken
            dates = [row[0] for table in _tables(report) for row in table.rows]
            assert any(re.fullmatch(r"\d{4}年\d{1,2}月\d{1,2}日", d) for d in dates)
            for date in dates:
                assert any(date in piece for piece in pieces), date
        else:
            assert "s" not in pieces  # "Member/s"
    headers = [line for line in lines if "Members" in line]
    if language == "en":
        assert headers


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_brief_is_a_sheet_without_cover_or_contents(demo_db: Database, language: str) -> None:
    report = reports.delegation_brief(demo_db, 21, language)  # Kfar Saba, August 2018
    pdf = report_pdf(report)
    pages = page_lines(pdf)
    assert 1 <= len(pages) <= 2
    everything = [line.strip() for page in pages for line in page]
    assert shown(report.contents_title, language) not in everything
    # The title on top of the first page, under the running header; the year is kept.
    assert shown(report.title, language) in pages[0][:3]
    for page in pages:
        assert "2018" in page[0]
        assert shown(report.header, language) in page[0] or shown(report.title, language) in page[0]


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_conferences_of_the_year_and_their_awards(demo_db: Database, language: str) -> None:
    report = reports.annual_report(demo_db, 2018, language)
    chapter = report.chapters[-2]  # before the awards
    names = [b.text for b in chapter.blocks if isinstance(b, Subheading)]
    assert len(names) == 2  # the 20th Sino-Japan-South Korea conference and Wuhan's
    english = reports.annual_report(demo_db, 2018, "en")
    english_chapter = english.chapters[-2]
    assert english_chapter.title == "Conferences"
    assert [b.text for b in english_chapter.blocks if isinstance(b, Subheading)] == [
        "20th Sino-Japan-South Korea Friendship City Exchange Conference",
        "China International Friendship Cities Conference 2018",
    ]
    award_tables = [b for b in english_chapter.blocks if isinstance(b, Table)]
    assert [[row[1] for row in t.rows] for t in award_tables] == [["Jinan"], ["Kfar Saba"]]
    pdf = report_pdf(report)
    text = "\n".join(_chapter_lines(pdf, report, chapter.title, language))
    for name in names:
        assert shown(name, language) in text
    for table in (b for b in chapter.blocks if isinstance(b, Table)):
        for row in table.rows:
            assert shown(row[1], language) in text  # the recipient


@pytest.mark.parametrize("language", LANGUAGES)
def test_next_years_anniversaries_are_a_table(demo_db: Database, language: str) -> None:
    report = reports.annual_report(demo_db, 2018, language)
    chapter = next(c for c in report.chapters if "2019" in c.title)
    (table,) = [b for b in chapter.blocks if isinstance(b, Table)]
    pdf = report_pdf(report)
    rows = [cells for page in page_cells(pdf) for cells in page]
    kfar_saba = [shown(cell, language) for cell in table.rows[0]]
    expected = kfar_saba[::-1] if language == "he" else kfar_saba
    assert expected in rows
    lines = _chapter_lines(pdf, report, chapter.title, language)
    # Every partnership is a row, not a sentence "In 2019 … marks …".
    for row in table.rows:
        assert any(shown(row[0], language) in line for line in lines), row
    assert not any("marks" in line for line in lines)


def test_undated_events_of_the_years_partners_are_listed_as_undated(demo_db: Database) -> None:
    report = reports.annual_report(demo_db, 2018, "en")
    pdf = report_pdf(report)
    lines = _chapter_lines(pdf, report, "Cultural events", "en")
    # The four events of the seed have no date; Kfar Saba had delegations in 2018.
    for name in ("Arts festival in Kfar Saba", "International choral festival in Jinan"):
        (line,) = [line for line in lines if name in line]
        assert line.startswith("undated")


def test_the_foreword_in_the_reports_language_after_the_contents(demo_db: Database) -> None:
    words = "We thank our partners for a year of friendship and work."
    profile = office_profile(demo_db)
    save_office_profile(
        demo_db, replace(profile, foreword_en=words, foreword_zh="", foreword_he="")
    )
    english = report_pdf(reports.annual_report(demo_db, 2018, "en"))
    pages = page_lines(english)
    contents = next(i for i, page in enumerate(pages) if "Contents" in page)
    page = pages[contents]
    assert "Foreword" in page
    assert page.index("Foreword") > page.index("Contents")
    assert any(words[:30] in line for line in page)
    # Not in the contents as a chapter, and not repeated elsewhere.
    assert sum("Foreword" in line for p in pages for line in p) == 1
    # The dossier has it too; the brief, one sheet, does not.
    dossier = report_pdf(reports.city_dossier(demo_db, _kfar_saba(demo_db), "en"))
    assert any(words[:30] in line for p in page_lines(dossier) for line in p)
    brief = report_pdf(reports.delegation_brief(demo_db, 21, "en"))
    assert not any(words[:30] in line for p in page_lines(brief) for line in p)
    # Another language's foreword is never printed in its place.
    chinese = page_lines(report_pdf(reports.annual_report(demo_db, 2018, "zh")))
    assert not any(words[:10] in line for p in chinese for line in p)
    assert reports.annual_report(demo_db, 2018, "zh").foreword == ""


def test_no_foreword_when_the_office_has_none(demo_db: Database) -> None:
    profile = office_profile(demo_db)
    save_office_profile(demo_db, replace(profile, foreword_en="", foreword_zh="", foreword_he=""))
    report = reports.annual_report(demo_db, 2018, "en")
    assert report.foreword == ""
    lines = [line for page in page_lines(report_pdf(report)) for line in page]
    assert not any("Foreword" in line for line in lines)


@pytest.mark.parametrize("language", LANGUAGES)
def test_sample_records_are_marked_in_every_report(demo_db: Database, language: str) -> None:
    city_id = _kfar_saba(demo_db)
    for report in (
        reports.annual_report(demo_db, 2018, language),
        reports.city_dossier(demo_db, city_id, language),
        reports.delegation_brief(demo_db, 21, language),
    ):
        notes = [b.text for c in report.chapters for b in c.blocks if isinstance(b, Note)]
        sample_notes = [n for n in notes if n.startswith("* ")]
        assert sample_notes, report.title
        marked = [
            (table, index)
            for table in _tables(report)
            for index, row in enumerate(table.rows)
            if any(cell.endswith(" *") for cell in row)
        ]
        assert marked
        assert all(index in table.muted for table, index in marked)
        lines = [line for page in page_lines(report_pdf(report)) for line in page]
        note = sample_notes[0]
        # Until the catalogs have it, the note is English: a left-to-right paragraph.
        note = shown(note, language) if re.search("[\u05d0-\u05ea]", note) else note
        assert any(note in line for line in lines)
        # A purpose recorded in English is marked in a Chinese or Hebrew report.
        if language != "en":
            assert any("†" in line for line in lines)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_month_charts_value_axis_stands_where_reading_starts(
    demo_db: Database, language: str
) -> None:
    report = reports.annual_report(demo_db, 2018, language)
    month = next(b for c in report.chapters for b in c.blocks if isinstance(b, Chart))
    pdf = report_pdf(report)
    pages = page_lines(pdf)
    title = shown(month.title, language)
    page = next(i for i, lines in enumerate(pages) if title in lines)
    drawn = chars(pdf, [page])
    # The title's own line: another chart's title on the page may start with its letter.
    lines: dict[int, list[LTChar]] = {}
    for char in drawn:
        lines.setdefault(round(char.y0), []).append(char)
    title_y = next(
        min(c.y0 for c in line)
        for line in lines.values()
        if title in "".join(c.get_text() for c in sorted(line, key=lambda c: c.x0))
    )
    # The plot under the title and its legend: the axis's numbers and the months.
    below = [c for c in drawn if title_y - 210 < c.y0 and c.y1 < title_y - 20]
    rows: dict[int, list[LTChar]] = {}
    for char in below:
        rows.setdefault(round(char.y0), []).append(char)
    # The axis's labels are rows of digits alone; the months are the lowest row.
    digits = [c for row in rows.values() if all(c.get_text().isdigit() for c in row) for c in row]
    letters = rows[min(rows)]
    assert len({round(c.y0) for c in digits}) >= 3  # 0, 1, 2 … up the axis
    if language == "he":
        assert min(c.x0 for c in digits) > max(c.x1 for c in letters)  # right of the months
    else:
        assert max(c.x1 for c in digits) < min(c.x0 for c in letters)  # left of the months


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_busy_partners_brief_stays_within_two_pages(demo_db: Database, language: str) -> None:
    city_id = _kfar_saba(demo_db)
    for index in range(40):
        create(
            demo_db,
            Delegation(
                direction=Direction.INCOMING,
                city_id=city_id,
                start_date=PartialDate(2000 + index % 18, 1 + index % 12, 1 + index % 28),
                members=index,
                purpose="文化、教育和经贸交流，洽谈友好学校结对与技术合作项目" * (1 + index % 3),
            ),
        )
    report = reports.delegation_brief(demo_db, 21, language)
    pages = page_lines(report_pdf(report))
    assert len(pages) <= 2
    previous = next(b for b in report.chapters[3].blocks if isinstance(b, Table))
    assert len(previous.rows) == reports.MAX_PREVIOUS_EXCHANGES
