"""No change lost, with two real desks: processes of their own on one database (issue 15).

tests/programs/desk.py is the second desk (and the third). On SQLite (a file) and on
PostgreSQL:

- two desks make 500 read-modify-write edits each of the same 20 delegations at once: every
  stale save is refused (ConflictError), every save that succeeded is in the record's
  history, the versions of each record form a chain without a gap, and what is stored is
  the last save;
- a desk killed (SIGKILL) in the middle of its transaction leaves nothing of it behind: not
  in the records, not in the audit log, and the database checks out; the other desk saves
  the same record afterwards;
- two desks printing certificates of overlapping awards at the same moment give each award
  one certificate, numbered without a gap or a duplicate, and each printing is logged once,
  under the desk that made it.

Two tests, PostgreSQL only, replay deterministically what desks printing certificates ran
into by chance before the numbering took a lock there too: a desk giving up after five
numbers taken from under it, and two desks deadlocking over the numbers of two years.
"""

from __future__ import annotations

import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, func, select, text
from sqlalchemy.engine import make_url

from exchange_desk.domain.certificate_numbers import format_certificate_number, number_reader
from exchange_desk.domain.dates import PartialDate
from exchange_desk.domain.enums import Design, Direction, LanguageMode, RecipientKind
from exchange_desk.domain.errors import StorageUnavailable
from exchange_desk.domain.records import Award, City, Delegation
from exchange_desk.services import audit, certificate_register, records
from exchange_desk.services.certificate_register import ATTEMPTS
from exchange_desk.services.database import check_database
from exchange_desk.services.demo import fill_demo
from exchange_desk.services.editing import save_record
from exchange_desk.services.office import office_profile
from exchange_desk.storage import schema as s
from exchange_desk.storage.database import Database, open_database
from test_cli import subprocess_env

pytestmark = pytest.mark.slow

DESK = Path(__file__).with_name("programs") / "desk.py"
FIELD = "outcome"  # the field desk.py's edits change
CYCLES = 500
# A guard, not a measure: a desk that never finishes fails the test instead of hanging it.
GUARD_SECONDS = 300


@contextmanager
def _opened(url: str) -> Iterator[Database]:
    database = open_database(url)
    try:
        yield database
    finally:
        database.dispose()


def _start(*argv: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(DESK), *argv],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        env=subprocess_env(),
    )


def _said(desk: subprocess.Popen[str]) -> str:
    """The desk's next line on stdout; a desk that ended instead fails with what it wrote."""
    assert desk.stdout is not None
    line = desk.stdout.readline()
    if not line:
        _out, err = desk.communicate(timeout=GUARD_SECONDS)
        pytest.fail(f"the desk ended (status {desk.returncode}) without a word:\n{err}")
    return line.strip()


def _run_together(tmp_path: Path, commands: Sequence[Sequence[str]]) -> list[dict[str, Any]]:
    """Start a desk per command, let them all go at once (the barrier file appears when
    every desk waits for it), and return what each wrote to its --out file."""
    barrier = tmp_path / "go"
    outs = [tmp_path / f"desk-{number}.json" for number in range(len(commands))]
    desks = [
        _start(*command, "--barrier", str(barrier), "--out", str(out))
        for command, out in zip(commands, outs, strict=True)
    ]
    try:
        for desk in desks:
            assert _said(desk) == "waiting"
        barrier.touch()
        for desk in desks:
            _out, err = desk.communicate(timeout=GUARD_SECONDS)
            assert desk.returncode == 0, err
    finally:
        for desk in desks:
            if desk.poll() is None:
                desk.kill()
                desk.communicate()
    return [json.loads(out.read_text(encoding="utf-8")) for out in outs]


def _failures(results: Sequence[dict[str, Any]]) -> str:
    return "\n\n".join(
        f"{error['type']}: {error['message']}\n{error['traceback']}"
        for result in results
        for error in result["errors"]
    )


# --- 1. two desks editing the same records ------------------------------------------------


