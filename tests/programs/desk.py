"""A second desk: a process of its own that works on the shared database while another does.

Run by tests/test_two_desks.py, each time as one of three desks:

    desk.py edit URL --name A --seed 1 --ids 3,5,... --cycles 500 --out FILE [--barrier PATH]
        read-modify-write cycles on delegations: read a random one, set its `outcome` to a
        value of this desk and cycle ("A-17"), save it with the version read; a stale save
        (ConflictError) is counted, and the same edit is made again on what is stored now.
    desk.py hold URL --id N --cities 300
        open a unit of work, change delegation N and add cities, say so on stdout ("ready
        {json}") and sleep there: the test kills this desk in the middle of its transaction.
    desk.py certify URL --name desk-a --batches "1,2,3;4,5" --out FILE [--barrier PATH]
        print the certificates of each batch of awards (certificate_register.issue_many).

A desk that waits at a barrier says "waiting" on stdout, then starts once the file PATH
exists, so that two desks start at the same moment. The results (and every exception other
than the conflicts the edits expect) are written as JSON to FILE; the exit status is 0
whenever that file was written.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import random
import sys
import time
import traceback
from pathlib import Path
from typing import Any

os.environ.setdefault("EXCHANGE_DESK_LANG", "en")

from sqlalchemy import text

from exchange_desk.domain.enums import Design, LanguageMode
from exchange_desk.domain.errors import ConflictError
from exchange_desk.domain.records import City
from exchange_desk.i18n.catalog import set_language
from exchange_desk.services import audit, certificate_register, records
from exchange_desk.services.editing import save_record
from exchange_desk.storage.database import Database, open_database

# The field every edit changes, and how many times one edit is tried before it is given up.
FIELD = "outcome"
ATTEMPTS = 200


def _say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def _wait_at(barrier: str | None) -> None:
    if barrier is None:
        return
    _say("waiting")
    while not Path(barrier).exists():
        time.sleep(0.001)


def _failure(exc: BaseException) -> dict[str, str]:
    return {
        "type": f"{type(exc).__module__}.{type(exc).__qualname__}",
        "message": str(exc),
        "traceback": traceback.format_exc(),
    }


def edit(database: Database, args: argparse.Namespace) -> dict[str, Any]:
    """The read-modify-write cycles; every save that succeeded, every conflict met."""
    ids = [int(part) for part in args.ids.split(",")]
    rng = random.Random(args.seed)
    saves: list[dict[str, Any]] = []
    conflicts: list[dict[str, Any]] = []
    errors: list[dict[str, str]] = []
    given_up = 0
    _wait_at(args.barrier)
    for cycle in range(args.cycles):
        record_id = rng.choice(ids)
        value = f"{args.name}-{cycle}"
        for _attempt in range(ATTEMPTS):
            try:
                read = records.get_record(database, "delegations", record_id)
                # The user's moment between seeing the record and saving it: the other
                # desk's saves land in it.
                if args.think_ms:
                    time.sleep(rng.uniform(0, args.think_ms) / 1000)
                saved = save_record(database, dataclasses.replace(read, **{FIELD: value})).record
            except ConflictError as exc:
                conflicts.append(
                    {
                        "id": record_id,
                        "cycle": cycle,
                        "read_version": read.version,
                        "expected_version": exc.expected_version,
                        "stored_version": exc.stored_version,
                        "fields": list(exc.fields),
                        "kind": exc.kind,
                        "record_id": exc.record_id,
                    }
                )
                continue  # the same edit again, on what is stored now
            except Exception as exc:  # any other is a failure the test reports
                errors.append({**_failure(exc), "cycle": str(cycle)})
                break
            saves.append(
                {
                    "id": record_id,
                    "cycle": cycle,
                    "field": FIELD,
                    "old": getattr(read, FIELD),
                    "value": value,
                    "read_version": read.version,
                    "version": saved.version,
                }
            )
            break
        else:
            given_up += 1
    return {"saves": saves, "conflicts": conflicts, "errors": errors, "given_up": given_up}


def hold(database: Database, args: argparse.Namespace) -> None:
    """Change a delegation and add cities in one unit of work, then wait to be killed."""
    with database.unit_of_work() as session:
        if database.backend == "sqlite":
            # A page cache of a few pages spills the transaction's pages to the write-ahead
            # log before it commits: the killed desk leaves uncommitted frames in the -wal.
            session.connection().exec_driver_sql("PRAGMA cache_size=4")
        record = records.record_in(session, "delegations", args.id)
        assert record is not None, f"no delegation {args.id}"
        records.update_in(session, dataclasses.replace(record, **{FIELD: "HALF-DONE"}))
        records.create_many_in(
            session,
            [
                City(name_en=f"Half-done city {number}", country="IL")
                for number in range(args.cities)
            ],
        )
        session.flush()
        backend_pid = None
        if database.backend == "postgresql":
            backend_pid = session.scalar(text("SELECT pg_backend_pid()"))
        _say("ready " + json.dumps({"desk": audit.DESK, "backend_pid": backend_pid}))
        time.sleep(3600)  # killed long before


def certify(database: Database, args: argparse.Namespace) -> dict[str, Any]:
    """Print each batch's certificates; what each printing was, as issue_many says."""
    batches = [[int(part) for part in batch.split(",")] for batch in args.batches.split(";")]
    printed: list[dict[str, Any]] = []
    errors: list[dict[str, str]] = []
    _wait_at(args.barrier)
    for batch in batches:
        try:
            issued = certificate_register.issue_many(
                database, batch, LanguageMode.ZH_EN, Design.FORMAL.value, args.name
            )
        except Exception as exc:  # any is a failure the test reports
            errors.append({**_failure(exc), "batch": ",".join(map(str, batch))})
            continue
        for award_id, entry in zip(batch, issued, strict=True):
            printed.append(
                {
                    "award_id": award_id,
                    "certificate_id": entry.certificate.id,
                    "number": entry.certificate.number,
                    "issued_by": entry.certificate.issued_by,
                    "reprint": entry.reprint,
                    "new": entry.new,
                    "printing_id": entry.printing_id,
                }
            )
    return {"printed": printed, "errors": errors}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    editing = commands.add_parser("edit")
    editing.add_argument("url")
    editing.add_argument("--name", required=True)
    editing.add_argument("--seed", type=int, required=True)
    editing.add_argument("--ids", required=True)
    editing.add_argument("--cycles", type=int, default=500)
    editing.add_argument("--think-ms", type=float, default=0.0)
    editing.add_argument("--barrier")
    editing.add_argument("--out", required=True)
    holding = commands.add_parser("hold")
    holding.add_argument("url")
    holding.add_argument("--id", type=int, required=True)
    holding.add_argument("--cities", type=int, default=300)
    certifying = commands.add_parser("certify")
    certifying.add_argument("url")
    certifying.add_argument("--name", required=True)
    certifying.add_argument("--batches", required=True)
    certifying.add_argument("--barrier")
    certifying.add_argument("--out", required=True)
    args = parser.parse_args()
    set_language("en")
    database = open_database(args.url, create=False)
    try:
        if args.command == "hold":
            hold(database, args)
            return 0
        result = edit(database, args) if args.command == "edit" else certify(database, args)
    finally:
        database.dispose()
    result["desk"] = audit.DESK
    Path(args.out).write_text(json.dumps(result), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
