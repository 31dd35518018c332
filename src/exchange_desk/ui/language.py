"""The window's language while the program runs: which one to start in, switching to another
at once (our catalog, Qt's own strings, the writing direction), remembering the choice, and
the bundled fonts that let Chinese and Hebrew display on a machine without such fonts.

Every widget of ours sets its texts in a `retranslate()` that runs from `changeEvent` on
`QEvent.LanguageChange`; Qt sends that event to every window and down to every child when
the language is switched here, so open dialogs follow the main window.

Qt's own catalogs lag behind its source texts: Qt 6's file dialog says "&Look in:" and
"Files of &type:", which qtbase_he and qtbase_zh_CN know only without the "&". A small
translator of ours (`QtCatalogGaps`) answers those from our catalog, else from Qt's own
text without the "&", so the Hebrew and Chinese Save dialog is translated where Qt draws
it (Linux, macOS). No `.qm` of ours is built or committed: the words live in our `.po`
files with the rest. Windows shows its own native dialog (nothing here turns Qt's native
dialogs off), in the language of Windows.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEvent, QLibraryInfo, QSettings, Qt, QTranslator
from PySide6.QtGui import QFontDatabase, QGuiApplication

from exchange_desk.i18n.catalog import N_, _, set_language
from exchange_desk.i18n.languages import SOURCE_LANGUAGE, Language, find_language
from exchange_desk.i18n.system import system_language

SETTINGS_KEY = "language"
# The faces the window falls back to when the system has none for the script: small sans
# faces that read well at window sizes (the Ming face is kept for print).
UI_FONTS = {
    QFontDatabase.WritingSystem.Hebrew: ("Heebo-Regular.ttf", "Heebo-Bold.ttf"),
    QFontDatabase.WritingSystem.SimplifiedChinese: ("WenQuanYiMicroHei.ttf",),
}

_qt_translators: list[QTranslator] = []
_fallback_families: list[str] | None = None  # set once the bundled fonts are registered

# Qt 6 texts that Qt's catalogs lack (they have them without the accelerator "&"), by
# context: translated in our catalog, with an accelerator where the language uses one.
QT_GAPS: dict[str, tuple[str, ...]] = {
    "QFileDialog": (N_("&Look in:"), N_("Files of &type:")),
}


class QtCatalogGaps(QTranslator):
    """Qt's texts its own catalogs miss (`QT_GAPS`): from our catalog when it has them,
    else Qt's translation of the same text without its "&". Installed before Qt's catalog,
    so asked only when that one has no answer."""

    def __init__(self, qt_catalog: QTranslator | None, parent: QCoreApplication) -> None:
        super().__init__(parent)
        self.qt_catalog = qt_catalog

    def isEmpty(self) -> bool:
        return False

    def translate(
        self, context: str, source: str, disambiguation: str | None = None, n: int = -1
    ) -> str:
        if source not in QT_GAPS.get(context, ()):
            return ""
        ours = _(source)
        if ours != source:
            return ours
        if self.qt_catalog is None:
            return ""
        plain = source.replace("&", "", 1)
        return self.qt_catalog.translate(context, plain, disambiguation, n) or ""


def startup_language(chosen: str | None = None, settings: QSettings | None = None) -> Language:
    """The language to start in: the command line's `--lang`, else the one chosen last time
    in the Language menu, else the operating system's (Chinese, Hebrew, or else English)."""
    candidates = [chosen or ""]
    remembered = (settings or QSettings()).value(SETTINGS_KEY, "")
    candidates.append(str(remembered or ""))
    candidates.append(system_language())
    for candidate in candidates:
        language = find_language(candidate) if candidate else None
        if language is not None:
            return language
    fallback = find_language(SOURCE_LANGUAGE)
    assert fallback is not None
    return fallback


def remember_language(code: str, settings: QSettings | None = None) -> None:
    """Keep the Language menu's choice for the next start."""
    store = settings or QSettings()
    store.setValue(SETTINGS_KEY, code)
    store.sync()


