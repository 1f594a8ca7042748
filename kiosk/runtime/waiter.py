"""Sleeping until the next event or deadline without burning CPU.

pygame-ce's `event.wait(timeout)` is its own loop of pump-and-sleep-1-ms: about a thousand
wake-ups a second while the kiosk "sleeps" (2 % of a core on a static slide). SDL's own
SDL_WaitEventTimeout blocks in the video driver (poll() on the X11 or Wayland socket), and leaves
the event queued for pygame to read. Drivers that cannot block (kmsdrm and dummy in SDL 2) get a
10 ms poll instead: still a hundred times fewer wake-ups, and a tap waits at most 10 ms more.
"""

from __future__ import annotations

import ctypes
import logging
import time
from collections.abc import Callable
from pathlib import Path

import pygame

log = logging.getLogger(__name__)

BLOCKING_DRIVERS = {"x11", "wayland", "windows", "cocoa"}
POLL_STEP_S = 0.010


def _sdl_wait() -> Callable[[None, int], int] | None:
    """SDL_WaitEventTimeout from the SDL library pygame already loaded, or None."""
    try:
        path = next(
            (
                line.split()[-1]
                for line in Path("/proc/self/maps").read_text().splitlines()
                if "/libSDL2-2" in line
            ),
            None,
        )
        library = ctypes.CDLL(path) if path else ctypes.CDLL("libSDL2-2.0.so.0")
        wait = library.SDL_WaitEventTimeout
    except (OSError, AttributeError, StopIteration):
        return None
    wait.argtypes = [ctypes.c_void_p, ctypes.c_int]
    wait.restype = ctypes.c_int
    return wait


class Waiter:
    def __init__(self, driver: str | None = None) -> None:
        driver = driver or (pygame.display.get_driver() if pygame.display.get_init() else "")
        self._sdl_wait = _sdl_wait() if driver in BLOCKING_DRIVERS else None

    def wait(self, timeout_s: float) -> pygame.event.Event:
        """The next event, or a NOEVENT event once `timeout_s` has passed."""
        deadline = time.monotonic() + timeout_s
        while True:
            event = pygame.event.poll()  # pumps the queue and translates window events
            if event.type != pygame.NOEVENT:
                return event
            left = deadline - time.monotonic()
            if left <= 0:
                return event
            if self._sdl_wait is not None:
                self._sdl_wait(None, max(1, round(left * 1000)))  # NULL: wait, take nothing
            else:
                time.sleep(min(POLL_STEP_S, left))


def use_mmap_for_large_buffers() -> None:
    """Keep screen-sized pixel buffers in mmap, so freeing one returns it to the system.

    glibc raises its mmap threshold each time a large mmapped block is freed (up to 32 MiB), after
    which 8 MiB surfaces come from the heap and leave holes that are never given back."""
    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt(-3, 128 * 1024)  # M_MMAP_THRESHOLD
    except (OSError, AttributeError):
        pass  # not glibc: nothing to tune
