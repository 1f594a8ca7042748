"""Staff tools, headless with fake clocks: the hidden gesture and PIN, the lockout, the admin
screen's tools, and private statistics that `kiosk stats` reads back."""

from __future__ import annotations

import datetime
import shutil
import sqlite3
import threading
import time

import pygame
import pytest
from conftest import FROZEN_DECK, Clocks

from kiosk.cli import main
from kiosk.content.loader import check_deck, load_deck
from kiosk.core.admin import HOLD_S, hash_pin, verify_pin
from kiosk.runtime.app import Kiosk
from kiosk.runtime.reload import Fingerprint, Reloader
from kiosk.runtime.settings import Settings
from kiosk.runtime.stats import DB_NAME, QUEUE_MAX, Event, StatsStore, summarize

PIN = "2468"
PIN_HASH = hash_pin(PIN, iterations=1000)  # fewer rounds keep the tests quick; the format is the same
MONDAY = datetime.datetime(2026, 11, 23, 9, 0)


@pytest.fixture()
def display():
    pygame.display.init()
    pygame.font.init()
    return pygame.display.set_mode((1280, 720))


def make(deck, display, clocks, *, pin_hash=PIN_HASH, dev=False, stats=None, idle=30) -> Kiosk:
    settings = Settings(admin_pin_hash=pin_hash, dev=dev, idle_timeout_s=idle, name="lobby-1")
    return Kiosk(deck, settings, display, clock=clocks.mono, wall_clock=clocks.wall, stats=stats)


def mouse(kiosk, kind, pos):
    kiosk.handle_event(pygame.event.Event(kind, pos=pos, button=1, touch=False))


def tap(kiosk, clocks, pos):
    mouse(kiosk, pygame.MOUSEBUTTONDOWN, pos)
    clocks.now += 0.1
    mouse(kiosk, pygame.MOUSEBUTTONUP, pos)
    clocks.now += 0.1
    kiosk.tick()


def hold_corner(kiosk, clocks, seconds=HOLD_S + 0.5):
    mouse(kiosk, pygame.MOUSEBUTTONDOWN, (10, 10))
    end = clocks.now + seconds
    while clocks.now < end:
        clocks.now += 0.25
        kiosk.tick()
    mouse(kiosk, pygame.MOUSEBUTTONUP, (10, 10))
    kiosk.tick()


