"""A detail screen: the topic's heading, its paragraphs, bullets or numbered steps, and its picture."""

from __future__ import annotations

from kiosk.content.deck import Deck, Detail, Slide
from kiosk.core.program import Mode, View
from kiosk.layout.chrome import bottom_row, illustration, qr_block, top_bar
from kiosk.layout.items import Box, Item, Measure, ScreenLayout, Shape, TextLine
from kiosk.layout.metrics import (
    BODY,
    DETAIL_TITLE,
    KICKER,
    PORTRAIT_DETAIL_GROW,
    SHRINK_STEP,
    TITLE_FLOOR,
    TITLE_LINE_HEIGHT,
    Metrics,
)
from kiosk.layout.text import Flow


def detail_screen(
    deck: Deck, slide: Slide, detail: Detail, view: View, m: Metrics, measure: Measure
) -> ScreenLayout:
    touch = m.mode is Mode.TOUCH
    items, hotspots, bar_bottom = top_bar(deck, view, m, measure, back=True)
    bottom_items, bottom_top = bottom_row(deck, view, m, measure, hint=False, dots=not touch, medical=True)
    items += bottom_items
    image = detail.image_for(view.language) or (slide.image_for(view.language) if not detail.steps else None)
    has_steps = bool(detail.steps)
    link = detail.link_for(view.language) or slide.link_for(view.language)
    qr_top = bottom_top
    if link is not None:
        gap = round(m.height * 0.02)
        if m.portrait:
            qr_items, qr_box = qr_block(
                link, view, m, measure, 0, bottom_top - gap, left=m.margin_x, deck=deck
            )
        else:
            qr_items, qr_box = qr_block(
                link, view, m, measure, m.width - m.margin_x, bottom_top - gap, deck=deck
            )
        items += qr_items
        qr_top = qr_box.y - gap
    if m.portrait:
        radius = round(min(m.width * 0.24, m.height * 0.11)) if image else 0
        cy = bar_bottom + round(m.height * 0.015) + radius
        items += illustration(image, m.width // 2, cy, radius)
        column = Box(
            m.margin_x,
            (cy + radius if image else bar_bottom) + round(m.height * 0.03),
            m.width - 2 * m.margin_x,
            0,
        )
    else:
        column_w = round(m.width * 0.52) if (image and not has_steps) else m.width - 2 * m.margin_x
        column = Box(m.margin_x, bar_bottom + round(m.height * 0.045), column_w, 0)
        if image and not has_steps:
            region_x = round(m.width * 0.6)
            region_w = m.width - m.margin_x - region_x
            region_h = qr_top - bar_bottom - round(m.height * 0.06)
            radius = round(min(region_w, region_h, m.height * 0.5) / 2)
            items += illustration(
                image, region_x + region_w // 2, bar_bottom + round(m.height * 0.03) + radius, radius
            )
    # Text that would run into the QR block stops above it (in portrait, or when it spans the width).
    under_qr = link is not None and (
        m.portrait or column.right > m.width - m.margin_x - round(m.width * 0.25)
    )
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
            items.append(
                Shape(
                    "chevron-down",
                    Box(
                        m.width // 2 - more // 2,
                        limit + (bottom_top - limit - more) // 2 if bottom_top - limit > more else limit,
                        more,
                        more,
                    ),
                    fill="rose",
                )
            )
        else:
            overflow.append(
                f"detail `{slide.id}/{detail.id}` ({view.language}) is {body.y - limit}px too tall at {m.width}x{m.height}"
            )
            items += body.items
    else:
        items += body.items
    return ScreenLayout(
        m.width, m.height, tuple(items), tuple(hotspots), scroll_items, viewport, content_h, tuple(overflow)
    )


def _detail_column(
    slide: Slide,
    detail: Detail,
    view: View,
    m: Metrics,
    measure: Measure,
    column: Box,
    shrink: float,
    title_shrink: float,
) -> tuple[Flow, Flow]:
    head = Flow(measure, column.x, column.w, column.y)
    head.text(slide.title.get(view.language), m.px(KICKER, shrink), color="mute")
    head.text(
        detail.title.get(view.language),
        m.px(DETAIL_TITLE, title_shrink),
        bold=True,
        color="teal",
        line_height=TITLE_LINE_HEIGHT,
    )
    head.gap(m.u * 0.02 * shrink)
    body = Flow(measure, column.x, column.w, head.y)
    size = m.px(BODY, shrink)
    body.blocks(detail.blocks(view.language), size)
    if detail.steps:
        _steps(detail, view, m, body, size, shrink)
    return head, body


def _steps(detail: Detail, view: View, m: Metrics, flow: Flow, size: int, shrink: float) -> None:
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
        items: list[Item] = (
            illustration(step.image, cell_x + picture // 2, row_top + picture // 2, picture // 2)
            if step.image
            else []
        )
        badge = round(size * 1.4)
        text_x = cell_x + (picture + round(gap * 0.6) if step.image else 0)
        # The number sits beside the first line of text, not above it: a row saved per step.
        sub = Flow(flow.measure, text_x, cell_x + cell_w - text_x, row_top)
        lines = sub.text(step.text.get(view.language), size, indent_px=badge + round(size * 0.4))
        first = lines[0].box if lines else Box(text_x, row_top, 0, badge)
        badge_y = first.y + (first.h - badge) // 2
        items.append(Shape("circle", Box(text_x, badge_y, badge, badge), fill="teal"))
        number = str(i + 1)
        number_w = flow.measure(number, size, True)
        items.append(
            TextLine(
                number,
                Box(text_x + (badge - number_w) // 2, badge_y, number_w, badge),
                size,
                True,
                "on_teal",
                number_w,
            )
        )
        flow.items.extend(items + sub.items)
        flow.overflow.extend(sub.overflow)
        row_bottom = max(row_bottom, sub.y, row_top + picture)
    flow.y = row_bottom
