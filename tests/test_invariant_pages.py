"""Lobby pages for slides, and picture frames of the picture's shape (issue 13).

A lobby slide whose text cannot fit even with its picture dropped and its type at the floor plays
as pages, like a long detail: every page holds the invariant, the program gets one entry per page,
and no page is empty. A picture's frame follows the picture's shape between 2:1 and 1:2.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import replace
from pathlib import Path

import pygame
import pytest

from kiosk.content.deck import Deck, Image, Text
from kiosk.content.imagefile import resolve_image, svg_aspect
from kiosk.core.program import Mode, View, build_program
from kiosk.layout.chrome import frame_box, picture_frame
from kiosk.layout.detail import lobby_pages
from kiosk.layout.invariant import violations
from kiosk.layout.items import Box, Picture, Shape, TextLine
from kiosk.layout.screen import arrange
from kiosk.render.painter import Fonts

LONG_WORD = "Darmvorbereitungslösungsbeutelverschluss"  # 40 letters
# 40 letters that no dictionary can hyphenate well: a line holds one of them, and little else.
MADE_UP = "compressionappointmentcolonoscopyinforma"


@pytest.fixture(scope="module")
def measure():
    pygame.font.init()
    return Fonts().measure


def _long_slide_deck(deck: Deck) -> Deck:
    """The first slide with an 80-character title and a summary of 40-letter words three times
    as long as the format allows (the loader would refuse it), so that even a tall portrait
    screen needs pages; within the limits only some generated decks need them."""
    words = " ".join([MADE_UP, "a", MADE_UP[5:], "zu"] * 20)[:1200]
    title = f"{LONG_WORD} {LONG_WORD[:39]}"
    slide = replace(
        deck.slides[0],
        title=Text.of(**{lang: title for lang in deck.languages}),
        summary=Text.of(**{lang: words for lang in deck.languages}),
    )
    return replace(deck, slides=(slide, *deck.slides[1:]))


@pytest.mark.parametrize("size", [(1080, 1920), (800, 480), (480, 800), (1920, 1080)])
def test_a_lobby_slide_too_long_for_the_screen_plays_as_pages(deck, measure, size):
    long_deck = _long_slide_deck(deck)
    language = long_deck.default_language
    pages = lobby_pages(long_deck, *size, measure)(0, None, language)
    assert len(pages) >= 2 and all(words > 0 for words in pages)
    shown: list[str] = []
    for page in range(len(pages)):
        layout = arrange(long_deck, View(0, None, language, page=page), *size, Mode.LOBBY, measure)
        assert violations(layout) == [], (page, violations(layout)[:3])
        lines = [i for i in layout.items if isinstance(i, TextLine) and i.role == "summary"]
        assert lines, f"page {page + 1} shows no text"
        shown += [line.text for line in lines]
        marker = [i for i in layout.items if isinstance(i, TextLine) and i.role == "page"]
        assert [m.text for m in marker] == [f"{page + 1}/{len(pages)}"]
        # The picture gives way to the text.
        assert not any(isinstance(i, Picture) for i in layout.items)
    # Every word of the summary is shown once, in order (hyphenated words joined again).
    joined = " ".join(shown).replace("- ", "").replace("-", "")
    assert joined.split() == long_deck.slides[0].summary.get(language).replace("-", "").split()
    program = build_program(long_deck, Mode.LOBBY, pages=lobby_pages(long_deck, *size, measure))
    slide_entries = [
        e for e in program.entries if e.slide == 0 and e.detail is None and e.language == language
    ]
    assert [e.page for e in slide_entries] == list(range(len(pages)))


def test_a_slide_that_fits_stays_one_page(deck, measure):
    pages = lobby_pages(deck, 1920, 1080, measure)
    assert all(len(pages(i, None, deck.default_language)) == 1 for i in range(len(deck.slides)))


def _png(path: Path, width: int, height: int) -> None:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = b"".join(b"\x00" + b"\x80\x40\x40" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def test_the_aspect_is_read_at_load_time(tmp_path):
    _png(tmp_path / "wide.png", 80, 20)
    (tmp_path / "tall.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 300"/>')
    assert resolve_image("wide.png", (tmp_path,)).aspect == 4.0
    assert resolve_image("tall.svg", (tmp_path,)).aspect == pytest.approx(1 / 3)
    assert svg_aspect('<svg width="120px" height="60">') == 2.0
    assert svg_aspect('<svg width="100%" height="100%">') is None


@pytest.mark.parametrize(("aspect", "expected"), [(4.0, (400, 200)), (0.25, (100, 200)), (None, (200, 200))])
def test_a_frame_takes_the_pictures_shape_within_limits(aspect, expected):
    image = Image(Path("x.svg"), "svg", aspect)
    region = Box(0, 0, 400, 200)
    box = frame_box(image, region)
    assert (box.w, box.h) == expected and box.inside(region)
    frame, picture = picture_frame(image, region)
    assert isinstance(frame, Shape) and frame.box == box
    assert isinstance(picture, Picture) and picture.box.inside(box)
