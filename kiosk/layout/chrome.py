"""The pieces every screen shares: the top bar, the bottom row, the picture frame and the QR block.

Every item made here carries its `layer` and `role` (kiosk.layout.invariant, docs/manifest.md).
The chrome is sized from the screen alone: A+ enlarges the content, never the chrome.
"""

from __future__ import annotations

from dataclasses import replace

from kiosk.content.deck import Deck, Image, QrCode
from kiosk.content.labels import label as builtin_label
from kiosk.core.actions import GoBack, SetLanguage, ToggleLargeText, ToggleNarration
from kiosk.core.program import Mode, View
from kiosk.layout.items import Box, Hotspot, Item, Measure, Picture, Qr, Shape, TextLine
from kiosk.layout.metrics import (
    DECK_NAME,
    FRAME_INSET,
    FRAME_RADIUS,
    HINT,
    LOBBY_SCALE,
    MAX_FRAME_ASPECT,
    QR_GAP,
    QR_QUIET,
    QR_SIDE,
    SCROLL_CUE,
    SMALL,
    Metrics,
)
from kiosk.layout.text import ellipsize, wrap

BAR_TEXT = 0.36  # button labels in the top bar: share of its height
BAR_GAP = 0.4  # between top-bar controls: share of its height
CHROME_LINE = 1.35  # line height of chrome text
ROW = 1.8  # a bottom row's height: share of its text size


def _label(deck: Deck | None, key: str, language: str) -> str:
    return deck.label(key, language) if deck is not None else builtin_label(key, language)


def _chrome_metrics(m: Metrics) -> Metrics:
    return Metrics(m.width, m.height, m.mode, min_small_px=m.min_small_px)  # keeps a lobby's floor


