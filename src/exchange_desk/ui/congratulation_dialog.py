"""Records ▸ Letter of congratulation…: a partnership's anniversary letter, from the mayor to
the partner mayor, previewed in the office's wording and saved as PDF or Word (.docx) with
its reference number (`services.letters`).

    python -m exchange_desk.ui.congratulation_dialog --db FILE --partnership ID [--lang he]
        [--screenshot OUT.png]
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from exchange_desk.domain.enums import LetterKind
from exchange_desk.i18n.catalog import _
from exchange_desk.i18n.languages import LANGUAGES
from exchange_desk.services.database import Database
from exchange_desk.services.names import Names
from exchange_desk.services.roles import Role, refusal, role_of
from exchange_desk.ui.operations import QueryOp
from exchange_desk.ui.visit_dialog import DocumentRunner, letter_filters, show_alone

DOCUMENT_LANGUAGES = ("zh", "en", "he")


def _preferred(database: Database, partnership_id: int) -> tuple[list[str], str]:
    """The home city's language and the partner's (the letters of both cities are printed
    one after the other), and the dialog's heading."""
    from exchange_desk.services import records
    from exchange_desk.services.badges import city_language
    from exchange_desk.services.office import office_profile

    partnership = records.get_record(database, "partnerships", partnership_id)
    partner = records.get_record(database, "cities", partnership.city_id)
    profile = office_profile(database)
    home = (
        records.get_record(database, "cities", profile.home_city_id)
        if profile.home_city_id is not None
        else None
    )
    wanted = [city_language(home) if home is not None else "en", city_language(partner)]
    since = partnership.established.year if partnership.established else None
    name = Names(partner.name_en, partner.name_zh, partner.name_he).best()
    heading = (
        _("The partnership with {city}, since {year}").format(city=name, year=since or "—")
        if since
        else name
    )
    return wanted, heading


class CongratulationDialog(QDialog):
    """The languages to write in, the letter as it will read, and Save… (PDF or .docx)."""

    def __init__(self, database: Database, partnership_id: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.database = database
        self.partnership_id = partnership_id
        self.setWindowTitle(_("Letter of congratulation"))
        self.heading = QLabel()
        self.heading.setWordWrap(True)
        self.heading.setTextFormat(Qt.TextFormat.PlainText)
        self.language_boxes: dict[str, QCheckBox] = {}
        languages = QHBoxLayout()
        languages.addWidget(QLabel(_("Languages:")))
        for language in LANGUAGES:
            if language.short_code not in DOCUMENT_LANGUAGES:
                continue
            box = QCheckBox(language.native_name)
            box.toggled.connect(self._preview)
            self.language_boxes[language.short_code] = box
            languages.addWidget(box)
        languages.addStretch(1)
        self.preview = QPlainTextEdit()
        self.preview.setReadOnly(True)
        self.preview.setMinimumSize(560, 320)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setTextFormat(Qt.TextFormat.RichText)
        self.runner = DocumentRunner(self, database, self.note)
        self.save_button = QPushButton(_("Save…"))
        self.save_button.clicked.connect(lambda: self.save())
        self.role = role_of(database)
        if self.role < Role.EDITOR:
            self.save_button.setEnabled(False)
            self.save_button.setToolTip(refusal(self.role, Role.EDITOR))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addLayout(languages)
        layout.addWidget(self.preview, 1)
        layout.addWidget(self.note)
        layout.addWidget(buttons)
        self.reading: QueryOp[Any] | None = None
        partnership_id = self.partnership_id
        # The partnership is read off the GUI thread; the preview follows it.
        QueryOp(self, lambda db: _preferred(db, partnership_id), database=database).success(
            self._preferred_arrived
        ).run_in_background()

    def _preferred_arrived(self, found: tuple[list[str], str]) -> None:
        wanted, heading = found
        for code, box in self.language_boxes.items():
            box.blockSignals(True)
            box.setChecked(code in wanted)
            box.blockSignals(False)
        self.heading.setText(heading)
        self._preview()

    def languages(self) -> list[str]:
        return [code for code, box in self.language_boxes.items() if box.isChecked()]

    def _preview(self) -> None:
        chosen = self.languages()
        if not chosen:
            self.preview.setPlainText(_("Tick at least one language."))
            return
        language = chosen[0]
        partnership_id = self.partnership_id

        def read(database: Database) -> Any:
            from exchange_desk.services.letters import preview

            return preview(database, LetterKind.CONGRATULATION, partnership_id, language)

        def shown(rendered: Any) -> None:
            text = f"{rendered.subject}\n\n{rendered.body}"
            self.preview.setPlainText(text)
            direction = (
                Qt.LayoutDirection.RightToLeft
                if language == "he"
                else (Qt.LayoutDirection.LeftToRight)
            )
            self.preview.setLayoutDirection(direction)
            warnings = list(getattr(rendered, "warnings", ()) or ())
            self.note.setText("<br>".join(warnings) if warnings else "")

        self.reading = QueryOp(self, read, database=self.database).success(shown)
        self.reading.run_in_background()

    def save(self, path: Path | str | None = None) -> Any:
        """Number the letter, register it and write it (PDF or .docx, by the name chosen)."""
        title = _("Letter of congratulation")
        if self.role < Role.EDITOR:
            self.runner.refused(title, refusal(self.role, Role.EDITOR))
            return None
        languages = self.languages()
        if not languages:
            self.runner.refused(title, _("Tick at least one language."))
            return None
        target = self.runner.target(path, title, title, letter_filters())
        if target is None:
            return None
        return self.runner.run_letter(
            title, LetterKind.CONGRATULATION, self.partnership_id, languages, target
        )


def open_congratulation(parent: QWidget, database: Database, partnership_id: int) -> Any:
    dialog = CongratulationDialog(database, partnership_id, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog


def main(argv: list[str] | None = None) -> int:
    """Show the dialog on its own; `--screenshot FILE` saves a picture once the preview is
    read, and quits."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m exchange_desk.ui.congratulation_dialog")
    parser.add_argument("--partnership", type=int, required=True, help="the partnership's id")
    return show_alone(
        parser, argv, lambda database, options: CongratulationDialog(database, options.partnership)
    )


if __name__ == "__main__":
    raise SystemExit(main())
