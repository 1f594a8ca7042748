"""The speaker button (issue 18): it holds the layout invariant at every supported size, in every
language, with normal and A+ text, on slides and details, ready and playing; it appears only where
the screen has a narration in the language on screen and only on a touch screen; it is as tall as
the other top-bar buttons, and a tap where the painter draws it reaches ToggleNarration."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pygame
import pytest
from test_invariant_slides import hard_deck

from kiosk.content.deck import Deck, Sound
from kiosk.core.actions import ToggleLargeText, ToggleNarration
from kiosk.core.program import Mode, View
from kiosk.layout.invariant import MIN_HOTSPOT_PX, SUPPORTED_SIZES, violations
from kiosk.layout.items import ScreenLayout, Shape, TextLine
from kiosk.layout.screen import arrange
from kiosk.render.painter import Fonts


@pytest.fixture(scope="module")
def measure():
    pygame.font.init()
    return Fonts().measure


def narrated(deck: Deck, folder: Path = Path("/nowhere")) -> Deck:
    """Every slide and detail narrated in every language (the layout never opens the files)."""

    def sounds() -> tuple[tuple[str, Sound], ...]:
        return tuple(
            (code, Sound(path=folder / f"{code}.ogg", kind="ogg", duration_s=12.0)) for code in deck.languages
        )

    slides = tuple(
        replace(
            slide, narration=sounds(), details=tuple(replace(d, narration=sounds()) for d in slide.details)
        )
        for slide in deck.slides
    )
    return replace(deck, slides=slides)


def _speaker(layout: ScreenLayout):
    return [h for h in layout.hotspots if isinstance(h.action, ToggleNarration)]


def _views(deck: Deck):
    for language in deck.languages:
        for large in (False, True):
            for state in ("ready", "playing"):
                for index, slide in enumerate(deck.slides):
                    yield View(index, None, language, large=large, narration=state)
                    for detail in slide.details[:1]:
                        yield View(index, detail.id, language, large=large, narration=state)


def _problems(deck: Deck, measure, sizes) -> list[str]:
    problems = []
    for width, height in sizes:
        for view in _views(deck):
            layout = arrange(deck, view, width, height, Mode.TOUCH, measure)
            found = [v.message for v in violations(layout)]
            speaker = _speaker(layout)
            if len(speaker) != 1:
                found.append(f"{len(speaker)} speaker buttons")
            else:
                box = speaker[0].box
                text_size = next(h.box for h in layout.hotspots if isinstance(h.action, ToggleLargeText))
                if min(box.w, box.h) < MIN_HOTSPOT_PX or box.h != text_size.h:
                    found.append(f"speaker button {box} is not as large as A+ {text_size}")
            problems += [f"{width}x{height} {view}: {message}" for message in found]
    return problems


def test_the_speaker_button_holds_the_invariant_on_the_example_deck_at_every_size(deck, measure):
    assert _problems(narrated(deck), measure, SUPPORTED_SIZES) == []


# The hard deck at the smallest screens, 16:10 and both portrait ratios (as the hard details in
# test_invariant_details.py); the long run (KIOSK_LONG=1) takes every supported size.
SAMPLE_SIZES = ((800, 480), (1280, 800), (1366, 768), (480, 800), (1080, 1920))


def test_the_speaker_button_holds_the_invariant_on_a_hard_deck_at_sample_sizes(deck, measure, tmp_path):
    hard = narrated(hard_deck(deck, tmp_path))
    assert _problems(hard, measure, SAMPLE_SIZES) == []


@pytest.mark.long
def test_the_speaker_button_holds_the_invariant_on_a_hard_deck_at_every_size(deck, measure, tmp_path):
    hard = narrated(hard_deck(deck, tmp_path))
    assert _problems(hard, measure, SUPPORTED_SIZES) == []


def test_no_speaker_button_without_narration_in_the_language_or_in_lobby_mode(deck, measure):
    only_english = replace(
        deck,
        slides=(
            replace(
                deck.slides[0], narration=(("en", Sound(path=Path("/x.ogg"), kind="ogg", duration_s=3.0)),)
            ),
            *deck.slides[1:],
        ),
    )
    from kiosk.core.program import build_program

    touch = build_program(only_english, Mode.TOUCH)
    assert touch.view(0, "en").narration == "ready"
    assert touch.view(0, "es").narration == ""  # no Spanish recording: no button in Spanish
    assert touch.view(1, "en").narration == ""  # the next slide has none
    assert touch.view(0, "en", detail=deck.slides[0].details[0].id).narration == ""  # nor its details
    switched_off = build_program(only_english, Mode.TOUCH, narration=False)
    assert switched_off.view(0, "en").narration == ""
    lobby = build_program(only_english, Mode.LOBBY)
    assert all(lobby.view(i, "en").narration == "" for i in range(len(lobby.entries)))
    for view, expected in ((touch.view(0, "en"), 1), (touch.view(0, "es"), 0), (touch.view(1, "en"), 0)):
        assert len(_speaker(arrange(only_english, view, 1280, 720, Mode.TOUCH, measure))) == expected
    lobby_view = replace(touch.view(0, "en"))
    assert _speaker(arrange(only_english, lobby_view, 1920, 1080, Mode.LOBBY, measure)) == []


@pytest.mark.parametrize(
    ("language", "ready", "playing"), [("en", "Listen", "Stop"), ("es", "Escuchar", "Detener")]
)
def test_the_button_reads_listen_then_stop_in_the_language_on_screen(deck, measure, language, ready, playing):
    texts = {}
    for state in ("ready", "playing"):
        layout = arrange(
            narrated(deck), View(0, None, language, narration=state), 1280, 720, Mode.TOUCH, measure
        )
        texts[state] = [i.text for i in layout.items if isinstance(i, TextLine) and i.block == "narration"]
        button = next(i for i in layout.items if isinstance(i, Shape) and i.role == "speaker-button")
        assert button.fill == ("teal" if state == "playing" else "card")
        icon = [i for i in layout.items if isinstance(i, Shape) and i.role == "speaker"]
        assert [i.kind for i in icon] == ["rect", "chevron-left", "chevron-right", "chevron-right"]
        assert all(i.box.inside(button.box) for i in icon)
    assert texts == {"ready": [ready], "playing": [playing]}
