"""The detail pane's Files section: a record's scans and photos as tiles (a thumbnail for an
image, the file type's icon for the rest), under the record's facts.

Files come in by Attach… or by dropping them from the file manager on the pane (several at
once, all or none); each tile opens with a double-click or Enter, and its menu (right click,
the menu key or Shift+F10) saves a copy, sets its caption in the three languages, makes an
image the record's photo, or removes it (Delete). Attaching, removing and choosing the photo
are steps of the window's undo history; a viewer may open and save copies only.

Everything that reads or writes runs as an operation off the GUI thread (`ui.operations`);
the thumbnails are decoded there too. A file's name is shown as it was given and never used
as a path: a copy written to disk (to open it, or saved) is named by
`attachments.safe_file_name`, and opened from a folder of this run's own, one per file.
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import math
import shutil
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

import shiboken6
from PySide6.QtCore import (
    QEvent,
    QLocale,
    QMimeData,
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    QRect,
    QSize,
    QStandardPaths,
    Qt,
    QUrl,
    Signal,
)
from PySide6.QtGui import (
    QColor,
    QContextMenuEvent,
    QDesktopServices,
    QFont,
    QIcon,
    QImage,
    QKeyEvent,
    QPainter,
    QPainterPath,
    QPalette,
    QPen,
    QResizeEvent,
    QWheelEvent,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFileIconProvider,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMenu,
    QMessageBox,
    QSizePolicy,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from exchange_desk.domain.errors import ExchangeDeskError, InvalidInput
from exchange_desk.domain.records import Attachment
from exchange_desk.i18n.catalog import _, active_language, ngettext
from exchange_desk.i18n.languages import find_language
from exchange_desk.services.registry import DECLARED
from exchange_desk.services.roles import Role, refusal, role_of
from exchange_desk.ui.bidi import in_own_direction, isolate_paths
from exchange_desk.ui.errors import error_text, report_failure
from exchange_desk.ui.operations import CollectionOp, QueryOp
from exchange_desk.ui.translated import Retranslating

if TYPE_CHECKING:
    from exchange_desk.services.database import Database

__all__ = [
    "AttachmentStrip",
    "CaptionDialog",
    "RecordFiles",
    "files_owner",
    "local_paths",
    "open_folder",
    "read_files",
]

log = logging.getLogger("exchange_desk.ui")
Op = TypeVar("Op", CollectionOp[Any], QueryOp[Any])

# The field a kind keeps its chosen photo in (services.attaching.PHOTO_FIELD).
PHOTO_FIELD = "photo_attachment_id"

# A tile: the picture's box, and the narrowest a tile may be. A pane 320 px wide (less its
# margins and scroll bar) holds three tiles a row.
THUMB_HEIGHT = 72
NAME_LINES = 2
TILE_MIN_WIDTH = 86
FILE_ICON = 48

# Kinds of file that run a program when "opened" on Windows (or on a desktop that executes
# scripts): a double-click must not start whatever another desk attached. They can still be
# saved, and looked at knowingly.
_RUNS_A_PROGRAM = frozenset(
    str.split(
        """
    ade adp app appref-ms application bat cmd com cpl crt der diagcab exe gadget hlp hta
    inf ins isp jar jnlp js jse ksh lnk mad maf mag mam maq mar mas mat mau mav maw mcf mda
    mdb mde mdt mdw mdz msc msh msh1 msh2 mshxml msh1xml msh2xml msi msix msp mst ocx pcd
    pif plg prf prg ps1 ps1xml ps2 ps2xml psc1 psc2 pst py pyw reg scf scr sct settingcontent-ms
    sh shb shs theme tmp url vb vbe vbp vbs vhd vhdx vsmacros vsw webpnp website ws wsc wsf
    wsh xbap xll xnk appx appxbundle desktop sys dll library-ms search-ms searchconnector-ms
    """
    )
)

# The colour of a file type's label on its icon: what an office meets most, told apart at
# a glance (the icon itself is the system's, and often the same page for all of them).
_LABEL_COLOURS = {
    "pdf": "#c62828",
    "doc": "#1e5bb8",
    "docx": "#1e5bb8",
    "odt": "#1e5bb8",
    "rtf": "#1e5bb8",
    "txt": "#546e7a",
    "xls": "#1d7a3a",
    "xlsx": "#1d7a3a",
    "ods": "#1d7a3a",
    "csv": "#1d7a3a",
    "ppt": "#c4501b",
    "pptx": "#c4501b",
    "odp": "#c4501b",
    "zip": "#6d4c41",
    "7z": "#6d4c41",
    "rar": "#6d4c41",
}
_IMAGE_COLOUR = "#6a3d9a"
_OTHER_COLOUR = "#5f6b73"

# The item data the delegate draws from.
ATTACHMENT_ROLE = Qt.ItemDataRole.UserRole + 1
IMAGE_ROLE = Qt.ItemDataRole.UserRole + 2
PHOTO_ROLE = Qt.ItemDataRole.UserRole + 3


# --- reading -----------------------------------------------------------------------------------


@dataclass(slots=True)
class RecordFiles:
    """What the Files section shows of one record: its files in the order attached, their
    thumbnails decoded (by attachment id), and which one is the record's photo."""

    kind: str
    record_id: int
    attachments: list[Attachment] = field(default_factory=list)
    images: dict[int, QImage] = field(default_factory=dict)
    photo_id: int | None = None

    @property
    def owner(self) -> tuple[str, int]:
        return self.kind, self.record_id


