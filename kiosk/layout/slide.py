"""A slide screen: title, summary and the topic cards beside (or under) its picture.

What does not fit adapts, in this order, and never slides under the chrome: text shrinks to its
floor; the cards take two columns; (landscape) the column widens and the picture gets smaller,
then gives way to the text; then, on a touch screen, the column scrolls (cards and their hotspots
with it) under a visible "more below" cue. A lobby screen, which nobody can scroll, plays what
still does not fit as pages (see `kiosk.layout.pages`). A slide without a picture gives its
text the full width.
"""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.content.deck import Deck, Image, Slide
from kiosk.core.actions import Open
from kiosk.core.program import Mode, View
from kiosk.layout.chrome import bottom_row, frame_box, picture_frame, place_qr, scroll_cue, top_bar
from kiosk.layout.items import Box, Hotspot, Item, Measure, ScreenLayout, Shape, TextLine
from kiosk.layout.metrics import (
    CARD_COLUMN_GAP,
    CARD_GAP,
    CARD_GAP_PORTRAIT,
    CARD_H,
    CARD_LABEL,
    CARD_LINE,
    CARD_PAD,
    CARD_RADIUS,
    CARD_SHADOW,
    CARDS_GAP,
    CHEVRON,
    COLUMN_GAP,
    CONTENT_GAP,
    KEEP_PLAN_SHRINK,
    KICKER,
    MIN_CARD_COLUMN,
    PORTRAIT_PICTURE,
    PORTRAIT_PICTURE_LARGE,
    SLIDE_COLUMN,
    SLIDE_COLUMN_LARGE,
    SLIDE_COLUMN_WIDE,
    SUMMARY,
    TITLE,
    TITLE_FLOOR,
    TITLE_GAP,
    TITLE_LINE_HEIGHT,
    Metrics,
    first_fitting,
    shrink_steps,
)
from kiosk.layout.pages import later_head, marker, marker_room, paginate, units, words
from kiosk.layout.text import Flow, wrap

PORTRAIT_PICTURE_W = 0.64  # the portrait picture frame: share of the width at most
COLUMN_TOP = 0.05  # from the top bar to the title: share of the height (landscape)
COLUMN_TOP_PORTRAIT = 0.03  # from the picture to the title (portrait)
PICTURE_TOP = 0.02  # from the top bar to the picture: share of the height


@dataclass(frozen=True, slots=True, kw_only=True)
class _Plan:
    """One way to lay the slide out: where the text column and the picture go."""

    column: Box
    frame: Box | None
    columns: int  # columns of cards
    limit: int  # the lowest pixel row the column may use


@dataclass(frozen=True, slots=True, kw_only=True)
class _Column:
    flow: Flow
    cards: list[Item]
    spots: list[Hotspot]
    bottom: int  # the lowest pixel drawn (a card's shadow included)


def slide_screen(deck: Deck, slide: Slide, view: View, m: Metrics, measure: Measure) -> ScreenLayout:
    return _compose(deck, slide, view, m, measure)[0]


def slide_page_words(deck: Deck, slide: Slide, view: View, m: Metrics, measure: Measure) -> tuple[int, ...]:
    """How many words each page of a lobby slide shows (one page when it fits the screen)."""
    return _compose(deck, slide, view, m, measure)[1]


