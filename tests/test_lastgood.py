"""The last good deck (issue 17): a power cut during a sync, a refused deck at start, and the real
`kiosk run` started on a broken `current` with a last good deck kept."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pygame
import pytest
from conftest import FROZEN_DECK, TODAY, Clocks, child_env
from test_staff import MONDAY, PIN, PIN_HASH, enter_pin, hold_corner

from kiosk.content.loader import Report, check_deck, load_deck
from kiosk.content.snapshot import CURRENT_FILE, LastGood, decode_deck, encode_deck
from kiosk.resources import SAMPLE_DECK_DIR
from kiosk.runtime.app import Kiosk
from kiosk.runtime.reload import Reloader, fingerprint
from kiosk.runtime.settings import Settings
from kiosk.runtime.startup import NOT_LOADED, keeper, start_deck
from kiosk.runtime.stats import default_data_dir

GOOD_TITLE = "Sclerotherapy · patient guide"


def release(root: Path, name: str, *, title: str | None = None) -> Path:
    """A copy of the frozen deck as releases/<name>, its English title changed when asked."""
    folder = root / "releases" / name
    shutil.copytree(FROZEN_DECK, folder)
    if title is not None:
        deck_yaml = folder / "deck.yaml"
        deck_yaml.write_text(
            deck_yaml.read_text(encoding="utf-8").replace(GOOD_TITLE, title), encoding="utf-8"
        )
    return folder


def point(current: Path, target: Path) -> None:
    """Swap the `current` symlink atomically, as kiosk-content-sync does."""
    temporary = current.with_name(".current.tmp")
    temporary.unlink(missing_ok=True)
    temporary.symlink_to(target)
    os.replace(temporary, current)


def power_cut(folder: Path) -> None:
    """What an unflushed write leaves after a power cut: deck.yaml cut off mid-file."""
    deck_yaml = folder / "deck.yaml"
    raw = deck_yaml.read_bytes()
    deck_yaml.write_bytes(raw[: len(raw) // 3])


def keep_as_last_good(store: LastGood, folder: Path, watched: Path | None = None) -> None:
    """What the kiosk does for a deck that passed: `watched` is the folder it was given."""
    deck = load_deck(folder, today=TODAY)
    state = fingerprint(folder)
    keeper(store, watched or folder)(Report(deck, ()), state)
    assert store.load() is not None


# -- the store ------------------------------------------------------------------------------------


def test_a_snapshot_reads_back_as_the_same_deck_with_its_own_copies_of_the_pictures(tmp_path):
    deck = load_deck(FROZEN_DECK, today=TODAY)
    store = LastGood(tmp_path / "data")
    store.save(deck, source_key="k1", source_folder=str(FROZEN_DECK))
    snapshot = LastGood(tmp_path / "data").load()
    assert snapshot is not None and snapshot.source_key == "k1"
    kept = snapshot.deck
    assert kept.title == deck.title and kept.languages == deck.languages and kept.hours == deck.hours
    assert [s.id for s in kept.slides] == [s.id for s in deck.slides]
    assert [s.details for s in kept.slides] != [] and kept.slides[0].summary == deck.slides[0].summary
    # Every picture is the snapshot's own copy, byte for byte.
    for mine, theirs in zip(kept.slides, deck.slides, strict=True):
        for a, b in zip(mine.all_images(), theirs.all_images(), strict=True):
            assert a.path.is_relative_to(snapshot.folder) and a.path.read_bytes() == b.path.read_bytes()
            assert (a.kind, a.aspect) == (b.kind, b.aspect)
    # Apart from the picture paths, the deck is the one that was kept.
    assert encode_deck(kept, {}) != encode_deck(deck, {})  # the paths differ...
    names = {image.path: image.path.name for s in deck.slides for image in s.all_images()}
    again = {image.path: image.path.name for s in kept.slides for image in s.all_images()}
    assert json.dumps(encode_deck(deck, names)).count("~picture") == json.dumps(
        encode_deck(kept, again)
    ).count("~picture")


def test_a_snapshot_names_only_deck_classes_and_a_damaged_one_is_ignored(tmp_path):
    with pytest.raises(ValueError):
        decode_deck({"~": "Popen", "args": ["rm"]}, tmp_path)
    store = LastGood(tmp_path / "data")
    store.save(load_deck(FROZEN_DECK, today=TODAY), source_key="k1")
    snapshot = store.load()
    assert snapshot is not None
    body = snapshot.folder / "deck.json"
    body.write_bytes(body.read_bytes().replace(b"Sclerotherapy", b"Sclerotherapx", 1))
    assert store.load() is None  # the checksum no longer matches: not shown half-right


def test_a_power_cut_while_keeping_a_snapshot_leaves_the_old_one(tmp_path, monkeypatch):
    store = LastGood(tmp_path / "data")
    store.save(load_deck(FROZEN_DECK, today=TODAY), source_key="old")
    import kiosk.content.snapshot as snapshot_module

    def cut(*args, **kwargs):
        raise OSError(5, "Input/output error (the power went)")

    # The new snapshot is complete on disk, but the power goes before CURRENT is swapped.
    monkeypatch.setattr(snapshot_module.os, "replace", cut)
    assert store.save(load_deck(FROZEN_DECK, today=TODAY), source_key="new") is None
    monkeypatch.undo()
    kept = store.load()
    assert kept is not None and kept.source_key == "old"
    assert (store.root / CURRENT_FILE).read_text().strip() == kept.folder.name


# -- start-up -------------------------------------------------------------------------------------


def test_a_power_cut_during_a_sync_shows_the_last_good_deck_and_keeps_it(tmp_path):
    """Critical item 1: `current` points at a release whose deck.yaml a power cut truncated."""
    good = release(tmp_path, "v1")
    store = LastGood(tmp_path / "data")
    keep_as_last_good(store, good, watched=tmp_path / "current")
    broken = release(tmp_path, "v2", title="Version two")
    power_cut(broken)
    current = tmp_path / "current"
    point(current, broken)
    assert check_deck(current).deck is None  # what made `kiosk --deck current` exit 1

    start = start_deck(current, store, check=lambda folder: pytest.fail("validated before the first frame"))
    assert start is not None and start.origin == "last-good"
    assert start.deck.title.get("en") == GOOD_TITLE
    assert start.loaded == NOT_LOADED  # the folder changed since: the reloader checks it

    reloader = Reloader(
        current,
        lambda folder: check_deck(folder, today=TODAY),
        current=start.deck,
        executor=None,
        seen=start.seen,
        loaded=start.loaded,
        on_good=keeper(store, current),
    )
    report = reloader.poll(0.0)  # the first poll loads the folder...
    assert report is not None and report.deck is None  # ...refuses it...
    assert any("deck.yaml" in problem.file for problem in reloader.problems)
    assert reloader.poll(5.0) is None  # ...and does not try again until the folder changes
    snapshot = store.load()
    assert snapshot is not None and snapshot.deck.title.get("en") == GOOD_TITLE  # still the good one

    # The next sync brings a good v3: it shows, and becomes the last good deck.
    point(current, release(tmp_path, "v3", title="Version three"))
    reports = [reloader.poll(t) for t in (10.0, 20.0, 30.0)]
    adopted = [r.deck for r in reports if r is not None and r.deck is not None]
    assert adopted and adopted[0].title.get("en") == "Version three"
    kept = store.load()
    assert kept is not None and kept.deck.title.get("en") == "Version three"


def test_a_cache_that_matches_the_folder_is_shown_without_reading_the_folder(tmp_path):
    good = release(tmp_path, "v1")
    store = LastGood(tmp_path / "data")
    keep_as_last_good(store, good)
    start = start_deck(good, store, check=lambda folder: pytest.fail("the folder was read"))
    assert start is not None and start.origin == "last-good" and start.loaded == start.seen


def test_a_last_good_deck_of_another_folder_is_only_the_fallback(tmp_path):
    """A second deck tried on the same machine is read first; the kept one stands in if refused."""
    store = LastGood(tmp_path / "data")
    keep_as_last_good(store, release(tmp_path, "v1"))
    other = release(tmp_path, "other", title="Another deck")
    start = start_deck(other, store)
    assert start is not None and start.origin == "folder" and start.deck.title.get("en") == "Another deck"
    power_cut(other)
    start = start_deck(other, store)
    assert start is not None and start.origin == "last-good" and start.deck.title.get("en") == GOOD_TITLE
    assert start.notice and start.notice[0].file.endswith("deck.yaml")  # on the staff screen


def test_a_refused_deck_without_a_cache_shows_the_sample_deck_and_says_so_on_the_staff_screen(tmp_path):
    """Critical item 1, first boot: nothing kept yet. The sample deck plays; staff see why."""
    broken = release(tmp_path, "v2")
    power_cut(broken)
    current = tmp_path / "current"
    point(current, broken)
    start = start_deck(current, LastGood(tmp_path / "data"))
    assert start is not None and start.origin == "sample"
    assert start.deck.folder == SAMPLE_DECK_DIR
    notice = start.notice[0]
    assert "refused" in notice.message and "sample deck" in notice.message
    assert "deck.yaml" in notice.message  # the file to fix
    assert any(p.file.endswith("deck.yaml") for p in start.notice[1:])  # with its file:line:column

    pygame.display.init()
    pygame.font.init()
    display = pygame.display.set_mode((1280, 720))
    clocks = Clocks(MONDAY)
    reloader = Reloader(current, check_deck, current=start.deck, executor=None, seen=start.seen)
    reloader.problems = start.notice
    settings = Settings(admin_pin_hash=PIN_HASH, name="lobby-1")
    kiosk = Kiosk(start.deck, settings, display, clock=clocks.mono, wall_clock=clocks.wall, reloader=reloader)
    kiosk.tick()
    hold_corner(kiosk, clocks)
    enter_pin(kiosk, clocks, PIN)
    texts = " ".join(
        str(getattr(item, "text", ""))
        for item in kiosk.stage.layout_for(kiosk.state, kiosk.admin_info()).items
    )
    assert "refused" in texts and "sample" in texts


# -- the real kiosk -------------------------------------------------------------------------------


class Child:
    """`kiosk run` in a child process: its log lines as they come, and READY=1 from its notify socket."""

    def __init__(self, args: list[str], tmp_path: Path) -> None:
        path = str(tmp_path / "notify")
        self.server = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.server.bind(path)
        self.server.settimeout(90)  # bounds a failing run only
        self.lines: list[str] = []
        self.started = time.monotonic()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "kiosk", "run", "--windowed", "--size", "640x360", *args],
            env=child_env(NOTIFY_SOCKET=path),
            stderr=subprocess.PIPE,
            text=True,
        )
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.lines.append(line)

    def ready_s(self) -> float:
        """Seconds from the start until READY=1, which the kiosk sends once its first frame is up."""
        message = self.server.recv(64).decode()
        assert message == "READY=1"
        return time.monotonic() - self.started

    def wait_for(self, text: str, give_up_s: float = 60) -> None:
        end = time.monotonic() + give_up_s  # bounds a failing run only
        while not any(text in line for line in self.lines) and time.monotonic() < end:
            if self.process.poll() is not None:
                break
            time.sleep(0.05)

    def stop(self) -> tuple[int, str]:
        try:
            self.process.send_signal(signal.SIGTERM)
            code = self.process.wait(timeout=30)
            self.reader.join(timeout=10)
        finally:
            if self.process.poll() is None:
                self.process.kill()
            self.server.close()
        return code, "".join(self.lines)


def test_kiosk_run_on_a_broken_current_shows_the_last_good_deck(tmp_path):
    good = release(tmp_path, "v1")
    keep_as_last_good(LastGood(default_data_dir()), good, watched=tmp_path / "current")  # as the child
    broken = release(tmp_path, "v2", title="Version two")
    power_cut(broken)
    current = tmp_path / "current"
    point(current, broken)

    child = Child(["--deck", str(current)], tmp_path)
    first_frame_s = child.ready_s()
    child.wait_for("error(s); the last good deck keeps playing")  # the folder, checked in the background
    code, log = child.stop()
    print(f"\nkiosk run on a broken current with a last good deck: first frame after {first_frame_s:.2f} s")
    assert code == 0, log
    assert "showing the last good deck" in log and "(9 slides, last-good)" in log
    assert "deck.yaml:" in log  # the refused release's problem, with its file and line


def test_kiosk_run_on_a_broken_current_without_a_cache_plays_the_sample_deck(tmp_path):
    broken = release(tmp_path, "v2")
    power_cut(broken)
    current = tmp_path / "current"
    point(current, broken)
    child = Child(["--deck", str(current)], tmp_path)
    first_frame_s = child.ready_s()
    code, log = child.stop()
    print(f"\nkiosk run on a broken current, nothing kept: first frame after {first_frame_s:.2f} s")
    assert code == 0, log  # a clean stop, never the exit 1 that systemd restarted for ever
    assert "showing the bundled sample deck" in log and "sample) at" in log
    assert f"{broken}/deck.yaml:" in log  # file:line:column of the refusal


def test_sigterm_during_the_reload_of_a_heavy_deck_stops_the_kiosk_at_once(tmp_path):
    """Critical item 2: SIGTERM during a hot reload of a heavy deck took 25.7 s (systemd allows 10).
    The deck here is just under the size limit (7 files of 1 MB of comments: seconds to parse)."""
    from test_deck_bounds import heavy_deck

    current = tmp_path / "current"
    point(current, release(tmp_path, "v1"))
    heavy = heavy_deck(tmp_path, slides=7)
    child = Child(["--deck", str(current)], tmp_path)
    child.ready_s()
    point(current, heavy)
    child.wait_for(f"checking {heavy}")
    stopping = time.monotonic()
    code, log = child.stop()
    print(f"\nSIGTERM during the reload of a 7 MB deck: exited after {time.monotonic() - stopping:.2f} s")
    assert code == 0, log
    assert f"checking {heavy}" in log
    assert "reloaded" not in log and "error(s)" not in log  # the load was cut short, not finished
