"""Duplicates across scripts: which record a row's names mean (services/matching.py)."""

from __future__ import annotations

import gettext

import pytest

from exchange_desk.i18n import catalog
from exchange_desk.services.matching import (
    PINYIN_SCORE,
    NameIndex,
    NameMatch,
    fold_name,
    pinyin_key,
    similar_text,
)

AUGSBURG = 7
KFAR_SABA = 12
JINAN = 30


@pytest.fixture
def index() -> NameIndex:
    names = NameIndex()
    names.add(AUGSBURG, ["Augsburg", "奥格斯堡", ""], scope="DE")
    names.add(KFAR_SABA, ["Kfar Saba", "克法尔萨巴", "כפר סבא"], scope="IL")
    names.add(JINAN, ["", "济南", ""], scope="CN")
    return names


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Augsburg", "augsburg"),
        ("Augsburg ", "augsburg"),
        (" AUGSBURG", "augsburg"),
        ("奥格斯堡市", "奥格斯堡"),
        ("Stadt Augsburg", "augsburg"),
        ("Augsburg, Stadt", "augsburg"),
        ("Saint-Étienne", "saintetienne"),
        ("Saint Etienne", "saintetienne"),
        ("City of Kfar Saba", "kfarsaba"),
        ("The City of Kfar-Saba", "kfarsaba"),
        ("Kfar Saba Municipality", "kfarsaba"),
        ("עיריית כפר סבא", "כפרסבא"),
        ("עִירִיַּת כְּפַר סָבָא", "כפרסבא"),  # with points
        ("מועצה אזורית גליל עליון", "גלילעליון"),
        ("Rishon LeZion\u200f", "rishonlezion"),  # a direction mark pasted with it
        ("Xi'an", "xian"),
        ("（广州）", "广州"),  # full-width parentheses
        ("Tromsø", "tromso"),
        ("朝阳区", "朝阳"),
        ("首尔特别市", "首尔"),
        ("加利福尼亚州", "加利福尼亚"),
    ],
)
def test_fold_name(text: str, folded: str) -> None:
    assert fold_name(text) == folded


@pytest.mark.parametrize(
    ("text", "folded"),
    [("广州", "广州"), ("广州市", "广州"), ("苏州市", "苏州"), ("市区", "市区"), ("区", "区")],
)
def test_a_suffix_goes_only_when_two_characters_stay(text: str, folded: str) -> None:
    # 广州 is Guangzhou; 广 alone would be no city (and would meet every other 广...).
    assert fold_name(text) == folded


@pytest.mark.parametrize("text", ["City", "City of", "Stadt", "עיריית", "市", "-", "·"])
def test_a_name_never_folds_to_nothing(text: str) -> None:
    assert fold_name(text) != ""


def test_only_blank_text_folds_to_nothing() -> None:
    assert fold_name("") == ""
    assert fold_name(" \t") == ""


def test_pinyin_key() -> None:
    assert pinyin_key("济南") == "jinan"
    assert pinyin_key("濟南") == "jinan"
    assert pinyin_key("奥格斯堡市") == "aogesibao"
    assert pinyin_key("吕梁") == "luliang"  # ü as u, as Latin spellings write it
    assert pinyin_key("Augsburg") is None
    assert pinyin_key("כפר סבא") is None
    assert pinyin_key("") is None


@pytest.mark.parametrize(
    "name", ["Augsburg", "奥格斯堡", "Augsburg ", "奥格斯堡市", "Stadt Augsburg"]
)
def test_every_form_of_augsburg_is_one_city(index: NameIndex, name: str) -> None:
    match = index.find([name], scope="DE")
    assert match is not None
    assert match.record_id == AUGSBURG
    assert match.how == "same"
    assert match.score == 100.0


def test_the_matched_name_is_the_stored_one(index: NameIndex) -> None:
    assert index.find(["奥格斯堡市"]) == NameMatch(AUGSBURG, 100.0, "same", "奥格斯堡")
    assert index.find(["augsburg"]) == NameMatch(AUGSBURG, 100.0, "same", "Augsburg")


def test_a_latin_name_finds_a_record_known_only_in_chinese(index: NameIndex) -> None:
    assert index.find(["Jinan"], scope="CN") == NameMatch(JINAN, PINYIN_SCORE, "pinyin", "济南")
    assert index.find(["Ji'nan"], scope="CN") == NameMatch(JINAN, PINYIN_SCORE, "pinyin", "济南")


def test_a_chinese_name_finds_a_record_known_only_in_latin() -> None:
    names = NameIndex()
    names.add(4, ["Guangzhou"], scope="CN")
    assert names.find(["广州市"], scope="CN") == NameMatch(4, PINYIN_SCORE, "pinyin", "Guangzhou")


def test_traditional_characters_find_the_simplified_by_pinyin(index: NameIndex) -> None:
    assert index.find(["濟南"], scope="CN") == NameMatch(JINAN, PINYIN_SCORE, "pinyin", "济南")


