"""The detail pane's Files (ui/attachment_strip.py) on a copy of the demo database, offscreen:
thumbnails of attached images, files dropped from the file manager, Attach…, Open (a copy
under a harmless name in this run's folder), Save a copy…, Caption…, Use as photo, Remove and
its undo, a viewer's refusals, and the errors of a file too large or damaged.

Message boxes, the desktop's "open with" and the file dialogs are replaced by recorders;
what the window did is read back through the services (bytes compared)."""

from __future__ import annotations

import io
import sqlite3
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QThreadPool, QUrl
from PySide6.QtGui import QDesktopServices, QDragEnterEvent, QDropEvent, QImage, QKeyEvent
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox
from pytestqt.qtbot import QtBot

from exchange_desk.domain.records import Attachment
from exchange_desk.domain.roles import Role
from exchange_desk.services import records
from exchange_desk.services.attaching import NewFile, attach_files, remove_file
from exchange_desk.services.attachments import (
    attachments_of,
    clean_name,
    get_attachment,
    read_attachment,
    safe_file_name,
)
from exchange_desk.services.tables import load_table
from exchange_desk.storage.database import Database
from exchange_desk.ui import attachment_strip
from exchange_desk.ui.attachment_strip import (
    IMAGE_ROLE,
    PHOTO_ROLE,
    AttachmentStrip,
    CaptionDialog,
    open_folder,
)
from exchange_desk.ui.main_window import MainWindow
from exchange_desk.ui.operations import pending
from exchange_desk.ui.record_tab import RecordTab

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints")

MEGABYTE = 1024 * 1024


# --- fixtures and helpers ----------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _left_to_right(qapp: QApplication) -> Iterator[None]:
    qapp.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
    yield
    assert QThreadPool.globalInstance().waitForDone(30_000)
    qapp.processEvents()
    qapp.setLayoutDirection(Qt.LayoutDirection.LeftToRight)


class Boxes:
    """QMessageBox.information and .warning record what they were told."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.shown: list[str] = []

        def told(_parent: Any, title: str, text: str, *_args: Any) -> Any:
            self.shown.append(f"{title}\n{text}")
            return QMessageBox.StandardButton.Ok

        monkeypatch.setattr(QMessageBox, "information", told)
        monkeypatch.setattr(QMessageBox, "warning", told)


@pytest.fixture
def boxes(monkeypatch: pytest.MonkeyPatch) -> Boxes:
    return Boxes(monkeypatch)


class Opened:
    """QDesktopServices.openUrl records the URLs it was asked to open."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.urls: list[QUrl] = []

        def open_url(url: QUrl) -> bool:
            self.urls.append(QUrl(url))
            return True

        monkeypatch.setattr(QDesktopServices, "openUrl", open_url)

    @property
    def paths(self) -> list[Path]:
        return [Path(url.toLocalFile()) for url in self.urls]


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> Opened:
    return Opened(monkeypatch)


@pytest.fixture
def window(qtbot: QtBot, demo_db: Database) -> MainWindow:
    main_window = MainWindow(demo_db, remember=False)
    qtbot.addWidget(main_window)
    main_window.show_tab("partner_cities")  # past the start screen
    main_window.resize(1200, 800)
    main_window.show()
    return main_window


@pytest.fixture
def agreement(demo_db: Database) -> int:
    """The first agreement of the demo data, without the files the demo may give it."""
    found = load_table(demo_db, "agreements").ids[0]
    for attachment in attachments_of(demo_db, "agreements", found):
        remove_file(demo_db, attachment.id or 0)
    return found


def settle(qtbot: QtBot) -> None:
    """Wait until every operation started (and any it started in turn) has called back."""
    pool = QThreadPool.globalInstance()
    for _turn in range(3):
        qtbot.waitUntil(lambda: pending() == 0 and pool.activeThreadCount() == 0, timeout=20_000)
        QApplication.processEvents()


