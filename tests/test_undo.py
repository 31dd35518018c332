"""Deletes can be undone: a snapshot puts back every row and reference exactly. The editing
use cases (`services.editing`) each run in one transaction, say what they changed, and their
undo steps put every row back."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from sqlalchemy import select

from exchange_desk.domain.dates import PartialDate
from exchange_desk.domain.enums import Direction, OrganizationKind, PartnershipTier
from exchange_desk.domain.errors import Conflict, InvalidInput, NotFound
from exchange_desk.domain.records import City, Delegation, Organization, Partnership
from exchange_desk.services import records
from exchange_desk.services.attachments import DEFAULT_LIMIT_MB, MEGABYTE, attach, read_attachment
from exchange_desk.services.changes import Changes
from exchange_desk.services.demo import fill_demo
from exchange_desk.services.editing import (
    NewAttachment,
    deletion_preview,
    save_profile,
    save_record,
)
from exchange_desk.services.editing import delete_record as delete_with_undo
from exchange_desk.services.office import office_profile, save_office_profile
from exchange_desk.services.records import (
    ListQuery,
    create,
    delete_record,
    get_record,
    list_records,
    restore,
    tier_history,
)
from exchange_desk.services.registry import DECLARED
from exchange_desk.storage import models as m
from exchange_desk.storage.database import Database


def _dump(db: Database) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, in a stable order; not the audit log, which only grows, nor
    the versions, which count every change up (an undo too)."""
    with db.reading() as session:
        return {
            table.name: sorted(
                (
                    tuple(row)
                    for row in session.execute(select(*(c for c in table.c if c.name != "version")))
                ),
                key=repr,
            )
            for table in m.Base.metadata.sorted_tables
            if table.name != "audit_log"
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
    # The city's flag went with it, and every file of a record that went; the office's own
    # (the demo's seal) and the files of records that stay, stay.
    kept = {(row[1], row[2]) for row in after_delete["attachments"]}
    assert ("cities", city_id) not in kept
    assert "office" in {kind for kind, _owner in kept}
    for kind, owner in kept - {("office", 1)}:
        assert owner in {row[0] for row in after_delete[DECLARED[kind].table]}, (kind, owner)
    gone = {(row[1], row[2]) for row in before["attachments"]} - kept
    assert ("cities", city_id) in gone
    assert any(kind != "cities" for kind, _owner in gone)  # the city's delegations' photos
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


# --- the editing use cases: one transaction each, with their undo steps --------------------


def _dump_unstamped(db: Database) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table without its time of last change (an undone edit is a new
    change: the record is as it was, its `updated_at` is now)."""
    with db.reading() as session:
        found = {}
        for table in m.Base.metadata.sorted_tables:
            if table.name == "audit_log":  # only ever grows
                continue
            columns = [c for c in table.c if c.name not in ("updated_at", "version")]
            rows = session.execute(select(*columns))
            found[table.name] = sorted((tuple(row) for row in rows), key=repr)
        return found


def _partnership_of(db: Database, city: str) -> Partnership:
    city_id = next(
        row.record.id
        for row in list_records(db, "cities", ListQuery(search=city)).rows
        if row.record.name_en == city
    )
    [row] = list_records(db, "partnerships", ListQuery(filters={"city_id": city_id})).rows
    return row.record  # type: ignore[no-any-return]


def test_saving_a_new_tier_is_one_transaction(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The record and its tier history are stored together or not at all."""
    fill_demo(db)
    before = _partnership_of(db, "Kfar Saba")
    history = tier_history(db, before.id)
    changed = replace(before, tier=PartnershipTier.FRIENDLY_COOPERATIVE_CITY, notes="Changed")

    def broken(*_args: Any, **_kwargs: Any) -> None:
        raise Conflict("The tier history cannot be written.")

    monkeypatch.setattr(records, "_add_tier_change", broken)
    with pytest.raises(Conflict):
        save_record(db, changed)
    assert get_record(db, "partnerships", before.id) == before
    assert tier_history(db, before.id) == history

    monkeypatch.undo()
    saved = save_record(db, changed, tier_changed_on=PartialDate(2024, 5), tier_note="Signed")
    assert saved.changes == Changes.of_updated("partnerships", before.id)
    assert get_record(db, "partnerships", before.id) == replace(changed, version=before.version + 1)
    [*_kept, last] = tier_history(db, before.id)
    assert (last.from_tier, last.to_tier) == (before.tier, changed.tier)
    assert (last.changed_on, last.note) == (PartialDate(2024, 5), "Signed")


def test_a_refused_image_leaves_the_record_unchanged(db: Database) -> None:
    """A file the record cannot take is refused with the record: neither is stored."""
    city = create(db, City(name_en="Ashdod", country="IL"))
    organization = create(
        db, Organization(name_en="Ashdod Port", kind=OrganizationKind.OTHER, city_id=city.id)
    )
    renamed = replace(organization, name_en="Ashdod Port Company")
    too_big = NewAttachment("seal.png", b"\x89PNG" + b"0" * DEFAULT_LIMIT_MB * MEGABYTE)
    with pytest.raises(InvalidInput) as refused:
        save_record(db, renamed, attachments={"seal_attachment_id": too_big})
    assert [problem.field for problem in refused.value.problems] == ["seal_attachment_id"]
    assert get_record(db, "organizations", organization.id) == organization

    saved = save_record(
        db, renamed, attachments={"seal_attachment_id": NewAttachment("seal.png", b"\x89PNG")}
    )
    assert saved.record.seal_attachment_id is not None
    assert read_attachment(db, saved.record.seal_attachment_id) == b"\x89PNG"


def test_the_deletion_preview_lists_what_depends(db: Database) -> None:
    fill_demo(db)
    city_id = _kfar_saba(db)
    preview = deletion_preview(db, "cities", city_id)
    assert preview.name.en == "Kfar Saba"
    assert preview.kind_label == "city"
    actions = {dependent.kind: dependent.action for dependent in preview.dependents}
    assert actions["partnerships"] == "delete"
    assert actions["delegations"] == "delete"
    deleting = next(d for d in preview.dependents if d.kind == "delegations")
    assert "would be deleted with it" in deleting.describe()
    with pytest.raises(Conflict):
        delete_with_undo(db, "cities", city_id)  # without cascade: refused, nothing deleted
    assert deletion_preview(db, "cities", city_id) == preview


def test_create_undo_redo_round_trip(db: Database) -> None:
    fill_demo(db)
    before = _dump(db)
    city = save_record(db, City(name_en="Eilat", country="IL"))
    assert city.changes == Changes.of_created("cities", city.record.id)
    partnership = save_record(
        db, Partnership(city_id=city.record.id, tier=PartnershipTier.SISTER_CITY)
    )
    after = _dump(db)
    assert partnership.changes.undone() == Changes.of_deleted("partnerships", partnership.record.id)

    assert partnership.step.undo(db) == Changes.of_deleted("partnerships", partnership.record.id)
    assert city.step.undo(db) == Changes.of_deleted("cities", city.record.id)
    assert _dump(db) == before
    assert city.step.redo(db) == Changes.of_created("cities", city.record.id)
    assert partnership.step.redo(db) == Changes.of_created("partnerships", partnership.record.id)
    assert _dump(db) == after  # the same ids, the same tier history, the same stamps


def test_update_with_a_tier_change_undo_redo_round_trip(db: Database) -> None:
    fill_demo(db)
    before = _partnership_of(db, "Kfar Saba")
    rows_before = _dump_unstamped(db)
    history = tier_history(db, before.id)
    saved = save_record(db, replace(before, tier=PartnershipTier.FRIENDLY_COOPERATIVE_CITY))
    rows_after = _dump_unstamped(db)
    history_after = tier_history(db, before.id)
    assert len(history_after) == len(history) + 1

    assert saved.step.undo(db) == Changes.of_updated("partnerships", before.id)
    assert _dump_unstamped(db) == rows_before  # the tier history's own times included
    assert tier_history(db, before.id) == history  # not a tier change more: the same rows
    assert saved.step.redo(db) == Changes.of_updated("partnerships", before.id)
    assert _dump_unstamped(db) == rows_after
    assert tier_history(db, before.id) == history_after


def test_a_cascading_delete_undo_redo_round_trip(db: Database) -> None:
    fill_demo(db)
    city_id = _kfar_saba(db)
    profile = office_profile(db)
    profile.home_city_id = city_id
    save_office_profile(db, profile)
    before = _dump(db)
    deleted = delete_with_undo(db, "cities", city_id, cascade=True)
    after = _dump_unstamped(db)
    changes = deleted.changes
    assert changes.deleted["cities"] == {city_id}
    assert changes.touches("partnerships")
    assert changes.touches("delegations")
    assert changes.profile  # the office's home city was cleared
    assert not changes.created

    assert deleted.step.undo(db) == changes.undone()
    assert _dump(db) == before
    assert office_profile(db).home_city_id == city_id
    assert deleted.step.redo(db) == changes
    # Deleted again: what it cleared was changed again, now.
    assert _dump_unstamped(db) == after
    assert deleted.step.undo(db) == changes.undone()
    assert _dump(db) == before


def test_a_step_that_no_longer_fits_changes_nothing(db: Database) -> None:
    """Undoing a create after something came to depend on the record is refused whole."""
    saved = save_record(db, City(name_en="Tiberias", country="IL"))
    create(db, Delegation(direction=Direction.INCOMING, city_id=saved.record.id))
    before = _dump(db)
    with pytest.raises(Conflict):
        saved.step.undo(db)
    assert _dump(db) == before


def test_the_office_profile_is_saved_with_its_images(db: Database) -> None:
    first = save_profile(
        db, office_profile(db), images={"seal_attachment_id": NewAttachment("seal.png", b"one")}
    )
    assert first.changes == Changes(profile=True)
    old_seal = first.profile.seal_attachment_id
    assert old_seal is not None
    second = save_profile(
        db, first.profile, images={"seal_attachment_id": NewAttachment("seal.png", b"two")}
    )
    new_seal = second.profile.seal_attachment_id
    assert new_seal is not None
    assert new_seal != old_seal
    assert read_attachment(db, new_seal) == b"two"
    with pytest.raises(NotFound):
        read_attachment(db, old_seal)  # the replaced seal went with the save


def test_changes_say_what_a_step_and_its_undo_touch() -> None:
    created = Changes.of_created("cities", 7)
    both = created | Changes.of_updated("partnerships", 3) | Changes.of(deleted={"awards": []})
    assert both.kinds == {"cities", "partnerships"}  # a kind without ids is left out
    assert both.touches("cities", 7)
    assert not both.touches("cities", 8)
    assert both.touches_any(["delegations", "partnerships"])
    assert both.ids("cities") == {7}
    undone = both.undone()
    assert undone.deleted == {"cities": {7}}
    assert undone.updated == {"partnerships": {3}}
    assert undone.undone() == both
    everything = Changes.everything(["cities"])
    assert everything.touches("cities", 12345)  # no ids: every record of the kind
    assert everything.profile
    assert not Changes()
