"""The running kiosk: events -> step -> draw -> flip, sleeping whenever nothing moves.

`Kiosk` holds no behaviour of its own beyond wiring: the state machine decides, the layout
places, the stage paints. Time comes from an injectable clock, so tests drive it with a fake one.
"""

from __future__ import annotations

import logging
import os
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pygame

from kiosk.deck import Deck
from kiosk.events import InputReader
from kiosk.intents import Activate, Drag, Intent, PointerDown, Press, Quit, Redraw, Resize, Scroll, Tap, Tick
from kiosk.orientation import Orientation
from kiosk.program import Mode, build_program
from kiosk.stage import Stage
from kiosk.state import State, initial_state, step
from kiosk.theme import THEMES

log = logging.getLogger(__name__)

FRAME_S = 1 / 60
MAX_SLEEP_S = 1.0  # wake at least this often, so a stuck deadline can never freeze the screen


@dataclass(frozen=True)
class Settings:
    """How this kiosk runs: the deck's own settings, overridden from the command line."""

    mode: Mode = Mode.TOUCH
    language: str | None = None
    idle_timeout_s: float | None = None
    windowed: bool = False
    size: tuple[int, int] | None = None
    rotation: int = 0
    theme: str = "warm"
    dev: bool = False


def settings_for(deck: Deck, *, mode: str | None = None, language: str | None = None, idle_timeout_s: float | None = None, windowed: bool = False, size: tuple[int, int] | None = None, rotation: int | None = None, dev: bool = False) -> Settings:
    return Settings(
        mode=Mode(mode or deck.mode),
        language=language if language in deck.languages else None,
        idle_timeout_s=idle_timeout_s,
        windowed=windowed,
        size=size,
        rotation=deck.rotation if rotation is None else rotation,
        theme=deck.theme,
        dev=dev,
    )


