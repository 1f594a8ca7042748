"""Touch that never surprises (issue 14, items 1-4, 6, 7): a tap acts on what the finger went down
on, any touch holds the loop, the chrome holds still, the press lasts while the finger is down, A+
shows it is on, and a transition never shows two slides' text at once."""

from __future__ import annotations

from dataclasses import replace

import pygame
import pytest

from kiosk.core.actions import Open, SetLanguage, ToggleLargeText
from kiosk.core.intents import Activate, PointerDown, Press, Tap, Tick
from kiosk.core.orientation import Orientation
from kiosk.core.program import Mode, View, build_program, reading_time_s, visible_words
from kiosk.core.state import Transition, initial_state, step
from kiosk.core.theme import THEMES
from kiosk.layout.items import Box, Hotspot, ScreenLayout, TextLine
from kiosk.render.stage import Stage
from kiosk.runtime.app import Kiosk, Settings
from kiosk.runtime.input import InputRouter

TOP_BAR_ROLES = {"back-button", "text-size-button", "language-pill", "language-segment", "deck-title"}


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def finger(kind: int, x: float, y: float, panel: tuple[int, int] = (1920, 1080)) -> pygame.event.Event:
    return pygame.event.Event(
        kind, x=x / panel[0], y=y / panel[1], dx=0.0, dy=0.0, touch_id=1, finger_id=0, pressure=1.0
    )


@pytest.fixture()
def display():
    pygame.display.init()
    pygame.font.init()
    yield pygame.display.set_mode((1920, 1080))


@pytest.fixture()
def program(deck):
    return build_program(deck, Mode.TOUCH)


def first_card(layout: ScreenLayout) -> Hotspot:
    return next(h for h in layout.hotspots if isinstance(h.action, Open))


def hold(kiosk: Kiosk, clock: FakeClock, until: float) -> None:
    """Let the loop run (ticks every 50 ms) while nothing else happens."""
    while clock.now < until - 1e-9:
        clock.now = min(until, clock.now + 0.05)
        kiosk.tick()


# -- 1. a tap's target is decided when the finger goes down ---------------------------------------------


def test_a_card_pressed_just_before_the_slide_ends_opens_that_card_not_the_next_slides(deck, display):
    clock = FakeClock()
    kiosk = Kiosk(deck, Settings(mode=Mode.TOUCH), display, clock=clock)
    kiosk.tick()
    card = first_card(kiosk.stage.layout(kiosk.state.view))
    x, y = card.box.x + card.box.w // 2, card.box.y + card.box.h // 2
    hold(kiosk, clock, kiosk.program.durations_s[0] - 0.5)
    kiosk.handle_event(finger(pygame.FINGERDOWN, x, y))
    hold(kiosk, clock, clock.now + 1.0)  # the slide's time runs out under the finger
    kiosk.handle_event(finger(pygame.FINGERUP, x, y))
    kiosk.tick()
    assert kiosk.state.view.slide == 0  # the touch held the slide
    assert kiosk.state.view.detail == card.action.detail  # and the card pressed opened


def test_a_tap_whose_screen_changed_under_the_finger_is_cancelled(deck, display):
    clock = FakeClock()
    kiosk = Kiosk(deck, Settings(mode=Mode.TOUCH), display, clock=clock)
    kiosk.tick()
    card = first_card(kiosk.stage.layout(kiosk.state.view))
    x, y = card.box.x + card.box.w // 2, card.box.y + card.box.h // 2
    kiosk.handle_event(finger(pygame.FINGERDOWN, x, y))
    clock.now += 0.3
    # Something else changes the screen while the finger is down (here a staff keyboard's arrow).
    kiosk.handle_event(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_RIGHT, mod=0, unicode="", scancode=79))
    hold(kiosk, clock, clock.now + 1.0)
    assert kiosk.stage.layout(kiosk.state.view).hit(x, y) is not None  # a card now sits there
    kiosk.handle_event(finger(pygame.FINGERUP, x, y))
    assert kiosk.state.view.slide == 1 and kiosk.state.view.detail is None  # nothing opened


