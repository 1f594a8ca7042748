"""Tap latency, in-process (child process; prints one JSON line).

    python -m benchmarks.tap [--taps 20] [--size 1920x1080] [--patch NAME]

A real kiosk.app.Kiosk on a 1920x1080 display (SDL_VIDEODRIVER=dummy), its real clock. For each
tap, the first card of the slide on screen is tapped: FINGERDOWN and FINGERUP for the centre of
its hotspot (Kiosk.stage.layout(state.view).hotspots) are posted to the SDL queue at t0, and the
loop's own steps are run by hand exactly as Kiosk.run does them while something moves
(pygame.event.get -> handle_event, tick, pacer.tick(60)). pygame.display.flip is wrapped to
timestamp every flip (time.perf_counter, after the flip returns).

- first response: the first flip after t0 whose picture differs from the picture before the tap
  (compared byte for byte, after the timestamp is taken);
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
import statistics
import sys
import threading
import time
from dataclasses import replace

from benchmarks import inprocess
from benchmarks.common import emit, summary_ms

import pygame  # noqa: E402  (after inprocess set the SDL environment)

TIMEOUT_S = 5.0


class Flips:
    def __init__(self) -> None:
        self.times: list[float] = []
        self._flip = pygame.display.flip

    def install(self) -> None:
        def flip() -> None:
            self._flip()
            self.times.append(time.perf_counter())

        pygame.display.flip = flip  # kiosk.app looks pygame.display.flip up at each call


def frame_bytes(display: pygame.Surface) -> bytes:
    buffer = display.get_buffer()
    try:
        return buffer.raw
    finally:
        del buffer  # unlocks the surface


def run_until(kiosk, display, flips: Flips, pacer, done, before: bytes | None, t0: float) -> tuple[float | None, float]:
    """Run loop steps until done(kiosk) after a drawing tick; return (first response, done) times."""
    first: float | None = None
    deadline = time.perf_counter() + TIMEOUT_S
    while time.perf_counter() < deadline:
        for event in pygame.event.get():
            kiosk.handle_event(event)
        flipped = len(flips.times)
        drew = kiosk.tick()
        if drew and len(flips.times) > flipped:
            stamp = flips.times[-1]
            if first is None and before is not None and frame_bytes(display) != before:
                first = stamp
            if done(kiosk):
                return (None if first is None else first - t0), stamp - t0
        if kiosk.state.moving(kiosk.clock()):
            pacer.tick(60)
        else:
            time.sleep(0.001)
    raise RuntimeError(f"no finished frame within {TIMEOUT_S} s (state {kiosk.state.view}, transition {kiosk.state.transition})")


def tap(kiosk, display, flips: Flips, pacer, prefix: str, done, *, measure_first: bool) -> tuple[float | None, float]:
    spot = inprocess.hotspot(kiosk, prefix)
    if spot is None:
        raise RuntimeError(f"no {prefix!r} hotspot on {kiosk.state.view}")
    before = frame_bytes(display) if measure_first else None
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

        def poster() -> None:
            time.sleep(0.02)
            posted.append(time.perf_counter())
            pygame.event.post(pygame.event.Event(kind))

        thread = threading.Thread(target=poster)
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

    results: dict[str, dict[str, list[float]]] = {"cold": {"first": [], "complete": []}, "warm": {"first": [], "complete": []}}
    missing_first = 0
    for i in range(args.taps * 2):
        kind = "cold" if i % 2 == 0 else "warm"
        card = inprocess.hotspot(kiosk, "open:")
        if card is None:
            raise RuntimeError(f"no card to tap on {kiosk.state.view}")
        detail_id = card.action.split(":", 1)[1]
        if kind == "cold":
            inprocess.forget_screen(kiosk, replace(kiosk.state, detail=detail_id).view)
        time.sleep(0.05)  # idle before the tap, as a visitor's finger arrives on a still screen
        first, complete = tap(kiosk, display, flips, pacer, "open:", lambda k: k.state.detail == detail_id and k.state.transition is None, measure_first=True)
        if first is None:
            missing_first += 1
        else:
            results[kind]["first"].append(first)
        results[kind]["complete"].append(complete)
        time.sleep(0.05)
        tap(kiosk, display, flips, pacer, "back", lambda k: k.state.detail is None and k.state.transition is None, measure_first=False)

    wake = wake_delays(20 if args.taps >= 10 else 5)
    out = {
        "driver": pygame.display.get_driver(),
        "size": list(size),
        "patches": args.patch,
        "taps_per_kind": args.taps,
        "no_visible_change": missing_first,
        "wake_from_event_wait": summary_ms(wake) if wake else None,
    }
    for kind, figures in results.items():
        for name, values in figures.items():
            out[f"{kind}_{name}"] = summary_ms(values) if values else None
    out["frames"] = kiosk.frames
    out["median_first_warm_ms"] = round(statistics.median(results["warm"]["first"]) * 1000, 3) if results["warm"]["first"] else None
    emit(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
