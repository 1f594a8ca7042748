"""The one validation pipeline: load and check a deck, then add the warnings that need more than
the loader (placeholder text, text that does not fit a screen, letters the font cannot draw).

`kiosk validate`, `kiosk preview`, `kiosk new-slide` and the running kiosk's hot reload all call
`full_report`, so a deck gets the same problems, worded the same, wherever it is checked. The font
is injected (`kiosk.render.painter.Fonts` in practice), so this layer stays free of pygame.

The fit check lays out every screen at four sizes in two modes: a few tenths of a second here,
seconds on a Raspberry Pi. The running kiosk asks for `fit=False`: a reload must not wait for it,
and staff already saw those warnings from `kiosk validate` (which kiosk-content-sync runs before it
switches to new content) and from the preview.
"""

from __future__ import annotations

import datetime
from dataclasses import replace
from pathlib import Path

from kiosk.content.loader import DEFAULT_ASSETS, Report, check_deck
from kiosk.content.placeholders import placeholder_problems
from kiosk.content.problems import Problem, sort_problems
from kiosk.content.readability import readability_problems
from kiosk.layout.fit import TextMetrics, fit_problems


def full_report(
    folder: Path,
    *,
    fonts: TextMetrics,
    today: datetime.date | None = None,
    assets: Path = DEFAULT_ASSETS,
    fit: bool = True,
) -> Report:
    """Every problem of the deck in `folder`, sorted; the deck is None when any is an error.

    `fit=False` leaves out only the (slow) check that each screen fits; placeholder text and
    missing letters are still reported."""
    report = check_deck(folder, assets=assets, today=today)
    if report.deck is None:
        return report
    deck = report.deck
    extra: list[Problem] = placeholder_problems(slide.source for slide in deck.slides)
    extra += readability_problems(deck)  # plain language, per text and language (docs/content.md)
    # With no modes, fit_problems lays out nothing and checks only the letters against the font.
    extra += fit_problems(deck, fonts) if fit else fit_problems(deck, fonts, modes=())
    return replace(report, problems=tuple(sort_problems([*report.problems, *extra])))
