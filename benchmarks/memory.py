"""Memory of a real kiosk.app.Kiosk (child process; prints one JSON line).

    python -m benchmarks.memory pss --size 1920x1080 [--frame-step 0.0167] [--patch NAME]
    python -m benchmarks.memory day [--hours 24] [--warmup-h 1] [--frame-step 0.2] [--size 1920x1080] [--clip]
    python -m benchmarks.memory opens [--count 1600] [--same-thread] [--reuse]

`pss`: the kiosk's own open_display (SDL_VIDEODRIVER as the runner set it: x11 in a private
Xvfb, or dummy) and a Kiosk on a fake clock. It visits every slide (a swipe to the next, a push
transition) and, on each, opens every detail and goes back (0.25 s fades), drawing every frame of
every transition; then it reads this process's /proc/self/smaps_rollup. This process imports only
the kiosk and these few benchmark modules, so its PSS is the kiosk's, give or take a few hundred
KiB of benchmark code. The deck is checked as the kiosk checks it, in the deck check's child
process (`inprocess.kiosk_deck`): the checks' libraries are not in the kiosk, nor here.

`day`: the same Kiosk driven through `--hours` of simulated time on a fake clock (and a matching
fake wall clock): each iteration ticks and then advances the clock by Kiosk.sleep_s() (the next
deadline, at most 1 s), or by `--frame-step` while something moves (a coarser step than 1/60 s,
so a day runs in minutes; every transition is still drawn several times, and every screen is
painted as often as in real life). Every 10 simulated minutes a visitor taps a card (a different
one each time), scrolls, and either taps Back after 20 s or walks away (the idle reset brings
the loop back); every third visitor also switches language. RSS and PSS are sampled every
simulated hour after gc.collect(); growth is the last sample minus the one at the end of the
warm-up, scaled to 24 h when fewer hours were simulated. The anonymous part of PSS is the leak
indicator: the file-backed part moves whenever another process maps the same libraries (any
other pygame process on the machine), which says nothing about this one.
"""

from __future__ import annotations

import argparse
import datetime
import gc
import math
import sys
import threading
import time

import pygame  # noqa: E402

from benchmarks import inprocess
from benchmarks.common import emit, smaps_kib
from kiosk.cli import DEFAULT_DECK

VISIT_EVERY_S = 600.0
READ_S = 20.0


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0
        self.wall0 = datetime.datetime(2026, 3, 2, 0, 0, 0)  # a Monday, midnight

    def __call__(self) -> float:
        return self.now

    def wall(self) -> datetime.datetime:
        return self.wall0 + datetime.timedelta(seconds=self.now - 1000.0)


def settle(kiosk, clock: FakeClock, frame_step: float, limit_s: float = 5.0) -> int:
    """Tick, advancing the fake clock, until nothing moves (drawing every frame on the way)."""
    frames = 0
    end = clock.now + limit_s
    while clock.now < end:
        for event in pygame.event.get():
            kiosk.handle_event(event)
        frames += kiosk.tick()
        if not kiosk.state.moving(clock.now):
            break
        clock.now += frame_step
    return frames


def tap(kiosk, prefix: str, nth: int = 0) -> bool:
    spot = inprocess.hotspot(kiosk, prefix, nth)
    if spot is None:
        return False
    x, y = inprocess.centre(spot.box)
    for event in inprocess.finger_events(kiosk.display, x, y):
        kiosk.handle_event(event)
    return True


def mib(kib: int) -> float:
    return round(kib / 1024, 2)


def visit_everything(kiosk, clock: FakeClock, frame_step: float) -> dict:
    from kiosk.core.actions import GoBack, Open
    from kiosk.core.intents import Activate, Swipe

    deck = kiosk.state.program.deck
    frames = settle(kiosk, clock, frame_step)
    screens = 0
    for index in range(len(deck.slides)):
        if index > 0:
            kiosk.handle(Swipe(1), clock.now)
            frames += settle(kiosk, clock, frame_step)
        screens += 1
        for detail in deck.slides[kiosk.state.view.slide].details:
            kiosk.handle(Activate(Open(detail=detail.id)), clock.now)
            frames += settle(kiosk, clock, frame_step)
            screens += kiosk.state.detail == detail.id
            kiosk.handle(Activate(GoBack()), clock.now)
            frames += settle(kiosk, clock, frame_step)
    return {"screens_visited": screens, "frames": frames}


def pss(args) -> dict:
    size = tuple(int(n) for n in args.size.split("x"))
    display = inprocess.open_display(size)
    clock = FakeClock()
    kiosk = inprocess.make_kiosk(display, clock=clock, wall_clock=clock.wall)
    kiosk.tick()
    started = time.perf_counter()
    visited = visit_everything(kiosk, clock, args.frame_step)
    gc.collect()
    memory = smaps_kib()
    return {
        "driver": pygame.display.get_driver(),
        "size": list(size),
        "patches": args.patch,
        **visited,
        "cached_screens": getattr(kiosk.stage, "cached_screens", None),
        "picture_cache_mib": _picture_mib(kiosk),
        "screen_cache_mib": _screens_mib(kiosk),
        "display_mib": round(display.get_width() * display.get_height() * display.get_bytesize() / 2**20, 1),
        "pss_mib": mib(memory["Pss"]),
        "rss_mib": mib(memory["Rss"]),
        "pss_anon_mib": mib(memory.get("Pss_Anon", 0)),
        "pss_file_mib": mib(memory.get("Pss_File", 0)),
        "pss_shmem_mib": mib(memory.get("Pss_Shmem", 0)),
        "peak_rss_mib": mib(memory.get("VmHWM", 0)),
        "seconds": round(time.perf_counter() - started, 1),
    }