def _compose(
    deck: Deck, slide: Slide, view: View, m: Metrics, measure: Measure
) -> tuple[ScreenLayout, tuple[int, ...]]:
    touch = m.mode is Mode.TOUCH
    image = slide.image_for(view.language)
    items, hotspots, bar_bottom = top_bar(deck, view, m, measure, back=False)
    bottom_items, bottom_top = bottom_row(
        deck, view, m, measure, hint=touch and bool(slide.details), dots=True, medical=True
    )
    qr_items, qr_top = place_qr(slide.link_for(view.language), view, m, measure, bottom_top, deck=deck)
    qr_left = min((item.box.x for item in qr_items), default=m.width)
    floor = m.min_shrink(SUMMARY)
    plans = _plans(slide, image, m, bar_bottom, bottom_top, qr_top, qr_left)
    tried: list[tuple[_Plan, _Column]] = []
    # The first plan whose text stays near full size wins; failing that, the plan that keeps the
    # text largest (a patient needs the words more than the picture or a second card column).
    fitting: list[tuple[float, int, _Plan, _Column]] = []
    for order, plan in enumerate(plans):
        done, shrink = _fit(slide, view, m, measure, plan, floor)
        tried.append((plan, done))
        if done.bottom <= plan.limit:
            fitting.append((shrink, -order, plan, done))
            if shrink >= KEEP_PLAN_SHRINK:
                break
    if fitting:
        _, _, plan, done = max(fitting, key=lambda fit: (fit[0], fit[1]))
        layout = _layout(m, items + qr_items + bottom_items + _frame(image, plan), hotspots, done)
        return layout, (words(done.flow.items),)
    if not touch:
        # Nobody can scroll a TV: the last plan (full width, no picture, type at its floor) plays
        # as pages, like a long detail.
        chrome = items + qr_items + bottom_items
        return _lobby_pages(slide, view, m, measure, tried[-1][0], floor, chrome, hotspots)
    # Touch: the column scrolls, as one list of cards (easier to follow than a scrolling grid), in
    # the way that overflows least. In portrait the picture on top scrolls with it.
    lists = [pair for pair in tried if pair[0].columns == 1] or tried
    plan, done = min(lists, key=lambda pair: pair[1].bottom - pair[0].limit)
    cue, cue_top = scroll_cue(deck, view, m, measure, plan.column, plan.limit)
    frame = _frame(image, plan)
    scrolls_picture = m.portrait and plan.frame is not None
    top = plan.frame.y if (scrolls_picture and plan.frame is not None) else plan.column.y
    viewport_bottom = cue_top - round(m.height * 0.01)
    viewport = Box(plan.column.x, top, plan.column.w, viewport_bottom - top)
    fixed = items + qr_items + bottom_items + cue + ([] if scrolls_picture else frame)
    moving = (frame if scrolls_picture else []) + done.flow.items + done.cards
    content_h = done.bottom - viewport.y + round(m.height * 0.01)
    layout = ScreenLayout(
        m.width,
        m.height,
        tuple(fixed),
        tuple(hotspots),
        scroll_items=tuple(moving),
        viewport=viewport,
        content_height_px=max(content_h, viewport.h),
        overflow=tuple(done.flow.overflow),
        scroll_hotspots=tuple(done.spots),
    )
    return layout, ()


def _lobby_pages(
    slide: Slide,
    view: View,
    m: Metrics,
    measure: Measure,
    plan: _Plan,
    floor: float,
    chrome: list[Item],
    hotspots: list[Hotspot],
) -> tuple[ScreenLayout, tuple[int, ...]]:
    """A lobby slide too long for the screen: the summary split into pages; the first keeps the
    title (at its floor), later ones repeat it in one small line; "2/3" ends the title's first line."""
    title_px = m.px(TITLE, TITLE_FLOOR)
    done = _slide_column(
        slide, view, m, measure, plan, floor, TITLE_FLOOR, title_room=marker_room(title_px, measure)
    )
    head = Flow(measure, plan.column.x, plan.column.w, plan.column.y, language=view.language)
    head.items = [item for item in done.flow.items if isinstance(item, TextLine) and item.role == "title"]
    body = [item for item in done.flow.items if not (isinstance(item, TextLine) and item.role == "title")]
    text_top = min((item.box.y for item in body), default=done.flow.y)
    overflow = list(done.flow.overflow)
    later = later_head(
        slide.title.get(view.language),
        m.px(KICKER, floor),
        m.u * TITLE_GAP * floor,
        measure,
        plan.column.y,
        plan.column,
        view.language,
    )
    overflow += later.overflow
    pages = paginate(units(body), (list(head.items), text_top), (later.items, later.y), plan.limit, overflow)
    number = min(max(0, view.page), len(pages) - 1)
    mark = marker(head if number == 0 else later, number, len(pages), plan.column, measure)
    shown = chrome + list(pages[number].items) + mark
    layout = ScreenLayout(m.width, m.height, tuple(shown), tuple(hotspots), overflow=tuple(overflow))
    return layout, tuple(page.words for page in pages)


def _frame(image: Image | None, plan: _Plan) -> list[Item]:
    return picture_frame(image, plan.frame) if plan.frame is not None else []


