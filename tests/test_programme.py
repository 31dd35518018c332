"""A visit's programme, read back from its files: the PDF a delegation receives in one to
three languages (every activity in each, the days in order, the members in precedence,
Hebrew mirrored and in logical order, every glyph in an embedded font, user text as typed,
page numbers and the office in the footer) and the .ics calendar (one event per item at the
right time in the host city's zone, all-day items, stable UIDs); the warnings (overlaps,
items outside the dates), the files' endings and their atomic writing."""

from __future__ import annotations

import datetime as dt
import io
import os
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import bidi
import pytest
from icalendar import Calendar
from pdfminer.high_level import extract_pages
from pdfminer.layout import LAParams, LTTextBox
from pypdf import PdfReader

from exchange_desk.documents import programme_pdf
from exchange_desk.documents.fonts import FontLibrary
from exchange_desk.domain import records as r
from exchange_desk.domain.dates import PartialDate
from exchange_desk.domain.enums import Direction
from exchange_desk.domain.errors import InvalidInput
from exchange_desk.i18n.catalog import _, set_language
from exchange_desk.i18n.document_language import document_language
from exchange_desk.services import programme, records
from exchange_desk.services.output import DocumentProblem
from exchange_desk.storage.database import Database
from pdf_checks import assert_every_character_in_its_font, chars, page_lines
from visit_data import VisitIds, make_visit

FONTS = FontLibrary(system_dirs=[])  # bundled fonts only: the same on every machine

ACTIVITIES = {
    "en": (
        "Meeting with the Mayor of Jinan",
        "Welcome banquet",
        "Visit to Jinan Yuying Middle School",
    ),
    "zh": ("与济南市市长会见", "欢迎宴会", "参观济南育英中学"),
    "he": ("פגישה עם ראש העיר ג'ינאן", "ארוחת ערב חגיגית", "ביקור בבית הספר התיכון יויינג"),
}
VARIANTS = [["zh"], ["en"], ["he"], ["zh", "en"], ["he", "en"], ["zh", "en", "he"]]


@pytest.fixture(autouse=True)
def _bundled_fonts(monkeypatch: pytest.MonkeyPatch) -> None:
    """The programme drawn with the bundled fonts only, whatever this machine has."""
    monkeypatch.setattr(programme_pdf, "font_library", lambda: FONTS)


@pytest.fixture
def visit(sqlite_db: Database) -> VisitIds:
    return make_visit(sqlite_db)


@pytest.fixture
def out(tmp_path: Path) -> Path:
    """A folder of its own for the files written (the database lives in `tmp_path`)."""
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


def shown(text: str, language: str) -> str:
    """`text` as it reads on paper, left to right: Hebrew lines are in visual order."""
    return bidi.get_display(text, base_dir="R") if language == "he" else text


def text_of(pdf: bytes) -> str:
    return "\n".join(line for page in page_lines(pdf) for line in page)


def _is_han(char: str) -> bool:
    return "\u3400" <= char <= "\u9fff"


def cell_texts(pdf: bytes) -> list[str]:
    """The text of each block pdfminer finds (a table cell, a heading), its lines put back
    in logical order and joined as they were wrapped: a Hebrew line read from right to
    left, no space where a Chinese line was broken."""
    found = []
    for page in extract_pages(io.BytesIO(pdf), laparams=LAParams(char_margin=1.0, line_margin=0.4)):
        for box in page:
            if not isinstance(box, LTTextBox):
                continue
            text = ""
            for line in box:
                visual = line.get_text().strip()
                logical = (
                    bidi.get_display(visual, base_dir="R")
                    if any("\u0590" <= c <= "\u05ff" for c in visual)
                    else visual
                )
                joint = "" if not text or _is_han(text[-1]) or _is_han(logical[:1]) else " "
                text += joint + logical
            found.append(text)
    return found


def has_cell(pdf: bytes, text: str) -> bool:
    """Whether `text` (in logical order) is printed whole in one cell, however wrapped."""
    return any(text in cell for cell in cell_texts(pdf))


