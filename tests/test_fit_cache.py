"""The fit check's results kept on disk (kiosk.layout.fit_cache): an unchanged slide is not laid out
again, an edited one is, and the cached warnings are the ones a fresh check gives.

The real layout fits every valid deck (that is its contract), so a stand-in `arrange` puts a summary
marked OFF below the screen: a warning whose way through the cache can be followed."""

from __future__ import annotations

import shutil
from pathlib import Path

import pygame
import pytest
from conftest import FROZEN_DECK, TODAY

import kiosk.layout.validation
from kiosk.content.deck import Deck
from kiosk.content.loader import load_deck
from kiosk.core.program import Mode, View
from kiosk.layout import screen
from kiosk.layout.fit import layout_problems, layout_problems_by_slide
from kiosk.layout.items import Box, ScreenLayout, TextLine
from kiosk.layout.validation import full_report
from kiosk.render.painter import Fonts

MARK = "OFF "


def stand_in_arrange(deck: Deck, view: View, width: int, height: int, mode: Mode, measure) -> ScreenLayout:
    """The slide's summary on one line: below the screen when it starts with OFF."""
    if view.detail is not None:
        return ScreenLayout(width, height, (), ())
    summary = deck.slides[view.slide].summary.get(view.language)
    y = height + 10 if summary.startswith(MARK) else 40
    line = TextLine(summary, Box(40, y, 200, 40), 24, False, "ink", 200)
    return ScreenLayout(width, height, (line,), ())


@pytest.fixture(scope="module")
def fonts() -> Fonts:
    pygame.font.init()
    return Fonts()


class Unnamed:
    """The real font without a fingerprint: its results are never cached."""

    def __init__(self, fonts: Fonts) -> None:
        self.measure = fonts.measure
        self.missing = fonts.missing


@pytest.fixture(autouse=True)
def cache(tmp_path: Path, monkeypatch) -> Path:
    """A cache of this test's own (the stand-in layout must not leave answers for the session)."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("KIOSK_CACHE_DIR", str(folder))
    monkeypatch.setattr(screen, "arrange", stand_in_arrange)
    return folder


@pytest.fixture
def calls(monkeypatch) -> list[tuple[int, ...] | None]:
    """The slides each layout run of the fit check was asked for (None: all of them)."""
    seen: list[tuple[int, ...] | None] = []

    def counted(deck: Deck, measure, *, slides=None, **rest):
        seen.append(None if slides is None else tuple(slides))
        return layout_problems(deck, measure, slides=slides, **rest)

    def counted_by_slide(deck: Deck, measure, slides, **rest):
        slides = list(slides)
        seen.extend((index,) for index in slides)  # checked together, each as if alone
        return layout_problems_by_slide(deck, measure, slides, **rest)

    monkeypatch.setattr(kiosk.layout.validation, "layout_problems", counted)
    monkeypatch.setattr(kiosk.layout.validation, "layout_problems_by_slide", counted_by_slide)
    return seen


def too_long(folder: Path) -> Path:
    """A copy of the frozen deck whose session slide's English summary runs off every screen."""
    shutil.copytree(FROZEN_DECK, folder)
    session = folder / "the-session.yaml"
    text = session.read_text(encoding="utf-8")
    assert "summary:\n  en: A session" in text
    session.write_text(text.replace("summary:\n  en: A session", f"summary:\n  en: {MARK}A session", 1))
    return folder


def loaded(folder: Path) -> Deck:
    deck = load_deck(folder, today=TODAY)
    assert deck is not None
    return deck


def fit_warnings(folder: Path, fonts) -> list[str]:
    report = full_report(folder, fonts=fonts, today=TODAY)
    assert report.deck is not None
    return [p.format() for p in report.warnings if "too much at worst" in p.message]


def test_a_second_check_lays_out_nothing_and_says_the_same(tmp_path, fonts, cache, calls):
    folder = too_long(tmp_path / "deck")
    first = fit_warnings(folder, fonts)
    slides = len(loaded(folder).slides)
    assert calls[:slides] == [(index,) for index in range(slides)]
    assert len(first) == 1 and "the-session.yaml:7:7: warning: the summary (en) runs off" in first[0]
    calls.clear()
    assert fit_warnings(folder, fonts) == first
    assert calls == []
    assert len(list(cache.rglob("*.json"))) == slides


def test_a_copy_elsewhere_gets_the_cached_warnings_at_its_own_paths(tmp_path, fonts, cache, calls):
    assert fit_warnings(too_long(tmp_path / "one"), fonts)
    calls.clear()
    other = too_long(tmp_path / "two")
    cached = fit_warnings(other, fonts)
    assert calls == []
    assert cached and all(line.startswith(str(other / "the-session.yaml")) for line in cached)
    assert cached == fit_warnings(other, Unnamed(fonts))  # what a fresh, uncached check says
    assert calls == [None]


def test_an_edit_checks_exactly_that_slide_again(tmp_path, fonts, cache, calls):
    folder = too_long(tmp_path / "deck")
    before = fit_warnings(folder, fonts)
    deck = loaded(folder)
    index = next(i for i, slide in enumerate(deck.slides) if slide.source.endswith("the-session.yaml"))
    calls.clear()
    session = folder / "the-session.yaml"
    session.write_text(session.read_text(encoding="utf-8").replace(MARK, "", 1))
    after = fit_warnings(folder, fonts)
    assert calls == [(index,)]
    assert before and after == []


def test_a_corrupt_entry_is_checked_again_not_an_error(tmp_path, fonts, cache, calls):
    folder = too_long(tmp_path / "deck")
    first = fit_warnings(folder, fonts)
    entries = sorted(cache.rglob("*.json"))
    entries[0].write_text("{not json", encoding="utf-8")
    entries[1].write_text('{"problems": [{"file": 3}]}', encoding="utf-8")
    calls.clear()
    assert fit_warnings(folder, fonts) == first
    assert len(calls) == 2


def test_an_unwritable_cache_only_costs_time(tmp_path, fonts, monkeypatch, calls):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("KIOSK_CACHE_DIR", str(blocker / "cache"))
    folder = too_long(tmp_path / "deck")
    first = fit_warnings(folder, fonts)
    calls.clear()
    assert fit_warnings(folder, fonts) == first
    assert calls  # nothing was kept, so it laid out again
