"""Reload races (issue 17, items 5 and 8), with hooks instead of sleeps: `current` swapped during a
load, an edit during a load, and a deck folder with tens of thousands of empty folders."""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest
from conftest import FROZEN_DECK, TODAY

import kiosk.content.loader as loader_module
from kiosk.content.loader import check_deck
from kiosk.runtime import reload as reload_module
from kiosk.runtime.reload import MAX_ENTRIES, DaemonExecutor, Reloader, fingerprint

GOOD_TITLE = "Sclerotherapy · patient guide"


def release(root: Path, name: str) -> Path:
    """A copy of the frozen deck whose every English title and summary starts with `name`."""
    folder = root / "releases" / name
    shutil.copytree(FROZEN_DECK, folder)
    for path in folder.glob("*.yaml"):
        text = path.read_text(encoding="utf-8")
        text = text.replace("\n  en: ", f"\n  en: {name} ").replace("\n    en: ", f"\n    en: {name} ")
        path.write_text(text, encoding="utf-8")
    return folder


def point(current: Path, target: Path) -> None:
    temporary = current.with_name(".current.tmp")
    temporary.unlink(missing_ok=True)
    temporary.symlink_to(target)
    os.replace(temporary, current)


def after_reading(monkeypatch, name: str, action) -> list[str]:
    """Run `action` once, right after the loader has read the file called `name`; returns the
    names of the files read, in order."""
    real = loader_module.read_document
    read: list[str] = []

    def hooked(path: Path, **kwargs):
        document = real(path, **kwargs)
        read.append(path.name)
        if path.name == name and read.count(name) == 1:
            action()
        return document

    monkeypatch.setattr(loader_module, "read_document", hooked)
    return read


def load(folder: Path):
    return check_deck(folder, today=TODAY)


def test_a_swap_of_current_during_a_load_never_mixes_two_releases(tmp_path, monkeypatch):
    """Item 5: the good release's deck.yaml with a slide of the other one (34 of 1,089 loads)."""
    first, second = release(tmp_path, "one"), release(tmp_path, "two")
    current = tmp_path / "current"
    point(current, first)
    reloader = Reloader(current, load, executor=None, quiet_s=0.0, poll_s=0.0)
    read = after_reading(monkeypatch, "deck.yaml", lambda: point(current, second))
    reloader.force()
    report = reloader.poll(1.0)
    assert read[0] == "deck.yaml" and len(read) > 5  # the swap came before any slide was read
    assert report is not None and report.deck is not None
    shown = [slide.title.get("en") for slide in report.deck.slides]
    assert report.deck.title.get("en").startswith("one ")
    assert all(title.startswith("one ") for title in shown), shown  # not one slide of `two`
    assert all(Path(slide.source).parent == first for slide in report.deck.slides)
    # The swap is a change like any other: the next polls load `two`, whole.
    reports = [reloader.poll(t) for t in (2.0, 3.0, 4.0)]
    loaded = [r.deck for r in reports if r is not None and r.deck is not None]
    assert loaded and all(s.title.get("en").startswith("two ") for s in loaded[0].slides)


def test_an_edit_during_a_load_is_seen_at_the_next_check(tmp_path, monkeypatch):
    """Item 5: the folder's state was recorded after loading, so an edit made meanwhile was never
    shown. It is now recorded before reading."""
    folder = tmp_path / "deck"
    shutil.copytree(FROZEN_DECK, folder)
    reloader = Reloader(folder, load, executor=None, quiet_s=0.0, poll_s=0.0)
    deck_yaml = folder / "deck.yaml"

    def edit() -> None:
        text = deck_yaml.read_text(encoding="utf-8")
        deck_yaml.write_text(text.replace(GOOD_TITLE, "Edited while loading"), encoding="utf-8")

    after_reading(monkeypatch, "deck.yaml", edit)
    reloader.force()
    report = reloader.poll(1.0)
    assert report is not None and report.deck is not None
    assert report.deck.title.get("en") == GOOD_TITLE  # read before the edit
    reports = [reloader.poll(t) for t in (2.0, 3.0, 4.0)]
    loaded = [r.deck for r in reports if r is not None and r.deck is not None]
    assert loaded and loaded[-1].title.get("en") == "Edited while loading"


def make_folders(folder: Path, count: int) -> None:
    junk = folder / "junk"
    junk.mkdir()
    for index in range(count):
        os.mkdir(junk / f"{index:06d}")


def _folders_do_not_stall_the_frame_loop(tmp_path, monkeypatch, count: int) -> None:
    """Item 8: every scan listed every folder, on the drawing thread (about 1 s per scan)."""
    folder = tmp_path / "deck"
    shutil.copytree(FROZEN_DECK, folder)
    make_folders(folder, count)
    listed: list[str] = []
    real_scandir = os.scandir

    def counting(path=".", *args):
        listed.append(str(path))
        return real_scandir(path, *args)

    monkeypatch.setattr(os, "scandir", counting)  # os.walk lists folders through os.scandir too
    state = fingerprint(folder)
    assert len(listed) <= MAX_ENTRIES  # bounded, whatever the folder holds
    assert len(state.files) <= MAX_ENTRIES
    assert any(path.endswith(os.sep) for path, _, _ in state.files)  # folders count as entries
    monkeypatch.setattr(os, "scandir", real_scandir)

    # The frame loop's poll never scans: the worker does.
    scanned_on: list[threading.Thread] = []
    done = threading.Event()

    def scan(path: Path, extra: tuple[Path, ...]):
        scanned_on.append(threading.current_thread())
        try:
            return fingerprint(path, extra)
        finally:
            done.set()

    executor = DaemonExecutor()
    try:
        reloader = Reloader(folder, load, executor=executor, scan=scan, seen=state)
        scanned_on.clear()  # (none: the start-up scan was handed in)
        assert reloader.poll(0.0) is None
        assert done.wait(30)  # bounds a failing run only
        reloader.poll(1.0)
    finally:
        executor.shutdown(wait=True)
    assert scanned_on and threading.main_thread() not in scanned_on


def test_a_new_empty_folder_is_a_change(tmp_path):
    folder = tmp_path / "deck"
    shutil.copytree(FROZEN_DECK, folder)
    before = fingerprint(folder)
    (folder / "new").mkdir()
    assert fingerprint(folder) != before


def test_twenty_thousand_folders_are_scanned_off_the_frame_loop_and_bounded(tmp_path, monkeypatch):
    _folders_do_not_stall_the_frame_loop(tmp_path, monkeypatch, 20_000)


@pytest.mark.long
def test_a_hundred_thousand_folders_are_scanned_off_the_frame_loop_and_bounded(tmp_path, monkeypatch):
    _folders_do_not_stall_the_frame_loop(tmp_path, monkeypatch, 100_000)


def test_the_reload_worker_never_holds_the_process_up_at_exit():
    """SIGTERM during a slow load took 25.7 s: ThreadPoolExecutor's threads are joined at exit."""
    executor = DaemonExecutor()
    try:
        assert executor._thread.daemon
    finally:
        executor.shutdown(wait=True)
    assert reload_module.DaemonExecutor is DaemonExecutor
