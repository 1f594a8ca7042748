"""The preview's panels (errors, warnings, help) and its status line, laid out as the kiosk's own
layout items: wrapped by `kiosk.layout.text.Flow`, drawn by the kiosk's painter. Pure geometry.

Colours are literal "#rrggbb" roles, which every theme passes through unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

from kiosk.layout.items import Box, Item, Measure, Shape, TextLine
from kiosk.layout.text import Flow, ellipsize

BACKDROP = "#2e3136"
BAR = "#181a1e"
BAR_TEXT = "#e2e6ea"
PANEL = "#121418"
PANEL_ALPHA = 238  # see-through enough to tell which screen is underneath
ERROR_TITLE = "#ffaaa0"
WARNING_TITLE = "#ffd682"
PANEL_TEXT = "#f0f2f4"
PANEL_MUTE = "#b2bac2"
CODE_BACK = "#2c3038"
LINE_STEP = 1.35  # line height, as a multiple of the text size

LineKind = Literal["title", "bold", "text", "code", "pair", "gap"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Line:
    """A paragraph of a panel before wrapping. `pair`: "keys\\twhat" (help); `code`: a line of a
    file, its `column` underlined."""

    kind: LineKind
    text: str = ""
    colour: str = PANEL_TEXT
    column: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Panel:
    box: Box
    items: tuple[Item, ...]  # in window coordinates, the backing first
    text: tuple[str, ...]  # the lines as shown, for tests and logs


@dataclass(frozen=True, slots=True)
class _Row:
    top: int
    height: int
    items: tuple[Item, ...]


def unit_px(width: int, height: int) -> int:
    """The base text size of the window's own text: readable at any window size."""
    return max(13, min(26, round(min(width / 62, height / 38))))


def panel(
    lines: list[Line],
    *,
    area: Box,
    unit: int,
    measure: Measure,
    bottom: bool = False,
    max_share: float = 1.0,
    more_hint: str = "",
) -> Panel:
    """A panel of wrapped lines over the picture, centred in `area`, cut with "… and more" when it
    would take more than `max_share` of the area's height."""
    margin = round(unit * 1.2)
    pad = round(unit * 0.9)
    width = min(area.w - 2 * margin, round(unit * 56))
    inner = width - 2 * pad
    max_h = round((area.h - 2 * margin) * max_share)
    key_w = max(
        (measure(line.text.split("\t")[0], unit, True) + unit for line in lines if line.kind == "pair"),
        default=0,
    )
    flow = Flow(measure, 0, inner, 0)
    rows: list[_Row] = []
    for line in lines:
        size = round(unit * 1.3) if line.kind == "title" else unit
        top = flow.y
        if line.kind == "gap":
            flow.gap(unit * 0.5)
            rows.append(_Row(top, flow.y - top, ()))
        elif line.kind == "code":
            rows.append(_code_row(line, flow, size, inner, measure))
        elif line.kind == "pair":
            key, what = line.text.split("\t")
            placed = flow.text(what, size, color=line.colour, line_height=LINE_STEP, indent_px=key_w)
            first = placed[0].box
            label = TextLine(
                key, Box(0, first.y, key_w, first.h), size, True, line.colour, measure(key, size, True)
            )
            rows.append(_Row(first.y, first.h, (label, placed[0])))
            rows += [_Row(item.box.y, item.box.h, (item,)) for item in placed[1:]]
        else:
            bold = line.kind in ("title", "bold")
            placed = flow.text(line.text, size, bold=bold, color=line.colour, line_height=LINE_STEP)
            rows += [_Row(item.box.y, item.box.h, (item,)) for item in placed]
    if flow.y + 2 * pad > max_h:
        step = round(unit * LINE_STEP)
        budget = max_h - 2 * pad - step
        kept = [row for row in rows if row.top + row.height <= budget]
        end = kept[-1].top + kept[-1].height if kept else 0
        note = "… and more" + (f" ({more_hint})" if more_hint else "")
        more = Flow(measure, 0, inner, end).text(note, unit, color=PANEL_MUTE, line_height=LINE_STEP)[:1]
        rows = [*kept, _Row(end, step, tuple(more))]
    height = (rows[-1].top + rows[-1].height if rows else 0) + 2 * pad
    x = area.x + (area.w - width) // 2
    y = area.bottom - margin - height if bottom else area.y + margin
    box = Box(x, y, width, height)
    backing = Shape("rect", box, fill=PANEL, radius_px=max(4, unit // 2), layer="panel", role="panel")
    items = [_moved(item, x + pad, y + pad) for row in rows for item in row.items]
    text = tuple(item.text for item in items if isinstance(item, TextLine) and item.text)
    return Panel(box=box, items=(backing, *items), text=text)


def _code_row(line: Line, flow: Flow, size: int, inner: int, measure: Measure) -> _Row:
    """The line from the file, its indentation made visible (· a space, » a tab), the column
    underlined."""
    text = line.text
    indent = len(text) - len(text.lstrip(" \t"))
    visible = text[:indent].replace(" ", "·").replace("\t", "»") + text[indent:]
    if measure(visible, size, False) > inner:
        visible = ellipsize(visible, inner, size, measure)
    top = flow.y
    height = round(size * LINE_STEP) + size // 3
    flow.gap(height)
    bleed = size // 3
    items: list[Item] = [
        Shape(
            "rect",
            Box(-bleed, top + 1, inner + 2 * bleed, height - 2),
            fill=CODE_BACK,
            radius_px=3,
            layer="panel",
            role="code",
        ),
        TextLine(
            visible,
            Box(0, top, inner, height),
            size,
            False,
            line.colour,
            measure(visible, size, False),
            role="code",
        ),
    ]
    column = line.column
    if column is not None and 1 <= column <= len(visible):
        left = measure(visible[: column - 1], size, False)
        span = max(measure(visible[column - 1], size, False), size // 2)
        thick = max(3, size // 6)
        items.append(
            Shape("rect", Box(left, top + height - thick - 3, span, thick), fill=ERROR_TITLE, role="caret")
        )
    return _Row(top, height, tuple(items))


def status_bar(left: str, right: str, *, box: Box, unit: int, measure: Measure, alert: bool) -> Panel:
    """The line at the bottom: where the preview is on the left, the counts and keys on the right."""
    size = max(11, round(unit * 0.85))
    pad = round(unit * 0.8)
    right_w = measure(right, size, True)
    room = box.w - 3 * pad - right_w
    if measure(left, size, False) > room:
        left = ellipsize(left, max(0, room), size, measure) if room > 0 else ""
    line_h = round(size * LINE_STEP)
    top = box.y + (box.h - line_h) // 2
    items: list[Item] = [Shape("rect", box, fill=BAR, layer="panel", role="status")]
    if left:
        items.append(
            TextLine(
                left,
                Box(box.x + pad, top, room, line_h),
                size,
                False,
                BAR_TEXT,
                measure(left, size, False),
                role="status",
            )
        )
    items.append(
        TextLine(
            right,
            Box(box.right - pad - right_w, top, right_w, line_h),
            size,
            True,
            ERROR_TITLE if alert else BAR_TEXT,
            right_w,
            role="status",
        )
    )
    return Panel(box=box, items=tuple(items), text=tuple(t for t in (left, right) if t))


def _moved(item: Item, dx: int, dy: int) -> Item:
    box = item.box
    return replace(item, box=Box(box.x + dx, box.y + dy, box.w, box.h))
