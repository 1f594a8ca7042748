"""Soak: simulated hours with fake clocks, through the real app.

The loop; a visitor session every few minutes while the clinic is open; a content edit every hour,
every fourth one broken; sleep at closing time and wake in the morning. We check that the caches
stay within their bounds, that every frame drawn in opening hours is not blank, and that the deck
on screen is always the last valid one. Memory (RSS) after warm-up and at the end is printed, not
asserted: it depends on the allocator and the machine (benchmarks/memory.py measures it).

CI runs 15.5 simulated hours around closing time at 1280x720 (Monday 17:00 to Tuesday 08:30: an
hour and a half open, the sleep, the wake, 15 edits, the night sampled every 30 s); the marked
long run does seven whole days at 1920x1080, the night sampled like the real loop wakes.
"""

from __future__ import annotations

import datetime
import gc
import os
import random
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

import pygame
import pytest
from conftest import FROZEN_DECK, Clocks
from mediawatch import MediaWatch, add_media

from kiosk.content.hours import OpeningHours
from kiosk.content.loader import check_deck, load_deck
from kiosk.render.painter import MAX_FONTS, MAX_PICTURES
from kiosk.render.stage import MAX_SCREENS
from kiosk.runtime.app import Kiosk
from kiosk.runtime.reload import Reloader
from kiosk.runtime.settings import Settings
from kiosk.runtime.stats import StatsStore

