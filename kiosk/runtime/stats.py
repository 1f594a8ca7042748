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
from typing import Literal

from kiosk.core.program import Program, View
from kiosk.core.state import State

log = logging.getLogger(__name__)

DB_NAME = "stats.sqlite3"
RETENTION_DAYS = 365
BATCH_EVERY_S = 2.0
QUEUE_MAX = 10_000

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


# impression: a screen was shown (seconds: how long); open: a visitor opened a detail;
# language: a visitor switched language; session: first touch to idle reset (seconds).
EventKind = Literal["impression", "open", "language", "session"]


@dataclass(frozen=True)
class Event:
    at: datetime.datetime
    kind: EventKind
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
                "INSERT INTO events(at, day, kind, slide, detail, language, seconds)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
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


# What the statistics watch: the screen a visitor can see (None: dark or staff screens), the
# language, and whether a visitor is there.
Observation = tuple[View | None, str, bool]


def observation(state: State) -> Observation:
    visible = None if (state.dark or state.admin is not None) else state.view
    return visible, state.language, state.last_input_at is not None


def shown(view: View | None) -> tuple[int, str | None, int] | None:
    """What makes a screen a new impression: its slide or detail (and deck), not its language or
    text size, which a visitor toggles on the screen they are already reading."""
    return None if view is None else (view.slide, view.detail, view.version)


class StatsObserver:
    """Turns what changed on screen into anonymous counts (nothing about the person).

    `observe(state, now)` after every step: a screen that leaves records an impression (or an
    open, for a detail in touch mode) with how long it stayed; a visitor's first touch starts a
    session and the idle reset ends it; a visitor's language switch is counted on its own. An
    impression is a screen coming up: switching language or A+ on it is not a new one."""

    def __init__(
        self,
        store: StatsStore | None,
        *,
        wall_clock: Callable[[], datetime.datetime],
        program_for: Callable[[View], Program],
    ) -> None:
        self.store = store
        self.wall_clock = wall_clock
        self.program_for = program_for  # during a reload, a view may belong to the outgoing deck
        self._seen: Observation | None = None  # the first observation is the starting point
        self._view_since = 0.0
        self._session_since: float | None = None

    def observe(self, state: State, now: float) -> None:
        seen = observation(state)
        if self._seen is None:
            self._seen, self._view_since = seen, now
        if seen == self._seen:
            return
        (old_view, old_language, old_visitor), (new_view, new_language, new_visitor) = self._seen, seen
        if shown(old_view) != shown(new_view):
            if old_view is not None:
                self._record_view(old_view, now - self._view_since)
            self._view_since = now
        if new_visitor and not old_visitor:
            self._session_since = now
        elif old_visitor and not new_visitor and self._session_since is not None:
            self._record(Event(self.wall_clock(), "session", seconds=round(now - self._session_since, 1)))
            self._session_since = None
        if new_language != old_language and new_visitor:
            self._record(Event(self.wall_clock(), "language", language=new_language))
        self._seen = seen

    def _record_view(self, view: View, seconds: float) -> None:
        program = self.program_for(view)
        if view.slide >= len(program.deck.slides):
            return
        slide = program.deck.slides[view.slide].id
        kind: EventKind = "open" if view.detail is not None and program.touch else "impression"
        self._record(Event(self.wall_clock(), kind, slide, view.detail, view.language, round(seconds, 1)))

    def _record(self, event: Event) -> None:
        if self.store is not None:
            self.store.record(event)


def today_summary(store: StatsStore, today: datetime.date) -> str:
    """One line for the staff screen: today's screens, opens and visitor sessions."""
    store.flush()
    summary = summarize(store.path, today)
    shown = sum(t.impressions for t in summary.topics)
    opened = sum(t.opens for t in summary.topics)
    visitors = sum(n for _, n, _ in summary.sessions_per_day)
    return f"{shown} screens shown, {opened} topics opened, {visitors} visitor sessions"


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
                "SELECT day, COUNT(*), AVG(seconds) FROM events"
                " WHERE day >= ? AND kind = 'session' GROUP BY day ORDER BY day",
                (day,),
            )
        )
        languages = tuple(
            (row[0], int(row[1]))
            for row in connection.execute(
                "SELECT language, COUNT(*) FROM events"
                " WHERE day >= ? AND kind = 'language' GROUP BY language ORDER BY language",
                (day,),
            )
        )
        return Summary(tuple(topics), sessions, languages)
    finally:
        connection.close()
