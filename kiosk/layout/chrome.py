"""The pieces every screen shares: the top bar, the bottom row, the illustration disc and the QR block."""

from __future__ import annotations

from kiosk.content.deck import Deck, Image, QrCode
from kiosk.content.labels import label
from kiosk.core.program import Mode, View
from kiosk.layout.items import Box, Hotspot, Item, Measure, Picture, Qr, Shape, TextLine
from kiosk.layout.metrics import DECK_NAME, HINT, LOBBY_SCALE, QR_QUIET, SMALL, Metrics
from kiosk.layout.text import ellipsize, wrap


def top_bar(
    deck: Deck, view: View, m: Metrics, measure: Measure, *, back: bool
) -> tuple[list[Item], list[Hotspot], int]:
    items: list[Item] = []
    hotspots: list[Hotspot] = []
    y, h = m.top, m.bar_h
    right = m.width - m.margin_x
    touch = m.mode is Mode.TOUCH
    left = m.margin_x
    if back and touch:
        size = round(h * 0.36)
        text = deck.label("back", view.language)
        text_w = measure(text, size, True)
        chevron = round(size * 0.55)
        pad = round(h * 0.42)
        box = Box(left, y, max(round(h * 2.0), pad * 2 + chevron + round(size * 0.45) + text_w), h)
        items.append(Shape("rect", box, fill="teal", radius_px=h // 2))
        items.append(
            Shape("chevron-left", Box(box.x + pad, y + (h - chevron) // 2, chevron, chevron), fill="on_teal")
        )
        text_x = box.x + pad + chevron + round(size * 0.45)
        items.append(TextLine(text, Box(text_x, y, text_w, h), size, True, "on_teal", text_w))
        hotspots.append(Hotspot("back", box))
        left = box.right + round(h * 0.4)
    if touch and len(deck.languages) > 1:
        size = round(h * 0.34)
        seg_w = max(
            round(h * 1.15),
            max(measure(code.upper(), size, True) for code in deck.languages) + round(h * 0.6),
        )
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
            items.append(
                TextLine(
                    text,
                    Box(seg.x + (seg_w - text_w) // 2, y, text_w, h),
                    size,
                    True,
                    "on_teal" if active else "teal",
                    text_w,
                )
            )
            hotspots.append(Hotspot(f"language:{code}", seg))
        right = pill.x - round(h * 0.4)
    if touch:
        size = round(h * 0.36)
        text = "A+"
        text_w = measure(text, size, True)
        box = Box(
            right - max(round(h * 1.3), text_w + round(h * 0.6)),
            y,
            max(round(h * 1.3), text_w + round(h * 0.6)),
            h,
        )
        border = max(2, round(m.short * 0.003))
        items.append(
            Shape(
                "rect",
                box,
                fill="teal" if view.large else "card",
                border="teal",
                border_px=border,
                radius_px=h // 2,
            )
        )
        items.append(
            TextLine(
                text,
                Box(box.x + (box.w - text_w) // 2, y, text_w, h),
                size,
                True,
                "on_teal" if view.large else "teal",
                text_w,
            )
        )
        hotspots.append(Hotspot("text:larger", box))
        right = box.x - round(h * 0.3)
    if not (back and touch):
        size = m.px(DECK_NAME) if m.mode is Mode.TOUCH else m.px(DECK_NAME / LOBBY_SCALE * 1.15)
        name = deck.title.get(view.language)
        width = max(1, right - left)
        lines = wrap(name, width, size, False, measure)
        text = lines[0] if len(lines) == 1 else ellipsize(name, width, size, measure)
        text_w = measure(text, size, False)
        items.append(TextLine(text, Box(left, y, min(width, text_w), h), size, False, "mute", text_w))
    return items, hotspots, y + h


def illustration(image: Image | None, cx: int, cy: int, radius: int) -> list[Item]:
    if radius <= 0:
        return []
    circle = Box(cx - radius, cy - radius, radius * 2, radius * 2)
    items: list[Item] = [Shape("circle", circle, fill="sand")]
    if image is not None:
        items.append(Picture(image, circle))
    return items


def bottom_row(
    deck: Deck, view: View, m: Metrics, measure: Measure, *, hint: bool, dots: bool, medical: bool
) -> tuple[list[Item], int]:
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
    hint_text = deck.label("hint", view.language) if hint else None
    hint_w = ring + ring // 3 + measure(hint_text, hint_size, False) if hint_text else 0
    disclaimer_w = measure(disclaimer, small, False) if disclaimer else 0
    clearance = dot * 2
    dots_left = m.width // 2 - dots_w // 2
    side_by_side = not m.portrait and (
        (not hint_text or m.margin_x + hint_w + clearance <= (dots_left if dots else m.width // 2))
        and (
            not disclaimer
            or (dots_left + dots_w if dots else m.margin_x + hint_w) + clearance
            <= m.width - m.margin_x - disclaimer_w
        )
    )
    rows: list[list[str]] = (
        [["hint", "dots", "disclaimer"]] if side_by_side else [["disclaimer"], ["hint"], ["dots"]]
    )
    if not m.portrait and not side_by_side:
        rows = [["disclaimer"], ["hint", "dots"]] if m.margin_x + hint_w + clearance <= dots_left else rows
    items: list[Item] = []
    y = m.height - round(m.height * (0.03 if m.portrait else 0.035))
    for row in rows:
        present = [
            part
            for part in row
            if (part == "hint" and hint_text)
            or (part == "dots" and dots)
            or (part == "disclaimer" and disclaimer)
        ]
        if not present:
            continue
        y -= row_h
        for part in present:
            if part == "dots":
                items += progress_dots(count, view.slide, dots_left, y + row_h // 2, dot, gap)
            elif part == "hint" and hint_text:
                items.append(
                    Shape(
                        "ring",
                        Box(m.margin_x, y + (row_h - ring) // 2, ring, ring),
                        border="rose",
                        border_px=max(2, ring // 12),
                    )
                )
                text_w = hint_w - ring - ring // 3
                items.append(
                    TextLine(
                        hint_text,
                        Box(m.margin_x + ring + ring // 3, y, text_w, row_h),
                        hint_size,
                        False,
                        "mute",
                        text_w,
                    )
                )
            elif part == "disclaimer" and disclaimer:
                x = m.margin_x if m.portrait else m.width - m.margin_x - disclaimer_w
                items.append(
                    TextLine(disclaimer, Box(x, y, disclaimer_w, row_h), small, False, "mute", disclaimer_w)
                )
    return items, y


def qr_block(
    code: QrCode,
    view: View,
    m: Metrics,
    measure: Measure,
    right: int,
    bottom: int,
    *,
    left: int | None = None,
    deck: Deck | None = None,
) -> tuple[list[Item], Box]:
    """A QR code with its caption beside it, anchored at its bottom-right (or bottom-left)."""
    modules = code.size + 2 * QR_QUIET
    # Whole pixels per module keep every module crisp; about a fifth of the short side in all.
    module_px = max(2, int(m.short * 0.19 // modules))
    side = modules * module_px
    size = max(m.px(SMALL), round(m.short * 0.024))
    caption_w = max(round(m.width * (0.4 if m.portrait else 0.14)), side)
    lines = wrap((deck.label if deck else label)("scan", view.language), caption_w, size, False, measure)
    step = round(size * 1.3)
    text_w = max(measure(line, size, False) for line in lines)
    gap = round(side * 0.08)
    block_w = side + gap + text_w
    x = left if left is not None else right - block_w
    box = Box(x, bottom - side, block_w, side)
    border = max(2, round(m.short * 0.003))
    items: list[Item] = [
        Shape(
            "rect",
            Box(x - border, box.y - border, side + 2 * border, side + 2 * border),
            fill="card",
            border="card_border",
            border_px=border,
            radius_px=border * 3,
        ),
        Qr(code, Box(x, box.y, side, side), module_px),
    ]
    ty = box.y + (side - len(lines) * step) // 2
    for line in lines:
        width = measure(line, size, False)
        items.append(TextLine(line, Box(x + side + gap, ty, width, step), size, False, "mute", width))
        ty += step
    return items, box


def progress_dots(count: int, current: int, x: int, cy: int, dot: int, gap: int) -> list[Item]:
    items: list[Item] = []
    for i in range(count):
        w = dot * 3 if i == current else dot
        items.append(
            Shape(
                "rect",
                Box(x, cy - dot // 2, w, dot),
                fill="teal" if i == current else "dot",
                radius_px=dot // 2,
            )
        )
        x += w + gap
    return items
