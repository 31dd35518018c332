"""Switching the language while the program runs: the main window and every open dialog
change at once, and nothing is left in the language before; Hebrew runs right to left;
the choice is remembered; Qt's own strings and the bundled fonts come along."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from babel.messages.pofile import read_po
from PySide6.QtCore import QModelIndex, QSettings, Qt, QThreadPool
from PySide6.QtGui import QAction, QColor, QFontDatabase, QGuiApplication, QImage
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QComboBox,
    QDialogButtonBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QMenu,
    QStyle,
    QTabWidget,
    QWidget,
)

from exchange_desk.i18n.catalog import _, active_language
from exchange_desk.paths import i18n_dir
from exchange_desk.services.database import Database
from exchange_desk.services.records import ListQuery, list_records
from exchange_desk.ui import language as language_module
from exchange_desk.ui.app import make_application
from exchange_desk.ui.bidi import MARKS, as_typed, in_own_direction
from exchange_desk.ui.main_window import TABS, MainWindow

OFFSCREEN_NOISE = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints")
LANGUAGE_NAMES = {"English", "中文", "עברית"}


# --- what a widget tree shows -------------------------------------------------------------


def _action_texts(actions: list[QAction]) -> Iterator[str]:
    for action in actions:
        yield action.text()
        yield action.toolTip()
        menu = action.menu()
        if isinstance(menu, QMenu):
            yield menu.title()
            yield from _action_texts(menu.actions())


def _view_texts(view: QAbstractItemView) -> Iterator[str]:
    model = view.model()
    if model is None:
        return
    root = QModelIndex()
    try:
        columns = model.columnCount(root)
    except TypeError:  # a list model (a combo's): one column, hidden from Python
        columns = 1
    for column in range(columns):
        yield str(model.headerData(column, Qt.Orientation.Horizontal) or "")
        for row in range(min(model.rowCount(root), 60)):
            yield str(model.data(model.index(row, column)) or "")
            yield str(model.data(model.index(row, column), Qt.ItemDataRole.ToolTipRole) or "")


def shown_texts(root: QWidget) -> set[str]:
    """Every text `root` and its children show: titles, labels, buttons, menus and their
    actions, tool tips, place-holders, combo items, tabs, table headers and cells."""
    found: list[str] = []
    for widget in [root, *root.findChildren(QWidget)]:
        found += [widget.windowTitle(), widget.toolTip()]
        found += _action_texts(widget.actions())
        if isinstance(widget, QLabel | QAbstractButton):
            found.append(widget.text())
        elif isinstance(widget, QLineEdit):
            found.append(widget.placeholderText())
        elif isinstance(widget, QGroupBox):
            found.append(widget.title())
        elif isinstance(widget, QComboBox):
            found += [widget.itemText(index) for index in range(widget.count())]
        elif isinstance(widget, QTabWidget):
            found += [widget.tabText(index) for index in range(widget.count())]
        elif isinstance(widget, QAbstractItemView):
            found += _view_texts(widget)
        elif isinstance(widget, QMenu):
            found.append(widget.title())
    return {text for text in found if text}


# --- what counts as a leftover -------------------------------------------------------------


def _plain(text: str) -> str:
    """A text as read: without keyboard mnemonics ("&File", "文件(&F)"), markup, or the
    embedding that shows a cell in its own direction."""
    text = "".join(character for character in text if character not in MARKS)
    text = re.sub(r"\(&\w\)", "", text)
    text = re.sub(r"&(?=[^&\s])", "", text).replace("&&", "&")
    return re.sub(r"<[^>]+>", " ", text).strip()


@cache
def _messages(code: str) -> dict[str, str]:
    """Each message id (and plural id) with its text in `code`, mnemonics removed."""
    template = i18n_dir() / "exchange_desk.pot"
    path = template if code == "en" else i18n_dir() / code / "LC_MESSAGES" / "exchange_desk.po"
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=None if code == "en" else code)
    texts: dict[str, str] = {}
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        if code == "en":
            for source in ids:
                texts[source] = _plain(source)
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for index, source in enumerate(ids):
            texts[source] = _plain(strings[min(index, len(strings) - 1)])
        for extra, form in enumerate(strings):
            texts[f"{ids[0]}\x00{extra}"] = _plain(form)
    return texts


@cache
def leftover_pattern(previous: str, current: str) -> re.Pattern[str]:
    """Matches a whole text that is a message of `previous` which reads differently in
    `current`. Placeholders match any text; a message needs three letters of its own to
    count, so "{label}:" does not match every label."""
    before, after = _messages(previous), _messages(current)
    alternatives = []
    for key, text in before.items():
        source = key.split("\x00")[0]
        if after.get(key, after.get(source)) == text:
            continue  # the same in both languages (a name, a code): not a leftover
        literal = re.sub(r"\{[^{}]*\}", "", text)
        if len(re.findall(r"\w", literal)) < 3:
            continue
        parts = re.split(r"(\{[^{}]*\})", text)
        alternatives.append(
            "".join(".+?" if part.startswith("{") else re.escape(part) for part in parts)
        )
    alternatives.sort(key=len, reverse=True)
    return re.compile("(?:" + "|".join(alternatives) + ")")


def leftovers(
    texts: set[str], previous: str, current: str, typed: frozenset[str] = frozenset()
) -> list[str]:
    """The texts that are wholly, or line by line, in the previous language; `typed` are
    the office's own free texts, shown as typed in any language (the demo's sample
    purposes were written in English, in the words of the catalog)."""
    pattern = leftover_pattern(previous, current)
    found = []
    # Languages are offered in their own names, the same in every language.
    for text in texts - LANGUAGE_NAMES - typed:
        if _plain(text) in typed:  # a link named by a typed text
            continue
        for line in [_plain(text), *_plain(text).splitlines()]:
            if line and pattern.fullmatch(line.strip()):
                found.append(text)
                break
    return sorted(found)


# --- fixtures ----------------------------------------------------------------------------


@pytest.fixture
def settings(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def english(qapp: QApplication) -> Iterator[QApplication]:
    """The test starts and ends in English, left to right, whatever it switched to."""
    make_application("en")
    yield qapp
    assert QThreadPool.globalInstance().waitForDone(30_000)
    language_module.apply_language("en")
    qapp.processEvents()
    assert qapp.layoutDirection() == Qt.LayoutDirection.LeftToRight


@pytest.fixture
def window(qtbot: Any, demo_db: Database, settings: QSettings, english: QApplication) -> MainWindow:
    """The main window on the demo data, starting in English."""
    made = MainWindow(demo_db, settings)
    qtbot.addWidget(made)
    return made


def _settle(qtbot: Any, window: MainWindow) -> None:
    pool = QThreadPool.globalInstance()
    qtbot.waitUntil(lambda: pool.activeThreadCount() == 0, timeout=30_000)
    QApplication.processEvents()
    for tab in window.record_tabs.values():
        qtbot.waitUntil(lambda tab=tab: tab.complete and not tab._loading, timeout=30_000)


def _first_id(database: Database, kind: str) -> int:
    rows = list_records(database, kind, ListQuery(limit=1)).rows
    assert rows, kind
    return int(rows[0].record.id)


# --- the switch ----------------------------------------------------------------------------


@OFFSCREEN_NOISE
def test_switching_leaves_nothing_of_the_language_before(
    qtbot: Any, demo_db: Database, settings: QSettings, english: QApplication
) -> None:
    """en → zh → he → en while the main window, every tab and every dialog that stays open
    beside it are showing; after each switch no text is left from the language before."""
    window = MainWindow(demo_db, settings)
    qtbot.addWidget(window)
    window.show()
    for key, _title, _name in TABS:
        window.tabs.setCurrentWidget(window._pages[key])
        window.tab(key).select_row(0)
    _settle(qtbot, window)
    award = _first_id(demo_db, "awards")
    dialogs: list[QWidget] = [
        window.open_certificate(award),
        window.print_certificates(),
        window.show_register(),
        window.annual_report(2018),
        window._open_report("city", record_id=_first_id(demo_db, "cities")),
        window._open_report("delegation", record_id=_first_id(demo_db, "delegations")),
    ]
    for dialog in dialogs:
        assert dialog is not None
        qtbot.addWidget(dialog)
    roots: list[QWidget] = [window, *dialogs]
    certificate = dialogs[0]
    qtbot.waitUntil(lambda: certificate.preview_ready, timeout=30_000)

    typed = frozenset(
        str(value)
        for tab in window.record_tabs.values()
        for column, values in zip(tab.model.table.columns, tab.model.table.data, strict=True)
        if column.shows == "text"
        for value in values
        if value
    )
    # and the free texts the detail panes show beside them (a leader's title).
    typed |= {
        value
        for tab in window.record_tabs.values()
        if tab.detail.detail is not None
        for _label, value in tab.detail.detail.facts
        if isinstance(value, str)
    }
    # and the records they link to, named by what was typed (a gift's occasion: a purpose).
    typed |= {
        text
        for tab in window.record_tabs.values()
        if tab.detail.detail is not None
        for _label, group in tab.detail.detail.groups
        for related in group
        for text in (related.title.en, related.title.zh, related.title.he)
        if text
    }
    assert "Sample leader" in typed
    texts = set().union(*(shown_texts(root) for root in roots))
    assert "Partner cities" in {_plain(text) for text in texts}
    assert leftovers(texts, "zh_CN", "en") == []
    previous = "en"
    for code in ("zh_CN", "he", "en"):
        window.language_actions[code].trigger()
        _settle(qtbot, window)
        assert active_language() == code
        texts = set().union(*(shown_texts(root) for root in roots))
        assert leftovers(texts, previous, code, typed) == [], (previous, code)
        # The menus, the tabs and each dialog's title really are in the new language.
        assert window.menu_file.title() == _("&File")
        assert window.tabs.tabText(0) == _("Home")
        assert window.tabs.tabText(1) == _("Partner cities")
        assert certificate.windowTitle().startswith(_("Certificate of honor: {award}")[:4])
        batch, report = dialogs[1], dialogs[3]
        assert batch.form.labelForField(batch.year_box).text() == _("&Year:")
        assert report.form.labelForField(report.language_box).text() == _("&Language:")
        expected = (
            Qt.LayoutDirection.RightToLeft if code == "he" else Qt.LayoutDirection.LeftToRight
        )
        assert QGuiApplication.layoutDirection() == expected
        for root in roots:
            assert root.layoutDirection() == expected, root
        assert window.language_actions[code].isChecked()
        # The detail pane is on the reading side's end: left in Hebrew, right otherwise.
        tab = window.current_tab()
        assert (tab.detail.x() < tab.view.x()) == (code == "he")
        # Record names in the window's language where the record has them.
        city = {"en": "Kfar Saba", "zh_CN": "克法尔萨巴", "he": "כפר סבא"}[code]
        assert city in texts
        previous = code


@OFFSCREEN_NOISE
@pytest.mark.parametrize("code", ["zh_CN", "he"])
def test_dialogs_opened_after_a_switch_speak_the_new_language(
    qtbot: Any, demo_db: Database, settings: QSettings, english: QApplication, code: str
) -> None:
    """The modal dialogs (record editing, office profile, printer offset) are built anew each
    time: after a switch they open without an English word of ours."""
    from PySide6.QtPrintSupport import QPrinter

    from exchange_desk.services.records import get_record
    from exchange_desk.ui.printing import PrinterOffsetDialog
    from exchange_desk.ui.profile_dialog import OfficeProfileDialog
    from exchange_desk.ui.record_dialog import RecordDialog

    window = MainWindow(demo_db, settings)
    qtbot.addWidget(window)
    window.switch_language(code)
    dialogs: list[QWidget] = [
        OfficeProfileDialog(demo_db),
        PrinterOffsetDialog(QPrinter(), lambda: b"", None),
    ]
    for kind in ("partnerships", "delegations", "events", "awards", "agreements"):
        record = get_record(demo_db, kind, _first_id(demo_db, kind))
        dialogs.append(RecordDialog(demo_db, kind, record, lambda *args: None))
    for dialog in dialogs:
        qtbot.addWidget(dialog)
        texts = shown_texts(dialog)
        assert texts, dialog
        assert leftovers(texts, "en", code) == [], dialog


@OFFSCREEN_NOISE
def test_hebrew_window_runs_right_to_left_with_mirrored_arrows(window: MainWindow) -> None:
    style = window.style()

    def image(icon: Any) -> Any:
        return icon.pixmap(16, 16).toImage()

    left = image(style.standardIcon(QStyle.StandardPixmap.SP_ArrowLeft))
    right = image(style.standardIcon(QStyle.StandardPixmap.SP_ArrowRight))
    assert left != right
    assert image(window.act_undo.icon()) == left  # back is to the left
    window.switch_language("he")
    assert window.layoutDirection() == Qt.LayoutDirection.RightToLeft
    assert window.menuBar().layoutDirection() == Qt.LayoutDirection.RightToLeft
    assert window.tab("cities").view.layoutDirection() == Qt.LayoutDirection.RightToLeft
    assert window.menu_file.title() == "&קובץ" or "קובץ" in window.menu_file.title()
    titles = [action.text() for action in window.menuBar().actions()]
    assert len(titles) == 7
    assert all(re.search("[א-ת]", title) for title in titles), titles
    # Back is to the right in a right-to-left window, forward to the left.
    assert image(window.act_undo.icon()) == right
    assert image(window.act_redo.icon()) == left
    window.switch_language("en")
    assert image(window.act_undo.icon()) == left


def test_qt_own_strings_follow(qtbot: Any, english: QApplication) -> None:
    """Standard buttons come from Qt's qtbase catalogs, switched with ours."""
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
    qtbot.addWidget(box)
    cancel = box.button(QDialogButtonBox.StandardButton.Cancel)
    assert _plain(cancel.text()) == "Cancel"
    language_module.apply_language("zh_CN")
    assert _plain(cancel.text()) == "取消"
    language_module.apply_language("he")
    assert _plain(cancel.text()) == "ביטול"
    language_module.apply_language("en")
    assert _plain(cancel.text()) == "Cancel"


