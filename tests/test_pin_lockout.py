"""The staff PIN lockout survives a restart or a pulled plug (issue 17, item 9), and wrong PINs,
locks and staff logins are logged without the digits typed."""

from __future__ import annotations

import datetime
import json
import logging

import pygame
import pytest
from conftest import Clocks

from kiosk.core.admin import MAX_LOCK_S, PinGuard, hash_pin
from kiosk.runtime.app import Kiosk
from kiosk.runtime.pinlock import FILE_NAME, PinLockFile
from kiosk.runtime.settings import Settings

PIN = "2468"
WRONG = "9753"
PIN_HASH = hash_pin(PIN, iterations=1000)
MONDAY = datetime.datetime(2026, 11, 23, 9, 0)


@pytest.fixture()
def display():
    pygame.display.init()
    pygame.font.init()
    return pygame.display.set_mode((1280, 720))


def start(deck, display, clocks, data_dir) -> Kiosk:
    settings = Settings(admin_pin_hash=PIN_HASH, name="lobby-1", data_dir=data_dir)
    kiosk = Kiosk(deck, settings, display, clock=clocks.mono, wall_clock=clocks.wall)
    kiosk.tick()
    return kiosk


def tap(kiosk, clocks, pos):
    for kind in (pygame.MOUSEBUTTONDOWN, pygame.MOUSEBUTTONUP):
        kiosk.handle_event(pygame.event.Event(kind, pos=pos, button=1, touch=False))
        clocks.now += 0.1
    kiosk.tick()


def open_pad(kiosk, clocks):
    kiosk.handle_event(pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=(10, 10), button=1, touch=False))
    for _ in range(24):
        clocks.now += 0.25
        kiosk.tick()
    kiosk.handle_event(pygame.event.Event(pygame.MOUSEBUTTONUP, pos=(10, 10), button=1, touch=False))
    kiosk.tick()
    assert kiosk.state.admin is not None and kiosk.state.admin.screen == "pin"


def enter(kiosk, clocks, digits):
    for action in [f"pin:{d}" for d in digits] + ["pin:ok"]:
        layout = kiosk.stage.layout_for(kiosk.state, kiosk.admin_info())
        box = next(h.box for h in layout.hotspots if str(h.action) == action)
        tap(kiosk, clocks, (box.x + box.w // 2, box.y + box.h // 2))


def test_the_lockout_survives_a_restart_and_nothing_logged_holds_the_digits(deck, display, tmp_path, caplog):
    caplog.set_level(logging.INFO)
    clocks = Clocks(MONDAY)
    kiosk = start(deck, display, clocks, tmp_path)
    open_pad(kiosk, clocks)
    for _ in range(3):
        enter(kiosk, clocks, WRONG)
    assert kiosk.state.pin_guard.locked(clocks.now)
    saved = json.loads((tmp_path / FILE_NAME).read_text(encoding="utf-8"))
    assert saved["failures"] == 3 and saved["locked_until_unix_s"] > clocks.wall().timestamp()

    # The plug is pulled and the kiosk starts again 5 s later: a new monotonic clock from 0.
    rebooted = Clocks(clocks.wall() + datetime.timedelta(seconds=5))
    again = start(deck, display, rebooted, tmp_path)
    assert again.state.pin_guard.failures == 3
    assert again.state.pin_guard.locked(rebooted.now)
    open_pad(again, rebooted)
    enter(again, rebooted, PIN)  # the right PIN, but the pad is still locked
    assert again.state.admin is not None and again.state.admin.screen == "pin"
    assert again.state.admin.message.startswith("Locked")

    rebooted.now += 31  # the 30 s lock is over
    enter(again, rebooted, PIN)
    assert again.state.admin is not None and again.state.admin.screen == "main"
    assert json.loads((tmp_path / FILE_NAME).read_text(encoding="utf-8"))["failures"] == 0

    pin_lines = [r.getMessage() for r in caplog.records if r.getMessage().startswith("staff PIN")]
    assert any("wrong entry (1 of 3)" in line for line in pin_lines)
    assert any(line.startswith("staff PIN: locked for 30 s after 3 wrong entries") for line in pin_lines)
    assert any("still locked" in line for line in pin_lines)  # said again at the restart
    assert any("accepted after 3 wrong entries; staff screen open" in line for line in pin_lines)
    for digits in (PIN, WRONG):
        assert digits not in caplog.text
        assert digits not in (tmp_path / FILE_NAME).read_text(encoding="utf-8")


def test_a_staff_login_is_logged(deck, display, tmp_path, caplog):
    caplog.set_level(logging.INFO)
    clocks = Clocks(MONDAY)
    kiosk = start(deck, display, clocks, tmp_path)
    open_pad(kiosk, clocks)
    enter(kiosk, clocks, PIN)
    assert kiosk.state.admin is not None and kiosk.state.admin.screen == "main"
    assert "staff PIN: accepted; staff screen open" in caplog.text
    assert PIN not in caplog.text


def test_a_wall_clock_set_back_cannot_lock_the_pad_for_longer_than_its_longest_lock(tmp_path):
    lock = PinLockFile.in_folder(tmp_path)
    wall = MONDAY.timestamp()
    lock.save(PinGuard(failures=9, locked_until=100.0 + MAX_LOCK_S), now=100.0, wall_now_s=wall)
    # The clock went back a year: "locked until" now looks a year away.
    guard = lock.load(now=0.0, wall_now_s=wall - 365 * 86_400)
    assert guard.failures == 9 and guard.locked(MAX_LOCK_S - 1) and not guard.locked(MAX_LOCK_S)
    # ...and a clock past the lock leaves the count but no lock.
    guard = lock.load(now=0.0, wall_now_s=wall + 2 * MAX_LOCK_S)
    assert guard == PinGuard(failures=9, locked_until=0.0)


def test_a_damaged_or_unwritable_lockout_file_never_stops_the_kiosk(tmp_path, caplog):
    (tmp_path / FILE_NAME).write_text("{half a file", encoding="utf-8")
    assert PinLockFile.in_folder(tmp_path).load(now=0.0, wall_now_s=0.0) == PinGuard()
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the data folder should be", encoding="utf-8")
    PinLockFile.in_folder(blocked).save(PinGuard(failures=1), now=0.0, wall_now_s=0.0)
    assert "cannot save the lockout" in caplog.text
