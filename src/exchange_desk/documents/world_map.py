"""The partners' world map on a report's page: the same map as the window's
(`ui/world_map.py`), drawn with ReportLab for the page's width.

The countries are one even-odd path in a light fill with white borders on a pale sea, in
the Equal Earth projection of `domain/world_map.py`; each partner is a circle whose area
grows with its value, in its tier's colour; the busiest few are named (with the text
engine, so Chinese and Hebrew names come out in their fonts and order) where a name
overlaps nothing; the legend stands under the map. A Hebrew report does not mirror the map
(it is geography): its legend moves to the left end and runs from right to left, and
names try the left of their circle first.
"""

from __future__ import annotations

from typing import Protocol

from reportlab.lib import colors
from reportlab.platypus import Flowable

from exchange_desk.documents.fonts import Family
from exchange_desk.documents.text import Color, Line, Style, TextEngine
from exchange_desk.domain.reports import MapMark, PartnerMap
from exchange_desk.domain.world_map import (
    BORDER,
    LAND,
    SEA,
    TIER_COLOURS,
    Box,
    Frame,
    LabelBox,
    edge,
    labelled_count,
    place_labels,
    radius,
)

# The report's own ink and grey (documents/report_pdf.py), repeated: that module imports
# this one.
INK: Color = (0.12, 0.14, 0.17)
MUTED: Color = (0.38, 0.42, 0.46)
LABEL = Style(Family.SANS, 7.5, True, INK, 1.25)
LABEL_MUTED = Style(Family.SANS, 7.5, True, MUTED, 1.25)
LEGEND = Style(Family.SANS, 7.5, False, INK, 1.3)
LEGEND_MUTED = Style(Family.SANS, 7.5, False, MUTED, 1.3)
RIM = colors.Color(205 / 255, 218 / 255, 222 / 255)
DOT = 3.2  # a tier's dot in the legend
SPACING = 12.0  # between the legend's entries
GAP = 4.0  # between a swatch and its text


def _rgb(value: tuple[int, int, int], alpha: float = 1.0) -> colors.Color:
    return colors.Color(value[0] / 255, value[1] / 255, value[2] / 255, alpha)


class _Layout(Protocol):
    """What the map needs of the report's layout (`report_pdf._Layout`)."""

    engine: TextEngine
    rtl: bool
    measuring: bool


