"""How the fit check gets through its matrix faster without checking less (issue 16).

- A lobby ignores A+, so its normal and A+ cells are laid out once and reported for both.
- Many slides are checked in worker processes, each with a font of its own, and say exactly what
  one process says.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pygame
import pytest
from conftest import FROZEN_DECK, TODAY

from kiosk.content.deck import Deck
from kiosk.content.loader import load_deck
from kiosk.core.program import Mode, View
from kiosk.layout import fit, screen, validation
from kiosk.layout.invariant import LANDSCAPE_SIZES, PORTRAIT_SIZES
from kiosk.layout.items import Box, ScreenLayout, TextLine
from kiosk.render.painter import Fonts

MARK = "OFF "


@pytest.fixture(scope="module")
def fonts() -> Fonts:
    pygame.font.init()
    return Fonts()


@pytest.fixture(scope="module")
def deck() -> Deck:
    found = load_deck(FROZEN_DECK, today=TODAY)
    assert found is not None
    return found


def test_a_lobby_lays_out_a_plus_exactly_as_normal_text(deck, fonts):
    # What the fit check's sharing of lobby cells rests on: `arrange` ignores A+ in lobby mode.
    sizes = (LANDSCAPE_SIZES[0], (1920, 1080), PORTRAIT_SIZES[-1])
    for index, slide in enumerate(deck.slides):
        for detail in (None, *(d.id for d in slide.details)):
            for width, height in sizes:
                normal, large = (
                    screen.arrange(
                        deck,
                        View(index, detail, "en", large=a_plus),
                        width,
                        height,
                        Mode.LOBBY,
                        fonts.measure,
                    )
                    for a_plus in (False, True)
                )
                assert normal == large, (slide.id, detail, width, height)
    # ...while in touch mode A+ does change the screen (so those cells are still laid out).
    touch = [
        screen.arrange(deck, View(0, None, "en", large=a_plus), 1920, 1080, Mode.TOUCH, fonts.measure)
        for a_plus in (False, True)
    ]
    assert touch[0] != touch[1]


def overflowing_arrange(calls: list[tuple[Mode, bool]]):
    """A stand-in that keeps the kiosk's rule (A+ only in touch mode) and runs a summary marked OFF
    off the bottom of every screen; it notes each (mode, A+) it is asked to lay out."""

    def arrange(deck: Deck, view: View, width: int, height: int, mode: Mode, measure) -> ScreenLayout:
        calls.append((mode, view.large))
        if view.detail is not None:
            return ScreenLayout(width, height, (), ())
        summary = deck.slides[view.slide].summary.get(view.language)
        large = view.large and mode is Mode.TOUCH
        y = height + 10 if summary.startswith(MARK) and (large or mode is Mode.LOBBY) else 40
        return ScreenLayout(
            width, height, (TextLine(summary, Box(40, y, 200, 40), 24, False, "ink", 200),), ()
        )

    return arrange


def marked_deck(folder: Path) -> Deck:
    shutil.copytree(FROZEN_DECK, folder)
    session = folder / "the-session.yaml"
    text = session.read_text(encoding="utf-8")
    session.write_text(text.replace("summary:\n  en: A session", f"summary:\n  en: {MARK}A session", 1))
    found = load_deck(folder, today=TODAY)
    assert found is not None
    return found


def test_lobby_cells_are_laid_out_once_and_reported_for_normal_and_a_plus(tmp_path, monkeypatch):
    calls: list[tuple[Mode, bool]] = []
    monkeypatch.setattr(screen, "arrange", overflowing_arrange(calls))
    deck = marked_deck(tmp_path / "deck")
    index = next(i for i, s in enumerate(deck.slides) if s.id == "the-session")
    problems = fit.layout_problems(
        deck, lambda text, size_px, bold: len(text) * size_px // 2, slides=(index,)
    )
    assert len(problems) == 1
    message = problems[0].message
    # Breaks in touch mode with A+ only, and everywhere in the lobby: both lobby cells are named.
    assert message.count("at every screen size") == 1, message
    for setting in ("in touch mode with A+ text", "; in lobby mode;", "; in lobby mode with A+ text:"):
        assert setting in message, message
    assert "in touch mode;" not in message and "touch mode, normal" not in message, message
    assert (Mode.LOBBY, True) not in calls
    assert calls.count((Mode.LOBBY, False)) == calls.count((Mode.TOUCH, True)) > 0


def test_many_slides_checked_in_workers_say_what_one_process_says(tmp_path, monkeypatch, fonts):
    pids = tmp_path / "pids"
    calls: list[tuple[Mode, bool]] = []
    inner = overflowing_arrange(calls)

    def noting(*args, **kwargs) -> ScreenLayout:
        with open(pids, "a", encoding="utf-8") as out:
            out.write(f"{os.getpid()}\n")
        return inner(*args, **kwargs)

    monkeypatch.setattr(screen, "arrange", noting)
    deck = marked_deck(tmp_path / "deck")
    indexes = list(range(len(deck.slides)))
    memo = validation._Memo(fonts.measure)
    alone = {index: fit.layout_problems(deck, memo, slides=(index,)) for index in indexes}
    assert any(alone.values())  # the marked slide's warning is among them
    pids.unlink()
    monkeypatch.setattr(validation, "_workers", lambda slides: 2)
    together = validation._check_slides(deck, fonts, memo, indexes)
    assert together == alone
    assert {int(pid) for pid in pids.read_text().split()} - {os.getpid()}, "no worker laid anything out"


def test_workers_stay_one_for_few_slides_or_when_asked(monkeypatch):
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1, 2, 3}, raising=False)
    monkeypatch.delenv(validation.WORKERS_ENV, raising=False)
    monkeypatch.setattr(validation.threading, "active_count", lambda: 1)
    assert validation._workers(validation.PARALLEL_MIN_SLIDES - 1) == 1
    assert validation._workers(100) == 4
    monkeypatch.setenv(validation.WORKERS_ENV, "1")
    assert validation._workers(100) == 1
    monkeypatch.setenv(validation.WORKERS_ENV, "")
    monkeypatch.setattr(validation.threading, "active_count", lambda: 2)  # forking would not be safe
    assert validation._workers(100) == 1


def test_the_overlap_sweep_finds_exactly_the_pairs_every_pair_check_finds():
    import random

    from kiosk.layout import invariant
    from kiosk.layout.items import Shape

    rng = random.Random(16)
    for _ in range(200):
        items = [
            Shape(
                "rect",
                Box(rng.randint(-50, 400), rng.randint(-50, 300), rng.randint(-5, 120), rng.randint(-5, 80)),
                fill="card",
                layer=rng.choice(["panel", "mark"]),
            )
            for _ in range(rng.randint(0, 40))
        ]
        every = [
            (i, j)
            for i in range(len(items))
            for j in range(i + 1, len(items))
            if items[i].box.overlaps(items[j].box)
        ]
        assert invariant._meeting(items) == every
