"""A record's History and the office's audit log as people read them (issue 15, "every change
on record"): the lines `services.history_text` makes of the log, `exchange-desk history` and
`exchange-desk audit` (text and JSON, filters), and the detail pane's History section, which
shows a save as soon as it is made."""

from __future__ import annotations

import datetime as dt
import getpass
import io
import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import make_url

from exchange_desk.cli import main
from exchange_desk.domain.dates import PartialDate
from exchange_desk.domain.enums import Direction
from exchange_desk.domain.records import City, Delegation
from exchange_desk.i18n.catalog import set_language
from exchange_desk.services import audit
from exchange_desk.services.editing import delete_record, save_record
from exchange_desk.services.history_text import describe, office_log, record_history
from exchange_desk.services.records import get_record
from exchange_desk.storage.database import Database, open_database

LONG_PURPOSE = "Signing the memorandum on school exchanges and visiting three schools " * 3


def user_of(database_url: str) -> str:
    """Who the log says wrote: the computer's user on SQLite, the role on PostgreSQL."""
    url = make_url(database_url)
    return getpass.getuser() if url.get_backend_name() == "sqlite" else str(url.username)


def shown_as(database_url: str) -> str:
    """Who a line names: the role on PostgreSQL with the computer's user behind it."""
    user = user_of(database_url)
    return user if user == getpass.getuser() else f"{user} ({getpass.getuser()})"


def stored(database: Database, record: Any) -> Any:
    """`record` saved through the services, as stored (with its id and version)."""
    return save_record(database, record).record


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    code = main(list(argv), out=out)
    return code, out.getvalue()


def run_json(*argv: str) -> Any:
    code, text = run(*argv, "--json")
    assert code == 0, text
    return json.loads(text)


@pytest.fixture
def office(db: Database) -> dict[str, Any]:
    """Two cities and a delegation, created, then the delegation changed twice and the
    second change undone; a third city created and deleted."""
    haifa = stored(db, City(name_en="Haifa", name_zh="海法", country="IL"))
    kfar = stored(db, City(name_en="Kfar Saba", country="IL", population=100_000))
    made = stored(
        db,
        Delegation(
            direction=Direction.INCOMING,
            city_id=kfar.id,
            leader="Zhang Wei",
            members=5,
            purpose="School visit",
        ),
    )
    first = save_record(
        db,
        replace(
            made,
            leader="Li Na",
            members=7,
            city_id=haifa.id,
            start_date=PartialDate(2026, 3, 15),
            direction=Direction.OUTGOING,
            purpose=LONG_PURPOSE,
        ),
    )
    second = save_record(db, replace(first.record, members=9))
    second.step.undo(db)
    gone = stored(db, City(name_en="Eilat", country="IL"))
    delete_record(db, "cities", gone.id)
    return {"haifa": haifa, "kfar": kfar, "delegation": made, "gone": gone}


# --- the lines in words ------------------------------------------------------------------


def test_an_update_names_each_field_with_its_old_and_new_value(
    database_url: str, db: Database, office: dict[str, Any]
) -> None:
    delegation = office["delegation"]
    lines = record_history(db, "delegations", delegation.id)
    assert [line.entry.action for line in lines][1:] == ["update", "update", "create"]
    changed = lines[2]  # the first change
    assert changed.action == "changed"
    assert changed.kind == "delegation"
    assert [change.label for change in changed.changes] == [
        "Direction",
        "Partner city",
        "Start",
        "Leader",
        "Members",
        "Purpose",
    ]
    shown = {change.label: (change.old, change.new) for change in changed.changes}
    assert shown["Leader"] == ("Zhang Wei", "Li Na")
    assert shown["Members"] == ("5", "7")
    assert shown["Partner city"] == ("Kfar Saba", "Haifa")  # a reference by its name
    assert shown["Direction"] == ("incoming", "outgoing")  # a choice by its label
    assert shown["Start"] == ("—", "Mar 15, 2026")  # a date as the pane shows it
    old, new = shown["Purpose"]
    assert old == "School visit"
    assert new.startswith("Signing the memorandum")
    assert new.endswith("…")
    assert len(new) <= 60
    user = shown_as(database_url)
    assert changed.sentence.startswith(f"{user} changed Direction: incoming → outgoing; ")
    assert "Leader: Zhang Wei → Li Na; Members: 5 → 7" in changed.sentence
    assert changed.headline == f"changed by {user}"
    assert "Leader: Zhang Wei → Li Na" in changed.changed
    assert lines[-1].sentence == f"created by {user}"
    assert lines[-1].changes == ()


