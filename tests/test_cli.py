"""The `exchange-desk` command line: exit codes, output, languages and storage failures.

Most tests call `cli.main(argv, out=...)` in-process (stderr through capsys); a few run
`python -m exchange_desk` in a real subprocess to prove the entry point and that no
traceback ever reaches the user.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from exchange_desk import __version__
from exchange_desk.cli import EXIT_REFUSED, EXIT_STORAGE, EXIT_USAGE, main
from exchange_desk.launcher import main as launcher_main
from exchange_desk.storage.database import open_database

LISTABLE = (
    "cities",
    "partnerships",
    "delegations",
    "events",
    "agreements",
    "organizations",
    "conferences",
    "awards",
)
# What the demo data set holds (see /work/shared/docs/domain.md and services/demo.py).
DEMO_TOTALS = {
    "cities": 73,
    "partnerships": 70,
    "delegations": 83,
    "events": 4,
    "agreements": 2,
    "organizations": 13,
    "conferences": 2,
    "awards": 6,
}
UNREACHABLE_PG = "postgresql+psycopg://nobody@127.0.0.1:1/none"


# --- helpers ---------------------------------------------------------------------------


def run(*argv: str) -> tuple[int, str]:
    """Run the command in-process; returns the exit code and what it wrote to `out`."""
    out = io.StringIO()
    code = main(list(argv), out=out)
    return code, out.getvalue()


def run_json(*argv: str) -> Any:
    code, text = run(*argv, "--json")
    assert code == 0, text
    return json.loads(text)


def stderr_lines(capsys: pytest.CaptureFixture[str]) -> list[str]:
    return [line for line in capsys.readouterr().err.splitlines() if line.strip()]


def dump(path: Path) -> list[str]:
    """The whole content of a SQLite file as SQL text, to compare before and after."""
    connection = sqlite3.connect(path)
    try:
        return list(connection.iterdump())
    finally:
        connection.close()


def table_count(path: Path, table: str) -> int:
    connection = sqlite3.connect(path)
    try:
        return int(connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
    finally:
        connection.close()


def subprocess_env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("EXCHANGE_DESK_DB", None)
    env["EXCHANGE_DESK_LANG"] = "en"
    env["QT_QPA_PLATFORM"] = "offscreen"
    env["PYTHONIOENCODING"] = "utf-8"
    return env


def run_module(*argv: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "exchange_desk", *argv],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=subprocess_env(),
        timeout=timeout,
        check=False,
    )


# --- fixtures --------------------------------------------------------------------------


@pytest.fixture
def demo_path(demo_file: Path, tmp_path: Path) -> Path:
    """A private copy of the demo SQLite file, as a path for `--db`."""
    copy = tmp_path / "desk.sqlite"
    shutil.copyfile(demo_file, copy)
    return copy


@pytest.fixture
def corrupt_path(tmp_path: Path) -> Path:
    path = tmp_path / "corrupt.sqlite"
    path.write_bytes(b"this is not a database" * 100)
    return path


@pytest.fixture
def too_new_path(demo_path: Path) -> Path:
    """A demo database whose schema revision no version of the program knows."""
    connection = sqlite3.connect(demo_path)
    try:
        connection.execute("UPDATE alembic_version SET version_num = '9999'")
        connection.commit()
    finally:
        connection.close()
    return demo_path


# --- version and usage -----------------------------------------------------------------


def test_version_prints_name_and_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"], out=io.StringIO())
    assert exit_info.value.code == 0
    printed = capsys.readouterr().out.strip()
    assert printed == f"Exchange Desk {__version__}"
    assert printed.startswith("Exchange Desk 0.")


def test_unknown_kind_is_a_usage_error(demo_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--db", str(demo_path), "list", "bogus"], out=io.StringIO())
    assert exit_info.value.code == EXIT_USAGE
    assert "invalid choice" in capsys.readouterr().err


@pytest.mark.parametrize(
    "argv",
    [
        pytest.param(["anniversaries"], id="anniversaries-without-year"),
        pytest.param(["db"], id="db-without-action"),
        pytest.param(["list"], id="list-without-kind"),
        pytest.param(["--lang", "fr", "stats"], id="unknown-language"),
        pytest.param(["list", "cities", "--limit", "many"], id="limit-not-a-number"),
    ],
)
def test_bad_command_lines_exit_2(
    argv: list[str], demo_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--db", str(demo_path), *argv], out=io.StringIO())
    assert exit_info.value.code == EXIT_USAGE
    assert "usage:" in capsys.readouterr().err


def test_negative_scale_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "office.sqlite"
    with pytest.raises(SystemExit) as exited:
        run("--db", str(path), "demo", "--scale", "-1")
    assert exited.value.code == EXIT_USAGE
    assert "--scale" in capsys.readouterr().err
    assert not path.exists()


def test_negative_limit_is_refused(demo_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        run("--db", str(demo_path), "list", "cities", "--limit", "-1", "--json")
    assert exited.value.code == EXIT_USAGE
    assert "--limit" in capsys.readouterr().err


def test_no_command_opens_the_window_with_db_and_lang(
    monkeypatch: pytest.MonkeyPatch, demo_path: Path
) -> None:
    calls: list[dict[str, Any]] = []

    def fake_run_gui(
        database_location: str | None = None, language: str | None = None, **_options: Any
    ) -> int:
        calls.append({"database_location": database_location, "language": language})
        return 0

    monkeypatch.setattr("exchange_desk.ui.app.run_gui", fake_run_gui)
    assert launcher_main(["--db", str(demo_path), "--lang", "he_IL"], out=io.StringIO()) == 0
    assert calls == [{"database_location": str(demo_path), "language": "he"}]


def test_the_command_line_alone_never_opens_the_window(
    monkeypatch: pytest.MonkeyPatch, demo_path: Path
) -> None:
    """Only the launcher opens the window: `cli.main` without a command prints its help."""

    def no_window(**_options: Any) -> int:
        raise AssertionError("the command line opened the window")

    monkeypatch.setattr("exchange_desk.ui.app.run_gui", no_window)
    out = io.StringIO()
    assert main(["--db", str(demo_path)], out=out) == EXIT_USAGE
    assert out.getvalue().startswith("usage: exchange-desk")


def test_listing_never_loads_qt(tmp_path: Path) -> None:
    """`exchange-desk list cities`, started as the program starts (the launcher), imports
    no PySide6 module: Python's own import log (-X importtime) names every one it loads."""
    database = tmp_path / "empty.sqlite"
    open_database(database).dispose()  # `list` reads only: it never makes a database
    command = ["-m", "exchange_desk", "--db", str(database), "list", "cities"]
    result = subprocess.run(
        [sys.executable, "-X", "importtime", *command],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=subprocess_env(),
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Id"), result.stdout
    imported = [line.rsplit("|", 1)[-1].strip() for line in result.stderr.splitlines()]
    assert "exchange_desk.launcher" in imported  # the log is read right
    assert "exchange_desk.cli" in imported
    assert [name for name in imported if name.startswith(("PySide6", "shiboken6"))] == []
    assert [name for name in imported if name.startswith("exchange_desk.ui")] == []


# --- demo ------------------------------------------------------------------------------


def test_demo_on_empty_database_then_refused_then_forced(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "office.sqlite"
    code, out = run("--db", str(path), "demo")
    assert code == 0
    assert str(path) in out
    assert "sister cities 25" in out
    assert "friendly cooperative cities 45" in out
    capsys.readouterr()

    partnerships = run_json("--db", str(path), "list", "partnerships")
    kfar_saba = [p for p in partnerships if p["city"] == "Kfar Saba"]
    assert len(kfar_saba) == 1
    assert kfar_saba[0]["tier"] == "sister_city"
    assert kfar_saba[0]["established"] == "2009"
    assert kfar_saba[0]["is_sample"] is False
    tiers = Counter(p["tier"] for p in partnerships)
    assert tiers == {"sister_city": 25, "friendly_cooperative_city": 45}

    # Again, without --force: refused, one line, nothing changed.
    before = dump(path)
    code, out = run("--db", str(path), "demo")
    assert code == EXIT_REFUSED
    assert out == ""
    lines = stderr_lines(capsys)
    assert len(lines) == 1, lines
    assert lines[0].startswith("exchange-desk: ")
    assert "--force" in lines[0]
    assert dump(path) == before
    assert not list(tmp_path.glob("*.backup.sqlite"))

    # With --force: replaced after a backup copy next to the file.
    code, out = run("--db", str(path), "demo", "--force")
    assert code == 0, capsys.readouterr().err
    backups = list(tmp_path.glob("office.*.backup.sqlite"))
    assert len(backups) == 1
    assert backups[0].parent == path.parent
    assert str(backups[0]) in capsys.readouterr().err
    assert table_count(backups[0], "cities") == DEMO_TOTALS["cities"]
    partnerships = run_json("--db", str(path), "list", "partnerships")
    assert Counter(p["tier"] for p in partnerships) == tiers


def test_demo_fills_an_existing_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.sqlite"
    path.write_bytes(b"")
    code, _out = run("--db", str(path), "demo")
    assert code == 0
    assert table_count(path, "cities") == DEMO_TOTALS["cities"]


# --- list ------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", LISTABLE)
def test_list_json_of_every_kind(kind: str, demo_path: Path) -> None:
    rows = run_json("--db", str(demo_path), "list", kind)
    assert isinstance(rows, list)
    assert len(rows) == DEMO_TOTALS[kind]
    ids = [row["id"] for row in rows]
    assert all(isinstance(i, int) for i in ids)
    assert len(set(ids)) == len(ids)
    assert all(isinstance(row["is_sample"], bool) for row in rows)


def test_list_json_matches_the_service(demo_path: Path) -> None:
    from exchange_desk.services.records import list_records
    from exchange_desk.storage.database import open_database

    database = open_database(demo_path)
    try:
        for kind in LISTABLE:
            expected = [listed.record.id for listed in list_records(database, kind).rows]
            assert [row["id"] for row in run_json("--db", str(demo_path), "list", kind)] == (
                expected
            ), kind
    finally:
        database.dispose()


def test_list_conferences_of_2018(demo_path: Path) -> None:
    rows = run_json("--db", str(demo_path), "list", "conferences", "--year", "2018")
    assert len(rows) == 2
    names = {row["name_en"] for row in rows}
    assert "China International Friendship Cities Conference 2018" in names
    assert any("Sino-Japan-South Korea" in name for name in names)
    assert all(row["start_date"].startswith("2018") for row in rows)
    wuhan = next(row for row in rows if row["host_city"] == "Wuhan")
    assert wuhan["start_date"] == "2018-11-16"
    assert wuhan["attendance"] == 800
    assert wuhan["countries"] == 60


def test_list_year_without_matches_is_empty(demo_path: Path) -> None:
    assert run_json("--db", str(demo_path), "list", "conferences", "--year", "1990") == []


def test_list_year_on_a_kind_without_dates_is_refused(
    demo_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = run("--db", str(demo_path), "list", "cities", "--year", "2018")
    assert code == EXIT_REFUSED
    assert out == ""
    lines = stderr_lines(capsys)
    assert len(lines) == 1
    assert "year" in lines[0]


def test_list_delegations_by_year_agrees_with_stats(demo_path: Path) -> None:
    stats = run_json("--db", str(demo_path), "stats")
    for year, counts in stats["delegations_by_year"].items():
        rows = run_json("--db", str(demo_path), "list", "delegations", "--year", year)
        assert len(rows) == sum(counts.values()), year
        assert all(row["start_date"].startswith(year) for row in rows)


def test_list_search_cities(demo_path: Path) -> None:
    rows = run_json("--db", str(demo_path), "list", "cities", "--search", "kfar")
    assert [row["name_en"] for row in rows] == ["Kfar Saba"]
    assert rows[0]["name_he"] == "כפר סבא"
    assert rows[0]["country"] == "IL"
    # Any language's name is searched, case does not matter.
    assert run_json("--db", str(demo_path), "list", "cities", "--search", "KFAR") == rows
    assert run_json("--db", str(demo_path), "list", "cities", "--search", "כפר") == rows


def test_list_search_partnerships_by_city_name(demo_path: Path) -> None:
    rows = run_json("--db", str(demo_path), "list", "partnerships", "--search", "Kfar")
    assert [row["city"] for row in rows] == ["Kfar Saba"]


def test_list_search_wildcards_are_literal(demo_path: Path) -> None:
    assert run_json("--db", str(demo_path), "list", "cities", "--search", "%") == []
    assert run_json("--db", str(demo_path), "list", "cities", "--search", "_") == []


def test_list_limit(demo_path: Path) -> None:
    everything = run_json("--db", str(demo_path), "list", "cities")
    first = run_json("--db", str(demo_path), "list", "cities", "--limit", "5")
    assert first == everything[:5]
    assert run_json("--db", str(demo_path), "list", "cities", "--limit", "0") == []
    code, text = run("--db", str(demo_path), "list", "delegations", "--limit", "3")
    assert code == 0
    assert len(text.splitlines()) == 1 + 3


def test_list_text_has_header_and_rows(demo_path: Path) -> None:
    code, text = run("--db", str(demo_path), "list", "cities")
    assert code == 0
    lines = text.splitlines()
    assert len(lines) == 1 + DEMO_TOTALS["cities"]
    header = lines[0].split()
    assert header == ["Id", "Name", "Country", "Region", "Sample"]
    kfar = [line for line in lines[1:] if "Kfar Saba" in line]
    assert len(kfar) == 1
    assert "IL" in kfar[0]
    assert "sample" not in kfar[0]  # a fact, not a sample record
    assert any(line.rstrip().endswith("sample") for line in lines[1:])


def test_list_text_of_partnerships_names_city_and_tier(demo_path: Path) -> None:
    code, text = run("--db", str(demo_path), "list", "partnerships", "--search", "kfar")
    assert code == 0
    header, *rows = text.splitlines()
    assert header.split()[:4] == ["Id", "Partner", "city", "Tier"]
    assert len(rows) == 1
    assert "Kfar Saba" in rows[0]
    assert "sister city" in rows[0]
    assert "2009" in rows[0]


@pytest.mark.parametrize("kind", LISTABLE)
def test_list_text_of_every_kind(kind: str, demo_path: Path) -> None:
    code, text = run("--db", str(demo_path), "list", kind)
    assert code == 0
    lines = text.splitlines()
    assert lines[0].startswith("Id")
    assert len(lines) == 1 + DEMO_TOTALS[kind]


def test_list_text_without_matches_has_only_the_header(demo_path: Path) -> None:
    code, text = run("--db", str(demo_path), "list", "cities", "--search", "no such city")
    assert code == 0
    assert text.splitlines() == ["Id  Name  Country  Region  Sample"]


def test_list_on_a_new_database_is_empty(tmp_path: Path) -> None:
    path = tmp_path / "new" / "office.sqlite"
    # Reading commands make nothing: no folder, no file, and a message saying why.
    code, _out = run("--db", str(path), "list", "cities")
    assert code == EXIT_STORAGE
    assert not path.parent.exists()
    path.parent.mkdir()
    open_database(path).dispose()
    assert run_json("--db", str(path), "list", "cities") == []


# --- languages and option positions ----------------------------------------------------


def kfar_saba_partnership(rows: list[dict[str, Any]]) -> dict[str, Any]:
    found = [row for row in rows if row["is_sample"] is False]  # the one fact of the seed
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize(
    ("language", "name"),
    [
        ("en", "Kfar Saba"),
        ("he", "כפר סבא"),
        ("he_IL", "כפר סבא"),
        ("zh_CN", "克法尔萨巴"),
        ("zh", "克法尔萨巴"),
        # Every spelling `i18n.languages` knows: Babel's locale, Hebrew's old code.
        ("zh-Hans-CN", "克法尔萨巴"),
        ("iw", "כפר סבא"),
    ],
)
def test_list_names_in_the_chosen_language(demo_path: Path, language: str, name: str) -> None:
    rows = run_json("--lang", language, "--db", str(demo_path), "list", "partnerships")
    assert kfar_saba_partnership(rows)["city"] == name
    assert len(rows) == DEMO_TOTALS["partnerships"]


def test_a_language_we_do_not_speak_is_a_usage_error(
    demo_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--lang", "fr", "--db", str(demo_path), "stats"], out=io.StringIO())
    assert exit_info.value.code == EXIT_USAGE
    assert "'fr'" in capsys.readouterr().err


def test_hebrew_names_every_reference_in_hebrew(demo_path: Path) -> None:
    rows = run_json("--lang", "he", "--db", str(demo_path), "list", "partnerships")
    names = [row["city"] for row in rows]
    assert "כפר סבא" in names
    assert "Kfar Saba" not in names
    delegations = run_json("--lang", "he", "--db", str(demo_path), "list", "delegations")
    assert {row["city"] for row in delegations} >= {"כפר סבא"}


def test_text_list_in_hebrew(demo_path: Path) -> None:
    code, text = run("--lang", "he", "--db", str(demo_path), "list", "cities", "--search", "kfar")
    assert code == 0
    assert "כפר סבא" in text.splitlines()[1]


@pytest.mark.parametrize(
    "argv",
    [
        pytest.param(["--db", "{db}", "--lang", "he", "list", "partnerships"], id="both-before"),
        pytest.param(["list", "partnerships", "--db", "{db}", "--lang", "he"], id="both-after"),
        pytest.param(["--db", "{db}", "list", "partnerships", "--lang", "he"], id="db-before"),
        pytest.param(["--lang", "he", "list", "partnerships", "--db", "{db}"], id="lang-before"),
        pytest.param(["list", "--db={db}", "--lang=he", "partnerships"], id="equals-form"),
    ],
)
def test_db_and_lang_before_or_after_the_subcommand(argv: list[str], demo_path: Path) -> None:
    rows = run_json(*(a.replace("{db}", str(demo_path)) for a in argv))
    assert kfar_saba_partnership(rows)["city"] == "כפר סבא"


def test_db_after_subcommand_wins_over_db_before(demo_path: Path, tmp_path: Path) -> None:
    other = tmp_path / "other.sqlite"
    rows = run_json("--db", str(other), "list", "cities", "--db", str(demo_path))
    assert len(rows) == DEMO_TOTALS["cities"]


@pytest.mark.parametrize(
    "argv",
    [
        pytest.param(["db", "check", "--db", "{db}"], id="after-action"),
        pytest.param(["db", "--db", "{db}", "check"], id="between"),
        pytest.param(["--db", "{db}", "db", "check"], id="before"),
    ],
)
def test_db_option_positions_for_db_check(argv: list[str], demo_path: Path) -> None:
    code, out = run(*(a.replace("{db}", str(demo_path)) for a in argv))
    assert code == 0
    assert str(demo_path) in out


# --- environment -----------------------------------------------------------------------


def test_environment_variable_names_the_database(
    monkeypatch: pytest.MonkeyPatch, demo_path: Path
) -> None:
    monkeypatch.setenv("EXCHANGE_DESK_DB", str(demo_path))
    rows = run_json("list", "cities")
    assert len(rows) == DEMO_TOTALS["cities"]
    code, out = run("db", "check")
    assert code == 0
    assert str(demo_path) in out


def test_db_option_wins_over_environment_variable(
    monkeypatch: pytest.MonkeyPatch, demo_path: Path, tmp_path: Path
) -> None:
    other = tmp_path / "other.sqlite"
    open_database(other).dispose()
    monkeypatch.setenv("EXCHANGE_DESK_DB", str(other))
    assert run_json("--db", str(demo_path), "list", "cities") != []
    assert run_json("list", "cities") == []


def test_environment_variable_pointing_at_a_corrupt_file(
    monkeypatch: pytest.MonkeyPatch, corrupt_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("EXCHANGE_DESK_DB", str(corrupt_path))
    code, _out = run("list", "cities")
    assert code == EXIT_STORAGE
    assert len(stderr_lines(capsys)) == 1


# --- stats and anniversaries -----------------------------------------------------------


def test_stats_json(demo_path: Path) -> None:
    stats = run_json("--db", str(demo_path), "stats")
    assert stats["partnerships_by_tier"] == {"sister_city": 25, "friendly_cooperative_city": 45}
    assert sum(stats["partnerships_by_status"].values()) == DEMO_TOTALS["partnerships"]
    assert sum(stats["partnerships_by_country"].values()) == DEMO_TOTALS["partnerships"]
    assert stats["partnerships_by_country"]["IL"] >= 1
    assert set(stats["delegations_by_direction"]) == {"outgoing", "incoming"}
    assert sum(stats["delegations_by_direction"].values()) == DEMO_TOTALS["delegations"]
    by_year = stats["delegations_by_year"]
    assert sum(sum(counts.values()) for counts in by_year.values()) == DEMO_TOTALS["delegations"]
    assert all(key.isdigit() and len(key) == 4 for key in by_year)
    assert stats["awards_by_year"] == {"2018": 6}
    assert all(isinstance(v, int) for v in stats["events_by_year"].values())


def test_stats_text(demo_path: Path) -> None:
    code, text = run("--db", str(demo_path), "stats")
    assert code == 0
    assert "sister city: 25" in text
    assert "friendly cooperative city: 45" in text
    assert "Outgoing delegations:" in text
    assert "Incoming delegations:" in text


def test_stats_on_an_empty_database(tmp_path: Path) -> None:
    open_database(tmp_path / "empty.sqlite").dispose()
    stats = run_json("--db", str(tmp_path / "empty.sqlite"), "stats")
    assert stats["partnerships_by_tier"] == {"sister_city": 0, "friendly_cooperative_city": 0}
    assert stats["awards_by_year"] == {}


def test_anniversaries_2019_include_kfar_saba(demo_path: Path) -> None:
    found = run_json("--db", str(demo_path), "anniversaries", "--year", "2019")
    kfar = [a for a in found if a["city"] == "Kfar Saba"]
    assert len(kfar) == 1
    assert kfar[0]["years"] == 10
    assert kfar[0]["established"] == "2009"
    assert kfar[0]["tier"] == "sister_city"
    assert kfar[0]["country"] == "IL"
    assert kfar[0]["is_sample"] is False
    assert all(a["years"] % 5 == 0 and a["years"] > 0 for a in found)
    assert all(int(a["established"][:4]) + a["years"] == 2019 for a in found)


def test_anniversaries_in_hebrew_and_as_text(demo_path: Path) -> None:
    found = run_json("--lang", "he", "--db", str(demo_path), "anniversaries", "--year", "2019")
    assert any(a["city"] == "כפר סבא" and a["years"] == 10 for a in found)
    code, text = run("--db", str(demo_path), "anniversaries", "--year", "2019")
    assert code == 0
    header, *rows = text.splitlines()
    assert header.split()[:2] == ["Years", "City"]
    assert any(row.split()[0] == "10" and "Kfar Saba" in row for row in rows)


def test_anniversaries_of_2009_do_not_count_the_founding_year(demo_path: Path) -> None:
    found = run_json("--db", str(demo_path), "anniversaries", "--year", "2009")
    assert all(a["city"] != "Kfar Saba" for a in found)


# --- db check and db upgrade -----------------------------------------------------------


def test_db_check_on_the_demo(demo_path: Path) -> None:
    code, out = run("--db", str(demo_path), "db", "check")
    assert code == 0
    lines = out.splitlines()
    assert lines[-1] == "OK"
    assert "(sqlite)" in lines[0]
    assert "  cities: 73" in lines
    assert "  partnerships: 70" in lines


def test_db_upgrade_on_the_demo(demo_path: Path) -> None:
    before = dump(demo_path)
    code, out = run("--db", str(demo_path), "db", "upgrade")
    assert code == 0
    assert "newest schema" in out
    assert "Backup" not in out
    assert dump(demo_path) == before


def test_db_upgrade_creates_a_new_database(tmp_path: Path) -> None:
    path = tmp_path / "fresh.sqlite"
    code, out = run("--db", str(path), "db", "upgrade")
    assert code == 0
    assert str(path) in out
    code, out = run("--db", str(path), "db", "check")
    assert code == 0
    assert out.splitlines()[-1] == "OK"


def test_db_check_reports_broken_references(
    demo_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    connection = sqlite3.connect(demo_path)
    try:
        connection.execute("PRAGMA foreign_keys=OFF")
        connection.execute("DELETE FROM cities WHERE name_en = 'Kfar Saba'")
        connection.commit()
    finally:
        connection.close()
    code, out = run("--db", str(demo_path), "db", "check")
    assert code == EXIT_REFUSED
    assert "Problem: reference:" in out
    assert out.splitlines()[-1] == "Problems found"
    assert "Traceback" not in capsys.readouterr().err


def test_db_check_does_not_create_a_missing_database(tmp_path: Path) -> None:
    path = tmp_path / "typo" / "office.sqlite"
    code, _out = run("--db", str(path), "db", "check")
    assert code != 0
    assert not path.exists()


# --- storage failures: exit 3, one line, no traceback ----------------------------------


@pytest.mark.parametrize(
    "argv",
    [
        pytest.param(["list", "cities"], id="list"),
        pytest.param(["list", "cities", "--json"], id="list-json"),
        pytest.param(["db", "check"], id="db-check"),
        pytest.param(["db", "upgrade"], id="db-upgrade"),
        pytest.param(["stats"], id="stats"),
        pytest.param(["anniversaries", "--year", "2019"], id="anniversaries"),
        pytest.param(["demo"], id="demo"),
    ],
)
def test_corrupt_file_exits_3(
    argv: list[str], corrupt_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = corrupt_path.read_bytes()
    code, out = run("--db", str(corrupt_path), *argv)
    assert code == EXIT_STORAGE
    assert out == ""
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert lines[0].startswith("exchange-desk: ")
    assert "not a SQLite database" in lines[0]
    assert "Traceback" not in err
    assert corrupt_path.read_bytes() == before


def test_damaged_pages_exit_3(demo_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with demo_path.open("r+b") as handle:
        handle.seek(100)
        handle.write(b"\xff" * 3000)
    code, _out = run("--db", str(demo_path), "list", "cities")
    assert code == EXIT_STORAGE
    lines = stderr_lines(capsys)
    assert len(lines) == 1
    assert "damaged" in lines[0]


@pytest.mark.parametrize(
    "argv",
    [
        pytest.param(["list", "cities"], id="list"),
        pytest.param(["db", "check"], id="db-check"),
        pytest.param(["db", "upgrade"], id="db-upgrade"),
        pytest.param(["demo", "--force"], id="demo-force"),
    ],
)
def test_database_of_a_newer_version_is_refused(
    argv: list[str], too_new_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = dump(too_new_path)
    code, out = run("--db", str(too_new_path), *argv)
    assert code == EXIT_STORAGE
    assert out == ""
    lines = stderr_lines(capsys)
    assert len(lines) == 1
    assert "newer" in lines[0]
    assert "9999" in lines[0]
    assert dump(too_new_path) == before
    assert not list(too_new_path.parent.glob("*.backup.sqlite"))


def test_foreign_sqlite_file_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "other-program.sqlite"
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)")
    connection.execute("INSERT INTO notes (text) VALUES ('keep me')")
    connection.commit()
    connection.close()
    before = dump(path)
    code, _out = run("--db", str(path), "demo")
    assert code == EXIT_STORAGE
    lines = stderr_lines(capsys)
    assert len(lines) == 1
    assert "not Exchange Desk" in lines[0]
    assert dump(path) == before


def test_directory_as_database_exits_3(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "a-folder"
    folder.mkdir()
    code, out = run("--db", str(folder), "list", "cities")
    assert code == EXIT_STORAGE
    assert out == ""
    lines = stderr_lines(capsys)
    assert len(lines) == 1
    assert "folder" in lines[0]


def test_unreachable_postgresql_exits_3_quickly(capsys: pytest.CaptureFixture[str]) -> None:
    started = time.monotonic()
    code, out = run("--db", UNREACHABLE_PG, "list", "cities")
    elapsed = time.monotonic() - started
    assert code == EXIT_STORAGE
    assert out == ""
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert "cannot be reached" in lines[0]
    assert "Traceback" not in err
    assert elapsed < 10


def test_unsupported_database_kind_exits_3(capsys: pytest.CaptureFixture[str]) -> None:
    code, _out = run("--db", "mysql://someone@localhost/office", "list", "cities")
    assert code == EXIT_STORAGE
    lines = stderr_lines(capsys)
    assert len(lines) == 1
    assert "mysql" in lines[0]


def test_url_with_a_bad_port_exits_3(capsys: pytest.CaptureFixture[str]) -> None:
    code, _out = run("--db", "postgresql+psycopg://someone@localhost:port/office", "list", "cities")
    assert code == EXIT_STORAGE
    assert len(stderr_lines(capsys)) == 1


def test_locked_database_exits_3_and_keeps_the_data(
    monkeypatch: pytest.MonkeyPatch, demo_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("exchange_desk.storage.database.BUSY_TIMEOUT_SECONDS", 0.2)
    holder = sqlite3.connect(demo_path, isolation_level=None)
    try:
        holder.execute("BEGIN EXCLUSIVE")
        started = time.monotonic()
        code, out = run("--db", str(demo_path), "demo", "--force")
        elapsed = time.monotonic() - started
        assert code == EXIT_STORAGE
        assert out == ""
        err = capsys.readouterr().err
        assert "Traceback" not in err
        assert "locked" in err.splitlines()[-1]
        assert elapsed < 30
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert table_count(demo_path, "cities") == DEMO_TOTALS["cities"]
    assert table_count(demo_path, "partnerships") == DEMO_TOTALS["partnerships"]
    assert table_count(demo_path, "delegations") == DEMO_TOTALS["delegations"]
    rows = run_json("--db", str(demo_path), "list", "partnerships", "--search", "kfar")
    assert [row["city"] for row in rows] == ["Kfar Saba"]


# --- real subprocesses -----------------------------------------------------------------


def test_subprocess_list_cities_json(demo_path: Path) -> None:
    result = run_module("--db", str(demo_path), "list", "cities", "--json")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert len(rows) == DEMO_TOTALS["cities"]
    assert any(row["name_en"] == "Kfar Saba" for row in rows)
    assert "Traceback" not in result.stderr


def test_subprocess_hebrew_output_is_utf8(demo_path: Path) -> None:
    result = run_module("--lang", "he", "--db", str(demo_path), "list", "partnerships", "--json")
    assert result.returncode == 0, result.stderr
    assert "כפר סבא" in {row["city"] for row in json.loads(result.stdout)}


def test_subprocess_version() -> None:
    result = run_module("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"Exchange Desk {__version__}"


def test_subprocess_corrupt_file_has_no_traceback(corrupt_path: Path) -> None:
    result = run_module("--db", str(corrupt_path), "list", "cities")
    assert result.returncode == EXIT_STORAGE
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1
    assert lines[0].startswith("exchange-desk: ")


def test_subprocess_unknown_kind_exits_2(demo_path: Path) -> None:
    result = run_module("--db", str(demo_path), "list", "bogus")
    assert result.returncode == EXIT_USAGE
    assert "Traceback" not in result.stderr
    assert "invalid choice" in result.stderr


def test_subprocess_environment_variable(demo_path: Path) -> None:
    env = subprocess_env()
    env["EXCHANGE_DESK_DB"] = str(demo_path)
    result = subprocess.run(
        [sys.executable, "-m", "exchange_desk", "stats", "--json"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["partnerships_by_tier"]["sister_city"] == 25


# --- PostgreSQL (skipped without a server) ---------------------------------------------


@pytest.mark.postgres
def test_demo_and_list_on_postgresql(pg_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run("--db", pg_url, "demo")
    assert code == 0, capsys.readouterr().err
    assert "postgresql" in out
    partnerships = run_json("--db", pg_url, "list", "partnerships")
    assert Counter(p["tier"] for p in partnerships) == {
        "sister_city": 25,
        "friendly_cooperative_city": 45,
    }
    he = run_json("--lang", "he", "--db", pg_url, "list", "partnerships", "--search", "kfar")
    assert [p["city"] for p in he] == ["כפר סבא"]
    assert len(run_json("--db", pg_url, "list", "conferences", "--year", "2018")) == 2
    code, out = run("--db", pg_url, "db", "check")
    assert code == 0
    assert out.splitlines()[-1] == "OK"
    code, _out = run("--db", pg_url, "demo")
    assert code == EXIT_REFUSED


@pytest.mark.postgres
def test_negative_limit_on_postgresql_does_not_crash(pg_url: str) -> None:
    with pytest.raises(SystemExit) as exited:
        run("--db", pg_url, "list", "cities", "--limit", "-1")
    assert exited.value.code == EXIT_USAGE
