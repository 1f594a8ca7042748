"""Statistics under system faults (issue 17): a full disk, an I/O error or a read-only folder at
open or while running, a wall clock a year off, and `kiosk stats` on files that are empty,
missing or unreadable. Faults are injected by replacing the function that opens the database, or
by wrapping the connection it returns (tests run as root, so chmod cannot make a folder read-only).
"""

from __future__ import annotations

import datetime
import logging
import sqlite3
import threading
from pathlib import Path

import pytest

from kiosk.cli import main
from kiosk.runtime import stats
from kiosk.runtime.stats import DB_NAME, Event, StatsStore

MONDAY = datetime.datetime(2026, 11, 23, 9, 0)
FULL = "database or disk is full"


def rows(folder: Path) -> int:
    connection = sqlite3.connect(folder / DB_NAME)
    try:
        return connection.execute("SELECT COUNT(*) FROM events").fetchone()[0]
    finally:
        connection.close()


def fill(folder: Path, count: int, start: datetime.datetime = MONDAY) -> None:
    """`count` impressions, one every 10 minutes from `start`, written by a healthy store."""
    store = StatsStore(folder, threaded=False, now=lambda: start, retention_days=100_000)
    for i in range(count):
        store.record(Event(start + datetime.timedelta(minutes=10 * i), "impression", "s", None, "en", 5.0))
    store.close()


class Disk:
    """Stands between the store and SQLite: while `error` is set, opening and writing fail with it."""

    def __init__(self) -> None:
        self.error: str | None = None
        self.real = stats._connect

    def connect(self, path: Path) -> Wrapped:
        if self.error:
            raise sqlite3.OperationalError(self.error)
        return Wrapped(self.real(path), self)


class Wrapped:
    def __init__(self, connection: sqlite3.Connection, disk: Disk) -> None:
        self.connection, self.disk = connection, disk

    def execute(self, *args: object) -> sqlite3.Cursor:
        return self.connection.execute(*args)  # type: ignore[arg-type]

    def executemany(self, *args: object) -> sqlite3.Cursor:
        if self.disk.error:
            raise sqlite3.OperationalError(self.disk.error)
        return self.connection.executemany(*args)  # type: ignore[arg-type]

    def close(self) -> None:
        self.connection.close()

    def __enter__(self) -> Wrapped:
        self.connection.__enter__()
        return self

    def __exit__(self, *exc: object) -> bool:
        return bool(self.connection.__exit__(*exc))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "error", [FULL, "disk I/O error", "attempt to write a readonly database", "unable to open database file"]
)
def test_a_disk_error_at_open_keeps_the_database(tmp_path, monkeypatch, caplog, error):
    fill(tmp_path, 139)
    monkeypatch.setattr(
        stats, "_connect", lambda path: (_ for _ in ()).throw(sqlite3.OperationalError(error))
    )
    for _restart in range(3):  # the kiosk restarted while the disk stays full
        store = StatsStore(tmp_path, threaded=False, now=lambda: MONDAY)
        store.record(Event(MONDAY, "impression", "s", None, "en", 1.0))
        store.close()
    assert list(tmp_path.glob(f"{DB_NAME}.corrupt-*")) == []
    assert rows(tmp_path) == 139
    assert "moved it to" not in caplog.text


def test_only_a_file_sqlite_finds_damaged_is_moved_aside(tmp_path):
    fill(tmp_path, 5)
    assert not stats.is_corrupt(tmp_path / DB_NAME)
    (tmp_path / "empty.sqlite3").write_bytes(b"")
    assert not stats.is_corrupt(tmp_path / "empty.sqlite3")
    damaged = tmp_path / "damaged.sqlite3"
    damaged.write_bytes(b"SQLite format 3\0" + b"\xff" * 4000)
    assert stats.is_corrupt(damaged)


def test_a_full_disk_while_running_counts_in_memory_logs_once_and_catches_up(tmp_path, monkeypatch, caplog):
    disk = Disk()
    monkeypatch.setattr(stats, "_connect", disk.connect)
    store = StatsStore(tmp_path, threaded=False, now=lambda: MONDAY, retry_s=0)
    for i in range(10):
        store.record(Event(MONDAY, "impression", f"s{i}", None, "en", 1.0))
    store.flush()
    assert rows(tmp_path) == 10

    caplog.clear()
    disk.error = FULL
    for _batch in range(68):  # 68 batches: about two minutes of a busy kiosk
        store.record(Event(MONDAY, "impression", "s", None, "en", 1.0))
        store.flush()
    problems = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(problems) == 1, [r.getMessage() for r in problems]
    assert FULL in problems[0].getMessage() and "counting in memory" in problems[0].getMessage()
    assert store.pending == 68 and rows(tmp_path) == 10

    caplog.clear()
    disk.error = None
    store.record(Event(MONDAY, "impression", "s", None, "en", 1.0))
    store.flush()
    assert rows(tmp_path) == 10 + 68 + 1 and store.pending == 0
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == [
        "statistics: writing again; 69 events counted in memory are saved"
    ]
    assert list(tmp_path.glob(f"{DB_NAME}.corrupt-*")) == []
    store.close()


