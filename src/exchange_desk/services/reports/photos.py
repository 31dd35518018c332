"""Photos in the reports: the pictures attached to a year's records (the annual report's
highlights) and a partner city's chosen photo (its dossier), with captions in the report's
language.

A caption is the attachment's own in the report's language; without one, the record's name
in that language, with its date on the line under it. Only images that were made
document-sized when attached (`services.attachments`) are shown, so a report never reads a
12-megapixel original.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, and_, select

from exchange_desk.domain.dates import PartialDate
from exchange_desk.domain.enums import DelegationStatus, Direction
from exchange_desk.domain.reports import Picture
from exchange_desk.i18n.document_language import DocumentLanguage
from exchange_desk.services.attachments import pictures_in
from exchange_desk.services.kinds import KINDS
from exchange_desk.services.names import Names
from exchange_desk.services.reports.shared import SAMPLE_MARK, Marks, language_of
from exchange_desk.storage import schema as s

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

# The annual report shows at most this many: a page of pictures, not an album.
MAX_YEAR_PICTURES = 12
# The kinds whose records' pictures the annual report shows, in the order a day's pictures
# come in.
PICTURED_KINDS = ("delegations", "events", "conferences", "agreements", "awards", "gifts")
DETAIL_SEPARATOR = " · "


def own_caption(w: DocumentLanguage, description: str, caption_zh: str, caption_he: str) -> str:
    """The attachment's caption in the report's language, "" when it has none: the Chinese
    or Hebrew caption, or the one typed (`description`, the English) when it is written in
    the report's language (or has no letters to tell)."""
    chosen = {"zh": caption_zh, "he": caption_he}.get(w.code, "")
    if chosen and chosen.strip():
        return chosen.strip()
    typed = (description or "").strip()
    if typed and language_of(typed) in (w.code, None):
        return typed
    return ""


def _marked(marks: Marks, caption: str, is_sample: bool) -> str:
    """A caption marked as a sample record's, as the report marks samples (and noted under
    the pictures); the mark is joined to the caption's last word, so that a line break
    never leaves it alone under a narrow picture."""
    if not is_sample:
        return caption
    marks.sample_row(caption, True)
    return f"{caption}{SAMPLE_MARK}"


def _kind_noun(w: DocumentLanguage, kind: str) -> str:
    """A kind of record in the singular, with the msgids of `domain.kinds`, capitalised
    where the language has capitals: it stands alone after the date ("Gift")."""
    nouns = {
        "delegations": w.ngettext("delegation", "delegations", 1),
        "events": w.ngettext("cultural event", "cultural events", 1),
        "conferences": w.ngettext("conference", "conferences", 1),
        "agreements": w.ngettext("agreement", "agreements", 1),
        "awards": w.ngettext("award", "awards", 1),
        "gifts": w.ngettext("gift", "gifts", 1),
    }
    noun = nouns.get(kind, "")
    return noun[:1].upper() + noun[1:]


@dataclass(frozen=True, slots=True)
class _Candidate:
    """An image attached to a record of the year, before the choice of which to show."""

    attachment_id: int
    kind: str
    record_id: int
    date: PartialDate
    name: str  # the record's name in the report's language
    caption: str  # the attachment's own caption in that language, "" for none
    chosen_photo: bool  # the record's own photo (a gift's), shown before its others
    is_sample: bool


def _in_year(column: Any, year: int) -> ColumnElement[bool]:
    return and_(column >= f"{year:04d}", column < f"{year + 1:04d}")


def _candidates(session: Session, w: DocumentLanguage, year: int, kind: str) -> list[_Candidate]:
    """The images attached to the records of `kind` dated in `year` (by the kind's declared
    date), with their previews made; cancelled delegations, which did not happen, have none."""
    declared = KINDS[kind]
    date_field = declared.date_column
    if date_field is None:
        return []
    record = s.metadata.tables[declared.declaration.table]
    attachment = s.attachments
    preview = s.attachment_previews
    date = record.c[date_field]
    columns: list[Any] = [
        attachment.c.id,
        attachment.c.description,
        attachment.c.caption_zh,
        attachment.c.caption_he,
        record.c.id.label("record_id"),
        date.label("date"),
        record.c.is_sample,
    ]
    joined = record.join(
        attachment, and_(attachment.c.owner_kind == kind, attachment.c.owner_id == record.c.id)
    ).join(preview, preview.c.sha256 == attachment.c.sha256)
    where = [_in_year(date, year), attachment.c.media_type.like("image/%")]
    if kind == "delegations":
        # A delegation is named by its partner city and direction.
        city = s.cities
        joined = joined.join(city, city.c.id == record.c.city_id)
        columns += [record.c.direction, city.c.name_en, city.c.name_zh, city.c.name_he]
        where.append(record.c.status != DelegationStatus.CANCELLED)
    else:
        columns += [record.c[name] for name in declared.name_columns]
    photo_column = record.c.get("photo_attachment_id")
    if photo_column is not None:
        columns.append(photo_column.label("photo_id"))
    found = []
    for row in session.execute(select(*columns).select_from(joined).where(*where)):
        if kind == "delegations":
            city_name = w.name(Names.of((row.name_en, row.name_zh, row.name_he)))
            template = (
                w.gettext("Delegation to {city}")
                if Direction(row.direction) is Direction.OUTGOING
                else w.gettext("Delegation from {city}")
            )
            name = template.format(city=city_name)
        else:
            name = w.name(Names.of(tuple(row[7 : 7 + len(declared.name_columns)])))
        found.append(
            _Candidate(
                attachment_id=row.id,
                kind=kind,
                record_id=row.record_id,
                date=row.date,
                name=name,
                caption=own_caption(w, row.description, row.caption_zh, row.caption_he),
                chosen_photo=photo_column is not None and row.photo_id == row.id,
                is_sample=bool(row.is_sample),
            )
        )
    return found


