"""Search folds what users do not type: Hebrew points and cantillation, the forms of geresh and
gershayim, tones and spaces of pinyin (a Chinese name is found by its pinyin), traditional
against simplified characters, and case and accents of Latin letters; in the window's table
search (`services.tables`) and in `exchange-desk list --search` (`records.list_records`)
alike, on both backends."""

from __future__ import annotations

import io
import json
import subprocess
import sys

import pytest

from exchange_desk.cli import main
from exchange_desk.domain.enums import OrganizationKind
from exchange_desk.domain.records import City, Organization
from exchange_desk.services import records
from exchange_desk.services.matching import search_fold, search_needle, search_text
from exchange_desk.services.records import ListQuery, list_records
from exchange_desk.services.tables import load_table
from exchange_desk.storage.database import Database

# --- the fold ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("שלום", "שָׁלוֹם"),  # points
        ("בראשית", "בְּרֵאשִׁ֖ית"),  # points and a cantillation mark
        ("ג'ינאן", "ג׳ינאן"),  # geresh: apostrophe, the Hebrew sign
        ("ג'ינאן", "ג’ינאן"),  # right single quotation mark
        ("ג׳ינאן", "ג‘ינאן"),  # left one
        ("ג׳ינאן", "ג`ינאן"),  # a backtick
        ('צה"ל', "צה״ל"),  # gershayim: quotation mark, the Hebrew sign
        ("צה״ל", "צה”ל"),  # right double quotation mark
        ("צה״ל", "צה“ל"),  # left one
        ("צה״ל", "צה''ל"),  # two apostrophes
        ("济南", "濟南"),  # simplified and traditional
        ("台北", "臺北"),
        ("lodz", "Łódź"),
        ("zurich", "ZÜRICH"),
        ("saint etienne", "SAINT ÉTIENNE"),
        ("strasse", "Straße"),
        ("tokyo", "Ｔｏｋｙｏ"),  # full-width letters
        ("benhamo", "Ben-Hamo"),
        ("kfarsaba", "Kfar\u200eSaba"),  # an invisible mark pasted with it
    ],
)
def test_both_fold_alike(one: str, other: str) -> None:
    assert search_fold(one) == search_fold(other)


def test_what_stays_apart() -> None:
    # A geresh is not nothing (ג׳ is J, ג is G), nor a gershayim a geresh.
    assert search_fold("ג'ינאן") != search_fold("גינאן")
    assert search_fold('צה"ל') != search_fold("צה'ל")
    # The voicing marks of Japanese tell names apart: kept.
    assert search_fold("が") != search_fold("か")


def finds(typed: str, text: str) -> bool:
    """Whether the search box's `typed` finds a row holding `text` (`matching`)."""
    needle = search_needle(typed)
    assert needle is not None
    return needle.found_in(search_text(text))


@pytest.mark.parametrize(
    ("typed", "text"),
    [
        ("jinan", "济南"),
        ("jinan", "濟南"),
        ("JiNan", "济南市"),
        ("ji nan", "济南"),
        ("jin", "济南市"),  # a beginning, as each letter is typed
        ("kefaersaba", "克法尔萨巴"),
        ("ke fa er sa ba", "克法尔萨巴"),
        ("dagan", "罗南·达甘"),  # from each word of a name on
        ("luonan da", "罗南·达甘"),
        ("dana", "达娜 夏皮拉"),
        ("kefa", "克法尔萨巴"),  # a beginning, as each letter is typed
        ("chongqing", "重庆"),  # a character read two ways: the name by the right one
        ("zhongqing", "重庆"),
        ("xiamen", "厦门"),
        ("changsha", "长沙"),
        ("luliang", "吕梁"),  # ü as Latin names write it
        ("xi'an", "西安"),  # the apostrophe pinyin writes between syllables
        ("wangzhe", "王喆"),
        ("2018nian", "2018年"),  # a run of digits is one syllable
    ],
)
def test_a_chinese_name_is_found_by_its_pinyin(typed: str, text: str) -> None:
    assert finds(typed, text)


@pytest.mark.parametrize(
    ("typed", "text"),
    [
        # Pinyin is typed from the start of a name or of a word in it: the per-character
        # readings joined and searched anywhere found "zhe" in 张鹤 (zhang he) and nine
        # people for one; from any syllable on, every body named 市政府 (shi zheng fu).
        ("zhe", "张鹤"),
        ("zhe", "王喆"),  # the given name alone: found by the Latin one where there is one
        ("zhengfu", "克法尔萨巴市政府"),
        ("ina", "济南"),
        ("nan", "济南"),
        ("efa", "克法尔萨巴"),
        ("saba", "克法尔萨巴"),
        ("ngqing", "重庆"),
        ("018nian", "2018年"),
        ("nandagan", "罗南·达甘"),
    ],
)
def test_pinyin_is_found_only_from_the_start_of_a_word(typed: str, text: str) -> None:
    assert not finds(typed, text)