@pytest.mark.parametrize("error", [FULL, "disk I/O error", "attempt to write a readonly database"])
def test_the_kiosk_starts_counting_with_a_refusing_disk_and_writes_once_it_takes_writes(
    tmp_path, monkeypatch, error
):
    fill(tmp_path, 20)
    disk = Disk()
    disk.error = error
    monkeypatch.setattr(stats, "_connect", disk.connect)
    store = StatsStore(tmp_path, threaded=False, now=lambda: MONDAY, retry_s=0)  # no exception
    for _ in range(5):
        store.record(Event(MONDAY, "open", "s", "d", "en", 3.0))
        store.flush()
    assert store.pending == 5 and rows(tmp_path) == 20
    disk.error = None
    store.flush()
    assert store.pending == 0 and rows(tmp_path) == 25
    store.close()


def test_a_clock_a_year_ahead_deletes_nothing_even_after_a_restart(tmp_path, caplog):
    fill(tmp_path, 2485)  # 17 days of rows from MONDAY
    ahead = MONDAY + datetime.timedelta(days=400)
    store = StatsStore(tmp_path, threaded=False, now=lambda: ahead)
    store.record(Event(ahead, "impression", "s", None, "en", 1.0))  # rows at the wrong time, too
    store.flush()
    assert store.prune() == 0
    store.close()
    assert rows(tmp_path) == 2486
    assert "no clean-up while the clock looks wrong" in caplog.text
    # Restarted with the clock still wrong: its own rows must not make it look right.
    again = StatsStore(tmp_path, threaded=False, now=lambda: ahead + datetime.timedelta(hours=2))
    assert again.prune() == 0
    again.close()
    assert rows(tmp_path) == 2486


def test_a_clock_behind_the_newest_row_deletes_nothing(tmp_path):
    fill(tmp_path, 50, start=MONDAY - datetime.timedelta(days=500))
    fill(tmp_path, 50, start=MONDAY)
    behind = MONDAY - datetime.timedelta(days=100)  # a Pi without its RTC, months behind
    store = StatsStore(tmp_path, threaded=False, now=lambda: behind)
    assert store.prune() == 0
    store.close()
    assert rows(tmp_path) == 100


def test_a_right_clock_still_cleans_up(tmp_path):
    fill(tmp_path, 100, start=MONDAY)  # 100 rows over 17 hours
    later = MONDAY + datetime.timedelta(days=40)
    store = StatsStore(tmp_path, threaded=False, retention_days=30, now=lambda: later)
    store.close()
    assert rows(tmp_path) == 0


def _stats_answer(capsys, folder: Path) -> tuple[int, list[str]]:
    code = main(["stats", "--data-dir", str(folder)])
    captured = capsys.readouterr()
    return code, (captured.out + captured.err).splitlines()


def test_kiosk_stats_answers_in_one_line_for_empty_missing_and_unreadable_files(tmp_path, capsys):
    code, lines = _stats_answer(capsys, tmp_path)  # missing
    assert code == 1 and len(lines) == 1 and "no statistics yet" in lines[0]

    (tmp_path / DB_NAME).write_bytes(b"")  # the 0-byte file a full disk leaves
    code, lines = _stats_answer(capsys, tmp_path)
    assert code == 0 and lines == [f"kiosk: no statistics recorded in {tmp_path / DB_NAME}"]

    (tmp_path / DB_NAME).write_bytes(b"not a database at all " * 50)
    code, lines = _stats_answer(capsys, tmp_path)
    assert code == 1 and len(lines) == 1
    assert lines[0].startswith("kiosk: cannot read the statistics in") and "not a database" in lines[0]


def test_kiosk_stats_reads_a_database_in_a_read_only_folder(tmp_path, capsys, monkeypatch):
    fill(tmp_path, 3)
    real = sqlite3.connect

    def read_only_folder(target: str, *args: object, **kwargs: object) -> sqlite3.Connection:
        if "mode=ro" in str(target):  # what SQLite answers when it cannot create the -shm file
            raise sqlite3.OperationalError("unable to open database file")
        return real(target, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(stats.sqlite3, "connect", read_only_folder)
    code, lines = _stats_answer(capsys, tmp_path)
    assert code == 0
    assert any(line.split()[:4] == ["s", "3", "0", "5.0"] for line in lines), lines


def test_flush_waits_for_events_recorded_while_an_earlier_batch_was_being_written(tmp_path, monkeypatch):
    store = StatsStore(tmp_path)
    real_write = store._write
    first_writing, first_go = threading.Event(), threading.Event()
    second_writing, second_go = threading.Event(), threading.Event()

    def gated_write(events: list[Event]) -> None:
        if not events:
            return
        if not first_writing.is_set():
            first_writing.set()
            assert first_go.wait(30)
        else:
            second_writing.set()
            assert second_go.wait(30)
        real_write(events)

    monkeypatch.setattr(store, "_write", gated_write)
    flushed = threading.Event()
    try:
        store.record(Event(MONDAY, "impression", "a", None, "en", 1.0))
        assert first_writing.wait(30)
        store.record(Event(MONDAY, "impression", "b", None, "en", 1.0))  # after the batch was taken
        flusher = threading.Thread(target=lambda: (store.flush(), flushed.set()))
        flusher.start()
        first_go.set()
        assert second_writing.wait(30)
        # "b" is not written yet, so flush() must still be waiting.
        assert not flushed.wait(1.0), "flush() returned before the event recorded before it was written"
    finally:
        first_go.set()
        second_go.set()
    assert flushed.wait(30)
    assert rows(tmp_path) == 2
    store.close()
