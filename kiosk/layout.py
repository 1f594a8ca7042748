"""Where everything goes on a screen of a given size: pure geometry, no pygame.

`arrange(...)` turns a view (a slide or a detail, in a language) into a flat list of shapes, text
lines and pictures with pixel boxes, plus the hotspots a tap can hit. Drawing paints exactly these
items and hit-testing reads exactly these hotspots, so what a visitor sees is what they can tap.
Text is measured through the `measure` function it is handed, so tests can pass a fake one.

Sizes are shares of a base length `u`: the screen height in landscape, 1.1 x the width in
portrait (the design's type scale). Text that does not fit is wrapped, then shrunk step by step
down to a floor (3.2% of the short side for body text in touch mode, 4.5% in lobby mode); what
still does not fit scrolls (touch details) or is reported in `overflow`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from kiosk.deck import Bullets, Deck, Detail, Image, Paragraph, QrCode, Slide
from kiosk.labels import label
from kiosk.program import Mode, View

Measure = Callable[[str, int, bool], int]  # (text, size_px, bold) -> width in px

LINE_HEIGHT = 1.4
TITLE_LINE_HEIGHT = 1.15
BODY_FLOOR = {Mode.TOUCH: 0.032, Mode.LOBBY: 0.045}  # share of the short side
LOBBY_SCALE = 1.3
MIN_TARGET = 0.07  # touch targets: share of the short side (about 9 mm on a 24" screen)
SHRINK_STEP = 0.03
LARGE_TEXT = 1.4  # the A+ control
LARGE_FLOOR = 1.25
QR_QUIET = 4  # modules of white around a QR code, as the standard asks
PORTRAIT_DETAIL_GROW = 1.25
TITLE_FLOOR = 0.7  # headings may shrink to 70% once body text is at its floor


@dataclass(frozen=True)
class Box:
    x: int
    y: int
    w: int
    h: int

    @property
    def right(self) -> int:
        return self.x + self.w

    @property
    def bottom(self) -> int:
        return self.y + self.h

    def contains(self, x: float, y: float) -> bool:
        return self.x <= x < self.right and self.y <= y < self.bottom

    def overlaps(self, other: Box) -> bool:
        return self.x < other.right and other.x < self.right and self.y < other.bottom and other.y < self.bottom

    def inside(self, other: Box) -> bool:
        return self.x >= other.x and self.y >= other.y and self.right <= other.right and self.bottom <= other.bottom


@dataclass(frozen=True)
class Shape:
    """A filled or outlined form: "rect" (rounded by radius_px), "circle", "chevron-right",
    "chevron-left", "chevron-down" (drawn in the box), or "ring"."""

    kind: str
    box: Box
    fill: str | None = None  # a theme role
    border: str | None = None
    border_px: int = 0
    radius_px: int = 0


@dataclass(frozen=True)
class TextLine:
    text: str
    box: Box  # the line box: height is the line height; the text is centred in it vertically
    size_px: int
    bold: bool
    color: str  # a theme role
    measured_w: int


@dataclass(frozen=True)
class Picture:
    image: Image
    box: Box


@dataclass(frozen=True)
class Qr:
    """A QR code drawn at a whole number of pixels per module, quiet zone included in `box`."""

    code: QrCode
    box: Box
    module_px: int


Item = Shape | TextLine | Picture | Qr


@dataclass(frozen=True)
class Hotspot:
    action: str
    box: Box


@dataclass(frozen=True)
class ScreenLayout:
    width: int
    height: int
    items: tuple[Item, ...]
    hotspots: tuple[Hotspot, ...]
    # Items that scroll inside `viewport` (content coordinates: as drawn at scroll 0).
    scroll_items: tuple[Item, ...] = ()
    viewport: Box | None = None
    content_height_px: int = 0
    overflow: tuple[str, ...] = ()  # text that does not fit even at the floor size

    @property
    def scroll_limit_px(self) -> int:
        if self.viewport is None:
            return 0
        return max(0, self.content_height_px - self.viewport.h)

    def hit(self, x: float, y: float) -> str | None:
        for hotspot in self.hotspots:
            if hotspot.box.contains(x, y):
                return hotspot.action
        return None


@dataclass
class _Flow:
    """Lays text top-down in a column, collecting items; `y` is the next free pixel row."""

    measure: Measure
    x: int
    width: int
    y: int
    items: list[Item] = field(default_factory=list)
    overflow: list[str] = field(default_factory=list)

    def text(self, text: str, size_px: int, *, bold: bool = False, color: str = "ink", line_height: float = LINE_HEIGHT, indent_px: int = 0) -> list[TextLine]:
        lines = wrap(text, self.width - indent_px, size_px, bold, self.measure)
        step = round(size_px * line_height)
        placed: list[TextLine] = []
        for line in lines:
            measured = self.measure(line, size_px, bold)
            if measured > self.width - indent_px:
                self.overflow.append(line)
            placed.append(TextLine(line, Box(self.x + indent_px, self.y, self.width - indent_px, step), size_px, bold, color, measured))
            self.y += step
        self.items.extend(placed)
        return placed

    def gap(self, px: float) -> None:
        self.y += round(px)


def wrap(text: str, width: int, size_px: int, bold: bool, measure: Measure) -> list[str]:
    """Greedy word wrap; a word wider than the line is split between characters."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split():
            candidate = f"{line} {word}" if line else word
            if measure(candidate, size_px, bold) <= width:
                line = candidate
                continue
            if line:
                lines.append(line)
            line = ""
            while measure(word, size_px, bold) > width and len(word) > 1:
                cut = len(word) - 1
                while cut > 1 and measure(word[:cut], size_px, bold) > width:
                    cut = max(1, cut * 3 // 4) if measure(word[: cut * 3 // 4], size_px, bold) > width else cut - 1
                lines.append(word[:cut])
                word = word[cut:]
            line = word
        lines.append(line)
    return [line for line in lines if line] or [""]


@dataclass(frozen=True)
class Metrics:
    """The type scale and spacing for one screen size and mode."""

    width: int
    height: int
    mode: Mode
    scale: float = 1.0  # visitor's large-text factor (issue 9); 1.0 by default

    @property
    def portrait(self) -> bool:
        return self.height > self.width

    @property
    def short(self) -> int:
        return min(self.width, self.height)

    @property
    def u(self) -> float:
        base = self.width * 1.1 if self.portrait else self.height
        return base * (LOBBY_SCALE if self.mode is Mode.LOBBY else 1.0) * self.scale

    def px(self, share: float, shrink: float = 1.0) -> int:
        return max(1, round(self.u * share * shrink))

    @property
    def margin_x(self) -> int:
        return round(self.width * (0.053 if self.portrait else 0.05))

    @property
    def top(self) -> int:
        return round(self.height * (0.03 if self.portrait else 0.04))

    @property
    def bar_h(self) -> int:
        return max(round(self.short * 0.08), round(self.short * MIN_TARGET))

    @property
    def body_floor_px(self) -> int:
        # With A+ on, text may shrink to fit but stays clearly larger than without it.
        large = LARGE_FLOOR if self.scale > 1 else 1.0
        return round(self.short * BODY_FLOOR[self.mode] * large)

    def min_shrink(self, body_share: float) -> float:
        return min(1.0, self.body_floor_px / (self.u * body_share))


# Type scale (share of u) from the design direction.
TITLE = 0.072
DETAIL_TITLE = 0.062
SUMMARY = 0.039
CARD_LABEL = 0.035
BODY = 0.035
HINT = 0.03
SMALL = 0.023
DECK_NAME = 0.026
KICKER = 0.028


def arrange(deck: Deck, view: View, width: int, height: int, mode: Mode, measure: Measure) -> ScreenLayout:
    metrics = Metrics(width, height, mode, LARGE_TEXT if view.large else 1.0)
    slide = deck.slides[view.slide]
    detail = slide.detail(view.detail) if view.detail else None
    if detail is not None:
        return _detail_screen(deck, slide, detail, view, metrics, measure)
    return _slide_screen(deck, slide, view, metrics, measure)


# -- shared pieces ----------------------------------------------------------------------------


def _top_bar(deck: Deck, view: View, m: Metrics, measure: Measure, *, back: bool) -> tuple[list[Item], list[Hotspot], int]:
    items: list[Item] = []
    hotspots: list[Hotspot] = []
    y, h = m.top, m.bar_h
    right = m.width - m.margin_x
    touch = m.mode is Mode.TOUCH
    left = m.margin_x
    if back and touch:
        size = round(h * 0.36)
        text = label("back", view.language)
        text_w = measure(text, size, True)
        chevron = round(size * 0.55)
        pad = round(h * 0.42)
        box = Box(left, y, max(round(h * 2.0), pad * 2 + chevron + round(size * 0.45) + text_w), h)
        items.append(Shape("rect", box, fill="teal", radius_px=h // 2))
        items.append(Shape("chevron-left", Box(box.x + pad, y + (h - chevron) // 2, chevron, chevron), fill="on_teal"))
        text_x = box.x + pad + chevron + round(size * 0.45)
        items.append(TextLine(text, Box(text_x, y, text_w, h), size, True, "on_teal", text_w))
        hotspots.append(Hotspot("back", box))
        left = box.right + round(h * 0.4)
    if touch and len(deck.languages) > 1:
        size = round(h * 0.34)
        seg_w = max(round(h * 1.15), max(measure(code.upper(), size, True) for code in deck.languages) + round(h * 0.6))
        pill = Box(right - seg_w * len(deck.languages), y, seg_w * len(deck.languages), h)
        border = max(2, round(m.short * 0.003))
        items.append(Shape("rect", pill, fill="card", border="teal", border_px=border, radius_px=h // 2))
        for i, code in enumerate(deck.languages):
            seg = Box(pill.x + i * seg_w, y, seg_w, h)
            active = code == view.language
            if active:
                items.append(Shape("rect", seg, fill="teal", radius_px=h // 2))
            text = code.upper()
            text_w = measure(text, size, True)
            items.append(TextLine(text, Box(seg.x + (seg_w - text_w) // 2, y, text_w, h), size, True, "on_teal" if active else "teal", text_w))
            hotspots.append(Hotspot(f"language:{code}", seg))
        right = pill.x - round(h * 0.4)
    if touch:
        size = round(h * 0.36)
        text = "A+"
        text_w = measure(text, size, True)
        box = Box(right - max(round(h * 1.3), text_w + round(h * 0.6)), y, max(round(h * 1.3), text_w + round(h * 0.6)), h)
        border = max(2, round(m.short * 0.003))
        items.append(Shape("rect", box, fill="teal" if view.large else "card", border="teal", border_px=border, radius_px=h // 2))
        items.append(TextLine(text, Box(box.x + (box.w - text_w) // 2, y, text_w, h), size, True, "on_teal" if view.large else "teal", text_w))
        hotspots.append(Hotspot("text:larger", box))
        right = box.x - round(h * 0.3)
    if not (back and touch):
        size = m.px(DECK_NAME) if m.mode is Mode.TOUCH else m.px(DECK_NAME / LOBBY_SCALE * 1.15)
        name = deck.title.get(view.language)
        width = max(1, right - left)
        lines = wrap(name, width, size, False, measure)
        text = lines[0] if len(lines) == 1 else _ellipsize(name, width, size, measure)
        text_w = measure(text, size, False)
        items.append(TextLine(text, Box(left, y, min(width, text_w), h), size, False, "mute", text_w))
    return items, hotspots, y + h


def _ellipsize(text: str, width: int, size_px: int, measure: Measure) -> str:
    while text and measure(text + "…", size_px, False) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def _illustration(image: Image | None, cx: int, cy: int, radius: int) -> list[Item]:
    if radius <= 0:
        return []
    circle = Box(cx - radius, cy - radius, radius * 2, radius * 2)
    items: list[Item] = [Shape("circle", circle, fill="sand")]
    if image is not None:
        items.append(Picture(image, circle))
    return items


def _bottom_row(deck: Deck, view: View, m: Metrics, measure: Measure, *, hint: bool, dots: bool, medical: bool) -> tuple[list[Item], int]:
    """Hint (left), progress dots (centre), disclaimer (right); stacked rows in portrait, or
    when long translations would make them collide on a small landscape screen.

    Returns the items and the top of the row: the lowest pixel that content above may use."""
    disclaimer = deck.disclaimer.get(view.language) if (deck.disclaimer and medical) else None
    m = Metrics(m.width, m.height, m.mode)  # A+ enlarges the content, not this row
    small = max(m.px(SMALL), round(m.short * 0.022))
    hint_size = m.px(HINT)
    row_h = round(max(hint_size, small) * 1.8)
    dot = max(6, round(m.short * 0.014))
    gap = round(dot * 0.9)
    count = len(deck.slides)
    dots_w = count * dot + (count - 1) * gap + dot * 2  # the current dot is a wider pill
    ring = round(hint_size * 1.35)
    hint_text = label("hint", view.language) if hint else None
    hint_w = ring + ring // 3 + measure(hint_text, hint_size, False) if hint_text else 0
    disclaimer_w = measure(disclaimer, small, False) if disclaimer else 0
    clearance = dot * 2
    dots_left = m.width // 2 - dots_w // 2
    side_by_side = not m.portrait and (
        (not hint_text or m.margin_x + hint_w + clearance <= (dots_left if dots else m.width // 2))
        and (not disclaimer or (dots_left + dots_w if dots else m.margin_x + hint_w) + clearance <= m.width - m.margin_x - disclaimer_w)
    )
    rows: list[list[str]] = [["hint", "dots", "disclaimer"]] if side_by_side else [["disclaimer"], ["hint"], ["dots"]]
    if not m.portrait and not side_by_side:
        rows = [["disclaimer"], ["hint", "dots"]] if m.margin_x + hint_w + clearance <= dots_left else rows
    items: list[Item] = []
    y = m.height - round(m.height * (0.03 if m.portrait else 0.035))
    for row in rows:
        present = [part for part in row if (part == "hint" and hint_text) or (part == "dots" and dots) or (part == "disclaimer" and disclaimer)]
        if not present:
            continue
        y -= row_h
        for part in present:
            if part == "dots":
                items += _dots(count, view.slide, dots_left, y + row_h // 2, dot, gap)
            elif part == "hint" and hint_text:
                items.append(Shape("ring", Box(m.margin_x, y + (row_h - ring) // 2, ring, ring), border="rose", border_px=max(2, ring // 12)))
                text_w = hint_w - ring - ring // 3
                items.append(TextLine(hint_text, Box(m.margin_x + ring + ring // 3, y, text_w, row_h), hint_size, False, "mute", text_w))
            elif part == "disclaimer" and disclaimer:
                x = m.margin_x if m.portrait else m.width - m.margin_x - disclaimer_w
                items.append(TextLine(disclaimer, Box(x, y, disclaimer_w, row_h), small, False, "mute", disclaimer_w))
    return items, y


def _qr_block(code: QrCode, view: View, m: Metrics, measure: Measure, right: int, bottom: int, *, left: int | None = None) -> tuple[list[Item], Box]:
    """A QR code with its caption beside it, anchored at its bottom-right (or bottom-left)."""
    modules = code.size + 2 * QR_QUIET
    # Whole pixels per module keep every module crisp; about a fifth of the short side in all.
    module_px = max(2, int(m.short * 0.19 // modules))
    side = modules * module_px
    size = max(m.px(SMALL), round(m.short * 0.024))
    caption_w = max(round(m.width * (0.4 if m.portrait else 0.14)), side)
    lines = wrap(label("scan", view.language), caption_w, size, False, measure)
    step = round(size * 1.3)
    text_w = max(measure(line, size, False) for line in lines)
    gap = round(side * 0.08)
    block_w = side + gap + text_w
    x = left if left is not None else right - block_w
    box = Box(x, bottom - side, block_w, side)
    border = max(2, round(m.short * 0.003))
    items: list[Item] = [
        Shape("rect", Box(x - border, box.y - border, side + 2 * border, side + 2 * border), fill="card", border="card_border", border_px=border, radius_px=border * 3),
        Qr(code, Box(x, box.y, side, side), module_px),
    ]
    ty = box.y + (side - len(lines) * step) // 2
    for line in lines:
        width = measure(line, size, False)
        items.append(TextLine(line, Box(x + side + gap, ty, width, step), size, False, "mute", width))
        ty += step
    return items, box


def _dots(count: int, current: int, x: int, cy: int, dot: int, gap: int) -> list[Item]:
    items: list[Item] = []
    for i in range(count):
        w = dot * 3 if i == current else dot
        items.append(Shape("rect", Box(x, cy - dot // 2, w, dot), fill="teal" if i == current else "dot", radius_px=dot // 2))
        x += w + gap
    return items


# -- slide ------------------------------------------------------------------------------------


def _slide_screen(deck: Deck, slide: Slide, view: View, m: Metrics, measure: Measure) -> ScreenLayout:
    touch = m.mode is Mode.TOUCH
    items, hotspots, bar_bottom = _top_bar(deck, view, m, measure, back=False)
    bottom_items, bottom_top = _bottom_row(deck, view, m, measure, hint=touch and bool(slide.details), dots=True, medical=True)
    qr_top = bottom_top
    if slide.link is not None:
        gap = round(m.height * 0.02)
        if m.portrait:
            qr_items, qr_box = _qr_block(slide.link, view, m, measure, 0, bottom_top - gap, left=m.margin_x)
        else:
            qr_items, qr_box = _qr_block(slide.link, view, m, measure, m.width - m.margin_x, bottom_top - gap)
        items += qr_items
        qr_top = qr_box.y - gap
    if m.portrait:
        radius = round(min(m.width * 0.32, m.height * 0.15) * (0.7 if m.scale > 1 else 1.0))
        cy = bar_bottom + round(m.height * 0.012) + radius
        items += _illustration(slide.image, m.width // 2, cy, radius)
        column = Box(m.margin_x, cy + radius + round(m.height * 0.03), m.width - 2 * m.margin_x, 0)
    else:
        # Large text takes room from the illustration rather than shrinking back down.
        column_w = round(m.width * (0.58 if m.scale > 1 else 0.47))
        column = Box(m.margin_x, bar_bottom + round(m.height * 0.05), column_w, 0)
        region_x = column.right + round(m.width * 0.04)
        region_w = m.width - m.margin_x - region_x
        region_h = qr_top - bar_bottom - round(m.height * 0.04)
        radius = round(min(region_w, region_h) / 2)
        items += _illustration(slide.image, region_x + region_w // 2, bar_bottom + round(m.height * 0.02) + region_h // 2, radius)
    limit = (qr_top if m.portrait else bottom_top) - round(m.height * 0.025)
    floor = m.min_shrink(SUMMARY)
    shrink = title_shrink = 1.0
    while True:
        flow, cards, card_spots = _slide_column(slide, view, m, measure, column, shrink, touch, title_shrink)
        if flow.y <= limit or title_shrink <= TITLE_FLOOR:
            break
        if shrink > floor:
            shrink = title_shrink = max(floor, shrink - SHRINK_STEP)
        else:
            title_shrink = max(TITLE_FLOOR, title_shrink - SHRINK_STEP)
    overflow = list(flow.overflow)
    if flow.y > limit:
        overflow.append(f"slide `{slide.id}` ({view.language}) is {flow.y - limit}px too tall at {m.width}x{m.height}")
    items += flow.items + cards + bottom_items
    hotspots += card_spots
    return ScreenLayout(m.width, m.height, tuple(items), tuple(hotspots), overflow=tuple(overflow))


def _slide_column(slide: Slide, view: View, m: Metrics, measure: Measure, column: Box, shrink: float, touch: bool, title_shrink: float) -> tuple[_Flow, list[Item], list[Hotspot]]:
    flow = _Flow(measure, column.x, column.w, column.y)
    flow.text(slide.title.get(view.language), m.px(TITLE, title_shrink), bold=True, color="teal", line_height=TITLE_LINE_HEIGHT)
    flow.gap(m.u * 0.025 * shrink)
    flow.text(slide.summary.get(view.language), m.px(SUMMARY, shrink))
    cards: list[Item] = []
    spots: list[Hotspot] = []
    if touch and slide.details:
        flow.gap(m.u * 0.035 * shrink)
        for detail in slide.details:
            card_items, box = _card(detail.title.get(view.language), flow.y, column, m, measure, shrink, flow)
            cards += card_items
            spots.append(Hotspot(f"open:{detail.id}", box))
            flow.y = box.bottom + round(m.height * 0.022 if not m.portrait else m.height * 0.016)
    return flow, cards, spots


def _card(text: str, y: int, column: Box, m: Metrics, measure: Measure, shrink: float, flow: _Flow) -> tuple[list[Item], Box]:
    size = m.px(CARD_LABEL, shrink)
    min_h = max(round(m.short * 0.1), round(m.short * MIN_TARGET))
    pad_x = round(size * 0.8)
    chevron = round(size * 0.6)
    text_w = column.w - 2 * pad_x - chevron - pad_x
    lines = wrap(text, text_w, size, True, measure)
    step = round(size * 1.25)
    h = max(min_h, len(lines) * step + round(size * 1.2))
    box = Box(column.x, y, column.w, h)
    border = max(2, round(m.short * 0.003))
    items: list[Item] = [
        Shape("rect", Box(box.x, box.y + round(m.short * 0.007), box.w, box.h), fill="shadow", radius_px=round(h * 0.2)),
        Shape("rect", box, fill="card", border="card_border", border_px=border, radius_px=round(h * 0.2)),
        Shape("chevron-right", Box(box.right - pad_x - chevron, box.y + (h - chevron) // 2, chevron, chevron), fill="rose"),
    ]
    ty = box.y + (h - len(lines) * step) // 2
    for line in lines:
        measured = measure(line, size, True)
        if measured > text_w:
            flow.overflow.append(line)
        items.append(TextLine(line, Box(box.x + pad_x, ty, text_w, step), size, True, "teal", measured))
        ty += step
    return items, box


# -- detail -----------------------------------------------------------------------------------


def _detail_screen(deck: Deck, slide: Slide, detail: Detail, view: View, m: Metrics, measure: Measure) -> ScreenLayout:
    touch = m.mode is Mode.TOUCH
    items, hotspots, bar_bottom = _top_bar(deck, view, m, measure, back=True)
    bottom_items, bottom_top = _bottom_row(deck, view, m, measure, hint=False, dots=not touch, medical=True)
    items += bottom_items
    image = detail.image or (slide.image if not detail.steps else None)
    has_steps = bool(detail.steps)
    link = detail.link or slide.link
    qr_top = bottom_top
    if link is not None:
        gap = round(m.height * 0.02)
        if m.portrait:
            qr_items, qr_box = _qr_block(link, view, m, measure, 0, bottom_top - gap, left=m.margin_x)
        else:
            qr_items, qr_box = _qr_block(link, view, m, measure, m.width - m.margin_x, bottom_top - gap)
        items += qr_items
        qr_top = qr_box.y - gap
    if m.portrait:
        radius = round(min(m.width * 0.24, m.height * 0.11)) if image else 0
        cy = bar_bottom + round(m.height * 0.015) + radius
        items += _illustration(image, m.width // 2, cy, radius)
        column = Box(m.margin_x, (cy + radius if image else bar_bottom) + round(m.height * 0.03), m.width - 2 * m.margin_x, 0)
    else:
        column_w = round(m.width * 0.52) if (image and not has_steps) else m.width - 2 * m.margin_x
        column = Box(m.margin_x, bar_bottom + round(m.height * 0.045), column_w, 0)
        if image and not has_steps:
            region_x = round(m.width * 0.6)
            region_w = m.width - m.margin_x - region_x
            region_h = qr_top - bar_bottom - round(m.height * 0.06)
            radius = round(min(region_w, region_h, m.height * 0.5) / 2)
            items += _illustration(image, region_x + region_w // 2, bar_bottom + round(m.height * 0.03) + radius, radius)
    # Text that would run into the QR block stops above it (in portrait, or when it spans the width).
    under_qr = link is not None and (m.portrait or column.right > m.width - m.margin_x - round(m.width * 0.25))
    limit = (qr_top if under_qr else bottom_top) - round(m.height * 0.02)
    floor = m.min_shrink(BODY)
    # A tall portrait screen has room to spare below a short detail: start larger and shrink.
    shrink = title_shrink = PORTRAIT_DETAIL_GROW if m.portrait else 1.0
    while True:
        head, body = _detail_column(slide, detail, view, m, measure, column, shrink, title_shrink)
        if body.y <= limit or title_shrink <= TITLE_FLOOR:
            break
        # Body text gives way first, down to its floor; then the heading, which has room to spare.
        if shrink > floor:
            shrink = max(floor, shrink - SHRINK_STEP)
            title_shrink = shrink
        else:
            title_shrink = max(TITLE_FLOOR, title_shrink - SHRINK_STEP)
    items += head.items
    overflow = head.overflow + body.overflow
    viewport = None
    scroll_items: tuple[Item, ...] = ()
    content_h = 0
    if body.y > limit:
        if touch:
            top = head.y
            viewport = Box(0, top, m.width, limit - top)
            scroll_items = tuple(body.items)
            content_h = body.y - top + round(m.height * 0.03)
            more = round(m.short * 0.04)
            items.append(Shape("chevron-down", Box(m.width // 2 - more // 2, limit + (bottom_top - limit - more) // 2 if bottom_top - limit > more else limit, more, more), fill="rose"))
        else:
            overflow.append(f"detail `{slide.id}/{detail.id}` ({view.language}) is {body.y - limit}px too tall at {m.width}x{m.height}")
            items += body.items
    else:
        items += body.items
    return ScreenLayout(m.width, m.height, tuple(items), tuple(hotspots), scroll_items, viewport, content_h, tuple(overflow))


def _detail_column(slide: Slide, detail: Detail, view: View, m: Metrics, measure: Measure, column: Box, shrink: float, title_shrink: float) -> tuple[_Flow, _Flow]:
    head = _Flow(measure, column.x, column.w, column.y)
    head.text(slide.title.get(view.language), m.px(KICKER, shrink), color="mute")
    head.text(detail.title.get(view.language), m.px(DETAIL_TITLE, title_shrink), bold=True, color="teal", line_height=TITLE_LINE_HEIGHT)
    head.gap(m.u * 0.02 * shrink)
    body = _Flow(measure, column.x, column.w, head.y)
    size = m.px(BODY, shrink)
    for block in detail.blocks(view.language):
        if isinstance(block, Paragraph):
            body.text(block.text, size)
            body.gap(size * 0.5)
        elif isinstance(block, Bullets):
            indent = round(size * 1.1)
            for item in block.items:
                lines = body.text(item, size, indent_px=indent)
                if lines:
                    first = lines[0].box
                    dot = max(4, round(size * 0.3))
                    body.items.append(Shape("circle", Box(column.x + round(size * 0.15), first.y + (first.h - dot) // 2, dot, dot), fill="rose"))
                body.gap(size * 0.3)
            body.gap(size * 0.3)
    if detail.steps:
        _steps(detail, view, m, body, size, shrink)
    return head, body


def _steps(detail: Detail, view: View, m: Metrics, flow: _Flow, size: int, shrink: float) -> None:
    """Numbered steps with a picture each: a 2-column grid in landscape, a list in portrait."""
    columns = 1 if m.portrait or len(detail.steps) < 3 else 2
    gap = round(m.width * 0.03)
    cell_w = (flow.width - gap * (columns - 1)) // columns
    picture = round(min(m.short * (0.17 if columns == 2 else 0.22), cell_w * 0.3) * shrink)
    row_top = flow.y
    row_bottom = flow.y
    x0 = flow.x
    for i, step in enumerate(detail.steps):
        col = i % columns
        if col == 0 and i > 0:
            row_top = row_bottom + round(m.height * 0.025)
        cell_x = x0 + col * (cell_w + gap)
        items: list[Item] = _illustration(step.image, cell_x + picture // 2, row_top + picture // 2, picture // 2) if step.image else []
        badge = round(size * 1.4)
        text_x = cell_x + (picture + round(gap * 0.6) if step.image else 0)
        # The number sits beside the first line of text, not above it: a row saved per step.
        sub = _Flow(flow.measure, text_x, cell_x + cell_w - text_x, row_top)
        lines = sub.text(step.text.get(view.language), size, indent_px=badge + round(size * 0.4))
        first = lines[0].box if lines else Box(text_x, row_top, 0, badge)
        badge_y = first.y + (first.h - badge) // 2
        items.append(Shape("circle", Box(text_x, badge_y, badge, badge), fill="teal"))
        number = str(i + 1)
        number_w = flow.measure(number, size, True)
        items.append(TextLine(number, Box(text_x + (badge - number_w) // 2, badge_y, number_w, badge), size, True, "on_teal", number_w))
        flow.items.extend(items + sub.items)
        flow.overflow.extend(sub.overflow)
        row_bottom = max(row_bottom, sub.y, row_top + picture)
    flow.y = row_bottom
