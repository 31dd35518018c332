"""The bidi algorithm of the text engine against Unicode's own conformance data.

`BidiCharacterTest.txt` (Unicode 15.0, kept xz-compressed in `tests/data/` so the test runs
on every machine, see its README there) lists about 91,700 strings with a
fixed paragraph direction, each with the embedding level of every character and the
visual order of the line: the engine's levels (python-bidi's Rust implementation, read
from its state), its rule L1 and its reordering (L2) must give exactly those.
The cases whose paragraph direction is left to the algorithm (direction 2) are skipped:
the engine always sets the direction itself.
"""

from __future__ import annotations

import lzma
from pathlib import Path

from exchange_desk.documents.text import (
    X9_REMOVED,
    bidi_levels,
    line_levels,
    reorder,
    visual_order,
)

DATA = Path(__file__).parent / "data" / "BidiCharacterTest-15.0.0.txt.xz"


def cases() -> list[tuple[str, bool, list[str], list[int]]]:
    """(text, right to left, expected levels ('x' for removed), expected visual order)."""
    found = []
    for row in lzma.decompress(DATA.read_bytes()).decode("utf-8").splitlines():
        if not row or row.startswith("#"):
            continue
        codes, direction, _level, levels, order = row.split(";")
        if direction == "2":  # automatic direction: the engine never asks for it
            continue
        text = "".join(chr(int(code, 16)) for code in codes.split())
        found.append((text, direction == "1", levels.split(), [int(i) for i in order.split()]))
    return found


def test_every_fixed_direction_case_of_bidi_character_test() -> None:
    """91,679 of 91,679 (Unicode 15 data): levels and visual order, brackets included."""
    all_cases = cases()
    wrong = []
    for text, rtl, expected_levels, expected_order in all_cases:
        levels, classes = bidi_levels(text, rtl)
        levels = line_levels(levels, classes, rtl)
        order = [i for i in reorder(levels) if classes[i] not in X9_REMOVED]
        same_levels = all(
            want == "x" or int(want) == got
            for want, got in zip(expected_levels, levels, strict=True)
        )
        if order != expected_order or not same_levels:
            wrong.append((text, rtl, expected_order, order))
    assert len(all_cases) > 90_000
    assert not wrong, f"{len(wrong)} of {len(all_cases)} wrong, e.g. {wrong[:3]}"


def test_visual_order_mirrors_brackets_at_right_to_left_levels() -> None:
    assert visual_order("שלום (עולם)", True) == "(םלוע) םולש"
    # A bracket pair around Latin in Hebrew takes the Hebrew direction (rule N0).
    assert visual_order("הוענק ל(Jinan) היום", True) == "םויה (Jinan)ל קנעוה"
    # Marks steer the order and are dropped; left-to-right text without Hebrew is as is.
    assert visual_order("\u200fשלום\u200f", True) == "םולש"
    assert visual_order("Jinan (济南) 2018", False) == "Jinan (济南) 2018"
    # A Hebrew word in an English sentence keeps its own brackets unmirrored.
    assert visual_order("Jinan (שלום) 2018", False) == "Jinan (םולש) 2018"
