"""Anonymous on-device statistics: which topics patients look at, never who looked.

Rows say that a slide was shown (and for how long), a detail was opened, the language was
switched, or a visitor session (first touch to idle reset) lasted so long. Nothing about a person
is stored: no camera, no free text, no device identifier beyond the kiosk's own name.

Writes go through a queue to one writer thread that commits in batches, so the frame loop never
waits on the disk. The database is SQLite in WAL mode, which survives a power cut (at worst the
last batch is lost) and lets `kiosk stats` read while the kiosk writes. A file that is corrupt is
moved aside and a new one started.
"""

from __future__ import annotations

import datetime
import logging
import queue
import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

DB_NAME = "stats.sqlite3"
RETENTION_DAYS = 365
BATCH_EVERY_S = 2.0
QUEUE_MAX = 10_000
KINDS = ("impression", "open", "language", "session")

SCHEMA = """
CREATE TABLE IF NOT EXISTS events (
    at REAL NOT NULL,          -- unix time
    day TEXT NOT NULL,         -- local date, YYYY-MM-DD
    kind TEXT NOT NULL,        -- impression | open | language | session
    slide TEXT,
    detail TEXT,
    language TEXT,
    seconds REAL
);
CREATE INDEX IF NOT EXISTS events_day ON events(day, kind);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


@dataclass(frozen=True)
class Event:
    at: datetime.datetime
    kind: str
    slide: str | None = None
    detail: str | None = None
    language: str | None = None
    seconds: float | None = None


def default_data_dir() -> Path:
    try:
        import platformdirs

        return Path(platformdirs.user_data_dir("kiosk", appauthor=False))
    except ImportError:  # platformdirs is a dependency; this keeps a broken install running
        return Path.home() / ".local" / "share" / "kiosk"


def open_database(path: Path) -> sqlite3.Connection:
    """Open (or create) the database; a corrupt file is moved aside, never a crash."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        return _connect(path)
    except sqlite3.DatabaseError as exc:
        stamp = time.strftime("%Y%m%d-%H%M%S")
        aside = path.with_name(f"{path.name}.corrupt-{stamp}")
        log.error(
            "statistics database %s is unreadable (%s); moved it to %s and started a new one",
            path,
            exc,
            aside,
        )
        path.rename(aside)
        for suffix in ("-wal", "-shm"):
            side = path.with_name(path.name + suffix)
            if side.exists():
                side.rename(aside.with_name(aside.name + suffix))
        return _connect(path)


def _connect(path: Path) -> sqlite3.Connection:
    connection = sqlite3.connect(path, check_same_thread=False, timeout=5)
    try:
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=NORMAL")
        result = connection.execute("PRAGMA quick_check").fetchone()
        if not result or result[0] != "ok":
            raise sqlite3.DatabaseError(f"quick_check: {result[0] if result else 'no answer'}")
        connection.executescript(SCHEMA)
        connection.commit()
    except sqlite3.DatabaseError:
        connection.close()
        raise
    return connection


