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
import multiprocessing
import os
import threading
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from pathlib import Path

from kiosk.content.deck import Deck
from kiosk.content.loader import DECK_FILE, DEFAULT_ASSETS, Report, check_deck
from kiosk.content.placeholders import placeholder_problems
from kiosk.content.problems import Problem, sort_problems
from kiosk.content.readability import readability_problems
from kiosk.layout.fit import TextMetrics, fit_problems, layout_problems, layout_problems_by_slide
from kiosk.layout.fit_cache import cached_problems, slide_keys
from kiosk.layout.items import Measure


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
    # Widths kept for the whole check: it measures more candidates than the font's own cache holds.
    measure = _Memo(fonts.measure)
    fingerprint = getattr(fonts, "fingerprint", None)
    if not isinstance(fingerprint, str):  # a font that cannot say what it is: never cached
        return layout_problems(deck, measure)
    per_slide = cached_problems(
        deck, slide_keys(deck, fingerprint), lambda indexes: _check_slides(deck, fonts, measure, indexes)
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


# -- many slides at once: in parallel processes ----------------------------------------------------

# Below this many slides to check, one process does it: starting workers and opening the font in
# each costs a few tenths of a second, and a slide takes about one second here.
PARALLEL_MIN_SLIDES = 16
CHUNKS_PER_WORKER = 4
# `KIOSK_FIT_WORKERS=1` keeps the check in one process; a number caps the workers.
WORKERS_ENV = "KIOSK_FIT_WORKERS"

# What forked workers inherit: the deck and a way to open a font of their own (see `_check_slides`).
_job: tuple[Deck, Callable[[], Measure]] | None = None
_worker_measure: Measure | None = None


def _check_slides(
    deck: Deck, fonts: TextMetrics, measure: Measure, indexes: list[int]
) -> dict[int, list[Problem]]:
    """Each slide's layout problems, exactly as `layout_problems(deck, measure, slides=(index,))`
    says them: in worker processes when there are many slides and more than one core."""
    workers = _workers(len(indexes))
    fresh = _fresh_fonts(fonts) if workers > 1 else None
    if fresh is None:
        return layout_problems_by_slide(deck, measure, indexes)
    # A few chunks per worker: slides differ in cost (details, languages), so the workers stay busy
    # to the end, and each chunk still shares its fonts between its slides.
    count = workers * CHUNKS_PER_WORKER
    chunks = [indexes[n::count] for n in range(count) if indexes[n::count]]
    global _job
    _job = (deck, fresh)
    try:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            found: dict[int, list[Problem]] = {}
            for part in pool.map(_check_chunk, chunks):
                found.update(part)
    finally:
        _job = None
    return {index: found[index] for index in indexes}


def _workers(slides: int) -> int:
    """How many processes: one per usable core, one below PARALLEL_MIN_SLIDES slides or where forking
    is not safe (another thread could hold a lock the child would wait on forever)."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cores = os.cpu_count() or 1
    chosen = os.environ.get(WORKERS_ENV, "").strip()
    if chosen.isdigit() and int(chosen) > 0:
        cores = min(cores, int(chosen))
    if (
        slides < PARALLEL_MIN_SLIDES
        or threading.active_count() > 1
        or "fork" not in multiprocessing.get_all_start_methods()
    ):
        return 1
    return max(1, min(cores, slides))


def _fresh_fonts(fonts: TextMetrics) -> Callable[[], Measure] | None:
    """How a worker opens the same font anew, or None when it cannot. A forked child must not read
    through the parent's open font files: they share one file offset with the parent's."""
    kind = type(fonts)
    try:
        kind()  # the real font (kiosk.render.painter.Fonts) opens its files lazily: this is cheap
    except Exception:  # a font that needs arguments to be made: stay in one process
        return None
    return lambda: kind().measure


def _check_chunk(indexes: list[int]) -> dict[int, list[Problem]]:
    global _worker_measure
    assert _job is not None, "a fit worker started without a job"
    deck, fresh = _job
    if _worker_measure is None:
        _worker_measure = _Memo(fresh())
    return layout_problems_by_slide(deck, _worker_measure, indexes)


# About 100 MiB of widths: a deck of hundreds of slides measures millions of line candidates, and a
# Raspberry Pi runs a worker per core.
MAX_MEMO_WIDTHS = 400_000


class _Memo:
    """Widths kept for a whole check (see `_layout_problems`), up to MAX_MEMO_WIDTHS at a time."""

    def __init__(self, measure: Measure) -> None:
        self._measure = measure
        self._widths: dict[tuple[str, int, bool], int] = {}

    def __call__(self, text: str, size_px: int, bold: bool) -> int:
        key = (text, size_px, bold)
        width = self._widths.get(key)
        if width is None:
            if len(self._widths) >= MAX_MEMO_WIDTHS:
                self._widths.clear()
            width = self._widths[key] = self._measure(text, size_px, bold)
        return width
