"""A detail screen: the topic's heading, its paragraphs, bullets or numbered steps, and its picture.

Text shrinks step by step down to its floor. What still does not fit then adapts, and never
overflows: a touch screen scrolls the text under a fixed heading, with a "more" cue in a strip
of its own above the chrome; a lobby screen (nobody can scroll a TV) splits the text into pages
shown one after the other, each page repeating the heading with "2/3" beside the kicker.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from kiosk.content.deck import Deck, Detail, Image, QrCode, Slide
from kiosk.core.program import Mode, Pages, View
from kiosk.layout.chrome import bottom_row, illustration, qr_block, top_bar
from kiosk.layout.items import Box, Hotspot, Item, Measure, ScreenLayout, Shape, TextLine
from kiosk.layout.metrics import (
    BODY,
    DETAIL_TITLE,
    KICKER,
    LARGE_TEXT,
    PORTRAIT_DETAIL_GROW,
    TITLE_LINE_HEIGHT,
    Metrics,
    first_fitting,
    shrink_steps,
)
from kiosk.layout.pages import later_head, marker, marker_room, paginate, units, words
from kiosk.layout.slide import slide_page_words
from kiosk.layout.text import Flow

# A detail's heading and body set in its column, and the spans of the body's rows of two steps.
_Column = tuple[Flow, Flow, tuple[tuple[int, int], ...]]


def detail_screen(
    deck: Deck, slide: Slide, detail: Detail, view: View, m: Metrics, measure: Measure
) -> ScreenLayout:
    return _compose(deck, slide, detail, view, m, measure)[0]


def page_words(
    deck: Deck, slide: Slide, detail: Detail, view: View, m: Metrics, measure: Measure
) -> tuple[int, ...]:
    """How many words each page of a lobby detail shows (one page when it fits the screen)."""
    return _compose(deck, slide, detail, view, m, measure)[1]


def lobby_pages(
    deck: Deck,
    width: int,
    height: int,
    measure: Measure,
    *,
    large: bool = False,
    min_body_px: int | None = None,
    min_small_px: int | None = None,
) -> Pages:
    """The pagination `build_program` needs for a lobby screen of this size, as a callable
    (core may not import layout): (slide index, detail id or None for the slide itself,
    language) -> words on each page. The floors are the ones `arrange` is given for the same screen."""
    metrics = Metrics(
        width,
        height,
        Mode.LOBBY,
        LARGE_TEXT if large else 1.0,
        min_body_px=min_body_px,
        min_small_px=min_small_px,
    )

    def pages(index: int, detail_id: str | None, language: str) -> tuple[int, ...]:
        slide = deck.slides[index]
        view = View(index, detail_id, language, 0, large)
        if detail_id is None:
            return slide_page_words(deck, slide, view, metrics, measure)
        detail = slide.detail(detail_id)
        if detail is None:
            return ()
        return page_words(deck, slide, detail, view, metrics, measure)

    return pages


def _compose(
    deck: Deck,
    slide: Slide,
    detail: Detail,
    view: View,
    m: Metrics,
    measure: Measure,
    *,
    picture: bool = True,
) -> tuple[ScreenLayout, tuple[int, ...]]:
    touch = m.mode is Mode.TOUCH
    language = view.language
    items, hotspots, bar_bottom = top_bar(deck, view, m, measure, back=True)
    bottom_items, bottom_top = bottom_row(deck, view, m, measure, hint=False, dots=not touch, medical=True)
    items += bottom_items
    image = detail.image_for(language) or (slide.image_for(language) if not detail.steps else None)
    image = image if picture else None
    link = detail.link_for(language) or slide.link_for(language)
    gap = round(m.height * 0.02)
    qr_box: Box | None = None
    if link is not None:
        qr_items, qr_box = _place_qr(deck, link, view, m, measure, bottom_top - gap)
        items += qr_items
    side = image is not None and not m.portrait and not detail.steps
    column_w = round(m.width * 0.52) if side else m.width - 2 * m.margin_x
    column_top = bar_bottom + round(m.height * (0.03 if m.portrait else 0.045))
    if qr_box is not None and not m.portrait and not side:
        # Beside the QR block rather than above it, while the column stays wide enough to read:
        # the text then keeps the screen's full height.
        beside = qr_box.x - 2 * gap - m.margin_x
        column_w = beside if beside >= column_w * 0.6 else column_w
    column = Box(m.margin_x, column_top, column_w, 0)
    disc: list[Item] = []
    if image is not None and side:
        region_x = round(m.width * 0.6)
        region = Box(region_x, bar_bottom, m.width - m.margin_x - region_x, 0)
        region_bottom = _clear_of(qr_box, region, bottom_top) - gap
        diameter = min(region.w, region_bottom - bar_bottom - round(m.height * 0.03), round(m.height * 0.5))
        radius = diameter // 2
        disc = _picture(image, region.x + region.w // 2, bar_bottom + round(m.height * 0.03) + radius, radius)
    elif image is not None and m.portrait:
        radius = round(min(m.width * 0.24, m.height * 0.11))
        cy = bar_bottom + round(m.height * 0.015) + radius
        disc = _picture(image, m.width // 2, cy, radius)
        column = replace(column, y=cy + radius + round(m.height * 0.03))
    # A lobby's bottom row holds only the dots and the disclaimer, drawn inside the row's padding
    # (kept there for a touch screen's hint): the text may come down to what the row draws.
    drawn_top = min((item.box.y for item in bottom_items), default=bottom_top) if not touch else bottom_top
    limit = _clear_of(qr_box, column, max(bottom_top, drawn_top)) - gap
    # A tall portrait screen has room to spare below a short detail: start larger and shrink.
    start = PORTRAIT_DETAIL_GROW if m.portrait else 1.0
    sizes = shrink_steps(start, m.min_shrink(BODY))
    tried: dict[int, _Column] = {}

    def attempt(index: int) -> _Column:
        if index not in tried:
            tried[index] = _column(slide, detail, view, m, measure, column, *sizes[index], marker=False)
        return tried[index]

    low = first_fitting(len(sizes), lambda index: attempt(index)[1].y <= limit)
    if attempt(low)[1].y > limit:
        # It scrolls or goes on more pages anyway: the heading need not shrink below the body's.
        low = next(i for i, (shrink, _) in enumerate(sizes) if shrink == sizes[-1][0])
    shrink, title_shrink = sizes[low]
    head, body, _ = attempt(low)
    overflow = head.overflow + body.overflow
    if body.y <= limit:
        page = head.items + body.items
        layout = _layout(m, items + disc + page, hotspots, overflow)
        return layout, (words(page),)
    if touch:
        return _scrolling(m, items, hotspots, overflow, disc, head, body, column, limit), ()
    if image is not None:
        # Nobody can scroll a TV: a detail that needs pages gives up its picture first, as a lobby
        # slide does, since the words matter more than the picture and the full width holds more.
        return _compose(deck, slide, detail, view, m, measure, picture=False)
    # Lobby: the same sizes, with room kept beside the kicker for the page marker.
    sized = (slide, detail, view, m, measure, column, shrink, title_shrink)
    head, body, rows = _column(*sized, marker=True)
    # Later pages repeat the heading compactly, in one kicker-sized line where it fits, and have
    # no picture above it (in portrait): their text starts higher and they hold more.
    later = later_head(
        detail.title.get(view.language),
        m.px(KICKER, shrink),
        m.u * 0.02 * shrink,
        measure,
        column_top if m.portrait else column.y,
        column,
        view.language,
    )
    if any(bottom - top > limit - later.y for top, bottom in rows) or (
        rows and rows[0][1] - rows[0][0] > limit - head.y and rows[0][0] <= head.y + m.px(BODY, shrink) * 2
    ):
        # A row of two steps taller than a page, or than the room under the first page's heading
        # when it comes first: list the steps in one column, read in order.
        head, body, rows = _column(*sized, marker=True, single=True)
    overflow = head.overflow + body.overflow + later.overflow
    pages = paginate(units(body.items, rows), (head.items, head.y), (later.items, later.y), limit, overflow)
    number = min(max(0, view.page), len(pages) - 1)
    mark = marker(head if number == 0 else later, number, len(pages), column, measure)
    if number > 0 and m.portrait:
        disc = []
    shown = items + disc + list(pages[number].items) + mark
    return _layout(m, shown, hotspots, overflow), tuple(page.words for page in pages)


def _layout(m: Metrics, items: list[Item], hotspots: Sequence[Hotspot], overflow: list[str]) -> ScreenLayout:
    return ScreenLayout(m.width, m.height, tuple(items), tuple(hotspots), overflow=tuple(overflow))


def _clear_of(qr_box: Box | None, column: Box, bottom_top: int) -> int:
    """The lowest row a column may use: above the QR block when they share any x, else the chrome."""
    if qr_box is None or qr_box.right <= column.x or qr_box.x >= column.x + column.w:
        return bottom_top
    # The QR's white frame stands a few pixels outside its box.
    return qr_box.y - max(2, qr_box.h // 20)


def _place_qr(
    deck: Deck, link: QrCode, view: View, m: Metrics, measure: Measure, bottom: int
) -> tuple[list[Item], Box]:
    """The detail's QR block: bottom-left under a portrait column, bottom-right in landscape."""
    if m.portrait:
        items, box = qr_block(link, view, m, measure, 0, bottom, left=m.margin_x, deck=deck)
    else:
        items, box = qr_block(link, view, m, measure, m.width - m.margin_x, bottom, deck=deck)
    border = max(2, round(m.short * 0.003))
    # The frame drawn around the code is part of the block.
    return items, Box(box.x - border, box.y - border, box.w + border, box.h + 2 * border)


