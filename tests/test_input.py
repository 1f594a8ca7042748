"""Input: one physical tap is one Tap, mice still work, rotation turns touches with the picture."""

from __future__ import annotations

import pygame
import pytest

from kiosk.core.actions import Open
from kiosk.core.intents import Drag, PointerDown, Quit, Swipe, Tap
from kiosk.core.orientation import Orientation
from kiosk.core.program import Mode
from kiosk.runtime.app import Kiosk, Settings
from kiosk.runtime.input import InputReader


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def finger(kind, x, y, finger_id=0, panel=(1920, 1080)):
    return pygame.event.Event(
        kind, x=x / panel[0], y=y / panel[1], dx=0.0, dy=0.0, touch_id=1, finger_id=finger_id, pressure=1.0
    )


def mouse(kind, pos, touch=False):
    extra = {"button": 1} if kind != pygame.MOUSEMOTION else {"rel": (0, 0), "buttons": (1, 0, 0)}
    return pygame.event.Event(kind, pos=pos, touch=touch, **extra)


@pytest.fixture()
def reader():
    return InputReader(Orientation(0, 1920, 1080))


def taps(intents):
    return [i for i in intents if isinstance(i, Tap)]


def test_a_finger_tap_with_its_synthetic_mouse_events_is_one_tap(reader):
    events = [
        finger(pygame.FINGERDOWN, 500, 400),
        mouse(pygame.MOUSEBUTTONDOWN, (500, 400), touch=True),
        finger(pygame.FINGERUP, 500, 400),
        mouse(pygame.MOUSEBUTTONUP, (500, 400), touch=True),
    ]
    intents = [i for e in events for i in reader.read(e, 0.1)]
    assert taps(intents) == [Tap(500, 400)]
    assert sum(isinstance(i, PointerDown) for i in intents) == 1


def test_a_plain_mouse_click_taps(reader):
    intents = reader.read(mouse(pygame.MOUSEBUTTONDOWN, (10, 20)), 0.0) + reader.read(
        mouse(pygame.MOUSEBUTTONUP, (11, 21)), 0.1
    )
    assert taps(intents) == [Tap(10, 20)]


def test_a_second_finger_is_ignored_while_the_first_is_down(reader):
    intents = reader.read(finger(pygame.FINGERDOWN, 100, 100, 0), 0.0)
    intents += reader.read(finger(pygame.FINGERDOWN, 900, 900, 1), 0.0)
    intents += reader.read(finger(pygame.FINGERUP, 900, 900, 1), 0.1)
    intents += reader.read(finger(pygame.FINGERUP, 100, 100, 0), 0.1)
    assert taps(intents) == [Tap(100, 100)]


def test_horizontal_stroke_is_a_swipe_and_vertical_drag_scrolls(reader):
    intents = reader.read(finger(pygame.FINGERDOWN, 1500, 500), 0.0) + reader.read(
        finger(pygame.FINGERUP, 900, 520), 0.2
    )
    assert intents[-1] == Swipe(1)  # finger moved left: next slide
    reader.read(finger(pygame.FINGERDOWN, 500, 800), 0.0)
    moved = reader.read(finger(pygame.FINGERMOTION, 500, 700), 0.1) + reader.read(
        finger(pygame.FINGERMOTION, 500, 600), 0.2
    )
    up = reader.read(finger(pygame.FINGERUP, 500, 600), 0.3)
    assert moved == [Drag(-100), Drag(-100)] and taps(up) == []


def test_escape_and_close_exit_only_in_dev_mode():
    key = pygame.event.Event(pygame.KEYDOWN, key=pygame.K_ESCAPE, mod=0, unicode="\x1b", scancode=41)
    assert InputReader(Orientation(0, 800, 600)).read(key, 0) == []
    assert InputReader(Orientation(0, 800, 600), dev=True).read(key, 0) == [Quit()]


@pytest.mark.parametrize("rotation", [0, 90, 180, 270])
def test_orientation_round_trips(rotation):
    o = Orientation(rotation, 1920, 1080)
    for point in [(0, 0), (100, 50), (1079, 1919) if rotation in (90, 270) else (1919, 1079)]:
        assert o.to_logical(*o.to_panel(*point)) == point


@pytest.fixture()
def display():
    pygame.display.init()
    pygame.font.init()
    yield pygame.display.set_mode((1920, 1080))


@pytest.mark.parametrize("rotation", [0, 90, 180, 270])
def test_rotated_screen_a_finger_on_a_card_opens_it_and_the_card_is_drawn_there(deck, display, rotation):
    clock = FakeClock()
    kiosk = Kiosk(deck, Settings(mode=Mode.TOUCH, rotation=rotation), display, clock=clock)
    kiosk.tick()
    layout = kiosk.stage.layout(kiosk.state.view)
    card = next(h for h in layout.hotspots if isinstance(h.action, Open))
    lx, ly = card.box.x + card.box.w * 0.3, card.box.y + card.box.h / 2
    px, py = kiosk.orientation.to_panel(lx, ly)
    # The pixels agree: the card's white face is on the panel where the finger lands.
    assert display.get_at((int(px), int(py)))[:3] == (255, 255, 255)
    for event in (finger(pygame.FINGERDOWN, px, py), finger(pygame.FINGERUP, px, py)):
        clock.now += 0.05
        kiosk.handle_event(event)
    assert kiosk.state.view.detail == card.action.detail


def test_tap_outside_every_hotspot_does_nothing_but_counts_as_presence(deck, display):
    clock = FakeClock()
    kiosk = Kiosk(deck, Settings(), display, clock=clock)
    for event in (mouse(pygame.MOUSEBUTTONDOWN, (5, 1075)), mouse(pygame.MOUSEBUTTONUP, (5, 1075))):
        kiosk.handle_event(event)
    assert kiosk.state.view.detail is None and kiosk.state.last_input_at == 0.0


def test_static_slide_draws_once_then_sleeps(deck, display):
    clock = FakeClock()
    kiosk = Kiosk(deck, Settings(), display, clock=clock)
    assert kiosk.tick() is True
    clock.now = 1.0
    assert kiosk.tick() is False  # nothing moved: no redraw
    assert kiosk.sleep_s() == pytest.approx(1.0)  # capped wake-up, not a busy loop
    clock.now = kiosk.program.durations_s[0] - 0.5
    assert kiosk.sleep_s() == pytest.approx(0.5)
