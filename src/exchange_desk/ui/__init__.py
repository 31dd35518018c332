"""The Qt application (PySide6 only here): windows, table models, dialogs, printing."""