def created(database: Database, record: Any) -> int:
    """Store `record` and give its id."""
    stored = records.create(database, record)
    assert stored.id is not None
    return int(stored.id)


def add_item(database: Database, delegation_id: int, **values: object) -> r.ProgrammeItem:
    fields: dict[str, object] = {"delegation_id": delegation_id, "day": dt.date(2019, 5, 20)}
    fields.update(values)
    return records.create(database, r.ProgrammeItem(**fields))  # type: ignore[arg-type]


# --- the PDF ---------------------------------------------------------------------------------


@pytest.mark.parametrize("languages", VARIANTS, ids="+".join)
def test_every_activity_is_printed_in_each_chosen_language(
    sqlite_db: Database, visit: VisitIds, languages: list[str]
) -> None:
    pdf = programme.programme_pdf(sqlite_db, visit.delegation, languages)
    text = text_of(pdf)
    cells = cell_texts(pdf)
    for language, activities in ACTIVITIES.items():
        for activity in activities:
            printed = any(activity in cell for cell in cells)
            assert printed == (language in languages), (language, activity)
    for language in languages:
        title = document_language(language).gettext("Programme")
        assert shown(title, language).replace(" ", "") in text.replace(" ", "")


@pytest.mark.parametrize("languages", [["zh"], ["en"], ["he"], ["zh", "en", "he"]], ids="+".join)
def test_no_glyph_is_missing_and_every_font_is_embedded(
    sqlite_db: Database, visit: VisitIds, languages: list[str]
) -> None:
    pdf = programme.programme_pdf(sqlite_db, visit.delegation, languages)
    drawn = assert_every_character_in_its_font(pdf)
    han = {c for name, found in drawn.items() for c in found if 0x4E00 <= c <= 0x9FFF}
    hebrew = {c for name, found in drawn.items() for c in found if 0x05D0 <= c <= 0x05EA}
    assert bool(han) == ("zh" in languages)
    assert bool(hebrew) == ("he" in languages)


def test_the_days_follow_each_other_with_their_items(sqlite_db: Database, visit: VisitIds) -> None:
    lines = [
        line
        for page in page_lines(programme.programme_pdf(sqlite_db, visit.delegation, ["en"]))
        for line in page
    ]

    def where(text: str) -> int:
        return next(index for index, line in enumerate(lines) if text in line)

    first, second = where("Monday, May 20, 2019"), where("Tuesday, May 21, 2019")
    assert "Day 1" in lines[first]
    assert "Day 2" in lines[second]
    assert first < where("Meeting with the Mayor") < where("Welcome banquet") < second
    assert second < where("Visit to Jinan Yuying")
    # The times, places, host, interpreter and dress code stand on the item's line.
    meeting = lines[where("Meeting with the Mayor")]
    for part in (
        "09:30–10:30",
        "City Hall, Room 3",
        "Sun Shutao, Mayor of",
        "Zhe Wang",
        "Business attire",
    ):
        assert part in meeting


def test_chinese_days_are_dated_in_chinese(sqlite_db: Database, visit: VisitIds) -> None:
    text = text_of(programme.programme_pdf(sqlite_db, visit.delegation, ["zh"]))
    assert text.index("2019年5月20日星期一") < text.index("2019年5月21日星期二")
    assert "济南市市长孙述涛" in text  # the position before the name, Chinese style
    assert "与济南市市长会见" in text
    assert "市政府三号会议室" in text


def test_members_are_listed_in_precedence_order(sqlite_db: Database, visit: VisitIds) -> None:
    pdf = programme.programme_pdf(sqlite_db, visit.delegation, ["en"])
    lines = page_lines(pdf)[0]
    order = ["Yehuda Ben-Hamo", "Natali Afra", "Avi Cohen", "Zhe Wang", "Dana Levi"]
    found = [
        next(i for i, line in enumerate(lines) if line.startswith(f"{n + 1}{name}"))
        for n, name in enumerate(order)
    ]
    assert found == sorted(found)
    assert any("Head of delegation" in line for line in lines)
    without = text_of(programme.programme_pdf(sqlite_db, visit.delegation, ["en"], members=False))
    assert "Natali Afra" not in without
    assert "Dana Levi" not in without
    assert "Yehuda Ben-Hamo" in without  # still named as the head of the delegation