class WorldMapFlowable(Flowable):  # type: ignore[misc]
    """A `PartnerMap` block: the map at the frame's width, its legend under it. Never split
    across pages."""

    def __init__(self, layout: _Layout, block: PartnerMap) -> None:
        super().__init__()
        self.layout, self.block = layout, block
        self.spaceBefore, self.spaceAfter = 4, 6
        self._frame = Frame.fit(1, 1)
        self._legend_height = 0.0

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width = available_width
        self._frame = Frame.fit(available_width, 10_000)
        self._frame = Frame(0.0, 0.0, self._frame.scale, self._frame.bounds)
        big = radius(1, 1, self._frame.width)
        self._legend_height = max(2 * big, LEGEND.size * LEGEND.leading) + 6
        self.height = self._frame.height + self._legend_height
        return self.width, self.height

    # --- positions: the frame's are y down from the map's top; the page's are y up -------

    def _page(self, x: float, y: float) -> tuple[float, float]:
        return x, self.height - y

    def draw(self) -> None:
        if self.layout.measuring:
            return
        canvas = self.canv
        frame = self._frame
        block = self.block
        canvas.saveState()
        # The sea: the globe between the map's latitudes.
        sea = canvas.beginPath()
        for index, (x, y) in enumerate(edge()):
            page = self._page(*frame.place(x, y))
            if index == 0:
                sea.moveTo(*page)
            else:
                sea.lineTo(*page)
        sea.close()
        canvas.setFillColor(_rgb(SEA))
        canvas.setStrokeColor(RIM)
        canvas.setLineWidth(0.6)
        canvas.drawPath(sea, stroke=1, fill=1)
        # The land, one path: rings of islands and holes alike, filled even-odd.
        land = canvas.beginPath()
        scale, left = frame.scale, frame.left
        west, north = frame.bounds.west, frame.bounds.north
        top = self.height - frame.top
        for country in block.world.countries:
            for ring in country.rings:
                land.moveTo(left + (ring[0] - west) * scale, top - (north - ring[1]) * scale)
                for index in range(2, len(ring) - 1, 2):
                    land.lineTo(
                        left + (ring[index] - west) * scale,
                        top - (north - ring[index + 1]) * scale,
                    )
                land.close()
        canvas.setFillColor(_rgb(LAND))
        canvas.setStrokeColor(_rgb(BORDER))
        canvas.setLineWidth(0.35)
        canvas.drawPath(land, stroke=1, fill=1, fillMode=0)  # 0: even-odd

        marks = sorted(block.marks, key=lambda m: -m.value)
        largest = max((m.value for m in marks), default=0)
        circles: list[tuple[MapMark, float, float, float]] = []
        for mark in marks:
            x, y = frame.locate(mark.longitude, mark.latitude)
            circles.append((mark, x, y, radius(mark.value, largest, frame.width)))
        canvas.setStrokeColor(colors.white)
        canvas.setLineWidth(0.6)
        for mark, x, y, r in circles:
            canvas.setFillColor(_rgb(TIER_COLOURS.get(mark.tier, (120, 120, 120)), 0.9))
            canvas.circle(*self._page(x, y), r, stroke=1, fill=1)

        legend = self._legend(largest)
        self._labels(circles, legend)
        if not marks and block.empty_text:
            lines = self.layout.engine.wrap(block.empty_text, LEGEND_MUTED, frame.width * 0.8)
            y = self.height - frame.height / 2
            for line in lines:
                self.layout.engine.draw_line(canvas, line, frame.width / 2, y, "center")
                y -= line.height
        canvas.restoreState()

    def _labels(self, circles: list[tuple[MapMark, float, float, float]], legend: Box) -> None:
        """The busiest partners' names beside their circles, where they overlap nothing."""
        engine = self.layout.engine
        canvas = self.canv
        count = labelled_count([mark.value for mark, *_rest in circles], self.block.most_labels)
        lines: dict[int, Line] = {}
        boxes = []
        for index, (mark, x, y, r) in enumerate(circles[:count]):
            style = LABEL_MUTED if mark.muted else LABEL
            found = engine.wrap(mark.label, style, 1000.0, None)
            if not found:
                continue
            lines[index] = found[0]
            boxes.append(LabelBox(index, x, y, r, found[0].width + 4, style.size * 1.35))
        placed = place_labels(
            boxes,
            area=(0.0, 0.0, self.width, self._frame.height),
            avoid=(legend,),
            circles=tuple((x, y, r) for _mark, x, y, r in circles),
            start_left=self.layout.rtl,
            gap=2.0,
        )
        for index, box in placed.items():
            line = lines[index]
            left, bottom = self._page(box[0], box[3])
            height = box[3] - box[1]
            canvas.setFillColor(colors.Color(1, 1, 1, 0.85))
            canvas.roundRect(left, bottom, box[2] - box[0], height, 1.5, stroke=0, fill=1)
            size = line.style.size
            baseline = bottom + (height - size) / 2 + size * 0.22
            engine.draw_line(canvas, line, left + 2, baseline, "left")

    def _legend(self, largest: int) -> Box:
        """The legend on one line under the map: each tier's dot and name, then the size
        text with the circles of one and of the largest value and their numbers. At the
        map's right end in a left-to-right report, its left end in a right-to-left one,
        running in the report's direction. Returns its box (frame coordinates)."""
        engine = self.layout.engine
        canvas = self.canv
        rtl = self.layout.rtl
        block = self.block
        frame = self._frame
        entries: list[tuple[Line, float, colors.Color | None]] = []
        for key, label in block.tiers:
            found = engine.wrap(label, LEGEND, 1000.0, None)
            if found:
                entries.append((found[0], DOT, _rgb(TIER_COLOURS.get(key, (120, 120, 120)))))
        size_line = engine.wrap(block.size_text, LEGEND, 1000.0, None) if largest else []
        sizes: list[tuple[Line, float]] = []
        for value in sorted({1, largest}) if largest else []:
            found = engine.wrap(f"{value:,}", LEGEND_MUTED, 1000.0, False)
            if found:
                sizes.append((found[0], radius(value, largest, frame.width)))
        # Each advance of the walk below, less the space after the last entry.
        total = sum(2 * r + GAP + line.width + SPACING for line, r, _c in entries)
        if size_line:
            total += size_line[0].width + GAP
            total += sum(2 * r + 2 + line.width + GAP for line, r in sizes) - GAP
        else:
            total -= SPACING
        total = min(max(total, 0.0), self.width)
        start = 0.0 if rtl else self.width - total
        middle = frame.height + self._legend_height / 2 + 1  # y down

        def at(offset: float, length: float) -> float:
            """The x of a span `offset` from the legend's reading start, `length` long."""
            return start + total - offset - length if rtl else start + offset

        def write(line: Line, offset: float) -> None:
            left = at(offset, line.width)
            size = line.style.size
            engine.draw_line(canvas, line, left, self.height - middle - size * 0.35, "left")

        cursor = 0.0
        for line, r, colour in entries:
            canvas.setFillColor(colour)
            canvas.setStrokeColor(colors.white)
            canvas.circle(at(cursor, 2 * r) + r, self.height - middle, r, stroke=0, fill=1)
            write(line, cursor + 2 * r + GAP)
            cursor += 2 * r + GAP + line.width + SPACING
        if size_line:
            write(size_line[0], cursor)
            cursor += size_line[0].width + GAP
            canvas.setStrokeColor(colors.Color(*MUTED))
            canvas.setLineWidth(0.5)
            for line, r in sizes:
                canvas.circle(at(cursor, 2 * r) + r, self.height - middle, r, stroke=1, fill=0)
                write(line, cursor + 2 * r + 2)
                cursor += 2 * r + 2 + line.width + GAP
        return (start, frame.height, start + total, self.height)


__all__ = ["WorldMapFlowable"]
