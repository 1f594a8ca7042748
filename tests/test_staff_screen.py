"""The staff screen and the display check after the field test (issue 14, items 15-20): exit asks
first, the problem list pages and starts complete, the touch test keeps its labels on screen, PIN
misses are logged without digits, impressions count screens shown, and no display means exit 1."""

from __future__ import annotations

import datetime
import logging
import os
import subprocess
import sys
from pathlib import Path

import pygame
import pytest
from conftest import SLIDES, Clocks, fake_measure

from kiosk.content.loader import check_deck
from kiosk.core.actions import (
    AdminBack,
    AdminExit,
    AdminExitConfirm,
    AdminPage,
    PinKey,
    PinOk,
    SetLanguage,
    ToggleLargeText,
)
from kiosk.core.admin import AdminState, hash_pin
from kiosk.core.intents import Activate, AdminGesture, Tick
from kiosk.core.program import Mode, build_program
from kiosk.core.state import Exit, initial_state, step, step_with_effects
from kiosk.layout.items import Box, TextLine
from kiosk.layout.staff import AdminInfo, arrange_admin
from kiosk.runtime.app import Kiosk
from kiosk.runtime.reload import Reloader
from kiosk.runtime.settings import Settings
from kiosk.runtime.stats import Event, StatsObserver

PIN = "8642"
MONDAY = datetime.datetime(2026, 11, 23, 9, 0)
SIZES = [(800, 480), (1920, 1080)]


@pytest.fixture()
def display():
    pygame.display.init()
    pygame.font.init()
    return pygame.display.set_mode((1280, 720))


def staff(deck):
    program = build_program(deck, Mode.TOUCH, admin_dev=True)
    state = step(initial_state(program, 0.0), AdminGesture(), 1.0)
    assert state.admin is not None and state.admin.screen == "main"
    return state


def texts(layout) -> list[str]:
    return [item.text for item in layout.items if isinstance(item, TextLine)]


# -- 15: Exit kiosk asks first ---------------------------------------------------------------------


def test_exit_kiosk_asks_for_confirmation_and_only_the_confirm_exits(deck):
    state = staff(deck)
    asked = step_with_effects(state, Activate(AdminExit()), 2.0)
    assert asked.effects == ()  # one tap never leaves a black screen
    assert asked.state.admin is not None and asked.state.admin.screen == "exit"
    layout = arrange_admin(asked.state.admin, AdminInfo(), 1280, 720, fake_measure)
    shown = " ".join(texts(layout))
    assert "Exit the kiosk?" in shown and "The screen will go black until it restarts." in shown
    actions = {str(h.action): h.box for h in layout.hotspots}
    assert set(actions) == {"admin:exit-confirm", "admin:back"}  # Exit / Stay, nothing else
    # The confirm's Exit is not where Exit kiosk was: a double tap cannot confirm.
    main = arrange_admin(state.admin, AdminInfo(), 1280, 720, fake_measure)
    exit_kiosk = next(h.box for h in main.hotspots if isinstance(h.action, AdminExit))
    close = next(h.box for h in main.hotspots if str(h.action) == "admin:close")
    assert not _overlap(exit_kiosk, actions["admin:exit-confirm"])
    assert abs(exit_kiosk.x - close.x) > 1280 // 2  # Exit kiosk sits far from Close
    # Stay goes back; the confirm exits; going idle cancels the question.
    stay = step_with_effects(asked.state, Activate(AdminBack()), 2.1)
    assert stay.effects == () and stay.state.admin is not None and stay.state.admin.screen == "main"
    assert step_with_effects(asked.state, Activate(AdminExitConfirm()), 2.5).effects == (Exit(),)
    idle = step(asked.state, Tick(), 2.0 + deck.timing.idle_timeout_s + 1)
    assert idle.admin is None
    assert step_with_effects(idle, Activate(AdminExitConfirm()), 100.0).effects == ()
    # The confirm alone, without the question first, does nothing.
    assert step_with_effects(state, Activate(AdminExitConfirm()), 2.0).effects == ()


def _overlap(a: Box, b: Box) -> bool:
    return a.x < b.x + b.w and b.x < a.x + a.w and a.y < b.y + b.h and b.y < a.y + a.h


# -- 16: the problem list pages, overdue first, and is complete from start-up ----------------------


def many_warnings(count: int) -> AdminInfo:
    return AdminInfo(
        warnings=tuple(
            f"slides/s{i:02}.yaml:10:14: warning: waiting for clinical review" for i in range(count)
        ),
        overdue=("aftercare: review was due 2026-01-01",),
    )