class StatsStore:
    """Records events without blocking the caller; `flush()` waits for them (tests, shutdown)."""

    def __init__(
        self,
        data_dir: Path,
        *,
        name: str = "kiosk",
        retention_days: int = RETENTION_DAYS,
        threaded: bool = True,
        now: Callable[[], datetime.datetime] = datetime.datetime.now,
    ) -> None:
        self.path = data_dir / DB_NAME
        self.retention_days = retention_days
        self.now = now
        self.dropped = 0
        self._queue: queue.Queue[Event | None] = queue.Queue(maxsize=QUEUE_MAX)
        self._connection = open_database(self.path)
        self._connection.execute("INSERT OR REPLACE INTO meta(key, value) VALUES ('name', ?)", (name,))
        self._connection.commit()
        self.prune()
        self._flush_requests: list[threading.Event] = []
        self._thread: threading.Thread | None = None
        if threaded:
            self._thread = threading.Thread(target=self._work, name="kiosk-stats", daemon=True)
            self._thread.start()

    def record(self, event: Event) -> None:
        try:
            self._queue.put_nowait(event)
        except queue.Full:  # the disk is stuck: losing a count beats stalling the screen
            self.dropped += 1

    def flush(self) -> None:
        if self._thread is None:
            self._write(self._drain())
            return
        done = threading.Event()
        self._flush_requests.append(done)
        self._queue.put(None)
        done.wait(timeout=10)

    def _drain(self) -> list[Event]:
        events: list[Event] = []
        while True:
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                return events
            if item is not None:
                events.append(item)

    def _work(self) -> None:
        last_prune = time.monotonic()
        while True:
            try:
                first = self._queue.get(timeout=BATCH_EVERY_S)
            except queue.Empty:
                first = None
            events = ([first] if first is not None else []) + self._drain()
            try:
                self._write(events)
                if time.monotonic() - last_prune > 3600:
                    last_prune = time.monotonic()
                    self.prune()
            except sqlite3.Error as exc:
                log.error("cannot write statistics (%s); %d events lost", exc, len(events))
            while self._flush_requests:
                self._flush_requests.pop().set()

    def _write(self, events: list[Event]) -> None:
        if not events:
            return
        rows = [
            (e.at.timestamp(), e.at.date().isoformat(), e.kind, e.slide, e.detail, e.language, e.seconds)
            for e in events
        ]
        with self._connection:
            self._connection.executemany(
                "INSERT INTO events(at, day, kind, slide, detail, language, seconds) VALUES (?, ?, ?, ?, ?, ?, ?)",
                rows,
            )

    def prune(self) -> int:
        cutoff = (self.now() - datetime.timedelta(days=self.retention_days)).date().isoformat()
        with self._connection:
            deleted = self._connection.execute("DELETE FROM events WHERE day < ?", (cutoff,)).rowcount
        return deleted

    def close(self) -> None:
        self.flush()
        self._connection.close()


@dataclass(frozen=True)
class TopicRow:
    slide: str
    detail: str | None
    impressions: int
    opens: int
    average_dwell_s: float | None


@dataclass(frozen=True)
class Summary:
    topics: tuple[TopicRow, ...]
    sessions_per_day: tuple[tuple[str, int, float], ...]  # (day, sessions, average seconds)
    language_switches: tuple[tuple[str, int], ...]


def summarize(path: Path, since: datetime.date | None = None) -> Summary:
    """Read the statistics (read-only, safe while the kiosk writes)."""
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)
    try:
        day = (since or datetime.date.min).isoformat()
        topics = []
        for slide, detail, impressions, opens, dwell in connection.execute(
            """SELECT slide, detail,
                      SUM(kind = 'impression'), SUM(kind = 'open'),
                      AVG(seconds)
               FROM events WHERE day >= ? AND kind IN ('impression', 'open')
               GROUP BY slide, detail ORDER BY slide, detail IS NOT NULL, detail""",
            (day,),
        ):
            topics.append(
                TopicRow(
                    slide,
                    detail,
                    int(impressions or 0),
                    int(opens or 0),
                    round(dwell, 1) if dwell is not None else None,
                )
            )
        sessions = tuple(
            (row[0], int(row[1]), round(row[2] or 0.0, 1))
            for row in connection.execute(
                "SELECT day, COUNT(*), AVG(seconds) FROM events WHERE day >= ? AND kind = 'session' GROUP BY day ORDER BY day",
                (day,),
            )
        )
        languages = tuple(
            (row[0], int(row[1]))
            for row in connection.execute(
                "SELECT language, COUNT(*) FROM events WHERE day >= ? AND kind = 'language' GROUP BY language ORDER BY language",
                (day,),
            )
        )
        return Summary(tuple(topics), sessions, languages)
    finally:
        connection.close()
