"""Hot reload: notice content changes, wait for quiet, load off the frame loop, keep the last good.

A sync tool writes files one by one, so a change is only loaded once the folder has been quiet for
`quiet_s`. The folder is re-resolved on every scan, so a `current` symlink swapped atomically to a
new release is seen as a change like any edit. Scanning the folder, loading and validating all run
in a worker thread (a daemon, so a stop never waits for it); the frame loop only picks up results.
An invalid deck is never offered: its problems are logged once and kept for the admin screen.

A load is one consistent snapshot: the scan that triggers it resolves `current` once (realpath) and
the load reads every file through that real folder, so a swap during the load cannot mix two
releases. The fingerprint recorded for a load is the one taken BEFORE reading, so an edit made
while a load runs is seen at the next scan. The scan is bounded (`MAX_ENTRIES` files and folders).

What is loaded, and which warnings the admin screen lists, comes from the one validation pipeline
(`kiosk.layout.validation.full_report`, through `content_loader`), without its slow fit check: see
`content_loader` for why. In the kiosk that check runs in a short-lived child process (`check`,
kiosk.runtime.checker), which also keeps a deck that passes as the last good deck; the worker
thread only waits for it, so the kiosk never imports the check's libraries and a heavy check does
not compete with the frame loop. In-process loads (`load`: tests, the preview) hand a deck that
passes to `on_good` in the worker.
"""

from __future__ import annotations

import hashlib
import logging
import os
import queue
import threading
from collections.abc import Callable
from concurrent.futures import Executor, Future
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from kiosk.content.budget import ReadBudget, ReadStopped, reading_budget
from kiosk.content.deck import Deck
from kiosk.content.report import Report
from kiosk.resources import ASSETS_DIR as DEFAULT_ASSETS

if TYPE_CHECKING:
    from kiosk.layout.fit import TextMetrics

log = logging.getLogger(__name__)

# A deck is a few dozen files; stop walking a folder that is something else. Folders count too:
# 100,000 empty folders made every scan take about a second.
MAX_ENTRIES = 5000
MAX_FILES = MAX_ENTRIES  # the old name, kept for callers

FileStamp = tuple[str, int, int]  # (path, mtime_ns, size)


@dataclass(frozen=True)
class Fingerprint:
    folder: str  # the resolved folder: a swapped symlink changes it
    files: tuple[FileStamp, ...]
    # The deck's pictures outside the folder (the bundled illustrations), stamped apart so that a
    # load can record the folder as it was before reading and these as they are after.
    extra: tuple[FileStamp, ...] = ()

    def key(self) -> str:
        """A short digest, to tell whether a last good deck was made from this folder state."""
        return hashlib.sha256(repr((self.folder, self.files)).encode()).hexdigest()


def fingerprint(folder: Path, extra: tuple[Path, ...] = ()) -> Fingerprint:
    """What the deck folder (and the images it uses from elsewhere) look like on disk now.

    Walks at most MAX_ENTRIES files and folders, each folder read with os.scandir (no second
    `stat` per entry for folders)."""
    try:
        real = os.path.realpath(folder)
    except OSError:
        return Fingerprint("", ())
    stamps: list[FileStamp] = []
    if os.path.isdir(real):
        stamps = _walk(real)
    return Fingerprint(real if os.path.isdir(real) else "", tuple(stamps), _outside(real, extra))


def _outside(real: str, extra: tuple[Path, ...]) -> tuple[FileStamp, ...]:
    inside = real + os.sep
    return tuple(_stamp(str(path)) for path in extra if not str(path).startswith(inside))


def _walk(top: str) -> list[FileStamp]:
    stamps: list[FileStamp] = []
    entries = 0
    pending = [top]
    while pending and entries < MAX_ENTRIES:
        folder = pending.pop()
        try:
            with os.scandir(folder) as listing:
                found = []
                for entry in listing:
                    found.append(entry)
                    entries += 1
                    if entries >= MAX_ENTRIES:
                        break
        except OSError:
            stamps.append((folder, -1, -1))
            continue
        subfolders = []
        for entry in sorted(found, key=lambda e: e.name):
            try:
                if entry.is_dir(follow_symlinks=False):
                    subfolders.append(entry.path)
                    info = entry.stat(follow_symlinks=False)
                    stamps.append((entry.path + os.sep, info.st_mtime_ns, 0))
                    continue
            except OSError:
                pass
            stamps.append(_stamp(entry.path))
        pending.extend(reversed(subfolders))
    return stamps


