"""A kind the program has never heard of, declared here with its table and nothing else:
run by tests/test_new_kind.py in a process of its own (the kind is registered for good), it
writes what the tab, form, detail, list and JSON showed to the JSON file named on the
command line."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from sqlalchemy import Column as SqlColumn
from sqlalchemy import ForeignKey, Integer, String, Table

from exchange_desk.domain.declaration import (
    N_,
    SAMPLE,
    Column,
    Filter,
    KindDeclaration,
    Tab,
    integer,
    names,
    ngettext,
    partial_date,
    reference,
)
from exchange_desk.storage import schema
from exchange_desk.storage.types import PartialDateType

# The table (a migration would make it) ...
SOUVENIRS = Table(
    "souvenirs",
    schema.metadata,
    SqlColumn("id", Integer(), primary_key=True),
    SqlColumn("name_en", String(200), nullable=False),
    SqlColumn("name_zh", String(200), nullable=False, default=""),
    SqlColumn("name_he", String(200), nullable=False, default=""),
    SqlColumn("given_on", PartialDateType(), nullable=True),
    SqlColumn("city_id", Integer(), ForeignKey("cities.id"), nullable=True),
    SqlColumn("value", Integer(), nullable=True),
    SqlColumn("is_sample", schema.Boolean(), nullable=False, default=False),
    SqlColumn("created_at", schema.DateTime(), nullable=False, default=schema.utcnow),
    SqlColumn(
        "updated_at",
        schema.DateTime(),
        nullable=False,
        default=schema.utcnow,
        onupdate=schema.utcnow,
    ),
)

# ... and the declaration: everything else follows from these two.
DECLARATION = KindDeclaration(
    name="souvenirs",
    table="souvenirs",
    noun=ngettext("souvenir", "souvenirs"),
    new_title=N_("New souvenir"),
    edit_title=N_("Edit souvenir: {name}"),
    fields=(
        *names("name", N_("Name")),
        partial_date("given_on", N_("Date")),
        reference("city_id", N_("Partner city"), "cities"),
        integer("value", N_("Value")),
        SAMPLE,
    ),
    name_group="name",
    date_field="given_on",
    order=("given_on", "id"),
    search=("name_en", "name_zh", "name_he"),
    tab=Tab(
        "souvenirs",
        N_("Souvenirs"),
        (
            Column("given_on", N_("Date"), "date", "given_on"),
            Column("name", N_("Name"), "names", "@name"),
            Column("city", N_("Partner city"), "names", "city_id->"),
            Column("value", N_("Value"), "number", "value"),
        ),
        (Filter("year", N_("Year"), "year"), Filter("country", N_("Country"), "city_id->country")),
    ),
    list_columns=("given_on", "@name", "city_id->", "value"),
    list_filters=("city_id", "is_sample"),
)


def main(database_path: str, out_path: str) -> int:
    from exchange_desk.services.kinds import register

    register(DECLARATION)

    import io

    from PySide6.QtWidgets import QApplication

    from exchange_desk.cli import main as cli_main
    from exchange_desk.domain.records import City
    from exchange_desk.services import records
    from exchange_desk.services.database import open_office_database
    from exchange_desk.services.details import record_detail
    from exchange_desk.services.export import json_records
    from exchange_desk.services.kinds import KINDS
    from exchange_desk.ui.app import use_settings_file
    from exchange_desk.ui.main_window import MainWindow
    from exchange_desk.ui.record_dialog import RecordDialog

    database = open_office_database(database_path)
    SOUVENIRS.create(database.engine, checkfirst=True)
    city = records.create(database, City(name_en="Kfar Saba", name_he="כפר סבא", country="IL"))
    souvenir_class = KINDS["souvenirs"].record
    vase = records.create(
        database,
        souvenir_class(
            name_en="Porcelain vase",
            name_zh="瓷瓶",
            given_on="2018-11-16",
            city_id=city.id,
            value=1200,
        ),
    )
    found: dict[str, object] = {}

    # Settings as the program keeps them: an INI file (in the tests' folder on Windows), never
    # the registry (`ui.app.use_settings_file`).
    use_settings_file()
    app = QApplication.instance() or QApplication(sys.argv)
    window = MainWindow(database, remember=False)
    window.show()
    tab = window.tab("souvenirs")
    window.show_tab("souvenirs")
    for _ in range(200):
        app.processEvents()
        if tab.complete:
            break
    model = tab.model
    found["tab_title"] = window.tabs.tabText(window.tabs.currentIndex())
    found["tab_rows"] = model.rowCount()
    found["tab_cells"] = [model.index(0, column).data() for column in range(model.columnCount())]
    found["tab_filters"] = sorted(tab.filters)

    dialog = RecordDialog(database, "souvenirs", None, lambda record: record, window)
    found["form_fields"] = sorted(dialog.editors)
    dialog.editors["name_en"].set_value("Silk scroll")
    dialog.editors["given_on"].set_value(None)
    dialog.editors["value"].set_value(80)
    built, problems = dialog.build_record()
    found["form_problems"] = [p.field for p in problems]
    scroll = records.create(database, built)
    found["form_saved"] = scroll.name_en
    dialog.reject()

    detail = record_detail(database, "souvenirs", vase.id)
    found["detail_title"] = detail.title.en
    found["detail_facts"] = [[label, str(value)] for label, value in detail.facts]
    found["detail_groups"] = [label for label, _items in detail.groups]

    out = io.StringIO()
    code = cli_main(["--db", database_path, "list", "souvenirs"], out=out)
    found["list_code"] = code
    found["list_text"] = out.getvalue()
    found["json"] = [json.loads(line) for line in json_records(database, "souvenirs")]
    window.close()
    Path(out_path).write_text(json.dumps(found, ensure_ascii=False), encoding="utf-8")
    return 0


def window_tabs() -> tuple[tuple[str, str, str], ...]:
    from exchange_desk.ui.main_window import TABS

    return TABS


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
