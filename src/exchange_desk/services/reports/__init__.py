"""The data of the office's three reports, as `domain.reports.Report` values in the report's
own language (Chinese, English or Hebrew), whatever the window's language is.

- `annual_report`: the year's key figures with the year before, charts, a section per
  partner city active that year, next year's round anniversaries (a table), and the year's
  delegations, cultural events (with the undated events of the year's partners),
  agreements, conferences with the awards given there, and awards.
- `city_dossier`: one partner city: the relationship, every exchange both ways, contacts,
  agreements, awards and the next round anniversary.
- `delegation_brief`: one delegation: the visit, its organizations, its members in the
  order of precedence, its programme day by day, the partner city and the exchanges with
  it before this visit; a compact report (no cover, no contents, two pages at most, never
  passport data).
- `gift_declaration`: the gifts received in a year that the office's threshold asks to
  declare, per official, and those whose value cannot be compared with it; also as one
  sheet (`gift_declaration_sheet`, `write_gift_declaration_sheet`).

The annual report shows the year's highlights in pictures (photos attached to the year's
records, a dozen at most) and the dossier opens with the photo chosen for the city
(`reports.photos`).

Every report prints the office's foreword in its own language (none when that language has
none), except the brief. Sample records are marked `*` in tables and headings with a note
saying so, and rows of them are printed grey; single-language texts (a delegation's purpose,
leader, a region) recorded in another language than the report's are marked `†`, with a
note "in the language it was recorded in".

Figures come from set-based SQL (GROUP BY, joins); only the rows a table lists are read,
so the busiest year of a 100,000-delegation database takes well under a second.
Progress messages are for the person waiting, so they are in the window's language (`_`);
everything in the `Report` is in the report's language (`i18n.document_language`), resolved
once where the report is asked for and handed down.

Definitions the figures rest on (each also stated where it is computed):
- A delegation counts unless it was cancelled; it belongs to the year of its start date.
- Partners at the end of a year: partnerships established (to the year at least) in or
  before it, and not ended in or before it; an ended partnership whose end date is unknown
  is counted in no year. Their tier is the tier of the last recorded tier change dated in or
  before the year (the current tier when the history has none that early).
- Awards received: the recipient is the home city, an organization of the home city or a
  person of such an organization. Awards given: every other award of the year, i.e. honors
  for partners that the home city gave or nominated (the record keeps no nominator).
- Exchanges by area of cooperation: each of the year's delegations and cultural events
  counts under every area of its partner city's partnership; an agreement counts under its
  own area, or under its partnership's areas when it has none. The note under the chart
  says so, and how many of the year's delegations and events have at least one area.
"""

from __future__ import annotations

from exchange_desk.services.report_choices import REPORT_LANGUAGES
from exchange_desk.services.reports.annual import (
    MAX_PARTNER_SECTIONS,
    annual_report,
)
from exchange_desk.services.reports.brief import MAX_PREVIOUS_EXCHANGES, delegation_brief
from exchange_desk.services.reports.dossier import city_dossier
from exchange_desk.services.reports.gifts import (
    gift_declaration,
    gift_declaration_sheet,
    write_gift_declaration_sheet,
)
from exchange_desk.services.reports.shared import Progress

__all__ = [
    "MAX_PARTNER_SECTIONS",
    "MAX_PREVIOUS_EXCHANGES",
    "REPORT_LANGUAGES",
    "Progress",
    "annual_report",
    "city_dossier",
    "delegation_brief",
    "gift_declaration",
    "gift_declaration_sheet",
    "write_gift_declaration_sheet",
]
