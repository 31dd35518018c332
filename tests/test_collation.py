"""Tables and pickers sort the way the user's language sorts (`ui.collation`): Chinese by
pinyin, Hebrew by its alphabet, English without regard to case or accents, numbers by value,
and empty cells last whichever way a column is sorted."""

from __future__ import annotations

import random
from collections.abc import Iterator
from itertools import pairwise
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from exchange_desk.i18n.catalog import set_language
from exchange_desk.services.names import Names
from exchange_desk.services.tables import RecordTable, TableColumn
from exchange_desk.storage.database import Database
from exchange_desk.ui.bidi import as_typed
from exchange_desk.ui.collation import collator_for, rank_keys, sorted_by_text
from exchange_desk.ui.record_tab import RecordTab
from exchange_desk.ui.table_model import RecordTableModel

ASCENDING = Qt.SortOrder.AscendingOrder
DESCENDING = Qt.SortOrder.DescendingOrder
# Beijing, Jinan, Shanghai, Tianjin: by pinyin, not by code point (上 U+4E0A comes first).
PINYIN = ["北京", "济南", "上海", "天津"]
# Ashdod, Be'er Sheva, Haifa, Kfar Saba, Tel Aviv: alef, bet, het, kaf, tav.
ALEF_BET = ["אשדוד", "באר שבע", "חיפה", "כפר סבא", "תל אביב"]
ENGLISH = ["Ålesund", "apple", "Łódź", "Oslo", "Zurich"]
CITIES = [
    Names(en="Tianjin", zh="天津", he="טיאנג'ין"),
    Names(en="Shanghai", zh="上海", he="שנגחאי"),
    Names(en="Beijing", zh="北京", he="בייג'ינג"),
    Names(en="Jinan", zh="济南", he="ג'ינאן"),
]


@pytest.fixture(autouse=True)
def _back_to_english() -> Iterator[None]:
    yield
    set_language("en")


def _model(cities: list[Names | None], leaders: list[str]) -> RecordTableModel:
    table = RecordTable(
        tab="delegations",
        kind="delegation",
        columns=(
            TableColumn("city", "Partner city", "names"),
            TableColumn("leader", "Leader", "text"),
        ),
        facets=(),
        ids=list(range(1, len(leaders) + 1)),
        data=[list(cities), list(leaders)],
        sample=[False] * len(leaders),
        search_parts=[],
    )
    return RecordTableModel(table)


def _shown(model: RecordTableModel, column: int) -> list[str]:
    """The cells' texts as typed (a Hebrew cell in a left-to-right window is embedded)."""
    return [as_typed(model.data(model.index(row, column))) for row in range(model.rowCount())]


def _shuffled(texts: list[str]) -> list[str]:
    shuffled = list(texts)
    random.Random(7).shuffle(shuffled)
    assert shuffled != texts
    return shuffled


@pytest.mark.parametrize(
    ("language", "expected"),
    [("zh_CN", PINYIN), ("he", ALEF_BET), ("en", ENGLISH)],
)
def test_a_text_column_sorts_in_the_order_of_the_language(
    qapp: QApplication, language: str, expected: list[str]
) -> None:
    set_language(language)
    model = _model([None] * len(expected), _shuffled(expected))
    model.sort(1, ASCENDING)
    assert _shown(model, 1) == expected
    model.sort(1, DESCENDING)
    assert _shown(model, 1) == expected[::-1]


def test_english_ignores_case_and_accents_and_counts_numbers(qapp: QApplication) -> None:
    expected = ["Delegation 2", "delegation 10", "Ecole", "école 3", "Élan", "zoo"]
    model = _model([None] * len(expected), _shuffled(expected))
    model.sort(1, ASCENDING)
    assert _shown(model, 1) == expected
    # Plain code-point sorting would put every capital first and "10" before "2".
    assert sorted(expected) != expected


def test_empty_cells_sort_last_either_way(qapp: QApplication) -> None:
    for language in ("en", "zh_CN", "he"):
        set_language(language)
        model = _model([CITIES[0], None, CITIES[1], None], ["", "b", "", "a"])
        for column in (0, 1):
            for order in (ASCENDING, DESCENDING):
                model.sort(column, order)
                shown = _shown(model, column)
                assert "" not in shown[:2], (language, column, order)
                assert shown[2:] == ["", ""], (language, column, order)


def test_switching_the_language_re_sorts_names(qapp: QApplication) -> None:
    model = _model(list(CITIES), ["", "", "", ""])
    model.sort(0, ASCENDING)
    assert _shown(model, 0) == ["Beijing", "Jinan", "Shanghai", "Tianjin"]
    set_language("he")
    model.forget_texts()
    model.sort(0, ASCENDING)
    # Bet, gimel, tet, shin: the Hebrew names' own order, not the English one.
    assert _shown(model, 0) == ["בייג'ינג", "ג'ינאן", "טיאנג'ין", "שנגחאי"]
    set_language("zh_CN")
    model.forget_texts()
    model.sort(0, DESCENDING)
    assert _shown(model, 0) == PINYIN[::-1]
    set_language("en")
    model.forget_texts()
    model.sort(0, ASCENDING)
    assert _shown(model, 0) == ["Beijing", "Jinan", "Shanghai", "Tianjin"]


def test_rank_keys_agrees_with_the_collator_on_many_texts() -> None:
    # Enough different texts (mixed scripts, cases, accents, numbers) that the presorting
    # in rank_keys matters: the order must still be the collator's, pair by pair.
    rng = random.Random(3)
    parts = ["Łódź", "lodz", "Ålesund", "apple", "Apple", "北京", "上海", "חיפה", "אשדוד", "Zoë"]
    texts = [f"{rng.choice(parts)} {rng.choice(parts)} {rng.randint(0, 300)}" for _ in range(3000)]
    for language in ("en", "zh_CN", "he"):
        ranks = rank_keys(texts, language)
        assert sorted(ranks.values()) == list(range(len(set(texts))))
        ordered = sorted(ranks, key=ranks.__getitem__)
        collator = collator_for(language)
        assert all(collator.compare(a, b) <= 0 for a, b in pairwise(ordered))


def test_pickers_sort_by_their_text(qapp: QApplication) -> None:
    set_language("zh_CN")
    items = [(index, text) for index, text in enumerate(_shuffled(PINYIN))]
    assert [text for _, text in sorted_by_text(items)] == PINYIN


def test_the_country_filter_lists_countries_in_the_language(qtbot: Any, demo_db: Database) -> None:
    tab = RecordTab(demo_db, "partner_cities")
    qtbot.addWidget(tab)
    qtbot.waitUntil(lambda: tab.complete, timeout=15_000)
    country = next(facet for facet in tab.model.table.facets if facet.key == "country")
    for language in ("en", "zh_CN", "he"):
        set_language(language)
        names = [text for _, text in tab._choices(country, tab.model.table)]
        assert len(names) > 3
        collator = collator_for(language)
        assert all(collator.compare(a, b) < 0 for a, b in pairwise(names))