def test_names_are_in_each_script_and_said_once(sqlite_db: Database, visit: VisitIds) -> None:
    text = text_of(programme.programme_pdf(sqlite_db, visit.delegation, ["zh", "en"]))
    assert "耶胡达·本-哈莫" in text
    assert "Yehuda Ben-Hamo" in text
    # Avi Cohen has no Chinese name nor position: his English ones are printed once.
    assert text.count("Avi Cohen") == 1
    assert text.count("Director of Culture") == 1
    hebrew = text_of(programme.programme_pdf(sqlite_db, visit.delegation, ["he"]))
    assert shown("יהודה בן חמו", "he") in hebrew
    # Our host without a Hebrew name: the Hebrew position, then the name in Latin letters.
    assert shown("ראש העיר ג'ינאן Sun Shutao", "he") in hebrew


def x_of(pdf: bytes, visual: str, page: int = 0, row: str = "") -> float:
    """The left edge of the first place `visual` (as it reads left to right) is drawn, on
    the first line that also holds `row`."""
    rows: dict[float, list[Any]] = {}
    for glyph in chars(pdf, pages=[page]):
        rows.setdefault(round(glyph.matrix[5], 1), []).append(glyph)
    for glyphs in rows.values():
        glyphs.sort(key=lambda c: c.x0)
        line = "".join(c.get_text() for c in glyphs)
        if visual in line and row in line:
            return float(glyphs[line.index(visual)].x0)
    raise AssertionError(f"{visual!r} is not on page {page + 1}")


def test_hebrew_is_mirrored_and_in_logical_order(sqlite_db: Database, visit: VisitIds) -> None:
    pdf = programme.programme_pdf(sqlite_db, visit.delegation, ["he"])
    activity = "פגישה עם ראש העיר ג'ינאן"
    lines = page_lines(pdf)[0]
    line = next(line for line in lines if shown(activity, "he") in line)
    # Read from right to left, the glyphs spell the activity as it was typed.
    assert activity[::-1] in line
    # The columns run from the right: the time, then the activity, ... the dress code last.
    place = shown("בניין העירייה, חדר 3", "he")
    assert x_of(pdf, "09:30–10:30") > x_of(pdf, activity[::-1]) > x_of(pdf, place)
    # The interpreter further left, on the same line.
    assert x_of(pdf, place) > x_of(pdf, "Zhe Wang", row=place)
    # The facts too: the partner city at the right, the head of the delegation at the left.
    assert x_of(pdf, shown("כפר סבא", "he")) > x_of(pdf, shown("יהודה בן חמו", "he"))
    assert any(shown(programme_page_label("he", 1, 1), "he") in line for line in lines)


def programme_page_label(language: str, page: int, pages: int) -> str:
    return (
        document_language(language).gettext("Page {page} of {pages}").format(page=page, pages=pages)
    )


def test_every_page_has_its_number_and_the_office(sqlite_db: Database, visit: VisitIds) -> None:
    for day in range(1, 4):  # a long first day: the programme runs over several pages
        for hour in range(8, 22):
            add_item(
                sqlite_db,
                visit.delegation,
                day=dt.date(2019, 5, 19 + day),
                starts_at=f"{hour:02d}:00",
                ends_at=f"{hour:02d}:45",
                activity_en=f"Working session {day}.{hour}",
                place_en="Room 1",
                notes_en="The agenda is sent the day before; minutes are taken by the office.",
            )
    pdf = programme.programme_pdf(sqlite_db, visit.delegation, ["en"])
    pages = page_lines(pdf)
    assert len(pages) >= 3
    office = "Foreign Affairs Office of Jinan Municipal People's Government"
    for number, lines in enumerate(pages, start=1):
        assert any(f"Page {number} of {len(pages)}" in line for line in lines)
        assert any(office in line for line in lines)
        # A day carried over to the next page repeats its header row.
        if any("Working session" in line for line in lines):
            assert any(line.startswith("TimeActivityPlace") for line in lines)
    text = "\n".join(line for lines in pages for line in lines)
    for day in range(1, 4):
        for hour in range(8, 22):
            assert text.count(f"Working session {day}.{hour}") == 1