# --- the choice is remembered, the system decides the first ----------------------------


def test_first_start_follows_the_system_then_the_choice(
    monkeypatch: pytest.MonkeyPatch, settings: QSettings
) -> None:
    monkeypatch.setenv("EXCHANGE_DESK_LANG", "he")
    assert language_module.startup_language(None, settings).code == "he"
    monkeypatch.setenv("EXCHANGE_DESK_LANG", "fr")
    monkeypatch.setenv("LANGUAGE", "")
    monkeypatch.setenv("LC_ALL", "fr_FR.UTF-8")
    monkeypatch.setattr("locale.getlocale", lambda: (None, None))
    assert language_module.startup_language(None, settings).code == "en"
    language_module.remember_language("zh_CN", settings)
    assert language_module.startup_language(None, settings).code == "zh_CN"
    # The command line's --lang wins over both.
    assert language_module.startup_language("he", settings).code == "he"


@OFFSCREEN_NOISE
def test_the_language_menu_remembers(window: MainWindow, settings: QSettings) -> None:
    names = {action.text() for action in window.menu_language.actions()}
    assert names == LANGUAGE_NAMES
    window.language_actions["he"].trigger()
    assert settings.value("language") == "he"
    window.language_actions["zh_CN"].trigger()
    assert settings.value("language") == "zh_CN"
    assert language_module.startup_language(None, settings).code == "zh_CN"