def _picture_mib(kiosk) -> float | None:
    try:
        return round(kiosk.stage.painter.pictures.bytes / 2**20, 1)
    except AttributeError:
        return None


def _screens_mib(kiosk) -> float | None:
    """Bytes of the painted screens the stage keeps (bases and scrolling strips)."""
    try:
        screens = kiosk.stage._screens.values()  # private: a diagnostic only
    except AttributeError:
        return None
    total = 0
    for screen in screens:
        for surface in (screen.base, screen.strip):
            if surface is not None:
                total += surface.get_width() * surface.get_height() * surface.get_bytesize()
    return round(total / 2**20, 1)


def day(args) -> dict:
    from kiosk.core.intents import Drag

    size = tuple(int(n) for n in args.size.split("x"))
    if args.clip:
        from kiosk.runtime.waiter import use_mmap_for_large_buffers

        use_mmap_for_large_buffers()  # as kiosk.runtime.app.run does: the day of the real kiosk
    display = inprocess.open_display(size)
    clock = FakeClock()
    deck_folder = DEFAULT_DECK if args.clip else None  # slides/ as shipped: "How it works" plays its clip
    kiosk = inprocess.make_kiosk(display, deck_folder=deck_folder, clock=clock, wall_clock=clock.wall)
    start = clock.now
    end = start + args.hours * 3600
    warmup_end = start + args.warmup_h * 3600
    next_visit = start + VISIT_EVERY_S / 2
    next_sample = start + 3600 if args.warmup_h >= 1 else warmup_end
    visitor: dict | None = None
    visitors = 0
    samples: list[dict] = []
    baseline: dict | None = None
    iterations = 0
    started = time.perf_counter()
    while clock.now < end or not _quiet(args.clip):
        for event in pygame.event.get():
            kiosk.handle_event(event)
        now = clock.now
        if visitor is None and now >= next_visit:
            visitors += 1
            visitor = {
                "at": now,
                "card": visitors,
                "back": visitors % 2 == 0,
                "language": visitors % 3 == 0,
                "step": 0,
            }
            next_visit += VISIT_EVERY_S
        if visitor is not None:
            visitor = _visit(kiosk, visitor, now, Drag)
        kiosk.tick()
        iterations += 1
        if not _quiet(args.clip):
            pass  # samples wait for a moment when no clip plays (see _quiet)
        elif now >= warmup_end and baseline is None:
            baseline = _sample(now - start)
            samples.append(baseline)
            next_sample = now + 3600
        elif now >= next_sample:
            samples.append(_sample(now - start))
            next_sample += 3600
            print(
                f"  simulated {samples[-1]['t_h']:.1f} h in {time.perf_counter() - started:.0f} s: RSS"
                f" {samples[-1]['rss_mib']} MiB, anonymous PSS {samples[-1]['pss_anon_mib']} MiB",
                file=sys.stderr,
                flush=True,
            )
        step = kiosk.sleep_s()
        if kiosk.state.moving(now):
            step = max(step, args.frame_step)
        clock.now += max(step, 0.001)
    last = _sample(clock.now - start)
    samples.append(last)
    assert baseline is not None
    span_h = (last["t_h"] - baseline["t_h"]) or math.nan
    scale = 24 / span_h
    return {
        "driver": pygame.display.get_driver(),
        "size": list(size),
        "clip": args.clip,
        "simulated_h": args.hours,
        "warmup_h": args.warmup_h,
        "frame_step_s": args.frame_step,
        "visitors": visitors,
        "iterations": iterations,
        "frames": kiosk.frames,
        "baseline": baseline,
        "last": last,
        "samples": samples,
        "rss_growth_mib": round(last["rss_mib"] - baseline["rss_mib"], 2),
        "pss_growth_mib": round(last["pss_mib"] - baseline["pss_mib"], 2),
        "rss_growth_per_day_mib": round((last["rss_mib"] - baseline["rss_mib"]) * scale, 2),
        "pss_growth_per_day_mib": round((last["pss_mib"] - baseline["pss_mib"]) * scale, 2),
        "pss_anon_growth_mib": round(last["pss_anon_mib"] - baseline["pss_anon_mib"], 2),
        "pss_anon_growth_per_day_mib": round((last["pss_anon_mib"] - baseline["pss_anon_mib"]) * scale, 2),
        "peak_above_baseline_mib": round(max(s["rss_mib"] for s in samples) - baseline["rss_mib"], 2),
        "seconds": round(time.perf_counter() - started, 1),
    }


