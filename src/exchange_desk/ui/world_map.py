"""The partners' world map: the countries in a light fill, each partner city a circle whose
area grows with its exchanges, coloured by tier, the busiest few named in the window's
language, and a legend under it.

The caller reads the data off the GUI thread (`services.partner_map.partner_points` and
`load_world`) and hands them over with `set_points`; the widget reads nothing. Hovering a
circle rings it and its tooltip names the city, its country, tier and exchanges; clicking
it emits `partner_chosen` with the partnership's id.

The map is geography, so a right-to-left (Hebrew) window does not mirror it: only the
legend moves to the other side (the left) and runs from right to left, and labels try the
left of their circle first. The map keeps its proportions at any size; the countries'
outline is turned into a path once per size (10,000 points), so repainting on hover is
cheap. `python -m exchange_desk.ui.world_map --db FILE [--lang he] [--screenshot OUT.png]`
shows it alone.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QHelpEvent,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPen,
    QPixmap,
    QPolygonF,
    QTransform,
)
from PySide6.QtWidgets import QToolTip, QWidget

from exchange_desk.domain.countries import country_name
from exchange_desk.domain.enums import PartnershipTier
from exchange_desk.domain.world_map import (
    BORDER,
    LAND,
    SEA,
    TIER_COLOURS,
    Box,
    Frame,
    LabelBox,
    World,
    edge,
    labelled_count,
    place_labels,
    radius,
)
from exchange_desk.i18n.catalog import _, ngettext
from exchange_desk.i18n.formatting import format_number
from exchange_desk.services.partner_map import PartnerPoint
from exchange_desk.ui.formatting import babel_locale
from exchange_desk.ui.translated import Retranslating

INK = QColor(30, 36, 42)
MUTED = QColor(96, 106, 116)
EDGE = QColor(205, 218, 222)  # the map's rim
HALO = QColor(255, 255, 255, 215)  # behind a label
PAD = 6.0  # around the map
MOST_LABELS = 6
HIT_SLACK = 3.0  # a click this close to a small circle still hits it
LEGEND_GAP = 5.0  # between the parts of one legend entry (the size's text and circles)
LEGEND_SPACING = 16.0  # between legend entries


def _colour(rgb: tuple[int, int, int], alpha: int = 255) -> QColor:
    return QColor(rgb[0], rgb[1], rgb[2], alpha)


@dataclass(frozen=True, slots=True)
class _Circle:
    point: PartnerPoint
    centre: QPointF
    radius: float


@dataclass(frozen=True, slots=True)
class _Swatch:
    """An entry of the legend before it is placed: a tier's dot (`colour`), an outlined
    circle of a value (no colour), or text alone (no radius)."""

    text: str
    radius: float
    colour: QColor | None
    gap: float = 5.0  # between the swatch and its text


def _at(start: float, line_width: float, offset: float, length: float, rtl: bool) -> float:
    """The left x of a span `offset` from the reading start of a line of the legend that
    begins at `start` on the page and is `line_width` wide."""
    return start + line_width - offset - length if rtl else start + offset


def _swatch_width(swatch: _Swatch, metrics: QFontMetricsF) -> float:
    circle = 2 * swatch.radius + swatch.gap if swatch.radius else 0.0
    return circle + metrics.horizontalAdvance(swatch.text)


@dataclass(frozen=True, slots=True)
class _LegendItem:
    """One entry of the legend: a swatch (a tier's dot, or an outlined circle of a value)
    and its text, at their places."""

    text: str
    text_rect: QRectF
    centre: QPointF
    radius: float
    colour: QColor | None  # None: an outlined reference circle


@dataclass(slots=True)
class _Layout:
    """Everything placed for one size, direction and set of points."""

    frame: Frame
    map_rect: QRectF
    land: QPainterPath
    sea: QPolygonF
    circles: list[_Circle]
    labels: list[tuple[str, QRectF]]
    legend: list[_LegendItem]
    legend_rect: QRectF
    note: tuple[str, QRectF] | None
    background: QPixmap | None = None  # the sea and the land, drawn once


class WorldMap(Retranslating, QWidget):
    """The partners on a world map; `partner_chosen(partnership_id)` on a click."""

    partner_chosen = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._points: list[PartnerPoint] = []
        self._world: World | None = None
        self._without_place = 0
        self._base: QPainterPath | None = None  # the countries in projected units
        self._layout: _Layout | None = None
        self._layout_key: tuple[object, ...] = ()
        self._hovered: int | None = None  # partnership id
        self._pressed: int | None = None
        self._empty_text = ""
        self._size_text = ""
        self.setMouseTracking(True)
        policy = self.sizePolicy()
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        self.translate_now()

    # --- the data ---------------------------------------------------------------------------

    def set_points(
        self, points: Iterable[PartnerPoint], world: World, *, without_place: int = 0
    ) -> None:
        """Show `points` on `world` (both read by the caller, off the GUI thread);
        `without_place` partners have no coordinates and are named as a count."""
        # Busiest first: drawn first (under the small ones) and labelled first.
        self._points = sorted(points, key=lambda p: (-p.exchanges, p.names.en, p.partnership_id))
        if world is not self._world:
            self._world = world
            self._base = None
        self._without_place = without_place
        self._hovered = self._pressed = None
        self._layout = None
        self.update()

    def points(self) -> list[PartnerPoint]:
        """The points shown, busiest first."""
        return list(self._points)

    def retranslate(self) -> None:
        self._empty_text = _("No partner city with a known place to show yet.")
        self._size_text = _("Circle size: exchanges")
        self._layout = None
        self.update()

    # --- geometry ---------------------------------------------------------------------------

    def sizeHint(self) -> QSize:
        return QSize(900, 450)

    def minimumSizeHint(self) -> QSize:
        return QSize(320, 176)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        frame = Frame.fit(max(width - 2 * PAD, 1), 10_000)
        return int(frame.height + 2 * PAD + self._legend_height(width))

    def map_rect(self) -> QRectF:
        """Where the map is drawn (its bounds at this size)."""
        return QRectF(self._placed().map_rect)

    def legend_rect(self) -> QRectF:
        """Where the legend is drawn: under the map, at its right end in a left-to-right
        window and at its left end in a right-to-left one."""
        return QRectF(self._placed().legend_rect)

    def point_position(self, partnership_id: int) -> QPointF | None:
        """The centre of a partner's circle, None when it is not on the map."""
        for circle in self._placed().circles:
            if circle.point.partnership_id == partnership_id:
                return QPointF(circle.centre)
        return None

    def point_at(self, position: QPointF) -> PartnerPoint | None:
        """The partner whose circle is at `position`: the one drawn on top (the smaller),
        or a small one just beside it."""
        best: tuple[float, PartnerPoint] | None = None
        for circle in reversed(self._placed().circles):
            dx = position.x() - circle.centre.x()
            dy = position.y() - circle.centre.y()
            distance = (dx * dx + dy * dy) ** 0.5
            if distance <= circle.radius:
                return circle.point
            if distance <= circle.radius + HIT_SLACK and (best is None or distance < best[0]):
                best = (distance, circle.point)
        return best[1] if best else None

    def labelled(self) -> list[str]:
        """The names written on the map, in the order they were placed."""
        return [text for text, _rect in self._placed().labels]

    def tooltip_text(self, point: PartnerPoint) -> str:
        """The tooltip of a partner's circle: its name and country, tier and exchanges."""
        name = point.names.best() or point.names.en
        country = country_name(point.country, babel_locale())
        tier = point.tier.label
        lines = [f"{name} · {country}" if country else name, tier[:1].upper() + tier[1:]]
        lines.append(
            ngettext("{count} exchange", "{count} exchanges", point.exchanges).format(
                count=format_number(point.exchanges)
            )
        )
        if point.is_sample:
            lines.append(_("Sample record: invented for the demo, not a fact"))
        return "\n".join(lines)

    def _legend_font(self) -> QFont:
        font = QFont(self.font())
        font.setPointSizeF(max(font.pointSizeF() * 0.92, 7.0))
        return font

    def _legend_height(self, width: float) -> float:
        frame = Frame.fit(max(width - 2 * PAD, 1), 10_000)
        rows = self._legend_rows(frame.width, self._largest())
        height = sum(row_height for _groups, _width, row_height in rows) + 4
        if self._without_place:
            height += QFontMetricsF(self._legend_font()).height() + 2
        return height

    def _largest(self) -> int:
        return max((p.exchanges for p in self._points), default=0)

    def _placed(self) -> _Layout:
        key = (self.width(), self.height(), self.isRightToLeft(), self._empty_text)
        if self._layout is None or self._layout_key != key:
            self._layout = self._lay_out()
            self._layout_key = key
        return self._layout

    def _base_path(self) -> QPainterPath:
        if self._base is None:
            path = QPainterPath()
            path.setFillRule(Qt.FillRule.OddEvenFill)
            if self._world is not None:
                for country in self._world.countries:
                    for ring in country.rings:
                        path.moveTo(ring[0], ring[1])
                        for index in range(2, len(ring) - 1, 2):
                            path.lineTo(ring[index], ring[index + 1])
                        path.closeSubpath()
            self._base = path
        return self._base

    def _lay_out(self) -> _Layout:
        rtl = self.isRightToLeft()
        width, height = float(self.width()), float(self.height())
        legend_height = self._legend_height(width)
        frame = Frame.fit(max(width - 2 * PAD, 1), max(height - 2 * PAD - legend_height, 1))
        # The map and its legend together, centred up and down.
        top = PAD + max(height - 2 * PAD - frame.height - legend_height, 0) / 2
        frame = Frame(PAD + frame.left, top, frame.scale, frame.bounds)
        map_rect = QRectF(frame.left, frame.top, frame.width, frame.height)
        bounds = frame.bounds
        transform = QTransform(
            frame.scale,
            0,
            0,
            -frame.scale,
            frame.left - bounds.west * frame.scale,
            frame.top + bounds.north * frame.scale,
        )
        land = transform.map(self._base_path())
        sea = QPolygonF([QPointF(*frame.place(x, y)) for x, y in edge()])

        largest = self._largest()
        circles = [
            _Circle(
                point,
                QPointF(*frame.locate(point.longitude, point.latitude)),
                radius(point.exchanges, largest, frame.width),
            )
            for point in self._points
        ]
        legend, legend_rect, note = self._lay_out_legend(frame, map_rect, largest, rtl)

        font = self._label_font()
        metrics = QFontMetricsF(font)
        count = labelled_count([p.exchanges for p in self._points], MOST_LABELS)
        boxes = []
        texts: dict[int, str] = {}
        for index, circle in enumerate(circles[:count]):
            text = circle.point.names.best() or circle.point.names.en
            texts[index] = text
            boxes.append(
                LabelBox(
                    index,
                    circle.centre.x(),
                    circle.centre.y(),
                    circle.radius,
                    metrics.horizontalAdvance(text) + 6,
                    metrics.height() + 2,
                )
            )
        area: Box = (0.0, 0.0, width, legend_rect.top() if legend else height)
        legend_box: Box = (
            legend_rect.left(),
            legend_rect.top(),
            legend_rect.right(),
            legend_rect.bottom(),
        )
        placed = place_labels(
            boxes,
            area=area,
            avoid=(legend_box,),
            circles=tuple((c.centre.x(), c.centre.y(), c.radius) for c in circles),
            start_left=rtl,
        )
        labels = [
            (texts[key], QRectF(box[0], box[1], box[2] - box[0], box[3] - box[1]))
            for key, box in placed.items()
        ]
        return _Layout(frame, map_rect, land, sea, circles, labels, legend, legend_rect, note)

    def _label_font(self) -> QFont:
        font = QFont(self.font())
        font.setPointSizeF(max(font.pointSizeF() * 0.92, 7.0))
        font.setWeight(QFont.Weight.DemiBold)
        return font

    def _legend_groups(self, map_width: float, largest: int) -> list[list[_Swatch]]:
        """The legend's entries in reading order: each tier's dot and name, then the
        circle size with the circles of one exchange and of the most."""
        dot = 5.0
        # A legend's entries start with a capital ("Sister city"; the label is lower case
        # for use inside sentences).
        groups = [
            [
                _Swatch(
                    tier.label[:1].upper() + tier.label[1:], dot, _colour(TIER_COLOURS[tier.value])
                )
            ]
            for tier in PartnershipTier
        ]
        if largest > 0:
            sizes = [_Swatch(self._size_text, 0.0, None)]
            sizes += [
                _Swatch(format_number(value), radius(value, largest, map_width), None, 3.0)
                for value in sorted({1, largest})
            ]
            groups.append(sizes)
        return groups

    def _legend_rows(
        self, map_width: float, largest: int
    ) -> list[tuple[list[list[_Swatch]], float, float]]:
        """The legend's groups on as few lines as fit the map's width: each line's groups,
        its width and its height."""
        metrics = QFontMetricsF(self._legend_font())
        rows: list[tuple[list[list[_Swatch]], float, float]] = []
        for group in self._legend_groups(map_width, largest):
            width = sum(_swatch_width(s, metrics) for s in group) + LEGEND_GAP * (len(group) - 1)
            height = max(max(metrics.height(), 2 * s.radius) for s in group) + 4
            if rows and rows[-1][1] + LEGEND_SPACING + width <= map_width:
                groups, row_width, row_height = rows[-1]
                rows[-1] = (
                    [*groups, group],
                    row_width + LEGEND_SPACING + width,
                    max(row_height, height),
                )
            else:
                rows.append(([group], width, height))
        return rows

    def _lay_out_legend(
        self, frame: Frame, map_rect: QRectF, largest: int, rtl: bool
    ) -> tuple[list[_LegendItem], QRectF, tuple[str, QRectF] | None]:
        """The legend under the map, on one line where it fits: from the map's right end
        leftwards in a left-to-right window, from its left end rightwards in a right-to-left
        one, each entry's swatch before its text in reading order."""
        metrics = QFontMetricsF(self._legend_font())
        line = metrics.height()
        items: list[_LegendItem] = []
        top = map_rect.bottom() + 4
        legend_rect = QRectF()
        for groups, row_width, row_height in self._legend_rows(frame.width, largest):
            start = map_rect.left() if rtl else max(map_rect.right() - row_width, map_rect.left())
            middle = top + row_height / 2

            cursor = 0.0
            for group in groups:
                for swatch in group:
                    text_width = metrics.horizontalAdvance(swatch.text)
                    left = _at(start, row_width, cursor, 2 * swatch.radius, rtl)
                    if swatch.radius:
                        cursor += 2 * swatch.radius + swatch.gap
                    text_left = _at(start, row_width, cursor, text_width, rtl)
                    items.append(
                        _LegendItem(
                            swatch.text,
                            QRectF(text_left, middle - line / 2, text_width, line),
                            QPointF(left + swatch.radius, middle),
                            swatch.radius,
                            swatch.colour,
                        )
                    )
                    cursor += text_width + LEGEND_GAP
                cursor += LEGEND_SPACING - LEGEND_GAP
            legend_rect = legend_rect.united(QRectF(start, top, row_width, row_height))
            top += row_height
        note = None
        if self._without_place:
            text = ngettext(
                "{count} partner city has no place recorded and is not shown.",
                "{count} partner cities have no place recorded and are not shown.",
                self._without_place,
            ).format(count=format_number(self._without_place))
            note_width = metrics.horizontalAdvance(text)
            note_left = map_rect.left() if rtl else map_rect.right() - note_width
            note_rect = QRectF(note_left, top + 1, note_width, line)
            note = (text, note_rect)
            legend_rect = legend_rect.united(note_rect)
        return items, legend_rect, note

    # --- painting ---------------------------------------------------------------------------

    def _background(self, layout: _Layout) -> QPixmap:
        """The sea and the countries, drawn once per size and screen: a hover repaints the
        circles over this picture instead of the 10,000 points of the outline."""
        ratio = self.devicePixelRatioF()
        if layout.background is None or layout.background.devicePixelRatio() != ratio:
            picture = QPixmap(max(int(self.width() * ratio), 1), max(int(self.height() * ratio), 1))
            picture.setDevicePixelRatio(ratio)
            picture.fill(Qt.GlobalColor.transparent)
            painter = QPainter(picture)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setPen(QPen(EDGE, 1.0))
            painter.setBrush(_colour(SEA))
            painter.drawPolygon(layout.sea)
            border = QPen(_colour(BORDER), 0.7)
            border.setCosmetic(True)
            painter.setPen(border)
            painter.setBrush(_colour(LAND))
            painter.drawPath(layout.land)
            painter.end()
            layout.background = picture
        return layout.background

    def paintEvent(self, event: QPaintEvent) -> None:
        layout = self._placed()
        painter = QPainter(self)
        painter.drawPixmap(0, 0, self._background(layout))
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)

        hovered = None
        ring = QPen(QColor(255, 255, 255), 1.2)
        for circle in layout.circles:
            if circle.point.partnership_id == self._hovered:
                hovered = circle
            painter.setPen(ring)
            painter.setBrush(_colour(TIER_COLOURS[circle.point.tier.value], 225))
            painter.drawEllipse(circle.centre, circle.radius, circle.radius)
        if hovered is not None:
            # On top of its neighbours, ringed in ink.
            painter.setPen(QPen(INK, 2.0))
            painter.setBrush(_colour(TIER_COLOURS[hovered.point.tier.value]))
            painter.drawEllipse(hovered.centre, hovered.radius + 1.5, hovered.radius + 1.5)

        painter.setFont(self._label_font())
        for text, rect in layout.labels:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(HALO)
            painter.drawRoundedRect(rect, 3, 3)
            painter.setPen(INK)
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)

        if not layout.circles:
            painter.setPen(MUTED)
            painter.drawText(layout.map_rect, Qt.AlignmentFlag.AlignCenter, self._empty_text)

        painter.setFont(self._legend_font())
        align = Qt.AlignmentFlag.AlignVCenter | (
            Qt.AlignmentFlag.AlignRight if self.isRightToLeft() else Qt.AlignmentFlag.AlignLeft
        )
        for item in layout.legend:
            if item.radius:
                if item.colour is not None:
                    painter.setPen(QPen(QColor(255, 255, 255), 1.0))
                    painter.setBrush(item.colour)
                else:
                    painter.setPen(QPen(MUTED, 1.0))
                    painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.drawEllipse(item.centre, item.radius, item.radius)
            painter.setPen(INK if item.colour is not None or not item.radius else MUTED)
            painter.drawText(item.text_rect, align, item.text)
        if layout.note is not None:
            painter.setPen(MUTED)
            painter.drawText(layout.note[1], align, layout.note[0])
        painter.end()

    # --- the mouse --------------------------------------------------------------------------

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        found = self.point_at(event.position())
        hovered = found.partnership_id if found else None
        if hovered != self._hovered:
            self._hovered = hovered
            if found is None:
                self.unsetCursor()
            else:
                self.setCursor(Qt.CursorShape.PointingHandCursor)
            self.update()
        super().mouseMoveEvent(event)

    def leaveEvent(self, event: QEvent) -> None:
        if self._hovered is not None:
            self._hovered = None
            self.unsetCursor()
            self.update()
        super().leaveEvent(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            found = self.point_at(event.position())
            self._pressed = found.partnership_id if found else None
        super().mousePressEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self._pressed is not None:
            found = self.point_at(event.position())
            chosen = self._pressed
            self._pressed = None
            if found is not None and found.partnership_id == chosen:
                self.partner_chosen.emit(chosen)
        super().mouseReleaseEvent(event)

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            found = self.point_at(QPointF(event.pos()))
            if found is None:
                QToolTip.hideText()
                event.ignore()
            else:
                QToolTip.showText(event.globalPos(), self.tooltip_text(found), self)
            return True
        if event.type() == QEvent.Type.LayoutDirectionChange:
            self._layout = None
        return super().event(event)


def main(argv: list[str] | None = None) -> int:
    """Show the map of a database's partners alone (for a look or a screenshot)."""
    import argparse

    from PySide6.QtWidgets import QApplication

    from exchange_desk.services.database import open_office_database
    from exchange_desk.services.partner_map import load_world, partner_points
    from exchange_desk.ui.language import apply_language, register_bundled_fonts

    parser = argparse.ArgumentParser(prog="python -m exchange_desk.ui.world_map")
    parser.add_argument("--db", required=True)
    parser.add_argument("--lang", default="en")
    parser.add_argument("--size", default="900x450")
    parser.add_argument("--screenshot", type=Path)
    args = parser.parse_args(argv)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    register_bundled_fonts()
    apply_language(args.lang)
    database = open_office_database(args.db)
    found = partner_points(database)
    widget = WorldMap()
    widget.set_points(found.points, load_world(), without_place=found.without_place)
    width, height = (int(v) for v in args.size.split("x"))
    widget.resize(width, height)
    widget.partner_chosen.connect(lambda pid: print("partner", pid))
    if args.screenshot:
        widget.grab().save(str(args.screenshot))
        return 0
    widget.show()
    return int(app.exec())


if __name__ == "__main__":
    sys.exit(main())
