"""`kiosk validate`'s fit warnings (kiosk.layout.fit): one per text, located, with sizes and figures.

The reporting is tested on a stand-in `arrange` whose geometry is known to the pixel (a column of
summary lines above a disclaimer), so it does not move when the real layout is redesigned; the
real layout over the fixture decks is checked at the end.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import fake_measure

from kiosk.content.deck import Deck
from kiosk.content.loader import check_deck, load_deck, text_source
from kiosk.core.program import Mode, View
from kiosk.layout import fit, screen
from kiosk.layout.invariant import SUPPORTED_SIZES
from kiosk.layout.items import Box, ScreenLayout, TextLine
from kiosk.layout.text import wrap

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "decks"
SHORT = "Wear loose clothes and flat shoes."
LONG = " ".join(["Drink one glass of clear fluid every hour while you are awake."] * 5)


class Metrics:
    """`fit_problems` needs measure and missing; the stand-in font has every letter."""

    def measure(self, text: str, size_px: int, bold: bool) -> int:
        return fake_measure(text, size_px, bold)

    def missing(self, text: str) -> set[str]:
        return set()


def stand_in_arrange(deck: Deck, view: View, width: int, height: int, mode: Mode, measure) -> ScreenLayout:
    """The summary in lines from the top, and a disclaimer at the bottom it must keep clear of.

    On the slide `tight`, the disclaimer sits 1 px into the last line at every size."""
    slide = deck.slides[view.slide]
    size = 34 if view.large else 24
    line_h = round(size * 1.4)
    column = width - 80
    items: list = []
    y = 40
    if view.detail is None:
        for line in wrap(slide.summary.get(view.language), column, size, False, measure):
            items.append(
                TextLine(line, Box(40, y, column, line_h), size, False, "ink", measure(line, size, False))
            )
            y += line_h
    disclaimer_y = y - 1 if slide.id == "tight" else height - 60
    items.append(TextLine("Disclaimer", Box(40, disclaimer_y, 300, 40), 20, False, "mute", 100))
    return ScreenLayout(width, height, tuple(items), ())


def _deck(folder: Path, summaries: dict[str, str]) -> Path:
    folder.mkdir()
    (folder / "deck.yaml").write_text(
        "title:\n  en: Test\n  de: Test\nlanguages: [en, de]\nslides:\n"
        + "".join(f"  - {s}\n" for s in summaries),
        encoding="utf-8",
    )
    for slide_id, summary in summaries.items():
        (folder / f"{slide_id}.yaml").write_text(
            f"id: {slide_id}\n"
            "title:\n  en: A title\n  de: Ein Titel\n"
            f"summary:\n  en: {summary}\n  de: {SHORT}\n"
            "reviewed_by: Test\n",
            encoding="utf-8",
        )
    return folder


def _figure(pattern: str, text: str) -> int:
    found = re.search(pattern, text)
    assert found is not None, text
    return int(found.group(1))


@pytest.fixture()
def stand_in(monkeypatch):
    monkeypatch.setattr(screen, "arrange", stand_in_arrange)


def test_one_too_long_summary_gets_exactly_one_located_warning(tmp_path, stand_in):
    deck = load_deck(_deck(tmp_path / "deck", {"short": SHORT, "long": LONG}))
    problems = fit.fit_problems(deck, Metrics())
    assert len(problems) == 1, [p.format() for p in problems]
    problem = problems[0]
    # The `en:` line of the summary in long.yaml: line 6, after "  en: ".
    assert (Path(problem.file).name, problem.line, problem.column) == ("long.yaml", 6, 7)
    message = problem.message
    assert message.startswith("the summary (en) ")
    # 7 lines of 34 px (A+) from y 40 end at 373 at worst; 800x480 leaves 420 px above the
    # disclaimer: the smallest landscape screen is hit in touch and lobby mode, A+ included.
    assert "800x480" in message and "1920x1080" not in message
    px = _figure(r"(\d+) px too much at worst", message)
    assert px > 0
    words = _figure(r"about (\d+) words", message)
    assert 1 <= words <= len(LONG.split())


def test_the_overflow_figure_and_words_follow_the_geometry(tmp_path, stand_in):
    deck = load_deck(_deck(tmp_path / "deck", {"long": LONG}))
    problems = fit.fit_problems(deck, Metrics(), sizes=((800, 480),), modes=(Mode.TOUCH,), text_sizes=(True,))
    assert len(problems) == 1
    # At 34 px (A+; lines 48 px) the text wraps into lines of 720 px; count where they end.
    lines = wrap(LONG, 720, 34, False, fake_measure)
    bottom = 40 + 48 * len(lines)
    overlap = bottom - (480 - 60)  # all of the text below the disclaimer's top
    assert f"{overlap} px too much at worst" in problems[0].message
    per_line = len(LONG.split()) / len(lines)
    expected = round(-(-overlap // 48) * per_line)
    assert f"about {expected} words" in problems[0].message


def test_a_deck_that_fits_gets_no_warning(tmp_path, stand_in):
    deck = load_deck(_deck(tmp_path / "deck", {"short": SHORT, "also-short": SHORT}))
    assert fit.fit_problems(deck, Metrics()) == []


def test_a_one_pixel_overflow_is_flagged_at_every_size_alike(tmp_path, stand_in):
    deck = load_deck(_deck(tmp_path / "deck", {"tight": SHORT}))
    problems = fit.fit_problems(deck, Metrics())
    # Both languages overlap by 1 px: one warning each, none for any other text.
    assert sorted(p.message[len("the summary (") :][:2] for p in problems) == ["de", "en"]
    for problem in problems:
        assert "1 px too much at worst" in problem.message
        assert "at every screen size in touch and lobby mode, normal and A+ text" in problem.message


def test_where_it_happens_is_summarised():
    def c(w, h, mode=Mode.LOBBY, large=True):
        return fit.Condition(width=w, height=h, mode=mode, large=large)

    assert (
        fit._where({c(800, 480), c(1024, 600)}, SUPPORTED_SIZES)
        == "at 800x480 and 1024x600 in lobby mode with A+ text"
    )
    portrait = {c(w, h, Mode.TOUCH, False) for w, h in SUPPORTED_SIZES if h > w}
    assert fit._where(portrait, SUPPORTED_SIZES) == "at every portrait size in touch mode"
    assert fit._where({c(800, 480, Mode.TOUCH, False), c(800, 480)}, SUPPORTED_SIZES) == (
        "at 800x480 in touch mode; in lobby mode with A+ text"
    )


def test_text_source_points_at_the_language_line(tmp_path):
    folder = _deck(tmp_path / "deck", {"one": SHORT})
    file = str(folder / "one.yaml")
    assert (text_source(file, ("summary",), "de").line, text_source(file, ("summary",), "de").column) == (
        7,
        7,
    )
    assert text_source(file, ("title",), "en").line == 3
    missing = text_source(str(folder / "nope.yaml"), ("summary",), "en")
    assert (missing.line, missing.column) == (1, 1)


# -- the fixture decks, with the real layout ------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "slides", "details", "without_picture"), [("bowel-prep-de", 16, 37, 2), ("long-fi", 5, 12, 1)]
)
def test_fixture_decks_load_without_errors(name, slides, details, without_picture):
    report = check_deck(FIXTURES / name)
    assert report.errors == ()
    assert report.warnings == ()
    deck = report.deck
    assert deck is not None
    assert len(deck.slides) == slides
    assert sum(len(s.details) for s in deck.slides) == details
    assert sum(s.image is None for s in deck.slides) == without_picture
    words = [w for s in deck.slides for _, t in s.summary.by_language for w in t.split()]
    assert max(len(w) for w in words) >= 20  # long compounds, as the language writes them


@pytest.mark.long
@pytest.mark.parametrize("name", ["bowel-prep-de", "long-fi"])
def test_fixture_decks_fit_everywhere(name):
    from kiosk.render.painter import Fonts

    deck = load_deck(FIXTURES / name)
    assert [p.format() for p in fit.fit_problems(deck, Fonts())] == []
