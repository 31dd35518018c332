"""Above a gift's form: what the partner and the person received from us before, and a
warning when the gift being entered looks like one of them ("Kfar Saba, 2016: porcelain vase;
2017: silk scroll"), so that nobody receives the same gift twice.

It follows the form as it is typed in: the direction, the partner city, organization and
person, the description in any language. Each change is read in the background a moment
after typing stops (`services.gifts.gift_history`), so the form never waits for it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QFrame, QLabel, QVBoxLayout, QWidget

from exchange_desk.domain.enums import GiftDirection
from exchange_desk.i18n.catalog import _, active_language, ngettext
from exchange_desk.services.names import Names
from exchange_desk.ui.fields import Unparseable
from exchange_desk.ui.operations import QueryOp

if TYPE_CHECKING:
    from exchange_desk.services.gifts import GiftHistory
    from exchange_desk.ui.record_dialog import RecordDialog

__all__ = ["GiftHistoryPanel"]

_PARTNER_FIELDS = ("partner_city_id", "partner_organization_id", "partner_person_id")
_DESCRIPTION_FIELDS = ("description_en", "description_zh", "description_he")
WAIT_MS = 350  # after the last keystroke: a read per word, not per letter


class GiftHistoryPanel(QFrame):
    """The partner's past gifts, under the dialog's title; hidden while there is nothing to
    say (a gift received, no partner chosen, or nothing given to them before)."""

    def __init__(self, dialog: RecordDialog, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.dialog = dialog
        self.history: GiftHistory | None = None
        self.reading: QueryOp[Any] | None = None
        self._again = False
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        self.title = QLabel()
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.PlainText)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        layout.setSpacing(2)
        layout.addWidget(self.title)
        layout.addWidget(self.text)
        self.hide()
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(WAIT_MS)
        self.timer.timeout.connect(self.refresh)
        self._follow()
        self.refresh()

    def _follow(self) -> None:
        editors = self.dialog.editors
        editors["direction"].currentIndexChanged.connect(self.timer.start)  # type: ignore[attr-defined]
        for name in _PARTNER_FIELDS:
            editors[name].combo.currentIndexChanged.connect(self.timer.start)  # type: ignore[attr-defined]
        for name in _DESCRIPTION_FIELDS:
            editors[name].textChanged.connect(self.timer.start)  # type: ignore[attr-defined]

    def _value(self, name: str) -> Any:
        try:
            return self.dialog.editors[name].value()
        except Unparseable:
            return None

    def refresh(self) -> None:
        """Read the history for what the form says now (in the background)."""
        if self.reading is not None:
            self._again = True  # once this read is back: the form has changed since
            return
        partners = {name: self._value(name) for name in _PARTNER_FIELDS}
        if self._value("direction") is not GiftDirection.GIVEN or not any(
            value is not None for value in partners.values()
        ):
            self.history = None
            self.hide()
            return
        description = Names(*(str(self._value(name) or "") for name in _DESCRIPTION_FIELDS))
        exclude = getattr(self.dialog._base, "id", None)

        def read(database: Any) -> GiftHistory:
            from exchange_desk.services.gifts import gift_history

            return gift_history(
                database,
                description=description,
                exclude_id=exclude,
                **partners,
            )

        self.reading = QueryOp(self, read, database=self.dialog.database)
        self.reading.success(self._show).failure(self._failed).run_in_background()

    def _failed(self, _error: BaseException) -> None:
        # A warning that cannot be read is no reason to stop entering the gift.
        self.reading = None
        self.hide()

    def _show(self, history: GiftHistory) -> None:
        self.reading = None
        if self._again:
            self._again = False
            self.refresh()
            return
        self.history = history
        if not history.gifts:
            self.hide()
            return
        language = active_language()
        repeats = history.repeats
        palette = self.palette()
        if repeats:
            self.title.setText(
                ngettext(
                    "This partner has received a gift like this before:",
                    "This partner has received {count} gifts like this before:",
                    len(repeats),
                ).format(count=len(repeats))
            )
            # The soft amber of a warning bar, dark text on it whatever the theme.
            palette.setColor(QPalette.ColorRole.Window, QColor("#fff4ce"))
            palette.setColor(QPalette.ColorRole.WindowText, QColor("#3b2f00"))
            self.setAccessibleName(_("Repeat gift warning"))
        else:
            self.title.setText(_("Given to this partner before:"))
            base = QApplication.palette()  # the application's colours, not a warning's
            palette.setColor(QPalette.ColorRole.Window, base.color(QPalette.ColorRole.ToolTipBase))
            palette.setColor(
                QPalette.ColorRole.WindowText, base.color(QPalette.ColorRole.ToolTipText)
            )
            self.setAccessibleName(_("Gifts given before"))
        self.setPalette(palette)
        self.text.setText(history.sentence(language))
        self.show()
