"""Layouts of the staff screens (PIN pad, status and tools, touch test, test pattern). Pure.

They reuse the layout vocabulary (shapes, text lines, hotspots) so the same painter draws them
and the same hit-testing reads them. The status comes in as plain data from the app.

The PIN pad is the one staff screen a visitor can reach (by holding the corner), so its words are
the deck's labels in the visitor's language. Everything behind the PIN is for staff and in English.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from kiosk.content.deck import Deck
from kiosk.content.labels import label as built_in_label
from kiosk.core.actions import (
    Action,
    AdminBack,
    AdminClose,
    AdminExit,
    AdminExitConfirm,
    AdminPage,
    AdminReload,
    AdminTestPattern,
    AdminTouchTest,
    PinClear,
    PinKey,
    PinOk,
)
from kiosk.core.admin import AdminState
from kiosk.layout.items import (
    Box,
    Hotspot,
    Item,
    Measure,
    ScreenLayout,
    Shape,
    TextLine,
)
from kiosk.layout.text import wrap


@dataclass(frozen=True)
class AdminInfo:
    name: str = "kiosk"
    version: str = ""
    uptime_s: float = 0.0
    deck: str = ""
    loaded_at: str = ""
    slides: int = 0
    errors: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    overdue: tuple[str, ...] = ()
    fps: float = 0.0
    memory_mb: float = 0.0
    today: str = ""  # "12 slides shown, 3 topics opened, 2 visitors"
    display: str = ""  # "1920x1080, rotation 0"


def _text(
    items: list[Item],
    text: str,
    x: int,
    y: int,
    size: int,
    *,
    bold: bool = False,
    color: str = "ink",
    measure: Measure,
    width: int | None = None,
) -> int:
    """Place `text` (wrapped to `width` when given) and return the y below it."""
    lines = wrap(text, width, size, bold, measure) if width else [text]
    step = round(size * 1.35)
    for line in lines:
        w = measure(line, size, bold)
        items.append(TextLine(line, Box(x, y, w, step), size, bold, color, w))
        y += step
    return y


def _button(
    items: list[Item],
    hotspots: list[Hotspot],
    label: str,
    action: Action,
    box: Box,
    size: int,
    measure: Measure,
    *,
    primary: bool = False,
) -> None:
    items.append(
        Shape(
            "rect",
            box,
            fill="teal" if primary else "card",
            border="teal",
            border_px=max(2, box.h // 30),
            radius_px=box.h // 4,
        )
    )
    w = measure(label, size, True)
    items.append(
        TextLine(
            label,
            Box(box.x + (box.w - w) // 2, box.y, w, box.h),
            size,
            True,
            "on_teal" if primary else "teal",
            w,
        )
    )
    hotspots.append(Hotspot(action, box))


def arrange_admin(
    admin: AdminState,
    info: AdminInfo,
    width: int,
    height: int,
    measure: Measure,
    *,
    deck: Deck | None = None,
    language: str = "en",
) -> ScreenLayout:
    """The staff screen; `deck` and `language` give the PIN pad's words (a visitor may see it)."""
    short = min(width, height)
    if admin.screen == "pin":
        words: Callable[[str], str] = (
            (lambda key: deck.label(key, language)) if deck else (lambda key: built_in_label(key, language))
        )
        items, hotspots = _pin_pad(admin, width, height, short, measure, words)
    else:
        arrange = {
            "main": _main,
            "touch": _touch_test,
            "pattern": _test_pattern,
            "exit": _exit_confirm,
        }[admin.screen]
        items, hotspots = arrange(admin, info, width, height, short, measure)
    return ScreenLayout(width, height, tuple(items), tuple(hotspots))


