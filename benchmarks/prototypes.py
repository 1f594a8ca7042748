"""Optimisation prototypes, applied by monkeypatching the kiosk from inside a benchmark process.

Nothing here changes kiosk/: each `install_*` function replaces one function or constant in the
running process only, so a proposal can be measured with the same benchmark as the code it would
change. docs/performance.md ("Proposals") says which file and function each one stands for.

    install(["blocking-wait", "fps30"])          # by name, as `--patch NAME` passes them
"""

from __future__ import annotations

import ctypes
import time
from pathlib import Path

import pygame

import kiosk.render.stage
import kiosk.runtime.app
from kiosk.layout.items import TextLine
from kiosk.render.stage import Stage, ease

ORIGINAL_COMPOSE = Stage.compose  # what the patched versions are checked against

# -- P1: block in SDL instead of pygame's 1 ms polling loop (kiosk/app.py, Kiosk.run) ------------
#
# pygame-ce's event.wait(timeout) is its own loop of SDL_PumpEvents + SDL_Delay(1): about 1000
# wake-ups a second while the kiosk "sleeps". SDL's own SDL_WaitEventTimeout blocks in the
# video driver (poll() on the X11 socket) when the driver supports it (x11, wayland; not dummy,
# not kmsdrm in SDL 2), and the event stays queued for pygame to read and translate.


def _sdl() -> ctypes.CDLL:
    for line in Path("/proc/self/maps").read_text().splitlines():
        path = line.split()[-1]
        if "/libSDL2-2" in path:  # libSDL2-2.0.so.0, or pygame-ce's bundled libSDL2-2-<hash>.0.so...
            return ctypes.CDLL(path)  # the copy pygame already loaded (same path: same handle)
    return ctypes.CDLL("libSDL2-2.0.so.0")


def install_blocking_wait() -> None:
    sdl = _sdl()
    wait = sdl.SDL_WaitEventTimeout
    wait.argtypes = [ctypes.c_void_p, ctypes.c_int]
    wait.restype = ctypes.c_int

    def event_wait(timeout: int = 0) -> pygame.event.Event:
        deadline = time.monotonic() + timeout / 1000
        while True:
            event = pygame.event.poll()  # pumps, translates window events, takes one
            if event.type != pygame.NOEVENT:
                return event
            left_ms = round((deadline - time.monotonic()) * 1000)
            if left_ms <= 0:
                return event
            wait(None, left_ms)  # NULL: wait until an event is queued (or the timeout), take none

    kiosk.runtime.app.pygame.event.wait = event_wait  # kiosk.app reads pygame.event.wait at call time


def install_coarse_wait(step_ms: int = 10) -> None:
    """The portable fallback (any SDL driver): poll every `step_ms` instead of every 1 ms."""

    def event_wait(timeout: int = 0) -> pygame.event.Event:
        deadline = time.monotonic() + timeout / 1000
        while True:
            event = pygame.event.poll()
            if event.type != pygame.NOEVENT:
                return event
            left = deadline - time.monotonic()
            if left <= 0:
                return event
            time.sleep(min(step_ms / 1000, left))

    kiosk.runtime.app.pygame.event.wait = event_wait


# -- P2: transitions at 30 frames a second (kiosk/app.py, Kiosk.run: pacer.tick(60)) -------------


def install_frame_rate(fps: int) -> None:
    real_clock = pygame.time.Clock

    class Clock:
        def __init__(self) -> None:
            self._clock = real_clock()

        def tick(self, framerate: float = 0) -> int:
            return self._clock.tick(min(framerate, fps) if framerate else fps)

    kiosk.runtime.app.pygame.time.Clock = Clock


# -- P3: crossfade only the pixels that differ (kiosk/stage.py, Stage.compose) ------------------
#
# Two slides share their background, top bar and footer; a crossfade only has to blend the boxes
# of the items that differ. Once the first frame of a transition is drawn in full, the target
# keeps the unchanged pixels, and each later frame blends only those boxes (exactly the same
# pixels as a full frame; the benchmark checks that).


def _item_rect(item: object, pad: int = 3) -> pygame.Rect:
    box = item.box  # type: ignore[attr-defined]
    width = box.w
    if isinstance(item, TextLine) and item.measured_w:
        width = min(box.w, item.measured_w)
    return pygame.Rect(box.x - pad, box.y - pad, width + 2 * pad, box.h + 2 * pad)


def changed_rects(layout_a, layout_b) -> list[pygame.Rect]:
    screen = pygame.Rect(0, 0, layout_a.width, layout_a.height)
    rects = [_item_rect(item).clip(screen) for item in set(layout_a.items) ^ set(layout_b.items)]
    merged: list[pygame.Rect] = []
    for rect in rects:  # merge overlapping boxes: fewer, larger blits, each pixel blended once
        while True:
            hit = rect.collidelist(merged)
            if hit < 0:
                break
            rect = rect.union(merged.pop(hit))
        merged.append(rect)
    return merged