def test_a_reference_to_a_deleted_record_keeps_its_name(
    db: Database, office: dict[str, Any]
) -> None:
    # The delegation is moved to Eilat's twin, then that city deleted: the line still says
    # where it went, by the name the log last gave the city, never "city 12".
    town = stored(db, City(name_en="Mitzpe Ramon", country="IL"))
    moved = save_record(
        db, replace(get_record(db, "delegations", office["delegation"].id), city_id=town.id)
    )
    save_record(db, replace(moved.record, city_id=office["kfar"].id))
    delete_record(db, "cities", town.id)
    lines = record_history(db, "delegations", office["delegation"].id)
    shown = [
        (change.old, change.new)
        for line in lines
        for change in line.changes
        if change.label == "Partner city"
    ]
    assert ("Haifa", "Mitzpe Ramon") in shown
    assert ("Mitzpe Ramon", "Kfar Saba") in shown
    assert not any(str(town.id) == part.split()[-1] for pair in shown for part in pair)


def test_a_delegation_is_named_by_its_city_and_date_in_the_log(
    db: Database, office: dict[str, Any]
) -> None:
    # A gift's occasion, a programme item's delegation: named as messages name it, not by
    # its purpose.
    delegation = office["delegation"]
    (line, *_rest) = (
        line for line in office_log(db, kind="delegations") if line.entry.record_id == delegation.id
    )
    assert line.record == "Haifa, March 15, 2026"


def test_an_undo_shows_the_values_put_back(db: Database, office: dict[str, Any]) -> None:
    newest, undone_change = record_history(db, "delegations", office["delegation"].id)[:2]
    assert undone_change.what == "Members: 7 → 9"
    assert newest.what == "Members: 9 → 7"  # the undo put the old value back
    assert newest.action == newest.entry.action_label()
    assert newest.entry.action in ("undo", "update")  # "undo" once undo says what it is
    if newest.entry.action == "undo":
        assert newest.entry.details["did"] == "update"
        assert "undid a change: Members: 9 → 7" in newest.sentence


def test_lines_follow_the_language(db: Database, office: dict[str, Any]) -> None:
    set_language("zh_CN")
    changed = record_history(db, "delegations", office["delegation"].id)[2]
    labels = [change.label for change in changed.changes]
    assert "团长" in labels  # Leader, in the glossary's word
    shown = {change.label: (change.old, change.new) for change in changed.changes}
    assert shown["友城"] == ("Kfar Saba", "海法")  # a name in the language, where it has one
    assert shown["开始日期"] == ("—", "2026年3月15日")
    assert "年" in changed.when


def test_a_name_column_says_its_language(db: Database, office: dict[str, Any]) -> None:
    haifa = office["haifa"]
    stored(db, replace(haifa, name_zh="海法市", population=285_000))
    [line] = [line for line in record_history(db, "cities", haifa.id) if line.changes]
    assert line.what == "Name (Chinese): 海法 → 海法市; Population: — → 285,000"


def test_the_gui_keeps_values_in_their_own_direction(db: Database, office: dict[str, Any]) -> None:
    """In a right-to-left window an English value keeps its order inside the Hebrew line,
    and the arrow points the way the line reads."""
    set_language("he")
    entry = audit.history(db, "delegations", office["delegation"].id)[2]

    def own(text: str) -> str:
        return f"<{text}>"

    line = describe(entry, own_direction=own, right_to_left=True)
    assert "<Zhang Wei>\u200f ← \u200f<Li Na>" in line.sentence
    assert f"<{line.who}>" in line.sentence


def test_a_certificate_issued_and_printed_is_in_its_awards_history(demo_db: Database) -> None:
    from exchange_desk.domain.enums import Design, LanguageMode, Orientation
    from exchange_desk.services.certificate_issue import issue_certificate_pdf

    issued = issue_certificate_pdf(
        demo_db, 1, LanguageMode.EN, Design.FORMAL, Orientation.LANDSCAPE, "li"
    )
    [number] = issued.numbers
    [certificate] = {entry.record_id for entry in audit.audit(demo_db, kind="certificates")}
    assert certificate is not None
    lines = record_history(demo_db, "awards", 1, also=[("certificates", certificate)])
    user = getpass.getuser()
    assert [line.sentence for line in lines[:2]] == [
        f"certificate {number} printed by {user}",
        f"certificate {number} issued by {user}",
    ]
    assert lines[0].what == number
    assert lines[0].kind == "certificate"


