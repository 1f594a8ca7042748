"""How long `kiosk validate`'s fit check takes (kiosk.layout.fit.fit_problems), per deck.

    .venv/bin/python benchmarks/fit.py [deck folder ...]

Prints, for the example deck and the fixture decks (or the folders given): screens, layouts
arranged (screens x languages x sizes x modes x text sizes), the time for a cold run (fresh
font cache) and a warm one (widths cached), and the number of warnings. Figures only: no target.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
DECKS = (REPO / "slides", REPO / "tests/fixtures/decks/bowel-prep-de", REPO / "tests/fixtures/decks/long-fi")


def main(folders: list[Path]) -> None:
    from kiosk.content.loader import load_deck
    from kiosk.layout.fit import MODES, TEXT_SIZES, fit_problems
    from kiosk.layout.invariant import SUPPORTED_SIZES
    from kiosk.render.painter import Fonts

    print(
        f"{'deck':16s} {'screens':>7s} {'layouts':>8s} {'cold s':>7s} {'warm s':>7s} "
        f"{'ms/layout':>9s} {'warnings':>8s}"
    )
    for folder in folders:
        deck = load_deck(folder)
        screens = sum(1 + len(s.details) for s in deck.slides)
        layouts = screens * len(deck.languages) * len(SUPPORTED_SIZES) * len(MODES) * len(TEXT_SIZES)
        fonts = Fonts()
        start = time.perf_counter()
        problems = fit_problems(deck, fonts)
        cold = time.perf_counter() - start
        start = time.perf_counter()
        fit_problems(deck, fonts)
        warm = time.perf_counter() - start
        print(
            f"{folder.name:16s} {screens:7d} {layouts:8d} {cold:7.2f} {warm:7.2f} "
            f"{1000 * warm / layouts:9.2f} {len(problems):8d}"
        )


if __name__ == "__main__":
    main([Path(a) for a in sys.argv[1:]] or list(DECKS))