# --- fonts ---------------------------------------------------------------------------------


def test_bundled_fonts_are_registered_with_qt(english: QApplication) -> None:
    """The bundled sans faces are known to Qt; where the system has no Chinese or Hebrew
    font they are the application font's fallbacks, so those scripts still display."""
    fallbacks = language_module.register_bundled_fonts()
    families = set(QFontDatabase.families())
    assert {"Heebo", "WenQuanYi Micro Hei"} <= families
    assert "Heebo" in QFontDatabase.families(QFontDatabase.WritingSystem.Hebrew)
    assert "WenQuanYi Micro Hei" in QFontDatabase.families(
        QFontDatabase.WritingSystem.SimplifiedChinese
    )
    assert set(fallbacks) <= set(QGuiApplication.font().families())
    # Registering twice changes nothing.
    assert language_module.register_bundled_fonts() == fallbacks


# --- cells that mix directions ----------------------------------------------------------

MIXED = (
    "פגישה עם John Smith (UK) ב-15.3.2025",  # Hebrew with an English name and a date
    "Meeting with ראש העירייה (2018), 12 guests",  # English with a Hebrew title and numbers
)


def _ink(image: QImage) -> QImage:
    """The part of a cell's picture that differs from its background, cropped."""
    background = image.pixel(1, 1)
    xs, ys = [], []
    for y in range(image.height()):
        for x in range(image.width()):
            if image.pixel(x, y) != background:
                xs.append(x)
                ys.append(y)
    assert xs, "nothing drawn"
    return image.copy(min(xs), min(ys), max(xs) - min(xs) + 1, max(ys) - min(ys) + 1)


