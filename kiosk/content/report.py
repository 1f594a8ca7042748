"""What a deck check found, kept apart from the checks themselves.

The running kiosk receives reports from the deck check's child process (kiosk.runtime.checker) and
must not import what the checks import (pydantic, PyYAML, pyphen) to hold one.
"""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.content.deck import Deck
from kiosk.content.problems import Problem, Severity


@dataclass(frozen=True)
class Report:
    """What loading found: the deck (None when there are errors) and every problem, sorted."""

    deck: Deck | None
    problems: tuple[Problem, ...]

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity is Severity.ERROR)

    @property
    def warnings(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity is Severity.WARNING)
