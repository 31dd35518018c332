"""The printed list ("Print list…", "Save list as PDF…"), read back from its PDFs: the words
in the list's language, the page turned for wide lists, the header row and "page x of y" on
every page, Hebrew mirrored and in logical order, numbers lined up, sample records marked,
fonts embedded, and files written whole."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import bidi
import pytest
from pypdf import PdfReader

from exchange_desk.documents.fonts import FontLibrary, MissingGlyphs
from exchange_desk.documents.list_pdf import list_pdf
from exchange_desk.domain.dates import PartialDate
from exchange_desk.services.list_output import list_pdf_bytes, save_list_pdf
from exchange_desk.services.output import DocumentProblem
from exchange_desk.services.views import Cell, ListedView, ViewColumn, tab_view
from exchange_desk.storage.database import Database
from pdf_checks import assert_every_character_in_its_font, chars, page_cells, page_lines

FONTS = FontLibrary(system_dirs=[])
DAY = dt.date(2026, 11, 30)

# Per language: title, headers (date, city, members, purpose), a condition, the record count
# of three rows, "Page 1 of 1", the day and the month of the rows' dates, the printing day.
WORDS = {
    "en": (
        "Delegations",
        ("Start", "Partner city", "Members", "Purpose"),
        "Year: 2018",
        "3 records",
        "Page 1 of 1",
        ("Nov 16, 2018", "Nov 2018"),
        "November 30, 2026",
    ),
    "zh_CN": (
        "代表团",
        ("开始日期", "友城", "人数", "事由"),
        "年份：2018",
        "3 条记录",
        "第1页，共1页",
        ("2018年11月16日", "2018年11月"),
        "2026年11月30日",
    ),
    "he": (
        "משלחות",
        ("התחלה", "עיר שותפה", "חברים", "מטרה"),
        "שנה: 2018",
        "3 רשומות",
        "עמוד 1 מתוך 1",
        ("16 בנוב׳ 2018", "נוב׳ 2018"),
        "30 בנובמבר 2026",
    ),
}


def view(
    language: str = "en",
    rows: list[tuple[Cell, ...]] | None = None,
    *,
    sample: list[bool] | None = None,
    columns: tuple[ViewColumn, ...] | None = None,
) -> ListedView:
    title, headers, condition, *_rest = WORDS[language]
    if rows is None:
        rows = [
            (PartialDate(2018, 11, 16), "כפר סבא (Kfar Saba) 克法尔萨巴", 1500, "R&D <Ltd>"),
            (PartialDate(2018, 11), "Augsburg", 7, "Trade (and) investment"),
            (PartialDate(2009), "济南", None, "Culture"),
        ]
    if columns is None:
        shows = ("date", "names", "number", "text")
        columns = tuple(ViewColumn(h, s) for h, s in zip(headers, shows, strict=True))
    return ListedView(
        kind="delegations",
        tab="delegations",
        title=title,
        language=language,
        columns=columns,
        rows=rows,
        sample=sample if sample is not None else [False] * len(rows),
        conditions=(condition,),
    )


def pdf_of(listed: ListedView, **options: object) -> bytes:
    return list_pdf(listed, office="Jinan FAO", printed_on=DAY, fonts=FONTS, **options)  # type: ignore[arg-type]


def shown(text: str, language: str) -> str:
    """`text` as it reads on paper, left to right: Hebrew lines are in visual order."""
    return bidi.get_display(text, base_dir="R") if language == "he" else text


def page_sizes(pdf: bytes) -> list[tuple[float, float]]:
    return [
        (float(page.mediabox.width), float(page.mediabox.height))
        for page in PdfReader(io.BytesIO(pdf)).pages
    ]


@pytest.mark.parametrize("language", ["en", "zh_CN", "he"])
def test_the_list_speaks_its_own_language(language: str) -> None:
    title, headers, condition, count, page, dates, printed = WORDS[language]
    lines = page_lines(pdf_of(view(language)))[0]
    text = "\n".join(lines)
    assert shown(title, language) in lines
    for header in headers:
        assert shown(header, language) in text, header
    assert shown(condition, language) in text
    for word in (count, printed, "Jinan FAO"):
        assert shown(word, language) in text or word in text, word
    for date in dates:
        assert shown(date, language) in text, date
    assert shown(page, language) in lines[-1]
    assert "1,500" in text  # grouped
    assert "R&D <Ltd>" in text  # user text printed as typed, no markup


def test_a_hebrew_document_stays_hebrew_from_a_chinese_window() -> None:
    from exchange_desk.i18n.catalog import set_language

    set_language("zh_CN")
    lines = page_lines(pdf_of(view("he")))[0]
    assert shown("עמוד 1 מתוך 1", "he") in lines[-1]
    assert not any("第" in line for line in lines)


def test_the_byline_keeps_each_part_whole_in_hebrew() -> None:
    # An English office name before "3 רשומות": without isolation the 3 would join the
    # office's left-to-right run and stand away from its word.
    lines = page_lines(pdf_of(view("he")))[0]
    byline = next(line for line in lines if "Jinan FAO" in line)
    expected = (
        "\u2068Jinan FAO\u2069 · \u20683 רשומות\u2069 · \u2068הופק בתאריך 30 בנובמבר 2026\u2069"
    )
    visual = bidi.get_display(expected, base_dir="R")
    for mark in "\u2068\u2069":
        visual = visual.replace(mark, "")
    assert byline == visual


def test_hebrew_table_runs_from_right_to_left_in_logical_order() -> None:
    pdf = pdf_of(view("he"))
    rows = page_cells(pdf)[0]
    header = next(row for row in rows if shown("התחלה", "he") in row)
    # Read right to left, the header cells are the columns in their order.
    assert list(reversed(header)) == [shown(h, "he") for h in WORDS["he"][1]]
    first = next(row for row in rows if shown("16 בנוב׳ 2018", "he") in row)
    assert first[-1] == shown("16 בנוב׳ 2018", "he")  # the first column on the right
    assert first[0] == "R&D <Ltd>"  # the last on the left, Latin left to right
    # Mixed Hebrew, Latin and Chinese in one cell, brackets included: the bidi algorithm's
    # visual order, each cell taking its direction from its first letter (an English
    # purpose stays left to right; its full stop is not thrown to the left).
    text = "\n".join(page_lines(pdf)[0])
    assert "克法尔萨巴 (Kfar Saba) אבס רפכ" in text  # right to left, brackets mirrored
    assert "Trade (and) investment" in text


def placed_cells(pdf: bytes, gap: float = 5.0) -> list[list[tuple[str, float, float]]]:
    """Each line of the first page cut into cells (pieces apart by more than `gap`), with
    their left and right edges, left to right."""
    rows: dict[float, list] = {}
    for glyph in chars(pdf, pages=[0]):
        rows.setdefault(round(glyph.matrix[5], 1), []).append(glyph)
    found = []
    for _y, row in sorted(rows.items(), reverse=True):
        cells: list[list] = []
        for glyph in sorted(row, key=lambda c: c.x0):
            if not cells or glyph.x0 - cells[-1][-1].x1 > gap:
                cells.append([])
            cells[-1].append(glyph)
        found.append(
            [
                ("".join(c.get_text() for c in cell).strip(), cell[0].x0, cell[-1].x1)
                for cell in cells
            ]
        )
    return found


@pytest.mark.parametrize("language", ["en", "he"])
def test_numbers_line_up_by_their_units(language: str) -> None:
    rows: list[tuple[Cell, ...]] = [
        (PartialDate(2018, 1, 1 + day), f"City {day}", members, "Purpose")
        for day, members in enumerate((7, 1500, 42))
    ]
    lines = placed_cells(pdf_of(view(language, rows)))
    numbers = {}
    for line in lines:
        for text, left, right in line:
            if text in ("7", "1,500", "42"):
                numbers[text] = (left, right)
    assert set(numbers) == {"7", "1,500", "42"}
    # Units under units: every number ends at the same x, in both directions.
    rights = {round(right, 1) for _left, right in numbers.values()}
    assert len(rights) == 1, numbers
    header = shown(WORDS[language][1][2], language)
    _text, header_left, header_right = next(
        cell for line in lines for cell in line if cell[0] == header
    )
    if language == "en":
        # At the end of the cell, the right, with their header.
        assert abs(header_right - numbers["1,500"][1]) < 1
    else:
        # The end of a Hebrew cell is its left: the block of numbers starts where the
        # header starts, and its digits are right-aligned within it.
        assert abs(header_left - numbers["1,500"][0]) < 1
        assert numbers["7"][0] > numbers["1,500"][0]


def test_a_narrow_list_is_portrait_and_a_wide_one_landscape() -> None:
    narrow = page_sizes(pdf_of(view("en")))
    assert all(width < height for width, height in narrow)
    headers = ("Start", "Partner city", "Members", "Purpose", "Leader", "Host", "Remarks", "Where")
    shows = ("date", "names", "number", "text", "text", "names", "text", "names")
    columns = tuple(ViewColumn(h, s) for h, s in zip(headers, shows, strict=True))
    wide_row: tuple[Cell, ...] = (
        PartialDate(2018, 11, 16),
        "Kfar Saba Municipality Culture Department",
        12,
        "Education exchange and a visit to the youth orchestra",
        "Deputy Mayor Yael Levi-Cohen",
        "Shandong University International Office",
        "Signed a memorandum on school partnerships",
        "Jinan Municipal Government Guest House",
    )
    wide = page_sizes(pdf_of(view("en", [wide_row] * 3, columns=columns)))
    assert all(width > height for width, height in wide)


def test_letter_paper() -> None:
    width, height = page_sizes(pdf_of(view("en"), page_size="Letter"))[0]
    assert (round(width), round(height)) == (612, 792)
    with pytest.raises(ValueError, match="A5"):
        pdf_of(view("en"), page_size="A5")


@pytest.mark.parametrize("language", ["en", "zh_CN", "he"])
def test_a_long_list_repeats_its_header_and_numbers_its_pages(language: str) -> None:
    rows: list[tuple[Cell, ...]] = [
        (PartialDate(2018, 1 + i % 12, 1 + i % 28), f"City {i}", i, "Purpose") for i in range(300)
    ]
    pdf = pdf_of(view(language, rows))
    pages = page_lines(pdf)
    total = len(pages)
    assert total >= 4
    label = {
        "en": "Page {page} of {pages}",
        "zh_CN": "第{page}页，共{pages}页",
        "he": "עמוד {page} מתוך {pages}",
    }
    headers = WORDS[language][1]
    for number, lines in enumerate(pages, start=1):
        text = "\n".join(lines)
        for header in headers:
            assert shown(header, language) in text, (number, header)
        expected = label[language].format(page=number, pages=total)
        assert shown(expected, language) in lines[-1], (number, lines[-1])
    # Every row printed once; the title block only on the first page.
    cities = [line for lines in pages for line in lines if "City " in line or " ytiC" in line]
    assert len(cities) == 300
    title = shown(WORDS[language][0], language)
    assert title in pages[0]
    assert all(title not in lines[:-1] for lines in pages[1:])


@pytest.mark.parametrize("language", ["en", "zh_CN", "he"])
def test_fonts_are_embedded_and_have_every_character(language: str) -> None:
    drawn = assert_every_character_in_its_font(pdf_of(view(language)))
    assert any(0x4E00 <= c <= 0x9FFF for c in drawn.get("WenQuanYiMicroHei", set()))
    assert any(0x05D0 <= c <= 0x05EA for c in drawn.get("Heebo-Regular", set()))


def test_sample_records_are_grey_slanted_and_explained_only_when_there_are_some() -> None:
    legend = "Sample record: invented for the demo, not a fact"
    plain = page_lines(pdf_of(view("en")))[0]
    assert legend not in plain

    pdf = pdf_of(view("zh_CN", sample=[False, True, False]))
    glyphs = chars(pdf)
    augsburg = [c for c in glyphs if c.get_text() in "Augsburg" and c.get_text().isalpha()]
    culture = [c for c in glyphs if c.get_text() in "Culture" and c.get_text().isalpha()]
    slanted = [c for c in augsburg if abs(c.matrix[2]) > 0.1]  # the text matrix's skew
    assert slanted, "the sample row is slanted"
    assert all(abs(c.matrix[2]) < 0.01 for c in culture if round(c.y0) != round(slanted[0].y0))
    # Chinese characters of a sample row stay upright, and every sample glyph is grey.
    sample_line = round(slanted[0].y0)
    row = [c for c in glyphs if round(c.y0) == sample_line]
    assert all(c.graphicstate.ncolor != (0.12, 0.14, 0.17) for c in row)
    lines = page_lines(pdf)[0]
    assert "示例记录：为演示而虚构，并非事实" in lines or any("示例" in line for line in lines[-3:])

    he_lines = page_lines(pdf_of(view("he", sample=[True, False, False])))[0]
    assert shown("רשומה לדוגמה: בדויה לצורך ההדגמה ואינה עובדה", "he") in he_lines


def test_an_empty_list_prints_its_header_and_a_count_of_none() -> None:
    lines = placed_cells(pdf_of(view("en", [])))
    texts = [[text for text, _l, _r in line] for line in lines]
    assert list(WORDS["en"][1]) in texts
    assert any("0 records" in text for line in texts for text in line)


def test_a_cell_longer_than_a_page_is_cut_with_an_ellipsis_not_a_layout_error() -> None:
    rows: list[tuple[Cell, ...]] = [(None, "Augsburg", 1, "word " * 3000), (None, "Jinan", 2, "x")]
    lines = [line for page in page_lines(pdf_of(view("en", rows))) for line in page]
    assert "…" in lines
    assert any("Jinan" in line for line in lines)


def test_a_character_no_font_has_is_named_before_drawing() -> None:
    broken = view("zh_CN", [(None, "ก野家", 1, "x")])
    with pytest.raises(MissingGlyphs) as caught:
        pdf_of(broken)
    assert caught.value.characters == ("ก",)


def test_progress_runs_forward_and_can_cancel() -> None:
    rows: list[tuple[Cell, ...]] = [(None, f"City {i}", i, "x") for i in range(200)]
    seen: list[tuple[int, int]] = []
    pdf_of(view("en", rows), progress=lambda done, steps: seen.append((done, steps)))
    assert seen
    assert all(steps == 400 for _done, steps in seen)
    assert [done for done, _steps in seen] == sorted(done for done, _steps in seen)
    assert seen[-1] == (400, 400)

    class Stop(Exception):
        pass

    def stop(done: int, steps: int) -> None:
        if done > steps // 2:
            raise Stop

    with pytest.raises(Stop):
        pdf_of(view("en", rows), progress=stop)


# --- from a tab of the demo database, through the service --------------------------------


@pytest.mark.parametrize("language", ["en", "he"])
def test_the_demo_delegations_print_from_the_tab(demo_db: Database, language: str) -> None:
    listed = tab_view(demo_db, "delegations", language=language, year=2018)
    assert len(listed) > 5
    pdf = list_pdf_bytes(listed, office="Jinan FAO")
    pages = page_lines(pdf)
    text = "\n".join(line for lines in pages for line in lines)
    for column in listed.columns:
        assert shown(column.header, language) in text, column.header
    assert shown(listed.title, language) in pages[0]
    count = {"en": f"{len(listed)} records", "he": f"{len(listed)} רשומות"}[language]
    assert shown(count, language) in text
    # Every record's partner city is printed.
    city = listed.columns.index(next(c for c in listed.columns if c.shows == "names"))
    for row in listed.rows:
        assert shown(str(row[city]), language) in text
    if any(listed.sample):
        legend = {
            "en": "Sample record: invented for the demo, not a fact",
            "he": "רשומה לדוגמה: בדויה לצורך ההדגמה ואינה עובדה",
        }[language]
        assert shown(legend, language) in pages[-1]


def test_save_writes_the_whole_file_or_nothing(demo_db: Database, tmp_path: Path) -> None:
    listed = tab_view(demo_db, "partner_cities", language="zh_CN")
    folder = tmp_path / "lists"
    folder.mkdir()
    written = save_list_pdf(listed, folder / "cities", office="济南市外办")
    assert written == folder / "cities.pdf"
    assert written.read_bytes().startswith(b"%PDF")
    assert len(PdfReader(written).pages) >= 1
    assert [p.name for p in folder.iterdir()] == ["cities.pdf"]  # no temporary left

    with pytest.raises(DocumentProblem) as caught:
        save_list_pdf(listed, tmp_path / "no such folder" / "cities.pdf")
    assert "does not exist" in caught.value.user_message()


def test_a_missing_glyph_is_the_users_message_and_nothing_is_written(tmp_path: Path) -> None:
    broken = view("en", [(None, "ก", 1, "x")])
    with pytest.raises(DocumentProblem) as caught:
        save_list_pdf(broken, tmp_path / "list.pdf")
    assert "ก (U+0E01)" in caught.value.user_message()
    assert "Delegations" in caught.value.user_message()
    assert list(tmp_path.iterdir()) == []
