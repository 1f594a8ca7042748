"""A fade redraws only where the screens have content, and says where (Stage.compose's damage).

These protect correctness, not speed: a fade frame composed into the target that holds the frame
before must be the same picture as one composed from nothing, and the rectangles it returns must
cover every pixel that changed (a display that updates only them shows the whole new frame).
"""

from __future__ import annotations

from dataclasses import replace

import pygame
import pytest

from kiosk.core.program import Mode, build_program
from kiosk.core.state import OPEN_FADE_S, State, Transition, initial_state
from kiosk.core.theme import THEMES
from kiosk.render.stage import Stage

SIZES = [(1280, 720), (1920, 1080), (1080, 1920)]
FRAMES = 12  # per fade: alphas from near 255 down to 0 and up again


@pytest.fixture(scope="module", autouse=True)
def display():
    pygame.display.init()
    pygame.font.init()
    pygame.display.set_mode((1, 1))


def raw(surface: pygame.Surface) -> bytes:
    return pygame.image.tobytes(surface, "RGB")


def max_difference(a: pygame.Surface, b: pygame.Surface) -> int:
    """The largest difference in any channel of any pixel (0: the same picture)."""
    if raw(a) == raw(b):
        return 0
    same = pygame.mask.from_threshold(a, (0, 0, 0, 255), (2, 2, 2, 255), b)  # within 1 level
    w, h = a.get_size()
    return 1 if same.count() == w * h else 2


def fades(program, deck) -> list[tuple[State, State]]:
    """(before, fading) pairs: slide -> next slide, and slide -> its detail after a tap."""
    start = initial_state(program, 0.0)
    pairs = []
    slides = len(deck.slides)
    for index in range(slides):
        source = replace(start, index=index)
        fading = replace(
            start,
            index=(index + 1) % slides,
            transition=Transition(source.view, "fade", 0.0, deck.timing.transition_s),
        )
        pairs.append((source, fading))
    for index, slide in enumerate(deck.slides[:3]):
        if not slide.details:
            continue
        source = replace(start, index=index)
        action = next(
            h.action
            for h in Stage(program, THEMES["warm"], (1280, 720)).layout(source.view).hotspots
            if str(h.action).startswith("open:")
        )
        opened = replace(source, detail=str(action).split(":", 1)[1])
        pairs.append(
            (source, replace(opened, transition=Transition(source.view, "fade", 0.0, OPEN_FADE_S, action)))
        )
    return pairs


def times(state: State) -> list[float]:
    assert state.transition is not None
    duration = state.transition.duration_s
    return [duration * k / (FRAMES + 1) for k in range(1, FRAMES + 1)]


@pytest.mark.parametrize(
    ("size", "shift"),
    [(size, (0, 0)) for size in SIZES] + [((1280, 720), (2, -2))],
    ids=lambda v: "x".join(map(str, v)),
)
def test_a_fade_drawn_in_regions_is_the_whole_frame_and_its_damage_covers_every_change(deck, size, shift):
    program = build_program(deck, Mode.TOUCH)
    stage = Stage(program, THEMES["warm"], size)
    reference = Stage(program, THEMES["warm"], size)
    live = pygame.Surface(size).convert()  # what the kiosk draws into, frame after frame
    shown = pygame.Surface(size).convert()  # what a display that updates only the damage shows
    partial_frames = 0
    for before, fading in fades(program, deck):
        for painted in (stage, reference):
            painted.screen(fading.view)  # painted already: no tap-first frame in between
        assert stage.compose(before, 0.0, live, shift=shift) is None
        shown.blit(live, (0, 0))
        for now in times(fading):
            damage = stage.compose(fading, now, live, shift=shift)
            whole = pygame.Surface(size).convert()
            reference.compose(fading, now, whole, shift=shift)  # a fresh target: drawn whole
            assert max_difference(live, whole) <= 1, (before.view, fading.view, now)
            if damage is None:
                shown.blit(live, (0, 0))
            else:
                partial_frames += 1
                for rect in damage:
                    shown.blit(live, rect, rect)
            assert raw(shown) == raw(whole), ("damage misses a changed pixel", fading.view, now, damage)
    assert partial_frames >= len(fades(program, deck)) * (FRAMES - 2)  # the regions were used


def test_a_fade_redraws_less_than_the_screen_and_nothing_when_the_alpha_holds(deck):
    size = (1920, 1080)
    program = build_program(deck, Mode.TOUCH)
    stage = Stage(program, THEMES["warm"], size)
    live = pygame.Surface(size).convert()
    before, fading = fades(program, deck)[0]
    stage.compose(before, 0.0, live)
    assert stage.compose(fading, 0.1, live) is None  # the first frame of a fade is whole
    damage = stage.compose(fading, 0.2, live)
    assert damage is not None and damage
    area = sum(rect.w * rect.h for rect in damage)
    assert area < 0.8 * size[0] * size[1]
    assert stage.compose(fading, 0.2, live) == []  # the same alpha: nothing to update
    other = pygame.Surface(size).convert()
    assert stage.compose(fading, 0.3, other) is None  # another target: drawn whole


def test_regions_cover_every_pixel_that_is_not_background(deck):
    size = (1280, 720)
    program = build_program(deck, Mode.TOUCH)
    stage = Stage(program, THEMES["warm"], size)
    background = THEMES["warm"].rgb("background")
    for index in range(len(deck.slides)):
        screen = stage.screen(replace(initial_state(program, 0.0), index=index).view)
        covered = pygame.Surface(size).convert()
        covered.fill(background)
        for rect in screen.regions(()):
            covered.blit(screen.base, rect, rect)
        assert raw(covered) == raw(screen.base), index
