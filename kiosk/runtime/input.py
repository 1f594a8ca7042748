"""The one place that reads pygame events: it turns fingers, mice and keys into intents, and
resolves where a finger landed into what it pressed.

Touch arrives as FINGER events (normalised 0..1 coordinates) and, on X11, also as synthetic
mouse events flagged `event.touch`; those are dropped, so one physical tap is one Tap. A real
mouse still works. Only one pointer is followed at a time: a second finger (a child's palm, two
visitors) is ignored until the first lifts, so gestures never mix.

`InputRouter` then hit-tests pointer intents against the hotspots of the layout on screen (the
same items the stage draws), lets the first touch on a dark screen only wake it, and turns a
still 5-second press in the top-left corner into the staff gesture.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pygame

from kiosk.core.admin import HOLD_S, in_corner
from kiosk.core.intents import (
    Activate,
    AdminGesture,
    Back,
    Drag,
    Intent,
    PointerDown,
    Press,
    Quit,
    RawTouch,
    Redraw,
    Resize,
    Scroll,
    Swipe,
    Tap,
)
from kiosk.core.orientation import Orientation
from kiosk.layout.items import ScreenLayout

TAP_SLOP = 0.03  # share of the short side a finger may wander and still tap
SWIPE_MIN = 0.12  # share of the width a stroke must cover to be a swipe
TAP_MAX_S = 1.5


@dataclass
class _Pointer:
    key: object
    start_x: float
    start_y: float
    last_y: float
    started_at: float
    dragging: bool = False
    moved: bool = False  # left the tap slop at some point: not a press-and-hold any more


class InputReader:
    def __init__(self, orientation: Orientation, *, dev: bool = False) -> None:
        self.orientation = orientation
        self.dev = dev
        self._pointer: _Pointer | None = None

    def resize(self, orientation: Orientation) -> None:
        self.orientation = orientation
        self._pointer = None

    def held(self, now: float) -> tuple[float, float, float] | None:
        """(x, y, seconds) of a pointer held still since it went down, or None."""
        pointer = self._pointer
        if pointer is None or pointer.moved or pointer.dragging:
            return None
        return pointer.start_x, pointer.start_y, now - pointer.started_at

    def read(self, event: pygame.event.Event, now: float) -> list[Intent]:
        kind = event.type
        if kind in (pygame.FINGERDOWN, pygame.FINGERMOTION, pygame.FINGERUP):
            x, y = self.orientation.to_logical(
                round(event.x * self.orientation.panel_w), round(event.y * self.orientation.panel_h)
            )
            key = ("finger", event.touch_id, event.finger_id)
            return self._pointer_event(kind_of(kind), key, x, y, now)
        if kind in (pygame.MOUSEBUTTONDOWN, pygame.MOUSEBUTTONUP, pygame.MOUSEMOTION):
            if getattr(event, "touch", False):
                return []  # SDL's copy of a finger event; the finger event itself was handled
            if kind != pygame.MOUSEMOTION and event.button != 1:
                return []
            x, y = self.orientation.to_logical(*event.pos)
            phase = {pygame.MOUSEBUTTONDOWN: "down", pygame.MOUSEBUTTONUP: "up", pygame.MOUSEMOTION: "move"}[
                kind
            ]
            return self._pointer_event(phase, ("mouse",), x, y, now)
        if kind == pygame.QUIT:
            return [Quit()]
        if kind == pygame.KEYDOWN:
            return self._key(event)
        if kind in (pygame.WINDOWRESIZED, pygame.WINDOWSIZECHANGED):
            return [Resize(event.x, event.y)]
        if kind in (pygame.WINDOWEXPOSED, pygame.WINDOWSHOWN, pygame.WINDOWRESTORED, pygame.VIDEOEXPOSE):
            return [Redraw()]
        return []

    def _key(self, event: pygame.event.Event) -> list[Intent]:
        # Keys exist for staff with a keyboard; a patient has none. Escape only exits in dev mode.
        if event.key == pygame.K_ESCAPE:
            return [Quit()] if self.dev else []
        if event.key in (pygame.K_RIGHT, pygame.K_PAGEDOWN):
            return [Swipe(1)]
        if event.key in (pygame.K_LEFT, pygame.K_PAGEUP):
            return [Swipe(-1)]
        if event.key == pygame.K_BACKSPACE:
            return [Back()]
        return []

    def _pointer_event(self, phase: str, key: object, x: float, y: float, now: float) -> list[Intent]:
        pointer = self._pointer
        short = min(self.orientation.logical_size)
        width = self.orientation.logical_size[0]
        if phase == "down":
            if pointer is not None and pointer.key != key:
                return [RawTouch(x, y)]
            self._pointer = _Pointer(key, x, y, y, now)
            return [RawTouch(x, y), PointerDown(x, y)]
        if pointer is None or pointer.key != key:
            return []
        dx, dy = x - pointer.start_x, y - pointer.start_y
        if phase == "move":
            if abs(dx) > TAP_SLOP * short or abs(dy) > TAP_SLOP * short:
                pointer.moved = True
            if not pointer.dragging and abs(dy) > TAP_SLOP * short and abs(dy) > abs(dx):
                pointer.dragging = True
            if pointer.dragging:
                step = y - pointer.last_y
                pointer.last_y = y
                return [Drag(step)] if step else []
            return []
        self._pointer = None
        if abs(dx) >= SWIPE_MIN * width and abs(dx) > 1.5 * abs(dy):
            return [Swipe(1 if dx < 0 else -1)]
        if (
            not pointer.dragging
            and abs(dx) <= TAP_SLOP * short
            and abs(dy) <= TAP_SLOP * short
            and now - pointer.started_at <= TAP_MAX_S
        ):
            return [Tap(pointer.start_x, pointer.start_y)]
        if pointer.dragging and y != pointer.last_y:
            return [Drag(y - pointer.last_y)]
        return []


def kind_of(event_type: int) -> str:
    return {pygame.FINGERDOWN: "down", pygame.FINGERMOTION: "move", pygame.FINGERUP: "up"}[event_type]


class InputRouter:
    """Events in, intents for `step` out: pointer positions become the actions under them."""

    def __init__(self, orientation: Orientation, *, dev: bool = False) -> None:
        self.reader = InputReader(orientation, dev=dev)
        self._waking_touch = False  # the finger now down landed on a dark screen
        self._gesture_fired = False  # once per press: holding on does not reopen the pad

    def resize(self, orientation: Orientation) -> None:
        self.reader.resize(orientation)

    def read(self, event: pygame.event.Event, now: float) -> list[Intent]:
        return self.reader.read(event, now)

    def held(self, now: float) -> tuple[float, float, float] | None:
        return self.reader.held(now)

    def resolve(
        self, intent: Intent, *, dark: bool, layout: Callable[[], ScreenLayout], scroll_px: float = 0.0
    ) -> Intent:
        """Hit-test a pointer intent against `layout()` (built only when needed), as scrolled by
        `scroll_px` (cards in a scrolling list move with it); other intents pass."""
        if isinstance(intent, PointerDown):
            # A finger that lands on a dark screen wakes it; its lift must not press what appears.
            self._waking_touch = dark
            return Press(None if dark else layout().hit(intent.x, intent.y, scroll_px))
        if isinstance(intent, Tap):
            action = None if (dark or self._waking_touch) else layout().hit(intent.x, intent.y, scroll_px)
            self._waking_touch = False
            # A tap on nothing still counts as a visitor being there (it delays the reset).
            return Press(None) if action is None else Activate(action)
        if isinstance(intent, Drag):
            return Scroll(intent.dy_px, layout().scroll_limit_px)
        return intent

    def gesture(self, now: float) -> AdminGesture | None:
        """The staff gesture, once, when a still press in the top-left corner reaches HOLD_S."""
        held = self.reader.held(now)
        if held is None:
            self._gesture_fired = False
            return None
        x, y, seconds = held
        width, height = self.reader.orientation.logical_size
        if seconds >= HOLD_S and not self._gesture_fired and in_corner(x, y, width, height):
            self._gesture_fired = True
            return AdminGesture()
        return None