# --- exchange-desk history -----------------------------------------------------------------


def test_history_prints_a_table_newest_first(
    database_url: str, db: Database, office: dict[str, Any]
) -> None:
    user = shown_as(database_url)
    code, text = run("--db", database_url, "history", "delegations", str(office["delegation"].id))
    assert code == 0
    header, *rows = text.splitlines()
    assert header.split() == ["Time", "User", "Action", "Record", "What", "changed"]
    assert len(rows) == 4
    assert all(f"  {user}  " in row for row in rows)
    assert rows[1].split(user, 1)[1].strip().startswith("changed")
    assert rows[1].endswith("Members: 7 → 9")
    assert "Leader: Zhang Wei → Li Na; Members: 5 → 7; Purpose: School visit → Signing" in rows[2]
    assert "created" in rows[3]
    assert dt.date.today().strftime("%Y") in rows[0]


def test_history_json_is_the_log_as_kept(
    database_url: str, db: Database, office: dict[str, Any]
) -> None:
    delegation = office["delegation"]
    lines = run_json("--db", database_url, "history", "delegations", str(delegation.id))
    assert [line["action"] for line in lines][1:] == ["update", "update", "create"]
    assert {line["user"] for line in lines} == {user_of(database_url)}
    assert {line["record_id"] for line in lines} == {delegation.id}
    changed = lines[2]
    assert changed["details"]["fields"]["leader"] == ["Zhang Wei", "Li Na"]
    assert changed["details"]["fields"]["start_date"] == [None, "2026-03-15"]
    assert changed["details"]["fields"]["purpose"] == ["School visit", LONG_PURPOSE]
    assert dt.datetime.fromisoformat(changed["at"]).utcoffset() == dt.timedelta(0)
    assert lines == [entry.as_dict() for entry in audit.history(db, "delegations", delegation.id)]


def test_a_deleted_record_keeps_its_history(
    database_url: str, db: Database, office: dict[str, Any]
) -> None:
    code, text = run("--db", database_url, "history", "cities", str(office["gone"].id))
    assert code == 0
    rows = text.splitlines()[1:]
    assert len(rows) == 2
    assert "deleted" in rows[0]
    assert "created" in rows[1]
    assert "Eilat" in rows[0]  # its name as it was


