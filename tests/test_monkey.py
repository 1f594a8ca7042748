"""Monkey test: random event streams drive the real app loop headless with a fake clock.

Fingers (several at once), mice, keys (Escape, Alt+F4, Ctrl+C), window close, resize,
minimise/restore, focus loss, coordinates far outside the window. After every event the state is
valid, the frame draws, and nothing raises. CI runs KIOSK_MONKEY_EVENTS (10,000 by default);
the long run (KIOSK_LONG=1) throws 1,000,000.

The media variant (issue 18) plays a deck with a clip on a slide and on a detail and a narration
on every slide and first detail (tests/mediawatch.py), and adds aimed taps (the speaker button,
the language buttons, topics, back, A+) and idle resets to the random stream. After every event it
also checks what the soak checks: at most one clip thread that is not stopping, no voice that
the state does not know of; and at the end, that every decoding thread ended at the close.
"""

from __future__ import annotations

import os
import random
import shutil
from pathlib import Path

import pygame
import pytest
from conftest import FROZEN_DECK, TODAY
from mediawatch import MediaWatch, add_media

from kiosk.content.deck import Deck
from kiosk.content.loader import load_deck
from kiosk.render.stage import MAX_SCREENS
from kiosk.runtime.app import Kiosk
from kiosk.runtime.settings import Settings

CI_EVENTS = int(os.environ.get("KIOSK_MONKEY_EVENTS", "10000"))
SIZES = [(1280, 720), (1920, 1080), (1080, 1920), (800, 600)]
KEYS = [
    pygame.K_ESCAPE,
    pygame.K_F4,
    pygame.K_c,
    pygame.K_LEFT,
    pygame.K_RIGHT,
    pygame.K_BACKSPACE,
    pygame.K_q,
    pygame.K_TAB,
    pygame.K_RETURN,
    pygame.K_SPACE,
]


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class Monkey:
    def __init__(self, seed: int) -> None:
        self.random = random.Random(seed)
        self.counts: dict[str, int] = {}

    def coordinate(self) -> float:
        # Mostly on screen, sometimes well off it (a drag that leaves the window, a bad driver).
        return self.random.uniform(-0.3, 1.3) if self.random.random() < 0.15 else self.random.random()

    def event(self, size: tuple[int, int]) -> tuple[str, pygame.event.Event | tuple[int, int] | None]:
        r = self.random.random()
        w, h = size
        if r < 0.45:
            kind = self.random.choice([pygame.FINGERDOWN, pygame.FINGERMOTION, pygame.FINGERUP])
            return "finger", pygame.event.Event(
                kind,
                x=self.coordinate(),
                y=self.coordinate(),
                dx=0.0,
                dy=0.0,
                touch_id=1,
                finger_id=self.random.randrange(4),
                pressure=1.0,
            )
        if r < 0.75:
            kind = self.random.choice([pygame.MOUSEBUTTONDOWN, pygame.MOUSEBUTTONUP, pygame.MOUSEMOTION])
            pos = (round(self.coordinate() * w), round(self.coordinate() * h))
            touch = self.random.random() < 0.3
            if kind == pygame.MOUSEMOTION:
                return "mouse", pygame.event.Event(kind, pos=pos, rel=(0, 0), buttons=(1, 0, 0), touch=touch)
            return "mouse", pygame.event.Event(
                kind, pos=pos, button=self.random.choice([1, 1, 1, 2, 3, 4, 5]), touch=touch
            )
        if r < 0.87:
            key = self.random.choice(KEYS)
            mod = self.random.choice([0, pygame.KMOD_ALT, pygame.KMOD_CTRL, pygame.KMOD_SHIFT])
            return "key", pygame.event.Event(pygame.KEYDOWN, key=key, mod=mod, unicode="", scancode=0)
        if r < 0.90:
            return "close", pygame.event.Event(self.random.choice([pygame.QUIT, pygame.WINDOWCLOSE]))
        if r < 0.93:
            return "resize", self.random.choice(SIZES)
        if r < 0.97:
            kind = self.random.choice(
                [
                    pygame.WINDOWMINIMIZED,
                    pygame.WINDOWRESTORED,
                    pygame.WINDOWFOCUSLOST,
                    pygame.WINDOWFOCUSGAINED,
                    pygame.WINDOWEXPOSED,
                    pygame.WINDOWSHOWN,
                    pygame.WINDOWHIDDEN,
                ]
            )
            return "window", pygame.event.Event(kind)
        return "wait", None