def _picture(image: Image, cx: int, cy: int, radius: int) -> list[Item]:
    """The detail's picture in its frame; the frame is a panel the picture sits wholly inside."""
    out: list[Item] = []
    for item in illustration(image, cx, cy, radius):
        if isinstance(item, Shape) and not item.role:
            item = replace(item, layer="panel", role="disc")
        out.append(item)
    return out


def _scrolling(
    m: Metrics,
    items: list[Item],
    hotspots: Sequence[Hotspot],
    overflow: list[str],
    disc: list[Item],
    head: Flow,
    body: Flow,
    column: Box,
    limit: int,
) -> ScreenLayout:
    """A touch detail too long for the screen: the text scrolls, the heading stays put when it
    leaves the text a fair share of the screen, and a "more" chevron sits in a strip of its own
    between the scrolling text and the chrome (never on the disclaimer or the QR block)."""
    cue_h = round(m.short * 0.07)
    bottom = limit - cue_h
    pad = round(m.width * 0.01)
    top = head.y
    fixed: list[Item] = list(head.items)
    moving: list[Item] = list(body.items)
    column_top = head.items[0].box.y if head.items else column.y
    # In portrait the picture sits above the heading: it scrolls with the text at its full size,
    # rather than squeezing the text into a sliver below it.
    if m.portrait and disc:
        top = min(item.box.y for item in disc) - pad
        fixed, moving = [], disc + list(head.items) + moving
        disc = []
    elif bottom - top < (bottom - column_top) // 2:
        top = column_top
        fixed, moving = [], list(head.items) + moving
    viewport = Box(column.x - pad, top, column.w + 2 * pad, bottom - top)
    content_h = body.y - top + round(m.height * 0.03)
    more = round(m.short * 0.045)
    chevron = Shape(
        "chevron-down",
        Box(column.x + column.w // 2 - more // 2, bottom + (cue_h - more) // 2, more, more),
        fill="rose",
        role="more",
    )
    return ScreenLayout(
        m.width,
        m.height,
        tuple(items + disc + fixed + [chevron]),
        tuple(hotspots),
        scroll_items=tuple(moving),
        viewport=viewport,
        content_height_px=content_h,
        overflow=tuple(overflow),
    )


def _column(
    slide: Slide,
    detail: Detail,
    view: View,
    m: Metrics,
    measure: Measure,
    column: Box,
    shrink: float,
    title_shrink: float,
    *,
    marker: bool,
    single: bool = False,
) -> _Column:
    language = view.language
    head = Flow(measure, column.x, column.w, column.y, language=language)
    kicker_size = m.px(KICKER, shrink)
    if marker:
        head.width = max(1, column.w - marker_room(kicker_size, measure))
    head.text(slide.title.get(language), kicker_size, color="mute", role="kicker")
    head.width = column.w
    head.text(
        detail.title.get(language),
        m.px(DETAIL_TITLE, title_shrink),
        bold=True,
        color="teal",
        line_height=TITLE_LINE_HEIGHT,
        role="title",
    )
    head.gap(m.u * 0.02 * shrink)
    body = Flow(measure, column.x, column.w, head.y, language=language)
    size = m.px(BODY, shrink)
    body.blocks(detail.blocks(language), size)
    rows = _steps(detail, view, m, body, size, shrink, single=single) if detail.steps else ()
    return head, body, rows


def _steps(
    detail: Detail, view: View, m: Metrics, flow: Flow, size: int, shrink: float, *, single: bool
) -> tuple[tuple[int, int], ...]:
    """Numbered steps: a list in portrait, two columns in landscape where a column stays wide
    enough to read. A row is as tall as its text, or its picture when it has one.

    Returns the spans (top, bottom) of rows of two steps, which a lobby page keeps together."""
    gap = round(m.width * 0.03)
    columns = 1
    if not (m.portrait or single) and len(detail.steps) >= 3 and (flow.width - gap) // 2 >= size * 14:
        columns = 2
    cell_w = (flow.width - gap * (columns - 1)) // columns
    with_pictures = any(step.image for step in detail.steps)
    picture = round(min(m.short * (0.17 if columns == 2 else 0.22), cell_w * 0.3) * shrink)
    text_dx = picture + round(gap * 0.6) if with_pictures else 0
    badge = round(size * 1.4)
    row_gap = round(size * 0.6)
    y = flow.y
    rows: list[tuple[int, int]] = []
    for start in range(0, len(detail.steps), columns):
        row_bottom = y
        for col, step in enumerate(detail.steps[start : start + columns]):
            cell_x = flow.x + col * (cell_w + gap)
            items: list[Item] = []
            if step.image is not None:
                items += _picture(step.image, cell_x + picture // 2, y + picture // 2, picture // 2)
                row_bottom = max(row_bottom, y + picture)
            # In a list the numbers line up after the pictures' column; in a grid a step without
            # a picture uses its whole cell.
            text_x = cell_x + (text_dx if columns == 1 or step.image is not None else 0)
            # The number sits beside the first line of text, not above it: a row saved per step.
            sub = Flow(flow.measure, text_x, cell_x + cell_w - text_x, y, language=view.language)
            lines = sub.text(
                step.text.get(view.language), size, indent_px=badge + round(size * 0.4), role="step"
            )
            first = lines[0].box if lines else Box(text_x, y, 0, badge)
            badge_y = first.y + (first.h - badge) // 2
            items.append(
                Shape("circle", Box(text_x, badge_y, badge, badge), fill="teal", layer="panel", role="badge")
            )
            number = str(start + col + 1)
            number_w = flow.measure(number, size, True)
            items.append(
                TextLine(
                    number,
                    Box(text_x + (badge - number_w) // 2, badge_y, number_w, badge),
                    size,
                    True,
                    "on_teal",
                    number_w,
                    role="step-number",
                    block=f"step-number-{start + col + 1}",
                )
            )
            flow.items.extend(items + sub.items)
            flow.overflow.extend(sub.overflow)
            row_bottom = max(row_bottom, sub.y, badge_y + badge)
        if columns > 1:
            rows.append((y, row_bottom))
        y = row_bottom + row_gap
    flow.y = y - row_gap
    return tuple(rows)