def test_history_of_an_unknown_record_is_a_usage_error(
    database_url: str, db: Database, office: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    code, text = run("--db", database_url, "history", "cities", "9999")
    assert code == 2
    assert text == ""
    assert "There is no city with id 9999." in capsys.readouterr().err


def test_history_reads_and_never_creates_a_database(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "nowhere.sqlite"
    code, _text = run("--db", str(missing), "history", "cities", "1")
    assert code == 3
    assert not missing.exists()
    assert "nowhere.sqlite" in capsys.readouterr().err


# --- exchange-desk audit -------------------------------------------------------------------


@pytest.fixture
def two_months(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> tuple[str, dict[str, int]]:
    """A January change by this computer's user and March changes by "clerk" at another desk
    (the log's clock and the computer's user set by the test)."""
    ids: dict[str, int] = {}
    monkeypatch.setattr(audit, "utcnow", lambda: dt.datetime(2025, 1, 10, 12, 0))
    mine = open_database(sqlite_url)
    ids["jan"] = stored(mine, City(name_en="Haifa", country="IL", population=1_000)).id
    monkeypatch.setattr(audit, "utcnow", lambda: dt.datetime(2025, 3, 1, 12, 0))
    monkeypatch.setattr(audit, "_os_user", lambda: "clerk")
    clerks = open_database(sqlite_url)
    ids["mar"] = stored(clerks, City(name_en="Eilat", country="IL")).id
    haifa = City(id=ids["jan"], version=1, name_en="Haifa", country="IL", population=2_000)
    stored(clerks, haifa)
    mine.dispose()
    clerks.dispose()
    monkeypatch.undo()
    return sqlite_url, ids


def test_audit_since_a_day(two_months: tuple[str, dict[str, int]]) -> None:
    url, ids = two_months
    lines = run_json("--db", url, "audit", "--since", "2025-02-01")
    assert [(line["action"], line["record_id"]) for line in lines] == [
        ("create", ids["mar"]),
        ("update", ids["jan"]),
    ]
    assert run_json("--db", url, "audit", "--since", "2025-03-02") == []
    assert len(run_json("--db", url, "audit", "--since", "2025-01-10")) == 3


def test_audit_by_user(two_months: tuple[str, dict[str, int]]) -> None:
    url, ids = two_months
    by_clerk = run_json("--db", url, "audit", "--user", "clerk")
    assert [line["record_id"] for line in by_clerk] == [ids["mar"], ids["jan"]]
    assert {line["user"] for line in by_clerk} == {"clerk"}
    mine = run_json("--db", url, "audit", "--user", getpass.getuser())
    assert [(line["action"], line["at"][:10]) for line in mine] == [("create", "2025-01-10")]
    assert run_json("--db", url, "audit", "--user", "clerk", "--since", "2025-03-02") == []


def test_audit_text_kind_and_limit(two_months: tuple[str, dict[str, int]]) -> None:
    url, ids = two_months
    code, text = run("--db", url, "audit", "--since", "2025-02-01")
    assert code == 0
    header, *rows = text.splitlines()
    assert header.split() == ["Time", "User", "Action", "Kind", "Id", "Record", "What", "changed"]
    assert len(rows) == 2
    assert "  clerk  created  city  " in rows[0]
    assert rows[1].endswith("Population: 1,000 → 2,000")
    assert "Haifa" in rows[1]
    [newest] = run_json("--db", url, "audit", "--kind", "cities", "--limit", "1")
    assert (newest["action"], newest["record_id"]) == ("update", ids["jan"])
    assert run_json("--db", url, "audit", "--kind", "delegations") == []
    assert len(run_json("--db", url, "audit", "--limit", "0")) == 3


@pytest.mark.parametrize(
    ("language", "usage"), [("en", "usage:"), ("he", "שימוש:"), ("zh_CN", "用法")]
)
def test_a_bad_day_is_a_usage_error_in_the_users_language(
    language: str, usage: str, sqlite_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        run("--lang", language, "--db", sqlite_url, "audit", "--since", "2025-02-30")
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert usage in err
    assert "--since" in err
    assert "2025-02-30" in err


def test_audit_reads_and_never_migrates(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A database of an older schema has no log: the command says to upgrade, and leaves the
    file as it was."""
    import shutil

    fixture = Path(__file__).parent / "data" / "migrations" / "0003.sqlite"
    old = tmp_path / "old.sqlite"
    shutil.copyfile(fixture, old)
    before = old.read_bytes()
    code, _text = run("--db", str(old), "audit")
    assert code == 3
    assert "exchange-desk db upgrade" in capsys.readouterr().err
    assert old.read_bytes() == before


def test_office_log_is_oldest_first(two_months: tuple[str, dict[str, int]]) -> None:
    url, _ids = two_months
    database = open_database(url, migrate=False)
    try:
        lines = office_log(database)
    finally:
        database.dispose()
    assert [line.entry.at.month for line in lines] == [1, 3, 3]
    assert [line.who for line in lines] == [getpass.getuser(), "clerk", "clerk"]


# --- the detail pane's History -----------------------------------------------------------


OFFSCREEN_NOISE = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints")


@pytest.fixture
def window(qtbot: Any, sqlite_db: Database, tmp_path: Path) -> Iterator[Any]:
    from PySide6.QtCore import QSettings, QThreadPool

    from exchange_desk.ui.main_window import MainWindow
    from exchange_desk.ui.operations import pending

    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    made = MainWindow(sqlite_db, settings, remember=False)
    qtbot.addWidget(made)
    made.show_tab("partner_cities")  # past the start screen
    qtbot.waitUntil(lambda: pending() == 0, timeout=20_000)
    yield made
    assert QThreadPool.globalInstance().waitForDone(30_000)


def delegations_tab(qtbot: Any, window: Any, record_id: int) -> Any:
    """The delegations tab with `record_id` selected, its detail and History shown."""
    from exchange_desk.ui.operations import pending

    window.show_tab("delegations")
    tab = window.current_tab()
    qtbot.waitUntil(lambda: tab.complete and not tab._loading and pending() == 0, timeout=20_000)
    assert tab.select_record(record_id)
    qtbot.waitUntil(lambda: pending() == 0, timeout=20_000)
    return tab


def plain(text: str) -> str:
    """A text shown without the marks that set its paragraphs' direction."""
    return text.replace("\u200e", "").replace("\u200f", "")


def history_texts(tab: Any) -> list[str]:
    """The History's entries as shown, without the direction marks (in a left-to-right
    window: the marks around an arrow keep it between two right-to-left values)."""
    assert tab.detail.history is not None
    return [plain(text) for text in tab.detail.history.texts()]


def save_in(qtbot: Any, window: Any, record: Any) -> Any:
    """Save as a record dialog does: an operation, its change announced on the hub."""
    from exchange_desk.ui.operations import CollectionOp, change_hub

    kept: list[Any] = []
    with qtbot.waitSignal(change_hub().changed, timeout=20_000):
        CollectionOp(window, lambda database: save_record(database, record)).success(
            lambda saved: kept.append(saved.record)
        ).run_in_background()
    return kept[0]


@OFFSCREEN_NOISE
def test_the_detail_pane_shows_the_history_and_follows_each_save(
    qtbot: Any, window: Any, sqlite_db: Database
) -> None:
    from exchange_desk.ui.operations import pending

    city = stored(sqlite_db, City(name_en="Kfar Saba", country="IL"))
    made = stored(
        sqlite_db,
        Delegation(direction=Direction.INCOMING, city_id=city.id, leader="Zhang Wei", members=5),
    )
    tab = delegations_tab(qtbot, window, made.id)
    user = getpass.getuser()
    qtbot.waitUntil(lambda: len(history_texts(tab)) == 1, timeout=20_000)
    [created] = history_texts(tab)
    assert created.endswith(f"created by {user}")
    assert str(dt.date.today().year) in created  # its time, above it

    changed = save_in(qtbot, window, replace(made, leader="Li Na", members=7))
    qtbot.waitUntil(lambda: len(history_texts(tab)) == 2, timeout=20_000)
    newest = history_texts(tab)[0]
    assert f"changed by {user}" in newest
    assert "Leader: Zhang Wei → Li Na" in newest
    assert "Members: 5 → 7" in newest

    save_in(qtbot, window, replace(changed, members=9))
    qtbot.waitUntil(lambda: len(history_texts(tab)) == 3, timeout=20_000)
    assert "Members: 7 → 9" in history_texts(tab)[0]
    assert history_texts(tab)[-1].endswith(f"created by {user}")
    qtbot.waitUntil(lambda: pending() == 0, timeout=20_000)


@OFFSCREEN_NOISE
def test_the_newest_twenty_then_show_all(qtbot: Any, window: Any, sqlite_db: Database) -> None:
    city = stored(sqlite_db, City(name_en="Haifa", country="IL"))
    record = stored(sqlite_db, Delegation(direction=Direction.OUTGOING, city_id=city.id, members=0))
    for members in range(1, 25):
        record = stored(sqlite_db, replace(record, members=members))
    tab = delegations_tab(qtbot, window, record.id)
    view = tab.detail.history
    qtbot.waitUntil(lambda: len(history_texts(tab)) == 20, timeout=20_000)
    assert "Members: 23 → 24" in history_texts(tab)[0]
    assert "Members: 4 → 5" in history_texts(tab)[-1]
    assert not view.more.isHidden()
    view.more.click()
    qtbot.waitUntil(lambda: len(history_texts(tab)) == 25, timeout=20_000)
    assert history_texts(tab)[-1].endswith(f"created by {getpass.getuser()}")
    assert view.more.isHidden()


@OFFSCREEN_NOISE
def test_the_history_in_hebrew_keeps_names_in_their_own_direction(
    qtbot: Any, window: Any, sqlite_db: Database, qapp: Any
) -> None:
    from PySide6.QtCore import Qt

    from exchange_desk.ui.bidi import LEFT_TO_RIGHT_EMBEDDING as LRE
    from exchange_desk.ui.bidi import POP_DIRECTIONAL_FORMATTING as PDF

    city = stored(sqlite_db, City(name_en="Haifa", country="IL"))
    made = stored(
        sqlite_db, Delegation(direction=Direction.INCOMING, city_id=city.id, leader="Zhang Wei")
    )
    stored(sqlite_db, replace(made, leader="Li Na"))
    set_language("he")
    qapp.setLayoutDirection(Qt.LayoutDirection.RightToLeft)
    try:
        tab = delegations_tab(qtbot, window, made.id)
        qtbot.waitUntil(lambda: len(history_texts(tab)) == 2, timeout=20_000)
        newest = tab.detail.history.texts()[0]
        # Each English value in an embedding of its own, the arrow in the line's direction.
        assert f"{LRE}Zhang Wei{PDF}\u200f ← \u200f{LRE}Li Na{PDF}" in newest
        assert "ראש המשלחת" in newest  # the field's label in Hebrew
        assert all(line.startswith("\u200f") for line in newest.split("\n"))
    finally:
        qapp.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