def check(kiosk: Kiosk, display: pygame.Surface) -> None:
    state = kiosk.state
    program = state.program
    assert kiosk.running, "kiosk mode must never exit on an input event"
    assert 0 <= state.index < len(program.entries)
    view = state.view
    slide = program.deck.slides[view.slide]
    if view.detail is not None:
        assert slide.detail(view.detail) is not None
    assert view.language in program.deck.languages
    limit = kiosk.stage.layout(view).scroll_limit_px
    assert 0 <= state.scroll_px <= max(limit, 0) + 1e-6 or state.scroll_px == 0
    assert kiosk.stage.cached_screens <= MAX_SCREENS
    # The frame drew: cream, not black (the kiosk is always "open" here).
    surface = pygame.display.get_surface()
    r, g, b, _ = pygame.transform.average_color(
        surface, pygame.Rect(0, 0, min(64, surface.get_width()), min(64, surface.get_height()))
    )
    assert r + g + b > 300, "a blank frame"


IDLE_TIMEOUT_S = 20
# Aimed taps of the media variant: what a hotspot's action starts with (see kiosk.core.actions).
AIMS = ["narration", "narration", "language:", "open:", "back", "text:"]


class MediaMonkey(Monkey):
    """A monkey that also taps what is on screen on purpose (a random stream rarely hits the small
    speaker button) and waits past the idle timeout now and then."""

    def __init__(self, seed: int, kiosk: Kiosk) -> None:
        super().__init__(seed)
        self.kiosk = kiosk

    def event(self, size: tuple[int, int]) -> tuple[str, pygame.event.Event | tuple[int, int] | None]:
        r = self.random.random()
        if r < 0.3:
            aim = self.random.choice(AIMS)
            layout = self.kiosk.stage.layout_for(self.kiosk.state, self.kiosk.admin_info())
            spots = [h for h in layout.hotspots if str(h.action).startswith(aim)]
            if spots:
                box = self.random.choice(spots).box
                return f"tap:{aim.rstrip(':')}", (box.x + box.w // 2, box.y + box.h // 2)
            return "tap:missing", None
        if r < 0.33:
            return "idle", None
        return super().event(size)


def run_monkey(deck: Deck, events: int, seed: int, *, watch: MediaWatch | None = None) -> dict[str, int]:
    """Random events on `deck`; with `watch`, the media variant (aimed taps, idle resets, and the
    soak's checks after every event; the clip is closed at the end as at exit)."""
    pygame.display.init()
    pygame.font.init()
    display = pygame.display.set_mode((1280, 720))
    clock = FakeClock()
    kiosk = Kiosk(deck, Settings(idle_timeout_s=IDLE_TIMEOUT_S), display, clock=clock)
    monkey = Monkey(seed) if watch is None else MediaMonkey(seed, kiosk)
    kiosk.tick()
    try:
        for _ in range(events):
            kind, event = monkey.event(pygame.display.get_surface().get_size())
            monkey.counts[kind] = monkey.counts.get(kind, 0) + 1
            touched = kiosk.state.last_input_at is not None
            if kind == "resize":
                pygame.display.set_mode(event)  # what the window system does; then it tells us
                kiosk.handle_event(pygame.event.Event(pygame.WINDOWSIZECHANGED, x=event[0], y=event[1]))
            elif kind == "wait":
                clock.now += monkey.random.uniform(0.5, 30)
            elif kind == "idle":
                clock.now += IDLE_TIMEOUT_S + monkey.random.uniform(0.5, 60)
            elif kind.startswith("tap:") and event is not None:
                for button in (pygame.MOUSEBUTTONDOWN, pygame.MOUSEBUTTONUP):  # a quick, still touch
                    kiosk.handle_event(pygame.event.Event(button, pos=event, button=1, touch=False))
            elif isinstance(event, pygame.event.Event):
                kiosk.handle_event(event)
            clock.now += monkey.random.choice([0.0, 0.01, 0.05, 0.2, 1.0])
            kiosk.tick()
            check(kiosk, display)
            if watch is not None:
                watch.sample(kiosk)
                if touched and kiosk.state.last_input_at is None:
                    monkey.counts["reset"] = monkey.counts.get("reset", 0) + 1
    finally:
        if watch is not None:
            watch.close(kiosk)
            kiosk.narrator.close()
    return monkey.counts


def media_deck(root: Path) -> Deck:
    folder = root / "deck"
    shutil.copytree(FROZEN_DECK, folder)
    add_media(folder, details=True)
    return load_deck(folder, today=TODAY)


def check_media_run(counts: dict[str, int], watch: MediaWatch, events: int) -> None:
    """What the soak asserts, plus that the run really reached the clips, voices and resets."""
    assert sum(v for k, v in counts.items() if k != "reset") == events
    assert counts.get("tap:narration", 0) > 0 and counts.get("tap:language", 0) > 0, counts
    assert counts.get("tap:open", 0) > 0 and counts.get("reset", 0) > 0, counts
    assert watch.clip_frames > 0 and len(watch.players) >= 2, "the clips never played"
    assert watch.voice_samples > 0, "no narration ever played"
    assert watch.most_players == 1  # one clip thread at a time that is not stopping
    assert watch.voice_without_state == 0  # no voice the state does not know of
    assert watch.players_left == 0  # every decoding thread ended at the close


@pytest.mark.parametrize("seed", [1, 2])
def test_monkey_ci(deck, seed):
    counts = run_monkey(deck, CI_EVENTS // 2, seed)
    assert sum(counts.values()) == CI_EVENTS // 2
    assert all(
        counts.get(kind, 0) > 0 for kind in ("finger", "mouse", "key", "close", "resize", "window", "wait")
    )


MEDIA_EVENTS = int(os.environ.get("KIOSK_MONKEY_MEDIA_EVENTS", "1500"))


def test_monkey_with_clips_and_narration(tmp_path):
    """Issue 18's kinds: a clip on a slide and on a detail, a narration on every slide and first
    detail; taps on the speaker button, language changes, topics, back and idle resets."""
    watch = MediaWatch()
    counts = run_monkey(media_deck(tmp_path), MEDIA_EVENTS, 5, watch=watch)
    check_media_run(counts, watch, MEDIA_EVENTS)


@pytest.mark.long
def test_monkey_with_clips_and_narration_long(tmp_path):
    watch = MediaWatch()
    counts = run_monkey(media_deck(tmp_path), 200_000, 17, watch=watch)
    print(f"media monkey long run: {counts}; {len(watch.players)} clip players; {watch}")
    check_media_run(counts, watch, 200_000)


@pytest.mark.long
def test_monkey_long(deck):
    counts = run_monkey(deck, 1_000_000, 7)
    print(f"monkey long run: {sum(counts.values()):,} events {counts}")


def test_regression_a_same_size_resize_during_a_fade_redraws_the_whole_frame():
    """Found by the media monkey: SDL reports a new window size equal to the old one (it does at
    start-up) and hands over a fresh, black surface; in the middle of a fade the stage went on
    drawing only the regions the fade changes, so the rest of the frame stayed black."""
    pygame.display.init()
    pygame.font.init()
    display = pygame.display.set_mode((800, 600))
    clock = FakeClock()
    deck = load_deck(FROZEN_DECK, today=TODAY)
    kiosk = Kiosk(deck, Settings(idle_timeout_s=IDLE_TIMEOUT_S), display, clock=clock)
    kiosk.tick()
    layout = kiosk.stage.layout(kiosk.state.view)
    box = next(h for h in layout.hotspots if str(h.action).startswith("open:")).box
    for button in (pygame.MOUSEBUTTONDOWN, pygame.MOUSEBUTTONUP):
        kiosk.handle_event(pygame.event.Event(button, pos=(box.x + 5, box.y + 5), button=1, touch=False))
    for _ in range(3):  # into the fade: the frames after its first draw only what changes
        clock.now += 0.05
        kiosk.tick()
    assert kiosk.state.transition is not None and kiosk.state.moving(clock.now)
    pygame.display.set_mode((800, 600))  # the same size: a new surface, black
    kiosk.handle_event(pygame.event.Event(pygame.WINDOWSIZECHANGED, x=800, y=600))
    clock.now += 0.05
    kiosk.tick()
    assert kiosk.state.moving(clock.now)
    surface = pygame.display.get_surface()
    black = pygame.mask.from_threshold(surface, (0, 0, 0), (8, 8, 8, 255)).count()
    assert black == 0, f"{black} black pixels: part of the frame was never drawn"
