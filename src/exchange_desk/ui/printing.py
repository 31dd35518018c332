"""Putting a PDF on paper: pages rendered by QtPdf at printer resolution, shifted by the
printer's saved offset, and the small dialog that sets that offset.

The PDF is the one true document: the preview, the saved file and the printout are all
drawn from the same bytes, so what the office sees is what it gets. Pre-printed certificate
stock never sits exactly where the printer thinks; the offset (millimetres, per printer)
moves everything by that much, and the test page shows how far to move.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPointF, QRectF, QSettings, QSize
from PySide6.QtGui import QImage, QPageSize, QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from exchange_desk.i18n.catalog import _

PRINT_DPI = 300  # enough for 10 pt Chinese at arm's length; 600 doubles the time


class PdfPages:
    """A PDF held in memory and opened with QtPdf (the buffer must outlive the document)."""

    def __init__(self, data: bytes, parent: QWidget | None = None) -> None:
        self._bytes = QByteArray(data)
        self._buffer = QBuffer(self._bytes)
        self._buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.document = QPdfDocument(parent) if parent is not None else QPdfDocument()
        self.document.load(self._buffer)
        if self.document.status() != QPdfDocument.Status.Ready:
            raise ValueError("The PDF could not be read.")

    @property
    def page_count(self) -> int:
        return self.document.pageCount()

    def page_size_points(self, index: int) -> tuple[float, float]:
        size = self.document.pagePointSize(index)
        return size.width(), size.height()

    def render(self, index: int, width_px: int, height_px: int) -> QImage:
        return self.document.render(index, QSize(width_px, height_px))

    def close(self) -> None:
        self.document.close()
        self._buffer.close()


def a4_printer() -> QPrinter:
    """A printer set up for certificates: high resolution, A4 (the dialog may change it)."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    return printer


def offset_for(printer_name: str) -> tuple[float, float]:
    """The saved offset of a printer in millimetres (x to the right, y down)."""
    settings = QSettings()
    x = settings.value(f"printer_offsets/{printer_name}/x_mm", 0.0, type=float)
    y = settings.value(f"printer_offsets/{printer_name}/y_mm", 0.0, type=float)
    return float(x), float(y)  # type: ignore[arg-type]


def save_offset(printer_name: str, x_mm: float, y_mm: float) -> None:
    settings = QSettings()
    settings.setValue(f"printer_offsets/{printer_name}/x_mm", x_mm)
    settings.setValue(f"printer_offsets/{printer_name}/y_mm", y_mm)


def print_pdf(
    printer: QPrinter,
    data: bytes,
    *,
    offset_mm: tuple[float, float] | None = None,
    dpi: int = PRINT_DPI,
    progress: Callable[[int, int], bool] | None = None,
) -> int:
    """Paint every page of the PDF onto the printer's paper, at its true size.

    Pages are rendered to images at `dpi` and placed from the paper's corner (full-page
    mode) moved by the offset. `progress(done, total)` returning False stops after the
    current page. Returns the number of pages printed.
    """
    pages = PdfPages(data)
    if offset_mm is None:
        offset_mm = offset_for(printer.printerName())
    printer.setFullPage(True)
    painter = QPainter()
    if not painter.begin(printer):
        pages.close()
        raise OSError(_("The printer could not be started."))
    printed = 0
    try:
        resolution = printer.resolution()
        dots_per_mm = resolution / 25.4
        for index in range(pages.page_count):
            if index:
                printer.newPage()
            width_pt, height_pt = pages.page_size_points(index)
            image = pages.render(index, round(width_pt / 72 * dpi), round(height_pt / 72 * dpi))
            target = QRectF(
                QPointF(offset_mm[0] * dots_per_mm, offset_mm[1] * dots_per_mm),
                QSize(round(width_pt / 72 * resolution), round(height_pt / 72 * resolution)),
            )
            painter.drawImage(target, image)
            printed += 1
            if progress is not None and not progress(printed, pages.page_count):
                break
    finally:
        painter.end()
        pages.close()
    return printed


class PrinterOffsetDialog(QDialog):
    """Set how far this printer's output must move to land on pre-printed stock."""

    def __init__(
        self,
        printer: QPrinter,
        test_page: Callable[[], bytes],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.printer = printer
        self._test_page = test_page
        name = printer.printerName() or _("(default printer)")
        self.setWindowTitle(_("Printer offset"))
        layout = QVBoxLayout(self)
        explanation = QLabel(
            _(
                "Moves everything printed on {printer} by this much, for certificate paper "
                "whose border is printed already. Print the test page, measure how far the "
                "cross at 20 mm from the corner lands from where it should, and enter it here."
            ).format(printer=name)
        )
        explanation.setWordWrap(True)
        layout.addWidget(explanation)
        form = QFormLayout()
        x_mm, y_mm = offset_for(printer.printerName())
        self.x_box = self._spin(x_mm)
        self.y_box = self._spin(y_mm)
        form.addRow(_("Right (mm):"), self.x_box)
        form.addRow(_("Down (mm):"), self.y_box)
        layout.addLayout(form)
        self.test_button = QPushButton(_("Print test page..."))
        self.test_button.clicked.connect(self.print_test_page)
        layout.addWidget(self.test_button)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.setMinimumWidth(440)

    def _spin(self, value: float) -> QDoubleSpinBox:
        box = QDoubleSpinBox()
        box.setRange(-30.0, 30.0)
        box.setSingleStep(0.5)
        box.setDecimals(1)
        # No unit after the number: the label names it in the user's language.
        box.setValue(value)
        return box

    def offset(self) -> tuple[float, float]:
        return self.x_box.value(), self.y_box.value()

    def accept(self) -> None:
        save_offset(self.printer.printerName(), *self.offset())
        super().accept()

    def print_test_page(self) -> None:
        dialog = QPrintDialog(self.printer, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        print_pdf(self.printer, self._test_page(), offset_mm=self.offset())