def show_record(qtbot: QtBot, window: MainWindow, tab_key: str, record_id: int) -> RecordTab:
    tab = window.tab(tab_key)
    window.tabs.setCurrentWidget(window._pages[tab.tab])
    tab.load_all()
    qtbot.waitUntil(lambda: tab.complete, timeout=20_000)
    assert tab.select_record(record_id)
    settle(qtbot)
    return tab


def strip_of(tab: RecordTab) -> AttachmentStrip:
    strip = tab.detail.files
    assert strip is not None
    return strip


def shown(tab: RecordTab) -> list[Attachment]:
    return strip_of(tab).list.attachments()


def png(colour: tuple[int, int, int], size: tuple[int, int] = (640, 480)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "PNG")
    return out.getvalue()


def pdf_bytes(text: str = "minutes") -> bytes:
    # Enough of a PDF for its media type; the services never parse it.
    return b"%PDF-1.4\n% " + text.encode() + b"\n%%EOF\n"


def attach(database: Database, kind: str, record_id: int, *files: NewFile) -> list[Attachment]:
    return list(attach_files(database, kind, record_id, files).attachments)


def drop(pane: Any, paths: list[Path]) -> None:
    """Drag `paths` from the file manager onto the detail pane and let go."""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path)) for path in paths])
    target = pane.viewport()
    point = QPoint(20, 20)
    enter = QDragEnterEvent(
        point,
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(target, enter)
    assert enter.isAccepted()
    let_go = QDropEvent(
        QPointF(point),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(target, let_go)
    assert let_go.isAccepted()


# --- showing -----------------------------------------------------------------------------------


def test_an_attached_png_shows_as_its_thumbnail(
    qtbot: QtBot, window: MainWindow, demo_db: Database, agreement: int
) -> None:
    stored = attach(
        demo_db, "agreements", agreement, NewFile("seal.png", png((200, 20, 30)), "The seal")
    )
    tab = show_record(qtbot, window, "agreements", agreement)
    strip = strip_of(tab)
    assert [a.id for a in shown(tab)] == [stored[0].id]
    item = strip.list.item(0)
    image = item.data(IMAGE_ROLE)
    assert isinstance(image, QImage)
    assert not image.isNull()
    assert image.width() <= 2 * attachment_strip.TILE_MIN_WIDTH
    colour = image.pixelColor(image.width() // 2, image.height() // 2)
    assert (colour.red(), colour.green(), colour.blue()) == pytest.approx((200, 20, 30), abs=6)
    # The tile is drawn with it: the middle of the picture's box is the PNG's red.
    picture = strip.list.grab().toImage()
    box = strip.list.visualItemRect(item)
    drawn = picture.pixelColor(box.center().x(), box.top() + 4 + attachment_strip.THUMB_HEIGHT // 2)
    assert (drawn.red(), drawn.green(), drawn.blue()) == pytest.approx((200, 20, 30), abs=12)
    assert "seal.png" in item.toolTip()
    assert "The seal" in item.toolTip()
    assert strip.count.text() == "1"
    assert not strip.drop_zone.isVisible()


def test_a_record_without_files_invites_a_drop(
    qtbot: QtBot, window: MainWindow, agreement: int
) -> None:
    tab = show_record(qtbot, window, "agreements", agreement)
    strip = strip_of(tab)
    assert strip.list.count() == 0
    assert strip.drop_zone.isVisible()
    assert "Drag" in strip.drop_zone.text()
    assert strip.attach_button is not None
    assert strip.attach_button.isVisible()


def test_the_tiles_wrap_in_a_narrow_pane_without_sideways_scrolling(
    qtbot: QtBot, window: MainWindow, demo_db: Database, agreement: int
) -> None:
    files = [NewFile(f"scan page {n} of the memorandum.pdf", pdf_bytes(str(n))) for n in range(7)]
    attach(demo_db, "agreements", agreement, *files)
    tab = show_record(qtbot, window, "agreements", agreement)
    total = sum(tab.splitter.sizes())
    tab.splitter.setSizes([total - 320, 320])
    QApplication.processEvents()
    settle(qtbot)
    assert tab.detail.width() == 320
    strip = strip_of(tab)
    view = strip.list
    assert view.count() == 7
    assert not tab.detail.horizontalScrollBar().isVisible()
    assert strip.width() <= tab.detail.viewport().width()
    rows: set[int] = set()
    for row in range(view.count()):
        box = view.visualItemRect(view.item(row))
        assert view.rect().contains(box), (row, box, view.rect())  # every tile fully shown
        rows.add(box.top())
    assert len(rows) == 3  # three tiles a row at 320 px: 3 + 3 + 1


def test_tiles_run_right_to_left_in_hebrew(
    qtbot: QtBot, qapp: QApplication, window: MainWindow, demo_db: Database, agreement: int
) -> None:
    attach(
        demo_db,
        "agreements",
        agreement,
        NewFile("first.pdf", pdf_bytes("1")),
        NewFile("second.pdf", pdf_bytes("2")),
    )
    qapp.setLayoutDirection(Qt.LayoutDirection.RightToLeft)
    tab = show_record(qtbot, window, "agreements", agreement)
    view = strip_of(tab).list
    assert view.isRightToLeft()
    first, second = (view.visualItemRect(view.item(row)) for row in range(2))
    assert first.left() > second.left()  # the first file stands at the right


# --- attaching ---------------------------------------------------------------------------------


def test_dropping_two_files_attaches_both(
    qtbot: QtBot, window: MainWindow, demo_db: Database, agreement: int, tmp_path: Path
) -> None:
    photo, minutes = tmp_path / "ceremony.png", tmp_path / "minutes.pdf"
    photo.write_bytes(png((30, 120, 200)))
    minutes.write_bytes(pdf_bytes())
    tab = show_record(qtbot, window, "agreements", agreement)
    drop(tab.detail, [photo, minutes])
    settle(qtbot)
    stored = attachments_of(demo_db, "agreements", agreement)
    assert [a.file_name for a in stored] == ["ceremony.png", "minutes.pdf"]
    assert read_attachment(demo_db, stored[0].id or 0) == photo.read_bytes()
    assert read_attachment(demo_db, stored[1].id or 0) == minutes.read_bytes()
    assert [a.file_name for a in shown(tab)] == ["ceremony.png", "minutes.pdf"]
    assert isinstance(strip_of(tab).list.item(0).data(IMAGE_ROLE), QImage)
    # One step in the history, and the window says how to take it back.
    assert window.undo_stack.count() == 1
    assert "2" in window.undo_stack.undoText()
    assert "Ctrl+Z" in window.statusBar().currentMessage()


def test_files_attached_while_another_record_is_chosen_still_enter_the_history(
    qtbot: QtBot, window: MainWindow, demo_db: Database, agreement: int, tmp_path: Path
) -> None:
    scan = tmp_path / "scan.png"
    scan.write_bytes(png((70, 70, 200)))
    tab = show_record(qtbot, window, "agreements", agreement)
    other = next(i for i in tab.model.table.ids if i != agreement)
    strip_of(tab).attach([scan])
    assert tab.select_record(other)  # the pane's page, and its Files, are rebuilt at once
    settle(qtbot)
    assert [a.file_name for a in attachments_of(demo_db, "agreements", agreement)] == ["scan.png"]
    assert window.undo_stack.count() == 1
    assert window.undo() is not None
    settle(qtbot)
    assert attachments_of(demo_db, "agreements", agreement) == []


def test_attach_button_attaches_the_chosen_files(
    qtbot: QtBot,
    window: MainWindow,
    demo_db: Database,
    agreement: int,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    chosen = tmp_path / "letter.pdf"
    chosen.write_bytes(pdf_bytes("letter"))
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", lambda *_args, **_kw: ([str(chosen)], ""))
    tab = show_record(qtbot, window, "agreements", agreement)
    button = strip_of(tab).attach_button
    assert button is not None
    button.click()
    settle(qtbot)
    stored = attachments_of(demo_db, "agreements", agreement)
    assert [read_attachment(demo_db, a.id or 0) for a in stored] == [chosen.read_bytes()]
    # Records ▸ Attach files… does the same for the selected record.
    window.act_attach.trigger()
    settle(qtbot)
    assert len(attachments_of(demo_db, "agreements", agreement)) == 2


def test_a_file_over_the_limit_is_refused_and_nothing_is_stored(
    qtbot: QtBot,
    window: MainWindow,
    demo_db: Database,
    agreement: int,
    tmp_path: Path,
    boxes: Boxes,
) -> None:
    small, large = tmp_path / "note.pdf", tmp_path / "video.mp4"
    small.write_bytes(pdf_bytes())
    with large.open("wb") as sparse:  # 21 MB on paper, refused before it is read
        sparse.truncate(21 * MEGABYTE)
    tab = show_record(qtbot, window, "agreements", agreement)
    drop(tab.detail, [small, large])
    settle(qtbot)
    assert attachments_of(demo_db, "agreements", agreement) == []  # all or none
    assert len(boxes.shown) == 1
    message = boxes.shown[0]
    assert "video.mp4" in message
    assert "20 MB" in message
    assert "content:" not in message  # the user's words, not the field's name
    assert shown(tab) == []
    assert window.undo_stack.count() == 0


def test_an_unreadable_file_is_named_and_nothing_is_stored(
    qtbot: QtBot,
    window: MainWindow,
    demo_db: Database,
    agreement: int,
    tmp_path: Path,
    boxes: Boxes,
) -> None:
    good, gone = tmp_path / "good.pdf", tmp_path / "gone.pdf"
    good.write_bytes(pdf_bytes())
    gone.write_bytes(pdf_bytes())
    tab = show_record(qtbot, window, "agreements", agreement)
    strip = strip_of(tab)
    gone.unlink()  # deleted between choosing it and attaching it
    strip.attach([good, gone])
    settle(qtbot)
    assert attachments_of(demo_db, "agreements", agreement) == []
    assert len(boxes.shown) == 1
    assert "gone.pdf" in boxes.shown[0]
    assert good.read_bytes() == pdf_bytes()  # nothing lost on disk either


# --- one file ----------------------------------------------------------------------------------


def test_remove_then_undo_brings_the_file_back(
    qtbot: QtBot, window: MainWindow, demo_db: Database, agreement: int
) -> None:
    content = png((10, 160, 60))
    stored = attach(demo_db, "agreements", agreement, NewFile("visit.png", content, "Visit"))[0]
    assert stored.id is not None
    tab = show_record(qtbot, window, "agreements", agreement)
    view = strip_of(tab).list
    view.setCurrentRow(0)
    view.setFocus()
    # Delete in the list removes the file (not the record, which Delete removes in the table).
    QApplication.sendEvent(
        view,
        QKeyEvent(QKeyEvent.Type.KeyPress, Qt.Key.Key_Delete, Qt.KeyboardModifier.NoModifier),
    )
    settle(qtbot)
    assert attachments_of(demo_db, "agreements", agreement) == []
    assert records.get_record(demo_db, "agreements", agreement) is not None
    assert shown(tab) == []
    assert window.statusBar().currentMessage() == "Removed visit.png. Undo with Ctrl+Z."
    assert window.undo() is not None
    settle(qtbot)
    back = attachments_of(demo_db, "agreements", agreement)
    assert [a.id for a in back] == [stored.id]
    assert read_attachment(demo_db, stored.id) == content
    assert back[0].description == "Visit"
    assert [a.id for a in shown(tab)] == [stored.id]
    assert isinstance(strip_of(tab).list.item(0).data(IMAGE_ROLE), QImage)  # preview too
    assert window.redo() is not None
    settle(qtbot)
    assert attachments_of(demo_db, "agreements", agreement) == []


def test_open_writes_a_safe_named_copy_and_opens_it(
    qtbot: QtBot, window: MainWindow, demo_db: Database, agreement: int, opened: Opened
) -> None:
    content = pdf_bytes("memorandum")
    stored = attach(demo_db, "agreements", agreement, NewFile("MOU: final?.pdf", content))[0]
    tab = show_record(qtbot, window, "agreements", agreement)
    view = strip_of(tab).list
    view.itemActivated.emit(view.item(0))  # a double-click, or Enter
    settle(qtbot)
    assert len(opened.paths) == 1
    path = opened.paths[0]
    assert path.name == safe_file_name("MOU: final?.pdf", "application/pdf")
    assert ":" not in path.name
    assert "?" not in path.name
    assert path.resolve().is_relative_to(open_folder().resolve())
    assert path.read_bytes() == content
    assert opened.urls[0].isLocalFile()
    assert stored.file_name == "MOU: final?.pdf"  # shown as given


def test_opening_a_file_again_shows_the_same_copy(
    qtbot: QtBot, window: MainWindow, demo_db: Database, agreement: int, opened: Opened
) -> None:
    attach(demo_db, "agreements", agreement, NewFile("agenda.pdf", pdf_bytes("agenda")))
    tab = show_record(qtbot, window, "agreements", agreement)
    strip_of(tab).open_file(shown(tab)[0])
    settle(qtbot)
    first = opened.paths[0]
    written = first.stat().st_mtime_ns
    strip_of(tab).open_file(shown(tab)[0])
    settle(qtbot)
    # Not written again: a viewer may hold it open, and Windows refuses to replace it then.
    assert opened.paths == [first, first]
    assert first.stat().st_mtime_ns == written


def test_a_hostile_name_opens_under_a_harmless_temporary_name(
    qtbot: QtBot, window: MainWindow, demo_db: Database, agreement: int, opened: Opened
) -> None:
    from pathvalidate import is_valid_filename

    content = pdf_bytes("hostile")
    attach(demo_db, "agreements", agreement, NewFile("..\\CON.pdf", content))
    tab = show_record(qtbot, window, "agreements", agreement)
    # Kept without its folder part (the services' choice), still a Windows device's name.
    assert shown(tab)[0].file_name == clean_name("..\\CON.pdf")
    strip_of(tab).open_file(shown(tab)[0])
    settle(qtbot)
    [path] = opened.paths
    folder = open_folder().resolve()
    assert path.resolve().parent.parent == folder  # one folder per file, in this run's own
    assert "\\" not in path.name
    assert "/" not in path.name
    assert ".." not in path.name
    assert path.name.partition(".")[0].upper() not in {"CON", "PRN", "AUX", "NUL"}
    assert is_valid_filename(path.name, platform="windows")
    assert path.suffix == ".pdf"
    assert path.read_bytes() == content
    assert not (folder.parent / "CON.pdf").exists()


def test_a_file_that_runs_a_program_is_not_opened(
    qtbot: QtBot,
    window: MainWindow,
    demo_db: Database,
    agreement: int,
    opened: Opened,
    boxes: Boxes,
) -> None:
    attach(demo_db, "agreements", agreement, NewFile("invoice.pdf.exe", b"MZ" + b"\0" * 64))
    tab = show_record(qtbot, window, "agreements", agreement)
    assert strip_of(tab).open_file(shown(tab)[0]) is None
    settle(qtbot)
    assert opened.urls == []
    assert len(boxes.shown) == 1
    assert "invoice.pdf.exe" in boxes.shown[0]


def test_a_damaged_stored_file_is_reported_and_not_opened(
    qtbot: QtBot,
    window: MainWindow,
    demo_db: Database,
    agreement: int,
    opened: Opened,
    boxes: Boxes,
) -> None:
    stored = attach(demo_db, "agreements", agreement, NewFile("minutes.pdf", pdf_bytes()))[0]
    assert demo_db.path is not None
    with sqlite3.connect(demo_db.path) as connection:
        connection.execute(
            "UPDATE attachment_blobs SET content = ? WHERE sha256 = ?",
            (b"%PDF-1.4 damaged", stored.sha256),
        )
    tab = show_record(qtbot, window, "agreements", agreement)
    strip_of(tab).open_file(shown(tab)[0])
    settle(qtbot)
    assert opened.urls == []
    assert len(boxes.shown) == 1
    assert "minutes.pdf" in boxes.shown[0]
    assert "damaged" in boxes.shown[0]
    # Nothing was written under its name either.
    assert not (open_folder() / str(stored.id) / "minutes.pdf").exists()


def test_save_a_copy_proposes_the_safe_name_and_writes_the_bytes(
    qtbot: QtBot,
    window: MainWindow,
    demo_db: Database,
    agreement: int,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    content = png((90, 90, 90))
    attach(demo_db, "agreements", agreement, NewFile("a/b|c.png", content))
    proposed: list[str] = []
    target = tmp_path / "copy.png"

    def ask(_parent: Any, _title: str, start: str, *_args: Any) -> tuple[str, str]:
        proposed.append(start)
        return str(target), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", ask)
    tab = show_record(qtbot, window, "agreements", agreement)
    strip_of(tab).save_copy(shown(tab)[0])
    settle(qtbot)
    assert Path(proposed[0]).name == safe_file_name("a/b|c.png", "image/png")
    assert target.read_bytes() == content
    assert "copy.png" in window.statusBar().currentMessage()


def test_the_caption_is_set_in_three_languages(
    qtbot: QtBot, window: MainWindow, demo_db: Database, agreement: int
) -> None:
    stored = attach(demo_db, "agreements", agreement, NewFile("signing.png", png((1, 2, 3))))[0]
    tab = show_record(qtbot, window, "agreements", agreement)
    dialog = strip_of(tab).edit_caption(shown(tab)[0])
    assert isinstance(dialog, CaptionDialog)
    assert dialog.edits["caption_he"].isRightToLeft()
    assert not dialog.edits["caption_zh"].isRightToLeft()
    dialog.edits["description"].setText("Signing in Jinan")
    dialog.edits["caption_zh"].setText("在济南签字")
    dialog.edits["caption_he"].setText("החתימה בג'ינאן")
    dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
    settle(qtbot)
    again = get_attachment(demo_db, stored.id or 0)
    assert (again.description, again.caption_zh, again.caption_he) == (
        "Signing in Jinan",
        "在济南签字",
        "החתימה בג'ינאן",
    )
    assert "Signing in Jinan" in strip_of(tab).list.item(0).toolTip()  # read again
    # Undoable like any change: the window's Undo puts the captions back.
    assert window.history.stack.undoText() == "Change caption"
    window.history.undo()
    settle(qtbot)
    back = get_attachment(demo_db, stored.id or 0)
    assert (back.description, back.caption_zh, back.caption_he) == ("", "", "")


def test_a_caption_too_long_keeps_the_dialog_open_with_what_was_typed(
    qtbot: QtBot, window: MainWindow, demo_db: Database, agreement: int
) -> None:
    attach(demo_db, "agreements", agreement, NewFile("signing.png", png((1, 2, 3))))
    tab = show_record(qtbot, window, "agreements", agreement)
    dialog = strip_of(tab).edit_caption(shown(tab)[0])
    assert dialog is not None
    dialog.edits["caption_zh"].setMaxLength(1000)  # as a paste past the field's limit would
    dialog.edits["caption_zh"].setText("长" * 300)
    dialog.save()
    settle(qtbot)
    assert dialog.isVisible()
    assert dialog.problem.isVisible()
    assert "200" in dialog.problem.text()
    assert dialog.edits["caption_zh"].text() == "长" * 300
    dialog.reject()


def test_use_as_photo_makes_an_image_the_citys_photo_undoably(
    qtbot: QtBot, window: MainWindow, demo_db: Database
) -> None:
    partnership = load_table(demo_db, "partner_cities").ids[0]
    city = records.get_record(demo_db, "partnerships", partnership).city_id
    for attachment in attachments_of(demo_db, "cities", city):
        remove_file(demo_db, attachment.id or 0)
    stored = attach(
        demo_db,
        "cities",
        city,
        NewFile("square.jpg", png((250, 200, 0))),
        NewFile("dossier.pdf", pdf_bytes()),
    )
    tab = show_record(qtbot, window, "partner_cities", partnership)
    strip = strip_of(tab)
    assert strip.kind == "cities"
    assert strip.record_id == city
    image, document = shown(tab)
    menu = strip.menu_for(document)
    assert "Use as &photo" not in [action.text() for action in menu.actions()]  # not an image
    menu = strip.menu_for(image)
    [use] = [action for action in menu.actions() if action.text() == "Use as &photo"]
    use.trigger()
    settle(qtbot)
    assert records.get_record(demo_db, "cities", city).photo_attachment_id == stored[0].id
    assert strip_of(tab).list.item(0).data(PHOTO_ROLE) is True
    assert window.undo() is not None
    settle(qtbot)
    assert records.get_record(demo_db, "cities", city).photo_attachment_id is None
    assert not strip_of(tab).list.item(0).data(PHOTO_ROLE)


def test_the_menu_offers_each_use_of_a_file(
    qtbot: QtBot, window: MainWindow, demo_db: Database, agreement: int
) -> None:
    attach(demo_db, "agreements", agreement, NewFile("photo.png", png((5, 5, 5))))
    tab = show_record(qtbot, window, "agreements", agreement)
    strip = strip_of(tab)
    texts = [action.text() for action in strip.menu_for(shown(tab)[0]).actions()]
    # An agreement has no photo: no "Use as photo".
    assert texts == ["&Open", "Save a &copy…", "C&aption…", "", "&Remove"]


# --- a viewer ----------------------------------------------------------------------------------


def test_a_viewer_gets_no_attach_button_and_a_drop_is_refused(
    qtbot: QtBot,
    demo_db: Database,
    agreement: int,
    tmp_path: Path,
    boxes: Boxes,
    opened: Opened,
) -> None:
    attach(demo_db, "agreements", agreement, NewFile("minutes.pdf", pdf_bytes()))
    demo_db._role = Role.VIEWER  # type: ignore[attr-defined]
    window = MainWindow(demo_db, remember=False)
    qtbot.addWidget(window)
    window.show()
    tab = show_record(qtbot, window, "agreements", agreement)
    strip = strip_of(tab)
    assert strip.read_only
    assert strip.attach_button is None
    texts = [action.text() for action in strip.menu_for(shown(tab)[0]).actions()]
    assert texts == ["&Open", "Save a &copy…"]
    assert not window.act_attach.isEnabled()
    dropped = tmp_path / "new.pdf"
    dropped.write_bytes(pdf_bytes())
    drop(tab.detail, [dropped])
    qtbot.waitUntil(lambda: bool(boxes.shown), timeout=5_000)
    settle(qtbot)
    assert "viewer" in boxes.shown[0]
    assert [a.file_name for a in attachments_of(demo_db, "agreements", agreement)] == [
        "minutes.pdf"
    ]
    # Reading is a viewer's: Open still works.
    strip.open_file(shown(tab)[0])
    settle(qtbot)
    assert len(opened.urls) == 1


def test_a_drag_that_is_not_local_files_is_not_taken(
    qtbot: QtBot, window: MainWindow, agreement: int
) -> None:
    tab = show_record(qtbot, window, "agreements", agreement)
    mime = QMimeData()
    mime.setUrls([QUrl("https://example.org/scan.pdf")])
    enter = QDragEnterEvent(
        QPoint(20, 20),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(tab.detail.viewport(), enter)
    assert not enter.isAccepted()


# --- the binding -------------------------------------------------------------------------------


def test_painting_tiles_keeps_none_alive(
    qtbot: QtBot, window: MainWindow, demo_db: Database, agreement: int
) -> None:
    """The tiles' delegate overrides paint(): the binding must not drop a reference to None
    each time Qt calls it (PySide6 6.12.0 did; see tests/test_qt_binding.py)."""
    attach(demo_db, "agreements", agreement, NewFile("a.png", png((9, 9, 9))))
    tab = show_record(qtbot, window, "agreements", agreement)
    view = strip_of(tab).list
    before = sys.getrefcount(None)
    for _turn in range(300):
        view.grab()
    assert sys.getrefcount(None) > before - 100