def _purpose_cell(qtbot: Any, window: MainWindow, text: str) -> QImage:
    tab = window.tab("delegations")
    window.tabs.setCurrentWidget(window._pages["delegations"])
    _settle(qtbot, window)
    tab.search_box.setText(text)
    column = tab.model.table.column_index("purpose")
    assert tab.model.rowCount() == 1
    tab.view.selectionModel().clear()
    tab.view.horizontalHeader().resizeSection(column, 700)
    QApplication.processEvents()
    index = tab.model.index(0, column)
    assert as_typed(tab.model.data(index)) == text  # as typed, in its own direction
    # Inside the grid lines, which lie on the other side of a right-to-left cell.
    cell = tab.view.visualRect(index).adjusted(2, 2, -2, -2)
    return _ink(tab.view.viewport().grab(cell).toImage())


@OFFSCREEN_NOISE
def test_cells_mixing_hebrew_and_latin_read_the_same_in_either_direction(
    qtbot: Any, demo_db: Database, settings: QSettings, english: QApplication
) -> None:
    """Each cell is laid out by its own text's direction, not the window's: a Hebrew
    sentence with an English name, and an English one with a Hebrew title, look exactly the
    same in the English window and in the Hebrew (right-to-left) one. Were the window's
    direction forced on them, the brackets and the runs would move."""
    from exchange_desk.domain.dates import PartialDate
    from exchange_desk.domain.enums import DelegationStatus, Direction
    from exchange_desk.domain.records import Delegation
    from exchange_desk.services.records import create

    city = _first_id(demo_db, "cities")
    for text in MIXED:
        create(
            demo_db,
            Delegation(
                direction=Direction.INCOMING,
                city_id=city,
                start_date=PartialDate(2018, 3),
                purpose=text,
                status=DelegationStatus.DONE,
            ),
        )
    window = MainWindow(demo_db, settings)
    qtbot.addWidget(window)
    window.show()
    left_to_right = [_purpose_cell(qtbot, window, text) for text in MIXED]
    window.switch_language("he")
    assert window.tab("delegations").view.layoutDirection() == Qt.LayoutDirection.RightToLeft
    right_to_left = [_purpose_cell(qtbot, window, text) for text in MIXED]
    for text, ltr, rtl in zip(MIXED, left_to_right, right_to_left, strict=True):
        assert _difference(ltr, rtl) < 0.05, text
        # The measure tells a wrong order apart: the same text laid out in the direction
        # opposite to its own differs in most of its ink.
        assert _difference(ltr, _forced(text, ltr, opposite_of(text))) > 0.15, text


