"""What is due soon, how each partnership is doing, and the calendar: with `on` dates, so
that the demo's facts (Kfar Saba's partnership since 2009) give known answers."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import pytest

from exchange_desk.cli import main
from exchange_desk.domain.dates import PartialDate
from exchange_desk.domain.enums import (
    DelegationStatus,
    Design,
    Direction,
    DueKind,
    LanguageMode,
    Orientation,
    PartnershipSignal,
    PartnershipStatus,
    PartnershipTier,
    RecipientKind,
)
from exchange_desk.domain.records import (
    Agreement,
    Award,
    City,
    CulturalEvent,
    Delegation,
    OfficeProfile,
    Partnership,
)
from exchange_desk.services.due import DueAction, DueItem, due_items, when_text
from exchange_desk.services.due_calendar import calendar_bytes, write_calendar
from exchange_desk.services.health import partnership_health
from exchange_desk.services.office import save_office_profile
from exchange_desk.services.records import create
from exchange_desk.storage.database import Database

ON = dt.date(2018, 12, 1)


def _date(text: str) -> PartialDate:
    return PartialDate.parse(text)


def _city(db: Database, name: str, country: str = "IL") -> int:
    made = create(db, City(name_en=name, country=country)).id
    assert made is not None
    return made


def _partner(db: Database, name: str, since: str, **more: object) -> tuple[int, int]:
    city = _city(db, name)
    partnership = create(
        db,
        Partnership(
            city_id=city,
            tier=more.pop("tier", PartnershipTier.SISTER_CITY),  # type: ignore[arg-type]
            established=_date(since),
            **more,  # type: ignore[arg-type]
        ),
    ).id
    assert partnership is not None
    return city, partnership


def _visit(db: Database, city: int, start: str, direction: Direction = Direction.INCOMING) -> int:
    made = create(
        db, Delegation(direction=direction, city_id=city, start_date=_date(start), purpose=start)
    ).id
    assert made is not None
    return made


# --- due soon ---------------------------------------------------------------------------------


def test_the_demos_tenth_anniversary_is_due_in_2019(demo_db: Database) -> None:
    due = due_items(demo_db, on=ON)
    [kfar_saba] = [
        item
        for item in due.items
        if item.kind is DueKind.ANNIVERSARY and item.city.en == "Kfar Saba"
    ]
    assert (kfar_saba.years, kfar_saba.date, kfar_saba.days) == (10, PartialDate(2019), 31)
    assert kfar_saba.record_kind == "partnerships"
    assert kfar_saba.partnership_id == kfar_saba.record_id
    assert DueAction.KIT in kfar_saba.actions
    assert not kfar_saba.is_sample
    assert kfar_saba.sentence() == "10th anniversary of the partnership with Kfar Saba"
    # Round means 5, 10, 15 ... 40 and 50: never a 45th, never a 9th.
    assert {item.years for item in due.items if item.kind is DueKind.ANNIVERSARY} <= {
        5, 10, 15, 20, 25, 30, 35, 40, 50
    }  # fmt: skip


def test_anniversaries_are_looked_for_24_months_ahead(db: Database) -> None:
    _partner(db, "Ashdod", "1999-03-15")  # 20 years on 2019-03-15: in 3.5 months
    _partner(db, "Eilat", "2011-02")  # 10 years in February 2021: beyond 24 months
    _partner(db, "Haifa", "1975")  # 45 years in 2020: not a round anniversary here
    due = due_items(db, on=ON)
    found = [(item.city.en, item.years, item.date.isoformat()) for item in due.items]
    assert found == [("Ashdod", 20, "2019-03-15")]
    assert due.items[0].days == (dt.date(2019, 3, 15) - ON).days


def test_an_agreement_expiring_in_90_days_appears(db: Database) -> None:
    city, _partnership = _partner(db, "Netanya", "2015")
    soon = create(
        db,
        Agreement(
            title_en="Youth exchange MOU",
            city_id=city,
            signed_on=_date("2016-03-01"),
            expires_on=_date((ON + dt.timedelta(days=90)).isoformat()),
        ),
    ).id
    create(
        db,
        Agreement(title_en="Far off", city_id=city, expires_on=_date("2021-01-01")),
    )
    due = due_items(db, on=ON)
    agreements = [item for item in due.items if item.record_kind == "agreements"]
    assert [(a.kind, a.record_id, a.days) for a in agreements] == [
        (DueKind.AGREEMENT_EXPIRING, soon, 90)
    ]
    assert agreements[0].sentence() == "Agreement “Youth exchange MOU” expires"
    assert when_text(90) == "in 90 days"


def test_an_expired_agreement_is_due_until_renewed(db: Database) -> None:
    city, _partnership = _partner(db, "Rehovot", "2012")
    old = create(
        db,
        Agreement(
            title_en="Culture MOU 2014–2017",
            city_id=city,
            signed_on=_date("2014"),
            expires_on=_date("2017-12-31"),
        ),
    ).id
    due = due_items(db, on=ON)
    assert [(i.kind, i.record_id) for i in due.items if i.record_kind == "agreements"] == [
        (DueKind.AGREEMENT_EXPIRED, old)
    ]
    assert due.items[0].days < 0  # overdue: first in the list
    create(
        db,
        Agreement(
            title_en="Culture MOU 2018–2021",
            city_id=city,
            signed_on=_date("2018-01-10"),
            expires_on=_date("2021-12-31"),
        ),
    )
    assert not [i for i in due_items(db, on=ON).items if i.record_kind == "agreements"]


def test_visits_and_events_within_60_days_and_not_cancelled(db: Database) -> None:
    city, _partnership = _partner(db, "Holon", "2014")
    arriving = _visit(db, city, "2018-12-10")
    _visit(db, city, "2019-03-01")  # 90 days away
    cancelled = _visit(db, city, "2018-12-20")
    from exchange_desk.services.records import get_record, update

    stored = get_record(db, "delegations", cancelled)
    stored.status = DelegationStatus.CANCELLED
    update(db, stored)
    festival = create(
        db,
        CulturalEvent(
            name_en="Winter choir festival",
            kind="choral_festival",  # type: ignore[arg-type]
            start_date=_date("2019-01"),
            partner_city_id=city,
        ),
    ).id
    due = due_items(db, on=ON)
    visits = [(i.kind, i.record_id, i.days) for i in due.items if i.kind is not DueKind.ANNIVERSARY]
    assert visits == [(DueKind.DELEGATION, arriving, 9), (DueKind.EVENT, festival, 31)]
    assert due.items[0].sentence() == "Delegation from Holon arrives"
    # --days narrows every window.
    assert [i.record_id for i in due_items(db, on=ON, days=10).items] == [arriving]


def test_a_certificate_issued_but_not_printed_is_due(demo_db: Database) -> None:
    """Issuing prints; a printing that failed leaves the certificate numbered and unprinted."""
    from exchange_desk.services.certificate_issue import (
        issue_certificate_pdf,
        record_printing_failed,
    )

    award = create(
        demo_db,
        Award(
            title_en="Friendship Ambassador",
            recipient_kind=RecipientKind.CITY,
            recipient_city_id=_city(demo_db, "Petah Tikva"),
            awarded_on=_date("2018-11-20"),
        ),
    ).id
    assert award is not None
    issued = issue_certificate_pdf(
        demo_db, award, LanguageMode.EN, Design.FORMAL, Orientation.LANDSCAPE, "li"
    )

    def unprinted() -> list[DueItem]:
        return [
            item
            for item in due_items(demo_db, on=ON).items
            if item.kind is DueKind.CERTIFICATE_UNPRINTED and item.record_id == award
        ]

    assert unprinted() == []
    record_printing_failed(demo_db, issued.printing_ids)
    [item] = unprinted()
    assert item.number == issued.numbers[0]
    assert item.actions[0] is DueAction.PRINT
    assert item.sentence() == f"Certificate {item.number} was issued but never printed"


# --- partnership health -----------------------------------------------------------------------


def test_a_partner_with_no_exchange_for_five_years_is_dormant(db: Database) -> None:
    quiet, _p1 = _partner(db, "Quiet Town", "2005")
    _visit(db, quiet, "2013-05-02")
    busy, _p2 = _partner(db, "Busy Town", "2005")
    for year in range(2014, 2019):
        _visit(db, busy, f"{year}-04-01", Direction.OUTGOING)
        _visit(db, busy, f"{year}-09-01", Direction.INCOMING)
    health = {h.city.en: h for h in partnership_health(db, on=ON)}
    assert health["Quiet Town"].dormant
    assert health["Quiet Town"].years_quiet == 5
    assert health["Quiet Town"].last_exchange == _date("2013-05-02")
    assert not health["Busy Town"].signals
    assert health["Busy Town"].per_year == (2, 2, 2, 2, 2)
    assert health["Busy Town"].years == (2014, 2015, 2016, 2017, 2018)
    assert (health["Busy Town"].sent, health["Busy Town"].received) == (5, 5)
    # The ones to notice come first.
    assert [h.city.en for h in partnership_health(db, on=ON)] == ["Quiet Town", "Busy Town"]


def test_norms_come_from_the_office_profile(db: Database) -> None:
    city, _p = _partner(db, "Modiin", "2010", tier=PartnershipTier.FRIENDLY_COOPERATIVE_CITY)
    _visit(db, city, "2017-05-01")
    _visit(db, city, "2018-05-01")
    [health] = partnership_health(db, on=ON)
    assert (health.norm, health.rate) == (0.5, 0.4)  # 2 in 5 years: below one every 2 years
    assert health.signals == (PartnershipSignal.BELOW_NORM,)
    save_office_profile(db, OfficeProfile(friendly_city_norm=0.25, dormant_after_years=1))
    [health] = partnership_health(db, on=ON)
    assert health.signals == ()


def test_one_sided_exchanges_are_flagged(db: Database) -> None:
    city, _p = _partner(db, "Ramla", "2010")
    for year in range(2014, 2019):
        _visit(db, city, f"{year}-06-01", Direction.OUTGOING)
    [health] = partnership_health(db, on=ON)
    assert health.unbalanced
    assert (health.sent, health.received) == (5, 0)


def test_exchanges_after_the_day_and_ended_partnerships_do_not_count(db: Database) -> None:
    city, _p = _partner(db, "Lod", "2010")
    _visit(db, city, "2019-02-01")
    _partner(db, "Gone", "2001", status=PartnershipStatus.ENDED, ended=_date("2010"))
    [health] = partnership_health(db, on=ON)
    assert health.city.en == "Lod"
    assert health.last_exchange is None
    assert health.dormant  # eight years old and nothing yet


def test_a_bad_norm_is_refused_at_its_field(db: Database) -> None:
    from exchange_desk.domain.errors import InvalidInput

    with pytest.raises(InvalidInput) as refused:
        save_office_profile(db, OfficeProfile(sister_city_norm=-1, dormant_after_years=0))
    assert {p.field for p in refused.value.problems} == {"sister_city_norm", "dormant_after_years"}


# --- the calendar and the command line --------------------------------------------------------


def test_the_calendar_has_one_event_per_due_item(demo_db: Database, tmp_path: Path) -> None:
    from icalendar import Calendar

    due = due_items(demo_db, on=ON)
    path = write_calendar(due, tmp_path / "due")
    assert path.suffix == ".ics"
    calendar = Calendar.from_ical(path.read_bytes())
    events = list(calendar.walk("VEVENT"))
    assert len(events) == len(due.items) > 0
    assert len({str(event["uid"]) for event in events}) == len(events)
    kfar_saba = [e for e in events if "Kfar Saba" in str(e["summary"])]
    assert [e.decoded("dtstart") for e in kfar_saba] == [dt.date(2019, 1, 1)]
    assert "known only as 2019" in str(kfar_saba[0]["description"])
    assert calendar_bytes(due).count(b"BEGIN:VEVENT") == len(due.items)


def _run(database: Database, *argv: str) -> tuple[int, str]:
    assert database.path is not None
    out = io.StringIO()
    code = main(["--db", str(database.path), *argv], out=out)
    return code, out.getvalue()


def test_due_and_health_on_the_command_line(demo_db: Database, tmp_path: Path) -> None:
    code, text = _run(demo_db, "due", "--on", "2018-12-01", "--json")
    assert code == 0
    items = json.loads(text)
    [kfar_saba] = [i for i in items if i["what"].endswith("Kfar Saba")]
    assert kfar_saba["kind"] == "anniversary"
    assert (kfar_saba["date"], kfar_saba["years"], kfar_saba["days"]) == ("2019", 10, 31)
    code, text = _run(demo_db, "--lang", "zh_CN", "due", "--on", "2018-12-01")
    assert code == 0
    assert "克法尔萨巴" in text
    code, text = _run(demo_db, "health", "--on", "2018-12-01", "--json")
    assert code == 0
    health = {h["city"]["en"]: h for h in json.loads(text)}
    assert health["Kfar Saba"]["signals"] == []
    assert health["Kfar Saba"]["last_exchange"] == "2018-08-10"
    code, text = _run(demo_db, "calendar", "--on", "2018-12-01", "-o", str(tmp_path / "o.ics"))
    assert code == 0
    assert (tmp_path / "o.ics").read_bytes().startswith(b"BEGIN:VCALENDAR")


@pytest.mark.parametrize(
    "argv", [("due", "--on", "2018-13-01"), ("due", "--days", "-3"), ("health", "--on", "x")]
)
def test_bad_dates_and_days_are_usage_errors(
    demo_db: Database, argv: tuple[str, ...], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as stopped:
        _run(demo_db, *argv)
    assert stopped.value.code == 2
    assert "Traceback" not in capsys.readouterr().err