def install_dirty_crossfade() -> None:
    original = Stage.compose
    memory: dict[int, tuple] = {}

    def compose(self: Stage, state, now: float, target: pygame.Surface, *args, **kwargs) -> None:
        transition = state.transition
        shift = tuple(kwargs.get("shift", (0, 0)))
        plain = transition is not None and transition.kind == "fade" and transition.progress(now) < 1.0
        plain = plain and not args and shift == (0, 0) and not getattr(state, "dark", False)
        if plain:
            source, current = self.screen(transition.source), self.screen(state.view)
            plain = source.strip is None and current.strip is None
        if not plain:
            memory.pop(id(self), None)
            return original(self, state, now, target, *args, **kwargs)
        key = (transition, state.view, id(target))
        previous = memory.get(id(self))
        if previous is None or previous[0] != key:
            original(self, state, now, target, *args, **kwargs)  # first frame of this transition: in full
            memory[id(self)] = (key, changed_rects(source.layout, current.layout))
            return
        alpha = round(255 * ease(transition.progress(now)))
        current.base.set_alpha(alpha)
        try:
            for rect in previous[1]:
                target.blit(source.base, rect, rect)
                target.blit(current.base, rect, rect)
        finally:
            current.base.set_alpha(None)

    Stage.compose = compose


# -- P4: show the press at once, paint a new screen after that frame (kiosk/stage.py) ------------
#
# A tap opens a detail with a 0.25 s fade that starts at alpha 0 (smoothstep), and the pressed
# tint is not drawn during a transition, so the first frames after a tap look exactly like the
# frame before it. Tinting the pressed card during the fade makes the very first frame respond;
# and when the new screen is not painted yet, that first frame is flipped before the painting
# (20-100 ms) instead of after it. (The real change would tint the outgoing screen before the
# blend, in Stage.compose; this wrapper tints the blended frame, which costs the same.)


def _tint_pressed(
    stage: Stage, target: pygame.Surface, layout, state, now: float, shift: tuple[int, int]
) -> None:
    if state.pressed is None or now - state.pressed_at >= kiosk.render.stage.PRESS_S:
        return
    for spot in layout.hotspots:
        if spot.action == state.pressed:
            box = spot.box
            rect = pygame.Rect(box.x + shift[0], box.y + shift[1], box.w, box.h)
            target.fill(stage.theme.rgb("pressed"), rect, special_flags=pygame.BLEND_RGB_MULT)


def install_press_first() -> None:
    original = Stage.compose

    def compose(self: Stage, state, now: float, target: pygame.Surface, *args, **kwargs) -> None:
        transition = state.transition
        shift = tuple(kwargs.get("shift", (0, 0)))
        fading = (
            transition is not None
            and transition.kind == "fade"
            and transition.progress(now) < 1.0
            and not getattr(state, "dark", False)
        )
        cached = getattr(self, "_screens", {})
        if (
            fading
            and state.view not in cached
            and transition.source in cached
            and cached[transition.source].strip is None
        ):
            source = self.screen(transition.source)
            if shift != (0, 0):
                target.fill(self.theme.rgb("background"))
            target.blit(source.base, shift)
            _tint_pressed(self, target, source.layout, state, now, shift)  # this frame: the press
            return  # the next frame paints the new screen and starts blending
        original(self, state, now, target, *args, **kwargs)
        if fading and transition.source in cached:
            _tint_pressed(self, target, cached[transition.source].layout, state, now, shift)

    Stage.compose = compose


# -- P5: a screen cache bounded by bytes (kiosk/stage.py, MAX_SCREENS) --------------------------


def install_max_screens(count: int) -> None:
    kiosk.render.stage.MAX_SCREENS = count


# -- P6: a smaller picture cache (kiosk/painter.py, MAX_PICTURE_BYTES) ---------------------------
#
# A picture is only read while a screen is painted; once painted it lives on in the screen's
# surface. The cache only saves re-rasterising an SVG when a screen is painted again.


def install_picture_budget(mib: int) -> None:
    import kiosk.render.painter

    kiosk.render.painter.MAX_PICTURE_BYTES = mib * 1024 * 1024


# -- P7: large pixel buffers straight from mmap (glibc; kiosk/app.py, run) -----------------------
#
# glibc raises its mmap threshold each time a large mmapped block is freed (up to 32 MiB), so
# after the first screen is dropped, later 8 MiB surfaces come from the heap, where freed ones
# leave holes that are not returned to the system. A fixed threshold (mallopt, or the
# MALLOC_MMAP_THRESHOLD_ environment variable in the systemd unit) keeps them mmapped.


def install_mmap_threshold(bytes_: int = 128 * 1024) -> None:
    libc = ctypes.CDLL("libc.so.6")
    M_MMAP_THRESHOLD = -3
    libc.mallopt(M_MMAP_THRESHOLD, bytes_)


PATCHES = {
    "blocking-wait": install_blocking_wait,
    "coarse-wait": install_coarse_wait,
    "fps30": lambda: install_frame_rate(30),
    "dirty-crossfade": install_dirty_crossfade,
    "press-first": install_press_first,
    "max-screens-3": lambda: install_max_screens(3),
    "max-screens-2": lambda: install_max_screens(2),
    "pictures-8mb": lambda: install_picture_budget(8),
    "pictures-0": lambda: install_picture_budget(0),
    "mmap-threshold": install_mmap_threshold,
}


def install(names: list[str]) -> None:
    for name in names:
        if name not in PATCHES:
            raise SystemExit(f"unknown patch {name!r}; known: {', '.join(PATCHES)}")
        PATCHES[name]()
