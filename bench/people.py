"""Benchmark: people and protocol on a large database.

A demo database with `--scale N` synthetic delegations (the generator adds a person per four
delegations, and members and a programme to one delegation in twenty) is measured for:

- the People tab's load (every person, `services.tables`), against the Partner cities tab's
  load in the same run as the baseline;
- a search by pinyin in `exchange-desk list people` (`records.list_records`);
- the documents of one visit: the programme (zh+en PDF and .ics), the visa invitation
  letter (zh, numbered and registered), badges and place cards, each against the time of
  the delegation brief of the same visit.

Targets: the People tab within 3x the Partner cities tab's load per row, and each visit
document under 2 s.

    python bench/people.py [--scale 100000] [--quick]
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

from _scaled import scale_from_arguments, scaled_database
from _timing import best_of

OUT = Path(__file__).resolve().parent / "out"


def main() -> int:
    scale = scale_from_arguments()

    from exchange_desk.domain.enums import LetterKind
    from exchange_desk.i18n.catalog import set_language
    from exchange_desk.i18n.document_language import document_language
    from exchange_desk.services import badges, letters, programme, records, reports
    from exchange_desk.services.records import ListQuery
    from exchange_desk.services.tables import load_table

    set_language("en")
    started = time.perf_counter()
    with scaled_database(scale) as database:
        built = time.perf_counter() - started
        people = records.list_records(database, "persons", ListQuery(limit=1)).total
        cities = records.list_records(database, "partnerships", ListQuery(limit=1)).total

        cities_tab = best_of(lambda: load_table(database, "partner_cities"), 3)
        people_tab = best_of(lambda: load_table(database, "people"), 3)
        pinyin = best_of(
            lambda: records.list_records(database, "persons", ListQuery(search="wangzhe")), 3
        )
        # The demo's incoming visit from Kfar Saba: six members, a two-day programme.
        visit = 22
        language = document_language("zh_CN")
        brief = best_of(lambda: reports.delegation_brief(database, visit, language), 3)
        documents = {
            "programme_pdf": lambda: programme.programme_pdf(database, visit, ["zh", "en"]),
            "programme_ics": lambda: programme.programme_ics(database, visit, "zh"),
            "visa_letter": lambda: letters.make_letter(database, LetterKind.VISA, visit, ["zh"]),
            "badges": lambda: badges.badges_pdf(database, visit),
            "place_cards": lambda: badges.place_cards_pdf(database, delegation_id=visit),
        }
        timed = {name: best_of(action, 3) for name, action in documents.items()}
        database.dispose()

    per_row = (people_tab / max(people, 1)) / (cities_tab / max(cities, 1))
    result = {
        "scale": scale,
        "build_s": round(built, 1),
        "people": people,
        "partnerships": cities,
        "people_tab_s": round(people_tab, 3),
        "partner_cities_tab_s": round(cities_tab, 3),
        "people_tab_per_row_ratio": round(per_row, 2),
        "pinyin_search_s": round(pinyin, 3),
        "brief_s": round(brief, 3),
        **{f"{name}_s": round(value, 3) for name, value in timed.items()},
        **{f"{name}_vs_brief": round(value / brief, 2) for name, value in timed.items()},
        "median_document_s": round(statistics.median(timed.values()), 3),
    }
    OUT.mkdir(exist_ok=True)
    (OUT / "people.json").write_text(json.dumps(result, indent=2), encoding="utf-8")
    print(json.dumps(result, indent=2))
    ok = per_row <= 3 and max(timed.values()) < 2
    print("targets met" if ok else "targets missed", file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
