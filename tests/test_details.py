"""The detail pane's content: facts and related records, labelled for each kind."""

from __future__ import annotations

from exchange_desk.domain.dates import PartialDate
from exchange_desk.domain.enums import PartnershipTier
from exchange_desk.services.details import record_detail
from exchange_desk.services.records import ListQuery, list_records
from exchange_desk.storage.database import Database


def _id(db: Database, kind: str, search: str) -> int:
    [row] = list_records(db, kind, ListQuery(search=search)).rows
    return int(row.record.id)


def test_a_partner_city_with_its_timeline(demo_db: Database) -> None:
    partnership = _id(demo_db, "partnerships", "Kfar Saba")
    detail = record_detail(demo_db, "partnerships", partnership)
    assert detail.title.en == "Kfar Saba"
    assert detail.title.he == "כפר סבא"
    facts = dict(detail.facts)
    assert facts["Tier"] is PartnershipTier.SISTER_CITY
    assert facts["Since"] == PartialDate(2009)
    groups = dict(detail.groups)
    timeline = groups["Timeline"]
    kinds = {item.kind for item in timeline}
    assert kinds == {"delegations", "events", "agreements", "awards"}
    assert sum(item.kind == "delegations" for item in timeline) == 22
    dated = [item.date.isoformat() for item in timeline if item.date is not None]
    assert dated == sorted(dated)
    assert timeline[-1].date is None  # the undated MOUs and events come last


def test_labels_fit_the_kind(demo_db: Database) -> None:
    event = _id(demo_db, "events", "Arts festival")
    organization = _id(demo_db, "organizations", "Yuying")
    event_groups = [label for label, _items in record_detail(demo_db, "events", event).groups]
    assert event_groups[:2] == ["Where", "Partner city"]
    assert "Participants" in event_groups
    organization_groups = dict(record_detail(demo_db, "organizations", organization).groups)
    assert "City" in organization_groups
    assert "Partner city" not in organization_groups
    assert len(organization_groups["Delegations"]) >= 1
