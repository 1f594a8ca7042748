"""Tap latency, in-process (child process; prints one JSON line).

    python -m benchmarks.tap [--taps 20] [--size 1920x1080] [--patch NAME]

A real kiosk.app.Kiosk on a 1920x1080 display (SDL_VIDEODRIVER=dummy), its real clock. For each
tap, the first card of the slide on screen is tapped: FINGERDOWN and FINGERUP for the centre of
its hotspot (Kiosk.stage.layout(state.view).hotspots) are posted to the SDL queue at t0, and the
loop's own steps are run by hand exactly as Kiosk.run does them while something moves
(pygame.event.get -> handle_event, tick, pacer.tick at the kiosk's frame rate). pygame.display.flip
and pygame.display.update (the kiosk sends a fade's changed rectangles) are wrapped to timestamp
every flip (time.perf_counter, after the flip returns).

- first changed frame: the first flip after t0 whose picture differs at all from the picture
  before the tap (byte for byte);
- first visible response: the first flip whose picture differs visibly: at least 0.5% of the
  pixels changed by 10/255 or more in some channel (a crossfade at alpha 1/255 changes bytes,
  but nobody sees it). Flipped frames are copied after their timestamp and examined once the
  tap is over, so the examination does not delay the frames that follow;
- detail complete: the flip of the first frame drawn after the 0.25 s fade ended (the state has
  the detail open and no transition left).

Then Back is tapped the same way and the loop runs until the slide is whole again. "cold": the
detail's painted screen, layout and pictures were dropped from the caches first (the first ever
tap on it); "warm": it was still cached from the tap before.

It also measures how long pygame.event.wait() (how the kiosk sleeps) takes to return once another
thread posts an event: the wake-up delay a real touch adds before t0.
"""

from __future__ import annotations

import argparse
import sys
import threading
import time
from dataclasses import replace

import pygame  # noqa: E402  (after inprocess set the SDL environment)

from benchmarks import inprocess
from benchmarks.common import emit, summary_ms

TIMEOUT_S = 5.0
KEEP_S = 0.2  # frames flipped this soon after the tap are kept for the "first response" figures
VISIBLE_LEVELS = 10  # of 255, in some channel ...
VISIBLE_SHARE = 0.005  # ... in at least this share of the pixels: a change a person can see


class Flips:
    def __init__(self) -> None:
        self.times: list[float] = []
        self._flip = pygame.display.flip
        self._update = pygame.display.update

    def install(self) -> None:
        def flip() -> None:
            self._flip()
            self.times.append(time.perf_counter())

        def update(*args) -> None:
            self._update(*args)
            self.times.append(time.perf_counter())

        # kiosk.runtime.app looks pygame.display.flip and .update up at each call
        pygame.display.flip = flip
        pygame.display.update = update


def frame_bytes(surface: pygame.Surface) -> bytes:
    buffer = surface.get_buffer()
    try:
        return buffer.raw
    finally:
        del buffer  # unlocks the surface


def visibly_changed(frame: pygame.Surface, before: pygame.Surface) -> bool:
    """At least VISIBLE_SHARE of the pixels differ by VISIBLE_LEVELS or more in some channel."""
    same = pygame.mask.from_threshold(
        frame, (0, 0, 0, 255), (VISIBLE_LEVELS, VISIBLE_LEVELS, VISIBLE_LEVELS, 255), before
    )
    w, h = frame.get_size()
    return (w * h - same.count()) >= VISIBLE_SHARE * w * h


def run_until(kiosk, display, flips: Flips, pacer, done, before: pygame.Surface | None, t0: float) -> dict:
    """Run loop steps until done(kiosk) after a drawing tick. Frames flipped in the first
    KEEP_S after t0 are copied (after their timestamp) and examined once the tap is over."""
    kept: list[tuple[float, pygame.Surface]] = []
    deadline = time.perf_counter() + TIMEOUT_S
    while time.perf_counter() < deadline:
        for event in pygame.event.get():
            kiosk.handle_event(event)
        flipped = len(flips.times)
        drew = kiosk.tick()
        if drew and len(flips.times) > flipped:
            stamp = flips.times[-1]
            if before is not None and stamp - t0 <= KEEP_S:
                kept.append((stamp, display.copy()))
            if done(kiosk):
                result = {"complete": stamp - t0, "first": None, "visible": None}
                if before is not None:
                    raw_before = frame_bytes(before)
                    for when, frame in kept:
                        if result["first"] is None and frame_bytes(frame) != raw_before:
                            result["first"] = when - t0
                        if result["first"] is not None and visibly_changed(frame, before):
                            result["visible"] = when - t0
                            break
                return result
        if kiosk.state.moving(kiosk.clock()):
            pacer.tick(kiosk.frame_rate() if hasattr(kiosk, "frame_rate") else 60)
        else:
            time.sleep(0.001)
    raise RuntimeError(
        f"no finished frame within {TIMEOUT_S} s (state {kiosk.state.view}, transition"
        f" {kiosk.state.transition})"
    )