def opposite_of(text: str) -> Qt.LayoutDirection:
    hebrew_first = re.search("[א-ת]", text).start() < re.search("[A-Za-z]", text).start()  # type: ignore[union-attr]
    return Qt.LayoutDirection.LeftToRight if hebrew_first else Qt.LayoutDirection.RightToLeft


def _forced(text: str, like: QImage, direction: Qt.LayoutDirection) -> QImage:
    """`text` drawn with the view's font in `direction`, the wrong way for it."""
    from PySide6.QtCore import QRectF
    from PySide6.QtGui import QPainter, QTextOption

    image = QImage(like.width() + 40, like.height() + 20, QImage.Format.Format_RGB32)
    image.fill(0xFFFFFF)
    painter = QPainter(image)
    option = QTextOption()
    option.setTextDirection(direction)
    painter.drawText(QRectF(0, 0, image.width(), image.height()), text, option)
    painter.end()
    return _ink(image)


def _difference(a: QImage, b: QImage) -> float:
    """The share of two cropped pictures of text whose ink has no ink of the other within a
    pixel: glyphs of the same line land on slightly different sub-pixel positions when it
    is laid out from the other edge, while runs in another order miss by whole words."""

    def dark(image: QImage) -> set[tuple[int, int]]:
        return {
            (x, y)
            for y in range(image.height())
            for x in range(image.width())
            if QColor(image.pixel(x, y)).lightness() < 150
        }

    def near(point: tuple[int, int], other: set[tuple[int, int]]) -> bool:
        x, y = point
        return any((x + dx, y + dy) in other for dx in (-1, 0, 1) for dy in (-1, 0, 1))

    first, second = dark(a), dark(b)
    missed = sum(not near(p, second) for p in first) + sum(not near(p, first) for p in second)
    return missed / max(len(first) + len(second), 1)


