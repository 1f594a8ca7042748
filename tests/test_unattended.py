"""Unattended running, with fake clocks and a temporary deck folder: hot reload, a broken edit,
a symlink swap, opening hours with sleep and wake, vanished images, and the systemd watchdog."""

from __future__ import annotations

import datetime
import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pygame
import pytest
from conftest import FROZEN_DECK, REPO, Clocks, child_env

from kiosk.content.hours import OpeningHours
from kiosk.content.loader import check_deck, load_deck
from kiosk.runtime.app import Kiosk
from kiosk.runtime.reload import Reloader
from kiosk.runtime.settings import Settings
from kiosk.runtime.watchdog import Notifier

MONDAY_NOON = datetime.datetime(2026, 11, 23, 12, 0)


@pytest.fixture()
def display():
    pygame.display.init()
    pygame.font.init()
    return pygame.display.set_mode((960, 540))


@pytest.fixture()
def deck_dir(tmp_path):
    target = tmp_path / "deck"
    shutil.copytree(FROZEN_DECK, target)
    return target


def make_kiosk(deck_path: Path, display, clocks: Clocks, settings: Settings | None = None, **kwargs) -> Kiosk:
    deck = load_deck(deck_path)
    reloader = Reloader(
        deck_path, check_deck, current=deck, executor=None, scan=kwargs.pop("scan", None) or _scan()
    )
    return Kiosk(
        deck,
        settings or Settings(),
        display,
        clock=clocks.mono,
        wall_clock=clocks.wall,
        reloader=reloader,
        **kwargs,
    )


def _scan():
    from kiosk.runtime.reload import fingerprint

    return fingerprint


def run_for(kiosk: Kiosk, clocks: Clocks, seconds: float, step_s: float = 0.25) -> None:
    end = clocks.now + seconds
    while clocks.now < end:
        clocks.now = round(clocks.now + step_s, 6)
        kiosk.tick()


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    # Same-second edits must still look different on file systems with coarse timestamps.
    stamp = time.time() + 5
    os.utime(path, (stamp, stamp))


def title_on_screen(kiosk: Kiosk) -> str:
    return kiosk.state.program.deck.slides[kiosk.state.view.slide].title.get("en")


def test_an_edited_slide_appears_at_the_next_slide_boundary(deck_dir, display):
    clocks = Clocks()
    kiosk = make_kiosk(deck_dir, display, clocks)
    kiosk.tick()
    edit(deck_dir / "how-it-works.yaml", "en: How does it work?", "en: How does the treatment work?")
    run_for(kiosk, clocks, 4)  # seen, quiet for 2 s, loaded
    assert kiosk.state.pending is not None  # waiting for the boundary
    assert kiosk.state.view.slide == 0 and kiosk.state.program.version == 1
    run_for(kiosk, clocks, kiosk.program.durations_s[0])
    assert kiosk.state.pending is None
    assert kiosk.state.program.version == 2
    assert title_on_screen(kiosk) == "How does the treatment work?"  # slide 2, freshly loaded
    assert kiosk.state.transition is None or kiosk.state.transition.kind == "fade"


def test_a_broken_edit_is_never_shown_and_logged_once(deck_dir, display, caplog):
    clocks = Clocks()
    kiosk = make_kiosk(deck_dir, display, clocks)
    kiosk.tick()
    edit(deck_dir / "benefits.yaml", "title:", "titel:")
    with caplog.at_level(logging.ERROR):
        run_for(kiosk, clocks, 40)
    assert kiosk.state.program.version == 1 and kiosk.state.pending is None
    assert kiosk.state.view.slide > 0  # the old deck kept playing
    assert [p.format(relative_to=deck_dir) for p in kiosk.reloader.problems] == [
        "benefits.yaml:2:1: `title` is missing; add a line `title: ...`",
        "benefits.yaml:3:1: unknown key `titel`: did you mean `title`?",
    ]
    assert sum("has 2 error(s)" in r.message for r in caplog.records) == 1
    assert sum("benefits.yaml:3:1" in r.message for r in caplog.records) == 1
    # And the fix is picked up.
    edit(deck_dir / "benefits.yaml", "titel:", "title:")
    run_for(kiosk, clocks, 40)
    assert kiosk.state.program.version == 2 and kiosk.reloader.problems == ()


def test_an_atomic_symlink_swap_is_picked_up(tmp_path, display):
    releases = tmp_path / "releases"
    shutil.copytree(FROZEN_DECK, releases / "a")
    shutil.copytree(FROZEN_DECK, releases / "b")
    edit(releases / "b" / "what-is-it.yaml", "en: What is sclerotherapy?", "en: Sclerotherapy in brief")
    current = tmp_path / "current"
    current.symlink_to(releases / "a")
    clocks = Clocks()
    kiosk = make_kiosk(current, display, clocks)
    kiosk.tick()
    (tmp_path / "current.tmp").symlink_to(releases / "b")
    os.replace(tmp_path / "current.tmp", current)  # what `mv -T` does: atomic
    run_for(kiosk, clocks, 4)
    assert kiosk.state.pending is not None
    assert kiosk.state.pending.deck.slides[0].title.get("en") == "Sclerotherapy in brief"