def tap(kiosk, display, flips: Flips, pacer, prefix: str, done, *, measure_first: bool) -> dict:
    spot = inprocess.hotspot(kiosk, prefix)
    if spot is None:
        raise RuntimeError(f"no {prefix!r} hotspot on {kiosk.state.view}")
    before = display.copy() if measure_first else None
    x, y = inprocess.centre(spot.box)
    t0 = time.perf_counter()
    for event in inprocess.finger_events(display, x, y):
        pygame.event.post(event)
    return run_until(kiosk, display, flips, pacer, done, before, t0)


def wake_delays(samples: int) -> list[float]:
    """Post from another thread while the main thread sleeps in pygame.event.wait()."""
    delays = []
    kind = pygame.event.custom_type()
    for _ in range(samples):
        posted = []

        def poster(posted: list[float]) -> None:
            time.sleep(0.02)
            posted.append(time.perf_counter())
            pygame.event.post(pygame.event.Event(kind))

        thread = threading.Thread(target=poster, args=(posted,))
        thread.start()
        event = pygame.event.wait(500)
        woke = time.perf_counter()
        thread.join()
        if event.type == kind and posted:
            delays.append(woke - posted[0])
        pygame.event.clear()
    return delays


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--taps", type=int, default=20, help="taps of each kind (cold, warm)")
    parser.add_argument("--size", default="1920x1080")
    parser.add_argument("--patch", action="append", default=[])
    args = parser.parse_args()
    if args.patch:
        from benchmarks import prototypes

        prototypes.install(args.patch)
    size = tuple(int(n) for n in args.size.split("x"))
    pygame.display.init()
    pygame.font.init()
    display = pygame.display.set_mode(size)
    kiosk = inprocess.make_kiosk(display)
    flips = Flips()
    flips.install()
    pacer = pygame.time.Clock()
    kiosk.tick()  # the first frame
    for event in pygame.event.get():
        kiosk.handle_event(event)
    kiosk.tick()

    results: dict[str, dict[str, list[float]]] = {
        kind: {"first": [], "visible": [], "complete": []} for kind in ("cold", "warm")
    }
    missing = {"first": 0, "visible": 0}
    for i in range(args.taps * 2):
        kind = "cold" if i % 2 == 0 else "warm"
        card = inprocess.hotspot(kiosk, "open:")
        if card is None:
            raise RuntimeError(f"no card to tap on {kiosk.state.view}")
        detail_id = str(card.action).split(":", 1)[1]
        if kind == "cold":
            inprocess.forget_screen(kiosk, replace(kiosk.state, detail=detail_id).view)
        time.sleep(0.05)  # idle before the tap, as a visitor's finger arrives on a still screen
        got = tap(
            kiosk,
            display,
            flips,
            pacer,
            "open:",
            lambda k, detail_id=detail_id: k.state.detail == detail_id and k.state.transition is None,
            measure_first=True,
        )
        for name in ("first", "visible"):
            if got[name] is None:
                missing[name] += 1
            else:
                results[kind][name].append(got[name])
        results[kind]["complete"].append(got["complete"])
        time.sleep(0.05)
        tap(
            kiosk,
            display,
            flips,
            pacer,
            "back",
            lambda k: k.state.detail is None and k.state.transition is None,
            measure_first=False,
        )

    wake = wake_delays(20 if args.taps >= 10 else 5)
    out = {
        "driver": pygame.display.get_driver(),
        "size": list(size),
        "patches": args.patch,
        "taps_per_kind": args.taps,
        "visible_rule": f">= {VISIBLE_SHARE:.1%} of pixels changed by >= {VISIBLE_LEVELS}/255",
        "taps_without_change_within_keep_s": missing,
        "wake_from_event_wait": summary_ms(wake) if wake else None,
    }
    for kind, figures in results.items():
        for name, values in figures.items():
            out[f"{kind}_{name}"] = summary_ms(values) if values else None
    out["frames"] = kiosk.frames
    emit(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