def _chosen(candidates: list[_Candidate], limit: int) -> list[_Candidate]:
    """At most `limit` pictures, spread over the year's records: first one of each record
    (its own photo first), then a second of each, and so on, records of fact before sample
    records and the year in time order; shown in time order."""
    per_record: dict[tuple[str, int], list[_Candidate]] = {}
    for candidate in sorted(candidates, key=lambda c: (not c.chosen_photo, c.attachment_id)):
        per_record.setdefault((candidate.kind, candidate.record_id), []).append(candidate)
    kind_order = {kind: index for index, kind in enumerate(PICTURED_KINDS)}
    records = sorted(
        per_record.values(),
        key=lambda pictures: (
            pictures[0].is_sample,
            pictures[0].date.sort_key(),
            kind_order[pictures[0].kind],
            pictures[0].record_id,
        ),
    )
    chosen: list[_Candidate] = []
    depth = 0
    while len(chosen) < limit and any(len(pictures) > depth for pictures in records):
        for pictures in records:
            if len(pictures) > depth and len(chosen) < limit:
                chosen.append(pictures[depth])
        depth += 1
    return sorted(
        chosen,
        key=lambda c: (c.date.sort_key(), kind_order[c.kind], c.record_id, c.attachment_id),
    )


@dataclass(frozen=True, slots=True)
class YearPictures:
    """The pictures the annual report shows, and how many the year's records have."""

    pictures: tuple[Picture, ...]
    available: int


def year_pictures(
    session: Session,
    w: DocumentLanguage,
    year: int,
    marks: Marks,
    *,
    limit: int = MAX_YEAR_PICTURES,
) -> YearPictures:
    """The pictures of the year's records (delegations, cultural events, conferences,
    agreements, awards and gifts dated in `year`), at most `limit`, captioned in the
    report's language; pictures of sample records marked as the report marks them."""
    candidates = [
        candidate for kind in PICTURED_KINDS for candidate in _candidates(session, w, year, kind)
    ]
    chosen = _chosen(candidates, limit)
    images = pictures_in(session, [c.attachment_id for c in chosen])
    pictures = []
    for candidate in chosen:
        image = images.get(candidate.attachment_id)
        if image is None:
            continue
        # The date first: short, it stays whole on the detail's first line.
        when = w.date(candidate.date)
        if candidate.caption:
            caption, detail = candidate.caption, DETAIL_SEPARATOR.join((when, candidate.name))
        else:
            # A delegation's name says what it is ("Delegation from Kfar Saba").
            noun = _kind_noun(w, candidate.kind) if candidate.kind != "delegations" else ""
            caption, detail = candidate.name, DETAIL_SEPARATOR.join(p for p in (when, noun) if p)
        pictures.append(
            Picture(
                image=image,
                caption=_marked(marks, caption, candidate.is_sample),
                detail=detail,
                muted=candidate.is_sample,
            )
        )
    return YearPictures(tuple(pictures), len(candidates))


def city_picture(
    session: Session, w: DocumentLanguage, city_id: int, city: Names, marks: Marks, is_sample: bool
) -> Picture | None:
    """The photo chosen for the city's dossier, captioned with its own caption in the
    report's language, else with the city's name; None when none is chosen or it is not
    an image."""
    cities = s.cities
    attachment = s.attachments
    row = session.execute(
        select(
            attachment.c.id,
            attachment.c.description,
            attachment.c.caption_zh,
            attachment.c.caption_he,
        )
        .join(cities, cities.c.photo_attachment_id == attachment.c.id)
        .where(cities.c.id == city_id, attachment.c.media_type.like("image/%"))
    ).first()
    if row is None:
        return None
    image = pictures_in(session, [row.id]).get(row.id)
    if image is None:
        return None
    caption = own_caption(w, row.description, row.caption_zh, row.caption_he)
    name = w.name(city)
    return Picture(
        image=image,
        caption=_marked(marks, caption or name, is_sample),
        detail=name if caption and name not in caption else "",
        muted=is_sample,
    )