@pytest.mark.parametrize("size", SIZES)
def test_the_warnings_list_pages_with_plus_n_more_and_overdue_first(size):
    width, height = size
    info = many_warnings(30)
    layout = arrange_admin(AdminState("main"), info, width, height, fake_measure)
    shown = texts(layout)
    listed = [t for t in shown if "waiting for clinical review" in t]
    assert 0 < len(listed) < 30
    more = [t for t in shown if t.startswith("+")]
    assert more and more[0].startswith(f"+{30 + 1 - len(listed) - 1} more")
    # Slides past their review date come before the pending ones.
    assert shown.index("aftercare: review was due 2026-01-01") < shown.index(listed[0])
    # Paging reaches every warning exactly once, and back.
    seen: list[str] = []
    admin = AdminState("main")
    for _ in range(40):
        page = arrange_admin(admin, info, width, height, fake_measure)
        seen += [t for t in texts(page) if "waiting for clinical review" in t]
        nxt = [
            h.action
            for h in page.hotspots
            if isinstance(h.action, AdminPage) and h.action.first > admin.list_first
        ]
        if not nxt:
            break
        admin = AdminState("main", list_first=nxt[0].first)
    assert seen == list(info.warnings)
    earlier = [
        h.action
        for h in page.hotspots
        if isinstance(h.action, AdminPage) and h.action.first < admin.list_first
    ]
    assert earlier
    # Nothing drawn over the buttons.
    buttons_top = min(h.box.y for h in layout.hotspots if str(h.action) == "admin:close")
    assert all(
        i.box.y + i.box.h <= buttons_top
        for i in layout.items
        if isinstance(i, TextLine) and i.text in info.warnings
    )


def test_warnings_sort_overdue_reviews_first_and_are_present_from_start_up(tmp_path, display):
    import shutil

    folder = tmp_path / "deck"
    shutil.copytree(SLIDES, folder)
    path = folder / "aftercare.yaml"
    text = path.read_text(encoding="utf-8")
    assert "review_due: 2027-05-25" in text
    path.write_text(text.replace("review_due: 2027-05-25", "review_due: 2026-01-05", 1), encoding="utf-8")
    clocks = Clocks(MONDAY)
    report = check_deck(folder, today=MONDAY.date())
    assert report.deck is not None and len(report.warnings) > 1
    reloader = Reloader(folder, lambda f: check_deck(f, today=MONDAY.date()), current=report.deck)
    kiosk = Kiosk(
        report.deck, Settings(dev=True), display, clock=clocks.mono, wall_clock=clocks.wall, reloader=reloader
    )
    kiosk.tick()
    for _ in range(30):  # the start-up check runs in the reloader's worker once the first frame is up
        clocks.now += 0.5
        kiosk.tick()
    assert reloader.loads == 0  # nothing was reloaded: the deck on screen was only checked
    kiosk.handle(AdminGesture(), clocks.now)
    clocks.now += 2
    warnings = kiosk.admin_info().warnings
    assert len(warnings) == len(report.warnings)  # all of them, before any reload
    assert "review date 2026-01-05 has passed" in warnings[0]


# -- 17: the touch test keeps its labels on screen, Done away from the corners ---------------------


