"""The program's log file: configured once at start, by the window and the command line alike.

Records go to a rotating UTF-8 file (1 MB, five old files kept) in the folder `paths.log_dir`
names. Python's warnings and unhandled exceptions (of the main thread and of any other) are
written to it with their tracebacks; the window adds its own hooks on top (ui/errors.py),
which show the user a message as well.

No Qt here: the command line configures logging without loading it.
"""

from __future__ import annotations

import logging
import sys
import threading
from logging.handlers import RotatingFileHandler
from pathlib import Path
from types import TracebackType

MAX_BYTES = 1_000_000
BACKUP_COUNT = 5
FORMAT = "%(asctime)s %(levelname)s %(name)s [%(threadName)s] %(message)s"

log = logging.getLogger("exchange_desk")

_handler: RotatingFileHandler | None = None
_lock = threading.Lock()


def configure_logging(path: Path | None = None, *, level: int = logging.INFO) -> Path | None:
    """Send the program's log records to the rotating file at `path` (default
    `paths.log_file()`); returns the file's path, or None when it cannot be made (a
    read-only profile does not stop the program, it only runs without a log).

    Only the first call configures anything; later ones return the same path.
    """
    global _handler
    with _lock:
        if _handler is not None:
            return Path(_handler.baseFilename)
        if path is None:
            from exchange_desk.paths import log_file

            path = log_file()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            handler = RotatingFileHandler(
                path, maxBytes=MAX_BYTES, backupCount=BACKUP_COUNT, encoding="utf-8"
            )
        except OSError as exc:
            sys.stderr.write(f"exchange-desk: no log file at {path}: {exc}\n")
            return None
        handler.setFormatter(logging.Formatter(FORMAT))
        root = logging.getLogger()
        root.addHandler(handler)
        if root.level == logging.NOTSET or root.level > level:
            root.setLevel(level)
        logging.captureWarnings(True)
        _handler = handler
        _install_hooks()
    from exchange_desk import __version__

    log.info("Exchange Desk %s started (Python %s)", __version__, sys.version.split()[0])
    return Path(handler.baseFilename)


def log_path() -> Path | None:
    """The log file's path once `configure_logging` has made it, else None."""
    handler = _handler
    return Path(handler.baseFilename) if handler is not None else None


def log_exception(
    message: str,
    exc_type: type[BaseException],
    exc: BaseException,
    traceback: TracebackType | None,
) -> None:
    """Write `message` and the exception with its traceback, at ERROR."""
    log.error(message, exc_info=(exc_type, exc, traceback))


def _install_hooks() -> None:
    """Log what nothing caught, then let the previous hooks print it as before."""
    previous = sys.excepthook
    previous_thread = threading.excepthook

    def excepthook(
        exc_type: type[BaseException], exc: BaseException, traceback: TracebackType | None
    ) -> None:
        if not issubclass(exc_type, KeyboardInterrupt):
            log_exception("Unhandled exception", exc_type, exc, traceback)
        previous(exc_type, exc, traceback)

    def thread_excepthook(args: threading.ExceptHookArgs) -> None:
        if args.exc_value is not None and not issubclass(args.exc_type, SystemExit):
            name = args.thread.name if args.thread is not None else "?"
            log_exception(
                f"Unhandled exception in thread {name}",
                args.exc_type,
                args.exc_value,
                args.exc_traceback,
            )
        previous_thread(args)

    sys.excepthook = excepthook
    threading.excepthook = thread_excepthook