def test_the_deck_folder_deleted_and_restored(deck_dir, display):
    clocks = Clocks()
    kiosk = make_kiosk(deck_dir, display, clocks)
    kiosk.tick()
    backup = deck_dir.parent / "backup"
    shutil.move(deck_dir, backup)
    run_for(kiosk, clocks, 10)
    assert kiosk.state.program.version == 1 and kiosk.reloader.problems  # still playing, error kept
    assert pygame.transform.average_color(display)[:3] > (150, 150, 150)
    shutil.move(backup, deck_dir)
    run_for(kiosk, clocks, 30)
    assert kiosk.state.program.version == 2 and kiosk.reloader.problems == ()


def frame_brightness(display) -> int:
    return sum(pygame.transform.average_color(display)[:3])


def test_opening_hours_put_the_screen_to_sleep_and_a_tap_wakes_it(deck_dir, display):
    calls: list[str] = []
    hours = OpeningHours.parse({"mon": "08:00-12:30"})
    settings = Settings(opening_hours=hours, on_sleep="display off", on_wake="display on", idle_timeout_s=20)
    clocks = Clocks(MONDAY_NOON)
    kiosk = make_kiosk(
        deck_dir, display, clocks, settings, run_command=lambda cmd, timeout: calls.append(cmd)
    )
    kiosk.tick()
    assert not kiosk.state.dark and frame_brightness(display) > 450
    run_for(kiosk, clocks, 31 * 60, step_s=1.0)  # past 12:30
    assert kiosk.state.dark and frame_brightness(display) == 0
    assert calls == ["display off"]
    assert kiosk.sleep_s() == 1.0  # sleeping between checks, not spinning
    # A visitor touches the dark screen: it wakes, and that first touch opens nothing.
    card = next(h for h in kiosk.stage.layout(kiosk.state.view).hotspots if str(h.action).startswith("open:"))
    x, y = card.box.x + 5, card.box.y + 5
    for kind in (pygame.MOUSEBUTTONDOWN, pygame.MOUSEBUTTONUP):
        kiosk.handle_event(pygame.event.Event(kind, pos=(x, y), button=1, touch=False))
    kiosk.tick()
    assert not kiosk.state.dark and kiosk.state.view.detail is None and frame_brightness(display) > 450
    assert calls == ["display off", "display on"]
    run_for(kiosk, clocks, 25, step_s=1.0)  # idle timeout: dark again
    assert kiosk.state.dark and calls == ["display off", "display on", "display off"]


def test_opening_hours_from_the_deck_and_a_failing_command_is_not_fatal(deck_dir, display, caplog):
    edit(deck_dir / "deck.yaml", "timing:", "opening_hours:\n  tue: 08:00-18:00\ntiming:")
    clocks = Clocks(MONDAY_NOON)  # Monday: closed
    settings = Settings(on_sleep="/nonexistent/command --off")
    kiosk = make_kiosk(deck_dir, display, clocks, settings)
    with caplog.at_level(logging.WARNING):
        kiosk.tick()
        time.sleep(0.3)  # the command runs in a thread
    assert kiosk.state.dark
    assert any("/nonexistent/command" in r.message for r in caplog.records)


def test_a_slide_with_a_show_window_plays_only_inside_it(deck_dir, display):
    edit(deck_dir / "benefits.yaml", "review_due:", "show:\n  days: [sat]\nreview_due:")
    clocks = Clocks(MONDAY_NOON)
    kiosk = make_kiosk(deck_dir, display, clocks)
    shown = set()
    for _ in range(int(2 * sum(kiosk.program.durations_s))):
        clocks.now += 1.0
        kiosk.tick()
        shown.add(kiosk.state.view.slide)
    benefits = [s.id for s in kiosk.program.deck.slides].index("benefits")
    assert benefits not in shown and len(shown) == len(kiosk.program.deck.slides) - 1


def test_hide_expired_drops_overdue_slides_but_never_the_last(deck_dir, display):
    for path in deck_dir.glob("*.yaml"):
        if path.name != "deck.yaml":
            edit(path, "review_due: 2027-05-25", "review_due: 2026-01-01")
    clocks = Clocks(MONDAY_NOON)
    kiosk = make_kiosk(deck_dir, display, clocks, Settings(hide_expired=True))
    assert kiosk.schedule_now().allowed is None  # all expired: keep playing everything
    edit(deck_dir / "ask-us.yaml", "review_due: 2026-01-01", "review_due: 2027-01-01")
    kiosk = make_kiosk(deck_dir, display, clocks, Settings(hide_expired=True))
    assert kiosk.schedule_now().allowed == frozenset({8})


