"""Hot reload: notice content changes, wait for quiet, load off the frame loop, keep the last good.

A sync tool writes files one by one, so a change is only loaded once the folder has been quiet for
`quiet_s`. The folder is re-resolved on every poll, so a `current` symlink swapped atomically to a
new release is seen as a change like any edit. Loading and validating run in a worker thread;
the frame loop only polls (a few dozen `stat` calls a second at most) and picks up the result.
An invalid deck is never offered: its problems are logged once and kept for the admin screen.

What is loaded, and which warnings the admin screen lists, comes from the one validation pipeline
(`kiosk.layout.validation.full_report`, through `content_loader`), without its slow fit check: see
`content_loader` for why.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from concurrent.futures import Executor, Future
from dataclasses import dataclass
from pathlib import Path

from kiosk.content.deck import Deck
from kiosk.content.loader import DEFAULT_ASSETS, Report
from kiosk.layout.fit import TextMetrics
from kiosk.layout.validation import full_report

log = logging.getLogger(__name__)

MAX_FILES = 2000  # a deck is a few dozen files; stop walking a folder that is something else

FileStamp = tuple[str, int, int]  # (path, mtime_ns, size)


@dataclass(frozen=True)
class Fingerprint:
    folder: str  # the resolved folder: a swapped symlink changes it
    files: tuple[FileStamp, ...]


def fingerprint(folder: Path, extra: tuple[Path, ...] = ()) -> Fingerprint:
    """What the deck folder (and the images it uses from elsewhere) look like on disk now."""
    try:
        real = os.path.realpath(folder)
    except OSError:
        return Fingerprint("", ())
    stamps: list[FileStamp] = []
    if os.path.isdir(real):
        for root, dirs, files in os.walk(real, followlinks=False):
            dirs.sort()
            for name in sorted(files):
                stamps.append(_stamp(os.path.join(root, name)))
                if len(stamps) >= MAX_FILES:
                    break
            if len(stamps) >= MAX_FILES:
                break
    stamps += [_stamp(str(path)) for path in extra]
    return Fingerprint(real if os.path.isdir(real) else "", tuple(stamps))


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

    def load(folder: Path) -> Report:
        return full_report(folder, fonts=metrics, assets=assets, fit=False)

    return load


class Reloader:
    """Polls a deck folder; `poll(now)` returns a Report each time a quiet change was loaded."""

    def __init__(
        self,
        folder: Path,
        load: Callable[[Path], Report],
        *,
        current: Deck | None = None,
        quiet_s: float = 2.0,
        poll_s: float = 1.0,
        executor: Executor | None = None,
        scan: Callable[[Path, tuple[Path, ...]], Fingerprint] = fingerprint,
    ) -> None:
        self.folder = folder
        self.load = load
        self.quiet_s = quiet_s
        self.poll_s = poll_s
        self.executor = executor  # None: load inline (tests, and the preview)
        self.scan = scan
        self.extra = deck_images(current) if current else ()
        self.seen = scan(folder, self.extra)
        self.loaded = self.seen  # the fingerprint of what is showing (or was last tried)
        self.changed_at = float("-inf")
        self.last_poll = float("-inf")
        self.loads = 0
        self.problems: tuple = ()  # the last failed load's problems, for the admin screen
        self.warnings: tuple = ()  # the showing deck's warnings, for the admin screen
        self._future: Future | None = None
        self._loading: Fingerprint | None = None
        self._check_at: float | None = None  # when to validate the starting deck (`check_current`)

    def check_current(self, at: float) -> None:
        """Validate the deck that is showing once, from `at` on, to keep its warnings for the admin
        screen (the start-up load does not go through this pipeline). Nothing is adopted: it is the
        deck already on screen. `at` lets the first frame go up before the worker starts."""
        self._check_at = at

    def _check(self) -> None:
        loads = self.loads

        def keep(report: Report) -> None:
            if report.deck is not None and self.loads == loads:  # a newer load has its own warnings
                self.warnings = report.warnings

        if self.executor is None:
            keep(self.load(self.folder))
            return

        def done(future: Future) -> None:
            try:
                keep(future.result())
            except Exception:  # a bug in validation must not stop the kiosk; the deck still shows
                log.exception("checking %s for warnings failed", self.folder)

        self.executor.submit(self.load, self.folder).add_done_callback(done)

    def poll(self, now: float) -> Report | None:
        if self._check_at is not None and now >= self._check_at:
            self._check_at = None
            self._check()
        finished = self._collect()
        if finished is not None:
            return finished
        if now - self.last_poll < self.poll_s or self._future is not None:
            return None
        self.last_poll = now
        current = self.scan(self.folder, self.extra)
        if current != self.seen:
            self.seen = current
            self.changed_at = now
            return None
        if current == self.loaded or now - self.changed_at < self.quiet_s:
            return None
        self._loading = current
        self.loads += 1
        if self.executor is None:
            return self._finish(self.load(self.folder))
        self._future = self.executor.submit(self.load, self.folder)
        return None

    def _collect(self) -> Report | None:
        future = self._future
        if future is None or not future.done():
            return None
        self._future = None
        try:
            report = future.result()
        except Exception:  # the loader reports problems; anything else is a bug, but not fatal
            log.exception("loading %s failed; the current deck keeps playing", self.folder)
            self.loaded = self._loading or self.seen
            return None
        return self._finish(report)

    def force(self) -> None:
        """Load at the next poll even if nothing changed (the staff "Reload" and preview's R)."""
        self.changed_at = float("-inf")
        self.loaded = Fingerprint("", ())  # differs from anything on disk
        self.last_poll = float("-inf")

    def accept(self, report: Report) -> Report:
        """Take a report loaded outside the poll (the admin screen's "Reload content")."""
        self._loading = self.scan(self.folder, self.extra)
        self.loads += 1
        return self._finish(report)

    def _finish(self, report: Report) -> Report:
        self.loaded = self._loading or self.seen
        if report.deck is None:
            self.problems = report.errors
            log.error(
                "new content in %s has %d error(s); the last good deck keeps playing",
                self.folder,
                len(report.errors),
            )
            for problem in report.errors[:20]:
                log.error("  %s", problem.format())
        else:
            self.problems = ()
            self.warnings = report.warnings
            self.extra = deck_images(report.deck)
            # The images just read belong to the fingerprint of what is now showing.
            self.loaded = self.seen = self.scan(self.folder, self.extra)
            log.info("reloaded %s: %d slides", self.folder, len(report.deck.slides))
        return report