def test_pinyin_does_not_meet_what_was_typed_in_other_letters() -> None:
    # Pinyin is kept in capitals after a separator nobody types: a folded text never holds it.
    assert search_text("济南").split("\x1f")[0] == "济南"
    assert search_text("Kfar Saba") == "kfar saba"
    assert "jinan" not in search_text("济南")  # only SearchNeedle.pinyin meets it
    # Hebrew or Chinese typed text is never looked for as pinyin.
    needle = search_needle("济南")
    assert needle is not None
    assert needle.pinyin == ""


def test_rows_are_found_in_any_column_in_the_order_asked() -> None:
    # Two searched columns, a city and a leader, each value folded as the table keeps it.
    cities = [search_text(name) for name in ("Kfar Saba", "济南", "Kfar Saba", "Augsburg")]
    leaders = [search_text(name) for name in ("Dana", "Li Na", "Kfar Yona", "Nadav")]
    parts = [cities, leaders]
    values = [list(dict.fromkeys(column)) for column in parts]

    def rows(typed: str, among: list[int]) -> list[int]:
        needle = search_needle(typed)
        assert needle is not None
        return needle.rows_among(parts, values, among)

    assert rows("kfar", [3, 2, 1, 0]) == [2, 0]  # from either column, in the order given
    assert rows("jinan", [0, 1, 2, 3]) == [1]
    assert rows("na", [0, 1, 2, 3]) == [0, 1, 2, 3]  # Dana, Li Na, Kfar Yona, Nadav
    assert rows("na", [1, 3]) == [1, 3]  # a narrowed list stays narrowed
    assert rows("zurich", [0, 1, 2, 3]) == []


def test_a_sentence_is_found_by_its_characters_not_by_pinyin() -> None:
    purpose = "双方就经贸合作文化交流青年互访和友好城市关系进行了深入交流"
    assert finds("经贸合作", purpose)
    assert not finds("jingmao", purpose)
    assert finds("jingmao", "经贸合作")


def test_searching_never_loads_pypinyin() -> None:
    # Its phrase dictionary costs 45 MB and a quarter of a second (matching.search_pinyin).
    code = (
        "import sys\n"
        "from exchange_desk.services.matching import search_text\n"
        "assert 'KEFAERSABA' in search_text('克法尔萨巴')\n"
        "assert 'pypinyin' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


# --- in the window and on the command line ---------------------------------------------


# The bodies' own names say nothing of their cities: each is found only through its city.
BODIES = {
    "jinan": "Office Alpha",
    "kfar saba": "Office Beta",
    "lodz": "Office Gamma",
    "zurich": "Office Delta",
    "shalom": "Office Epsilon",
    "tel aviv": "Office Zeta",
}


@pytest.fixture
def places(db: Database) -> dict[str, int]:
    """Cities found only by what the search folds (their English names are other words),
    and a body in each, so that the Organizations tab shows their names too."""
    made = {
        "jinan": City(name_en="Tsinan", name_zh="济南", name_he="ג'ינאן", country="CN"),
        "kfar saba": City(name_en="Kfar Sava", name_zh="克法尔萨巴", country="IL"),
        "lodz": City(name_en="Łódź", country="PL"),
        "zurich": City(name_en="Zürich", country="CH"),
        "shalom": City(name_en="Neve Shalom", name_he="נְוֵה שָׁלוֹם", country="IL"),
        "tel aviv": City(name_en="Tel Aviv-Yafo", name_he="תל אביב-יפו", country="IL"),
    }
    ids = {key: records.create(db, city).id for key, city in made.items()}
    for key, city_id in ids.items():
        records.create(
            db,
            Organization(
                name_en=BODIES[key],
                kind=OrganizationKind.GOVERNMENT_BUREAU,
                city_id=city_id,
            ),
        )
    return ids


FINDS = [
    ("jinan", "jinan"),
    ("JiNan", "jinan"),
    ("ji nan", "jinan"),
    ("济南", "jinan"),
    ("濟南", "jinan"),
    ("ג'ינאן", "jinan"),
    ("ג׳ינאן", "jinan"),
    ("ג’ינאן", "jinan"),
    ("kefaersaba", "kfar saba"),
    ("ke fa er sa ba", "kfar saba"),
    ("Lodz", "lodz"),
    ("łódź", "lodz"),
    ("ZURICH", "zurich"),
    ("zürich", "zurich"),
    ("שלום", "shalom"),
    ("שָׁלוֹם", "shalom"),
    ("נוה", "shalom"),
    ("tel aviv", "tel aviv"),
]


@pytest.mark.parametrize(("typed", "wanted"), FINDS)
def test_the_list_finds_it_on_both_backends(
    db: Database, places: dict[str, int], typed: str, wanted: str
) -> None:
    page = list_records(db, "cities", ListQuery(search=typed))
    assert [listed.record.id for listed in page.rows] == [places[wanted]]
    assert page.total == 1
    # A body by the names of the city it is in, as in the window.
    bodies = list_records(db, "organizations", ListQuery(search=typed))
    assert [listed.record.name_en for listed in bodies.rows] == [BODIES[wanted]]


@pytest.mark.parametrize(("typed", "wanted"), FINDS)
def test_the_window_finds_it_on_both_backends(
    db: Database, places: dict[str, int], typed: str, wanted: str
) -> None:
    # The Organizations tab: each body found by its city's names.
    table = load_table(db, "organizations")
    column = table.column_index("name")
    found = [table.data[column][row].en for row in table.matching(range(len(table)), typed)]
    assert found == [BODIES[wanted]]


def test_a_search_of_the_list_keeps_its_other_conditions(
    db: Database, places: dict[str, int]
) -> None:
    everyone = ListQuery(search="office", limit=2, order_by="name_en")
    page = list_records(db, "organizations", everyone)
    assert page.total == len(places)
    assert [listed.record.name_en for listed in page.rows] == ["Office Alpha", "Office Beta"]
    later = list_records(db, "organizations", ListQuery(search="office", offset=4))
    assert [listed.record.name_en for listed in later.rows] == ["Office Gamma", "Office Zeta"]
    nothing = list_records(db, "organizations", ListQuery(search="jinan", filters={"id": -1}))
    assert nothing.total == 0


def _list(database: Database, *argv: str) -> tuple[int, str]:
    out = io.StringIO()
    url = database.url.render_as_string(hide_password=False)
    code = main(["--db", url, "list", *argv], out=out)
    return code, out.getvalue()


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("jinan", "Tsinan"),
        ("濟南", "Tsinan"),
        ("ג׳ינאן", "Tsinan"),
        ("kefaersaba", "Kfar Sava"),
        ("Lodz", "Łódź"),
        ("ZURICH", "Zürich"),
        ("שָׁלוֹם", "Neve Shalom"),
    ],
)
def test_list_search_on_the_command_line(
    db: Database, places: dict[str, int], typed: str, shown: str
) -> None:
    code, text = _list(db, "cities", "--search", typed)
    assert code == 0, text
    rows = text.splitlines()[1:]
    assert len(rows) == 1, text
    assert shown in rows[0]


