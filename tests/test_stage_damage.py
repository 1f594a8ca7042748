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
# The region geometry is checked at every alpha on the small screen; the large ones (each frame is
# 2-8 MB compared twice) take every other alpha.
FRAMES_BY_SIZE = {(1280, 720): FRAMES}


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


def times(state: State, frames: int = FRAMES) -> list[float]:
    assert state.transition is not None
    duration = state.transition.duration_s
    return [duration * k / (frames + 1) for k in range(1, frames + 1)]


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
    frames = FRAMES_BY_SIZE.get(size, FRAMES // 2)
    for before, fading in fades(program, deck):
        for painted in (stage, reference):
            painted.screen(fading.view)  # painted already: no tap-first frame in between
        assert stage.compose(before, 0.0, live, shift=shift) is None
        shown.blit(live, (0, 0))
        for now in times(fading, frames):
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
    assert partial_frames >= len(fades(program, deck)) * (frames - 2)  # the regions were used


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


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_the_kiosk_paints_the_next_slide_while_idle_so_its_fade_paints_nothing(deck, monkeypatch):
    from kiosk.runtime.app import Kiosk, Settings

    display = pygame.display.set_mode((1280, 720))
    clock = Clock()
    kiosk = Kiosk(deck, Settings(), display, clock=clock)
    kiosk.tick()
    upcoming = kiosk.ahead(clock.now)
    assert upcoming is not None and upcoming.slide == 1
    assert kiosk.ahead(clock.now) is None  # asked once per state
    kiosk._prepared = None
    kiosk.prepare_ahead(clock.now)
    assert upcoming in kiosk.stage._screens
    painted: list[object] = []
    real_paint = kiosk.stage.painter.paint
    monkeypatch.setattr(
        kiosk.stage.painter, "paint", lambda *a, **k: painted.append(a) or real_paint(*a, **k)
    )
    clock.now = kiosk.program.durations_s[0] + 0.01
    kiosk.tick()
    assert kiosk.state.view == upcoming and kiosk.state.transition is not None
    assert painted == []  # the fade started without painting


def test_the_kiosk_updates_only_the_damage_and_the_screen_shows_every_frame_whole(deck, monkeypatch):
    """What a display that copies only the updated rectangles shows is, frame by frame, the frame."""
    from kiosk.runtime.app import FADE_FPS, Kiosk, Settings

    size = (1280, 720)
    display = pygame.display.set_mode(size)
    shown = pygame.Surface(size).convert()
    updates: list[object] = []

    def flip() -> None:
        updates.append(None)
        shown.blit(display, (0, 0))

    def update(rects) -> None:
        updates.append(rects)
        for rect in rects:
            shown.blit(display, rect, rect)

    monkeypatch.setattr(pygame.display, "flip", flip)
    monkeypatch.setattr(pygame.display, "update", update)
    clock = Clock()
    kiosk = Kiosk(deck, Settings(), display, clock=clock)
    kiosk.tick()
    clock.now = kiosk.program.durations_s[0] + 0.01
    while True:
        kiosk.tick()
        assert raw(shown) == raw(display), clock.now
        if kiosk.state.transition is None:
            break
        assert kiosk.frame_rate() == FADE_FPS  # the loop's calm crossfade
        clock.now += 1 / kiosk.frame_rate()
    assert any(rects for rects in updates), "no frame of the fade was sent as rectangles"
    assert kiosk.frame_rate() == 60  # still: the fade's lower rate only applies while fading


@pytest.mark.parametrize("alpha", [0, 255])
def test_the_ends_of_a_fade_are_the_same_pixels_as_a_blend(alpha):
    """A fade's first and last steps skip the blend (alpha 255 is SDL's slow path): same pixels."""
    size = (97, 61)
    source, under = pygame.Surface(size).convert(), pygame.Surface(size).convert()
    for x in range(size[0]):
        for y in range(size[1]):
            source.set_at((x, y), ((x * 7) % 256, (y * 13) % 256, (x * y) % 256))
            under.set_at((x, y), ((y * 5) % 256, (x * 11) % 256, (x + y) % 256))
    blended = under.copy()
    source.set_alpha(alpha)
    blended.blit(source, (0, 0))
    source.set_alpha(None)
    expected = source if alpha == 255 else under
    assert raw(blended) == raw(expected)


@pytest.mark.parametrize("size", [(1280, 720), (1080, 1920)], ids=["landscape", "portrait"])
def test_what_the_painter_reports_drawing_covers_every_pixel_it_changed(deck, size):
    """The fade's tiles come from the painter's own reports; looking at the pixels finds no more."""
    from kiosk.core.program import View
    from kiosk.render.stage import Screen

    program = build_program(deck, Mode.TOUCH)
    stage = Stage(program, THEMES["warm"], size)
    for index, slide in enumerate(deck.slides):
        for detail in [None, *(d.id for d in slide.details)]:
            screen = stage.screen(View(index, detail, deck.default_language, program.version))
            assert screen.marks is not None
            looked = Screen(screen.layout, screen.base, screen.strip, (), screen.background)  # no marks
            assert looked.tiles <= screen.tiles, (index, detail, sorted(looked.tiles - screen.tiles)[:5])
