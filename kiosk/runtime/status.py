"""The live figures on the staff screen: uptime, frame rate, memory, content problems, today's use.

The staff screen is redrawn once a second while it is open, so the figures are gathered at most
that often (the statistics line at most every 10 s: it reads the database).
"""

from __future__ import annotations

import datetime
import os
from collections import deque
from collections.abc import Callable

from kiosk import __version__
from kiosk.content.problems import Problem
from kiosk.core.state import State
from kiosk.layout.staff import AdminInfo
from kiosk.runtime.reload import Reloader
from kiosk.runtime.settings import Settings
from kiosk.runtime.stats import StatsStore, today_summary

INFO_EVERY_S = 1.0
SUMMARY_EVERY_S = 10.0
FPS_WINDOW_S = 5.0


class StatusBoard:
    def __init__(
        self,
        settings: Settings,
        *,
        started_at: float,
        wall_clock: Callable[[], datetime.datetime],
        stats: StatsStore | None,
        reloader: Reloader | None,
    ) -> None:
        self.settings = settings
        self.started_at = started_at
        self.wall_clock = wall_clock
        self.stats = stats
        self.reloader = reloader
        self.loaded_at = wall_clock()  # when the deck on screen was loaded
        self._frame_times: deque[float] = deque(maxlen=120)
        self._info: tuple[float, AdminInfo] | None = None
        self._summary: tuple[float, str] = (float("-inf"), "")

    def frame_drawn(self, now: float) -> None:
        self._frame_times.append(now)

    def info(self, state: State, now: float, display_size: tuple[int, int]) -> AdminInfo:
        if state.admin is None:
            return AdminInfo()
        if self._info is not None and now - self._info[0] < INFO_EVERY_S:
            return self._info[1]
        deck = state.program.deck
        today = self.wall_clock().date()
        problems = self.reloader.problems if self.reloader else ()
        warnings = self.reloader.warnings if self.reloader else ()
        width, height = display_size
        settings = self.settings
        info = AdminInfo(
            name=settings.name,
            version=__version__,
            uptime_s=now - self.started_at,
            deck=str(deck.folder),
            loaded_at=self.loaded_at.strftime("%Y-%m-%d %H:%M"),
            slides=len(deck.slides),
            errors=tuple(p.format(relative_to=deck.folder) for p in problems),
            warnings=tuple(p.format(relative_to=deck.folder) for p in sorted(warnings, key=_later)),
            overdue=tuple(
                f"{s.id}: review was due {s.review.review_due}"
                for s in deck.slides
                if s.review.overdue(today)
            ),
            fps=self._fps(now),
            memory_mb=rss_mb(),
            today=self._today(now),
            display=f"{width}x{height}, rotation {settings.rotation}, {settings.mode.value} mode",
        )
        self._info = (now, info)
        return info

    def _fps(self, now: float) -> float:
        recent = [t for t in self._frame_times if now - t <= FPS_WINDOW_S]
        if len(recent) > 1 and recent[-1] > recent[0]:
            return (len(recent) - 1) / (recent[-1] - recent[0])
        return 0.0

    def _today(self, now: float) -> str:
        if self.stats is None:
            return "statistics are off"
        if now - self._summary[0] < SUMMARY_EVERY_S:
            return self._summary[1]
        try:
            text = today_summary(self.stats, self.wall_clock().date())
        except Exception as exc:  # the admin screen must open even if the database is unhappy
            text = f"statistics unavailable ({exc})"
        self._summary = (now, text)
        return text


def _later(problem: Problem) -> bool:
    """Sort key: overdue clinical reviews first (they need acting on), the rest in file order."""
    message = problem.message.lower()
    return not ("review" in message and ("has passed" in message or "overdue" in message))


def rss_mb() -> float:
    try:
        with open("/proc/self/statm") as handle:
            return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError, IndexError):
        return 0.0
