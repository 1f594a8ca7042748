"""Opening the screen, and refusing to run without one.

SDL falls back to a driver that draws into memory (`offscreen`, or `dummy`) when it finds no
screen, so a kiosk started before the panel or the X session would otherwise run for ever with
nothing visible. The rule: those drivers are used only when the caller names them in
`SDL_VIDEODRIVER` (tests, exports and benchmarks do: `SDL_VIDEODRIVER=dummy`). Any other way of
ending up without a screen is an error; `kiosk run` then exits non-zero, systemd starts it again
and the journal says why.
"""

from __future__ import annotations

import os

import pygame

HEADLESS_DRIVERS = frozenset({"dummy", "offscreen"})
HINT = (
    "check that the screen is connected and switched on, and that the session has a display"
    " (DISPLAY or WAYLAND_DISPLAY set, or SDL_VIDEODRIVER=kmsdrm on the console)"
)


class NoDisplay(Exception):
    """There is no screen to show the kiosk on; the message says what was tried and what to check."""


def requested_drivers() -> tuple[str, ...]:
    """The drivers named in SDL_VIDEODRIVER (SDL accepts a comma-separated list)."""
    return tuple(
        name.strip().lower() for name in os.environ.get("SDL_VIDEODRIVER", "").split(",") if name.strip()
    )


def _environment() -> str:
    shown = [
        f"{name}={os.environ[name]}"
        for name in ("SDL_VIDEODRIVER", "DISPLAY", "WAYLAND_DISPLAY")
        if os.environ.get(name)
    ]
    return ", ".join(shown) if shown else "SDL_VIDEODRIVER, DISPLAY and WAYLAND_DISPLAY are not set"


def init_display() -> str:
    """`pygame.display.init()`, and the driver it chose; NoDisplay when nothing can be seen."""
    try:
        pygame.display.init()
    except pygame.error as exc:
        raise NoDisplay(f"no display: {exc} ({_environment()}); {HINT}") from exc
    driver = pygame.display.get_driver()
    if driver in HEADLESS_DRIVERS and driver not in requested_drivers():
        pygame.display.quit()
        raise NoDisplay(
            f"no display: SDL found no screen and fell back to its `{driver}` driver, which shows"
            f" nothing ({_environment()}); {HINT}. To run without a screen on purpose (tests),"
            f" set SDL_VIDEODRIVER={driver}."
        )
    return driver


def set_mode(size: tuple[int, int], flags: int = 0) -> pygame.Surface:
    """`pygame.display.set_mode`, with NoDisplay instead of a bare SDL error."""
    try:
        return pygame.display.set_mode(size, flags)
    except pygame.error as exc:
        raise NoDisplay(
            f"no display: the window could not be opened: {exc} ({_environment()}); {HINT}"
        ) from exc