@pytest.mark.parametrize("size", SIZES)
def test_touch_test_labels_stay_on_screen_and_done_is_not_in_a_corner(size):
    width, height = size
    edges = [
        (0, 0),
        (width - 1, 0),
        (0, height - 1),
        (width - 1, height - 1),
        (width // 2, 0),
        (width // 2, height - 1),
        (0, height // 2),
        (width - 1, height // 2),
    ]
    layout = arrange_admin(AdminState("touch", marks=tuple(edges)), AdminInfo(), width, height, fake_measure)
    labels = [i for i in layout.items if isinstance(i, TextLine) and "," in i.text and i.text[0].isdigit()]
    assert len(labels) == len(edges)
    for label in labels:
        box = label.box
        assert 0 <= box.x and box.x + label.measured_w <= width, label.text
        assert 0 <= box.y and box.y + box.h <= height, label.text
    done = next(h.box for h in layout.hotspots if str(h.action) == "admin:back")
    corner = round(min(width, height) * 0.25)
    for cx, cy in ((0, 0), (width - corner, 0), (0, height - corner), (width - corner, height - corner)):
        assert not _overlap(done, Box(cx, cy, corner, corner)), (done, cx, cy)
    # Touching the middle of the bottom edge (a finger's width from it) is not Done either.
    finger = round(min(width, height) * 0.05)
    assert not _overlap(done, Box(0, height - finger, width, finger))


# -- 18: wrong PINs and lockouts are logged, never the digits --------------------------------------


def test_wrong_pins_and_the_lockout_are_logged_without_the_digits(deck, caplog):
    program = build_program(deck, Mode.TOUCH, admin_pin_hash=hash_pin(PIN, iterations=1000))
    state = step(initial_state(program, 0.0), AdminGesture(), 1.0)
    assert state.admin is not None and state.admin.screen == "pin"
    caplog.set_level(logging.WARNING, logger="kiosk.core.admin")
    now = 2.0
    for attempt in ("1357", "9713", "5319", "7777"):
        for digit in attempt:
            state = step(state, Activate(PinKey(key=digit)), now)
        state = step(state, Activate(PinOk()), now)
        now += 0.5
    messages = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert "staff PIN: wrong entry (1 of 3)" in messages
    assert "staff PIN: wrong entry (2 of 3)" in messages
    assert any(m.startswith("staff PIN: locked for 30 s after 3 wrong entries") for m in messages)
    assert any(m.startswith("staff PIN: entry refused, the pad is locked") for m in messages)
    for attempt in ("1357", "9713", "5319", "7777", PIN):
        assert all(attempt not in m for m in messages)


# -- 19: an impression is a screen shown, not a toggle on it ---------------------------------------


class Recorder:
    def __init__(self) -> None:
        self.events: list[Event] = []

    def record(self, event: Event) -> None:
        self.events.append(event)


def test_toggling_language_and_large_text_adds_no_impression(deck):
    program = build_program(deck, Mode.TOUCH)
    store = Recorder()
    observer = StatsObserver(store, wall_clock=lambda: MONDAY, program_for=lambda view: program)  # type: ignore[arg-type]
    state = initial_state(program, 0.0)
    observer.observe(state, 0.0)
    now = 1.0
    for i in range(20):
        action = SetLanguage(code="es" if i % 2 == 0 else "en") if i % 4 < 2 else ToggleLargeText()
        state = step(state, Activate(action), now)
        observer.observe(state, now)
        now += 0.2
    kinds = [e.kind for e in store.events]
    assert kinds.count("impression") == 0  # still the first slide, still being read
    assert kinds.count("language") == 10  # language switches are still counted, as their own kind
    # Leaving the slide (idle reset, then the loop moves on) records exactly one impression for it.
    state = step(state, Tick(), now + deck.timing.idle_timeout_s + 1)
    observer.observe(state, now + deck.timing.idle_timeout_s + 1)
    later = now + deck.timing.idle_timeout_s + 1 + 600
    state = step(state, Tick(), later)
    observer.observe(state, later)
    impressions = [e for e in store.events if e.kind == "impression"]
    assert len(impressions) == 1 and impressions[0].slide == deck.slides[0].id


# -- 20: no usable display is an error and a non-zero exit ------------------------------------------


@pytest.mark.parametrize("command", [["run"], ["preview", "slides"]])
def test_an_unusable_display_exits_non_zero_and_says_why(command, tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.update(SDL_VIDEODRIVER="x11", DISPLAY=":987", PYGAME_HIDE_SUPPORT_PROMPT="1")
    repo = Path(__file__).resolve().parents[1]
    argv = [sys.executable, "-c", "from kiosk.cli import main; raise SystemExit(main())", *command]
    if command[0] == "run":
        argv += ["--data-dir", str(tmp_path)]
    result = subprocess.run(argv, cwd=repo, env=env, capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode != 0
    assert "no display: " in result.stderr and "check that the screen is connected" in result.stderr
    assert "showing" not in result.stderr


def test_a_silent_fallback_to_an_invisible_driver_is_refused_unless_asked_for(monkeypatch):
    from kiosk.runtime import display as screen

    monkeypatch.setattr(screen.pygame.display, "init", lambda: None)
    monkeypatch.setattr(screen.pygame.display, "get_driver", lambda: "offscreen")
    monkeypatch.setattr(screen.pygame.display, "quit", lambda: None)
    monkeypatch.setenv("SDL_VIDEODRIVER", "x11,wayland")
    with pytest.raises(screen.NoDisplay, match="fell back to its `offscreen` driver"):
        screen.init_display()
    monkeypatch.setenv("SDL_VIDEODRIVER", "offscreen")
    assert screen.init_display() == "offscreen"  # asked for by name: tests and exports
