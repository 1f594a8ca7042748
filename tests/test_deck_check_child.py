"""The reload worker's deck check runs in a child process (kiosk.runtime.checker), and a kiosk
started from its last good deck never imports pydantic, PyYAML or pyphen.

The child answers as the in-process check does (the same deck, the same problems), keeps a deck
that passes as the last good one under the fingerprint the parent took before reading, is killed
within a second of a stop request, and its answer is bounded.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from kiosk.content.budget import ReadStopped
from kiosk.content.loader import load_deck
from kiosk.content.snapshot import LastGood
from kiosk.render.painter import Fonts
from kiosk.resources import ASSETS_DIR, SAMPLE_DECK_DIR
from kiosk.runtime import checker
from kiosk.runtime.checker import CheckFailed, Keep, check_in_child
from kiosk.runtime.reload import Reloader, child_check, content_loader, fingerprint
from kiosk.runtime.startup import watched_name
from kiosk.runtime.stats import DB_NAME

TODAY = "2026-11-24"
HEAVY = ("pydantic", "pydantic_core", "yaml", "pyphen")


@pytest.fixture
def deck(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("KIOSK_TODAY", TODAY)  # the child inherits it: review dates as on one day
    folder = tmp_path / "deck"
    shutil.copytree(SAMPLE_DECK_DIR, folder)
    return folder


def test_the_child_answers_as_the_in_process_check_and_keeps_the_deck(deck, tmp_path):
    state = fingerprint(deck)
    keep = Keep(
        data_dir=str(tmp_path / "data"), source_key=state.key(), source_folder=state.folder, watched="w"
    )
    answer = check_in_child(deck, assets=ASSETS_DIR, keep=keep)
    expected = content_loader(ASSETS_DIR, fonts=Fonts())(deck)
    assert expected.deck is not None and answer.deck == expected.deck
    assert answer.problems == expected.problems and answer.warnings  # review warnings, at least
    kept = LastGood(tmp_path / "data").load()
    assert kept is not None and kept.deck.title == expected.deck.title
    assert [s.summary for s in kept.deck.slides] == [s.summary for s in expected.deck.slides]
    assert all(p.is_relative_to(kept.folder) for p in (s.image.path for s in kept.deck.slides if s.image))
    assert (kept.source_key, kept.source_folder, kept.watched) == (state.key(), state.folder, "w")


def test_a_refused_deck_comes_back_with_its_located_problems_and_is_not_kept(deck, tmp_path):
    (deck / "deck.yaml").write_text('title: "Guide\nlanguages: [en]\n', encoding="utf-8")
    state = fingerprint(deck)
    keep = Keep(data_dir=str(tmp_path / "data"), source_key=state.key(), source_folder="", watched="")
    answer = check_in_child(deck, assets=ASSETS_DIR, keep=keep)
    expected = content_loader(ASSETS_DIR, fonts=Fonts())(deck)
    assert answer.deck is None and expected.deck is None
    assert [p.format() for p in answer.errors] == [p.format() for p in expected.errors]
    assert answer.errors[0].file == str(deck / "deck.yaml") and answer.errors[0].line == 1
    assert LastGood(tmp_path / "data").load() is None


def test_a_stop_request_kills_the_child_within_a_second(deck, monkeypatch):
    started: list[subprocess.Popen] = []
    real_popen = subprocess.Popen

    def popen(*args, **kwargs):
        child = real_popen(*args, **kwargs)
        started.append(child)
        return child

    monkeypatch.setattr(checker.subprocess, "Popen", popen)
    stop = threading.Event()
    threading.Timer(0.2, stop.set).start()  # the child is still importing the checks
    began = time.monotonic()
    with pytest.raises(ReadStopped):
        check_in_child(deck, assets=ASSETS_DIR, stop=stop)
    assert time.monotonic() - began < 1.2  # 0.2 s before the stop, then one 0.1 s poll and the kill
    assert started and started[0].returncode == -signal.SIGKILL


def test_the_kiosk_kills_a_check_still_running_as_it_exits(deck):
    """Its reload worker is a daemon thread: the exit path kills the child itself."""
    failures: list[BaseException] = []

    def work() -> None:
        try:
            check_in_child(deck, assets=ASSETS_DIR)
        except BaseException as exc:  # noqa: BLE001 - handed to the test
            failures.append(exc)

    worker = threading.Thread(target=work)
    worker.start()
    deadline = time.monotonic() + 5
    while not checker._RUNNING and time.monotonic() < deadline:
        time.sleep(0.01)
    assert checker.kill_children() == 1
    worker.join(2)
    assert not worker.is_alive() and not checker._RUNNING
    assert len(failures) == 1 and isinstance(failures[0], CheckFailed)


def test_an_answer_larger_than_the_bound_is_refused(deck, monkeypatch):
    monkeypatch.setattr(checker, "MAX_ANSWER_BYTES", 1000)
    with pytest.raises(CheckFailed, match="larger than 1,000 bytes"):
        check_in_child(deck, assets=ASSETS_DIR)


def test_a_child_that_crashes_is_a_failed_check_not_a_deck(deck, monkeypatch):
    monkeypatch.setattr(checker.sys, "executable", "/bin/false")
    with pytest.raises(CheckFailed, match="exited with status 1"):
        check_in_child(deck, assets=ASSETS_DIR)


def test_the_reloader_adopts_a_changed_deck_through_the_child_with_the_fingerprint_before_reading(
    deck, tmp_path
):
    data = tmp_path / "data"
    reloader = Reloader(
        deck,
        check=child_check(ASSETS_DIR, data_dir=data, watched=watched_name(deck)),
        current=load_deck(deck),
        executor=None,
        quiet_s=0.0,
        poll_s=0.0,
    )
    slide = deck / "what-is-it.yaml"
    text = slide.read_text(encoding="utf-8")
    assert "  en: What is" in text
    slide.write_text(text.replace("  en: What is", "  en: Now, what is", 1), encoding="utf-8")
    before = fingerprint(deck)
    assert reloader.poll(1.0) is None  # the change is seen
    report = reloader.poll(2.0)  # and loaded in the child
    assert report is not None and report.deck is not None
    assert report.deck.slides[0].title.get("en").startswith("Now, what is")
    kept = LastGood(data).load()
    assert kept is not None and kept.source_key == before.key() and kept.watched == watched_name(deck)


DRIVER = """
import json, os, signal, sys
from kiosk.runtime import watchdog

