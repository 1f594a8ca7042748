"""Input: one physical tap is one Tap, mice still work, rotation turns touches with the picture;
the router hit-tests, lets a waking touch press nothing and spots the staff gesture."""

from __future__ import annotations

import shutil
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pygame
import pytest
from conftest import SLIDES

from kiosk.content.loader import check_deck, load_deck
from kiosk.core.actions import AdminExit, AdminExitConfirm, AdminReload, Open
from kiosk.core.admin import HOLD_S
from kiosk.core.intents import Activate, AdminGesture, Drag, PointerDown, Press, Quit, Scroll, Swipe, Tap
from kiosk.core.orientation import Orientation
from kiosk.core.program import Mode
from kiosk.layout.items import Box, Hotspot, ScreenLayout
from kiosk.runtime.app import Kiosk, Settings
from kiosk.runtime.input import InputReader, InputRouter
from kiosk.runtime.reload import Reloader


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


# -- the router: hit-testing, the waking touch, the staff gesture --------------------------------------


def tiny_layout() -> ScreenLayout:
    card = Hotspot(Open(detail="side-effects"), Box(100, 100, 200, 100))
    return ScreenLayout(1920, 1080, (), (card,), viewport=Box(0, 300, 1920, 600), content_height_px=900)


def test_the_router_resolves_pointer_intents_to_the_action_under_them():
    router = InputRouter(Orientation(0, 1920, 1080))
    layout = tiny_layout
    assert router.resolve(PointerDown(150, 150), dark=False, layout=layout) == Press(
        Open(detail="side-effects")
    )
    assert router.resolve(Tap(150, 150), dark=False, layout=layout) == Activate(Open(detail="side-effects"))
    assert router.resolve(Tap(5, 5), dark=False, layout=layout) == Press(None)  # presence, no action
    assert router.resolve(Drag(-40), dark=False, layout=layout) == Scroll(-40, 300)
    assert router.resolve(Swipe(1), dark=False, layout=layout) == Swipe(1)


def test_the_first_touch_on_a_dark_screen_presses_nothing_even_when_it_lifts_on_a_card():
    router = InputRouter(Orientation(0, 1920, 1080))
    built = []

    def layout() -> ScreenLayout:
        built.append(1)
        return tiny_layout()

    assert router.resolve(PointerDown(150, 150), dark=True, layout=layout) == Press(None)
    # By the lift the screen is awake, but this finger only woke it.
    assert router.resolve(Tap(150, 150), dark=False, layout=layout) == Press(None)
    assert built == []  # nothing was hit-tested
    router.resolve(PointerDown(150, 150), dark=False, layout=layout)
    assert router.resolve(Tap(150, 150), dark=False, layout=layout) == Activate(Open(detail="side-effects"))


def test_the_corner_gesture_fires_once_after_a_still_five_second_press():
    router = InputRouter(Orientation(0, 1920, 1080))
    router.read(mouse(pygame.MOUSEBUTTONDOWN, (10, 10)), 0.0)
    assert router.gesture(HOLD_S - 0.1) is None
    assert router.gesture(HOLD_S) == AdminGesture()
    assert router.gesture(HOLD_S + 3) is None  # holding on does not fire again
    router.read(mouse(pygame.MOUSEBUTTONUP, (10, 10)), HOLD_S + 4)
    assert router.gesture(HOLD_S + 4) is None
    router.read(mouse(pygame.MOUSEBUTTONDOWN, (960, 540)), 20.0)  # the middle of the screen
    assert router.gesture(20.0 + 2 * HOLD_S) is None


# -- the staff Reload button goes through step and the reloader ------------------------------------------


def staff_kiosk(deck_dir, display, clock, executor=None, load=check_deck) -> Kiosk:
    deck = load_deck(deck_dir)
    reloader = Reloader(deck_dir, load, current=deck, executor=executor)
    kiosk = Kiosk(deck, Settings(dev=True), display, clock=clock, reloader=reloader)
    kiosk.handle(AdminGesture(), clock.now)
    assert kiosk.state.admin is not None and kiosk.state.admin.screen == "main"
    return kiosk


def press_staff_button(kiosk: Kiosk, clock: FakeClock, action) -> None:
    box = next(
        h.box for h in kiosk.stage.layout_for(kiosk.state, kiosk.admin_info()).hotspots if h.action == action
    )
    for kind in (pygame.MOUSEBUTTONDOWN, pygame.MOUSEBUTTONUP):
        clock.now += 0.05
        kiosk.handle_event(mouse(kind, (box.x + box.w // 2, box.y + box.h // 2)))


def retitle(deck_dir: Path) -> None:
    path = deck_dir / "how-it-works.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("en: How does it work?", "en: Reloaded by staff", 1),
        encoding="utf-8",
    )


def test_the_staff_reload_button_loads_the_edited_deck(tmp_path, display):
    deck_dir = tmp_path / "deck"
    shutil.copytree(SLIDES, deck_dir)
    clock = FakeClock()
    kiosk = staff_kiosk(deck_dir, display, clock)
    kiosk.tick()
    retitle(deck_dir)  # an edit the poll has not noticed yet (it waits for a quiet folder)
    press_staff_button(kiosk, clock, AdminReload())
    assert kiosk.running and kiosk.reloader.loads == 0  # nothing loads inside the event handler
    # The edit is new to the reloader: like any change it loads once the folder is quiet (2 s).
    for _ in range(12):
        clock.now += 0.25
        kiosk.tick()
    assert kiosk.reloader.loads == 1
    pending = kiosk.state.pending
    assert pending is not None and pending.deck.slide("how-it-works").title.get("en") == "Reloaded by staff"


def test_the_staff_reload_runs_in_the_reloaders_worker_thread(tmp_path, display):
    deck_dir = tmp_path / "deck"
    shutil.copytree(SLIDES, deck_dir)
    threads: list[str] = []

    def load(folder: Path):
        threads.append(threading.current_thread().name)
        return check_deck(folder)

    clock = FakeClock()
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="kiosk-reload") as executor:
        kiosk = staff_kiosk(deck_dir, display, clock, executor=executor, load=load)
        retitle(deck_dir)
        press_staff_button(kiosk, clock, AdminReload())
        kiosk.tick()  # submits the load and returns
        for _ in range(600):
            if kiosk.state.pending is not None:
                break
            time.sleep(0.05)
            clock.now += 0.25
            kiosk.tick()
    assert threads and threads[0].startswith("kiosk-reload")
    assert kiosk.state.pending is not None
    assert kiosk.state.pending.deck.slide("how-it-works").title.get("en") == "Reloaded by staff"


def test_the_staff_exit_button_ends_the_loop(deck, display):
    clock = FakeClock()
    kiosk = Kiosk(deck, Settings(dev=True), display, clock=clock)
    kiosk.handle(AdminGesture(), clock.now)
    press_staff_button(kiosk, clock, AdminExit())
    assert kiosk.running  # Exit kiosk asks first
    press_staff_button(kiosk, clock, AdminExitConfirm())
    assert kiosk.running is False
