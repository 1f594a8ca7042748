"""Monkey test: random event streams drive the real app loop headless with a fake clock.

Fingers (several at once), mice, keys (Escape, Alt+F4, Ctrl+C), window close, resize,
minimise/restore, focus loss, coordinates far outside the window. After every event the state is
valid, the frame draws, and nothing raises. CI runs KIOSK_MONKEY_EVENTS (10,000 by default);
the long run (KIOSK_LONG=1) throws 1,000,000.
"""

from __future__ import annotations

import os
import random

import pygame
import pytest

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


def run_monkey(deck, events: int, seed: int) -> dict[str, int]:
    pygame.display.init()
    pygame.font.init()
    display = pygame.display.set_mode((1280, 720))
    clock = FakeClock()
    kiosk = Kiosk(deck, Settings(idle_timeout_s=20), display, clock=clock)
    monkey = Monkey(seed)
    kiosk.tick()
    for _ in range(events):
        kind, event = monkey.event(pygame.display.get_surface().get_size())
        monkey.counts[kind] = monkey.counts.get(kind, 0) + 1
        if kind == "resize":
            pygame.display.set_mode(event)  # what the window system does; then it tells us
            kiosk.handle_event(pygame.event.Event(pygame.WINDOWSIZECHANGED, x=event[0], y=event[1]))
        elif kind == "wait":
            clock.now += monkey.random.uniform(0.5, 30)
        else:
            kiosk.handle_event(event)
        clock.now += monkey.random.choice([0.0, 0.01, 0.05, 0.2, 1.0])
        kiosk.tick()
        check(kiosk, display)
    return monkey.counts


@pytest.mark.parametrize("seed", [1, 2])
def test_monkey_ci(deck, seed):
    counts = run_monkey(deck, CI_EVENTS // 2, seed)
    assert sum(counts.values()) == CI_EVENTS // 2
    assert all(
        counts.get(kind, 0) > 0 for kind in ("finger", "mouse", "key", "close", "resize", "window", "wait")
    )


@pytest.mark.long
def test_monkey_long(deck):
    counts = run_monkey(deck, 1_000_000, 7)
    print(f"monkey long run: {sum(counts.values()):,} events {counts}")
