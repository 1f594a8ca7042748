"""What patients see, checked by pixels: golden images, contrast, transitions, placeholders.

Golden images are committed PNGs of a few screens. After an intended visual change, look at the
new exports, then refresh them with:  KIOSK_UPDATE_GOLDEN=1 python -m pytest tests/test_pictures.py
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import pygame
import pytest

from kiosk.content.deck import Image
from kiosk.core.program import Mode, View, build_program
from kiosk.core.state import Transition, initial_state
from kiosk.core.theme import TEXT_PAIRS, THEMES, contrast_ratio
from kiosk.render.stage import Stage

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("KIOSK_UPDATE_GOLDEN") == "1"
# Mean absolute difference per channel (0-255) allowed: room for a different SDL/FreeType build's
# antialiasing, far below what a moved box or a changed colour produces.
TOLERANCE = 1.5


@pytest.fixture(scope="module", autouse=True)
def display():
    pygame.display.init()
    pygame.font.init()
    pygame.display.set_mode((1, 1))


def render(deck, view, size, mode=Mode.TOUCH, theme="warm", state_changes=None, now=0.0):
    program = build_program(deck, mode)
    stage = Stage(program, THEMES[theme], size)
    state = replace(
        initial_state(program, 0.0, view.language),
        index=view.slide,
        detail=view.detail,
        **(state_changes or {}),
    )
    frame = pygame.Surface(size).convert()
    stage.compose(state, now, frame)
    return frame, stage


def mean_difference(a: pygame.Surface, b: pygame.Surface) -> float:
    assert a.get_size() == b.get_size()
    small = (a.get_width() // 4, a.get_height() // 4)
    da = pygame.image.tobytes(pygame.transform.smoothscale(a, small), "RGB")
    db = pygame.image.tobytes(pygame.transform.smoothscale(b, small), "RGB")
    return sum(abs(x - y) for x, y in zip(da, db)) / len(da)


GOLDEN_CASES = [
    ("slide-02-en", View(1, None, "en"), (1920, 1080)),
    ("slide-02-en", View(1, None, "en"), (1080, 1920)),
    ("detail-02-steps-es", View(1, "step-by-step", "es"), (1920, 1080)),
    ("detail-02-steps-es", View(1, "step-by-step", "es"), (1080, 1920)),
]


@pytest.mark.parametrize("name,view,size", GOLDEN_CASES, ids=lambda c: c if isinstance(c, str) else None)
def test_golden_screens(deck, name, view, size):
    frame, _ = render(deck, view, size)
    path = GOLDEN / f"{name}-{size[0]}x{size[1]}.png"
    if UPDATE or not path.exists():
        GOLDEN.mkdir(exist_ok=True)
        pygame.image.save(frame, str(path))
        if not UPDATE:
            pytest.fail(f"no golden image yet: wrote {path}; look at it and commit it")
    expected = pygame.image.load(str(path)).convert()
    assert mean_difference(frame, expected) <= TOLERANCE


def test_a_different_screen_is_far_from_the_golden_one(deck):
    frame, _ = render(deck, View(2, None, "en"), (1920, 1080))
    expected = pygame.image.load(str(GOLDEN / "slide-02-en-1920x1080.png")).convert()
    assert mean_difference(frame, expected) > 5 * TOLERANCE


@pytest.mark.parametrize("theme", sorted(THEMES))
def test_theme_text_contrast_meets_wcag_aa(theme):
    palette = THEMES[theme]
    for foreground, background in TEXT_PAIRS:
        ratio = contrast_ratio(palette.rgb(foreground), palette.rgb(background))
        needed = 3.0 if foreground == "rose" else 4.5
        assert ratio >= needed, f"{theme}: {foreground} on {background} is {ratio:.2f}:1"


def test_design_palette_ratios_match_the_design_direction():
    warm = THEMES["warm"]
    assert contrast_ratio(warm.rgb("ink"), warm.rgb("background")) == pytest.approx(13.0, abs=0.2)
    assert contrast_ratio(warm.rgb("on_teal"), warm.rgb("teal")) == pytest.approx(12.0, abs=0.2)


def test_a_fade_goes_through_the_background_and_is_never_black(deck):
    # (A crossfade used to show both slides' text at once: tests/test_touch.py.)
    a, _ = render(deck, View(0, None, "en"), (640, 360))
    b, _ = render(deck, View(1, None, "en"), (640, 360))
    transition = Transition(View(0, None, "en"), "fade", 0.0, 1.0)
    mid, _ = render(deck, View(1, None, "en"), (640, 360), state_changes={"transition": transition}, now=0.5)
    plain = pygame.Surface((640, 360)).convert()
    plain.fill(THEMES["warm"].rgb("background"))
    assert mean_difference(mid, plain) < min(mean_difference(a, plain), mean_difference(b, plain)) / 2
    for t in (0.0, 0.1, 0.5, 0.9, 1.0):
        frame, _ = render(
            deck, View(1, None, "en"), (640, 360), state_changes={"transition": transition}, now=t
        )
        assert pygame.transform.average_color(frame)[:3] > (150, 150, 150)  # cream, not a black frame


def test_pressed_card_is_darker_while_pressed(deck):
    frame, stage = render(deck, View(0, None, "en"), (1920, 1080))
    card = next(h for h in stage.layout(View(0, None, "en")).hotspots if str(h.action).startswith("open:"))
    point = (card.box.x + card.box.w // 2, card.box.y + 5)
    later, _ = render(
        deck,
        View(0, None, "en"),
        (1920, 1080),
        state_changes={"pressed": card.action, "pressed_at": 0.0},
        now=2.0,
    )
    assert sum(later.get_at(point)[:3]) < sum(frame.get_at(point)[:3]) - 30


def test_a_broken_image_shows_the_plain_backdrop_not_a_crash(deck, tmp_path):
    broken = tmp_path / "broken.svg"
    broken.write_text("<svg this is not really")
    slide = replace(deck.slides[0], image=Image(broken, "svg"))
    frame, stage = render(replace(deck, slides=(slide,) + deck.slides[1:]), View(0, None, "en"), (1280, 720))
    frame_box = next(
        i for i in stage.layout(View(0, None, "en")).items if getattr(i, "role", "") == "picture-frame"
    )
    centre = (frame_box.box.x + frame_box.box.w // 2, frame_box.box.y + frame_box.box.h // 2)
    assert frame.get_at(centre)[:3] == THEMES["warm"].rgb("sand")


def test_a_tap_answers_at_once_with_the_pressed_card_before_painting_the_detail(deck):
    from kiosk.core.intents import Activate, Press
    from kiosk.core.state import step

    program = build_program(deck, Mode.TOUCH)
    stage = Stage(program, THEMES["warm"], (1920, 1080))
    frame = pygame.Surface((1920, 1080)).convert()
    state = initial_state(program, 0.0)
    stage.compose(state, 0.0, frame)
    plain = frame.copy()
    card = next(h for h in stage.layout(state.view).hotspots if str(h.action).startswith("open:"))
    state = step(step(state, Press(card.action), 1.0), Activate(card.action), 1.05)
    stage.compose(state, 1.05, frame)  # first frame after the tap: the source, card tinted
    point = (card.box.x + card.box.w // 2, card.box.y + 5)
    assert sum(frame.get_at(point)[:3]) < sum(plain.get_at(point)[:3]) - 30
    assert state.view not in stage._screens  # the detail is not painted yet
    stage.compose(state, 1.07, frame)  # the next frame paints it and starts the fade
    assert state.view in stage._screens


def test_the_screen_cache_is_bounded_by_bytes_at_4k(deck):
    from kiosk.render.stage import MAX_SCREEN_BYTES

    program = build_program(deck, Mode.TOUCH)
    stage = Stage(program, THEMES["warm"], (3840, 2160))
    for index in range(4):
        stage.screen(View(index, None, "en", program.version))
    assert stage.cached_screens == 2 and stage.cached_bytes <= 2 * 3840 * 2160 * 4
    small = Stage(program, THEMES["warm"], (1920, 1080))
    for index in range(6):
        small.screen(View(index, None, "en", program.version))
    assert small.cached_screens == 3 and small.cached_bytes <= MAX_SCREEN_BYTES