def has_photo(kind: str) -> bool:
    """Whether records of `kind` have a photo chosen among their images."""
    declaration = DECLARED.get(kind)
    return declaration is not None and declaration.has_field(PHOTO_FIELD)


def files_owner(
    kind: str, record_id: int, groups: Sequence[tuple[str, Sequence[Any]]]
) -> tuple[str, int]:
    """Whose files a detail shows: the record's own, except a partnership's, which is shown as
    its partner city (the Partner cities tab): its files are the city's, whose photo the
    dossier prints."""
    if kind == "partnerships":
        for _label, items in groups:
            for item in items:
                if getattr(item, "kind", None) == "cities":
                    return "cities", int(item.id)
    return kind, record_id


def read_files(database: Database, kind: str, record_id: int) -> RecordFiles:
    """A record's files, their thumbnails decoded for the tiles and its photo (on a worker
    thread: QImage may be made there)."""
    from exchange_desk.services.attachments import attachments_of, thumbnails_of

    found = RecordFiles(kind, record_id, attachments_of(database, kind, record_id))
    if not found.attachments:
        return found
    box = QSize(2 * TILE_MIN_WIDTH, 2 * THUMB_HEIGHT)  # sharp on a screen scaled twice
    for attachment_id, data in thumbnails_of(database, kind, record_id).items():
        image = QImage.fromData(data)
        if not image.isNull():
            found.images[attachment_id] = image.scaled(
                box, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
            )
    if has_photo(kind):
        from exchange_desk.services.records import get_record

        found.photo_id = getattr(get_record(database, kind, record_id), PHOTO_FIELD, None)
    return found


# --- files on disk -----------------------------------------------------------------------------

_open_root: Path | None = None


def open_folder() -> Path:
    """This run's folder for copies opened in other programs (removed when the program
    ends, as far as those programs let go of them)."""
    global _open_root
    if _open_root is None or not _open_root.is_dir():
        _open_root = Path(tempfile.mkdtemp(prefix="exchange-desk-files-"))
        atexit.register(shutil.rmtree, _open_root, True)
    return _open_root


def local_paths(mime: QMimeData | None) -> list[Path]:
    """The files a drag brings from the file manager; none when anything in it is not a
    local file (a web link, an e-mail's part)."""
    if mime is None or not mime.hasUrls():
        return []
    urls = mime.urls()
    if not urls or not all(url.isLocalFile() for url in urls):
        return []
    return [Path(url.toLocalFile()) for url in urls]


def extension_of(attachment: Attachment) -> str:
    """The file's type as its tile labels it: its extension, else its media type's."""
    name = attachment.file_name.replace("\\", "/").rsplit("/", 1)[-1]
    stem, dot, extension = name.rpartition(".")
    if dot and stem and 0 < len(extension) <= 8 and extension.isalnum():
        return extension.lower()
    subtype = attachment.media_type.partition("/")[2]
    return subtype if 0 < len(subtype) <= 5 and subtype.isalnum() else ""


def runs_a_program(attachment: Attachment) -> bool:
    """Whether opening the file could start a program rather than show a document."""
    from exchange_desk.services.attachments import safe_file_name

    safe = safe_file_name(attachment.file_name, attachment.media_type).lower()
    return safe.rpartition(".")[2] in _RUNS_A_PROGRAM


def size_text(size: int) -> str:
    """A file's size as the language writes it ("1.2 MB", "532 字节")."""
    language = find_language(active_language())
    locale = QLocale(language.code if language else "en")
    return locale.formattedDataSize(size, 1, QLocale.DataSizeFormat.DataSizeTraditionalFormat)


def _language() -> str:
    language = find_language(active_language())
    return language.short_code if language else "en"


# --- the tiles ---------------------------------------------------------------------------------

_icons: dict[str, QIcon] = {}


def file_icon(attachment: Attachment) -> QIcon:
    """The desktop's icon for the file's type: the theme's (Linux), the system's for its
    extension (Windows, macOS), else the style's page."""
    from PySide6.QtCore import QFileInfo, QMimeDatabase

    key = attachment.media_type + "|" + extension_of(attachment)
    icon = _icons.get(key)
    if icon is None:
        mime = QMimeDatabase().mimeTypeForName(attachment.media_type)
        icon = QIcon.fromTheme(mime.iconName()) if mime.isValid() else QIcon()
        if icon.isNull() and mime.isValid():
            icon = QIcon.fromTheme(mime.genericIconName())
        if icon.isNull():
            extension = extension_of(attachment)
            icon = QFileIconProvider().icon(QFileInfo("file." + extension if extension else "file"))
        if icon.isNull():
            from PySide6.QtWidgets import QApplication

            icon = QApplication.style().standardIcon(QStyle.StandardPixmap.SP_FileIcon)
        _icons[key] = icon
    return icon


def name_lines(name: str, font: QFont, width: int) -> list[str]:
    """A file's name in at most `NAME_LINES` lines of `width`: broken between words where it
    can, else anywhere, the last line elided in the middle so that its extension stays."""
    from PySide6.QtGui import QFontMetrics, QTextLayout, QTextOption

    layout = QTextLayout(name, font)
    option = QTextOption()
    option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
    layout.setTextOption(option)
    layout.beginLayout()
    lines: list[str] = []
    while True:
        line = layout.createLine()
        if not line.isValid():
            break
        line.setLineWidth(width)
        if len(lines) == NAME_LINES - 1:  # the last line takes the rest, elided
            rest = name[line.textStart() :]
            metrics = QFontMetrics(font)
            lines.append(metrics.elidedText(rest, Qt.TextElideMode.ElideMiddle, width))
            break
        lines.append(name[line.textStart() : line.textStart() + line.textLength()].strip())
    layout.endLayout()
    return [text for text in lines if text] or [name]