def _pin_pad(
    admin: AdminState, width: int, height: int, short: int, measure: Measure, words: Callable[[str], str]
) -> tuple[list[Item], list[Hotspot]]:
    items: list[Item] = []
    hotspots: list[Hotspot] = []
    key = round(short * 0.13)
    gap = round(key * 0.18)
    pad_w = 3 * key + 2 * gap
    x0 = (width - pad_w) // 2
    y = round(height * 0.06)
    title = round(short * 0.05)
    y = _text(items, words("staff_pin"), x0, y, title, bold=True, color="teal", measure=measure)
    # One filled circle per digit typed (the font has no bullet glyph, and shapes are crisper).
    dot = round(short * 0.03)
    for i in range(len(admin.digits)):
        items.append(Shape("circle", Box(x0 + i * round(dot * 1.6), y + dot // 2, dot, dot), fill="teal"))
    y += dot * 2
    message = admin.message or " "
    y = (
        _text(
            items,
            message,
            x0,
            y,
            round(short * 0.03),
            color="rose" if admin.message else "mute",
            measure=measure,
        )
        + gap
    )
    keys: list[tuple[str, Action]] = [(digit, PinKey(key=digit)) for digit in "123456789"]
    keys += [
        (words("clear"), PinClear()),
        ("0", PinKey(key="0")),
        ("OK", PinOk()),
    ]  # "OK" reads in any language
    size = round(key * 0.32)
    for i, (label, action) in enumerate(keys):
        row, col = divmod(i, 3)
        box = Box(x0 + col * (key + gap), y + row * (key + gap), key, key)
        # A word shrinks until it fits inside its key (a long translation must not spill over).
        fitted = (
            size if len(label) == 1 else _fitting(label, round(size * 0.6), key - 2 * (key // 10), measure)
        )
        _button(items, hotspots, label, action, box, fitted, measure, primary=isinstance(action, PinOk))
    cancel_size = round(size * 0.6)
    cancel_text = words("cancel")
    cancel_w = max(round(key * 1.6), measure(cancel_text, cancel_size, True) + round(key * 0.5))
    cancel = Box(round(width * 0.04), round(height * 0.05), cancel_w, round(key * 0.7))
    _button(items, hotspots, cancel_text, AdminClose(), cancel, cancel_size, measure)
    return items, hotspots


def _fitting(text: str, size: int, width: int, measure: Measure) -> int:
    """The largest size up to `size` at which bold `text` is at most `width` wide."""
    while size > 10 and measure(text, size, True) > width:
        size -= 1
    return size


def _main(
    admin: AdminState, info: AdminInfo, width: int, height: int, short: int, measure: Measure
) -> tuple[list[Item], list[Hotspot]]:
    items: list[Item] = []
    hotspots: list[Hotspot] = []
    margin = round(width * 0.04)
    size = max(14, round(short * 0.024))
    y = _text(
        items,
        f"Kiosk admin · {info.name}",
        margin,
        round(height * 0.04),
        round(short * 0.045),
        bold=True,
        color="teal",
        measure=measure,
    )
    hours, rest = divmod(int(info.uptime_s), 3600)
    facts = [
        f"Version {info.version} · up {hours} h {rest // 60} min · {info.fps:.1f} frames/s"
        f" · {info.memory_mb:.0f} MB",
        f"Deck: {info.deck} ({info.slides} slides), loaded {info.loaded_at}",
        f"Display: {info.display}",
        f"Today: {info.today}",
    ]
    column = width - 2 * margin
    for fact in facts:
        y = _text(items, fact, margin, y, size, measure=measure, width=column)
    y += size // 2
    # Exit kiosk sits at the far left, away from Close (far right); it only opens a confirm step.
    labels: list[tuple[str, Action]] = [
        ("Exit kiosk", AdminExit()),
        ("Reload content", AdminReload()),
        ("Touch test", AdminTouchTest()),
        ("Test pattern", AdminTestPattern()),
        ("Close", AdminClose()),
    ]
    gap = round(width * 0.012)
    per_row = len(labels) if width > height else 2  # portrait: two wide buttons a row
    rows = -(-len(labels) // per_row)
    button_w = (column - gap * (per_row - 1)) // per_row
    button_h = round(short * 0.1)
    top = height - round(short * 0.04) - rows * button_h - (rows - 1) * gap
    _problem_list(admin, info, items, hotspots, Box(margin, y, column, top - gap - y), size, measure)
    for i, (label, action) in enumerate(labels):
        row, col = divmod(i, per_row)
        box = Box(margin + col * (button_w + gap), top + row * (button_h + gap), button_w, button_h)
        _button(items, hotspots, label, action, box, size, measure, primary=isinstance(action, AdminClose))
    return items, hotspots


@dataclass(frozen=True)
class _Entry:
    section: str  # the heading it sits under
    text: str
    color: str


def _entries(info: AdminInfo) -> list[_Entry]:
    """Errors first, then slides past their review date, then the other warnings."""
    sections = (
        ("Content errors (the last good deck is showing)", info.errors, "rose"),
        ("Past their review date", info.overdue, "ink"),
        ("Warnings", info.warnings, "mute"),
    )
    return [
        _Entry(f"{heading} ({len(lines)})", line, color)
        for heading, lines, color in sections
        for line in lines
    ]


def _page(
    entries: list[_Entry], first: int, box: Box, size: int, measure: Measure
) -> list[tuple[_Entry, list[str], bool]]:
    """The entries from `first` that fit in `box`: (entry, wrapped lines, heading above it).

    Unless everything fits at once, the last row of the box is kept for the "+N more" line and
    its buttons."""
    whole = _fit(entries, first, box.w, box.h, size, measure)
    if first == 0 and len(whole) == len(entries):
        return whole
    return _fit(entries, first, box.w, box.h - round(PAGING_ROW * size), size, measure)


PAGING_ROW = 3.0  # the "+N more" row's height, in body sizes (with its gap above): buttons a finger hits


def _fit(
    entries: list[_Entry], first: int, width: int, budget: int, size: int, measure: Measure
) -> list[tuple[_Entry, list[str], bool]]:
    step = round(size * 1.35)
    small = round(size * 0.85)
    small_step = round(small * 1.35)
    shown: list[tuple[_Entry, list[str], bool]] = []
    used = 0
    section = None
    for entry in entries[first:]:
        heading = entry.section != section
        lines = wrap(entry.text, width, small, False, measure)
        need = (step if heading else 0) + len(lines) * small_step + (size // 2 if heading and shown else 0)
        if used + need > budget and shown:
            break
        shown.append((entry, lines, heading))
        used += need
        section = entry.section
    return shown


def _problem_list(
    admin: AdminState,
    info: AdminInfo,
    items: list[Item],
    hotspots: list[Hotspot],
    box: Box,
    size: int,
    measure: Measure,
) -> None:
    """Errors, overdue reviews and warnings, a page at a time: "+N more" and buttons to page."""
    entries = _entries(info)
    if not entries or box.h < 3 * size:
        return
    first = min(admin.list_first, len(entries) - 1)
    page = _page(entries, first, box, size, measure)
    small = round(size * 0.85)
    y = box.y
    for entry, lines, heading in page:
        if heading:
            y += size // 2 if y > box.y else 0
            y = _text(items, entry.section, box.x, y, size, bold=True, color="teal", measure=measure)
        for line in lines:
            w = measure(line, small, False)
            items.append(TextLine(line, Box(box.x, y, w, round(small * 1.35)), small, False, entry.color, w))
            y += round(small * 1.35)
    after = first + len(page)
    if first == 0 and after == len(entries):
        return  # everything fits: no paging row
    row_h = round(size * (PAGING_ROW - 0.3))
    row_y = box.y + box.h - row_h
    more = len(entries) - after
    note = f"+{more} more" if more else "end of the list"
    note = f"{note} · showing {first + 1}-{after} of {len(entries)}"
    w = measure(note, size, True)
    items.append(TextLine(note, Box(box.x, row_y, w, row_h), size, True, "ink", w))
    button_w = max(measure("Earlier", size, True), measure("More", size, True)) + 3 * size
    gap = size
    right = box.x + box.w
    if more:
        _button(
            items,
            hotspots,
            "More",
            AdminPage(first=after),
            Box(right - button_w, row_y, button_w, row_h),
            size,
            measure,
        )
    if first > 0:
        _button(
            items,
            hotspots,
            "Earlier",
            AdminPage(first=_previous_first(entries, first, box, size, measure)),
            Box(right - 2 * button_w - gap, row_y, button_w, row_h),
            size,
            measure,
        )


def _previous_first(entries: list[_Entry], first: int, box: Box, size: int, measure: Measure) -> int:
    """Where the page before the one starting at `first` starts: the earliest that reaches it."""
    for start in range(0, first):
        if start + len(_page(entries, start, box, size, measure)) >= first:
            return start
    return 0


def _exit_confirm(
    admin: AdminState, info: AdminInfo, width: int, height: int, short: int, measure: Measure
) -> tuple[list[Item], list[Hotspot]]:
    """Exit kiosk's confirm step. Its buttons sit mid-screen, not where Exit kiosk was, so a
    double tap cannot confirm; Stay is the highlighted choice."""
    items: list[Item] = []
    hotspots: list[Hotspot] = []
    margin = round(width * 0.08)
    column = width - 2 * margin
    title = round(short * 0.06)
    size = max(14, round(short * 0.032))
    y = _text(
        items,
        "Exit the kiosk?",
        margin,
        round(height * 0.18),
        title,
        bold=True,
        color="teal",
        measure=measure,
    )
    y = _text(
        items,
        "The screen will go black until it restarts.",
        margin,
        y + size // 2,
        size,
        measure=measure,
        width=column,
    )
    button_w = min(round(short * 0.45), (column - size) // 2)
    button_h = round(short * 0.13)
    top = max(y + size * 2, round(height * 0.45))
    centre = width // 2
    gap = max(size * 2, round(width * 0.06))
    exit_box = Box(centre - gap // 2 - button_w, top, button_w, button_h)
    stay_box = Box(centre + gap // 2, top, button_w, button_h)
    _button(items, hotspots, "Exit", AdminExitConfirm(), exit_box, size, measure)
    _button(items, hotspots, "Stay", AdminBack(), stay_box, size, measure, primary=True)
    return items, hotspots


def _touch_test(
    admin: AdminState, info: AdminInfo, width: int, height: int, short: int, measure: Measure
) -> tuple[list[Item], list[Hotspot]]:
    items: list[Item] = []
    hotspots: list[Hotspot] = []
    size = max(14, round(short * 0.028))
    margin = round(width * 0.04)
    y = _text(
        items,
        "Touch test: touch the screen; each finger leaves a mark and its position.",
        margin,
        round(height * 0.04),
        size,
        measure=measure,
        width=width - 2 * margin,
    )
    _text(
        items,
        f"Screen {width}x{height} (logical, after rotation) · {info.display}",
        margin,
        y,
        round(size * 0.8),
        color="mute",
        measure=measure,
    )
    radius = round(short * 0.025)
    for x, y_mark in admin.marks:
        items.append(
            Shape(
                "ring",
                Box(x - radius, y_mark - radius, 2 * radius, 2 * radius),
                border="rose",
                border_px=max(2, radius // 5),
            )
        )
        items.append(Shape("rect", Box(x - 1, y_mark - radius, 2, 2 * radius), fill="rose"))
        items.append(Shape("rect", Box(x - radius, y_mark - 1, 2 * radius, 2), fill="rose"))
        label = f"{x}, {y_mark}"
        label_size = round(size * 0.8)
        w = measure(label, label_size, False)
        h = round(size * 1.3)
        # Beside the mark, on whichever side has room, and always wholly on screen: a label cut
        # off at an edge is the one staff need when checking that edge.
        lx = x + radius + 4 if x + radius + 4 + w <= width else x - radius - 4 - w
        lx = min(max(0, lx), width - w)
        ly = min(max(0, y_mark - h), height - h)
        items.append(TextLine(label, Box(lx, ly, w, h), label_size, False, "ink", w))
    # Done sits at the middle of the lower part, clear of the corners and the bottom edge, so
    # testing a corner or an edge never ends the test.
    done_w, done_h = round(short * 0.3), round(short * 0.11)
    back = Box((width - done_w) // 2, height - round(short * 0.16) - done_h, done_w, done_h)
    _button(items, hotspots, "Done", AdminBack(), back, size, measure, primary=True)
    return items, hotspots


def _test_pattern(
    admin: AdminState, info: AdminInfo, width: int, height: int, short: int, measure: Measure
) -> tuple[list[Item], list[Hotspot]]:
    items: list[Item] = []
    hotspots: list[Hotspot] = []
    # The outermost pixel rows and columns, so a panel that crops its picture shows it at once.
    items.append(Shape("rect", Box(0, 0, width, height), border="#ff0000", border_px=1))
    items.append(Shape("rect", Box(4, 4, width - 8, height - 8), border="#0000ff", border_px=2))
    corner = round(short * 0.06)
    for cx, cy in ((0, 0), (width - corner, 0), (0, height - corner), (width - corner, height - corner)):
        items.append(Shape("rect", Box(cx, cy, corner, corner), fill="#1d2b33"))
    # A grey scale in 17 steps: on a good panel every step differs from its neighbours.
    steps = 17
    margin = round(width * 0.08)
    step_w = (width - 2 * margin) // steps
    top = round(height * 0.12)
    for i in range(steps):
        value = min(255, i * 16)
        items.append(
            Shape(
                "rect",
                Box(margin + i * step_w, top, step_w, round(height * 0.18)),
                fill=f"#{value:02x}{value:02x}{value:02x}",
            )
        )
        label = str(value)
        size = max(10, round(short * 0.018))
        w = measure(label, size, False)
        items.append(
            TextLine(
                label,
                Box(
                    margin + i * step_w + (step_w - w) // 2, top + round(height * 0.19), w, round(size * 1.4)
                ),
                size,
                False,
                "ink",
                w,
            )
        )
    y = top + round(height * 0.26)
    for share in (0.023, 0.032, 0.039, 0.072):
        size = round(short * share)
        y = _text(
            items,
            f"{share * 100:.1f}%: Sclerotherapy · Escleroterapia",
            margin,
            y,
            size,
            measure=measure,
            width=width - 2 * margin,
        )
    done = Box(
        width - margin - round(short * 0.24),
        height - round(short * 0.15),
        round(short * 0.24),
        round(short * 0.09),
    )
    _button(items, hotspots, "Done", AdminBack(), done, max(14, round(short * 0.028)), measure, primary=True)
    return items, hotspots