def test_three_languages_stack_two_and_give_hebrew_a_block_of_its_own(
    sqlite_db: Database, visit: VisitIds
) -> None:
    pdf = programme.programme_pdf(sqlite_db, visit.delegation, ["zh", "en", "he"])
    pages = page_lines(pdf)
    last = "\n".join(pages[-1])
    first = "\n".join(pages[0])
    assert "与济南市市长会见" in first
    assert "Meeting with the Mayor of" in first
    assert shown(ACTIVITIES["he"][0], "he") in last
    assert "与济南市市长会见" not in last
    # The page number speaks the block's language.
    assert programme_page_label("zh", 1, len(pages)) in first
    assert shown(programme_page_label("he", len(pages), len(pages)), "he") in last
    # The title and the delegation in each language on the first page.
    assert shown("משלחת מכפר סבא", "he") in first
    assert "克法尔萨巴来访代表团" in first
    assert "Delegation from Kfar Saba" in first


def test_user_text_prints_as_typed(sqlite_db: Database, visit: VisitIds) -> None:
    add_item(
        sqlite_db,
        visit.delegation,
        day=dt.date(2019, 5, 21),
        starts_at="14:00",
        ends_at="15:00",
        activity_en="R&D <Ltd> & <b>partners</b>",
        notes_en="x<y and y>z",
    )
    pdf = programme.programme_pdf(sqlite_db, visit.delegation, ["en"])
    assert has_cell(pdf, "R&D <Ltd> & <b>partners</b>")
    assert has_cell(pdf, "x<y and y>z")


def test_a_character_no_font_has_is_refused_before_anything_is_written(
    sqlite_db: Database, visit: VisitIds, out: Path
) -> None:
    add_item(sqlite_db, visit.delegation, activity_en="Visit to ก野家", starts_at="16:00")
    with pytest.raises(DocumentProblem) as caught:
        programme.programme_pdf(sqlite_db, visit.delegation, ["en"])
    assert "ก (U+0E01)" in caught.value.user_message()
    assert "Delegation from Kfar Saba" in caught.value.user_message()
    target = out / "programme.pdf"
    with pytest.raises(DocumentProblem):
        programme.write_programme(sqlite_db, visit.delegation, ["en"], target)
    assert list(out.iterdir()) == []


def test_an_empty_programme_says_so(sqlite_db: Database, visit: VisitIds, out: Path) -> None:
    other = created(
        sqlite_db, r.Delegation(direction=Direction.OUTGOING, city_id=visit.partner_city)
    )
    text = text_of(programme.programme_pdf(sqlite_db, other, ["en"]))
    assert "No programme items are recorded for this visit yet." in text
    assert "Delegation to Kfar Saba" in text
    assert programme.programme_warnings(sqlite_db, other) == []
    assert programme.write_programme(sqlite_db, other, ["en"], out / "empty.ics") == [
        "The delegation has no programme items yet: the programme lists none."
    ]
    assert events_of((out / "empty.ics").read_bytes()) == []


@pytest.mark.parametrize("languages", [[], ["fr"], ["zh", "zh"], ["zh", "en", "he", "en"], "de+en"])
def test_languages_are_one_to_three_of_ours(
    sqlite_db: Database, visit: VisitIds, languages: list[str] | str
) -> None:
    with pytest.raises(InvalidInput) as caught:
        programme.programme_pdf(sqlite_db, visit.delegation, languages)
    assert caught.value.for_field("languages")