def dump(name):
    with open(os.path.join(os.environ["MODULES_DIR"], name), "w") as out:
        json.dump(sorted(sys.modules), out)

ready = watchdog.Notifier.ready
def first_frame(self):
    ready(self)
    dump("first-frame.json")
    with open(os.path.join(os.environ["MODULES_DIR"], "data-at-first-frame.json"), "w") as out:
        json.dump(sorted(os.listdir(os.environ["DATA_DIR"])), out)
watchdog.Notifier.ready = first_frame

stopping = watchdog.Notifier.stopping
def at_exit(self):
    dump("exit.json")
    stopping(self)
watchdog.Notifier.stopping = at_exit

from kiosk.cli import main
sys.exit(main(sys.argv[1:]))
"""


def test_kiosk_run_from_a_last_good_deck_never_imports_the_checks(deck, tmp_path):
    """Not before the first frame, and not after the reload worker has checked the changed folder."""
    data = tmp_path / "data"
    state = fingerprint(deck)
    kept = LastGood(data).save(
        load_deck(deck), source_key=state.key(), source_folder=state.folder, watched=watched_name(deck)
    )
    assert kept is not None
    # The folder changes after the deck was kept: the worker checks it at its first poll.
    (deck / "deck.yaml").write_text(
        (deck / "deck.yaml").read_text(encoding="utf-8") + "# edited\n", encoding="utf-8"
    )
    modules = tmp_path / "modules"
    modules.mkdir()
    env = dict(
        os.environ,
        SDL_VIDEODRIVER="dummy",
        KIOSK_SETTINGS_FILE=str(tmp_path / "no-settings.yaml"),
        MODULES_DIR=str(modules),
        DATA_DIR=str(data),
    )
    log = tmp_path / "kiosk.log"
    with log.open("wb") as out:
        kiosk = subprocess.Popen(
            [sys.executable, "-c", DRIVER, "run", "--deck", str(deck), "--data-dir", str(data)]
            + ["--size", "640x360"],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 60
        while b"reloaded" not in log.read_bytes():
            assert kiosk.poll() is None and time.monotonic() < deadline, log.read_text(errors="replace")
            time.sleep(0.05)
        kiosk.send_signal(signal.SIGTERM)
        assert kiosk.wait(10) == 0
    finally:
        if kiosk.poll() is None:
            kiosk.kill()
    text = log.read_text(errors="replace")
    assert "(9 slides, last-good)" in text and "checking" in text
    for moment in ("first-frame.json", "exit.json"):
        loaded = set(json.loads((modules / moment).read_text()))
        assert "kiosk.runtime.app" in loaded
        assert [name for name in loaded if name.split(".")[0] in HEAVY] == [], moment
    # The statistics database was opened after the first frame.
    assert DB_NAME not in json.loads((modules / "data-at-first-frame.json").read_text())
    assert (data / DB_NAME).is_file()
    # The checked folder was kept by the child under the folder's new state.
    kept_now = LastGood(data).load()
    assert kept_now is not None and kept_now.source_key == fingerprint(deck).key()