@pytest.mark.parametrize("name", ["City of Kfar Saba", "עיריית כפר סבא", "כפר-סבא", "克法尔萨巴市"])
def test_kfar_saba_in_each_script(index: NameIndex, name: str) -> None:
    match = index.find([name], scope="IL")
    assert match is not None
    assert (match.record_id, match.how) == (KFAR_SABA, "same")


def test_a_spelling_variant_is_similar(index: NameIndex) -> None:
    match = index.find(["Kfar Sava"], scope="IL")
    assert match is not None
    assert match.record_id == KFAR_SABA
    assert match.how == "similar"
    assert match.matched == "Kfar Saba"
    assert match.score == pytest.approx(87.5)  # one letter in eight: 1 - 2/16


def test_the_fuzzy_cutoff_is_respected() -> None:
    strict = NameIndex(fuzzy_cutoff=90.0)
    strict.add(KFAR_SABA, ["Kfar Saba"])
    assert strict.find(["Kfar Sava"]) is None
    assert strict.find(["Kfar Sabba"]) is not None  # one letter more: 1 - 1/17


@pytest.mark.parametrize(("stored", "asked"), [("abcd", "abcdef"), ("abcdef", "abcd")])
def test_a_name_exactly_at_the_cutoff_is_found(stored: str, asked: str) -> None:
    # Only names of nearby lengths are compared; the bound must keep the edge: 2·4/(4+6) = 80%.
    names = NameIndex(fuzzy_cutoff=80.0)
    names.add(1, [stored])
    names.add(2, ["abcdefghijk"])  # 2·4/15, 2·6/17: too long to be compared at all
    assert names.find_all([asked]) == [NameMatch(1, 80.0, "similar", stored)]


def test_similar_names_are_compared_within_one_script(index: NameIndex) -> None:
    # "Kfar Yona" is another town, and 克法尔萨瓦 (a different transliteration) is only 80%.
    assert index.find(["Kfar Yona"], scope="IL") is None
    assert index.find(["克法尔萨瓦"], scope="IL") is None


def test_two_chinese_places_romanized_alike_are_not_similar() -> None:
    names = NameIndex()
    names.add(1, ["Changzhou", "常州"], scope="CN")
    # Without its Chinese name, Cangzhou may be a misspelling of Changzhou (94%)...
    match = names.find(["Cangzhou"], scope="CN")
    assert match is not None
    assert (match.record_id, match.how) == (1, "similar")
    # ...but with it, both are exact pinyin of different names: 沧州 is another city.
    assert names.find(["Cangzhou", "沧州"], scope="CN") is None


def test_springfield_in_two_countries() -> None:
    names = NameIndex()
    names.add(1, ["Springfield"], scope="US")
    names.add(2, ["Springfield"], scope="AU")
    us = names.find(["Springfield"], scope="US")
    au = names.find(["Springfield"], scope="AU")
    assert us is not None
    assert au is not None
    assert (us.record_id, au.record_id) == (1, 2)
    # A match in another country is no match, not even a similar one.
    assert names.find(["Springfield"], scope="GB") is None
    # Without a scope, both are candidates.
    assert [m.record_id for m in names.find_all(["Springfield"])] == [1, 2]


def test_an_unscoped_record_is_found_from_any_scope() -> None:
    names = NameIndex()
    names.add(5, ["Augsburg"])
    match = names.find(["Augsburg"], scope="DE")
    assert match is not None
    assert match.record_id == 5


def test_saint_etienne_with_and_without_accent_and_hyphen() -> None:
    names = NameIndex()
    names.add(3, ["Saint-Étienne"], scope="FR")
    assert names.find(["Saint Etienne"], scope="FR") == NameMatch(3, 100.0, "same", "Saint-Étienne")


def test_no_match_is_none(index: NameIndex) -> None:
    assert index.find(["Nagoya", "名古屋"], scope="JP") is None
    assert index.find(["Nagoya", "名古屋"]) is None
    assert index.find(["", "  "]) is None
    assert index.find([]) is None
    assert index.find_all(["Nagoya"]) == []


def test_rows_of_the_file_find_each_other(index: NameIndex) -> None:
    rows = [
        ["Nagoya", "", ""],
        ["", "名古屋市", ""],  # new: 名古屋 reads "mingguwu" in pinyin, not "Nagoya"
        ["Nagoya City", "名古屋", ""],
        ["", "名古屋", "נגויה"],
        ["Augsburg", "", ""],
    ]
    found: list[int | None] = []
    for number, row in enumerate(rows, start=1):
        match = index.find(row, scope="JP" if number < 5 else "DE")
        found.append(match.record_id if match else None)
        if match is None:
            index.add(-number, row, scope="JP")
    # Row 3 meets row 1 by "Nagoya City" and row 2 by 名古屋, equally: the earlier row is
    # chosen. Row 4 meets row 2 (row 3 matched, so it was not added). Row 5 is a record.
    assert found == [None, None, -1, -2, AUGSBURG]
    assert [m.record_id for m in index.find_all(rows[2], scope="JP")] == [-1, -2]