def test_the_router_cancels_a_tap_when_the_screen_changed_between_down_and_lift():
    router = InputRouter(Orientation(0, 1920, 1080))
    card = Hotspot(Open(detail="side-effects"), Box(100, 100, 200, 100))

    def layout() -> ScreenLayout:
        return ScreenLayout(1920, 1080, (), (card,))

    one, two = View(0, None, "en"), View(1, None, "en")
    assert router.resolve(PointerDown(150, 150), dark=False, layout=layout, screen=one) == Press(card.action)
    assert router.resolve(Tap(150, 150), dark=False, layout=layout, screen=two) == Press(None)
    router.resolve(PointerDown(150, 150), dark=False, layout=layout, screen=one)
    assert router.resolve(Tap(150, 150), dark=False, layout=layout, screen=one) == Activate(card.action)


# -- 2. any touch holds the loop until the idle reset; reading time in the language on screen -----------


def test_a_tap_on_es_nine_seconds_in_holds_the_slide_until_the_idle_timeout(program):
    state = initial_state(program, 0.0)
    state = step(state, Activate(SetLanguage(code="es")), 9.0)
    t = 9.0
    while t < 9.0 + program.idle_timeout_s - 0.5:
        t += 0.5
        state = step(state, Tick(), t)
        assert state.view == View(0, None, "es", 0), t
    state = step(state, Tick(), 9.0 + program.idle_timeout_s)  # the idle reset
    assert state.language == program.deck.default_language and state.index == 0
    reset_at = 9.0 + program.idle_timeout_s
    state = step(state, Tick(), reset_at + program.durations_s[0] + 0.01)
    assert state.index == 1  # and the loop resumes


def test_continuous_taps_keep_the_loop_from_advancing(program):
    state = initial_state(program, 0.0)
    for second in range(2, 300, 4):
        state = step(state, Press(None), float(second))
        state = step(state, Tick(), second + 0.05)
        state = step(state, Tick(), second + 3.9)
        assert state.index == 0, second


def test_a_press_on_a_card_alone_holds_the_loop(program):
    state = initial_state(program, 0.0)
    card = Open(detail=program.deck.slides[0].details[0].id)
    state = step(state, Press(card), program.durations_s[0] - 0.5)
    state = step(state, Tick(), program.durations_s[0] + 0.5)
    assert state.index == 0 and state.transition is None


def test_reading_time_in_spanish_follows_spanish_word_counts(deck):
    program = build_program(deck, Mode.TOUCH)
    timing = deck.timing
    for index, slide in enumerate(deck.slides):
        if slide.duration_s is not None:
            continue
        for language in deck.languages:
            words = visible_words(slide, language, Mode.TOUCH)
            expected = reading_time_s(words, timing.min_slide_s, timing.max_slide_s)
            assert program.duration_s(index, language) == pytest.approx(expected)
    # A slide whose Spanish is longer: a Spanish screen stays up for the Spanish time.
    index = max(range(len(deck.slides)), key=lambda i: program.duration_s(i, "es") - program.durations_s[i])
    assert program.duration_s(index, "es") > program.durations_s[index]
    state = replace(initial_state(program, 0.0, "es"), index=index)
    assert step(state, Tick(), program.durations_s[index] + 0.01).index == index
    assert step(state, Tick(), program.duration_s(index, "es")).index == index + 1


# -- 3. the chrome holds still while content moves ------------------------------------------------------


def compose(stage: Stage, state, now: float) -> pygame.Surface:
    frame = pygame.Surface(stage.size).convert()
    stage.compose(state, now, frame)
    return frame


def band_bytes(frame: pygame.Surface, rect: pygame.Rect) -> bytes:
    return pygame.image.tobytes(frame.subsurface(rect), "RGB")


@pytest.mark.parametrize("kind", ["push-next", "push-previous", "fade"])
def test_the_top_bar_does_not_move_during_a_swipe_or_a_slide_change(deck, display, kind):
    program = build_program(deck, Mode.TOUCH)
    stage = Stage(program, THEMES["warm"], (1280, 720))
    settled = replace(initial_state(program, 0.0), index=1)
    layout = stage.layout(settled.view)
    bar_bottom = max(item.box.bottom for item in layout.items if item.role in TOP_BAR_ROLES)
    top = pygame.Rect(0, 0, 1280, bar_bottom)
    expected = band_bytes(compose(stage, settled, 0.0), top)
    moving = replace(settled, transition=Transition(View(0, None, "en"), kind, 0.0, 0.8))  # type: ignore[arg-type]
    for now in (0.1, 0.2, 0.4, 0.6, 0.7):
        assert band_bytes(compose(stage, moving, now), top) == expected, now