def test_languages_may_be_given_as_the_command_line_writes_them() -> None:
    assert [w.code for w in programme.programme_languages("he+zh_CN")] == ["he", "zh"]
    assert [w.code for w in programme.programme_languages(["en"])] == ["en"]


# --- the calendar ------------------------------------------------------------------------------


def events_of(data: bytes) -> list[Any]:
    calendar = Calendar.from_ical(data)
    return list(calendar.walk("VEVENT"))


def test_the_calendar_has_one_event_per_item_at_the_right_time(
    sqlite_db: Database, visit: VisitIds
) -> None:
    data = programme.programme_ics(sqlite_db, visit.delegation, "en")
    calendar = Calendar.from_ical(data)
    assert "Exchange Desk" in str(calendar["PRODID"])
    events = calendar.walk("VEVENT")
    assert len(events) == 3
    shanghai = ZoneInfo("Asia/Shanghai")  # an incoming visit happens in Jinan
    by_summary = {str(e["SUMMARY"]): e for e in events}
    meeting = by_summary["Meeting with the Mayor of Jinan"]
    start, end = meeting.decoded("DTSTART"), meeting.decoded("DTEND")
    assert start == dt.datetime(2019, 5, 20, 9, 30, tzinfo=shanghai)
    assert end == dt.datetime(2019, 5, 20, 10, 30, tzinfo=shanghai)
    assert start.utcoffset() == dt.timedelta(hours=8)
    assert meeting["DTSTART"].params["TZID"] == "Asia/Shanghai"
    assert str(meeting["LOCATION"]) == "City Hall, Room 3"
    description = str(meeting["DESCRIPTION"])
    for part in ("Sun Shutao, Mayor of Jinan", "Zhe Wang", "business attire"):
        assert part.lower() in description.lower()
    school = by_summary["Visit to Jinan Yuying Middle School"]
    assert school.decoded("DTSTART") == dt.datetime(2019, 5, 21, 10, 0, tzinfo=shanghai)
    assert [c.name for c in calendar.walk("VTIMEZONE")] == ["VTIMEZONE"]
    assert all("DTSTAMP" in e for e in events)


def test_the_calendar_speaks_the_language_asked_for(sqlite_db: Database, visit: VisitIds) -> None:
    summaries = {
        str(e["SUMMARY"])
        for e in events_of(programme.programme_ics(sqlite_db, visit.delegation, "zh"))
    }
    assert summaries == set(ACTIVITIES["zh"])
    hebrew = {
        str(e["SUMMARY"])
        for e in events_of(programme.programme_ics(sqlite_db, visit.delegation, "he"))
    }
    assert hebrew == set(ACTIVITIES["he"])


def test_uids_are_stable_and_distinct(sqlite_db: Database, visit: VisitIds) -> None:
    first = [str(e["UID"]) for e in events_of(programme.programme_ics(sqlite_db, visit.delegation))]
    again = [
        str(e["UID"]) for e in events_of(programme.programme_ics(sqlite_db, visit.delegation, "he"))
    ]
    assert first == again
    assert len(set(first)) == 3
    assert f"item-{visit.banquet}." in "".join(first)


def test_items_without_times_are_all_day_events(sqlite_db: Database, visit: VisitIds) -> None:
    add_item(
        sqlite_db, visit.delegation, day=dt.date(2019, 5, 21), activity_en="Free time in the city"
    )
    events = {
        str(e["SUMMARY"]): e
        for e in events_of(programme.programme_ics(sqlite_db, visit.delegation))
    }
    assert len(events) == 4
    free = events["Free time in the city"]
    assert free.decoded("DTSTART") == dt.date(2019, 5, 21)
    assert free.decoded("DTEND") == dt.date(2019, 5, 22)
    assert not isinstance(free.decoded("DTSTART"), dt.datetime)


