"""Bounds on reading a deck: total bytes, folder entries and time, and a stop request.

A deck is a few dozen small files that read in well under a second. A folder that is something
else (60 slides of 1 MB of comments each, 100,000 sub-folders) must be refused with a message that
names the file and the fix, not read for minutes while systemd's start or stop timeout runs out.

| limit              | value   | why                                                               |
| ------------------ | ------- | ----------------------------------------------------------------- |
| `max_text_bytes`   | 8 MiB   | the YAML of all slides together; a real deck is < 200 KB           |
| `max_entries`      | 5,000   | entries in the deck folder itself; a real deck has a few dozen     |
| `max_read_s`       | 20 s    | reading and checking; leaves room under systemd's 60 s start limit |
| stop request       | -       | checked before every file: a stop ends the read within one file    |

One file is at most 1 MiB (`kiosk.content.document.MAX_FILE_BYTES`), which parses in about 0.5 s
here; the running kiosk also reads in a daemon thread, so a stop never waits for a parse.
"""

from __future__ import annotations

import contextvars
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from kiosk.content.problems import Problem

MiB = 2**20


@dataclass(frozen=True, slots=True, kw_only=True)
class ReadLimits:
    max_text_bytes: int = 8 * MiB
    max_entries: int = 5_000
    max_read_s: float = 20.0


class ReadStopped(Exception):
    """A stop was requested (the kiosk is shutting down): not a problem with the deck."""


class ReadRefused(Exception):
    """The deck is too big or too slow to read; `problem` names the file and the fix."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


class ReadBudget:
    """What one read of a deck may still spend. `check` and `charge` raise when it is spent."""

    def __init__(
        self,
        limits: ReadLimits = ReadLimits(),
        *,
        clock: Callable[[], float] = time.monotonic,
        stop: threading.Event | None = None,
    ) -> None:
        self.limits = limits
        self.clock = clock
        self.stop = stop
        self.started_at: float | None = None
        self.text_bytes = 0
        self.files: list[tuple[str, int]] = []  # what was read, for the message naming the largest

    def start(self) -> None:
        if self.started_at is None:
            self.started_at = self.clock()

    def check(self, file: Path | str) -> None:
        """Before (and after) reading `file`: stopped, or out of time?"""
        if self.stop is not None and self.stop.is_set():
            raise ReadStopped(str(file))
        self.start()
        assert self.started_at is not None
        spent_s = self.clock() - self.started_at
        if spent_s > self.limits.max_read_s:
            raise ReadRefused(
                Problem(
                    str(file),
                    1,
                    1,
                    f"reading the deck took more than {self.limits.max_read_s:.0f} s (stopped at this"
                    f" file, after {spent_s:.0f} s); the kiosk would start too slowly.{self._largest()}"
                    " Make the slide files smaller: remove long comments and text that is not shown",
                )
            )

    def charge(self, file: Path | str, size: int) -> None:
        """Count `size` bytes of YAML about to be read from `file`."""
        self.text_bytes += max(0, size)
        self.files.append((str(file), size))
        if self.text_bytes > self.limits.max_text_bytes:
            raise ReadRefused(
                Problem(
                    str(file),
                    1,
                    1,
                    f"the deck's YAML files add up to more than {self.limits.max_text_bytes / MiB:.0f} MB"
                    f" with this one ({size:,} bytes); a deck is normally under 0.2 MB.{self._largest()}"
                    " Remove long comments and text that is not shown, or split the deck",
                )
            )

    def survey(self, files: list[tuple[str, int]]) -> None:
        """Before anything is parsed: refuse a folder whose YAML files together pass the limit,
        naming the largest (a 60 MB deck is refused in milliseconds, not after parsing 8 MB)."""
        total = sum(size for _, size in files)
        if total <= self.limits.max_text_bytes:
            return
        self.files = list(files)
        largest = max(files, key=lambda item: item[1])
        raise ReadRefused(
            Problem(
                largest[0],
                1,
                1,
                f"the deck's YAML files add up to {total / MiB:.1f} MB, more than the"
                f" {self.limits.max_text_bytes / MiB:.0f} MB the kiosk reads (a deck is normally under"
                f" 0.2 MB), and this file is the largest.{self._largest()} Remove long comments and text"
                " that is not shown, or split the deck",
            )
        )

    def entries(self, folder: Path | str, count: int) -> None:
        if count > self.limits.max_entries:
            raise ReadRefused(
                Problem(
                    str(folder),
                    1,
                    1,
                    f"the deck folder holds more than {self.limits.max_entries:,} files and folders; a"
                    " deck has a few dozen. Remove what does not belong in it (only deck.yaml, the slide"
                    " files and their pictures)",
                )
            )

    def _largest(self) -> str:
        big = sorted(self.files, key=lambda item: -item[1])[:3]
        if not big:
            return ""
        named = ", ".join(f"{Path(name).name} ({size / MiB:.1f} MB)" for name, size in big)
        return f" The largest files: {named}."


_ACTIVE: contextvars.ContextVar[ReadBudget | None] = contextvars.ContextVar("read_budget", default=None)


@contextmanager
def reading_budget(budget: ReadBudget) -> Iterator[ReadBudget]:
    """Make `budget` the one every deck read in this thread spends (through full_report too)."""
    token = _ACTIVE.set(budget)
    try:
        yield budget
    finally:
        _ACTIVE.reset(token)


def active_budget() -> ReadBudget:
    """The budget set by `reading_budget`, or a fresh one with the default limits."""
    return _ACTIVE.get() or ReadBudget()
