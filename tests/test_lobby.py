"""The lobby TV (issue 14, items 21-22): both languages early in the loop, and text sized by a
legibility rule from the viewing distance and the screen's size."""

from __future__ import annotations

import pygame
import pytest

from kiosk.core.legibility import Viewing, text_floor
from kiosk.core.program import Mode, View, build_program
from kiosk.layout.detail import lobby_pages
from kiosk.layout.invariant import SUPPORTED_SIZES, violations
from kiosk.layout.items import TextLine
from kiosk.layout.screen import arrange
from kiosk.render.painter import Fonts
from kiosk.runtime.settings import LocalSettingsFile, settings_for


@pytest.fixture(scope="module")
def fonts():
    pygame.font.init()
    return Fonts()


# -- 21. languages alternate by slide -------------------------------------------------------------------


def test_both_languages_appear_within_the_first_two_slides_and_the_first_minute(deck, fonts):
    program = build_program(deck, Mode.LOBBY, pages=lobby_pages(deck, 1920, 1080, fonts.measure))
    slides = [entry for entry in program.entries if entry.detail is None]
    assert {slides[0].language, slides[1].language} == set(deck.languages)
    started_at, first_seen = 0.0, {}
    for entry, duration in zip(program.entries, program.durations_s, strict=True):
        first_seen.setdefault(entry.language, started_at)
        started_at += duration
    assert max(first_seen.values()) <= 60.0


def test_every_slide_and_detail_still_plays_once_in_every_language(deck):
    program = build_program(deck, Mode.LOBBY)
    shown = [(e.slide, e.detail, e.language) for e in program.entries]
    expected = {
        (i, d, language)
        for i, slide in enumerate(deck.slides)
        for d in (None, *(detail.id for detail in slide.details))
        for language in deck.languages
    }
    assert sorted(shown, key=str) == sorted(expected, key=str)
    # A slide's details follow it in its language.
    for before, after in zip(program.entries, program.entries[1:], strict=False):
        if after.detail is not None:
            assert (after.slide, after.language) == (before.slide, before.language)


def test_loop_plays_the_whole_loop_in_each_language_in_turn(deck):
    program = build_program(deck, Mode.LOBBY, lobby_languages="loop")
    half = len(program.entries) // len(deck.languages)
    assert {e.language for e in program.entries[:half]} == {deck.languages[0]}


def test_the_local_settings_file_chooses_the_order_and_the_viewing(deck):
    local = LocalSettingsFile(
        mode="lobby", lobby_languages="loop", viewing_distance_m=4.0, screen_diagonal_in=43
    )
    settings = settings_for(deck, local=local)
    assert settings.viewing == Viewing(distance_m=4.0, diagonal_in=43)
    program = settings.program(deck, version=1)
    assert program.entries[1].language == deck.languages[0]
    assert settings_for(deck).lobby_languages == "alternate"  # the default


# -- 22. the legibility rule ------------------------------------------------------------------------


def test_the_rule_gives_larger_text_for_a_farther_viewer_and_a_smaller_screen():
    base = text_floor(Viewing(distance_m=3.5, diagonal_in=50), 1920, 1080)
    farther = text_floor(Viewing(distance_m=4.5, diagonal_in=50), 1920, 1080)
    smaller = text_floor(Viewing(distance_m=3.5, diagonal_in=43), 1920, 1080)
    assert farther.body_px > base.body_px and smaller.body_px > base.body_px
    assert farther.small_px > base.small_px and smaller.small_px > base.small_px
    # The documented figures: capitals 1/150 of the distance (body), 1/200 (small), 0.68 em tall.
    px_per_mm = (1920**2 + 1080**2) ** 0.5 / (50 * 25.4)
    assert base.body_px * 0.68 / px_per_mm == pytest.approx(3500 / 150, abs=0.5)
    assert base.small_px * 0.68 / px_per_mm == pytest.approx(3500 / 200, abs=0.5)


def test_a_lobby_detail_body_disclaimer_and_header_meet_the_floor(deck, fonts):
    floor = text_floor(Viewing(), 1920, 1080)
    old = arrange(deck, View(0, deck.slides[0].details[0].id, "en"), 1920, 1080, Mode.LOBBY, fonts.measure)
    layout = arrange(
        deck,
        View(0, deck.slides[0].details[0].id, "en"),
        1920,
        1080,
        Mode.LOBBY,
        fonts.measure,
        min_body_px=floor.body_px,
        min_small_px=floor.small_px,
    )

    def sizes(layout, role):
        return {
            line.size_px
            for line in layout.items + layout.scroll_items
            if isinstance(line, TextLine) and line.role == role
        }

    assert min(sizes(layout, "body")) >= floor.body_px > max(sizes(old, "body"))
    assert min(sizes(layout, "disclaimer")) >= floor.small_px > max(sizes(old, "disclaimer"))
    assert min(sizes(layout, "deck-title")) >= floor.small_px > max(sizes(old, "deck-title"))


@pytest.mark.parametrize("size", SUPPORTED_SIZES)
def test_the_default_viewing_keeps_every_lobby_screen_whole(deck, fonts, size):
    floor = text_floor(Viewing(), *size)
    kwargs = {"min_body_px": floor.body_px, "min_small_px": floor.small_px}
    program = build_program(deck, Mode.LOBBY, pages=lobby_pages(deck, *size, fonts.measure, **kwargs))
    for index in range(len(program.entries)):
        view = program.view(index, deck.default_language)
        layout = arrange(deck, view, *size, Mode.LOBBY, fonts.measure, **kwargs)
        assert violations(layout) == [], view