def test_an_outgoing_visit_is_in_the_partner_citys_zone(
    sqlite_db: Database, visit: VisitIds
) -> None:
    outgoing = created(
        sqlite_db,
        r.Delegation(
            direction=Direction.OUTGOING,
            city_id=visit.partner_city,
            start_date=PartialDate(2019, 9, 2),
        ),
    )
    add_item(
        sqlite_db,
        outgoing,
        day=dt.date(2019, 9, 2),
        starts_at="10:00",
        ends_at="11:30",
        activity_en="Visit to the city hall",
    )
    (event,) = events_of(programme.programme_ics(sqlite_db, outgoing))
    jerusalem = ZoneInfo("Asia/Jerusalem")
    assert event.decoded("DTSTART") == dt.datetime(2019, 9, 2, 10, 0, tzinfo=jerusalem)
    assert event.decoded("DTSTART").utcoffset() == dt.timedelta(hours=3)  # summer time


def test_a_country_of_several_zones_gets_floating_times(
    sqlite_db: Database, visit: VisitIds
) -> None:
    city = created(sqlite_db, r.City(name_en="Portland", country="US"))
    outgoing = created(sqlite_db, r.Delegation(direction=Direction.OUTGOING, city_id=city))
    add_item(
        sqlite_db,
        outgoing,
        day=dt.date(2020, 3, 4),
        starts_at="09:00",
        ends_at="10:00",
        activity_en="Port visit",
    )
    data = programme.programme_ics(sqlite_db, outgoing)
    (event,) = events_of(data)
    assert event.decoded("DTSTART") == dt.datetime(2020, 3, 4, 9, 0)  # no zone: floating
    assert b"DTSTART:20200304T090000\r\n" in data
    assert b"VTIMEZONE" not in data


def test_every_zone_of_the_country_map_exists() -> None:
    for country, key in programme.COUNTRY_ZONES.items():
        assert ZoneInfo(key).key == key, country


# --- warnings --------------------------------------------------------------------------------


def test_the_sample_visit_has_nothing_to_warn_of(sqlite_db: Database, visit: VisitIds) -> None:
    assert programme.programme_warnings(sqlite_db, visit.delegation) == []


def test_overlapping_items_are_named_with_their_times(sqlite_db: Database, visit: VisitIds) -> None:
    add_item(
        sqlite_db,
        visit.delegation,
        starts_at="10:00",
        ends_at="11:00",
        activity_en="Press conference",
    )
    (warning,) = programme.programme_warnings(sqlite_db, visit.delegation)
    assert "Meeting with the Mayor of Jinan" in warning
    assert "09:30–10:30" in warning
    assert "Press conference" in warning
    assert "10:00–11:00" in warning
    assert "May 20, 2019" in warning


def test_items_outside_the_delegations_dates_are_warned(
    sqlite_db: Database, visit: VisitIds
) -> None:
    add_item(
        sqlite_db,
        visit.delegation,
        day=dt.date(2019, 5, 25),
        starts_at="09:00",
        activity_en="Farewell breakfast",
    )
    (warning,) = programme.programme_warnings(sqlite_db, visit.delegation)
    assert "Farewell breakfast" in warning
    assert "May 25, 2019" in warning
    assert "outside the delegation's dates" in warning


def test_warnings_speak_the_windows_language(sqlite_db: Database, visit: VisitIds) -> None:
    add_item(
        sqlite_db,
        visit.delegation,
        starts_at="10:00",
        ends_at="11:00",
        activity_en="Press conference",
        activity_zh="记者会",
    )
    set_language("zh_CN")
    (warning,) = programme.programme_warnings(sqlite_db, visit.delegation)
    assert "记者会" in warning
    assert "与济南市市长会见" in warning
    assert "2019年5月20日" in warning


# --- files -----------------------------------------------------------------------------------


def test_the_ending_decides_the_format(sqlite_db: Database, visit: VisitIds, out: Path) -> None:
    pdf = out / "programme.pdf"
    assert programme.write_programme(sqlite_db, visit.delegation, ["zh", "en"], pdf) == []
    assert len(PdfReader(io.BytesIO(pdf.read_bytes())).pages) >= 1
    ics = out / "programme.ICS"
    warnings = programme.write_programme(sqlite_db, visit.delegation, ["zh", "en"], ics)
    assert warnings == ["A calendar has one language: its events are in Chinese."]
    assert {str(e["SUMMARY"]) for e in events_of(ics.read_bytes())} == set(ACTIVITIES["zh"])


