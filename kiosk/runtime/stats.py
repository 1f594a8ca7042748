"""Anonymous on-device statistics: which topics patients look at, never who looked.

Rows say that a slide was shown (and for how long), a detail was opened, the language was
switched, or a visitor session (first touch to idle reset) lasted so long. Nothing about a person
is stored: no camera, no free text, no device identifier beyond the kiosk's own name.

Writes go through a queue to one writer thread that commits in batches, so the frame loop never
waits on the disk. The database is SQLite in WAL mode, which survives a power cut (at worst the
last batch is lost) and lets `kiosk stats` read while the kiosk writes.

Faults lose nothing they need not (issue 17). A file is moved aside only when SQLite's own
`quick_check` finds it damaged; a full disk, an I/O error or a read-only folder leave it alone. While
writes fail, events are counted in memory (one log line), and written when the disk takes them again
(one more). The yearly clean-up deletes nothing while the wall clock is clearly wrong.
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
RETRY_S = 30.0  # how often a store that cannot write tries the disk again
MAX_PENDING = 200_000  # events held in memory while the disk refuses them (some tens of MB at most)
YEAR_S = 365 * 86_400.0
# A clock found more than a year past the last clean-up is trusted once it has been steady that
# long: a kiosk really switched off for a year cleans up a month after it comes back.
STEADY_S = 30 * 86_400.0

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


Connect = Callable[[Path], sqlite3.Connection]


def _says_corrupt(exc: sqlite3.Error) -> bool:
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB)
    return any(word in str(exc).lower() for word in ("not a database", "malformed", "quick_check"))


def is_corrupt(path: Path) -> bool:
    """Whether SQLite itself finds the file damaged. A disk that is full, failing or read-only is no
    reason: the rows in the file are good and must be kept."""
    try:
        if path.stat().st_size == 0:
            return False  # an empty file is an empty database
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)
    except (OSError, sqlite3.Error):
        return False
    try:
        row = connection.execute("PRAGMA quick_check").fetchone()
    except sqlite3.Error as exc:
        return _says_corrupt(exc)
    finally:
        connection.close()
    return not row or row[0] != "ok"


def open_database(path: Path, connect: Connect | None = None) -> sqlite3.Connection:
    """Open (or create) the database; a corrupt file is moved aside. Any other error (disk full,
    I/O error, read-only folder) is raised, and the file stays where it is."""
    connect = connect or _connect
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        return connect(path)
    except sqlite3.DatabaseError as exc:
        if not is_corrupt(path):
            raise
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
        return connect(path)


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
    """Records events without blocking the caller; `flush()` waits for them (tests, shutdown).

    Never raises for a disk that cannot be written: the events wait in memory (up to MAX_PENDING)
    and the store tries again every `retry_s`. `connect` opens the database (fault injection)."""

    def __init__(
        self,
        data_dir: Path,
        *,
        name: str = "kiosk",
        retention_days: int = RETENTION_DAYS,
        threaded: bool = True,
        now: Callable[[], datetime.datetime] = datetime.datetime.now,
        connect: Connect | None = None,
        retry_s: float = RETRY_S,
    ) -> None:
        self.path = data_dir / DB_NAME
        self.name = name
        self.retention_days = retention_days
        self.now = now
        self.retry_s = retry_s
        self.dropped = 0
        self._connect = connect or _connect
        self._connection: sqlite3.Connection | None = None
        self._retry_at = 0.0
        self._pending: list[Event] = []  # counted, not yet written (the disk refused them)
        self._failing = False  # one log line when writing stops working, one when it works again
        self._clock_warned = False
        self._lock = threading.Lock()  # the writer thread and close() share the connection
        self._queue: queue.Queue[Event | threading.Event] = queue.Queue(maxsize=QUEUE_MAX)
        with self._lock:
            self.prune()
        self._thread: threading.Thread | None = None
        if threaded:
            self._thread = threading.Thread(target=self._work, name="kiosk-stats", daemon=True)
            self._thread.start()

    @property
    def pending(self) -> int:
        """Events counted in memory because the disk refused them."""
        return len(self._pending)

    def record(self, event: Event) -> None:
        try:
            self._queue.put_nowait(event)
        except queue.Full:  # the disk is stuck: losing a count beats stalling the screen
            self.dropped += 1

    def flush(self) -> None:
        """Write (or try to write) every event recorded before this call."""
        if self._thread is None:
            events, _ = self._drain()
            with self._lock:
                self._save(events)
            return
        # The marker travels through the queue behind the events recorded before it, so it is
        # answered only once the batch holding them has been written.
        done = threading.Event()
        self._queue.put(done)
        done.wait(timeout=10)

    def _drain(self) -> tuple[list[Event], list[threading.Event]]:
        events: list[Event] = []
        markers: list[threading.Event] = []
        while True:
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                return events, markers
            if isinstance(item, threading.Event):
                markers.append(item)
            else:
                events.append(item)

    def _work(self) -> None:
        last_prune = time.monotonic()
        while True:
            try:
                first: Event | threading.Event | None = self._queue.get(timeout=BATCH_EVERY_S)
            except queue.Empty:
                first = None
            events, markers = self._drain()
            if isinstance(first, threading.Event):
                markers.insert(0, first)
            elif first is not None:
                events.insert(0, first)
            with self._lock:
                self._save(events)
                if time.monotonic() - last_prune > 3600:
                    last_prune = time.monotonic()
                    self.prune()
            for marker in markers:
                marker.set()

    def _ready(self) -> bool:
        """Whether there is a connection, opening one when it is time to try again."""
        if self._connection is not None:
            return True
        if time.monotonic() < self._retry_at:
            return False
        connection = None
        try:
            connection = open_database(self.path, self._connect)
            with connection:
                connection.execute("INSERT OR REPLACE INTO meta(key, value) VALUES ('name', ?)", (self.name,))
                # The reference for the clock check in prune(): a database from before it was kept
                # starts from its newest row.
                connection.execute(
                    "INSERT OR IGNORE INTO meta(key, value)"
                    " SELECT 'pruned_at', MAX(at) FROM events HAVING MAX(at) IS NOT NULL"
                )
        except (OSError, sqlite3.Error) as exc:
            if connection is not None:
                connection.close()
            self._trouble(exc)
            return False
        self._connection = connection
        return True

    def _trouble(self, exc: Exception) -> None:
        if self._connection is not None:
            self._connection.close()  # opened afresh on the next try: SQLite's state after EIO is unsure
            self._connection = None
        self._retry_at = time.monotonic() + self.retry_s
        if not self._failing:
            self._failing = True
            log.error(
                "statistics: cannot write %s (%s); counting in memory and trying again every %.0f s",
                self.path,
                exc,
                self.retry_s,
            )

    def _save(self, events: list[Event]) -> None:
        batch = self._pending + events
        if not batch:
            return
        try:
            if not self._ready():
                raise _NotNow
            self._write(batch)
        except _NotNow:
            self._keep(batch)
            return
        except sqlite3.Error as exc:
            self._trouble(exc)
            self._keep(batch)
            return
        self._pending = []
        if self._failing:
            self._failing = False
            log.warning("statistics: writing again; %d events counted in memory are saved", len(batch))

    def _keep(self, batch: list[Event]) -> None:
        overflow = len(batch) - MAX_PENDING
        if overflow > 0:  # the oldest go first; memory must not grow without end
            self.dropped += overflow
            batch = batch[overflow:]
        self._pending = batch

    def _write(self, events: list[Event]) -> None:
        if not events:
            return
        assert self._connection is not None
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
        """Delete rows older than the retention; none while the clock looks wrong. The count."""
        if not self._ready():
            return 0
        assert self._connection is not None
        now = self.now()
        try:
            doubt = self._clock_doubt(self._connection, now)
            if doubt:
                if not self._clock_warned:
                    self._clock_warned = True
                    log.warning("statistics: no clean-up while the clock looks wrong (%s); rows kept", doubt)
                return 0
            cutoff = (now - datetime.timedelta(days=self.retention_days)).date().isoformat()
            with self._connection:
                deleted = self._connection.execute("DELETE FROM events WHERE day < ?", (cutoff,)).rowcount
                self._connection.execute(
                    "INSERT OR REPLACE INTO meta(key, value) VALUES ('pruned_at', ?)", (now.timestamp(),)
                )
        except sqlite3.Error as exc:
            self._trouble(exc)
            return 0
        return deleted

    @staticmethod
    def _clock_doubt(connection: sqlite3.Connection, now: datetime.datetime) -> str:
        """Why the wall clock cannot be trusted to delete by age, or "" when it can."""
        (newest_day,) = connection.execute("SELECT MAX(day) FROM events").fetchone()
        if newest_day is not None and now.date().isoformat() < newest_day:
            return f"it says {now.date().isoformat()}, before the newest row, of {newest_day}"
        row = connection.execute("SELECT value FROM meta WHERE key = 'pruned_at'").fetchone()
        if row is None:
            return ""
        last = float(row[0])
        if now.timestamp() - last <= YEAR_S:
            return ""
        (steady_since,) = connection.execute(
            "SELECT MIN(at) FROM events WHERE at > ?", (last + YEAR_S,)
        ).fetchone()
        if steady_since is not None and now.timestamp() - steady_since >= STEADY_S:
            return ""  # a month of rows at the new time: the kiosk really was off for a year
        since = datetime.datetime.fromtimestamp(last).date().isoformat()
        return f"it says {now.date().isoformat()}, more than a year after the last clean-up on {since}"

    def close(self) -> None:
        self.flush()
        with self._lock:
            if self._connection is not None:
                self._connection.close()
                self._connection = None
            self._retry_at = float("inf")  # a late batch from the writer thread stays in memory
            if self._pending:
                log.error(
                    "statistics: %d events counted in memory were never saved (the disk refused them)",
                    len(self._pending),
                )


class _NotNow(Exception):
    """No connection yet: the disk was refused recently; the batch waits in memory."""


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
    line = f"{shown} screens shown, {opened} topics opened, {visitors} visitor sessions"
    if store.pending:
        line += f" (and {store.pending} events in memory: the disk refuses writes)"
    return line


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


class StatsUnreadable(Exception):
    """The statistics file cannot be read; the message says why, in one line."""


def summarize(path: Path, since: datetime.date | None = None) -> Summary:
    """Read the statistics (read-only, safe while the kiosk writes). An empty file, or one the
    kiosk has not written to yet, is an empty Summary; anything unreadable is StatsUnreadable."""
    try:
        return _summarize(path, since)
    except sqlite3.OperationalError as exc:
        if "no such table" in str(exc):
            return Summary((), (), ())
        if "unable to open" not in str(exc):
            raise StatsUnreadable(f"cannot read the statistics in {path}: {exc}") from exc
    except sqlite3.Error as exc:
        raise StatsUnreadable(f"cannot read the statistics in {path}: {exc}") from exc
    # A read-only folder: SQLite cannot make the lock files a WAL database needs. Read the file as
    # it is instead (nothing can be writing to it there).
    try:
        return _summarize(path, since, immutable=True)
    except sqlite3.OperationalError as exc:
        if "no such table" in str(exc):
            return Summary((), (), ())
        raise StatsUnreadable(f"cannot read the statistics in {path}: {exc}") from exc
    except sqlite3.Error as exc:
        raise StatsUnreadable(f"cannot read the statistics in {path}: {exc}") from exc


def _summarize(path: Path, since: datetime.date | None, *, immutable: bool = False) -> Summary:
    mode = "immutable=1" if immutable else "mode=ro"
    connection = sqlite3.connect(f"file:{path}?{mode}", uri=True, timeout=5)
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
