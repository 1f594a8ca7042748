"""A slide screen: title, summary and the topic cards beside (or under) its illustration."""

from __future__ import annotations

from kiosk.content.deck import Deck, Slide
from kiosk.core.program import Mode, View
from kiosk.layout.chrome import bottom_row, illustration, qr_block, top_bar
from kiosk.layout.items import (
    Box,
    Hotspot,
    Item,
    Measure,
    ScreenLayout,
    Shape,
    TextLine,
)
from kiosk.layout.metrics import (
    CARD_LABEL,
    MIN_TARGET,
    SHRINK_STEP,
    SUMMARY,
    TITLE,
    TITLE_FLOOR,
    TITLE_LINE_HEIGHT,
    Metrics,
)
from kiosk.layout.text import Flow, wrap


def slide_screen(deck: Deck, slide: Slide, view: View, m: Metrics, measure: Measure) -> ScreenLayout:
    touch = m.mode is Mode.TOUCH
    items, hotspots, bar_bottom = top_bar(deck, view, m, measure, back=False)
    bottom_items, bottom_top = bottom_row(
        deck, view, m, measure, hint=touch and bool(slide.details), dots=True, medical=True
    )
    qr_top = bottom_top
    link = slide.link_for(view.language)
    if link is not None:
        gap = round(m.height * 0.02)
        if m.portrait:
            qr_items, qr_box = qr_block(
                link,
                view,
                m,
                measure,
                0,
                bottom_top - gap,
                left=m.margin_x,
                deck=deck,
            )
        else:
            qr_items, qr_box = qr_block(
                link,
                view,
                m,
                measure,
                m.width - m.margin_x,
                bottom_top - gap,
                deck=deck,
            )
        items += qr_items
        qr_top = qr_box.y - gap
    if m.portrait:
        radius = round(min(m.width * 0.32, m.height * 0.15) * (0.7 if m.scale > 1 else 1.0))
        cy = bar_bottom + round(m.height * 0.012) + radius
        items += illustration(slide.image_for(view.language), m.width // 2, cy, radius)
        column = Box(m.margin_x, cy + radius + round(m.height * 0.03), m.width - 2 * m.margin_x, 0)
    else:
        # Large text takes room from the illustration rather than shrinking back down.
        column_w = round(m.width * (0.58 if m.scale > 1 else 0.47))
        column = Box(m.margin_x, bar_bottom + round(m.height * 0.05), column_w, 0)
        region_x = column.right + round(m.width * 0.04)
        region_w = m.width - m.margin_x - region_x
        region_h = qr_top - bar_bottom - round(m.height * 0.04)
        radius = round(min(region_w, region_h) / 2)
        items += illustration(
            slide.image_for(view.language),
            region_x + region_w // 2,
            bar_bottom + round(m.height * 0.02) + region_h // 2,
            radius,
        )
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
        overflow.append(
            f"slide `{slide.id}` ({view.language}) is {flow.y - limit}px too tall at {m.width}x{m.height}"
        )
    items += flow.items + cards + bottom_items
    hotspots += card_spots
    return ScreenLayout(m.width, m.height, tuple(items), tuple(hotspots), overflow=tuple(overflow))


def _slide_column(
    slide: Slide,
    view: View,
    m: Metrics,
    measure: Measure,
    column: Box,
    shrink: float,
    touch: bool,
    title_shrink: float,
) -> tuple[Flow, list[Item], list[Hotspot]]:
    flow = Flow(measure, column.x, column.w, column.y)
    flow.text(
        slide.title.get(view.language),
        m.px(TITLE, title_shrink),
        bold=True,
        color="teal",
        line_height=TITLE_LINE_HEIGHT,
    )
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


def _card(
    text: str, y: int, column: Box, m: Metrics, measure: Measure, shrink: float, flow: Flow
) -> tuple[list[Item], Box]:
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
        Shape(
            "rect",
            Box(box.x, box.y + round(m.short * 0.007), box.w, box.h),
            fill="shadow",
            radius_px=round(h * 0.2),
        ),
        Shape("rect", box, fill="card", border="card_border", border_px=border, radius_px=round(h * 0.2)),
        Shape(
            "chevron-right",
            Box(box.right - pad_x - chevron, box.y + (h - chevron) // 2, chevron, chevron),
            fill="rose",
        ),
    ]
    ty = box.y + (h - len(lines) * step) // 2
    for line in lines:
        measured = measure(line, size, True)
        if measured > text_w:
            flow.overflow.append(line)
        items.append(TextLine(line, Box(box.x + pad_x, ty, text_w, step), size, True, "teal", measured))
        ty += step
    return items, box
