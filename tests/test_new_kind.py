"""Adding a kind is its declaration and its table: tests/programs/made_up_kind.py declares
souvenirs, which the program has never heard of, and touches no other file; its tab, form,
detail, list and JSON must all work."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.gui

PROGRAM = Path(__file__).with_name("programs") / "made_up_kind.py"


@pytest.fixture(scope="module")
def shown(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    folder = tmp_path_factory.mktemp("made_up_kind")
    out = folder / "shown.json"
    environment = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "EXCHANGE_DESK_LANG": "en"}
    done = subprocess.run(
        [sys.executable, str(PROGRAM), str(folder / "office.sqlite"), str(out)],
        capture_output=True,
        text=True,
        timeout=120,
        env=environment,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    found: dict[str, object] = json.loads(out.read_text(encoding="utf-8"))
    return found


def test_the_window_has_a_tab_for_it(shown: dict[str, object]) -> None:
    assert shown["tab_title"] == "Souvenirs"
    assert shown["tab_rows"] == 1
    assert shown["tab_cells"] == ["Nov 16, 2018", "Porcelain vase", "Kfar Saba", "1,200"]
    assert shown["tab_filters"] == ["country", "year"]


def test_its_form_edits_every_field_and_saves(shown: dict[str, object]) -> None:
    assert shown["form_fields"] == [
        "city_id",
        "given_on",
        "is_sample",
        "name_en",
        "name_he",
        "name_zh",
        "value",
    ]
    assert shown["form_problems"] == []
    assert shown["form_saved"] == "Silk scroll"


def test_its_detail_shows_its_facts_and_what_it_names(shown: dict[str, object]) -> None:
    assert shown["detail_title"] == "Porcelain vase"
    assert shown["detail_facts"] == [["Date", "2018-11-16"], ["Value", "1200"]]
    assert shown["detail_groups"] == ["Partner city"]


def test_the_command_line_lists_it(shown: dict[str, object]) -> None:
    assert shown["list_code"] == 0
    header, *rows = str(shown["list_text"]).splitlines()
    assert header.split() == ["Id", "Date", "Name", "Partner", "city", "Value", "Sample"]
    assert "2018-11-16  Porcelain vase  Kfar Saba     1200" in rows[1]
    assert "Silk scroll" in rows[0]


def test_its_json_has_every_field_and_the_names_it_refers_to(shown: dict[str, object]) -> None:
    vase = next(item for item in shown["json"] if item["id"] == 1)  # type: ignore[attr-defined]
    assert vase == {
        "id": 1,
        "name_en": "Porcelain vase",
        "name_zh": "瓷瓶",
        "name_he": "",
        "given_on": "2018-11-16",
        "city_id": 1,
        "value": 1200,
        "is_sample": False,
        "city": "Kfar Saba",
    }