def _quiet(clip: bool) -> bool:
    """No clip is playing (its thread has ended). A playing clip holds its decoder's frames and
    threads, several MiB that come and go with it: a sample taken while one plays measures where
    the loop happens to be at the hour, not what stays behind."""
    return not clip or not any(thread.name == "kiosk-video" for thread in threading.enumerate())


def _visit(kiosk, visitor: dict, now: float, Drag) -> dict | None:
    """One visitor's session, a step at a time as the fake clock reaches each moment."""
    elapsed = now - visitor["at"]
    stage = visitor["step"]
    if stage == 0:
        if visitor["language"]:
            tap(kiosk, "language:", 1)
        visitor["step"] = 1
    elif stage == 1 and elapsed >= 1.0:
        tap(kiosk, "open:", visitor["card"])
        visitor["step"] = 2
    elif stage == 2 and elapsed >= 4.0:
        kiosk.handle(Drag(-200.0), now)  # read on: scroll a little (a detail that scrolls moves)
        visitor["step"] = 3
    elif stage == 3 and elapsed >= READ_S:
        if visitor["back"]:
            tap(kiosk, "back")
        return None  # otherwise the idle reset takes the kiosk back to the loop
    return visitor


def _sample(t_s: float) -> dict:
    gc.collect()
    memory = smaps_kib()
    return {
        "t_h": round(t_s / 3600, 3),
        "rss_mib": mib(memory["Rss"]),
        "pss_mib": mib(memory["Pss"]),
        "pss_anon_mib": mib(memory.get("Pss_Anon", 0)),
    }


def opens(args) -> dict:
    """Open the shipped clip `--count` times, each in a new thread as a player does, decode five
    frames and close it; anonymous PSS every `--count`/8 opens after malloc_trim (memory still in
    use). `--same-thread`: every open in this thread. `--reuse`: one container kept open, seeked
    back to the start for each pass (what a player that loops without reopening would do)."""
    import ctypes
    import threading

    import av

    from kiosk.render.video import decode_frames, scale_here
    from kiosk.runtime.waiter import use_mmap_for_large_buffers

    use_mmap_for_large_buffers()
    libc = ctypes.CDLL("libc.so.6")
    clip = DEFAULT_DECK.parent / "assets" / "videos" / "how-it-works.mp4"
    if not clip.exists():
        clip = next(DEFAULT_DECK.rglob("how-it-works.mp4"))
    kept: list = []

    def reopen() -> None:
        for index, _ in enumerate(decode_frames(clip, (371, 371))):
            if index >= 4:
                break

    def reuse() -> None:
        from av.video.reformatter import VideoReformatter

        if not kept:
            kept.append(av.open(str(clip)))
            kept[0].streams.video[0].thread_type = "AUTO"
        else:
            kept[0].seek(0, stream=kept[0].streams.video[0])
        scaler = VideoReformatter()
        for index, frame in enumerate(kept[0].decode(kept[0].streams.video[0])):
            scaler.reformat(frame, width=371, height=371, format="rgb24", **scale_here(av.__version__))
            if index >= 4:
                break

    play = reuse if args.reuse else reopen
    samples: list[dict] = []
    every = max(1, args.count // 8)
    started = time.perf_counter()
    for count in range(1, args.count + 1):
        if args.same_thread:
            play()
        else:
            thread = threading.Thread(target=play)
            thread.start()
            thread.join()
        if count % every == 0:
            gc.collect()
            libc.malloc_trim(0)
            samples.append({"opens": count, "pss_anon_mib": mib(smaps_kib().get("Pss_Anon", 0))})
    first, last = samples[0], samples[-1]
    return {
        "clip": str(clip),
        "reuse": args.reuse,
        "same_thread": args.same_thread,
        "ms_per_open": round((time.perf_counter() - started) / args.count * 1000, 2),
        "samples": samples,
        "kib_per_open": round(
            (last["pss_anon_mib"] - first["pss_anon_mib"]) * 1024 / (last["opens"] - first["opens"]), 3
        ),
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("what", choices=("pss", "day", "opens"))
    parser.add_argument("--size", default="1920x1080")
    parser.add_argument(
        "--frame-step", type=float, default=None, help="fake-clock step while something moves"
    )
    parser.add_argument("--hours", type=float, default=24.0)
    parser.add_argument("--count", type=int, default=1600, help="opens: how many times to open the clip")
    parser.add_argument("--same-thread", action="store_true", help="opens: all in this thread")
    parser.add_argument("--reuse", action="store_true", help="opens: one container, seeked back each pass")
    parser.add_argument("--warmup-h", type=float, default=1.0)
    parser.add_argument("--patch", action="append", default=[])
    parser.add_argument(
        "--clip", action="store_true", help="day: play slides/ as shipped, its clip included (not the stills)"
    )
    args = parser.parse_args()
    if args.frame_step is None:
        args.frame_step = 1 / 60 if args.what == "pss" else 0.2
    if args.patch:
        from benchmarks import prototypes

        prototypes.install(args.patch)
    emit(pss(args) if args.what == "pss" else day(args) if args.what == "day" else opens(args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