# -- 4. the pressed look lasts while the finger is down -----------------------------------------------


def test_the_pressed_tint_is_there_a_second_after_the_finger_went_down(deck, display):
    clock = FakeClock()
    kiosk = Kiosk(deck, Settings(mode=Mode.TOUCH), display, clock=clock)
    kiosk.tick()
    card = first_card(kiosk.stage.layout(kiosk.state.view))
    x, y = card.box.x + card.box.w // 2, card.box.y + card.box.h // 2
    point = (card.box.x + card.box.w // 2, card.box.y + 4)
    before = display.get_at(point)
    kiosk.handle_event(finger(pygame.FINGERDOWN, x, y))
    hold(kiosk, clock, 1.0)
    assert sum(display.get_at(point)[:3]) < sum(before[:3]) - 30  # still pressed
    # The finger slides off the card (a scroll, a change of mind): the press ends.
    kiosk.handle_event(finger(pygame.FINGERMOTION, x, y + 200))
    clock.now += 0.05
    kiosk.tick()
    assert display.get_at(point) == before


# -- 6. A+ shows it is on, and how to turn it off ------------------------------------------------------


def text_size_label(stage: Stage, view: View) -> TextLine:
    layout = stage.layout(view)
    return next(i for i in layout.items if isinstance(i, TextLine) and i.block == "text-size")


def test_a_plus_when_on_shows_a_different_label_a_reader_can_tap_to_undo(deck, display):
    program = build_program(deck, Mode.TOUCH)
    stage = Stage(program, THEMES["warm"], (1280, 720))
    off = text_size_label(stage, View(0, None, "en"))
    on = text_size_label(stage, View(0, None, "en", large=True))
    assert off.text == "A+" and on.text == "A\u2212"  # "A-": tap for smaller text again
    assert not stage.fonts.missing(on.text)
    state = step(initial_state(program, 0.0), Activate(ToggleLargeText()), 1.0)
    assert step(state, Activate(ToggleLargeText()), 2.0).large_text is False


# -- 7. a transition never shows two slides' text at once ---------------------------------------------


def pixels(frame: pygame.Surface, rows: range, step_px: int) -> list[tuple[int, int, int]]:
    return [frame.get_at((x, y))[:3] for y in rows for x in range(0, frame.get_width(), step_px)]


def fits_a_fade_of(frame_px, screen_px, background) -> bool:
    """Whether `frame` is `screen` faded toward the background by one opacity, within rounding."""
    num = den = 0.0
    for f, s in zip(frame_px, screen_px, strict=True):
        for c in range(3):
            num += (f[c] - background[c]) * (s[c] - background[c])
            den += (s[c] - background[c]) ** 2
    alpha = num / den if den else 0.0
    return all(
        abs(f[c] - (background[c] + alpha * (s[c] - background[c]))) <= 4
        for f, s in zip(frame_px, screen_px, strict=True)
        for c in range(3)
    )


@pytest.mark.parametrize("reduced", [False, True])
def test_no_frame_of_a_slide_change_shows_two_slides_text(deck, display, reduced):
    program = build_program(deck, Mode.TOUCH, reduced_motion=reduced)
    stage = Stage(program, THEMES["warm"], (640, 360))
    old = replace(initial_state(program, 0.0), index=0)
    new = replace(initial_state(program, 0.0), index=1)
    layout = stage.layout(new.view)
    top = max(item.box.bottom for item in layout.items if item.role in TOP_BAR_ROLES)
    rows = range(top + 2, 300, 5)  # the content area, under the top bar and above the bottom row
    old_px = pixels(compose(stage, old, 0.0), rows, 5)
    new_px = pixels(compose(stage, new, 0.0), rows, 5)
    background = THEMES["warm"].rgb("background")
    duration = deck.timing.transition_s
    moving = replace(new, transition=Transition(old.view, "fade", 0.0, duration))
    for tenth in range(int(duration * 20) + 1):
        frame_px = pixels(compose(stage, moving, tenth * 0.05), rows, 5)
        assert fits_a_fade_of(frame_px, old_px, background) or fits_a_fade_of(frame_px, new_px, background), (
            tenth * 0.05
        )
