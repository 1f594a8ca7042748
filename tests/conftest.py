"""Shared test setup: headless SDL, the real deck, and a fake text measure for pure layout tests."""

from __future__ import annotations

import datetime
import os
from pathlib import Path

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

import pytest  # noqa: E402

from kiosk.content.deck import Deck  # noqa: E402
from kiosk.content.loader import load_deck  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
SLIDES = REPO / "slides"

SIZES = [(1280, 720), (1920, 1080), (3840, 2160), (1080, 1920)]


class Clocks:
    """A fake monotonic clock and a wall clock that moves with it, from `start`."""

    def __init__(self, start: datetime.datetime = datetime.datetime(2026, 11, 23, 12, 0)) -> None:
        self.now = 0.0
        self.start = start

    def mono(self) -> float:
        return self.now

    def wall(self) -> datetime.datetime:
        return self.start + datetime.timedelta(seconds=self.now)


def fake_measure(text: str, size_px: int, bold: bool) -> int:
    """A font where every character is 0.55 em wide (0.6 bold): close to Atkinson Hyperlegible."""
    return round(len(text) * size_px * (0.6 if bold else 0.55))


@pytest.fixture(scope="session")
def deck() -> Deck:
    return load_deck(SLIDES)


LINK_URL = "https://example-clinic.com/sclerotherapy"
DETAIL_LINK_URL = "https://example-clinic.com/aftercare?lang=en"


@pytest.fixture()
def linked_deck(tmp_path):
    """A copy of slides/ with a link on the aftercare slide and another on its walking detail."""
    import shutil

    folder = tmp_path / "deck"
    shutil.copytree(SLIDES, folder)
    path = folder / "aftercare.yaml"
    text = path.read_text(encoding="utf-8").replace(
        "review_due: 2027-05-25", f"review_due: 2027-05-25\nlink: {LINK_URL}", 1
    )
    text = text.replace(
        "    image: illustrations/walking.svg",
        f"    image: illustrations/walking.svg\n    link: {DETAIL_LINK_URL}",
        1,
    )
    assert LINK_URL in text and DETAIL_LINK_URL in text
    path.write_text(text, encoding="utf-8")
    return folder


def pytest_collection_modifyitems(config, items):
    if os.environ.get("KIOSK_LONG") == "1":
        return
    skip = pytest.mark.skip(reason="long run: set KIOSK_LONG=1 to run it")
    for item in items:
        if "long" in item.keywords:
            item.add_marker(skip)
