"""Lobby pages keep a lone line off a page of its own (kiosk.layout.pages)."""

from kiosk.layout.items import Box, TextLine
from kiosk.layout.pages import Unit, paginate


def _line(y: int, x: int = 0) -> Unit:
    line = TextLine(f"w{y}", Box(x, y, 100, 80), 60, False, "ink", 100, role="body", block=f"b{y}")
    return Unit(top=y, bottom=y + 80, items=(line,))


def test_last_page_never_holds_one_line_when_moving_one_would_do() -> None:
    # Four lines fit the first page (0..320), the fifth alone would go on to page 2.
    parts = [_line(y) for y in range(0, 400, 80)]
    pages = paginate(parts, ([], 0), ([], 0), 320, [])
    assert [page.words for page in pages] == [3, 2]


def test_orphan_list_item_moves_to_the_list_on_the_next_page() -> None:
    # A paragraph of 3 lines, then list items (indented): page 1 would end on the first item.
    parts = [_line(0), _line(80), _line(160), _line(240, x=40), _line(320, x=40), _line(400, x=40)]
    pages = paginate(parts, ([], 0), ([], 0), 320, [])
    assert [page.words for page in pages] == [3, 3]