@pytest.mark.parametrize("name", ["programme.docx", "programme", "programme.pdf.txt"])
def test_any_other_ending_is_refused(
    sqlite_db: Database, visit: VisitIds, out: Path, name: str
) -> None:
    with pytest.raises(DocumentProblem) as caught:
        programme.write_programme(sqlite_db, visit.delegation, ["en"], out / name)
    assert ".pdf" in caught.value.user_message()
    assert ".ics" in caught.value.user_message()
    assert list(out.iterdir()) == []


def test_the_refusal_speaks_the_windows_language(
    sqlite_db: Database, visit: VisitIds, out: Path
) -> None:
    set_language("he")
    with pytest.raises(DocumentProblem) as caught:
        programme.write_programme(sqlite_db, visit.delegation, ["en"], out / "x.docx")
    # In the window's language, whatever its catalog holds for this message.
    assert caught.value.user_message() == _(
        "A programme is written as a PDF (.pdf) or a calendar (.ics) file; {name} is neither."
    ).format(name="x.docx")


@pytest.fixture
def failing_rename(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(_source: object, _target: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", refuse)


@pytest.mark.parametrize("name", ["programme.pdf", "programme.ics"])
def test_a_failing_write_leaves_the_old_file(
    sqlite_db: Database, visit: VisitIds, out: Path, name: str, failing_rename: None
) -> None:
    target = out / name
    target.write_bytes(b"the programme sent last week")
    with pytest.raises(DocumentProblem) as caught:
        programme.write_programme(sqlite_db, visit.delegation, ["en"], target)
    assert "No space left on device" in caught.value.user_message()
    assert target.read_bytes() == b"the programme sent last week"
    assert sorted(os.listdir(out)) == [name]  # no temporary file left behind


def test_a_missing_folder_is_named_before_any_work(
    sqlite_db: Database, visit: VisitIds, out: Path
) -> None:
    with pytest.raises(DocumentProblem) as caught:
        programme.write_programme(sqlite_db, visit.delegation, ["en"], out / "nowhere" / "p.pdf")
    assert "nowhere" in caught.value.user_message()


def test_a_row_taller_than_a_page_is_continued_on_the_next() -> None:
    # The database keeps notes to 2,000 characters a language; the layout must not fail
    # on a row no page can hold whatever its length.
    words = " ".join(f"w{i}" for i in range(1500))
    none = ("",)
    sheet = programme_pdf.ProgrammeSheet(
        languages=("en",),
        title=("Programme",),
        subtitle=("Delegation from Kfar Saba",),
        office=("Jinan FAO",),
        facts=((("Dates",), ("May 20, 2019",)),),
        note=none,
        members_heading=("Members of the delegation",),
        member_columns=(("No.",), ("Full name",), ("Position",), ("Role",)),
        members=(),
        schedule_heading=("Schedule",),
        columns=(("Time",), ("Activity",), ("Place",), ("Host",), ("Interpreter",), ("Dress",)),
        days=(
            programme_pdf.Day(
                ("Day 1",),
                (
                    programme_pdf.ItemRow(
                        "09:00", ("Seminar",), (words,), ("Hall",), none, none, none
                    ),
                    programme_pdf.ItemRow("17:00", ("Reception",), none, none, none, none, none),
                ),
            ),
        ),
        empty=none,
        page_label=("Page {page} of {pages}",),
    )
    pages = page_lines(programme_pdf.render_programme(sheet, fonts=FONTS))
    assert len(pages) >= 3
    printed = " ".join(" ".join(lines) for lines in pages).split()
    for index in range(1500):
        assert f"w{index}" in printed
    # Every page the row runs on repeats the day and the header row.
    for lines in pages[1:]:
        assert "Day 1" in lines
        assert any(line.startswith("TimeActivity") for line in lines)
    assert any("Reception" in line for line in pages[-1])
