"""What the wall clock allows now: opening hours (the screen sleeps outside them), each slide's
`show` window, and slides past their review date when the clinic hides those. Pure: the caller
passes the time, so a test can walk through a week without waiting.
"""

from __future__ import annotations

import datetime
from typing import Protocol

from kiosk.content.deck import Deck
from kiosk.content.hours import OpeningHours
from kiosk.core.intents import Schedule
from kiosk.core.program import Program


class ScheduleSettings(Protocol):
    """The local settings that bear on the schedule (None: the deck decides)."""

    @property
    def opening_hours(self) -> OpeningHours | None: ...

    @property
    def hide_expired(self) -> bool | None: ...


def hides_expired(settings: ScheduleSettings, deck: Deck) -> bool:
    return settings.hide_expired if settings.hide_expired is not None else deck.hide_expired


def schedule_at(
    program: Program,
    settings: ScheduleSettings,
    wall_time: datetime.datetime,
    *,
    pending: Program | None = None,
) -> Schedule:
    """Whether the clinic is open at `wall_time`, and which of `program`'s slides may play.

    The hours come from `pending` (a reloaded deck waiting for the slide boundary) when there is
    one, so new hours apply at once. If no slide is allowed, every slide plays: a screen that
    shows something beats a blank one in a waiting room."""
    hours = settings.opening_hours or (pending or program).deck.hours
    hide = hides_expired(settings, program.deck)
    slides = program.deck.slides
    allowed = frozenset(
        index
        for index, slide in enumerate(slides)
        if (slide.show is None or slide.show.allows(wall_time))
        and not (hide and slide.review.overdue(wall_time.date()))
    )
    every = len(allowed) == len(slides) or not allowed
    return Schedule(open=hours.is_open(wall_time), allowed=None if every else allowed)