def _stamp(path: str) -> FileStamp:
    try:
        info = os.stat(path)
        return (path, info.st_mtime_ns, info.st_size)
    except OSError:
        return (path, -1, -1)


def deck_images(deck: Deck) -> tuple[Path, ...]:
    paths = {image.path for slide in deck.slides for image in slide.all_images()}  # every language's
    paths |= {path for slide in deck.slides for video in slide.all_videos() for path in video.files}
    return tuple(sorted(paths))


def content_loader(
    assets: Path = DEFAULT_ASSETS, *, fonts: TextMetrics | None = None
) -> Callable[[Path], Report]:
    """How the running kiosk loads a changed deck: `full_report` with `fit=False`.

    Errors, content warnings, placeholder text and letters the font lacks are checked as
    `kiosk validate` checks them. Whether every screen fits is not: laying out every screen at
    four sizes takes seconds on a Pi, and the new content would wait for it although the kiosk
    shrinks text that is too long anyway. Staff get those warnings where they edit (validate,
    preview, new-slide), and kiosk-content-sync runs `kiosk validate` before it switches.

    The loader keeps its own font cache: it runs in the reload worker, and the painter's cache
    belongs to the frame loop."""
    if fonts is None:
        from kiosk.render.painter import Fonts

        fonts = Fonts()
    metrics = fonts
    # Imported here: the checks (pydantic, PyYAML, pyphen) stay out of a kiosk that checks in a
    # child process.
    from kiosk.layout.validation import full_report

    def load(folder: Path) -> Report:
        return full_report(folder, fonts=metrics, assets=assets, fit=False)

    return load


class DeckCheck(Protocol):
    """A load that needs the folder's state (to keep the deck under it) and can be stopped."""

    def __call__(self, folder: Path, state: Fingerprint, stop: threading.Event) -> Report: ...


def child_check(
    assets: Path = DEFAULT_ASSETS, *, data_dir: Path | None = None, watched: str = ""
) -> DeckCheck:
    """The kiosk's check: `content_loader`'s, in a child process (kiosk.runtime.checker) that keeps a
    deck that passes as the last good one in `data_dir` (the keeper's job, done in the child)."""
    from kiosk.runtime.checker import Keep, check_in_child

    def check(folder: Path, state: Fingerprint, stop: threading.Event) -> Report:
        keep = (
            Keep(data_dir=str(data_dir), source_key=state.key(), source_folder=state.folder, watched=watched)
            if data_dir is not None
            else None
        )
        return check_in_child(folder, assets=assets, keep=keep, stop=stop)

    return check


class DaemonExecutor(Executor):
    """One worker thread that never holds the process up at exit.

    ThreadPoolExecutor's threads are joined when the interpreter exits, so a SIGTERM during the
    read of a slow deck waited for the whole read (25.7 s, past systemd's 10 s). This worker is a
    daemon: the kiosk stops as soon as its frame loop does; a half-written last good deck is only
    ever a temporary folder (kiosk.content.snapshot)."""

    def __init__(self, name: str = "kiosk-reload") -> None:
        self._jobs: queue.SimpleQueue[tuple[Future, Callable[..., Any], tuple[Any, ...]] | None] = (
            queue.SimpleQueue()
        )
        self._thread = threading.Thread(target=self._work, name=name, daemon=True)
        self._thread.start()

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future:
        future: Future = Future()
        self._jobs.put((future, lambda: fn(*args, **kwargs), ()))
        return future

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        self._jobs.put(None)
        if wait:
            self._thread.join()

    def _work(self) -> None:
        while True:
            job = self._jobs.get()
            if job is None:
                return
            future, call, _ = job
            if not future.set_running_or_notify_cancel():
                continue
            try:
                future.set_result(call())
            except BaseException as exc:  # handed to whoever collects the future
                future.set_exception(exc)