def test_two_desks_editing_the_same_records_lose_no_change(
    database_url: str, tmp_path: Path
) -> None:
    with _opened(database_url) as database:
        fill_demo(database)
        delegations = records.list_records(database, "delegations").rows[:20]
        initial = {d.record.id: (d.record.version, getattr(d.record, FIELD)) for d in delegations}
        assert len(initial) == 20
        start = audit.latest_id(database)
    ids = ",".join(str(record_id) for record_id in initial)
    results = _run_together(
        tmp_path,
        [
            # The desks pause up to 2 ms between reading and saving, as a user would: the
            # other desk's saves land in between, and the test really races.
            [
                *("edit", database_url, "--name", name, "--seed", str(seed), "--ids", ids),
                *("--cycles", str(CYCLES), "--think-ms", "2"),
            ]
            for name, seed in (("A", 1), ("B", 2))
        ],
    )
    a, b = results

    # No failure but the expected conflicts ("database is locked" included), no edit given up.
    failures = _failures(results)
    assert not failures, failures
    assert a["given_up"] == b["given_up"] == 0
    assert len(a["saves"]) == len(b["saves"]) == CYCLES
    conflicts = a["conflicts"] + b["conflicts"]
    assert conflicts, "the desks never raced: make the workload denser"
    for conflict in conflicts:
        # A stale save names the record and the versions: the one read, and a newer one.
        assert conflict["kind"] == "delegations"
        assert conflict["record_id"] == conflict["id"]
        assert conflict["expected_version"] == conflict["read_version"]
        if conflict["stored_version"] is not None:
            assert conflict["stored_version"] > conflict["read_version"]
            assert conflict["fields"] == [FIELD]

    saves = [{**save, "desk": a["desk"]} for save in a["saves"]]
    saves += [{**save, "desk": b["desk"]} for save in b["saves"]]
    by_record: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for save in saves:
        assert save["version"] == save["read_version"] + 1  # saved over the version read
        by_record[save["id"]].append(save)

    with _opened(database_url) as database:
        lines = audit.entries_since(database, start, include_own=True, limit=100_000)
        stored = {
            record_id: records.get_record(database, "delegations", record_id)
            for record_id in initial
        }
        report = check_database(database)
    assert report.ok, report.problems

    # Each record's saves, by the version they stored, form a chain: versions 2..N each
    # once across both desks, each save over the value the one before it stored.
    for record_id, (first_version, first_value) in initial.items():
        chain = sorted(by_record[record_id], key=lambda save: save["version"])
        versions = [save["version"] for save in chain]
        assert versions == list(range(first_version + 1, first_version + 1 + len(chain)))
        olds = [save["old"] for save in chain]
        assert olds == [first_value] + [save["value"] for save in chain[:-1]]
        last = chain[-1] if chain else {"value": first_value, "version": first_version}
        assert getattr(stored[record_id], FIELD) == last["value"]
        assert stored[record_id].version == last["version"]

    # The audit log: one update line per successful save, old → new, by the desk that made
    # it, in the order of the versions; no other line about these records.
    assert {(line.action, line.kind) for line in lines} == {("update", "delegations")}
    assert len(lines) == len(saves)
    logged = Counter(
        (line.record_id, line.desk, json.dumps(dict(line.fields), sort_keys=True)) for line in lines
    )
    expected = Counter(
        (save["id"], save["desk"], json.dumps({FIELD: [save["old"], save["value"]]}))
        for save in saves
    )
    assert logged == expected
    for record_id, chain in by_record.items():
        in_log = [line.fields[FIELD][1] for line in lines if line.record_id == record_id]
        assert in_log == [save["value"] for save in sorted(chain, key=lambda s: s["version"])]


# --- 2. a desk killed in the middle of its transaction ------------------------------------


