"""The anniversary kit from the window: choose a folder, make the letter of congratulation
(a draft), the certificate (a preview) and the partner city dossier there in the
background, then say what was made and open the folder to review them.

The documents are drafts on purpose: the numbered letter and the issued certificate are made
from their own dialogs once the office has read them.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QSettings, QStandardPaths
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from exchange_desk.i18n.catalog import _
from exchange_desk.ui.operations import CollectionOp

if TYPE_CHECKING:
    from exchange_desk.services.database import Database

SETTING = "anniversary_kit/folder"


def _start_folder(settings: QSettings) -> str:
    remembered = str(settings.value(SETTING, "") or "")
    if remembered and Path(remembered).is_dir():
        return remembered
    return QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)


def make_kit(
    parent: QWidget,
    database: Database,
    partnership_id: int,
    year: int | None,
    settings: QSettings,
    *,
    folder: Path | None = None,
) -> CollectionOp[Any] | None:
    """Ask for the folder (unless given), then make the kit; None if the user cancels."""
    if folder is None:
        chosen = QFileDialog.getExistingDirectory(
            parent, _("Folder for the anniversary kit"), _start_folder(settings)
        )
        if not chosen:
            return None
        folder = Path(chosen)
        settings.setValue(SETTING, str(folder))
    from exchange_desk.services.anniversary_kit import make_anniversary_kit

    target = folder

    def work(database: Database) -> Any:
        return make_anniversary_kit(database, partnership_id, target, year=year)

    def done(kit: Any) -> None:
        names = "\n".join(f"• {path.name}" for path in kit.files)
        text = _(
            "The kit for the {years}th anniversary of the partnership with {city} is ready to "
            "review in {folder}:\n\n{files}\n\nThe letter is a draft and the certificate a "
            "preview: make the numbered letter and issue the certificate from their dialogs "
            "once they are right."
        ).format(years=kit.years, city=kit.city.best(), folder=kit.folder, files=names)
        if getattr(kit, "warnings", ()):
            text += "\n\n" + "\n".join(kit.warnings)
        box = QMessageBox(QMessageBox.Icon.Information, _("Anniversary kit"), text, parent=parent)
        open_button = box.addButton(_("Open the folder"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Close)
        box.setObjectName("anniversary_kit_done")
        box.open()
        box.finished.connect(
            lambda _result: _reveal(kit.folder) if box.clickedButton() is open_button else None
        )

    operation = CollectionOp(parent, work, database=database).success(done)
    operation.with_progress(_("Making the anniversary kit…")).run_in_background()
    return operation


def _reveal(folder: Path) -> None:
    from exchange_desk.ui.backup_dialogs import reveal

    reveal(folder)