def apply_language(code: str) -> Language:
    """Make `code` the language of the whole program now.

    Our catalog, Qt's qtbase catalog and the layout direction change together, then every
    open window gets `LanguageChange` before this returns, so the caller sees the new texts.
    """
    language = find_language(code)
    if language is None:
        raise ValueError(code)
    set_language(language.code)
    app = QCoreApplication.instance()
    if app is None:
        return language
    _install_qt_translation(app, language.code)
    if isinstance(app, QGuiApplication):
        app.setLayoutDirection(
            Qt.LayoutDirection.RightToLeft if language.is_rtl else Qt.LayoutDirection.LeftToRight
        )
    # Installing a translator posts LanguageChange only when one changed (not from English
    # to English with none installed): post it always, and deliver it now.
    QCoreApplication.postEvent(app, QEvent(QEvent.Type.LanguageChange))
    for posted in (QEvent.Type.ApplicationLayoutDirectionChange, QEvent.Type.LanguageChange):
        QCoreApplication.sendPostedEvents(None, posted.value)
    return language


def _install_qt_translation(app: QCoreApplication, code: str) -> None:
    """Qt's own strings (OK, Cancel, the file and print dialogs) from Qt's qtbase catalogs."""
    for translator in _qt_translators:
        app.removeTranslator(translator)
    _qt_translators.clear()
    if code == SOURCE_LANGUAGE:
        return
    translator = QTranslator(app)
    catalog = find_qt_catalog(code)
    loaded = catalog is not None and translator.load(catalog.stem, str(catalog.parent))
    # Installed first, asked last: only for what Qt's catalog leaves untranslated.
    gaps = QtCatalogGaps(translator if loaded else None, app)
    app.installTranslator(gaps)
    _qt_translators.append(gaps)
    if loaded:
        app.installTranslator(translator)
        _qt_translators.append(translator)


def _qt_reported_folder() -> Path:
    return Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath))


def _pyside_folders() -> list[Path]:
    """The PySide6 package's folder, and in a frozen program the one under its bundle."""
    import PySide6

    folders = [Path(PySide6.__file__).resolve().parent]
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root is not None:
        folders.append(Path(frozen_root) / "PySide6")
    return folders


def qt_translation_folders() -> list[Path]:
    """Where Qt's own catalogs may be, most likely first: where Qt says, then both layouts
    of PySide6's wheels, `PySide6/Qt/translations` (Linux, macOS) and `PySide6/translations`
    (Windows), which a frozen folder keeps under `_internal/` when Qt's idea of its prefix
    does not follow the bundle."""
    folders = [_qt_reported_folder()]
    for package in _pyside_folders():
        folders += [package / "translations", package / "Qt" / "translations"]
    return list(dict.fromkeys(folders))


def find_qt_catalog(code: str, folders: Iterable[Path] | None = None) -> Path | None:
    """Qt's qtbase catalog for `code` (buttons, the file and print dialogs), or None."""
    for folder in qt_translation_folders() if folders is None else folders:
        catalog = folder / f"qtbase_{code}.qm"
        if catalog.is_file():
            return catalog
    return None


def register_bundled_fonts() -> list[str]:
    """Give Qt the bundled Hebrew and Chinese sans faces, and make them the application
    font's fallbacks for the scripts the system has no font for.

    Registering alone is not enough everywhere: Windows' own fallback does not look at fonts
    an application registered, so the families go into the application font's list too.
    Where the system has a font for the script (Microsoft YaHei, Arial's Hebrew) the window
    keeps the native look. Returns the families put in the fallback list.
    """
    global _fallback_families
    if _fallback_families is not None:
        return list(_fallback_families)
    from exchange_desk.paths import resources_dir

    folder = resources_dir() / "fonts"
    fallbacks: list[str] = []
    for system, files in UI_FONTS.items():
        has_own = bool(QFontDatabase.families(system))
        families: list[str] = []
        for name in files:
            font_id = QFontDatabase.addApplicationFont(str(folder / name))
            if font_id >= 0:
                families += QFontDatabase.applicationFontFamilies(font_id)
        if not has_own:
            fallbacks += [family for family in dict.fromkeys(families) if family]
    if fallbacks and isinstance(QCoreApplication.instance(), QGuiApplication):
        font = QGuiApplication.font()
        font.setFamilies([*font.families(), *fallbacks])
        QGuiApplication.setFont(font)
    _fallback_families = fallbacks
    return list(fallbacks)


__all__ = [
    "QT_GAPS",
    "QtCatalogGaps",
    "apply_language",
    "find_qt_catalog",
    "qt_translation_folders",
    "register_bundled_fonts",
    "remember_language",
    "startup_language",
]