class TileDelegate(QStyledItemDelegate):
    """Draws a tile: the picture (thumbnail, or the type's icon with its label), the name
    elided in the middle (its extension stays), and the size."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        line = parent.fontMetrics().height()
        # Margins, the picture, the name's lines and the size's smaller one.
        self.tile = QSize(TILE_MIN_WIDTH, 4 + THUMB_HEIGHT + 5 + NAME_LINES * line + line + 4)

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        return self.tile

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        attachment = index.data(ATTACHMENT_ROLE)
        if not isinstance(attachment, Attachment):
            return
        widget = option.widget
        style = widget.style() if widget is not None else None
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        rect: QRect = option.rect.adjusted(2, 2, -2, -2)
        state = option.state
        selected = bool(state & QStyle.StateFlag.State_Selected)
        palette: QPalette = option.palette
        if style is not None and (selected or state & QStyle.StateFlag.State_MouseOver):
            panel = QStyleOptionViewItem(option)
            panel.rect = rect
            style.drawPrimitive(
                QStyle.PrimitiveElement.PE_PanelItemViewItem, panel, painter, widget
            )
        picture = QRect(rect.left() + 4, rect.top() + 4, rect.width() - 8, THUMB_HEIGHT)
        image = index.data(IMAGE_ROLE)
        if isinstance(image, QImage) and not image.isNull():
            self._draw_thumbnail(painter, picture, image, palette)
        else:
            self._draw_icon(painter, picture, attachment, palette)
        if index.data(PHOTO_ROLE):
            self._draw_photo_badge(painter, picture, palette, option)
        text_colour = palette.color(
            QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        )
        font: QFont = option.font
        metrics = option.fontMetrics
        line = metrics.height()
        right_to_left = option.direction == Qt.LayoutDirection.RightToLeft
        painter.setFont(font)
        painter.setPen(text_colour)
        name_box = QRect(rect.left() + 3, picture.bottom() + 5, rect.width() - 6, line)
        for text in name_lines(attachment.file_name, font, name_box.width()):
            # Each line in its own direction, so that "..\\CON.pdf" or "Budget 2019.xlsx"
            # reads as typed in the Hebrew window.
            painter.drawText(
                name_box,
                Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignVCenter,
                in_own_direction(text, right_to_left),
            )
            name_box.translate(0, line)
        name_box.translate(0, -line)  # the size right under the name's last line
        small = QFont(font)
        small.setPointSizeF(font.pointSizeF() * 0.85)
        painter.setFont(small)
        if not selected:
            text_colour = palette.color(
                QPalette.ColorGroup.Active, QPalette.ColorRole.PlaceholderText
            )
        painter.setPen(text_colour)
        size_box = QRect(name_box.left(), name_box.bottom() + 1, name_box.width(), line - 2)
        painter.drawText(
            size_box,
            Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignVCenter,
            in_own_direction(size_text(attachment.size), right_to_left),  # "75 kB", "532 בייט"
        )
        if state & QStyle.StateFlag.State_HasFocus and style is not None:
            focus = QStyleOptionViewItem(option)
            focus.rect = rect
            style.drawPrimitive(QStyle.PrimitiveElement.PE_FrameFocusRect, focus, painter, widget)
        painter.restore()

    @staticmethod
    def _draw_thumbnail(painter: QPainter, box: QRect, image: QImage, palette: QPalette) -> None:
        size = image.size().scaled(box.size(), Qt.AspectRatioMode.KeepAspectRatio)
        # A thumbnail smaller than the box is not blown up: a scanned seal stays crisp.
        if image.width() < size.width() * 2 and image.height() < size.height() * 2:
            size = size.boundedTo(image.size())
        target = QRect(QPoint(0, 0), size)
        target.moveCenter(box.center())
        painter.drawImage(target, image)
        painter.setPen(QPen(palette.color(QPalette.ColorRole.Mid), 1))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRect(target.adjusted(0, 0, -1, -1))

    @staticmethod
    def _draw_icon(
        painter: QPainter, box: QRect, attachment: Attachment, palette: QPalette
    ) -> None:
        target = QRect(0, 0, FILE_ICON, FILE_ICON)
        target.moveCenter(box.center())
        target.moveTop(box.top() + (box.height() - FILE_ICON) // 2 - 4)
        file_icon(attachment).paint(painter, target)
        extension = extension_of(attachment)
        if not extension:
            return
        label = extension.upper()[:5]
        font = QFont(painter.font())
        font.setBold(True)
        font.setPointSizeF(max(6.5, font.pointSizeF() * 0.72))
        painter.setFont(font)
        metrics = painter.fontMetrics()
        width = metrics.horizontalAdvance(label) + 8
        height = metrics.height() + 1
        pill = QRect(0, 0, width, height)
        pill.moveCenter(QPoint(target.center().x(), target.bottom() - height // 2 + 2))
        colour = _LABEL_COLOURS.get(extension)
        if colour is None:
            colour = _IMAGE_COLOUR if attachment.is_image else _OTHER_COLOUR
        path = QPainterPath()
        path.addRoundedRect(pill, 3, 3)
        painter.fillPath(path, QColor(colour))
        painter.setPen(QColor("white"))
        painter.drawText(pill, Qt.AlignmentFlag.AlignCenter, label)

    @staticmethod
    def _draw_photo_badge(
        painter: QPainter, box: QRect, palette: QPalette, option: QStyleOptionViewItem
    ) -> None:
        text = _("Photo")
        font = QFont(option.font)
        font.setPointSizeF(font.pointSizeF() * 0.75)
        font.setBold(True)
        painter.setFont(font)
        metrics = painter.fontMetrics()
        badge = QRect(0, 0, metrics.horizontalAdvance(text) + 8, metrics.height() + 2)
        # At the leading top corner: the right one in a right-to-left window.
        if option.direction == Qt.LayoutDirection.RightToLeft:
            badge.moveTopRight(box.topRight() + QPoint(-2, 2))
        else:
            badge.moveTopLeft(box.topLeft() + QPoint(2, 2))
        path = QPainterPath()
        path.addRoundedRect(badge, 3, 3)
        painter.fillPath(path, palette.color(QPalette.ColorRole.Highlight))
        painter.setPen(palette.color(QPalette.ColorRole.HighlightedText))
        painter.drawText(badge, Qt.AlignmentFlag.AlignCenter, text)


class FileList(QListWidget):
    """The tiles, wrapped to the pane's width and as tall as they need: the pane scrolls, not
    the list. Enter opens, Delete removes, F2 edits the caption; those keys are the list's
    while it has the focus (the window's F2 and Delete act on the table)."""

    open_requested = Signal(object)
    remove_requested = Signal(object)
    caption_requested = Signal(object)
    menu_requested = Signal(object, QPoint)  # the attachment, where (global)

    _KEYS: ClassVar[dict[Qt.Key, str]] = {
        Qt.Key.Key_Return: "open",
        Qt.Key.Key_Enter: "open",
        Qt.Key.Key_Delete: "remove",
        Qt.Key.Key_F2: "caption",
    }

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("files")
        self.setViewMode(QListWidget.ViewMode.IconMode)
        self.setMovement(QListWidget.Movement.Static)
        self.setFlow(QListWidget.Flow.LeftToRight)
        self.setWrapping(True)
        self.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.setUniformItemSizes(True)
        self.setSpacing(0)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        # Files are dropped on the pane (anywhere on it), not moved about inside the list.
        self.setDragEnabled(False)
        self.setAcceptDrops(False)
        self.viewport().setAcceptDrops(False)
        self.setDragDropMode(QAbstractItemView.DragDropMode.NoDragDrop)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.viewport().setAutoFillBackground(False)
        self.setMouseTracking(True)
        self.tiles = TileDelegate(self)
        self.setItemDelegate(self.tiles)
        policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        self.itemActivated.connect(
            lambda item: self.open_requested.emit(item.data(ATTACHMENT_ROLE))
        )

    def attachments(self) -> list[Attachment]:
        return [self.item(row).data(ATTACHMENT_ROLE) for row in range(self.count())]

    def current_attachment(self) -> Attachment | None:
        item = self.currentItem()
        if item is None or not item.isSelected():
            return None
        found = item.data(ATTACHMENT_ROLE)
        return found if isinstance(found, Attachment) else None

    # Height for width: the tiles wrap into as many rows as the width needs.

    def _room(self, width: int) -> int:
        # The view wraps a row whose tiles would fill its width exactly: one pixel spare.
        return width - 2 * self.frameWidth() - 1

    def _columns(self, width: int) -> int:
        return max(1, self._room(width) // TILE_MIN_WIDTH)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        rows = math.ceil(self.count() / self._columns(width)) if self.count() else 0
        return rows * self.tiles.tile.height() + 2 * self.frameWidth() + 2

    def sizeHint(self) -> QSize:
        width = max(self.width(), 3 * TILE_MIN_WIDTH)
        return QSize(3 * TILE_MIN_WIDTH, self.heightForWidth(width))

    def minimumSizeHint(self) -> QSize:
        return QSize(TILE_MIN_WIDTH, self.tiles.tile.height() if self.count() else 0)

    def resizeEvent(self, event: QResizeEvent) -> None:
        # The tiles share the width evenly: no ragged gap at the row's end.
        width = event.size().width()
        columns = self._columns(width)
        tile = QSize(max(TILE_MIN_WIDTH, self._room(width) // columns), self.tiles.tile.height())
        if tile != self.tiles.tile:
            self.tiles.tile = tile
            self.setGridSize(tile)
        super().resizeEvent(event)
        self.updateGeometry()

    def wheelEvent(self, event: QWheelEvent) -> None:
        event.ignore()  # the pane scrolls

    def event(self, event: QEvent) -> bool:
        # Claim Enter, Delete and F2 before the window's shortcuts do (they edit and delete
        # the record): here they mean the file.
        if (
            event.type() == QEvent.Type.ShortcutOverride
            and isinstance(event, QKeyEvent)
            and event.modifiers() == Qt.KeyboardModifier.NoModifier
            and event.key() in self._KEYS
            and self.current_attachment() is not None
        ):
            event.accept()
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        what = (
            self._KEYS.get(Qt.Key(event.key()))
            if event.modifiers() == Qt.KeyboardModifier.NoModifier
            else None
        )
        attachment = self.current_attachment()
        if what is not None and attachment is not None:
            {
                "open": self.open_requested,
                "remove": self.remove_requested,
                "caption": self.caption_requested,
            }[what].emit(attachment)
            event.accept()
            return
        super().keyPressEvent(event)

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        if event.reason() == QContextMenuEvent.Reason.Mouse:
            item = self.itemAt(event.pos())
            if item is not None:
                self.setCurrentItem(item)
            point = event.globalPos()
        else:  # the menu key or Shift+F10: under the current tile
            item = self.currentItem()
            point = (
                self.viewport().mapToGlobal(self.visualItemRect(item).center())
                if item is not None
                else event.globalPos()
            )
        if item is not None:
            self.menu_requested.emit(item.data(ATTACHMENT_ROLE), point)
        event.accept()


# --- the section -------------------------------------------------------------------------------


class AttachmentStrip(QWidget):
    """The Files section of one record (`owner`: kind and id). Built with the pane's page and
    replaced with it; the pane keeps the last files read and hands them to the next strip of
    the same record, so a save does not make the tiles blink."""

    step_done = Signal(object)  # a service Step for the window's undo history
    files_read = Signal(object)  # RecordFiles, for the pane to keep

    def __init__(
        self,
        owner: tuple[str, int],
        parent: QWidget,
        *,
        shown: RecordFiles | None = None,
        host: QWidget | None = None,
        on_step: Callable[[Any], None] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("attachments")
        self.kind, self.record_id = owner
        # What outlives this strip (the pane rebuilds its page at every change): the writes
        # and what they say run over `host`, and their steps go to `on_step`, so that
        # a file attached while another record was chosen still enters the undo history.
        self.host = host if host is not None else parent
        self._on_step = on_step if on_step is not None else self.step_done.emit
        self.files: RecordFiles | None = None
        self.reading: QueryOp[RecordFiles] | None = None
        self._dropping = False
        self._loading = False
        try:
            self.role = role_of(self._database())
        except ValueError:  # a strip outside any window: read only, and reads nothing
            self.role = Role.VIEWER
        self.read_only = self.role < Role.EDITOR

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 10, 0, 0)
        layout.setSpacing(4)
        header = QHBoxLayout()
        header.setSpacing(6)
        self.title = QLabel()
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        self.count = QLabel()
        self.count.setStyleSheet("color: palette(dark);")
        header.addWidget(self.title)
        header.addWidget(self.count)
        header.addStretch(1)
        self.attach_button: QToolButton | None = None
        if not self.read_only:
            button = QToolButton()
            button.setObjectName("attach")
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
            button.setAutoRaise(True)
            button.setIcon(QIcon.fromTheme("mail-attachment", self._attach_icon()))
            button.clicked.connect(self.choose_files)
            header.addWidget(button)
            self.attach_button = button
        layout.addLayout(header)

        self.list = FileList(self)
        self.list.open_requested.connect(self.open_file)
        self.list.remove_requested.connect(self.remove)
        self.list.caption_requested.connect(self.edit_caption)
        self.list.menu_requested.connect(self.show_menu)
        layout.addWidget(self.list)

        # Shown when there are no files, and while files are dragged over the pane.
        self.drop_zone = QLabel()
        self.drop_zone.setObjectName("drop_zone")
        self.drop_zone.setWordWrap(True)
        self.drop_zone.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.drop_zone.setMinimumHeight(44)
        layout.addWidget(self.drop_zone)
        self._style_drop_zone()
        self.retranslate()
        if shown is not None and shown.owner == owner:
            self.show_files(shown)
        else:
            self.show_files(RecordFiles(self.kind, self.record_id), loading=True)

    def _database(self) -> Database:
        """The window's database (ValueError outside one). Not an attribute `database`:
        operations look for that on their parents, and find the tab's."""
        from exchange_desk.ui.operations import _database_of

        parent = self.parentWidget()
        if parent is None:
            raise ValueError("a Files section outside a window")
        return _database_of(parent)

    @staticmethod
    def _attach_icon() -> QIcon:
        from PySide6.QtWidgets import QApplication

        return QApplication.style().standardIcon(QStyle.StandardPixmap.SP_DialogOpenButton)

    def retranslate(self) -> None:
        self.title.setText(_("Files"))
        if self.attach_button is not None:
            self.attach_button.setText(_("Attach…"))
            self.attach_button.setToolTip(
                _(
                    "Attach scans, photos or documents to this record. You can also drag "
                    "files onto it."
                )
            )
        self.list.setToolTip("")
        self._update_hint()

    # --- showing ------------------------------------------------------------------------

    def read(self) -> QueryOp[RecordFiles] | None:
        """Read the record's files again, off the GUI thread (None: no database to read)."""
        kind, record_id = self.kind, self.record_id
        try:
            operation: QueryOp[RecordFiles] = QueryOp(
                self, lambda database: read_files(database, kind, record_id)
            )
        except ValueError:
            return None

        def failed(error: BaseException) -> None:
            self.reading = None
            self.drop_zone.setText(_("The files could not be read."))
            self.drop_zone.show()
            log.warning("Files not read: %s", error)

        self.reading = operation.success(self._arrived).failure(failed)
        return operation.run_in_background()

    def _arrived(self, files: RecordFiles) -> None:
        self.reading = None
        self.show_files(files)
        self.files_read.emit(files)

    def show_files(self, files: RecordFiles, *, loading: bool = False) -> None:
        current = self.list.current_attachment()
        self.files = None if loading else files
        self.list.clear()
        tooltip_language = _language()
        for attachment in files.attachments:
            item = QListWidgetItem()
            item.setData(ATTACHMENT_ROLE, attachment)
            item.setData(Qt.ItemDataRole.DisplayRole, attachment.file_name)
            item.setData(IMAGE_ROLE, files.images.get(attachment.id or -1))
            item.setData(PHOTO_ROLE, attachment.id is not None and attachment.id == files.photo_id)
            item.setToolTip(self._tooltip(attachment, files, tooltip_language))
            caption = attachment.caption(tooltip_language)
            item.setData(
                Qt.ItemDataRole.AccessibleTextRole,
                f"{attachment.file_name}, {caption}" if caption else attachment.file_name,
            )
            self.list.addItem(item)
            if current is not None and attachment.id == current.id:
                self.list.setCurrentItem(item)
        count = len(files.attachments)
        self.count.setText(str(count) if count else "")
        self.list.setVisible(count > 0)
        self.list.updateGeometry()
        self._loading = loading
        self._update_hint()

    def _tooltip(self, attachment: Attachment, files: RecordFiles, language: str) -> str:
        lines = [attachment.file_name]
        caption = attachment.caption(language)
        if caption:
            lines.append(caption)
        facts = [
            extension_of(attachment).upper() or attachment.media_type,
            size_text(attachment.size),
        ]
        if attachment.width and attachment.height:
            facts.append(f"{attachment.width} × {attachment.height}")
        lines.append(" · ".join(fact for fact in facts if fact))
        if attachment.id is not None and attachment.id == files.photo_id:
            lines.append(_("The record's photo"))
        return "\n".join(lines)

    def _update_hint(self) -> None:
        empty = not self.list.count()
        if self._loading and empty:
            self.drop_zone.setText(_("Loading…"))
        elif self._dropping:
            self.drop_zone.setText(_("Drop the files to attach them to this record."))
        elif self.read_only:
            self.drop_zone.setText(_("No files."))
        else:
            self.drop_zone.setText(_("No files yet. Drag scans and photos here, or press Attach…"))
        self.drop_zone.setVisible(empty or self._dropping)

    def _style_drop_zone(self) -> None:
        if self._dropping:  # the place the files go, in the desktop's highlight colour
            tint = self.palette().color(QPalette.ColorRole.Highlight)
            look = (
                f"border: 2px dashed {tint.name()}; color: palette(text);"
                f" background: rgba({tint.red()}, {tint.green()}, {tint.blue()}, 30);"
            )
        else:
            look = "border: 1px dashed palette(mid); color: palette(dark); background: none;"
        self.drop_zone.setStyleSheet(
            f"QLabel#drop_zone {{ {look} border-radius: 4px; padding: 8px; }}"
        )

    def set_dropping(self, dropping: bool) -> None:
        """Files are dragged over the pane: say where they go."""
        if dropping != self._dropping:
            self._dropping = dropping
            self._style_drop_zone()
            self._update_hint()

    # --- attaching ----------------------------------------------------------------------

    def choose_files(self) -> CollectionOp[Any] | None:
        """Attach…: pick files (several at once) and attach them."""
        if self._refused(_("Attach files")):
            return None
        start = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        # Over the pane, which outlives this strip (a change may rebuild it meanwhile).
        names, _filter = QFileDialog.getOpenFileNames(
            self.host, _("Attach files"), _last_folder or start, _("All files (*)")
        )
        if not names:
            return None
        paths = [Path(name) for name in names]
        _remember_folder(paths[0].parent)
        return self.attach(paths)

    def drop(self, paths: Sequence[Path]) -> CollectionOp[Any] | None:
        """Files dropped on the pane."""
        self.set_dropping(False)
        if not paths or self._refused(_("Attach files")):
            return None
        return self.attach(paths)

    def attach(self, paths: Sequence[Path]) -> CollectionOp[Any]:
        """Attach files from disk in the background: all of them, or (on any problem, a file
        too large or unreadable) none, with each problem named."""
        kind, record_id, chosen = self.kind, self.record_id, list(paths)

        def work(database: Database) -> Any:
            from exchange_desk.services.attaching import attach_paths

            return attach_paths(database, kind, record_id, chosen)

        on_step, host = self._on_step, self.host

        def done(attached: Any) -> None:
            on_step(attached.step)
            count = len(attached.attachments)
            if count == 1:
                text = _("Attached {name}. Undo with Ctrl+Z.").format(
                    name=attached.attachments[0].file_name
                )
            else:
                text = ngettext(
                    "Attached {count} file. Undo with Ctrl+Z.",
                    "Attached {count} files. Undo with Ctrl+Z.",
                    count,
                ).format(count=count)
            say(host, text)

        label = ngettext("Attaching {count} file…", "Attaching {count} files…", len(chosen)).format(
            count=len(chosen)
        )
        return self._run(CollectionOp(host, work).with_progress(label), done, _("Attach files"))

    # --- one file -----------------------------------------------------------------------

    def open_file(self, attachment: Attachment) -> QueryOp[Path] | None:
        """Open: a copy under its safe name in this run's folder, in the program the desktop
        chooses for it. A file that could run a program is not started: it is saved."""
        if attachment.id is None:
            return None
        if runs_a_program(attachment):
            QMessageBox.information(
                self.host,
                _("Open"),
                _(
                    "{name} could start a program, so Exchange Desk does not open it. Save a "
                    "copy and have it checked before you run it."
                ).format(name=attachment.file_name),
            )
            return None
        attachment_id, host = attachment.id, self.host
        folder = open_folder() / str(attachment_id)  # one per file: equal names don't collide

        def work(database: Database) -> Path:
            from exchange_desk.services.attachments import safe_file_name, save_copy

            folder.mkdir(parents=True, exist_ok=True)
            # Opened before: that copy is shown again (another program may hold it open,
            # and Windows refuses to replace a file in use).
            earlier = folder / safe_file_name(attachment.file_name, attachment.media_type)
            if earlier.is_file() and _digest(earlier) == attachment.sha256:
                return earlier
            return save_copy(database, attachment_id, folder)

        def done(path: Path) -> None:
            if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))):
                QMessageBox.warning(
                    host,
                    _("Open"),
                    isolate_paths(
                        _("No program on this computer opens {name}. A copy is in {path}.").format(
                            name=attachment.file_name, path=str(path)
                        )
                    ),
                )

        return self._run(QueryOp(host, work), done, _("Open"))

    def save_copy(self, attachment: Attachment, target: str | None = None) -> QueryOp[Path] | None:
        """Save a copy…: where the user says, the safe name proposed."""
        from exchange_desk.services.attachments import safe_file_name

        if attachment.id is None:
            return None
        if target is None:
            proposed = safe_file_name(attachment.file_name, attachment.media_type)
            start = _last_folder or QStandardPaths.writableLocation(
                QStandardPaths.StandardLocation.DocumentsLocation
            )
            target, _filter = QFileDialog.getSaveFileName(
                self.host, _("Save a copy"), str(Path(start) / proposed)
            )
            if not target:
                return None
        chosen = Path(target)
        _remember_folder(chosen.parent)
        attachment_id, host = attachment.id, self.host

        def work(database: Database) -> Path:
            from exchange_desk.services.attachments import save_copy

            return save_copy(database, attachment_id, chosen)

        def done(path: Path) -> None:
            say(host, _("Saved a copy as {path}.").format(path="\u2066" + str(path) + "\u2069"))

        return self._run(QueryOp(host, work), done, _("Save a copy"))

    def edit_caption(self, attachment: Attachment) -> CaptionDialog | None:
        """Caption…: the file's caption in the three languages."""
        if self._refused(_("Caption")):
            return None
        # Over the pane: the dialog and what is typed in it outlive this strip.
        dialog = CaptionDialog(attachment, self.kind, self.record_id, self.host)
        dialog.on_step = self._on_step
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def use_as_photo(self, attachment: Attachment | None) -> CollectionOp[Any] | None:
        """Use as photo (or, with None, no photo): a change of the record, undoable."""
        if self._refused(_("Use as photo")):
            return None
        kind, record_id, on_step, host = self.kind, self.record_id, self._on_step, self.host
        chosen = attachment.id if attachment is not None else None

        def work(database: Database) -> Any:
            from exchange_desk.services.attaching import choose_photo

            return choose_photo(database, kind, record_id, chosen)

        def done(saved: Any) -> None:
            on_step(saved.step)
            if attachment is not None:
                say(
                    host,
                    _("{name} is the photo now. Undo with Ctrl+Z.").format(
                        name=attachment.file_name
                    ),
                )
            else:
                say(host, _("No photo is chosen now. Undo with Ctrl+Z."))

        return self._run(CollectionOp(host, work), done, _("Use as photo"))

    def remove(self, attachment: Attachment) -> CollectionOp[Any] | None:
        """Remove, without asking: Ctrl+Z brings it back, caption and photo included."""
        if attachment.id is None or self._refused(_("Remove")):
            return None
        attachment_id, on_step, host = attachment.id, self._on_step, self.host

        def work(database: Database) -> Any:
            from exchange_desk.services.attaching import remove_file

            return remove_file(database, attachment_id)

        def done(removed: Any) -> None:
            on_step(removed.step)
            say(
                host,
                _("Removed {name}. Undo with Ctrl+Z.").format(name=removed.attachment.file_name),
            )

        return self._run(CollectionOp(host, work), done, _("Remove"))

    def show_menu(self, attachment: Attachment, point: QPoint) -> QMenu:
        """The file's menu; returned after it closed (tests look at it before: `menu_for`)."""
        menu = self.menu_for(attachment)
        menu.exec(point)
        return menu

    def menu_for(self, attachment: Attachment) -> QMenu:
        menu = QMenu(self.host)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        open_action = menu.addAction(_("&Open"), self._while_shown(self.open_file, attachment))
        open_action.setShortcut(Qt.Key.Key_Return)
        font = open_action.font()
        font.setBold(True)  # what a double-click does
        open_action.setFont(font)
        menu.addAction(_("Save a &copy…"), self._while_shown(self.save_copy, attachment))
        if not self.read_only:
            caption = menu.addAction(
                _("C&aption…"), self._while_shown(self.edit_caption, attachment)
            )
            caption.setShortcut(Qt.Key.Key_F2)
            if has_photo(self.kind) and attachment.is_image:
                is_photo = self.files is not None and self.files.photo_id == attachment.id
                if is_photo:
                    menu.addAction(
                        _("&Stop using as photo"), self._while_shown(self.use_as_photo, None)
                    )
                else:
                    menu.addAction(
                        _("Use as &photo"), self._while_shown(self.use_as_photo, attachment)
                    )
            menu.addSeparator()
            remove = menu.addAction(_("&Remove"), self._while_shown(self.remove, attachment))
            remove.setShortcut(Qt.Key.Key_Delete)
        for action in menu.actions():
            # The keys are the list's (see FileList), shown here as a reminder only.
            action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        return menu

    # --- helpers ------------------------------------------------------------------------

    def _while_shown(self, action: Callable[[Any], Any], argument: Any) -> Callable[[], None]:
        """`action(argument)` for a menu entry, unless this strip was replaced meanwhile
        (a change came in while the menu was open): then the menu does nothing."""

        def run() -> None:
            if shiboken6.isValid(self):
                action(argument)

        return run

    def _refused(self, title: str) -> bool:
        """Tell a viewer why not (the services would refuse it too)."""
        with contextlib.suppress(ValueError):  # outside a window: the role it was built with
            self.role = role_of(self._database())
        self.read_only = self.role < Role.EDITOR
        if not self.read_only:
            return False
        QMessageBox.information(self.host, title, refusal(self.role, Role.EDITOR))
        return True

    def _run(self, operation: Op, done: Callable[[Any], None], title: str) -> Op:
        host = self.host
        return (
            operation.success(done)
            .failure(lambda error: show_error(host, title, error))
            .run_in_background()
        )


def show_error(parent: QWidget, title: str, error: BaseException) -> None:
    """A refusal or an unavailable file in the user's words; anything else is a bug
    (`ui.errors`). Nothing is lost: the files on disk are untouched, and a failed attach
    stored none of them."""
    if isinstance(error, InvalidInput):
        text = "\n".join(problem.message for problem in error.problems)
    elif isinstance(error, ExchangeDeskError):
        text = error_text(error)
    else:
        report_failure(error, parent)
        return
    log.info("%s refused: %s", title, text)
    QMessageBox.warning(parent, title, isolate_paths(text))


def say(widget: QWidget, text: str) -> None:
    """A line in the status bar of `widget`'s window, if it has one."""
    window = widget.window()
    if isinstance(window, QMainWindow):
        window.statusBar().showMessage(text, 8000)


def _digest(path: Path) -> str:
    import hashlib

    with path.open("rb") as file:
        return hashlib.file_digest(file, "sha256").hexdigest()


_last_folder = ""


def _remember_folder(folder: Path) -> None:
    global _last_folder
    _last_folder = str(folder)


# --- the caption -------------------------------------------------------------------------------


class CaptionDialog(Retranslating, QDialog):
    """A file's caption: as typed (and English), Chinese and Hebrew, the Hebrew field right
    to left. Saved off the GUI thread; a refusal keeps the dialog open with what was typed."""

    def __init__(self, attachment: Attachment, kind: str, record_id: int, parent: QWidget) -> None:
        super().__init__(parent)
        self.attachment = attachment
        self.owner = (kind, record_id)
        self.saving: CollectionOp[Any] | None = None
        # Where the change's undo step goes (the window's history), set by who opens it.
        self.on_step: Callable[[Any], Any] | None = None
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.name = QLabel(attachment.file_name)
        self.name.setTextFormat(Qt.TextFormat.PlainText)
        self.name.setWordWrap(True)
        font = self.name.font()
        font.setBold(True)
        self.name.setFont(font)
        self.edits: dict[str, QLineEdit] = {}
        self.form = QFormLayout()
        self.labels: dict[str, QLabel] = {}
        for key, value, direction in (
            ("description", attachment.description, Qt.LayoutDirection.LeftToRight),
            ("caption_zh", attachment.caption_zh, Qt.LayoutDirection.LeftToRight),
            ("caption_he", attachment.caption_he, Qt.LayoutDirection.RightToLeft),
        ):
            edit = QLineEdit(value)
            edit.setMaxLength(200)
            edit.setLayoutDirection(direction)
            edit.setMinimumWidth(320)
            self.edits[key] = edit
            label = QLabel()
            label.setBuddy(edit)
            self.labels[key] = label
            self.form.addRow(label, edit)
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: #b00020;")
        self.problem.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.name)
        layout.addLayout(self.form)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)
        self.translate_now()

    def retranslate(self) -> None:
        self.setWindowTitle(_("Caption"))
        # The file's name stands where the dialog's lines start, whatever its own script.
        self.name.setAlignment(
            Qt.AlignmentFlag.AlignAbsolute
            | (Qt.AlignmentFlag.AlignRight if self.isRightToLeft() else Qt.AlignmentFlag.AlignLeft)
        )
        self.labels["description"].setText(_("&English (or as typed):"))
        self.labels["caption_zh"].setText(_("&Chinese:"))
        self.labels["caption_he"].setText(_("&Hebrew:"))

    def values(self) -> dict[str, str]:
        return {key: edit.text() for key, edit in self.edits.items()}

    def save(self) -> CollectionOp[Any] | None:
        if self.saving is not None or self.attachment.id is None:
            return None
        attachment_id, values = self.attachment.id, self.values()

        def work(database: Database) -> Any:
            from exchange_desk.services.attaching import change_caption

            # The record's files changed: its changes make the pane (and a dossier open on
            # it) read again; its step goes on the window's undo history.
            return change_caption(database, attachment_id, **values)

        def saved(result: Any) -> None:
            self.saving = None
            if self.on_step is not None:
                self.on_step(result.step)
            self.accept()

        def refused(error: BaseException) -> None:
            self.saving = None
            self.buttons.setEnabled(True)
            if isinstance(error, InvalidInput):
                self.problem.setText("\n".join(problem.message for problem in error.problems))
                self.problem.show()
            elif isinstance(error, ExchangeDeskError):
                QMessageBox.warning(self, _("Caption"), error_text(error))
            else:
                report_failure(error, self)

        self.buttons.setEnabled(False)
        self.saving = CollectionOp(self, work).success(saved).failure(refused)
        return self.saving.run_in_background()
