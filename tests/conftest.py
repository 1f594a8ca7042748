"""Shared test setup: headless SDL, the real deck, and a fake text measure for pure layout tests."""

from __future__ import annotations

import os

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

import pytest  # noqa: E402

from kiosk.deck import Deck  # noqa: E402
from kiosk.loader import PACKAGE_ROOT, load_deck  # noqa: E402

REPO = PACKAGE_ROOT
SLIDES = REPO / "slides"

SIZES = [(1280, 720), (1920, 1080), (3840, 2160), (1080, 1920)]


def fake_measure(text: str, size_px: int, bold: bool) -> int:
    """A font where every character is 0.55 em wide (0.6 bold): close to Atkinson Hyperlegible."""
    return round(len(text) * size_px * (0.6 if bold else 0.55))


@pytest.fixture(scope="session")
def deck() -> Deck:
    return load_deck(SLIDES)


def pytest_collection_modifyitems(config, items):
    if os.environ.get("KIOSK_LONG") == "1":
        return
    skip = pytest.mark.skip(reason="long run: set KIOSK_LONG=1 to run it")
    for item in items:
        if "long" in item.keywords:
            item.add_marker(skip)
