"""Whether every screen of a deck fits at the reference sizes, measured with the real font.

`kiosk validate` reports what does not fit as warnings, so staff learn about a too-long text
before it reaches a screen (where it would shrink to the floor size and, on a lobby TV, be cut).
"""

from __future__ import annotations

from typing import Protocol

from kiosk.content.deck import Deck
from kiosk.content.problems import Problem, Severity
from kiosk.core.program import Mode, View
from kiosk.layout.screen import arrange

REFERENCE_SIZES = ((1280, 720), (1920, 1080), (3840, 2160), (1080, 1920))


class TextMetrics(Protocol):
    """What fit checking needs from the real font (kiosk.render.painter.Fonts provides it)."""

    def measure(self, text: str, size_px: int, bold: bool) -> int: ...

    def missing(self, text: str) -> set[str]: ...


def fit_problems(
    deck: Deck, fonts: TextMetrics, *, modes: tuple[Mode, ...] = (Mode.TOUCH, Mode.LOBBY)
) -> list[Problem]:
    measure = fonts.measure
    misses: dict[tuple[int, str | None, str], list[str]] = {}
    for index, slide in enumerate(deck.slides):
        for language in deck.languages:
            for detail in (None, *(d.id for d in slide.details)):
                for mode in modes:
                    for width, height in REFERENCE_SIZES:
                        layout = arrange(deck, View(index, detail, language), width, height, mode, measure)
                        if layout.overflow:
                            misses.setdefault((index, detail, language), []).append(
                                f"{width}x{height} {mode.value}"
                            )
    problems = _glyph_problems(deck, fonts)
    for (index, detail, language), where in misses.items():
        slide = deck.slides[index]
        what = f"the detail `{detail}`" if detail else "the slide"
        problems.append(
            Problem(
                slide.source,
                1,
                1,
                f"{what} ({language}) does not fit the screen even at the smallest text size ({', '.join(where)}); shorten its text",
                Severity.WARNING,
            )
        )
    return problems


def _glyph_problems(deck: Deck, fonts: TextMetrics) -> list[Problem]:
    """Letters the bundled font cannot draw (Cyrillic, Greek, emoji...): they would be boxes."""
    from kiosk.content.deck import Paragraph

    problems = []
    for slide in deck.slides:
        texts = [t for text in (slide.title, slide.summary) for _, t in text.by_language]
        for detail in slide.details:
            texts += [t for _, t in detail.title.by_language]
            texts += [
                block.text if isinstance(block, Paragraph) else " ".join(block.items)
                for _, blocks in detail.body
                for block in blocks
            ]
            texts += [t for step in detail.steps for _, t in step.text.by_language]
        missing = fonts.missing(" ".join(texts))
        if missing:
            shown = " ".join(sorted(missing)[:12])
            problems.append(
                Problem(
                    slide.source,
                    1,
                    1,
                    f"these characters are not in the kiosk's font and would show as empty boxes: {shown}; use other letters or leave them out",
                    Severity.WARNING,
                )
            )
    return problems
