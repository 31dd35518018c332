"""Deletes can be undone: a snapshot puts back every row and reference exactly."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from exchange_desk.domain.errors import Conflict
from exchange_desk.domain.records import City
from exchange_desk.services.attachments import attach, read_attachment
from exchange_desk.services.demo import fill_demo
from exchange_desk.services.office import office_profile, save_office_profile
from exchange_desk.services.records import (
    ListQuery,
    create,
    delete_record,
    list_records,
    restore,
)
from exchange_desk.storage import models as m
from exchange_desk.storage.database import Database


def _dump(db: Database) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, in a stable order."""
    with db.reading() as session:
        return {
            table.name: sorted((tuple(row) for row in session.execute(select(table))), key=repr)
            for table in m.Base.metadata.sorted_tables
        }


def _kfar_saba(db: Database) -> int:
    [row] = list_records(db, "cities", ListQuery(search="Kfar Saba", filters={})).rows
    assert row.record.id is not None
    return row.record.id


def test_a_cascading_delete_is_undone_exactly(db: Database) -> None:
    fill_demo(db)
    city_id = _kfar_saba(db)
    attachment = attach(db, "cities", city_id, "flag.png", b"\x89PNG flag")
    before = _dump(db)

    deletion = delete_record(db, "cities", city_id, cascade=True)

    after_delete = _dump(db)
    assert len(after_delete["delegations"]) < len(before["delegations"])
    # The city's flag went with it; the office's own (the demo's seal) stays.
    assert [row[1] for row in after_delete["attachments"]] == ["office"]
    kinds = {dependent.kind for dependent in deletion.dependents}
    assert {"partnerships", "delegations", "awards", "events", "agreements"} <= kinds
    restore(db, deletion.snapshot)
    assert _dump(db) == before
    assert read_attachment(db, attachment.id or 0) == b"\x89PNG flag"


def test_undo_of_a_plain_delete_and_the_office_references(sqlite_db: Database) -> None:
    city = create(sqlite_db, City(name_en="Jinan", country="CN"))
    assert city.id is not None
    profile = office_profile(sqlite_db)
    profile.home_city_id = city.id
    save_office_profile(sqlite_db, profile)
    before = _dump(sqlite_db)
    deletion = delete_record(sqlite_db, "cities", city.id, cascade=True)
    assert office_profile(sqlite_db).home_city_id is None
    restore(sqlite_db, deletion.snapshot)
    assert _dump(sqlite_db) == before
    assert office_profile(sqlite_db).home_city_id == city.id


def test_a_restore_that_collides_is_a_conflict(sqlite_db: Database) -> None:
    city = create(sqlite_db, City(name_en="Regina", country="CA"))
    assert city.id is not None
    deletion = delete_record(sqlite_db, "cities", city.id)
    create(sqlite_db, City(name_en="Regina", country="CA"))  # someone typed it again
    with pytest.raises(Conflict):
        restore(sqlite_db, deletion.snapshot)
    assert list_records(sqlite_db, "cities").total == 1
