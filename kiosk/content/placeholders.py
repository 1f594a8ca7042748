"""Placeholder text that `kiosk new-slide` writes into a new slide file, and the check for it.

Placeholder text left in a deck is reported as a warning, so a slide cannot quietly reach
patients half-written. The words are in capitals so they also stand out on screen.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from kiosk.content.problems import Problem, Severity

# Placeholder text starts with one of these.
PLACEHOLDER = re.compile(r"\b(NEW SLIDE|NEW DETAIL|NUEVA DIAPOSITIVA|NUEVO DETALLE)\b")
PLACEHOLDER_MESSAGE = "this is placeholder text from `kiosk new-slide`; replace it with your own words"

LINE_BREAK = re.compile(r"\r\n|[\n\r\x85\u2028\u2029]")  # as PyYAML counts lines


def placeholder_problems(files: Iterable[str | Path]) -> list[Problem]:
    """A warning for every line of these files that still holds template placeholder text."""
    problems: list[Problem] = []
    for file in files:
        try:
            text = Path(file).read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError):
            continue  # the loader reports unreadable files
        for number, line in enumerate(LINE_BREAK.split(text), start=1):
            if line.lstrip(" ").startswith("#"):
                continue
            match = PLACEHOLDER.search(line)
            if match:
                problems.append(
                    Problem(str(file), number, match.start() + 1, PLACEHOLDER_MESSAGE, Severity.WARNING)
                )
    return problems
