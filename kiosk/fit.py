"""Whether every screen of a deck fits at the reference sizes, measured with the real font.

`kiosk validate` reports what does not fit as warnings, so staff learn about a too-long text
before it reaches a screen (where it would shrink to the floor size and, on a lobby TV, be cut).
"""

from __future__ import annotations

from kiosk.deck import Deck
from kiosk.layout import arrange
from kiosk.problems import Problem, Severity
from kiosk.program import Mode, View

REFERENCE_SIZES = ((1280, 720), (1920, 1080), (3840, 2160), (1080, 1920))


def fit_problems(deck: Deck, *, modes: tuple[Mode, ...] = (Mode.TOUCH, Mode.LOBBY)) -> list[Problem]:
    from kiosk.painter import Fonts  # pygame.font only; no display is needed

    measure = Fonts().measure
    misses: dict[tuple[int, str | None, str], list[str]] = {}
    for index, slide in enumerate(deck.slides):
        for language in deck.languages:
            for detail in (None, *(d.id for d in slide.details)):
                for mode in modes:
                    for width, height in REFERENCE_SIZES:
                        layout = arrange(deck, View(index, detail, language), width, height, mode, measure)
                        if layout.overflow:
                            misses.setdefault((index, detail, language), []).append(f"{width}x{height} {mode.value}")
    problems = []
    for (index, detail, language), where in misses.items():
        slide = deck.slides[index]
        what = f"the detail `{detail}`" if detail else "the slide"
        problems.append(Problem(slide.source, 1, 1, f"{what} ({language}) does not fit the screen even at the smallest text size ({', '.join(where)}); shorten its text", Severity.WARNING))
    return problems