class Kiosk:
    def __init__(self, deck: Deck, settings: Settings, display: pygame.Surface, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.settings = settings
        self.clock = clock
        self.display = display
        self.orientation = Orientation(settings.rotation, *display.get_size())
        self.program = build_program(deck, settings.mode, idle_timeout_s=settings.idle_timeout_s)
        self.stage = Stage(self.program, THEMES[settings.theme], self.orientation.logical_size)
        self.reader = InputReader(self.orientation, dev=settings.dev)
        self.state: State = initial_state(self.program, clock(), settings.language)
        self.running = True
        self.frames = 0
        self._drawn: tuple[State, bool] | None = None
        self._frame = self._logical_surface()

    def _logical_surface(self) -> pygame.Surface:
        if self.orientation.rotation == 0:
            return self.display
        return pygame.Surface(self.orientation.logical_size).convert()

    # -- input ------------------------------------------------------------------------------

    def handle_event(self, event: pygame.event.Event) -> None:
        now = self.clock()
        for intent in self.reader.read(event, now):
            self.handle(intent, now)

    def handle(self, intent: Intent, now: float) -> None:
        """Resolve pointer intents against what is on screen now, then step the state."""
        if isinstance(intent, Quit):
            if self.settings.dev:
                self.running = False
            return
        if isinstance(intent, Resize):
            self.resize(intent.width, intent.height)
            return
        if isinstance(intent, Redraw):
            self._drawn = None
            return
        layout = self.stage.layout(self.state.view)
        if isinstance(intent, PointerDown):
            intent = Press(layout.hit(intent.x, intent.y))
        elif isinstance(intent, Tap):
            action = layout.hit(intent.x, intent.y)
            if action is None:
                # A tap on nothing still counts as a visitor being there (it delays the reset).
                self.state = step(self.state, Press(None), now)
                return
            intent = Activate(action)
        elif isinstance(intent, Drag):
            intent = Scroll(intent.dy_px, layout.scroll_limit_px)
        self.state = step(self.state, intent, now)

    def resize(self, width: int, height: int) -> None:
        surface = pygame.display.get_surface()
        if surface is not None:
            self.display = surface
        width, height = self.display.get_size()
        if (width, height) == (self.orientation.panel_w, self.orientation.panel_h) and surface is self.display:
            self._drawn = None  # same size (SDL reports one at start-up): redraw, keep the cache
            return
        self.orientation = Orientation(self.settings.rotation, width, height)
        self.reader.resize(self.orientation)
        self.stage.reset(size=self.orientation.logical_size)
        self._frame = self._logical_surface()
        self._drawn = None
        log.info("display is now %dx%d; laid out again", width, height)

    # -- time and drawing -------------------------------------------------------------------

    def tick(self) -> bool:
        """Advance time; draw and flip when the picture changed. Returns whether it drew."""
        now = self.clock()
        self.state = step(self.state, Tick(), now)
        moving = self.state.moving(now)
        key = (self.state, moving)
        if self._drawn == key and not moving:
            return False
        self.draw(now)
        self._drawn = key
        return True

    def draw(self, now: float) -> None:
        self.stage.compose(self.state, now, self._frame)
        if self._frame is not self.display:
            turned = pygame.transform.rotate(self._frame, -self.orientation.rotation)
            self.display.blit(turned, (0, 0))
        pygame.display.flip()
        self.frames += 1

    def sleep_s(self) -> float:
        now = self.clock()
        if self.state.moving(now):
            return FRAME_S
        deadline = self.state.next_deadline(now)
        if deadline is None:
            return MAX_SLEEP_S
        return min(MAX_SLEEP_S, max(0.0, deadline - now))

    def run(self) -> None:
        pending: list[pygame.event.Event] = []
        pacer = pygame.time.Clock()
        while self.running:
            for event in pending + pygame.event.get():
                self.handle_event(event)
            pending = []
            self.tick()
            if self.state.moving(self.clock()):
                pacer.tick(60)
                continue
            wait_ms = round(self.sleep_s() * 1000)
            if wait_ms > 0:
                # Blocks in SDL until an event or the deadline: a static slide costs no CPU.
                event = pygame.event.wait(wait_ms)
                if event.type != pygame.NOEVENT:
                    pending.append(event)


def open_display(settings: Settings) -> pygame.Surface:
    pygame.display.init()
    if pygame.display.get_driver() == "x11":
        # On X11 SDL would present through an OpenGL texture; with Mesa's software renderer that
        # doubles the memory (151 -> 65 MiB PSS at 1080p under Xvfb) and slows start-up by 0.3 s.
        # X11 has a native (XShm) framebuffer; kmsdrm has none, so the hint is set for X11 only.
        os.environ.setdefault("SDL_FRAMEBUFFER_ACCELERATION", "0")
    pygame.font.init()
    pygame.display.set_caption("Clinic kiosk")
    if settings.windowed or settings.size:
        size = settings.size or (1280, 720)
        flags = 0 if settings.windowed else pygame.NOFRAME
        display = pygame.display.set_mode(size, flags)
    else:
        # (0, 0) takes the desktop's own resolution, so the panel never switches modes.
        display = pygame.display.set_mode((0, 0), pygame.FULLSCREEN)
    if not settings.dev:
        pygame.mouse.set_visible(False)
    pygame.display.set_allow_screensaver(False)
    return display


def run(deck: Deck, settings: Settings) -> int:
    display = open_display(settings)
    kiosk = Kiosk(deck, settings, display)

    def stop(signum: int, frame: object) -> None:
        kiosk.running = False

    signal.signal(signal.SIGTERM, stop)
    log.info("showing %s (%d slides) at %dx%d in %s mode", deck.folder, len(deck.slides), *display.get_size(), settings.mode.value)
    if os.environ.get("KIOSK_FIRST_FRAME_FILE"):
        kiosk.tick()
        Path(os.environ["KIOSK_FIRST_FRAME_FILE"]).write_text(f"{time.time():.6f}\n")
    try:
        kiosk.run()
    finally:
        pygame.quit()
    return 0