MONDAY = datetime.datetime(2026, 11, 23, 0, 0)  # a Monday, midnight
HOURS = OpeningHours.parse({day: "08:00-18:00" for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")})


def rss_mb() -> float:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


@dataclass
class SoakReport:
    hours: float = 0
    frames: int = 0
    blank_frames: int = 0
    open_frames: int = 0
    visits: int = 0
    edits: int = 0
    broken_edits: int = 0
    reloads: int = 0
    sleeps: int = 0
    wakes: int = 0
    rss_after_warmup_mb: float = 0.0
    rss_end_mb: float = 0.0
    wrong_deck_seen: int = 0
    notes: list[str] = field(default_factory=list)
    # With `media`: the most clip threads alive at once, samples with a clip playing, samples
    # with a voice playing, and samples where the narrator played with no narration in the state.
    most_players: int = 0
    clip_frames: int = 0
    voice_samples: int = 0
    voice_without_state: int = 0
    players_left: int = 0  # clip threads still alive after the kiosk closed its clip

    @property
    def growth_mb(self) -> float:
        return self.rss_end_mb - self.rss_after_warmup_mb


def soak(
    workdir: Path,
    *,
    start: datetime.datetime,
    hours: float,
    size: tuple[int, int] = (1920, 1080),
    night_step_s: float = 0.0,
    seed: int = 3,
    media: bool = False,
) -> SoakReport:
    """`night_step_s`: how far fake time jumps while the screen is dark (0: as the loop wakes).
    `media`: "How it works" and Aftercare's first detail play a clip, and every slide and first
    detail has a narration (issue 18's kinds; tests/mediawatch.py)."""
    rnd = random.Random(seed)
    deck_dir = workdir / "deck"
    shutil.copytree(FROZEN_DECK, deck_dir)
    if media:
        add_media(deck_dir, details=True)
    slide_file = deck_dir / "what-is-it.yaml"
    original = slide_file.read_text(encoding="utf-8")
    pygame.display.init()
    pygame.font.init()
    display = pygame.display.set_mode(size)
    width, height = size
    clocks = Clocks(start)
    commands: list[str] = []
    deck = load_deck(deck_dir)
    reloader = Reloader(deck_dir, check_deck, current=deck, executor=None)
    stats = StatsStore(workdir / "data", threaded=False, now=clocks.wall)
    settings = Settings(opening_hours=HOURS, on_sleep="sleep", on_wake="wake", idle_timeout_s=45)
    kiosk = Kiosk(
        deck,
        settings,
        display,
        clock=clocks.mono,
        wall_clock=clocks.wall,
        reloader=reloader,
        stats=stats,
        run_command=lambda cmd, t: commands.append(cmd),
    )
    report = SoakReport()
    expected_title = "What is sclerotherapy?"
    next_visit = 300.0  # visits happen only in opening hours (below)
    next_edit = 3600.0
    edit_number = 0
    last_edit_at = 0.0
    end = hours * 3600
    # Warm once the caches have filled: a quarter of the way (or a day and ten hours into a week).
    warmup_end = end / 4 if hours <= 24 else 86400 + 10 * 3600
    original_draw = kiosk.draw
    watch = MediaWatch()  # (media) the clip threads and the voice, as the monkey checks them too

    def counting_draw(now: float, shift=(0, 0)) -> None:
        original_draw(now, shift)
        report.frames += 1
        if not kiosk.state.dark:
            report.open_frames += 1
            # Sampling a band across the middle: a blank (black or one-colour) frame fails it.
            band = pygame.transform.average_color(
                display, pygame.Rect(0, round(height * 0.46), width, round(height * 0.074))
            )
            if sum(band[:3]) < 300:
                report.blank_frames += 1

    kiosk.draw = counting_draw
    kiosk.tick()
    while clocks.now < end:
        # Content edits every hour; every fourth is broken (and fixed by the next one).
        if clocks.now >= next_edit:
            edit_number += 1
            report.edits += 1
            broken = edit_number % 4 == 0
            title = f"What is sclerotherapy? ({edit_number})"
            text = original.replace("en: What is sclerotherapy?", f"en: {title}", 1)
            if broken:
                text = text.replace("summary:", "sumary:", 1)
                report.broken_edits += 1
            slide_file.write_text(text, encoding="utf-8")
            stamp = time.time() + edit_number
            os.utime(slide_file, (stamp, stamp))
            if not broken:
                expected_title = title
            last_edit_at = clocks.now
            next_edit += 3600
        # A visitor every few minutes while the clinic is open.
        hour = clocks.wall().hour
        if clocks.now >= next_visit:
            if 8 <= hour < 18:
                visit(kiosk, clocks, rnd)
                report.visits += 1
            next_visit = clocks.now + rnd.uniform(120, 600)
        step_s = max(kiosk.sleep_s(), 0.3)  # transitions are sampled, not drawn frame by frame
        if kiosk.state.dark:
            step_s = max(step_s, night_step_s)
        clocks.now += step_s
        kiosk.tick()
        # The deck on screen is always the last valid one (once its slide boundary has passed).
        shown = kiosk.state.program.deck.slides[0].title.get("en")
        if clocks.now - last_edit_at > 120 and not kiosk.state.pending and shown != expected_title:
            report.wrong_deck_seen += 1
            if len(report.notes) < 5:
                report.notes.append(f"at {clocks.wall()}: showing {shown!r}, expected {expected_title!r}")
        assert kiosk.stage.cached_screens <= MAX_SCREENS
        if media:
            watch.sample(kiosk)  # one clip thread at a time; no voice the state does not know of
        assert len(kiosk.stage.painter.pictures._cache) <= MAX_PICTURES
        assert len(kiosk.stage.fonts._cache) <= MAX_FONTS
        if report.rss_after_warmup_mb == 0.0 and clocks.now >= warmup_end:
            gc.collect()
            report.rss_after_warmup_mb = rss_mb()
    stats.flush()
    watch.close(kiosk)
    report.most_players, report.clip_frames = watch.most_players, watch.clip_frames
    report.voice_samples, report.voice_without_state = watch.voice_samples, watch.voice_without_state
    report.players_left = watch.players_left
    gc.collect()
    report.rss_end_mb = rss_mb()
    report.hours = hours
    report.reloads = kiosk.reloader.loads
    report.sleeps = commands.count("sleep")
    report.wakes = commands.count("wake")
    return report


def visit(kiosk: Kiosk, clocks: Clocks, rnd: random.Random) -> None:
    """Tap a few things like a patient would, a second or so apart."""

    def tap_action(prefix: str) -> None:
        layout = kiosk.stage.layout(kiosk.state.view)
        spots = [h for h in layout.hotspots if str(h.action).startswith(prefix)]
        if not spots:
            return
        box = rnd.choice(spots).box
        pos = (box.x + box.w // 2, box.y + box.h // 2)
        for kind in (pygame.MOUSEBUTTONDOWN, pygame.MOUSEBUTTONUP):
            kiosk.handle_event(pygame.event.Event(kind, pos=pos, button=1, touch=False))
            clocks.now += 0.1
        kiosk.tick()

    for _ in range(rnd.randint(1, 4)):
        tap_action(rnd.choice(["open:", "language:", "text:", "open:", "narration"]))
        clocks.now += rnd.uniform(2, 15)
        kiosk.tick()
        tap_action("back")
        clocks.now += rnd.uniform(1, 5)
        kiosk.tick()


def check(report: SoakReport, *, nights: int, mornings: int) -> None:
    assert report.blank_frames == 0
    assert report.wrong_deck_seen == 0, report.notes
    assert report.visits > 0 and report.edits >= int(report.hours) - 1 and report.broken_edits > 0
    assert report.sleeps >= nights and report.wakes >= mornings


def show(report: SoakReport) -> None:
    print(
        f"soak {report.hours:g} h: {report}; RSS {report.rss_after_warmup_mb:.1f} MB after warm-up, "
        f"{report.growth_mb:+.2f} MB since (a figure, not a check)"
    )


def test_soak_around_closing_time(tmp_path):
    report = soak(
        tmp_path, start=MONDAY + datetime.timedelta(hours=17), hours=15.5, size=(1280, 720), night_step_s=30
    )
    show(report)
    check(report, nights=1, mornings=1)
    assert report.edits == 15 and report.broken_edits == 3 and report.reloads >= 15


def test_soak_with_a_clip_and_a_narration(tmp_path):
    """Issue 18's kinds through the same hours: the clip's thread comes and goes with its screen,
    and no voice plays that the state does not know of."""
    report = soak(
        tmp_path,
        start=MONDAY + datetime.timedelta(hours=15),
        hours=4.5,
        size=(800, 480),  # the smallest screen: the same events, a third of the pixels to draw
        night_step_s=30,
        media=True,
    )
    show(report)
    check(report, nights=1, mornings=0)
    assert report.most_players == 1 and report.clip_frames > 0  # the clip played, one player at a time
    assert report.players_left == 0  # every decoding thread ended
    assert report.voice_samples > 0 and report.voice_without_state == 0


@pytest.mark.long
def test_soak_seven_simulated_days(tmp_path):
    report = soak(tmp_path, start=MONDAY, hours=7 * 24)
    show(report)
    check(report, nights=7, mornings=6)