def press(kiosk, clocks, action):
    layout = kiosk.stage.layout_for(kiosk.state, kiosk.admin_info())
    box = next(h.box for h in layout.hotspots if str(h.action) == action)
    tap(kiosk, clocks, (box.x + box.w // 2, box.y + box.h // 2))


def enter_pin(kiosk, clocks, digits):
    for digit in digits:
        press(kiosk, clocks, f"pin:{digit}")
    press(kiosk, clocks, "pin:ok")


def test_pin_hash_is_salted_and_verifies():
    a, b = hash_pin("1234", iterations=1000), hash_pin("1234", iterations=1000)
    assert a != b and a.startswith("pbkdf2_sha256$1000$")
    assert verify_pin("1234", a) and not verify_pin("1235", a) and not verify_pin("1234", "garbage")


def test_the_gesture_and_pin_open_the_admin_screen(deck, display):
    clocks = Clocks(MONDAY)
    kiosk = make(deck, display, clocks)
    kiosk.tick()
    hold_corner(kiosk, clocks, seconds=HOLD_S - 1)  # too short: nothing
    assert kiosk.state.admin is None
    hold_corner(kiosk, clocks)
    assert kiosk.state.admin.screen == "pin"
    enter_pin(kiosk, clocks, PIN)
    assert kiosk.state.admin.screen == "main"
    texts = [
        i.text for i in kiosk.stage.layout_for(kiosk.state, kiosk.admin_info()).items if hasattr(i, "text")
    ]
    assert any("Kiosk admin · lobby-1" in t for t in texts) and any("9 slides" in t for t in texts)


def test_a_long_press_away_from_the_corner_does_not_open_it(deck, display):
    clocks = Clocks(MONDAY)
    kiosk = make(deck, display, clocks)
    mouse(kiosk, pygame.MOUSEBUTTONDOWN, (640, 360))
    for _ in range(30):
        clocks.now += 0.25
        kiosk.tick()
    mouse(kiosk, pygame.MOUSEBUTTONUP, (640, 360))
    assert kiosk.state.admin is None


def test_a_long_press_in_the_corner_that_moved_does_not_open_it(deck, display):
    """A finger that slid out of the tap slop and back is a swipe gone astray, not the gesture."""
    clocks = Clocks(MONDAY)
    kiosk = make(deck, display, clocks)
    mouse(kiosk, pygame.MOUSEBUTTONDOWN, (10, 10))
    clocks.now += 0.25
    kiosk.tick()
    mouse(kiosk, pygame.MOUSEMOTION, (90, 10))  # 80 px: well past the slop (3 % of 720 px)
    mouse(kiosk, pygame.MOUSEMOTION, (10, 10))  # back where it started
    for _ in range(int((HOLD_S + 2) / 0.25)):
        clocks.now += 0.25
        kiosk.tick()
    mouse(kiosk, pygame.MOUSEBUTTONUP, (10, 10))
    kiosk.tick()
    assert kiosk.state.admin is None
    hold_corner(kiosk, clocks)  # the same hold without the slide does open it
    assert kiosk.state.admin is not None and kiosk.state.admin.screen == "pin"


def test_no_pin_configured_means_no_admin_screen_unless_dev(deck, display):
    clocks = Clocks(MONDAY)
    off = make(deck, display, clocks, pin_hash=None)
    hold_corner(off, clocks)
    assert off.state.admin is None
    dev = make(deck, display, clocks, pin_hash=None, dev=True)
    hold_corner(dev, clocks)
    assert dev.state.admin.screen == "main"


def test_a_wrong_pin_is_refused_and_rate_limited(deck, display):
    clocks = Clocks(MONDAY)
    kiosk = make(deck, display, clocks, idle=600)
    hold_corner(kiosk, clocks)
    for _ in range(3):
        enter_pin(kiosk, clocks, "1111")
        assert kiosk.state.admin.screen == "pin"
    assert kiosk.state.admin.message.startswith("Wrong PIN. Locked for 30 s")
    enter_pin(kiosk, clocks, PIN)  # even the right PIN waits out the lock
    assert kiosk.state.admin.screen == "pin" and kiosk.state.admin.message.startswith("Locked: try again in")
    press(kiosk, clocks, "admin:close")
    hold_corner(kiosk, clocks)  # closing and reopening does not lift the lock
    enter_pin(kiosk, clocks, PIN)
    assert kiosk.state.admin.screen == "pin"
    clocks.now += 31
    enter_pin(kiosk, clocks, "9999")  # a fourth miss doubles the lock
    assert "Locked for 60 s" in kiosk.state.admin.message
    clocks.now += 61
    enter_pin(kiosk, clocks, PIN)
    assert kiosk.state.admin.screen == "main"


def test_the_admin_screen_closes_at_idle(deck, display):
    clocks = Clocks(MONDAY)
    kiosk = make(deck, display, clocks, idle=30)
    hold_corner(kiosk, clocks)
    enter_pin(kiosk, clocks, PIN)
    index = kiosk.state.index
    for _ in range(20):
        clocks.now += 1
        kiosk.tick()
    assert kiosk.state.admin is not None and kiosk.state.index == index  # the loop waits underneath
    for _ in range(15):
        clocks.now += 1
        kiosk.tick()
    assert kiosk.state.admin is None


def test_touch_test_marks_each_finger_and_the_test_pattern_shows_the_edges(deck, display):
    clocks = Clocks(MONDAY)
    kiosk = make(deck, display, clocks)
    hold_corner(kiosk, clocks)
    enter_pin(kiosk, clocks, PIN)
    press(kiosk, clocks, "admin:touch")
    for finger, pos in enumerate([(300, 300), (900, 500)]):
        kiosk.handle_event(
            pygame.event.Event(
                pygame.FINGERDOWN,
                x=pos[0] / 1280,
                y=pos[1] / 720,
                dx=0,
                dy=0,
                touch_id=1,
                finger_id=finger,
                pressure=1,
            )
        )
    kiosk.tick()
    for finger, pos in enumerate([(300, 300), (900, 500)]):
        kiosk.handle_event(
            pygame.event.Event(
                pygame.FINGERUP,
                x=pos[0] / 1280,
                y=pos[1] / 720,
                dx=0,
                dy=0,
                touch_id=1,
                finger_id=finger,
                pressure=0,
            )
        )
    assert kiosk.state.admin.marks == ((300, 300), (900, 500))
    assert display.get_at((300, 300))[:3] == (0xB2, 0x3A, 0x5E)  # the rose cross-hair is drawn there
    press(kiosk, clocks, "admin:back")
    press(kiosk, clocks, "admin:pattern")
    assert display.get_at((0, 360))[:3] == (255, 0, 0) and display.get_at((1279, 360))[:3] == (255, 0, 0)


def test_exit_from_the_admin_screen_stops_the_kiosk(deck, display):
    clocks = Clocks(MONDAY)
    kiosk = make(deck, display, clocks, dev=True, pin_hash=None)
    hold_corner(kiosk, clocks)
    assert kiosk.running is True
    press(kiosk, clocks, "admin:exit")
    assert kiosk.running  # Exit kiosk asks first (tests/test_staff_screen.py)
    press(kiosk, clocks, "admin:exit-confirm")
    assert kiosk.running is False


def shown_texts(kiosk) -> list[str]:
    layout = kiosk.stage.layout_for(kiosk.state, kiosk.admin_info())
    return [item.text for item in layout.items if hasattr(item, "text")]


def newest_deck(kiosk):
    """The deck the kiosk will show: a reloaded one waits for the next slide boundary."""
    return (kiosk.state.pending or kiosk.state.program).deck


def test_reload_on_the_admin_screen_puts_the_edited_deck_on_screen(display, tmp_path):
    folder = tmp_path / "deck"
    shutil.copytree(FROZEN_DECK, folder)
    deck = load_deck(folder)
    # A watcher blind to changes on disk (its fingerprint never changes): only the button loads.
    blind = Fingerprint(str(folder), ())
    reloader = Reloader(folder, check_deck, current=deck, executor=None, scan=lambda folder, extra: blind)
    clocks = Clocks(MONDAY)
    settings = Settings(dev=True, idle_timeout_s=600)
    kiosk = Kiosk(deck, settings, display, clock=clocks.mono, wall_clock=clocks.wall, reloader=reloader)
    kiosk.tick()
    slide = folder / "how-it-works.yaml"  # the slide after the first: on screen soon after a reload
    old_title, new_title = "How does it work?", "How the treatment works"
    text = slide.read_text(encoding="utf-8")
    assert f"en: {old_title}\n" in text
    slide.write_text(text.replace(f"en: {old_title}\n", f"en: {new_title}\n", 1), encoding="utf-8")
    hold_corner(kiosk, clocks)
    for _ in range(20):  # the edit sits on disk; nothing picks it up on its own
        clocks.now += 1
        kiosk.tick()
    assert newest_deck(kiosk).slides[1].title.get("en") == old_title
    press(kiosk, clocks, "admin:reload")
    for _ in range(50):  # the load may run off the frame loop: give it ticks, not seconds
        if newest_deck(kiosk).slides[1].title.get("en") == new_title:
            break
        clocks.now += 0.1
        kiosk.tick()
    assert newest_deck(kiosk).slides[1].title.get("en") == new_title
    press(kiosk, clocks, "admin:close")
    assert kiosk.state.admin is None
    seen = ""
    # The staff's touches hold the loop like a visitor's, until the idle reset (600 s here); then
    # the reloaded slide comes round within one loop.
    for _ in range(1200):
        clocks.now += 1.0
        kiosk.tick()
        seen = " ".join(shown_texts(kiosk))  # joined: a title may wrap onto two lines
        if new_title in seen:
            break
    assert new_title in seen and old_title not in seen


def scripted_visit(kiosk, clocks):
    """A visitor: switches to Spanish, opens a topic, reads 20 s, goes back, then leaves."""
    kiosk.tick()
    layout = kiosk.stage.layout(kiosk.state.view)
    spanish = next(h.box for h in layout.hotspots if str(h.action) == "language:es")
    tap(kiosk, clocks, (spanish.x + 5, spanish.y + 5))
    clocks.now += 1
    kiosk.tick()
    card = next(h for h in kiosk.stage.layout(kiosk.state.view).hotspots if str(h.action).startswith("open:"))
    tap(kiosk, clocks, (card.box.x + 10, card.box.y + 10))
    for _ in range(20):
        clocks.now += 1
        kiosk.tick()
    back = next(h.box for h in kiosk.stage.layout(kiosk.state.view).hotspots if str(h.action) == "back")
    tap(kiosk, clocks, (back.x + 5, back.y + 5))
    for _ in range(60):  # idle: the session ends
        clocks.now += 1
        kiosk.tick()
    return str(card.action).split(":", 1)[1]


def test_statistics_rows_for_a_scripted_visit_and_kiosk_stats_reports_them(deck, display, tmp_path, capsys):
    clocks = Clocks(MONDAY)
    store = StatsStore(tmp_path, name="lobby-1", threaded=False, now=clocks.wall)
    kiosk = make(deck, display, clocks, stats=store)
    detail = scripted_visit(kiosk, clocks)
    store.flush()
    rows = (
        sqlite3.connect(tmp_path / DB_NAME)
        .execute("SELECT kind, slide, detail, language, seconds FROM events ORDER BY at")
        .fetchall()
    )
    kinds = [r[0] for r in rows]
    assert kinds.count("language") == 1 and ("language", None, None, "es", None) in rows
    opens = [r for r in rows if r[0] == "open"]
    assert len(opens) == 1 and opens[0][1:4] == ("what-is-it", detail, "es") and 20 <= opens[0][4] <= 22
    sessions = [r for r in rows if r[0] == "session"]
    assert (
        len(sessions) == 1 and 50 <= sessions[0][4] <= 55
    )  # first touch to idle reset (30 s after the last)
    assert all(set(r) <= {"impression", "open", "language", "session"} for r in [kinds])
    # Nothing about a person: the only columns are times, topic ids, a language and seconds.
    columns = [c[1] for c in sqlite3.connect(tmp_path / DB_NAME).execute("PRAGMA table_info(events)")]
    assert columns == ["at", "day", "kind", "slide", "detail", "language", "seconds"]
    assert main(["stats", "--data-dir", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert any(line.split()[:4] == ["what-is-it", detail, "0", "1"] for line in out.splitlines())
    assert any(line.startswith("2026-11-23") and line.split()[1] == "1" for line in out.splitlines())
    assert "language switches: es 1" in out
    assert main(["stats", "--data-dir", str(tmp_path), "--csv", "--since", "2026-11-24"]) == 0
    assert capsys.readouterr().out.splitlines()[0] == "slide,detail,impressions,opens,average seconds"


def test_a_corrupt_database_is_moved_aside_and_a_new_one_started(tmp_path, caplog):
    (tmp_path / DB_NAME).write_bytes(b"this is not a database" * 100)
    store = StatsStore(tmp_path, threaded=False)
    store.record(Event(MONDAY, "impression", "what-is-it", None, "en", 12.0))
    store.flush()
    assert len(list(tmp_path.glob(f"{DB_NAME}.corrupt-*"))) == 1
    assert summarize(tmp_path / DB_NAME).topics[0].impressions == 1
    assert "moved it to" in caplog.text


def test_a_threaded_store_writes_every_event_by_flush(tmp_path):
    store = StatsStore(tmp_path)
    for i in range(500):
        store.record(Event(MONDAY, "impression", f"s{i % 5}", None, "en", 1.0))
    store.flush()
    assert sum(t.impressions for t in summarize(tmp_path / DB_NAME).topics) == 500
    store.close()


def written_impressions(folder) -> int:
    return sum(t.impressions for t in summarize(folder / DB_NAME).topics)


def test_recording_never_waits_for_a_stuck_disk(tmp_path, monkeypatch):
    store = StatsStore(tmp_path)
    writing, unstuck = threading.Event(), threading.Event()
    real_write = store._write

    def stuck_write(events):
        if events:  # the writer wakes every few seconds with nothing to write
            writing.set()
            assert unstuck.wait(60), "the disk stayed stuck"
        real_write(events)

    monkeypatch.setattr(store, "_write", stuck_write)
    try:
        store.record(Event(MONDAY, "impression", "s0", None, "en", 1.0))
        assert writing.wait(30), "the writer thread never started writing"
        # The writer is stuck. Recording still returns at once: had record() written (or waited
        # for room in the queue) on this thread, this loop would hang until the disk came back.
        for i in range(QUEUE_MAX + 5):
            store.record(Event(MONDAY, "impression", f"s{i % 5}", None, "en", 1.0))
        assert store.dropped == 5  # a full queue drops counts rather than stall the screen
        assert written_impressions(tmp_path) == 0
    finally:
        unstuck.set()
    # Once the disk is back, everything that was kept is written. (Waited for here, not through
    # flush(): a flush asked for while a batch is being written can return before that batch is.)
    for _ in range(600):
        if written_impressions(tmp_path) == 1 + QUEUE_MAX:
            break
        time.sleep(0.05)
    assert written_impressions(tmp_path) == 1 + QUEUE_MAX
    store.close()


def test_a_seven_day_run_stays_within_retention_and_size(tmp_path):
    day = {"now": MONDAY}
    store = StatsStore(tmp_path, retention_days=3, threaded=False, now=lambda: day["now"])
    sizes = []
    for d in range(7):
        day["now"] = MONDAY + datetime.timedelta(days=d)
        for minute in range(0, 12 * 60, 2):  # a busy clinic day: a screen every 2 minutes
            at = day["now"] + datetime.timedelta(minutes=minute)
            store.record(Event(at, "impression", "what-is-it", None, "en", 11.5))
        store.flush()
        store.prune()
        sizes.append((tmp_path / DB_NAME).stat().st_size)
    days = [
        r[0]
        for r in sqlite3.connect(tmp_path / DB_NAME).execute("SELECT DISTINCT day FROM events ORDER BY day")
    ]
    assert days == ["2026-11-26", "2026-11-27", "2026-11-28", "2026-11-29"]
    assert max(sizes) < 1_000_000  # a few hundred KB at most


def test_set_pin_prints_a_hash_for_the_settings_file(monkeypatch, capsys):
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO("4321\n"))
    assert main(["set-pin", "--stdin"]) == 0
    line = capsys.readouterr().out.splitlines()[-1]
    assert line.startswith("admin_pin_hash: pbkdf2_sha256$") and verify_pin("4321", line.split(": ", 1)[1])
    monkeypatch.setattr("sys.stdin", io.StringIO("12\n"))
    assert main(["set-pin", "--stdin"]) == 2