def _lock_guarded(url: str, timeout: str = "60s") -> str:
    """On PostgreSQL, `url` with a lock timeout: a lock the killed desk's backend kept for
    ever would fail the save (as "locked") instead of hanging the test."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql":
        return url
    options = str(parsed.query.get("options", ""))
    guarded = parsed.update_query_dict({"options": f"{options} -clock_timeout={timeout}".strip()})
    return guarded.render_as_string(hide_password=False)


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX only")
def test_a_desk_killed_mid_transaction_leaves_nothing_behind(
    database_url: str, tmp_path: Path
) -> None:
    with _opened(_lock_guarded(database_url)) as database:
        city_id = records.create(database, City(name_en="Kfar Saba", country="IL")).id
        assert city_id is not None
        delegation = records.create(
            database,
            Delegation(direction=Direction.INCOMING, city_id=city_id, outcome="As it was"),
        )
        assert delegation.id is not None
        assert delegation.version is not None
        start = audit.latest_id(database)

        desk = _start("hold", database_url, "--id", str(delegation.id), "--cities", "300")
        try:
            said = _said(desk)
            assert said.startswith("ready "), said
            killed = json.loads(said.removeprefix("ready "))
            if database.path is not None:
                # The killed transaction reached the write-ahead log: what is checked below
                # is a file with uncommitted frames in its -wal.
                wal = database.path.with_name(database.path.name + "-wal")
                assert wal.stat().st_size > 0
            # Not visible while it is open ...
            assert getattr(records.get_record(database, "delegations", delegation.id), FIELD) == (
                "As it was"
            )
            os.kill(desk.pid, signal.SIGKILL)
            desk.communicate(timeout=GUARD_SECONDS)
        finally:
            if desk.poll() is None:
                desk.kill()
                desk.communicate()
        assert desk.returncode == -signal.SIGKILL

        if database.path is not None:
            # The file as SQLite alone sees it, the -wal's uncommitted frames left in place.
            raw = sqlite3.connect(database.path)
            try:
                assert raw.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
                assert raw.execute("SELECT outcome FROM delegations").fetchall() == [("As it was",)]
            finally:
                raw.close()

        # ... nor after: the other desk saves the record it read before, without a conflict.
        saved = save_record(database, replace(delegation, outcome="After the crash")).record
        assert saved.version == delegation.version + 1
        assert getattr(records.get_record(database, "delegations", delegation.id), FIELD) == (
            "After the crash"
        )
        assert [c.name_en for c in records.all_records(database, "cities")] == ["Kfar Saba"]
        report = check_database(database)
        assert report.ok, report.problems
        lines = audit.entries_since(database, start, include_own=True)
    # The audit log holds no line of the killed transaction: only the save made after it.
    assert [line.desk for line in lines] == [audit.DESK]
    assert lines[0].action == "update"
    assert dict(lines[0].fields) == {FIELD: ["As it was", "After the crash"]}
    assert killed["desk"] != audit.DESK


# --- 3. two desks printing certificates at the same moment --------------------------------


def _awards(database: Database, count_2018: int = 24, count_2019: int = 10) -> dict[int, int]:
    """The awards stored (the demo's six of 2018) and those added: each one's year, by id."""
    cities = records.all_records(database, "cities")
    if cities:
        city_id = cities[0].id
    else:
        city_id = records.create(database, City(name_en="Kfar Saba", country="IL")).id
    for number in range(count_2018 + count_2019):
        records.create(
            database,
            Award(
                title_en=f"Friendship award {number}",
                awarded_on=PartialDate(2018 if number < count_2018 else 2019, 1 + number % 12),
                recipient_kind=RecipientKind.CITY,
                recipient_city_id=city_id,
            ),
        )
    years = {}
    for award in records.all_records(database, "awards"):
        years[award.id] = award.awarded_on.year
    return dict(sorted(years.items()))


def _ids(award_ids: Sequence[int]) -> str:
    return ",".join(str(award_id) for award_id in award_ids)


def test_two_desks_printing_certificates_at_once_number_them_once(
    database_url: str, tmp_path: Path
) -> None:
    with _opened(database_url) as database:
        fill_demo(database)
        years = _awards(database)
        pattern = office_profile(database).certificate_number_pattern
        start = audit.latest_id(database)
    award_ids = list(years)
    assert [years[award_id] for award_id in award_ids] == [2018] * 30 + [2019] * 10
    # One batch each, at the same moment, 24 awards in both, met from opposite ends: desk A
    # prints the awards of 2018 and the first four of 2019 in order, desk B the last 30 from
    # the end, 2019's first. (Without the numbering lock, on PostgreSQL this deadlocked one
    # run in three: see the deadlock test below.)
    a_awards = award_ids[:34]
    b_awards = award_ids[10:][::-1]
    results = _run_together(
        tmp_path,
        [
            ["certify", database_url, "--name", "desk-a", "--batches", _ids(a_awards)],
            ["certify", database_url, "--name", "desk-b", "--batches", _ids(b_awards)],
        ],
    )
    failures = _failures(results)
    assert not failures, failures
    a, b = results
    names = {a["desk"]: "desk-a", b["desk"]: "desk-b"}
    printed = [{**entry, "by": "desk-a", "desk": a["desk"]} for entry in a["printed"]]
    printed += [{**entry, "by": "desk-b", "desk": b["desk"]} for entry in b["printed"]]
    assert len(printed) == len(a_awards) + len(b_awards)

    with _opened(database_url) as database:
        register = certificate_register.register(database)
        with database.reading() as session:
            printed_by: dict[int, str] = {
                row.id: row.printed_by
                for row in session.execute(
                    select(s.certificate_printings.c.id, s.certificate_printings.c.printed_by)
                )
            }
            assert session.scalar(select(func.count()).select_from(s.certificates)) == 40
        lines = audit.entries_since(database, start, include_own=True)
        report = check_database(database)
    assert report.ok, report.problems

    # Every award has one certificate; the numbers of each year are 1..n, once each.
    assert sorted(entry.certificate.award_id for entry in register) == sorted(award_ids)
    sequences: dict[int, list[int]] = defaultdict(list)
    for entry in register:
        year = years[entry.certificate.award_id]  # numbered in the award's year
        found = number_reader(pattern, year).fullmatch(entry.certificate.number)
        assert found is not None, (entry.certificate.number, pattern)
        sequences[year].append(int(found["seq"]))
    assert {year: sorted(seqs) for year, seqs in sequences.items()} == {
        2018: list(range(1, 31)),
        2019: list(range(1, 11)),
    }

    # Each certificate was issued by exactly one desk, which its register entry names, and
    # printed first by it; every later printing, by either desk, is a reprint.
    issuers = {printing["award_id"]: printing["by"] for printing in printed if printing["new"]}
    assert Counter(p["award_id"] for p in printed if p["new"]) == Counter(award_ids)
    certificate_of = {entry.certificate.award_id: entry.certificate for entry in register}
    for printing in printed:
        assert printing["certificate_id"] == certificate_of[printing["award_id"]].id
        assert printing["reprint"] == (not printing["new"])
    for award_id, certificate in certificate_of.items():
        assert certificate.issued_by == issuers[award_id]
    # The printings: as many as the desks made, each under the desk that made it.
    assert sum(len(entry.printings) for entry in register) == len(printed)
    assert len(printed_by) == len(printed)
    for printing in printed:
        assert printed_by[printing["printing_id"]] == printing["by"]
    for entry in register:
        award_id = entry.certificate.award_id
        times = sum(1 for p in printed if p["award_id"] == award_id)
        assert len(entry.printings) == times
        assert entry.certificate.reprints == times - 1
        assert [p.printed_by for p in entry.printings if not p.is_reprint] == [issuers[award_id]]

    # The audit log: a certificate-issued line per certificate and a certificate-printed line
    # per printing, each by the desk that did it, and nothing else.
    assert Counter(line.action for line in lines) == {
        "certificate-issued": 40,
        "certificate-printed": len(printed),
    }
    issued_lines = Counter(
        (line.record_id, names[line.desk]) for line in lines if line.action == "certificate-issued"
    )
    assert issued_lines == Counter(
        (certificate_of[award_id].id, desk) for award_id, desk in issuers.items()
    )
    printed_lines = Counter(
        (line.record_id, names[line.desk]) for line in lines if line.action == "certificate-printed"
    )
    assert printed_lines == Counter((entry["certificate_id"], entry["by"]) for entry in printed)


@pytest.mark.postgres
def test_a_desk_printing_while_another_keeps_printing_gets_its_number(pg_url: str) -> None:
    """Deterministic: each time this desk is about to store the number it chose, the other
    desk stores a certificate first (what two desks printing batch after batch do by chance).
    This desk should still get a number: the next free one, none repeated, none skipped."""
    with _opened(pg_url) as database:
        years = _awards(database, count_2018=ATTEMPTS + 2, count_2019=0)
        award_ids = list(years)
        pattern = office_profile(database).certificate_number_pattern
        ours, theirs = award_ids[0], iter(award_ids[1:])
        # The other desk waits for a lock at most a moment: with the numbering serialized, it
        # waits for this desk instead of overtaking it (and gives up here, as "locked").
        with _opened(_lock_guarded(pg_url, "2s")) as other:
            overtaken: list[str] = []

            def overtake(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
                if not re.match(r"\s*INSERT INTO certificates\b", statement):
                    return
                if len(overtaken) > ATTEMPTS:
                    return
                try:
                    [issued] = certificate_register.issue_many(
                        other, [next(theirs)], LanguageMode.EN, Design.FORMAL.value, "desk-b"
                    )
                except StorageUnavailable:
                    overtaken.append("")  # made to wait for this desk
                else:
                    overtaken.append(issued.certificate.number)

            event.listen(database.engine, "before_cursor_execute", overtake)
            try:
                [issued] = certificate_register.issue_many(
                    database, [ours], LanguageMode.EN, Design.FORMAL.value, "desk-a"
                )
            finally:
                event.remove(database.engine, "before_cursor_execute", overtake)
        register = certificate_register.register(database)
    assert issued.new
    assert issued.certificate.issued_by == "desk-a"
    reader = number_reader(pattern, 2018)
    found = [reader.fullmatch(entry.certificate.number) for entry in register]
    assert sorted(int(match["seq"]) for match in found if match is not None) == list(
        range(1, len(register) + 1)
    )


# Advisory lock keys of the gate below: (class, object), nothing of the program's own.
_GATE = (1515, 1)


def _gated(url: str, application_name: str) -> str:
    """`url` whose connections say who they are in pg_stat_activity."""
    return (
        make_url(url)
        .update_query_dict({"application_name": application_name})
        .render_as_string(hide_password=False)
    )


def _until(database: Database, condition: str) -> None:
    """Wait until the SQL `condition` holds (a guard ends a wait that never would)."""
    deadline = time.monotonic() + GUARD_SECONDS
    while time.monotonic() < deadline:
        with database.reading() as session:
            if session.scalar(text(f"SELECT {condition}")):
                return
        time.sleep(0.01)
    pytest.fail(f"never came true: {condition}")


@pytest.mark.postgres
def test_desks_printing_awards_of_two_years_in_other_orders_do_not_deadlock(pg_url: str) -> None:
    """Deterministic: desk A stores its 2018 number, desk B its 2019 number, then each wants
    the number the other holds (a trigger of this test holds A between its two rows until B
    waits for A). Both prints should succeed, each year numbered 1, 2."""
    with _opened(pg_url) as database:
        years = _awards(database, count_2018=2, count_2019=2)
        assert list(years.values()) == [2018, 2018, 2019, 2019]
        a_2018, b_2018, a_2019, b_2019 = years
        with database.engine.begin() as connection:
            # Desk A's row of 2019 waits at the gate, its row of 2018 stored (uncommitted).
            gate_key = f"{_GATE[0]}, {_GATE[1]}"
            connection.execute(
                text(
                    "CREATE FUNCTION desk_a_gate() RETURNS trigger LANGUAGE plpgsql AS $$ "
                    f"BEGIN IF NEW.issued_by = 'desk-a' AND NEW.award_id = {a_2019} THEN "
                    f"PERFORM pg_advisory_lock({gate_key}); "
                    f"PERFORM pg_advisory_unlock({gate_key}); END IF; RETURN NEW; END $$"
                )
            )
            connection.execute(
                text(
                    "CREATE TRIGGER desk_a_gate BEFORE INSERT ON certificates "
                    "FOR EACH ROW EXECUTE FUNCTION desk_a_gate()"
                )
            )
        gate = database.engine.connect()
        gate.execute(text("SELECT pg_advisory_lock(:c, :o)"), {"c": _GATE[0], "o": _GATE[1]})
        gate.commit()
        outcomes: dict[str, BaseException | None] = {}
        with (
            _opened(_gated(pg_url, "desk-a")) as desk_a,
            _opened(_gated(pg_url, "desk-b")) as desk_b,
            ThreadPoolExecutor(max_workers=2) as pool,
        ):
            try:
                first = pool.submit(
                    certificate_register.issue_many,
                    desk_a,
                    [a_2018, a_2019],
                    LanguageMode.EN,
                    Design.FORMAL.value,
                    "desk-a",
                )
                _until(
                    database,
                    "EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
                    f" AND classid = {_GATE[0]} AND objid = {_GATE[1]})",
                )
                second = pool.submit(
                    certificate_register.issue_many,
                    desk_b,
                    [b_2019, b_2018],
                    LanguageMode.EN,
                    Design.FORMAL.value,
                    "desk-b",
                )
                # Desk B waits (for desk A's number of 2018, or for its turn to number).
                _until(
                    database,
                    "EXISTS (SELECT 1 FROM pg_locks l JOIN pg_stat_activity a USING (pid) "
                    "WHERE NOT l.granted AND a.application_name = 'desk-b')",
                )
            finally:
                gate.execute(
                    text("SELECT pg_advisory_unlock(:c, :o)"), {"c": _GATE[0], "o": _GATE[1]}
                )
                gate.close()
            outcomes["desk-a"] = first.exception(timeout=GUARD_SECONDS)
            outcomes["desk-b"] = second.exception(timeout=GUARD_SECONDS)
        register = certificate_register.register(database)
        pattern = office_profile(database).certificate_number_pattern
    assert outcomes == {"desk-a": None, "desk-b": None}
    numbers = sorted(entry.certificate.number for entry in register)
    assert numbers == sorted(
        format_certificate_number(pattern, year, seq) for year in (2018, 2019) for seq in (1, 2)
    )