def test_a_database_record_comes_before_a_row_of_the_file() -> None:
    names = NameIndex()
    names.add(-1, ["Augsburg"], scope="DE")
    names.add(40, ["Augsburg"], scope="DE")
    names.add(9, ["奥格斯堡"], scope="DE")
    assert [m.record_id for m in names.find_all(["Augsburg", "奥格斯堡"], scope="DE")] == [
        9,
        40,
        -1,
    ]


def test_find_all_with_two_equal_candidates() -> None:
    names = NameIndex()
    names.add(21, ["台州"], scope="CN")
    names.add(20, ["泰州"], scope="CN")
    # Two cities, one pinyin: both are candidates, the lowest id first.
    matches = names.find_all(["Taizhou"], scope="CN")
    assert matches == [
        NameMatch(20, PINYIN_SCORE, "pinyin", "泰州"),
        NameMatch(21, PINYIN_SCORE, "pinyin", "台州"),
    ]
    assert names.find(["Taizhou"], scope="CN") == matches[0]


def test_a_stronger_kind_of_evidence_decides(index: NameIndex) -> None:
    index.add(8, ["Augsburgh"], scope="DE")
    # "Augsburg" is the same name as record 7's and similar to record 8's: only 7 is listed.
    assert [m.record_id for m in index.find_all(["Augsburg"], scope="DE")] == [AUGSBURG]
    # A row that names one record in Chinese and another in Latin: the same name beats pinyin.
    index.add(31, ["Jinan"], scope="CN")
    assert [(m.record_id, m.how) for m in index.find_all(["Jinan", "济南"], scope="CN")] == [
        (JINAN, "same"),
        (31, "same"),
    ]


def test_fuzzy_search_stops_when_the_names_are_many() -> None:
    names = NameIndex(fuzzy_limit=3)
    for number, name in enumerate(["Kfar Saba", "Haifa", "Eilat", "Dimona"]):
        names.add(number, [name], scope="IL")
    assert names.find(["Kfar Sava"], scope="IL") is None
    assert names.find(["Kfar Saba"], scope="IL") is not None  # the same name still is
    few = NameIndex(fuzzy_limit=4)
    for number, name in enumerate(["Kfar Saba", "Haifa", "Eilat", "Dimona"]):
        few.add(number, [name], scope="IL")
    assert few.find(["Kfar Sava"], scope="IL") is not None


def test_len_counts_names() -> None:
    names = NameIndex()
    assert len(names) == 0
    names.add(1, ["Augsburg", "Augsburg ", "Stadt Augsburg", "奥格斯堡", ""])
    assert len(names) == 2  # the three Latin forms fold alike
    names.add(1, ["Augsburg"], scope="DE")
    assert len(names) == 3


def test_describe() -> None:
    assert NameMatch(7, 100.0, "same", "Augsburg").describe() == "same name as “Augsburg”"
    assert (
        NameMatch(30, PINYIN_SCORE, "pinyin", "济南").describe() == "same name in pinyin as “济南”"
    )
    # Rounded down: a similar name never reads as "100%".
    similar = NameMatch(12, 87.5, "similar", "Kfar Saba")
    assert similar.describe() == "similar to “Kfar Saba” (87%)"
    assert NameMatch(12, 99.9, "similar", "Kfar Saba").describe().endswith("(99%)")


def test_describe_is_translated_when_shown(monkeypatch: pytest.MonkeyPatch) -> None:
    """The evidence is looked up in the active catalog at call time, placeholders kept."""

    class Hebrew(gettext.NullTranslations):
        def gettext(self, message: str) -> str:
            return {
                "same name as “{name}”": "אותו שם כמו „{name}”",
                "similar to “{name}” ({score}%)": "דומה ל־„{name}” ({score}%)",
            }.get(message, message)

    monkeypatch.setattr(catalog, "_active", Hebrew())
    assert NameMatch(7, 100.0, "same", "Augsburg").describe() == "אותו שם כמו „Augsburg”"
    assert NameMatch(12, 87.5, "similar", "כפר סבא").describe() == "דומה ל־„כפר סבא” (87%)"


def test_similar_text() -> None:
    assert similar_text("Wang Wei", "wang-wei") == 100.0
    assert similar_text("王伟", "Wang Wei") == 100.0
    assert similar_text("Moshe Cohen", "Moshe Kohen") == pytest.approx(90.0)
    assert similar_text("Moshe Cohen", "Li Na") < 30.0
    assert similar_text("", "") == 0.0
    assert similar_text("Wang Wei", " ") == 0.0
