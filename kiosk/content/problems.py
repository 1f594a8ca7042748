"""Problems found in content: where they are, what is wrong, and how to fix it.

Staff read these without a programmer nearby, so every problem carries a file, a line and a
column, and a message written as an instruction ("write it as ...") rather than a diagnosis.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong (or worth a look) in a content file. Lines and columns count from 1."""

    file: str
    line: int
    column: int
    message: str
    severity: Severity = Severity.ERROR
    # Lower ranks are listed first: overdue clinical reviews (-2) and the one line that names the
    # slides waiting for review (-1) lead the list; every other problem is 0.
    rank: int = 0

    def format(self, relative_to: Path | None = None) -> str:
        """`path:line:column: message`, with `warning: ` before the message for warnings."""
        shown = self.file
        if relative_to is not None:
            try:
                shown = os.path.relpath(self.file, relative_to)
            except ValueError:  # another drive on Windows
                shown = self.file
            if shown.startswith(".." + os.sep + ".."):
                shown = self.file
        prefix = "warning: " if self.severity is Severity.WARNING else ""
        return f"{shown}:{self.line}:{self.column}: {prefix}{self.message}"


def sort_problems(problems: list[Problem]) -> list[Problem]:
    """Sorted by file, then line and column, so staff can work down a file from the top (after
    the few that must not be missed: see Problem.rank)."""
    return sorted(set(problems), key=lambda p: (p.rank, p.file, p.line, p.column, p.message))


class ContentError(Exception):
    """The loader's one error type: the deck cannot be shown, for the reasons in `problems`."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems: list[Problem] = sort_problems(problems)
        first = self.problems[0].format() if self.problems else "unknown content error"
        more = len(self.problems) - 1
        super().__init__(first + (f" (and {more} more)" if more > 0 else ""))
