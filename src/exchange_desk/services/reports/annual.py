"""The annual report: key figures with the year before, the year's highlights in pictures,
charts, the partners active that year (with a world map of the partners at the year's end),
next year's round anniversaries, and the year's delegations, cultural events, agreements
and awards."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, and_, case, func, or_, select, union

from exchange_desk.domain.countries import CONTINENTS, continent_of
from exchange_desk.domain.dates import MAX_YEAR, MIN_YEAR
from exchange_desk.domain.enums import (
    CooperationArea,
    DelegationStatus,
    Direction,
    EventKind,
    PartnershipStatus,
    PartnershipTier,
)
from exchange_desk.domain.errors import FieldProblem, InvalidInput
from exchange_desk.domain.reports import (
    Block,
    Chapter,
    Chart,
    Facts,
    Figures,
    KeyFigure,
    MapMark,
    Note,
    Paragraph,
    PartnerMap,
    Photos,
    Report,
    Subheading,
    Table,
)
from exchange_desk.i18n.catalog import _
from exchange_desk.i18n.document_language import DocumentLanguage
from exchange_desk.services.names import Names
from exchange_desk.services.partner_map import load_world, read_points
from exchange_desk.services.reports.photos import year_pictures
from exchange_desk.services.reports.shared import (
    City,
    Exchange,
    Marks,
    Office,
    Progress,
    agreement_exchange,
    award_rows,
    awards_joined,
    awards_table,
    by_date,
    cities_of,
    city_name,
    delegation_exchange,
    event_exchange,
    exchange_table,
    kind_word,
    make_report,
    muted_rows,
    office_of,
    organization_names,
    partnership_facts,
    quiet,
    recipient,
    recipient_city,
    report_language,
    tier_at_end,
)
from exchange_desk.services.statistics import Anniversary, anniversaries
from exchange_desk.storage import schema as s

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from exchange_desk.storage.database import Database


# The annual report's partner sections stop at the busiest 60: a year of 4,000 delegations
# with 1,000 partners would otherwise make a book nobody reads; the rest are named as a count
# (every exchange is still in the year's tables).
MAX_PARTNER_SECTIONS = 60


def _check_year(year: int) -> None:
    if not MIN_YEAR <= year < MAX_YEAR:
        raise InvalidInput(
            [
                FieldProblem(
                    "year",
                    _("Choose a year between {first} and {last}.").format(
                        first=MIN_YEAR, last=MAX_YEAR - 1
                    ),
                )
            ]
        )


def _in_year(column: Any, year: int) -> ColumnElement[bool]:
    """A partial date (ISO text) in `year`: "2018", "2018-05" and "2018-05-12" all are."""
    return and_(column >= f"{year:04d}", column < f"{year + 1:04d}")


def _not_cancelled() -> ColumnElement[bool]:
    # A cancelled visit did not happen: it counts in no figure of the annual report.
    return s.delegations.c.status != DelegationStatus.CANCELLED


def _partner_at_end(year: int) -> ColumnElement[bool]:
    """A partnership that exists at the end of `year`: established (at least to the year)
    in or before it and not ended in or before it. Without an established date it cannot be
    placed in time and is counted in no year; ended without an end date, likewise."""
    partnership = s.partnerships
    return and_(
        partnership.c.established.is_not(None),
        partnership.c.established < f"{year + 1:04d}",
        or_(
            partnership.c.ended >= f"{year + 1:04d}",
            and_(
                partnership.c.ended.is_(None),
                partnership.c.status != PartnershipStatus.ENDED,
            ),
        ),
    )


@dataclass(frozen=True, slots=True)
class _YearFigures:
    sister_cities: int
    friendly_cities: int
    new_partnerships: int
    sent: int
    received: int
    members_sent: int
    members_received: int
    events: int
    agreements_signed: int
    agreements_expiring: int
    awards_received: int
    awards_given: int


def _year_figures(session: Session, year: int, home_city_id: int | None) -> _YearFigures:
    partnership = s.partnerships
    at_end = select(tier_at_end(year).label("tier")).where(_partner_at_end(year)).subquery("at_end")
    # Grouped outside the subquery: PostgreSQL refuses to group by a correlated subquery.
    by_tier = {
        PartnershipTier(tier): count
        for tier, count in session.execute(
            select(at_end.c.tier, func.count()).group_by(at_end.c.tier)
        )
    }
    new = session.scalar(
        select(func.count())
        .select_from(partnership)
        .where(_in_year(partnership.c.established, year))
    )
    delegation = s.delegations
    counts: dict[Direction, tuple[int, int]] = {}
    for direction, count, members in session.execute(
        select(
            delegation.c.direction, func.count(), func.coalesce(func.sum(delegation.c.members), 0)
        )
        .where(_in_year(delegation.c.start_date, year), _not_cancelled())
        .group_by(delegation.c.direction)
    ):
        counts[Direction(direction)] = (count, int(members))
    event = s.cultural_events
    events = session.scalar(
        select(func.count()).select_from(event).where(_in_year(event.c.start_date, year))
    )
    agreement = s.agreements
    signed = session.scalar(
        select(func.count()).select_from(agreement).where(_in_year(agreement.c.signed_on, year))
    )
    expiring = session.scalar(
        select(func.count()).select_from(agreement).where(_in_year(agreement.c.expires_on, year))
    )
    awards = (
        select(func.count())
        .select_from(awards_joined())
        .where(_in_year(s.awards.c.awarded_on, year))
    )
    total = session.scalar(awards) or 0
    # Without a home city in the office profile nothing can be told to be received.
    received = (
        session.scalar(awards.where(recipient_city == home_city_id)) or 0
        if home_city_id is not None
        else 0
    )
    return _YearFigures(
        sister_cities=by_tier.get(PartnershipTier.SISTER_CITY, 0),
        friendly_cities=by_tier.get(PartnershipTier.FRIENDLY_COOPERATIVE_CITY, 0),
        new_partnerships=new or 0,
        sent=counts.get(Direction.OUTGOING, (0, 0))[0],
        received=counts.get(Direction.INCOMING, (0, 0))[0],
        members_sent=counts.get(Direction.OUTGOING, (0, 0))[1],
        members_received=counts.get(Direction.INCOMING, (0, 0))[1],
        events=events or 0,
        agreements_signed=signed or 0,
        agreements_expiring=expiring or 0,
        awards_received=received,
        awards_given=total - received,
    )


def _figures_chapter(
    w: DocumentLanguage, year: int, now: _YearFigures, before: _YearFigures
) -> Chapter:
    rows = (
        (w.gettext("Sister cities"), "sister_cities"),
        (w.gettext("Friendly cooperative cities"), "friendly_cities"),
        (w.gettext("New partnerships"), "new_partnerships"),
        (w.gettext("Delegations sent"), "sent"),
        (w.gettext("Delegations received"), "received"),
        (w.gettext("Members of delegations sent"), "members_sent"),
        (w.gettext("Members of delegations received"), "members_received"),
        (w.gettext("Cultural events"), "events"),
        (w.gettext("Agreements signed"), "agreements_signed"),
        (w.gettext("Agreements expiring"), "agreements_expiring"),
        (w.gettext("Awards received"), "awards_received"),
        (w.gettext("Awards given"), "awards_given"),
    )
    figures = Figures(
        columns=(w.gettext("Figure"), str(year), str(year - 1), w.gettext("Change")),
        figures=tuple(
            KeyFigure(label, getattr(now, name), getattr(before, name)) for label, name in rows
        ),
    )
    summary = w.sentences(
        (
            w.ngettext(
                "At the end of {year} there was {count} sister city.",
                "At the end of {year} there were {count} sister cities.",
                now.sister_cities,
            ).format(year=year, count=w.number(now.sister_cities)),
            w.ngettext(
                "Friendly cooperative relations were kept with {count} more city.",
                "Friendly cooperative relations were kept with {count} more cities.",
                now.friendly_cities,
            ).format(count=w.number(now.friendly_cities)),
            w.ngettext(
                "{count} delegation was sent abroad.",
                "{count} delegations were sent abroad.",
                now.sent,
            ).format(count=w.number(now.sent)),
            w.ngettext(
                "{count} delegation was received.",
                "{count} delegations were received.",
                now.received,
            ).format(count=w.number(now.received)),
        )
    )
    notes = Paragraph(
        w.gettext(
            "Partners are counted as they stood at the end of the year. Cancelled delegations "
            "are not counted. Awards given are the awards to partners that the city gave or "
            "nominated."
        )
    )
    return Chapter(w.gettext("Key figures"), (figures, Paragraph(summary), notes))


def _chart(
    *,
    title: str,
    categories: tuple[str, ...],
    series: tuple[tuple[str, tuple[int, ...]], ...],
    empty_text: str,
    horizontal: bool = False,
) -> Chart:
    """A chart, or, when it would have no bar, one without categories or series, which the
    layout replaces with `empty_text`."""
    if not any(any(values) for _name, values in series):
        return Chart(title, (), (), horizontal, empty_text)
    return Chart(title, categories, series, horizontal, empty_text)


def _month_chart(session: Session, w: DocumentLanguage, year: int) -> list[Block]:
    delegation = s.delegations
    month = func.substr(delegation.c.start_date, 6, 2)
    in_year = [_in_year(delegation.c.start_date, year), _not_cancelled()]
    per_month: dict[Direction, list[int]] = {d: [0] * 12 for d in Direction}
    for value, direction, count in session.execute(
        select(month, delegation.c.direction, func.count())
        .where(*in_year, func.length(delegation.c.start_date) >= 7)
        .group_by(month, delegation.c.direction)
    ):
        per_month[Direction(direction)][int(value) - 1] = count
    without_month = (
        session.scalar(
            select(func.count())
            .select_from(delegation)
            .where(*in_year, func.length(delegation.c.start_date) == 4)
        )
        or 0
    )
    series = (
        (w.gettext("Sent"), tuple(per_month[Direction.OUTGOING])),
        (w.gettext("Received"), tuple(per_month[Direction.INCOMING])),
    )
    blocks: list[Block] = [
        _chart(
            title=w.gettext("Delegations per month"),
            categories=w.month_names(),
            series=series,
            empty_text=w.gettext("No delegation of this year has a known month."),
        )
    ]
    if without_month:
        blocks.append(
            Paragraph(
                w.ngettext(
                    "{count} delegation of {year} is known only to the year and is not shown.",
                    "{count} delegations of {year} are known only to the year and are not shown.",
                    without_month,
                ).format(count=w.number(without_month), year=year)
            )
        )
    return blocks


def _country_chart(session: Session, w: DocumentLanguage, year: int) -> Chart:
    """Partners at the end of the year by continent, one series per tier.

    By continent, not by country: a city with partners in sixty countries would give a
    chart of sixty one-city bars, or a dozen and one huge "other". The partners' sections
    name each country.
    """
    partnership = s.partnerships
    city = s.cities
    at_end = (
        select(partnership.c.city_id, tier_at_end(year).label("tier"))
        .where(_partner_at_end(year))
        .subquery("at_end")
    )
    counts: dict[str, Counter[PartnershipTier]] = defaultdict(Counter)
    for country, tier, count in session.execute(
        select(city.c.country, at_end.c.tier, func.count())
        .select_from(at_end.join(city, city.c.id == at_end.c.city_id))
        .group_by(city.c.country, at_end.c.tier)
    ):
        counts[continent_of(country) or ""][PartnershipTier(tier)] += count
    # Most partners first; ties in a fixed order, so every language shows the same bars.
    order = [*CONTINENTS, ""]
    named = sorted(counts, key=lambda code: (-sum(counts[code].values()), order.index(code)))
    categories = [w.continent(code) if code else w.gettext("Other") for code in named]
    values = {tier: [counts[code][tier] for code in named] for tier in PartnershipTier}
    return _chart(
        title=w.gettext("Partner cities by continent at the end of {year}").format(year=year),
        categories=tuple(categories),
        series=tuple((w.label(tier), tuple(values[tier])) for tier in PartnershipTier),
        horizontal=True,
        empty_text=w.gettext("There were no partner cities at the end of this year."),
    )


def _partnered(year: int) -> dict[str, tuple[Any, Any, list[ColumnElement[bool]]]]:
    """The year's delegations (not cancelled) and cultural events, each kind as its table,
    the partner city it is with and the WHERE that picks the year's rows. An event names its
    partner city; one without names only where it took place."""
    delegation = s.delegations
    event = s.cultural_events
    return {
        "delegations": (
            delegation,
            delegation.c.city_id,
            [_in_year(delegation.c.start_date, year), _not_cancelled()],
        ),
        "events": (
            event,
            func.coalesce(event.c.partner_city_id, event.c.city_id),
            [_in_year(event.c.start_date, year)],
        ),
    }


def _by_partnership_area(
    session: Session, table: Any, city_column: Any, where: list[ColumnElement[bool]]
) -> Counter[CooperationArea]:
    """How many rows of `table` matching `where` fall under each area of cooperation of the
    partnership with the city in `city_column`."""
    partnership = s.partnerships
    area = s.partnership_areas
    joined = table.join(partnership, partnership.c.city_id == city_column).join(
        area, area.c.partnership_id == partnership.c.id
    )
    return Counter(
        {
            CooperationArea(value): count
            for value, count in session.execute(
                select(area.c.area, func.count())
                .select_from(joined)
                .where(*where)
                .group_by(area.c.area)
            )
        }
    )


def _with_area(
    session: Session, table: Any, city_column: Any, where: list[ColumnElement[bool]]
) -> tuple[int, int]:
    """How many rows of `table` match `where`, and how many of them are with a partner
    city whose partnership has at least one area of cooperation."""
    partnership = s.partnerships
    area = s.partnership_areas
    has_area = (
        select(area.c.partnership_id)
        .join(partnership, partnership.c.id == area.c.partnership_id)
        .where(partnership.c.city_id == city_column)
        .exists()
    )
    total, with_area = session.execute(
        select(func.count(), func.coalesce(func.sum(case((has_area, 1), else_=0)), 0))
        .select_from(table)
        .where(*where)
    ).one()
    return int(total or 0), int(with_area or 0)


def _area_chart(session: Session, w: DocumentLanguage, year: int) -> list[Block]:
    """The year's exchanges by area: delegations and events under their partnership's areas,
    agreements under their own area (their partnership's when they have none). The note
    under it says that an exchange counts in every area of its partnership, and how many
    exchanges have an area at all."""
    agreement = s.agreements
    # The bars and the note count the same rows.
    partnered = _partnered(year)
    total, with_area = 0, 0
    for table, city_column, where in partnered.values():
        counted, having = _with_area(session, table, city_column, where)
        total += counted
        with_area += having
    signed = _in_year(agreement.c.signed_on, year)
    own_area = Counter(
        {
            CooperationArea(value): count
            for value, count in session.execute(
                select(agreement.c.area, func.count())
                .where(signed, agreement.c.area.is_not(None))
                .group_by(agreement.c.area)
            )
        }
    )
    by_area = {
        kind: _by_partnership_area(session, table, city_column, where)
        for kind, (table, city_column, where) in partnered.items()
    }
    by_area["agreements"] = own_area + _by_partnership_area(
        session, agreement, agreement.c.city_id, [signed, agreement.c.area.is_(None)]
    )
    totals: Counter[CooperationArea] = Counter()
    for counter in by_area.values():
        totals.update(counter)
    # Ties in the order of the vocabulary: the same bars in the same order in every language.
    order = list(CooperationArea)
    shown = sorted(
        (a for a in CooperationArea if totals[a]), key=lambda a: (-totals[a], order.index(a))
    )
    series_names = {
        "delegations": w.gettext("Delegations"),
        "events": w.gettext("Cultural events"),
        "agreements": w.gettext("Agreements"),
    }
    # A kind of exchange with no bar at all would only fill the legend.
    kinds = [kind for kind in by_area if by_area[kind].total()] or list(by_area)
    return [
        _chart(
            title=w.gettext("Exchanges by area of cooperation"),
            categories=tuple(w.label(a) for a in shown),
            series=tuple(
                (series_names[kind], tuple(by_area[kind][a] for a in shown)) for kind in kinds
            ),
            horizontal=True,
            empty_text=w.gettext("No exchange of this year has an area of cooperation."),
        ),
        Note(
            w.gettext(
                "What the bars count: a delegation or cultural event counts once under each "
                "area of cooperation of its partner city's partnership, so one visit to a "
                "partner of three areas adds to three bars, and the bars add up to more than "
                "the exchanges. Of the year's {total} delegations and cultural events, "
                "{with_area} are with a partner that has at least one area. An agreement "
                "counts once, under its own area (its partnership's when it has none)."
            ).format(total=w.number(total), with_area=w.number(with_area))
        ),
    ]


@dataclass(slots=True)
class _YearRows:
    delegations: list[Any]
    events: list[Any]
    undated_events: list[Any]
    signed: list[Any]
    expiring: list[Any]
    awards: list[Any]
    undated_agreements: int


def _year_rows(session: Session, year: int) -> _YearRows:
    delegation = s.delegations
    event = s.cultural_events
    agreement = s.agreements
    award = s.awards
    delegations = session.execute(
        select(
            delegation.c.id,
            delegation.c.start_date,
            delegation.c.direction,
            delegation.c.city_id,
            delegation.c.leader,
            delegation.c.members,
            delegation.c.purpose,
            delegation.c.is_sample,
        )
        .where(_in_year(delegation.c.start_date, year), _not_cancelled())
        .order_by(delegation.c.start_date, delegation.c.id)
    ).all()
    event_columns = (
        event.c.id,
        event.c.start_date,
        event.c.name_en,
        event.c.name_zh,
        event.c.name_he,
        event.c.kind,
        event.c.city_id,
        event.c.partner_city_id,
        event.c.attendance,
        event.c.is_sample,
    )
    events = session.execute(
        select(*event_columns)
        .where(_in_year(event.c.start_date, year))
        .order_by(event.c.start_date, event.c.id)
    ).all()
    # Events without a date cannot be placed in a year; those with a partner the city had
    # exchanges with this year are listed as undated rather than left out of every report.
    partners = union(
        *(
            select(city_column).where(*where)
            for _table, city_column, where in _partnered(year).values()
        ),
        select(agreement.c.city_id).where(_in_year(agreement.c.signed_on, year)),
    )
    undated_events = session.execute(
        select(*event_columns)
        .where(
            event.c.start_date.is_(None),
            func.coalesce(event.c.partner_city_id, event.c.city_id).in_(partners),
        )
        .order_by(event.c.id)
    ).all()
    agreement_columns = (
        agreement.c.id,
        agreement.c.signed_on,
        agreement.c.expires_on,
        agreement.c.title_en,
        agreement.c.title_zh,
        agreement.c.title_he,
        agreement.c.city_id,
        agreement.c.area,
        agreement.c.is_sample,
    )
    signed = session.execute(
        select(*agreement_columns)
        .where(_in_year(agreement.c.signed_on, year))
        .order_by(agreement.c.signed_on, agreement.c.id)
    ).all()
    expiring = session.execute(
        select(*agreement_columns)
        .where(_in_year(agreement.c.expires_on, year))
        .order_by(agreement.c.expires_on, agreement.c.id)
    ).all()
    undated = session.scalar(
        select(func.count()).select_from(agreement).where(agreement.c.signed_on.is_(None))
    )
    return _YearRows(
        delegations=list(delegations),
        events=list(events),
        undated_events=list(undated_events),
        signed=list(signed),
        expiring=list(expiring),
        awards=award_rows(session, _in_year(award.c.awarded_on, year)),
        undated_agreements=undated or 0,
    )


def _exchanges(w: DocumentLanguage, rows: _YearRows) -> list[Exchange]:
    """The year's records as exchanges with a partner city (the city they name)."""
    found = [delegation_exchange(w, row, row.city_id) for row in rows.delegations]
    found += [
        event_exchange(
            w, row, row.partner_city_id if row.partner_city_id is not None else row.city_id
        )
        for row in rows.events
    ]
    found += [agreement_exchange(w, row, row.city_id) for row in rows.signed]
    found += [
        Exchange(
            "awards",
            row.id,
            row.awarded_on,
            row.recipient_city_id,
            w.name(Names.of((row.title_en, row.title_zh, row.title_he))),
            kind_word(w, "awards"),
            "",
            bool(row.is_sample),
        )
        for row in rows.awards
    ]
    return found


def _partner_map(session: Session, w: DocumentLanguage, year: int, marks: Marks) -> list[Block]:
    """The partners at the end of the year on a world map, sized by the year's exchanges
    with them (delegations not cancelled, cultural events, agreements signed), and a note
    of what the circles mean."""
    found = read_points(session, where=[_partner_at_end(year)], tier=tier_at_end(year), year=year)
    without_place = (
        w.ngettext(
            "{count} partner city has no place recorded and is not shown.",
            "{count} partner cities have no place recorded and are not shown.",
            found.without_place,
        ).format(count=w.number(found.without_place))
        if found.without_place
        else ""
    )
    if not found.points:
        # No map of no partner: a year before the first, or partners with no place at all.
        return [Note(without_place)] if without_place else []
    tiers = tuple((tier.value, w.label(tier)) for tier in PartnershipTier)
    partner_map = PartnerMap(
        world=load_world(),
        marks=tuple(
            MapMark(
                marks.sample_row(w.name(point.names), point.is_sample),
                point.longitude,
                point.latitude,
                point.exchanges,
                point.tier.value,
                point.is_sample,
            )
            for point in found.points
        ),
        # A legend's entries start with a capital ("Sister city"), as the window's do.
        tiers=tuple((key, text[:1].upper() + text[1:]) for key, text in tiers),
        size_text=w.gettext("Circle size: exchanges"),
        title=w.gettext("Our partners in the world"),
        empty_text=w.gettext("There were no partner cities at the end of this year."),
    )
    note = w.gettext(
        "The partner cities at the end of {year}, coloured by tier. A circle's area grows "
        "with the year's exchanges with the partner: delegations (cancelled ones not "
        "counted), cultural events and agreements signed."
    ).format(year=year)
    if without_place:
        note += " " + without_place
    return [partner_map, Note(note)]


def _partners_chapter(
    w: DocumentLanguage,
    year: int,
    exchanges: list[Exchange],
    cities: dict[int, City],
    home_city_id: int | None,
    map_blocks: Callable[[Marks], list[Block]] | None = None,
) -> Chapter:
    per_city: dict[int, list[Exchange]] = defaultdict(list)
    for exchange in exchanges:
        # The home city is where much happens (an award to Jinan, a festival in Jinan without
        # a partner named): it is not its own partner.
        if exchange.city_id is not None and exchange.city_id != home_city_id:
            per_city[exchange.city_id].append(exchange)
    # The busiest first; ties by English name, so that every language shows the same partners.
    order = sorted(
        per_city, key=lambda city_id: (-len(per_city[city_id]), cities[city_id].names.en, city_id)
    )
    if order:
        lead = w.ngettext(
            "{count} partner city had exchanges with the city in {year}.",
            "{count} partner cities had exchanges with the city in {year}.",
            len(order),
        ).format(count=w.number(len(order)), year=year)
    else:
        lead = w.gettext("No partner city had exchanges with the city this year.")
    blocks: list[Block] = [Paragraph(lead)]
    marks = Marks()
    if map_blocks is not None:
        blocks.extend(map_blocks(marks))
    for city_id in order[:MAX_PARTNER_SECTIONS]:
        city = cities[city_id]
        blocks.append(Subheading(marks.sample_row(w.name(city.names), city.is_sample)))
        blocks.append(Facts(tuple(partnership_facts(w, city))))
        blocks.append(exchange_table(w, sorted(per_city[city_id], key=by_date), "", marks))
    if len(order) > MAX_PARTNER_SECTIONS:
        more = len(order) - MAX_PARTNER_SECTIONS
        blocks.append(
            Paragraph(
                w.ngettext(
                    "…and {count} more partner city with fewer exchanges; the tables below "
                    "list all of them.",
                    "…and {count} more partner cities with fewer exchanges; the tables below "
                    "list all of them.",
                    more,
                ).format(count=w.number(more))
            )
        )
    blocks.extend(marks.notes(w))
    return Chapter(w.gettext("Partner cities"), tuple(blocks))


def _anniversaries_chapter(w: DocumentLanguage, found: list[Anniversary], year: int) -> Chapter:
    """Next year's round anniversaries as a table: records of fact before sample records,
    then the longest friendships first."""
    ordered = sorted(found, key=lambda a: (a.is_sample, -a.years, w.name(a.city)))
    if not found:
        lead = w.gettext("No partnership reaches a round anniversary in {year}.").format(year=year)
    else:
        lead = w.ngettext(
            "{count} partnership reaches a round anniversary in {year}.",
            "{count} partnerships reach a round anniversary in {year}.",
            len(found),
        ).format(year=year, count=w.number(len(found)))
    marks = Marks()
    table = Table(
        columns=(
            w.gettext("Partner city"),
            w.gettext("Country"),
            w.gettext("Tier"),
            w.gettext("Since"),
            w.gettext("Years"),
        ),
        rows=tuple(
            (
                marks.sample_row(w.name(a.city), a.is_sample),
                w.country(a.country),
                w.label(a.tier),
                w.date(a.established),
                w.number(a.years),
            )
            for a in ordered
        ),
        widths=(2.4, 1.6, 2.2, 1.0, 0.8),
        empty_text="",
        numeric=(4,),
        muted=muted_rows(a.is_sample for a in ordered),
    )
    blocks: list[Block] = [Paragraph(lead)]
    if found:
        blocks.append(table)
        blocks.extend(marks.notes(w))
    return Chapter(w.gettext("Anniversaries in {year}").format(year=year), tuple(blocks))


def _delegations_chapter(
    w: DocumentLanguage, year: int, rows: Sequence[Any], cities: dict[int, City]
) -> Chapter:
    marks = Marks()
    table = Table(
        columns=(
            w.gettext("Date"),
            w.gettext("Direction"),
            w.gettext("Partner city"),
            w.gettext("Leader"),
            w.gettext("Members"),
            w.gettext("Purpose"),
        ),
        rows=tuple(
            (
                w.date(row.start_date),
                w.label(Direction(row.direction)),
                city_name(w, cities, row.city_id),
                marks.recorded(w, row.leader),
                w.number(row.members),
                marks.sample_row(marks.recorded(w, row.purpose), row.is_sample),
            )
            for row in rows
        ),
        widths=(1.2, 1.0, 1.8, 1.6, 0.8, 2.6),
        empty_text=w.gettext("No delegations in {year}.").format(year=year),
        numeric=(4,),
        muted=muted_rows(row.is_sample for row in rows),
    )
    return Chapter(w.gettext("Delegations"), (table, *marks.notes(w)))


def _event_table(
    w: DocumentLanguage, rows: Sequence[Any], cities: dict[int, City], empty_text: str, marks: Marks
) -> Table:
    return Table(
        columns=(
            w.gettext("Date"),
            w.gettext("Cultural event"),
            w.gettext("Kind"),
            w.gettext("Where"),
            w.gettext("Partner city"),
            w.gettext("Attendance"),
        ),
        rows=tuple(
            (
                w.date(row.start_date) or w.gettext("undated"),
                marks.sample_row(
                    w.name(Names.of((row.name_en, row.name_zh, row.name_he))), row.is_sample
                ),
                w.label(EventKind(row.kind)),
                city_name(w, cities, row.city_id),
                city_name(w, cities, row.partner_city_id),
                w.number(row.attendance),
            )
            for row in rows
        ),
        widths=(1.2, 3.0, 1.4, 1.4, 1.4, 1.0),
        empty_text=empty_text,
        numeric=(5,),
        muted=muted_rows(row.is_sample for row in rows),
    )


def _events_chapter(
    w: DocumentLanguage, year: int, rows: _YearRows, cities: dict[int, City]
) -> Chapter:
    marks = Marks()
    blocks: list[Block] = [
        _event_table(
            w,
            rows.events,
            cities,
            w.gettext("No cultural events in {year}.").format(year=year),
            marks,
        )
    ]
    if rows.undated_events:
        blocks += [
            Subheading(w.gettext("Undated events with this year's partners")),
            Paragraph(
                w.gettext(
                    "These events have no recorded date, so they belong to no year; they are "
                    "listed here because they are with partner cities the city had exchanges "
                    "with in {year}."
                ).format(year=year)
            ),
            _event_table(w, rows.undated_events, cities, "", marks),
        ]
    blocks.extend(marks.notes(w))
    return Chapter(w.gettext("Cultural events"), tuple(blocks))


def _agreement_table(
    w: DocumentLanguage, rows: Sequence[Any], cities: dict[int, City], empty_text: str, marks: Marks
) -> Table:
    return Table(
        columns=(
            w.gettext("Signed"),
            w.gettext("Agreement"),
            w.gettext("Partner city"),
            w.gettext("Area"),
            w.gettext("Expires"),
        ),
        rows=tuple(
            (
                w.date(row.signed_on) or w.gettext("undated"),
                marks.sample_row(
                    w.name(Names.of((row.title_en, row.title_zh, row.title_he))), row.is_sample
                ),
                city_name(w, cities, row.city_id),
                w.label(CooperationArea(row.area)) if row.area else "",
                w.date(row.expires_on),
            )
            for row in rows
        ),
        widths=(1.2, 3.6, 1.6, 1.2, 1.2),
        empty_text=empty_text,
        muted=muted_rows(row.is_sample for row in rows),
    )


def _agreements_chapter(
    w: DocumentLanguage, year: int, rows: _YearRows, cities: dict[int, City]
) -> Chapter:
    marks = Marks()
    blocks: list[Block] = [
        Subheading(w.gettext("Signed in {year}").format(year=year)),
        _agreement_table(
            w,
            rows.signed,
            cities,
            w.gettext("No agreements were signed in {year}.").format(year=year),
            marks,
        ),
        Subheading(w.gettext("Expiring in {year}").format(year=year)),
        _agreement_table(
            w,
            rows.expiring,
            cities,
            w.gettext("No agreements expire in {year}.").format(year=year),
            marks,
        ),
    ]
    if rows.undated_agreements:
        blocks.append(
            Paragraph(
                w.ngettext(
                    "{count} agreement has no date of signing and appears in no year's report.",
                    "{count} agreements have no date of signing and appear in no year's report.",
                    rows.undated_agreements,
                ).format(count=w.number(rows.undated_agreements))
            )
        )
    blocks.extend(marks.notes(w))
    return Chapter(w.gettext("Agreements"), tuple(blocks))


def _conferences_chapter(session: Session, w: DocumentLanguage, year: int) -> Chapter:
    """The year's conferences, each with its host, dates, organizers and attendance, and
    the awards given there."""
    conference = s.conferences
    organizer = s.conference_organizers
    award = s.awards
    rows = session.execute(
        select(
            conference.c.id,
            conference.c.name_en,
            conference.c.name_zh,
            conference.c.name_he,
            conference.c.edition,
            conference.c.host_city_id,
            conference.c.start_date,
            conference.c.end_date,
            conference.c.attendance,
            conference.c.countries,
            conference.c.is_sample,
        )
        .where(_in_year(conference.c.start_date, year))
        .order_by(conference.c.start_date, conference.c.id)
    ).all()
    if not rows:
        return Chapter(
            w.gettext("Conferences"),
            (Paragraph(w.gettext("No conferences are recorded in {year}.").format(year=year)),),
        )
    ids = [row.id for row in rows]
    organizers = organization_names(
        session, w, organizer.c.conference_id, organizer.c.organization_id, ids
    )
    awards: dict[int, list[Any]] = defaultdict(list)
    for row in award_rows(session, award.c.conference_id.in_(ids)):
        awards[row.conference_id].append(row)
    hosts = cities_of(session, {row.host_city_id for row in rows if row.host_city_id is not None})
    marks = Marks()
    blocks: list[Block] = [
        Paragraph(
            w.ngettext(
                "{count} conference of {year} is recorded, with the awards given there.",
                "{count} conferences of {year} are recorded, with the awards given there.",
                len(rows),
            ).format(count=w.number(len(rows)), year=year)
        )
    ]
    for row in rows:
        name = w.name(Names.of((row.name_en, row.name_zh, row.name_he)))
        facts = [
            (w.gettext("Dates"), w.period(row.start_date, row.end_date)),
            (w.gettext("Host city"), city_name(w, hosts, row.host_city_id)),
            (w.gettext("Edition"), w.number(row.edition) if row.edition else ""),
            (w.gettext("Organizers"), w.listing(organizers[row.id])),
            (w.gettext("Attendance"), w.number(row.attendance) if row.attendance else ""),
            (w.gettext("Countries"), w.number(row.countries) if row.countries else ""),
        ]
        blocks.append(Subheading(marks.sample_row(name, row.is_sample)))
        blocks.append(Facts(tuple(pair for pair in facts if pair[1])))
        given = awards[row.id]
        blocks.append(
            Table(
                columns=(
                    w.gettext("Award"),
                    w.gettext("Recipient"),
                    w.gettext("Given by"),
                    w.gettext("Date"),
                ),
                rows=tuple(
                    (
                        marks.sample_row(
                            w.name(Names.of((a.title_en, a.title_zh, a.title_he))), a.is_sample
                        ),
                        recipient(w, a),
                        w.name(Names.of((a.giver_en, a.giver_zh, a.giver_he))),
                        w.date(a.awarded_on),
                    )
                    for a in given
                ),
                widths=(3.0, 2.0, 2.4, 1.2),
                empty_text=w.gettext("No awards given at this conference are recorded."),
                muted=muted_rows(a.is_sample for a in given),
            )
        )
    blocks.extend(marks.notes(w))
    return Chapter(w.gettext("Conferences"), tuple(blocks))


def _awards_chapter(w: DocumentLanguage, year: int, rows: Sequence[Any], office: Office) -> Chapter:
    received: list[Any] = []
    given: list[Any] = []
    for row in rows:
        home = office.home_city_id is not None and row.recipient_city_id == office.home_city_id
        (received if home else given).append(row)
    marks = Marks()
    return Chapter(
        w.gettext("Awards"),
        (
            Subheading(w.gettext("Awards received")),
            awards_table(
                w,
                received,
                w.gettext("No awards were received in {year}.").format(year=year),
                marks,
            ),
            Subheading(w.gettext("Awards given")),
            awards_table(
                w, given, w.gettext("No awards were given in {year}.").format(year=year), marks
            ),
            *marks.notes(w),
        ),
    )


def _pictures_chapter(session: Session, w: DocumentLanguage, year: int) -> Chapter | None:
    """The year's highlights in pictures: photos attached to the year's records, a dozen at
    most; None when the year's records have none."""
    marks = Marks()
    found = year_pictures(session, w, year, marks)
    if not found.pictures:
        return None
    shown = len(found.pictures)
    if found.available > shown:
        # Never fewer than a dozen of more than a dozen: one plural form serves.
        lead = w.gettext(
            "A selection of {shown} of the {count} photos attached to the records of {year}."
        ).format(shown=w.number(shown), count=w.number(found.available), year=year)
    else:
        lead = w.ngettext(
            "The photo attached to the records of {year}.",
            "The {count} photos attached to the records of {year}.",
            shown,
        ).format(count=w.number(shown), year=year)
    return Chapter(
        w.gettext("Highlights of the year in pictures"),
        (Paragraph(lead), Photos(found.pictures, columns=3), *marks.notes(w)),
    )


def annual_report(
    database: Database,
    year: int,
    language: str | DocumentLanguage,
    *,
    progress: Progress | None = None,
) -> Report:
    """The office's report of `year` in `language` ("zh", "en" or "he")."""
    w = report_language(language)
    _check_year(year)
    step = progress or quiet
    step(_("Counting the year's figures…"))
    with database.reading() as session:
        office = office_of(database, session, w)
        now = _year_figures(session, year, office.home_city_id)
        before = _year_figures(session, year - 1, office.home_city_id)
        step(_("Choosing the year's photos…"))
        pictures = _pictures_chapter(session, w, year)
        step(_("Drawing up the charts…"))
        charts = Chapter(
            w.gettext("Charts"),
            (
                *_month_chart(session, w, year),
                _country_chart(session, w, year),
                *_area_chart(session, w, year),
            ),
        )
        step(_("Reading the year's records…"))
        rows = _year_rows(session, year)
        exchanges = _exchanges(w, rows)
        # Every city the partners' sections and the tables name, in one read: the exchanges'
        # partners, and where the events took place and whom the expiring agreements are with.
        named = {exchange.city_id for exchange in exchanges}
        named |= {row.city_id for row in rows.events} | {row.city_id for row in rows.expiring}
        named |= {row.city_id for row in rows.undated_events}
        named |= {row.partner_city_id for row in rows.undated_events}
        cities = cities_of(session, (c for c in named if c is not None), tier_year=year)
        partners = _partners_chapter(
            w,
            year,
            exchanges,
            cities,
            office.home_city_id,
            lambda marks: _partner_map(session, w, year, marks),
        )
        conferences = _conferences_chapter(session, w, year)
    step(_("Looking up next year's anniversaries…"))
    coming = anniversaries(database, year + 1)
    title = w.gettext("Annual report {year}").format(year=year)
    subtitle = (
        w.gettext("The international exchanges of {city}").format(city=office.home_city)
        if office.home_city
        else w.gettext("International exchanges")
    )
    return make_report(
        w,
        office,
        title=title,
        subtitle=subtitle,
        chapters=(
            _figures_chapter(w, year, now, before),
            *((pictures,) if pictures is not None else ()),
            charts,
            partners,
            _anniversaries_chapter(w, coming, year + 1),
            _delegations_chapter(w, year, rows.delegations, cities),
            _events_chapter(w, year, rows, cities),
            _agreements_chapter(w, year, rows, cities),
            conferences,
            _awards_chapter(w, year, rows.awards, office),
        ),
    )
