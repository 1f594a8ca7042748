"""Opening hours: when the screen shows the loop, and when it stays dark.

Written per weekday as "08:00-18:00", several ranges separated by commas ("08:00-12:00, 13:00-18:00"),
or "closed". A day that is not listed is closed; no `opening_hours` at all means always open.
A range may pass midnight ("22:00-02:00"). Pure: the caller passes the wall-clock time.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_RANGE = re.compile(r"^\s*([01]?\d|2[0-3]):([0-5]\d)\s*-\s*([01]?\d|2[0-4]):([0-5]\d)\s*$")
WEEK_MIN = 7 * 24 * 60


class HoursError(ValueError):
    """The message says how to write the hours."""


@dataclass(frozen=True)
class OpeningHours:
    # Open intervals in minutes from Monday 00:00, [start, end), possibly past the week's end.
    intervals: tuple[tuple[int, int], ...]
    always: bool = False

    @staticmethod
    def always_open() -> OpeningHours:
        return OpeningHours((), always=True)

    @staticmethod
    def parse(by_day: dict[str, str]) -> OpeningHours:
        intervals: list[tuple[int, int]] = []
        for day, text in by_day.items():
            if day not in DAYS:
                raise HoursError(f"`{day}` is not a weekday; use {', '.join(DAYS)}")
            if text.strip().lower() == "closed":
                continue
            for part in text.split(","):
                match = _RANGE.match(part)
                if not match:
                    raise HoursError(
                        f"`{part.strip()}` is not a time range; write it like 08:00-18:00 (24-hour clock),"
                        " or `closed`"
                    )
                h1, m1, h2, m2 = (int(g) for g in match.groups())
                start, end = h1 * 60 + m1, h2 * 60 + m2
                if end == start:
                    raise HoursError(f"`{part.strip()}` opens and closes at the same time")
                if end < start:
                    end += 24 * 60  # passes midnight
                base = DAYS.index(day) * 24 * 60
                intervals.append((base + start, base + end))
        return OpeningHours(tuple(sorted(intervals)))

    def is_open(self, when: datetime.datetime) -> bool:
        if self.always:
            return True
        minute = week_minute(when)
        return any(start <= minute < end or start <= minute + WEEK_MIN < end for start, end in self.intervals)


def week_minute(when: datetime.datetime) -> int:
    return when.weekday() * 24 * 60 + when.hour * 60 + when.minute


@dataclass(frozen=True)
class ShowWindow:
    """When a single slide may play (day-parting): weekdays and a daily time range."""

    days: tuple[str, ...] = DAYS
    hours: OpeningHours = OpeningHours.always_open()

    @staticmethod
    def parse(days: list[str] | None, between: str | None) -> ShowWindow:
        chosen = tuple(days) if days else DAYS
        for day in chosen:
            if day not in DAYS:
                raise HoursError(f"`{day}` is not a weekday; use {', '.join(DAYS)}")
        hours = (
            OpeningHours.parse({day: between for day in chosen}) if between else OpeningHours.always_open()
        )
        return ShowWindow(chosen, hours)

    def allows(self, when: datetime.datetime) -> bool:
        if self.hours.always:
            return DAYS[when.weekday()] in self.days
        return self.hours.is_open(when)