def test_a_cell_against_the_window_is_embedded_in_its_own_direction() -> None:
    rle, lre, pdf = "\u202b", "\u202a", "\u202c"
    hebrew, english = "פגישה עם John (UK)", "Meeting with ראש העירייה"
    assert in_own_direction(hebrew, window_right_to_left=False) == rle + hebrew + pdf
    assert in_own_direction(hebrew, window_right_to_left=True) == hebrew
    assert in_own_direction(english, window_right_to_left=True) == lre + english + pdf
    assert in_own_direction(english, window_right_to_left=False) == english
    assert in_own_direction("2018-11", window_right_to_left=True) == "2018-11"
    assert in_own_direction("济南", window_right_to_left=True) == lre + "济南" + pdf
    assert in_own_direction("", window_right_to_left=True) == ""
    assert as_typed(in_own_direction(hebrew, window_right_to_left=False)) == hebrew


def test_a_timeline_title_against_the_pane_keeps_its_own_direction(
    english: QApplication,
) -> None:
    """The detail pane's related records: an English title in the Hebrew pane is embedded
    left to right, a Hebrew one is not."""
    from exchange_desk.services.details import Related
    from exchange_desk.services.names import Names
    from exchange_desk.ui.detail_pane import DetailPane

    items = [
        Related("delegations", 1, None, Names(en="Sample visit (UK)")),
        Related("delegations", 2, None, Names(en="x", he="ביקור (בריטניה)")),
    ]
    language_module.apply_language("he")
    shown = DetailPane._links(items)
    assert "\u202aSample visit (UK)\u202c" in shown
    assert "ביקור (בריטניה)</a>" in shown
    assert "\u202b" not in shown
    language_module.apply_language("en")
    assert "\u202a" not in DetailPane._links(items)