def _layout(m: Metrics, items: list[Item], hotspots: list[Hotspot], done: _Column) -> ScreenLayout:
    return ScreenLayout(
        m.width,
        m.height,
        tuple(items + done.flow.items + done.cards),
        tuple(hotspots + done.spots),
        overflow=tuple(done.flow.overflow),
    )


def _plans(
    slide: Slide,
    image: Image | None,
    m: Metrics,
    bar_bottom: int,
    bottom_top: int,
    qr_top: int,
    qr_left: int,
) -> list[_Plan]:
    """The ways to lay out this slide, most generous first."""
    gap = round(m.height * CONTENT_GAP)
    full_w = m.width - 2 * m.margin_x
    many = len(slide.details) >= 2 and m.mode is Mode.TOUCH
    plans: list[_Plan] = []

    def column_fits_two(width: int) -> bool:
        return (width - round(m.width * CARD_COLUMN_GAP)) // 2 >= round(m.short * MIN_CARD_COLUMN)

    if m.portrait:
        shares = (PORTRAIT_PICTURE_LARGE if m.scale > 1 else PORTRAIT_PICTURE, PORTRAIT_PICTURE_LARGE * 0.75)
        for share in shares if image else (0.0,):
            frame = None
            top = bar_bottom + round(m.height * COLUMN_TOP_PORTRAIT)
            if image:
                side = round(min(m.width * PORTRAIT_PICTURE_W, m.height * share))
                # As tall as a square frame would be at most, and as wide as the picture's shape
                # wants within the margins.
                region = Box(m.margin_x, bar_bottom + round(m.height * PICTURE_TOP), full_w, side)
                frame = frame_box(image, region, top=True)
                top = frame.bottom + round(m.height * COLUMN_TOP_PORTRAIT)
            column = Box(m.margin_x, top, full_w, 0)
            plans.append(_Plan(column=column, frame=frame, columns=1, limit=qr_top - gap))
            if many and column_fits_two(full_w):
                plans.append(_Plan(column=column, frame=frame, columns=2, limit=qr_top - gap))
        if image and m.mode is Mode.LOBBY:
            # Last, before pages: a lobby slide that needs the room gives up its picture.
            top = bar_bottom + round(m.height * COLUMN_TOP_PORTRAIT)
            plans.append(
                _Plan(column=Box(m.margin_x, top, full_w, 0), frame=None, columns=1, limit=qr_top - gap)
            )
        return plans
    top = bar_bottom + round(m.height * COLUMN_TOP)
    shares = (SLIDE_COLUMN_LARGE if m.scale > 1 else SLIDE_COLUMN, SLIDE_COLUMN_WIDE) if image else ()
    for share in shares:
        column = Box(m.margin_x, top, round(m.width * share), 0)
        region_x = column.right + round(m.width * COLUMN_GAP)
        region_top = bar_bottom + round(m.height * PICTURE_TOP)
        region_w = m.width - m.margin_x - region_x
        region_h = qr_top - gap - region_top
        frame = frame_box(image, Box(region_x, region_top, region_w, region_h))
        limit = (qr_top if column.right > qr_left else bottom_top) - gap
        if min(frame.w, frame.h) >= m.short * 0.15:
            plans.append(_Plan(column=column, frame=frame, columns=1, limit=limit))
            if many and column_fits_two(column.w):
                plans.append(_Plan(column=column, frame=frame, columns=2, limit=limit))
    # No picture, or (last, before scrolling) a slide that needs the room: the text takes the
    # full width, since the words matter more to a patient than the picture.
    column = Box(m.margin_x, top, full_w, 0)
    limit = (qr_top if column.right > qr_left else bottom_top) - gap
    plans.append(_Plan(column=column, frame=None, columns=1, limit=limit))
    if many and column_fits_two(full_w):
        plans.append(_Plan(column=column, frame=None, columns=2, limit=limit))
    return plans


def _fit(
    slide: Slide, view: View, m: Metrics, measure: Measure, plan: _Plan, floor: float
) -> tuple[_Column, float]:
    """Body text shrinks to its floor first, then the title down to its own floor; returns the
    column and the body text's shrink (1.0: full size)."""
    sizes = shrink_steps(1.0, floor)
    tried: dict[int, _Column] = {}

    def attempt(index: int) -> _Column:
        if index not in tried:
            tried[index] = _slide_column(slide, view, m, measure, plan, *sizes[index])
        return tried[index]

    index = first_fitting(len(sizes), lambda index: attempt(index).bottom <= plan.limit)
    return attempt(index), min(sizes[index])


