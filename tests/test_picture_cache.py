"""The picture cache keeps decoded pictures deflated: what it gives back is the decoded picture,
pixel for pixel, and a whole deck's pictures fit, so a loop never decodes a picture twice."""

from __future__ import annotations

import pygame
import pytest

from kiosk.core.program import Mode, View, build_program
from kiosk.core.theme import THEMES
from kiosk.layout.items import Picture
from kiosk.render.painter import MAX_PICTURE_BYTES, Pictures
from kiosk.render.stage import Stage


@pytest.fixture(scope="module", autouse=True)
def display():
    pygame.display.init()
    pygame.font.init()
    pygame.display.set_mode((1920, 1080))


def deck_pictures(deck, size):
    program = build_program(deck, Mode.TOUCH)
    stage = Stage(program, THEMES["warm"], size)
    found = {}
    for index, slide in enumerate(deck.slides):
        for detail in [None, *(d.id for d in slide.details)]:
            layout = stage.layout(View(index, detail, deck.default_language, program.version))
            for item in (*layout.items, *layout.scroll_items):
                if isinstance(item, Picture):
                    found[(item.image.path, item.box.w, item.box.h)] = item
    return list(found.values())


def test_a_kept_picture_is_the_decoded_picture_pixel_for_pixel(deck):
    pictures = Pictures()
    for item in deck_pictures(deck, (1920, 1080))[:4]:
        size = (item.box.w, item.box.h)
        first = pictures.get(item.image, size)
        again = pictures.get(item.image, size)
        assert first is not None and again is not None and again is not first
        assert again.get_size() == first.get_size()
        assert pygame.image.tobytes(again, "RGBA") == pygame.image.tobytes(first, "RGBA")
        assert again.get_flags() & pygame.SRCALPHA


@pytest.mark.parametrize("size", [(1920, 1080), (3840, 2160)], ids=["1080p", "4k"])
def test_a_whole_deck_of_pictures_fits_so_going_round_again_decodes_nothing(deck, size, monkeypatch):
    pictures = Pictures()
    items = deck_pictures(deck, size)
    decoded: list[object] = []
    real_decode = pictures._decode
    monkeypatch.setattr(
        pictures, "_decode", lambda image, box: decoded.append(image) or real_decode(image, box)
    )
    for item in items:
        pictures.get(item.image, (item.box.w, item.box.h))
    assert len(decoded) == len(items)
    assert pictures.bytes <= MAX_PICTURE_BYTES
    for item in items:
        pictures.get(item.image, (item.box.w, item.box.h))
    assert len(decoded) == len(items)  # the second round came from the cache