def top_bar(
    deck: Deck, view: View, m: Metrics, measure: Measure, *, back: bool
) -> tuple[list[Item], list[Hotspot], int]:
    """Back (details), deck name (slides), A+ and the language pill. Returns items, hotspots and
    the bar's bottom. When the controls do not fit one row (many languages on a narrow screen), the
    language pill takes a second row under the first."""
    m = _chrome_metrics(m)
    items: list[Item] = []
    hotspots: list[Hotspot] = []
    y, h = m.top, m.bar_h
    gap = round(h * BAR_GAP)
    left, right = m.margin_x, m.width - m.margin_x
    touch = m.mode is Mode.TOUCH
    size = round(h * BAR_TEXT)
    border = m.border_px
    if back and touch:
        text = _label(deck, "back", view.language)
        text_w = measure(text, size, True)
        chevron = round(size * 0.55)
        pad = round(h * 0.42)
        width = min(right - left, max(round(h * 2.0), pad * 2 + chevron + round(size * 0.45) + text_w))
        box = Box(left, y, width, h)
        items.append(Shape("rect", box, fill="teal", radius_px=h // 2, layer="panel", role="back-button"))
        items.append(
            Shape(
                "chevron-left",
                Box(box.x + pad, y + (h - chevron) // 2, chevron, chevron),
                fill="on_teal",
                role="chevron",
            )
        )
        text_x = box.x + pad + chevron + round(size * 0.45)
        text_room = box.right - text_x - pad // 2
        if text_w > text_room:
            text = ellipsize(text, text_room, size, measure)
            text_w = measure(text, size, True)
        items.append(
            TextLine(text, Box(text_x, y, text_w, h), size, True, "on_teal", text_w, "button", "back")
        )
        hotspots.append(Hotspot(GoBack(), box))
        left = box.right + gap
    # A+ when off; when on, a filled button reading "A-" (U+2212): what a tap does next, so a reader
    # sees both that large text is on and how to turn it off. Sized for the wider label, so the
    # button does not move when toggled.
    text_size_label = "A\u2212" if view.large else "A+"
    label_w = max(measure("A+", size, True), measure("A\u2212", size, True))
    text_size_w = max(round(h * 1.3), label_w + round(h * 0.6)) if touch else 0
    languages = deck.languages if touch and len(deck.languages) > 1 else ()
    seg_w = (
        max(
            m.target_px,
            round(h * 1.15),
            max(measure(c.upper(), size, True) for c in languages) + round(h * 0.6),
        )
        if languages
        else 0
    )
    pill_w = seg_w * len(languages)
    bottom = y + h
    pill: Box | None = None
    if languages:
        if right - pill_w - (text_size_w + gap if touch else 0) >= left:
            pill = Box(right - pill_w, y, pill_w, h)
            right = pill.x - gap
        else:
            # A second row, right-aligned under the first; narrower segments if need be.
            seg_w = max(m.target_px, min(seg_w, (m.width - 2 * m.margin_x) // len(languages)))
            pill_w = seg_w * len(languages)
            pill = Box(m.width - m.margin_x - pill_w, y + h + gap // 2, pill_w, h)
            bottom = pill.bottom
        items += _language_pill(deck, view, pill, seg_w, size, border, measure, hotspots)
    if touch:
        box = Box(right - text_size_w, y, text_size_w, h)
        items.append(
            Shape(
                "rect",
                box,
                fill="teal" if view.large else "card",
                border="teal",
                border_px=border,
                radius_px=h // 2,
                layer="panel",
                role="text-size-button",
            )
        )
        text_w = measure(text_size_label, size, True)
        items.append(
            TextLine(
                text_size_label,
                Box(box.x + (box.w - text_w) // 2, y, text_w, h),
                size,
                True,
                "on_teal" if view.large else "teal",
                text_w,
                "button",
                "text-size",
            )
        )
        hotspots.append(Hotspot(ToggleLargeText(), box))
        right = box.x - gap
    if touch and view.narration:
        speaker_items, speaker = speaker_button(
            deck, view, Box(left, y, right - left, h), size, border, measure
        )
        if speaker is not None:
            items += speaker_items
            hotspots.append(Hotspot(ToggleNarration(), speaker))
            right = speaker.x - gap
    if not (back and touch):
        name_size = m.chrome_px(DECK_NAME) if touch else m.chrome_px(DECK_NAME / LOBBY_SCALE * 1.15)
        name = deck.title.get(view.language)
        width = right - left
        if width >= name_size * 3:
            lines = wrap(name, width, name_size, False, measure)
            text = lines[0] if len(lines) == 1 else ellipsize(name, width, name_size, measure)
            text_w = min(width, measure(text, name_size, False))
            items.append(
                TextLine(
                    text,
                    Box(left, y, text_w, h),
                    name_size,
                    False,
                    "mute",
                    measure(text, name_size, False),
                    "deck-title",
                    "deck-title",
                )
            )
    return items, hotspots, bottom


def speaker_button(
    deck: Deck, view: View, room: Box, size: int, border: int, measure: Measure
) -> tuple[list[Item], Box | None]:
    """The speaker button at the right of `room` (as tall as it): a speaker drawn as shapes and
    "Listen" (or, while the narration plays, a filled button reading "Stop"), or the speaker alone
    when the words do not fit. None when not even that fits."""
    h = room.h
    playing = view.narration == "playing"
    text = _label(deck, "stop" if playing else "listen", view.language)
    icon = round(h * 0.5)
    pad = round(h * 0.3)
    text_gap = round(size * 0.4)
    text_w = measure(text, size, True)
    width = max(round(h * 1.3), pad * 2 + icon + text_gap + text_w)
    if width > room.w:
        text, width = "", max(round(h * 1.3), pad * 2 + icon)
    if width > room.w:
        return [], None
    box = Box(room.right - width, room.y, width, h)
    ink = "on_teal" if playing else "teal"
    items: list[Item] = [
        Shape(
            "rect",
            box,
            fill="teal" if playing else "card",
            border="teal",
            border_px=border,
            radius_px=h // 2,
            layer="panel",
            role="speaker-button",
        )
    ]
    content_w = icon + (text_gap + text_w if text else 0)
    x = box.x + (box.w - content_w) // 2
    items += speaker_icon(x, room.y + (h - icon) // 2, icon, ink)
    if text:
        items.append(
            TextLine(
                text,
                Box(x + icon + text_gap, room.y, text_w, h),
                size,
                True,
                ink,
                text_w,
                "button",
                "narration",
            )
        )
    return items, box


def speaker_icon(x: int, y: int, side: int, fill: str) -> list[Item]:
    """A loudspeaker in a `side` square: the magnet (a small block), the cone opening to the right
    (a chevron pointing left) and two sound waves (chevrons pointing right, the outer one taller)."""

    def part(kind: str, left: float, width: float, height: float) -> Shape:
        w, h = max(2, round(side * width)), max(3, round(side * height))
        return Shape(kind, Box(x + round(side * left), y + (side - h) // 2, w, h), fill=fill, role="speaker")

    return [
        part("rect", 0.0, 0.2, 0.36),
        part("chevron-left", 0.2, 0.32, 0.92),
        part("chevron-right", 0.58, 0.16, 0.36),
        part("chevron-right", 0.78, 0.22, 0.68),
    ]


def _language_pill(
    deck: Deck,
    view: View,
    pill: Box,
    seg_w: int,
    size: int,
    border: int,
    measure: Measure,
    hotspots: list[Hotspot],
) -> list[Item]:
    h = pill.h
    items: list[Item] = [
        Shape(
            "rect",
            pill,
            fill="card",
            border="teal",
            border_px=border,
            radius_px=h // 2,
            layer="panel",
            role="language-pill",
        )
    ]
    for i, code in enumerate(deck.languages):
        seg = Box(pill.x + i * seg_w, pill.y, seg_w, h)
        active = code == view.language
        if active:
            items.append(
                Shape("rect", seg, fill="teal", radius_px=h // 2, layer="panel", role="language-segment")
            )
        text = code.upper()
        text_w = measure(text, size, True)
        items.append(
            TextLine(
                text,
                Box(seg.x + (seg_w - text_w) // 2, pill.y, text_w, h),
                size,
                True,
                "on_teal" if active else "teal",
                text_w,
                "language",
                f"language-{code}",
            )
        )
        hotspots.append(Hotspot(SetLanguage(code=code), seg))
    return items


def frame_aspect(image: Image | None) -> float:
    """The frame's shape (width / height): the picture's own, kept between 2:1 and 1:2 so that a
    very wide or tall picture still gets a frame of sensible size (it is contained inside)."""
    aspect = image.aspect if image is not None and image.aspect else 1.0
    return min(MAX_FRAME_ASPECT, max(1 / MAX_FRAME_ASPECT, aspect))


def frame_box(image: Image | None, box: Box, *, top: bool = False) -> Box:
    """The largest frame of the picture's shape inside `box`: centred, or at its top."""
    aspect = frame_aspect(image)
    w = min(box.w, round(box.h * aspect))
    h = min(box.h, round(w / aspect))
    y = box.y if top else box.y + (box.h - h) // 2
    return Box(box.x + (box.w - w) // 2, y, w, h)


def picture_frame(image: Image | None, box: Box) -> list[Item]:
    """A picture of any shape in a rounded sand frame of its shape (see `frame_box`), centred in
    `box`: the painter contains the picture in the inner box (aspect kept, letterboxed), so it
    never spills. No picture, no frame."""
    if image is None or box.w <= 0 or box.h <= 0:
        return []
    box = frame_box(image, box)
    side = min(box.w, box.h)
    inset = round(side * FRAME_INSET)
    inner = Box(box.x + inset, box.y + inset, box.w - 2 * inset, box.h - 2 * inset)
    return [
        Shape(
            "rect",
            box,
            fill="sand",
            radius_px=round(side * FRAME_RADIUS),
            layer="panel",
            role="picture-frame",
        ),
        Picture(image, inner),
    ]


def illustration(image: Image | None, cx: int, cy: int, radius: int) -> list[Item]:
    """A picture frame `2 * radius` square centred on (cx, cy) (the older, disc-shaped call)."""
    if radius <= 0:
        return []
    return picture_frame(image, Box(cx - radius, cy - radius, radius * 2, radius * 2))


def bottom_row(
    deck: Deck, view: View, m: Metrics, measure: Measure, *, hint: bool, dots: bool, medical: bool
) -> tuple[list[Item], int]:
    """Hint (left), progress dots (centre), disclaimer (right) in one row when they fit; else
    stacked rows (always in portrait), the disclaimer wrapped to the width.

    Returns the items and the top of the row: the lowest pixel that content above may use."""
    m = _chrome_metrics(m)
    disclaimer = deck.disclaimer.get(view.language) if (deck.disclaimer and medical) else None
    small = max(m.chrome_px(SMALL), round(m.short * 0.022))
    hint_size = m.chrome_px(HINT)
    row_h = round(max(hint_size, small) * ROW)
    full_w = m.width - 2 * m.margin_x
    count = len(deck.slides)
    dot = max(6, round(m.short * 0.014))
    gap = round(dot * 0.9)
    while dot > 4 and count * (dot + gap) + dot * 2 > full_w:
        dot -= 1
        gap = max(2, round(dot * 0.9))
    # A deck whose dots do not fit even this small (60 slides, the format's most, on a 480 px wide
    # portrait panel) shows its place as a pill on a track instead: the dots ran off the screen.
    track = count * (dot + gap) + dot * 2 > full_w
    if track:
        dots_w = min(full_w, max(dot * 12, round(m.short * 0.3))) if dots else 0
    else:
        dots_w = count * dot + (count - 1) * gap + dot * 2 if dots else 0  # the current dot is a wider pill
    cue = round(hint_size * 1.35)
    cue_gap = cue // 3
    hint_text = _label(deck, "hint", view.language) if hint else None
    hint_w = cue + cue_gap + measure(hint_text, hint_size, False) if hint_text else 0
    disclaimer_w = measure(disclaimer, small, False) if disclaimer else 0
    clearance = dot * 2
    dots_left = m.width // 2 - dots_w // 2
    hint_fits_beside_dots = not hint_text or not dots or m.margin_x + hint_w + clearance <= dots_left
    side_by_side = (
        not m.portrait
        and hint_fits_beside_dots
        and (
            not disclaimer
            or max(dots_left + dots_w if dots else 0, m.margin_x + hint_w) + clearance
            <= m.width - m.margin_x - disclaimer_w
        )
    )
    if side_by_side:
        rows = [["hint", "dots", "disclaimer"]]
    elif not m.portrait and hint_fits_beside_dots:
        rows = [["disclaimer"], ["hint", "dots"]]
    else:
        rows = [["disclaimer"], ["hint"], ["dots"]]
    items: list[Item] = []
    y = m.height - m.bottom
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
        if present == ["disclaimer"] and disclaimer:
            step = round(small * CHROME_LINE)
            lines = wrap(disclaimer, full_w, small, False, measure, view.language)
            height = row_h if len(lines) == 1 else len(lines) * step
            y -= height
            for i, line in enumerate(lines):
                w = measure(line, small, False)
                if len(lines) == 1:
                    x = m.margin_x if m.portrait else m.width - m.margin_x - w
                    box = Box(x, y, w, row_h)
                else:
                    box = Box(m.margin_x, y + i * step, w, step)
                items.append(TextLine(line, box, small, False, "mute", w, "disclaimer", "disclaimer"))
            continue
        if present == ["hint"] and hint_text and hint_w > full_w:
            hint_items = _wrapped_hint(hint_text, hint_size, m, measure, view.language)
            height = max(item.box.bottom for item in hint_items)
            y -= height
            items += [_shift(item, y) for item in hint_items]
            continue
        y -= row_h
        for part in present:
            if part == "dots":
                x = dots_left if len(present) > 1 or not m.portrait else m.width // 2 - dots_w // 2
                cy = y + row_h // 2
                items += (
                    progress_track(count, view.slide, x, cy, dots_w, dot)
                    if track
                    else progress_dots(count, view.slide, x, cy, dot, gap)
                )
            elif part == "hint" and hint_text:
                items += _hint(hint_text, hint_size, m.margin_x, y, row_h, measure)
            elif part == "disclaimer" and disclaimer:
                x = m.width - m.margin_x - disclaimer_w
                items.append(
                    TextLine(
                        disclaimer,
                        Box(x, y, disclaimer_w, row_h),
                        small,
                        False,
                        "mute",
                        disclaimer_w,
                        "disclaimer",
                        "disclaimer",
                    )
                )
    return items, y


def _cue(x: int, y: int, side: int) -> list[Item]:
    """The hint's sign: a filled rose disc with a white chevron, like the cards' chevrons."""
    chevron = round(side * 0.46)
    inner = (side - chevron) // 2
    return [
        Shape("circle", Box(x, y, side, side), fill="rose", layer="panel", role="hint-cue"),
        Shape(
            "chevron-right",
            Box(x + inner + side // 20, y + inner, chevron, chevron),
            fill="card",
            role="chevron",
        ),
    ]


def _hint(text: str, size: int, x: int, y: int, row_h: int, measure: Measure) -> list[Item]:
    cue = round(size * 1.35)
    text_x = x + cue + cue // 3
    text_w = measure(text, size, False)
    return [
        *_cue(x, y + (row_h - cue) // 2, cue),
        TextLine(text, Box(text_x, y, text_w, row_h), size, False, "mute", text_w, "hint", "hint"),
    ]


def _wrapped_hint(text: str, size: int, m: Metrics, measure: Measure, language: str) -> list[Item]:
    """A hint too long for one line: the cue beside its first line, the rest under it, placed
    from y 0 (the caller moves them)."""
    cue = round(size * 1.35)
    text_x = m.margin_x + cue + cue // 3
    lines = wrap(text, m.width - m.margin_x - text_x, size, False, measure, language)
    step = max(cue, round(size * CHROME_LINE))
    items: list[Item] = [*_cue(m.margin_x, (step - cue) // 2, cue)]
    for i, line in enumerate(lines):
        w = measure(line, size, False)
        items.append(TextLine(line, Box(text_x, i * step, w, step), size, False, "mute", w, "hint", "hint"))
    return items


def _shift(item: Item, dy: int) -> Item:
    return replace(item, box=Box(item.box.x, item.box.y + dy, item.box.w, item.box.h))


def scroll_cue(
    deck: Deck, view: View, m: Metrics, measure: Measure, column: Box, bottom: int
) -> tuple[list[Item], int]:
    """ "More below": a rose chevron (and the words, when they fit) centred under a scrolling
    column, with its bottom at `bottom`. Returns the items and their top."""
    m = _chrome_metrics(m)
    side = max(16, round(m.short * SCROLL_CUE))
    size = m.chrome_px(SMALL)
    text = _label(deck, "more", view.language)
    text_w = measure(text, size, False)
    gap = side // 3
    with_text = side + gap + text_w <= column.w
    total = side + gap + text_w if with_text else side
    x = column.x + (column.w - total) // 2
    top = bottom - side
    items: list[Item] = [Shape("chevron-down", Box(x, top, side, side), fill="rose", role="scroll-cue")]
    if with_text:
        items.append(
            TextLine(
                text,
                Box(x + side + gap, top, text_w, side),
                size,
                False,
                "mute",
                text_w,
                "scroll-hint",
                "more",
            )
        )
    return items, top


def place_qr(
    link: QrCode | None,
    view: View,
    m: Metrics,
    measure: Measure,
    bottom_top: int,
    *,
    deck: Deck | None = None,
) -> tuple[list[Item], int]:
    """The take-home QR block above the bottom row: bottom-left in portrait, bottom-right in
    landscape. Returns its items and the lowest pixel row content above it may use (`bottom_top`
    itself when there is no link)."""
    if link is None:
        return [], bottom_top
    gap = round(m.height * QR_GAP)
    if m.portrait:
        items, box = qr_block(link, view, m, measure, 0, bottom_top - gap, left=m.margin_x, deck=deck)
    else:
        items, box = qr_block(link, view, m, measure, m.width - m.margin_x, bottom_top - gap, deck=deck)
    return items, box.y - gap


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
    m = _chrome_metrics(m)
    modules = code.size + 2 * QR_QUIET
    # Whole pixels per module keep every module crisp; about a fifth of the short side in all.
    module_px = max(2, int(m.short * QR_SIDE // modules))
    side = modules * module_px
    size = max(m.chrome_px(SMALL), round(m.short * 0.024))
    caption_w = max(round(m.width * (0.4 if m.portrait else 0.14)), side)
    lines = wrap(_label(deck, "scan", view.language), caption_w, size, False, measure, view.language)
    step = round(size * 1.3)
    text_w = max(measure(line, size, False) for line in lines)
    gap = round(side * 0.08)
    block_w = side + gap + text_w
    x = left if left is not None else right - block_w
    box = Box(x, bottom - side, block_w, side)
    border = m.border_px
    items: list[Item] = [
        Shape(
            "rect",
            Box(x - border, box.y - border, side + 2 * border, side + 2 * border),
            fill="card",
            border="card_border",
            border_px=border,
            radius_px=border * 3,
            layer="panel",
            role="qr-frame",
        ),
        Qr(code, Box(x, box.y, side, side), module_px),
    ]
    ty = box.y + (side - len(lines) * step) // 2
    for line in lines:
        width = measure(line, size, False)
        items.append(
            TextLine(
                line,
                Box(x + side + gap, ty, width, step),
                size,
                False,
                "mute",
                width,
                "qr-caption",
                "qr-caption",
            )
        )
        ty += step
    return items, Box(x - border, box.y - border, block_w + border, side + 2 * border)


def progress_track(count: int, current: int, x: int, cy: int, width: int, dot: int) -> list[Item]:
    """Where the loop is, for a deck with too many slides for dots: the current slide's pill (as
    wide as a current dot, and teal) on a track, at its share of the way along."""
    pill_w = dot * 3
    along = round((width - pill_w) * current / max(1, count - 1))
    return [
        Shape("rect", Box(x, cy - dot // 2, width, dot), fill="dot", radius_px=dot // 2, role="dot-track"),
        Shape(
            "rect",
            Box(x + along, cy - dot // 2, pill_w, dot),
            fill="teal",
            radius_px=dot // 2,
            role="dot-current",
        ),
    ]


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
                role="dot-current" if i == current else "dot",
            )
        )
        x += w + gap
    return items