def _slide_column(
    slide: Slide,
    view: View,
    m: Metrics,
    measure: Measure,
    plan: _Plan,
    shrink: float,
    title_shrink: float,
    *,
    title_room: int = 0,
) -> _Column:
    """The title, summary and cards; `title_room` is kept free at the end of the title's lines
    (for a lobby page's "2/3")."""
    column = plan.column
    flow = Flow(measure, column.x, max(1, column.w - title_room), column.y, language=view.language)
    flow.text(
        slide.title.get(view.language),
        m.px(TITLE, title_shrink),
        bold=True,
        color="teal",
        line_height=TITLE_LINE_HEIGHT,
        role="title",
    )
    flow.width = column.w
    flow.gap(m.u * TITLE_GAP * shrink)
    flow.text(slide.summary.get(view.language), m.px(SUMMARY, shrink), role="summary")
    cards: list[Item] = []
    spots: list[Hotspot] = []
    bottom = flow.y
    if m.mode is Mode.TOUCH and slide.details:
        flow.gap(m.u * CARDS_GAP * shrink)
        size = m.px(CARD_LABEL, shrink)
        gap_x = round(m.width * CARD_COLUMN_GAP)
        gap_y = round(m.height * (CARD_GAP_PORTRAIT if m.portrait else CARD_GAP))
        card_w = (column.w - gap_x * (plan.columns - 1)) // plan.columns
        labels = [
            _label_lines(d.title.get(view.language), card_w, size, m, measure, view.language)
            for d in slide.details
        ]
        y = flow.y
        for row in range(0, len(slide.details), plan.columns):
            row_details = slide.details[row : row + plan.columns]
            h = max(_card_h(labels[row + i], size, m) for i in range(len(row_details)))
            for i, detail in enumerate(row_details):
                box = Box(column.x + i * (card_w + gap_x), y, card_w, h)
                cards += _card(detail.id, labels[row + i], box, size, m, measure, flow)
                spots.append(Hotspot(Open(detail=detail.id), box))
            bottom = y + h + round(m.short * CARD_SHADOW)
            y += h + gap_y
        flow.y = y
    return _Column(flow=flow, cards=cards, spots=spots, bottom=bottom)


def _label_lines(text: str, card_w: int, size: int, m: Metrics, measure: Measure, language: str) -> list[str]:
    pad_x = round(size * CARD_PAD)
    chevron = round(size * CHEVRON)
    return wrap(text, card_w - 3 * pad_x - chevron, size, True, measure, language)


def _card_h(lines: list[str], size: int, m: Metrics) -> int:
    min_h = max(round(m.short * CARD_H), m.target_px)
    return max(min_h, len(lines) * round(size * CARD_LINE) + round(size * 1.2))


def _card(
    detail_id: str, lines: list[str], box: Box, size: int, m: Metrics, measure: Measure, flow: Flow
) -> list[Item]:
    pad_x = round(size * CARD_PAD)
    chevron = round(size * CHEVRON)
    text_w = box.w - 3 * pad_x - chevron
    step = round(size * CARD_LINE)
    radius = min(round(box.h * CARD_RADIUS), round(m.short * CARD_H * CARD_RADIUS * 1.5))
    items: list[Item] = [
        Shape(
            "rect",
            Box(box.x, box.y + round(m.short * CARD_SHADOW), box.w, box.h),
            fill="shadow",
            radius_px=radius,
            layer="backdrop",
            role="card-shadow",
        ),
        Shape(
            "rect",
            box,
            fill="card",
            border="card_border",
            border_px=m.border_px,
            radius_px=radius,
            layer="panel",
            role="card",
        ),
        Shape(
            "chevron-right",
            Box(box.right - pad_x - chevron, box.y + (box.h - chevron) // 2, chevron, chevron),
            fill="rose",
            role="chevron",
        ),
    ]
    ty = box.y + (box.h - len(lines) * step) // 2
    for line in lines:
        measured = measure(line, size, True)
        if measured > text_w:
            flow.overflow.append(line)
        items.append(
            TextLine(
                line,
                Box(box.x + pad_x, ty, text_w, step),
                size,
                True,
                "teal",
                measured,
                "card-label",
                f"card-{detail_id}",
            )
        )
        ty += step
    return items
