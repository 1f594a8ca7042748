"""Lobby pages: a screen too long for a TV that nobody can scroll plays as pages, one after the other.

A detail's body, or a slide's summary, is cut between whole rows (a line with its bullet, badge or
picture); the first page keeps the full heading, later pages repeat it compactly, and "2/3" sits
at the end of the heading's first line, in room kept for it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from kiosk.layout.items import Box, Item, Measure, TextLine
from kiosk.layout.text import Flow

# Text lines that count as read for a page's reading time (as `visible_words` counts them): the
# heading and the text, not the kicker, the page marker or the step numbers.
READ_ROLES = frozenset({"title", "body", "step", "summary"})


@dataclass(frozen=True, slots=True, kw_only=True)
class Unit:
    """Items that must stay on one page: a line, with the bullet, badge or picture beside it."""

    top: int
    bottom: int
    items: tuple[Item, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Page:
    items: tuple[Item, ...]
    words: int


def later_head(
    title: str, size_px: int, gap_px: float, measure: Measure, top: int, column: Box, language: str
) -> Flow:
    """The heading of the pages after the first: one kicker-sized line where it fits, with room
    kept for the page marker."""
    head = Flow(measure, column.x, max(1, column.w - marker_room(size_px, measure)), top, language=language)
    head.text(title, size_px, bold=True, color="teal", role="title")
    head.width = column.w
    head.gap(gap_px)
    return head


def units(body: list[Item], rows: Sequence[tuple[int, int]] = ()) -> list[Unit]:
    """The body cut into the rows a page may end between: items whose heights overlap (a line and
    its bullet, a step's badge and picture and the lines beside it) stay together, and so do the
    lines of a row of two steps (`rows`), so that each step reads on in its own column."""
    lines: list[Unit] = []
    for item in sorted(body, key=lambda item: (item.box.y, item.box.x)):
        if lines and item.box.y < lines[-1].bottom:
            last = lines[-1]
            lines[-1] = Unit(
                top=last.top, bottom=max(last.bottom, item.box.bottom), items=(*last.items, item)
            )
        else:
            lines.append(Unit(top=item.box.y, bottom=item.box.bottom, items=(item,)))
    out: list[Unit] = []
    for unit in lines:
        row = next(((top, bottom) for top, bottom in rows if top <= unit.top < bottom), None)
        if out and row is not None and row[0] <= out[-1].top < row[1]:
            last = out[-1]
            out[-1] = Unit(
                top=last.top, bottom=max(last.bottom, unit.bottom), items=(*last.items, *unit.items)
            )
        else:
            out.append(unit)
    return out


def paginate(
    parts: list[Unit],
    first: tuple[list[Item], int],
    later: tuple[list[Item], int],
    limit: int,
    overflow: list[str],
) -> list[Page]:
    """Fill pages top-down with whole units. `first` and `later` are the heading of the first
    page and of the pages after it, each with the row where the text under it starts."""
    spans = _keep_together(parts, _spans(parts, first[1], later[1], limit, overflow), later[1], limit)
    pages: list[Page] = []
    for number, span in enumerate(spans):
        head, top = first if number == 0 else later
        offset = parts[span[0]].top - top if span else 0
        page = list(head) + [shift(item, -offset) for index in span for item in parts[index].items]
        pages.append(Page(items=tuple(page), words=words(page)))
    return pages


def _spans(
    parts: list[Unit], first_top: int, later_top: int, limit: int, overflow: list[str]
) -> list[list[int]]:
    """The units each page holds, filled top-down (the first page may hold none: a heading alone)."""
    spans: list[list[int]] = [[]]
    top = first_top
    offset = 0  # how far this page's units move up from where the single long column put them
    started = False
    for index, unit in enumerate(parts):
        if started and _starts_block(parts, index):
            # A paragraph, bullet or step that would break across pages but fits a page of its
            # own starts a new page, unless that leaves this one more than half empty.
            block_bottom = _block_bottom(parts, index)
            if (
                block_bottom - offset > limit
                and block_bottom - unit.top <= limit - later_top
                and (unit.top - offset - top) * 2 >= limit - top
            ):
                spans.append([])
                top, started = later_top, False
        if started and unit.bottom - offset > limit:
            spans.append([])
            top, started = later_top, False
        if not started and len(spans) == 1 and unit.bottom - unit.top > limit - top:
            # A heading so tall that the first row does not fit under it (a long title, a row of
            # two steps): the heading gets a page of its own, the text starts on the next.
            if unit.bottom - unit.top <= limit - later_top:
                spans.append([])
                top = later_top
        if not started:
            offset = unit.top - top
            started = True
            if unit.bottom - offset > limit:
                overflow.append(f"a row of {unit.bottom - unit.top}px is taller than a whole page")
        spans[-1].append(index)
    return spans


def _keep_together(parts: list[Unit], spans: list[list[int]], later_top: int, limit: int) -> list[list[int]]:
    """Moves a line to the next page where a page would hold only one short line of its own: the
    last page a lone line (a widow), or a page that ends on the first item of a list that goes on
    over the page (an orphan). Only where the next page still holds it, and the page it leaves
    keeps at least two rows."""
    spans = [list(span) for span in spans]
    if not parts:
        return spans
    column_x = min((item.box.x for unit in parts for item in _read_lines(unit)), default=0)
    for number in range(len(spans) - 1):
        here, after = spans[number], spans[number + 1]
        if len(here) < 3 or not after:
            continue
        moved = here[-1]
        widow = number + 2 == len(spans) and len(after) == 1 and len(_read_lines(parts[after[0]])) == 1
        orphan = (
            _listed(parts[moved], column_x)
            and _starts_block(parts, moved)
            and _starts_block(parts, after[0])
            and not _listed(parts[here[-2]], column_x)
            and _listed(parts[after[0]], column_x)
        )
        if (widow or orphan) and parts[after[-1]].bottom - parts[moved].top + later_top <= limit:
            here.pop()
            after.insert(0, moved)
    return spans


def _read_lines(unit: Unit) -> list[TextLine]:
    return [item for item in unit.items if isinstance(item, TextLine) and item.role in READ_ROLES]


def _listed(unit: Unit, column_x: int) -> bool:
    """A line of a list item: its text hangs right of the column's edge, beside a bullet or number."""
    lines = [line for line in _read_lines(unit) if line.role == "body"]
    return bool(lines) and all(line.box.x > column_x for line in lines)


def marker_room(size: int, measure: Measure) -> int:
    """Room kept at the end of a heading's first line for the widest marker ("10/10")."""
    return measure("10/10", size, True) + round(size * 0.8)


def marker(head: Flow, number: int, count: int, column: Box, measure: Measure) -> list[Item]:
    """ "2/3" at the right end of the heading's first line, in the room kept for it."""
    if count < 2 or not head.items:
        return []
    first = head.items[0]
    assert isinstance(first, TextLine)
    size = first.size_px
    text = f"{number + 1}/{count}"
    width = measure(text, size, True)
    box = Box(column.x + column.w - width, first.box.y, width, max(first.box.h, size))
    return [TextLine(text, box, size, True, "teal", width, role="page", block="page")]


def words(items: Sequence[Item]) -> int:
    return sum(
        len(item.text.split()) for item in items if isinstance(item, TextLine) and item.role in READ_ROLES
    )


def shift(item: Item, dy: int) -> Item:
    if dy == 0:
        return item
    return replace(item, box=Box(item.box.x, item.box.y + dy, item.box.w, item.box.h))


def _block(unit: Unit) -> str:
    return next((item.block for item in unit.items if isinstance(item, TextLine) and item.block), "")


def _starts_block(parts: list[Unit], index: int) -> bool:
    return index == 0 or _block(parts[index]) != _block(parts[index - 1])


def _block_bottom(parts: list[Unit], index: int) -> int:
    """The bottom of the paragraph, bullet or step that starts with `parts[index]`."""
    key = _block(parts[index])
    bottom = parts[index].bottom
    for unit in parts[index + 1 :]:
        if _block(unit) != key:
            break
        bottom = unit.bottom
    return bottom