class Reloader:
    """Polls a deck folder; `poll(now)` returns a Report each time a quiet change was loaded."""

    def __init__(
        self,
        folder: Path,
        load: Callable[[Path], Report] | None = None,
        *,
        check: DeckCheck | None = None,
        current: Deck | None = None,
        quiet_s: float = 2.0,
        poll_s: float = 1.0,
        executor: Executor | None = None,
        scan: Callable[[Path, tuple[Path, ...]], Fingerprint] = fingerprint,
        seen: Fingerprint | None = None,
        loaded: Fingerprint | None = None,
        on_good: Callable[[Report, Fingerprint], None] | None = None,
        budget: Callable[[], ReadBudget] | None = None,
    ) -> None:
        """`seen`: the folder as scanned already (at start-up); `loaded`: the fingerprint of what is
        showing, when that is not `seen` (a last good deck from another folder state: then the
        folder is loaded at the first poll). `on_good` runs in the worker for every deck that
        passes; `budget` makes the read bounds of each load (tests inject clocks). `check`, when
        given, loads instead of `load`: in a child process that keeps the deck itself."""
        if load is None and check is None:
            raise ValueError("a Reloader needs `load` or `check`")
        self.folder = folder
        self.load = load
        self.check = check
        self.quiet_s = quiet_s
        self.poll_s = poll_s
        self.executor = executor  # None: scan and load inline (tests, and the preview)
        self.scan = scan
        self.on_good = on_good
        self.stop_event = threading.Event()
        self.budget = budget or (lambda: ReadBudget(stop=self.stop_event))
        self.extra = deck_images(current) if current else ()
        if seen is not None:  # scanned at start-up without the deck's pictures: stamp those now
            seen = replace(seen, extra=_outside(seen.folder, self.extra))
            loaded = seen if loaded is None or loaded.files == seen.files else loaded
        self.seen = seen if seen is not None else scan(folder, self.extra)
        self.loaded = loaded if loaded is not None else self.seen  # what is showing (or was last tried)
        self.changed_at = float("-inf")
        self.last_poll = float("-inf")
        self.loads = 0
        self.problems: tuple = ()  # the last failed load's problems, for the admin screen
        self.warnings: tuple = ()  # the showing deck's warnings, for the admin screen
        self._future: Future | None = None
        self._scanning: Future | None = None
        self._loading: Fingerprint | None = None
        self._check_at: float | None = None  # when to validate the starting deck (`check_current`)

    def stop(self) -> None:
        """Interrupt a load in progress at its next file (the kiosk is stopping)."""
        self.stop_event.set()

    def source(self, state: Fingerprint) -> Path:
        """The folder a load of `state` reads: the real folder the scan resolved (one release,
        even if `current` is swapped meanwhile), or the folder as given when no link is involved."""
        if state.folder and state.folder != os.path.abspath(self.folder):
            return Path(state.folder)
        return self.folder

    def _job(self, state: Fingerprint) -> tuple[Report, Fingerprint]:
        """Load `state`'s folder within the read bounds; in the worker (or inline). Returns the
        report and the fingerprint to record: the folder's files as they were BEFORE reading (an
        edit during the load differs from it and is loaded next), the new deck's pictures from
        outside the folder as they are now."""
        if self.check is not None:
            # The child reads within its own bounds; a stop kills it (ReadStopped).
            report = self.check(self.source(state), state, self.stop_event)
        else:
            assert self.load is not None
            with reading_budget(self.budget()):
                report = self.load(self.source(state))
        if report.deck is None:
            return report, state
        after = self.scan(self.folder, deck_images(report.deck))
        settled = (
            replace(after, folder=state.folder, files=state.files) if after.folder == state.folder else state
        )
        if self.on_good is not None:
            try:
                self.on_good(report, state)
            except Exception:  # keeping a copy is a nicety: the new deck still shows
                log.exception("keeping the last good deck failed")
        return report, settled

    def check_current(self, at: float) -> None:
        """Validate the deck that is showing once, from `at` on, to keep its warnings for the admin
        screen (the start-up load does not go through this pipeline). Nothing is adopted: it is the
        deck already on screen. `at` lets the first frame go up before the worker starts."""
        self._check_at = at

    def _check(self) -> None:
        loads = self.loads
        state = self.loaded

        def keep(result: tuple[Report, Fingerprint]) -> None:
            report = result[0]
            if report.deck is not None and self.loads == loads:  # a newer load has its own warnings
                self.warnings = report.warnings

        if state != self.seen:
            return  # what shows is not this folder's deck: the poll loads the folder itself
        if self.executor is None:
            keep(self._job(state))
            return

        def done(future: Future) -> None:
            try:
                keep(future.result())
            except ReadStopped:
                pass
            except Exception:  # a bug in validation must not stop the kiosk; the deck still shows
                log.exception("checking %s for warnings failed", self.folder)

        self.executor.submit(self._job, state).add_done_callback(done)

    def poll(self, now: float) -> Report | None:
        if self._check_at is not None and now >= self._check_at:
            self._check_at = None
            self._check()
        finished = self._collect()
        if finished is not None:
            return finished
        scanned = self._collect_scan()
        if scanned is not None:
            return self._consider(scanned, now)
        if now - self.last_poll < self.poll_s or self._future is not None or self._scanning is not None:
            return None
        self.last_poll = now
        if self.executor is None:
            return self._consider(self.scan(self.folder, self.extra), now)
        self._scanning = self.executor.submit(self.scan, self.folder, self.extra)
        return None

    def _collect_scan(self) -> Fingerprint | None:
        future = self._scanning
        if future is None or not future.done():
            return None
        self._scanning = None
        try:
            return future.result()
        except Exception:
            log.exception("scanning %s failed", self.folder)
            return None

    def _consider(self, current: Fingerprint, now: float) -> Report | None:
        """A fresh scan: note a change, or load once the folder has been quiet."""
        if current != self.seen:
            self.seen = current
            self.changed_at = now
            return None
        if current == self.loaded or now - self.changed_at < self.quiet_s:
            return None
        self._loading = current  # recorded before reading: an edit during the load is seen next
        self.loads += 1
        log.info("checking %s", self.source(current))
        if self.executor is None:
            try:
                return self._finish(*self._job(current))
            except ReadStopped:
                self.loaded = current
                return None
        self._future = self.executor.submit(self._job, current)
        return None

    def _collect(self) -> Report | None:
        future = self._future
        if future is None or not future.done():
            return None
        self._future = None
        try:
            report, settled = future.result()
        except ReadStopped:
            return None
        except Exception:  # the loader reports problems; anything else is a bug, but not fatal
            log.exception("loading %s failed; the current deck keeps playing", self.folder)
            self.loaded = self._loading or self.seen
            return None
        return self._finish(report, settled)

    def force(self) -> None:
        """Load at the next poll even if nothing changed (the staff "Reload" and preview's R)."""
        self.changed_at = float("-inf")
        self.loaded = Fingerprint("", ())  # differs from anything on disk
        self.last_poll = float("-inf")

    def accept(self, report: Report) -> Report:
        """Take a report loaded outside the poll (the admin screen's "Reload content")."""
        self._loading = self.scan(self.folder, self.extra)
        self.loads += 1
        settled = self.scan(self.folder, deck_images(report.deck)) if report.deck is not None else None
        return self._finish(report, settled)

    def _finish(self, report: Report, settled: Fingerprint | None = None) -> Report:
        state = self._loading or self.seen
        self.loaded = state
        if report.deck is None:
            self.problems = report.errors
            log.error(
                "new content in %s has %d error(s); the last good deck keeps playing",
                self.source(state),
                len(report.errors),
            )
            for problem in report.errors[:20]:
                log.error("  %s", problem.format())
        else:
            self.problems = ()
            self.warnings = report.warnings
            self.extra = deck_images(report.deck)
            self.loaded = self.seen = settled or state
            log.info("reloaded %s: %d slides", self.source(state), len(report.deck.slides))
        return report
