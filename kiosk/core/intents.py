"""What a visitor (or the clock) asks of the kiosk, independent of how the input arrived.

`kiosk.runtime.input` makes the pointer intents from pygame events and resolves a pointer position
against the current layout's hotspots, so `step` only ever sees typed actions
(`kiosk.core.actions`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from kiosk.core.actions import Action
from kiosk.core.program import Program


@dataclass(frozen=True, slots=True)
class Tick:
    """Time passed; nothing was touched."""


@dataclass(frozen=True, slots=True)
class PointerDown:
    """A finger or mouse button went down (in logical screen pixels)."""

    x: float
    y: float


@dataclass(frozen=True, slots=True)
class Tap:
    """A short touch that did not move: the thing under it should act."""

    x: float
    y: float


@dataclass(frozen=True, slots=True)
class Drag:
    """A finger moved vertically while down, by `dy_px` (positive: content follows it down)."""

    dy_px: float


@dataclass(frozen=True, slots=True)
class Swipe:
    """A fast horizontal stroke: +1 for the next slide (finger moved left), -1 for the previous."""

    direction: Literal[1, -1]


@dataclass(frozen=True, slots=True)
class Back:
    """Close what is open (a key, or the Back button through Activate)."""


@dataclass(frozen=True, slots=True)
class Quit:
    """Window close or Escape: honoured only with the development flag."""


@dataclass(frozen=True, slots=True)
class Resize:
    width: int
    height: int


@dataclass(frozen=True, slots=True)
class Redraw:
    """The picture was lost (window exposed, display back on): draw it again."""


# What the state machine receives after hit-testing.
@dataclass(frozen=True, slots=True)
class Activate:
    """A hotspot was tapped (or a key stands in for one)."""

    action: Action


@dataclass(frozen=True, slots=True)
class Press:
    """A finger is down on a hotspot (None: on nothing): draw it pressed."""

    action: Action | None


@dataclass(frozen=True, slots=True)
class Scroll:
    dy_px: float
    limit_px: float


@dataclass(frozen=True, slots=True)
class RawTouch:
    """Every finger or button that lands, even ones gestures ignore (for the touch test)."""

    x: float
    y: float


@dataclass(frozen=True, slots=True)
class AdminGesture:
    """The hidden gesture for staff was made (a long press in the top-left corner)."""


@dataclass(frozen=True, slots=True)
class NewDeck:
    """A newly loaded, valid deck: shown from the next slide boundary on."""

    program: Program


@dataclass(frozen=True, slots=True)
class Schedule:
    """What the wall clock allows now: whether the clinic is open, and which slides may play
    (None: all). The app sends it when either changes."""

    open: bool
    allowed: frozenset[int] | None = None


Intent = (
    RawTouch
    | AdminGesture
    | NewDeck
    | Schedule
    | Tick
    | PointerDown
    | Tap
    | Drag
    | Swipe
    | Back
    | Quit
    | Resize
    | Redraw
    | Activate
    | Press
    | Scroll
)