def test_a_vanished_image_gives_a_placeholder_not_a_crash(deck_dir, tmp_path, display):
    assets = tmp_path / "assets"
    shutil.copytree(REPO / "assets", assets)
    deck = load_deck(deck_dir, assets=assets)
    (assets / "illustrations" / "what-is-it.svg").unlink()
    clocks = Clocks()
    kiosk = Kiosk(deck, Settings(), display, clock=clocks.mono, wall_clock=clocks.wall)
    kiosk.tick()
    circle = next(
        i for i in kiosk.stage.layout(kiosk.state.view).items if getattr(i, "role", "") == "picture-frame"
    )
    centre = (circle.box.x + circle.box.w // 2, circle.box.y + circle.box.h // 2)
    assert display.get_at(centre)[:3] == (0xE9, 0xDC, 0xCF)  # the plain sand backdrop
    run_for(kiosk, clocks, 30)
    assert kiosk.state.view.slide >= 1  # the loop went on


def test_notifier_sends_ready_and_rate_limited_pings(tmp_path):
    path = str(tmp_path / "notify")
    server = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    server.bind(path)
    server.settimeout(1)
    notifier = Notifier({"NOTIFY_SOCKET": path, "WATCHDOG_USEC": "2000000"})
    notifier.ready()
    assert [notifier.ping(t) for t in (0.0, 0.5, 0.99, 1.0, 1.5, 2.1)] == [
        True,
        False,
        False,
        True,
        False,
        True,
    ]
    messages = [server.recv(64).decode() for _ in range(4)]
    assert messages == ["READY=1", "WATCHDOG=1", "WATCHDOG=1", "WATCHDOG=1"]
    assert not Notifier({}).ping(0.0)  # no socket: nothing sent, nothing raised


def test_watchdog_pings_arrive_while_the_loop_runs_and_stop_when_it_hangs(tmp_path):
    path = str(tmp_path / "notify")
    server = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    server.bind(path)
    # A 0.4 s watchdog: pings every 0.2 s at most, and the idle loop wakes at least once a second.
    env = child_env(NOTIFY_SOCKET=path, WATCHDOG_USEC="400000")
    process = subprocess.Popen(
        [sys.executable, "-m", "kiosk", "run", "--windowed", "--size", "640x360", "--deck", str(FROZEN_DECK)],
        env=env,
        stderr=subprocess.PIPE,
    )

    def receive_until(done, give_up_s: float) -> list[str]:
        """Messages until done(messages) holds; give_up_s only bounds a failing run."""
        messages: list[str] = []
        end = time.monotonic() + give_up_s
        while not done(messages) and time.monotonic() < end:
            server.settimeout(max(0.01, end - time.monotonic()))
            try:
                messages.append(server.recv(64).decode())
            except TimeoutError:
                break
        return messages

    def quiet_for(seconds: float) -> list[str]:
        return receive_until(lambda messages: False, seconds)

    try:
        first = receive_until(lambda m: "READY=1" in m, 60)
        assert first and first[0] == "READY=1", f"no READY=1 from the kiosk: {first}"
        running = receive_until(lambda m: m.count("WATCHDOG=1") >= 2, 30)
        assert running.count("WATCHDOG=1") >= 2, running  # pings keep coming while the loop runs
        process.send_signal(signal.SIGSTOP)  # a hung loop
        quiet_for(0.5)  # drain what was already in flight
        # Stopped, it cannot send: over 1 s (five ping periods) nothing arrives.
        assert quiet_for(1.0) == []
        process.send_signal(signal.SIGCONT)
        assert "WATCHDOG=1" in receive_until(lambda m: "WATCHDOG=1" in m, 30)
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0
        assert "STOPPING=1" in receive_until(lambda m: "STOPPING=1" in m, 10)
    finally:
        if process.poll() is None:
            process.kill()
        process.wait()
        server.close()


def test_a_resolution_change_relays_out_and_keeps_going(deck_dir, display):
    from kiosk.core.intents import Redraw, Resize

    clocks = Clocks()
    kiosk = make_kiosk(deck_dir, display, clocks)
    kiosk.tick()
    bigger = pygame.display.set_mode((1280, 720))  # an HDMI re-plug to another panel
    kiosk.handle(Resize(1280, 720), clocks.now)
    assert kiosk.tick() is True
    assert kiosk.stage.layout(kiosk.state.view).width == 1280
    assert frame_brightness(bigger) > 450
    kiosk.handle(Redraw(), clocks.now)  # display back on / window exposed: drawn again
    assert kiosk.tick() is True


def test_pixel_shift_moves_the_picture_a_few_pixels_every_few_minutes(deck_dir, display):
    from kiosk.runtime.app import PIXEL_SHIFT_EVERY_S

    clocks = Clocks()
    kiosk = make_kiosk(deck_dir, display, clocks, Settings(pixel_shift=True))
    assert kiosk.pixel_shift(0.0) == (0, 0)
    shifted = kiosk.pixel_shift(PIXEL_SHIFT_EVERY_S + 1)
    assert shifted != (0, 0) and max(abs(v) for v in shifted) <= 2
    plain = make_kiosk(deck_dir, display, clocks)
    assert plain.pixel_shift(PIXEL_SHIFT_EVERY_S + 1) == (0, 0)
    kiosk.draw(0.0, (0, 0))
    before = display.copy()
    kiosk.draw(0.0, (2, 0))
    row = [before.get_at((x, 300)) for x in range(100, 900)]
    assert [display.get_at((x + 2, 300)) for x in range(100, 900)] == row
    assert [display.get_at((x, 300)) for x in range(100, 900)] != row
