"""Opening the screen, and refusing to run without one.

SDL falls back to a driver that draws into memory (`offscreen`, or `dummy`) when it finds no
screen, so a kiosk started before the panel or the X session would otherwise run for ever with
nothing visible. The rule: those drivers are used only when the caller names them in
`SDL_VIDEODRIVER` (tests, exports and benchmarks do: `SDL_VIDEODRIVER=dummy`). Any other way of
ending up without a screen is an error; `kiosk run` then exits non-zero, systemd starts it again
and the journal says why.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pygame

from kiosk.render.canvas import Presenter

log = logging.getLogger(__name__)

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


# -- the renderer: SDL's window surface (software) or SDL's renderer (the GPU) ----------------------

RENDERERS = ("auto", "software", "gpu")


def gpu_worth_probing(driver: str, dri: Path = Path("/dev/dri")) -> bool:
    """Whether `auto` should open a GL context to ask what is behind it. Without a DRM device
    Mesa can only be llvmpipe, and merely probing it loads LLVM (tens of MiB, a tenth of a second
    at start-up), so machines with no GPU never pay for the question."""
    if driver in HEADLESS_DRIVERS:
        return False
    return any(dri.glob("renderD*")) or any(dri.glob("card*"))


def open_gpu(
    renderer: str,
    driver: str,
    size: tuple[int, int],
    *,
    fullscreen: bool,
    borderless: bool,
    rotation: int,
    dri: Path = Path("/dev/dri"),
) -> Presenter | None:
    """The GPU presenter, or None for the software path (the display surface and flip).

    `gpu` always takes SDL's renderer: the best SDL has, else its software renderer (so the path
    runs, and is tested, anywhere). `auto` takes it only when SDL's renderer is accelerated and
    not a software rasteriser (llvmpipe, softpipe, swrast, or SDL's `software`)."""
    if renderer == "software" or renderer == "auto" and not gpu_worth_probing(driver, dri):
        return None
    from pygame._sdl2.video import get_drivers

    from kiosk.render import gpu  # pygame._sdl2 only on this path

    if renderer == "auto" and not any(info.name != "software" for info in get_drivers()):
        return None
    try:
        window = gpu.open_window(size, fullscreen=fullscreen, borderless=borderless)
    except gpu.SDL_ERRORS as exc:
        raise NoDisplay(
            f"no display: the window could not be opened: {exc} ({_environment()}); {HINT}"
        ) from exc
    try:
        made = gpu.open_renderer(window, software=False)
    except gpu.SDL_ERRORS as exc:
        if renderer == "auto":
            window.destroy()
            return None
        log.info("no accelerated SDL renderer (%s); using SDL's software renderer", exc)
        made = gpu.open_renderer(window, software=True)
    presenter = gpu.GpuPresenter(window, made, rotation=rotation)
    if renderer == "auto" and presenter.info.software_rasteriser:
        log.info("renderer auto: %s draws with the CPU; using the software path", presenter.info.describe())
        del made
        presenter.close()
        return None
    if presenter.info.software_rasteriser:
        log.warning(
            "renderer gpu: %s draws with the CPU (forced by --renderer gpu)", presenter.info.describe()
        )
    else:
        log.info("drawing through %s", presenter.info.describe())
    return presenter
