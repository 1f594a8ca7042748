"""Reading a deck is bounded (issue 17, critical item 2): total bytes, folder entries and time, each
refused with a message naming the file and the fix; a stop request ends a read at the next file.
Time is an injected clock advanced by a slowed reader, never the wall clock."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest
from conftest import FROZEN_DECK, TODAY

import kiosk.content.loader as loader_module
from kiosk.cli import main
from kiosk.content.budget import ReadBudget, ReadLimits, ReadStopped, reading_budget
from kiosk.content.loader import check_deck
from kiosk.runtime.reload import DaemonExecutor, Reloader

MB = 1_000_000


def heavy_deck(root: Path, slides: int = 60, size: int = MB) -> Path:
    """`slides` valid slides of about `size` bytes each, almost all comments (what passed every
    check in 28 s and kept a Pi-like kiosk from its first frame for 108 s)."""
    folder = root / "heavy"
    shutil.copytree(FROZEN_DECK, folder)
    template = (folder / "what-is-it.yaml").read_text(encoding="utf-8")
    ids = [f"s{index:02d}" for index in range(slides)]
    comment = "# " + "x" * 76 + "\n"
    for slide_id in ids:
        text = template.replace("id: what-is-it", f"id: {slide_id}")
        padding = comment * max(0, (size - len(text.encode())) // len(comment))
        (folder / f"{slide_id}.yaml").write_text(padding + text, encoding="utf-8")
    deck_yaml = folder / "deck.yaml"
    head = deck_yaml.read_text(encoding="utf-8").split("slides:")[0]
    deck_yaml.write_text(head + "slides:\n" + "".join(f"  - {i}\n" for i in ids), encoding="utf-8")
    for old in ("what-is-it", "how-it-works", "who-and-where", "benefits", "the-session", "aftercare"):
        (folder / f"{old}.yaml").unlink()
    for old in ("side-effects", "right-for-you", "ask-us"):
        (folder / f"{old}.yaml").unlink()
    return folder


def slowed_reader(monkeypatch, clock: list[float], per_file_s: float, after=None) -> list[str]:
    """Every file read costs `per_file_s` on the fake clock (a CPU quota); `after(count)` runs after
    each read. Returns the names read."""
    real = loader_module.read_document
    read: list[str] = []

    def slow(path: Path, **kwargs):
        document = real(path, **kwargs)
        clock[0] += per_file_s
        read.append(path.name)
        if after is not None:
            after(len(read))
        return document

    monkeypatch.setattr(loader_module, "read_document", slow)
    return read


def test_sixty_megabytes_of_comments_are_refused_before_anything_is_parsed(tmp_path, monkeypatch):
    folder = heavy_deck(tmp_path)
    read = slowed_reader(monkeypatch, [0.0], 0.0)
    report = check_deck(folder, today=TODAY)
    assert report.deck is None
    assert read == []  # refused from the sizes alone: no 28 s of parsing
    (problem,) = report.errors
    assert Path(problem.file).parent == folder and Path(problem.file).suffix == ".yaml"  # names the file
    assert "add up to" in problem.message and "Remove long comments" in problem.message


def test_kiosk_validate_refuses_the_heavy_deck_too(tmp_path, capsys):
    """The sync checks a release with `kiosk validate`: it must not accept what the kiosk refuses."""
    folder = heavy_deck(tmp_path, slides=12)
    assert main(["validate", str(folder)]) == 1
    err = capsys.readouterr().err
    assert "s0" in err and ".yaml:1:1:" in err and "add up to" in err


def test_a_deck_too_slow_to_read_is_refused_naming_the_file_it_stopped_at(tmp_path, monkeypatch):
    """A CPU quota (a quarter of a core): every file takes 3 s on the injected clock."""
    folder = tmp_path / "deck"
    shutil.copytree(FROZEN_DECK, folder)
    clock = [0.0]
    read = slowed_reader(monkeypatch, clock, per_file_s=3.0)
    with reading_budget(ReadBudget(ReadLimits(max_read_s=20.0), clock=lambda: clock[0])):
        report = check_deck(folder, today=TODAY)
    assert report.deck is None
    slow = [p for p in report.errors if "took more than 20 s" in p.message]
    assert len(slow) == 1
    assert Path(slow[0].file).name == read[-1]  # the file being read when time ran out
    assert len(read) == 7  # 7 x 3 s > 20 s: not one file more
    assert "Make the slide files smaller" in slow[0].message


def test_a_stop_request_ends_a_read_within_one_second(tmp_path, monkeypatch):
    """SIGTERM during a hot reload of the heavy deck took 25.7 s. Each file of a deck is at most
    1 MiB (0.5 s to parse here); the stop is seen before the next one."""
    folder = tmp_path / "deck"
    shutil.copytree(FROZEN_DECK, folder)
    clock = [0.0]
    stop = threading.Event()
    stopped_at: list[float] = []

    def after(count: int) -> None:
        if count == 3:
            stop.set()
            stopped_at.append(clock[0])

    read = slowed_reader(monkeypatch, clock, per_file_s=0.5, after=after)
    with reading_budget(ReadBudget(clock=lambda: clock[0], stop=stop)), pytest.raises(ReadStopped):
        check_deck(folder, today=TODAY)
    assert len(read) == 3  # not one file read after the stop
    assert clock[0] - stopped_at[0] <= 1.0


def test_the_reloader_stops_a_load_in_its_worker_and_reports_no_problem(tmp_path, monkeypatch):
    folder = tmp_path / "deck"
    shutil.copytree(FROZEN_DECK, folder)
    executor = DaemonExecutor()
    reloader = Reloader(folder, lambda path: check_deck(path, today=TODAY), executor=executor, quiet_s=0.0)
    read = slowed_reader(monkeypatch, [0.0], 0.0, after=lambda count: count == 2 and reloader.stop())
    reloader.force()
    reloader.poll(0.0)  # scans, in the worker
    executor.shutdown(wait=True)  # the scan is done (the queue is run in order, then the thread ends)
    executor = reloader.executor = DaemonExecutor()
    assert reloader.poll(1.0) is None  # the scan's result: starts the load
    executor.shutdown(wait=True)
    assert reloader.poll(2.0) is None  # stopped: no new deck, and no problem blamed on the deck
    assert reloader.problems == () and len(read) == 2


def test_a_folder_with_thousands_of_entries_is_refused_with_the_fix(tmp_path):
    folder = tmp_path / "deck"
    shutil.copytree(FROZEN_DECK, folder)
    for index in range(5_001):
        (folder / f"stray-{index}.txt").touch()
    report = check_deck(folder, today=TODAY)
    assert report.deck is None
    (problem,) = report.errors
    assert problem.file == str(folder) and "more than 5,000 files and folders" in problem.message