# --- the demo's own names ------------------------------------------------------------------


def test_the_demo_is_found_by_pinyin_in_the_window(demo_db: Database) -> None:
    table = load_table(demo_db, "partner_cities")
    city = table.column_index("city")
    found = {table.data[city][row].en for row in table.matching(range(len(table)), "kefaersaba")}
    assert found == {"Kfar Saba"}


@pytest.mark.parametrize(
    ("typed", "wanted"),
    [
        ("Zhe", {"Wang Zhe"}),
        ("wangzhe", {"Wang Zhe"}),
        ("dagan", {"Ronen Dagan"}),
        ("luonandagan", {"Ronen Dagan"}),
        ("zhanghuimin", {"Zhang Huimin"}),
    ],
)
def test_a_short_name_finds_only_whom_it_names(
    demo_db: Database, typed: str, wanted: set[str]
) -> None:
    # The People tab searches names, positions and each person's organization and city:
    # "Zhe" once also found everyone at the 克法尔萨巴市政府 (shi zheng fu) and more.
    table = load_table(demo_db, "people")
    name = table.column_index("name")
    found = {table.data[name][row].en for row in table.matching(range(len(table)), typed)}
    assert found == wanted
    code, text = _list(demo_db, "people", "--json", "--search", typed)
    assert code == 0, text
    assert {person["name"] for person in json.loads(text)} == wanted


def test_the_demo_is_found_by_pinyin_on_the_command_line(demo_db: Database) -> None:
    for typed in ("kefaersaba", "ke fa er sa ba", "克法爾薩巴"):
        code, text = _list(demo_db, "cities", "--search", typed)
        assert code == 0, text
        (row,) = text.splitlines()[1:]
        assert "Kfar Saba" in row, typed
    code, text = _list(demo_db, "cities", "--search", "jinan")
    assert code == 0
    assert any("Jinan" in row for row in text.splitlines()[1:])


def test_a_first_page_is_found_by_pinyin_too(db: Database, places: dict[str, int]) -> None:
    # The first page, read on the window's thread before the whole table, searches alike.
    page = load_table(db, "organizations", limit=300)
    assert page.complete
    assert len(page.matching(range(len(page)), "jinan")) == 1
    assert len(page.matching(range(len(page)), "濟南")) == 1


@pytest.mark.parametrize("typed", ["צה''ל", 'צה"ל', "צה״ל", "ke fa er sa ba", "Łódź"])
def test_each_letter_typed_narrows_what_the_last_one_found(db: Database, typed: str) -> None:
    # The window searches only the rows shown while the text grows (ui.table_model): what
    # a longer text finds must be among what its beginning found.
    records.create(
        db,
        Organization(
            name_en="Liaison", name_he="לשכת קשר צה״ל", kind=OrganizationKind.GOVERNMENT_BUREAU
        ),
    )
    records.create(
        db, Organization(name_en="Kfar Sava", name_zh="克法尔萨巴", kind=OrganizationKind.CHOIR)
    )
    records.create(db, Organization(name_en="Łódź Choir", kind=OrganizationKind.CHOIR))
    table = load_table(db, "organizations")
    shown = list(range(len(table)))
    for end in range(1, len(typed) + 1):
        shown = table.matching(shown, typed[:end])
    assert shown == table.matching(range(len(table)), typed)
    assert len(shown) == 1
