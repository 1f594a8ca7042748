"""The one validation pipeline: load and check a deck, then add the warnings that need more than
the loader (placeholder text, text that does not fit a screen, letters the font cannot draw).

`kiosk validate`, `kiosk preview`, `kiosk new-slide` and the running kiosk's hot reload all call
`full_report`, so a deck gets the same problems, worded the same, wherever it is checked. The font
is injected (`kiosk.render.painter.Fonts` in practice), so this layer stays free of pygame.

The fit check lays out every screen at every supported size, language and mode: seconds here,
much longer on a Raspberry Pi. Its answers are kept per slide on disk (`kiosk.layout.fit_cache`),
so only slides that changed are laid out again. The running kiosk asks for `fit=False`: a reload
must not wait for it, and staff already saw those warnings from `kiosk validate` (which
kiosk-content-sync runs before it switches to new content) and from the preview.
"""

from __future__ import annotations

import datetime
from dataclasses import replace
from pathlib import Path

from kiosk.content.deck import Deck
from kiosk.content.loader import DECK_FILE, DEFAULT_ASSETS, Report, check_deck
from kiosk.content.placeholders import placeholder_problems
from kiosk.content.problems import Problem, sort_problems
from kiosk.content.readability import readability_problems
from kiosk.layout.fit import TextMetrics, fit_problems, layout_problems
from kiosk.layout.fit_cache import cached_problems, slide_keys


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
    extra += fit_problems(deck, fonts, modes=())
    if fit:
        extra += _layout_problems(deck, fonts)
    return replace(report, problems=tuple(sort_problems([*report.problems, *extra])))


def _layout_problems(deck: Deck, fonts: TextMetrics) -> list[Problem]:
    """The fit check's layout part, from the cache for every slide that has not changed."""
    widths: dict[tuple[str, int, bool], int] = {}

    def measure(text: str, size_px: int, bold: bool) -> int:
        # Kept for the whole check: it measures more candidates than the font's own cache holds.
        key = (text, size_px, bold)
        width = widths.get(key)
        if width is None:
            width = widths[key] = fonts.measure(text, size_px, bold)
        return width

    fingerprint = getattr(fonts, "fingerprint", None)
    if not isinstance(fingerprint, str):  # a font that cannot say what it is: never cached
        return layout_problems(deck, measure)
    per_slide = cached_problems(
        deck, slide_keys(deck, fingerprint), lambda index: layout_problems(deck, measure, slides=(index,))
    )
    problems = [problem for found in per_slide for problem in found]
    # The kiosk's own parts breaking a screen are reported once for the whole deck, with every size
    # where it happens; checked slide by slide, each slide said it for its own screens: say it again
    # for all of them together (rare: it is a bug of the kiosk, not of the deck).
    deck_file = str(deck.folder / DECK_FILE)
    own = [p for p in problems if p.file == deck_file]
    if len({p.message for p in own}) > 1:
        slides = [i for i, found in enumerate(per_slide) if any(p.file == deck_file for p in found)]
        problems = [p for p in problems if p.file != deck_file]
        problems += [p for p in layout_problems(deck, measure, slides=slides) if p.file == deck_file]
    return problems
