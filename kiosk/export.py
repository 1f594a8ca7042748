"""`kiosk export`: every screen of the deck as a PNG, plus a manifest of its hotspots.

It composes through the same Stage as the live kiosk, so the pictures are what patients see.
"""

from __future__ import annotations

import json
import os
from dataclasses import replace
from pathlib import Path

from kiosk.deck import Deck
from kiosk.program import Mode, View, build_program
from kiosk.stage import Stage
from kiosk.state import initial_state
from kiosk.theme import THEMES


def screen_views(deck: Deck, language: str) -> list[tuple[str, View]]:
    """Every slide and detail, in play order, with the file name it is exported under."""
    views: list[tuple[str, View]] = []
    for number, slide in enumerate(deck.slides, start=1):
        views.append((f"{number:02d}-{slide.id}.png", View(number - 1, None, language)))
        for detail in slide.details:
            views.append((f"{number:02d}-{slide.id}--{detail.id}.png", View(number - 1, detail.id, language)))
    return views


def export(deck: Deck, out: Path, size: tuple[int, int], *, language: str | None = None, mode: Mode = Mode.TOUCH, theme: str | None = None, large_text: bool = False) -> dict:
    import pygame

    os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
    pygame.display.init()
    pygame.font.init()
    if pygame.display.get_surface() is None:
        pygame.display.set_mode((1, 1))
    language = language or deck.default_language
    program = build_program(deck, mode)
    stage = Stage(program, THEMES[theme or deck.theme], size)
    frame = pygame.Surface(size).convert()
    out.mkdir(parents=True, exist_ok=True)
    screens = []
    start = initial_state(program, 0.0, language)
    for name, view in screen_views(deck, language):
        index = next(i for i, entry in enumerate(program.entries) if entry.slide == view.slide and (entry.language in (None, language)))
        state = replace(start, index=index, detail=view.detail, large_text=large_text)
        stage.compose(state, 0.0, frame)
        pygame.image.save(frame, str(out / name))
        layout = stage.layout(state.view)
        screens.append({
            "file": name,
            "slide": deck.slides[view.slide].id,
            "detail": view.detail,
            "hotspots": [{"action": h.action, "rect": [h.box.x, h.box.y, h.box.w, h.box.h]} for h in layout.hotspots],
            "overflow": list(layout.overflow),
        })
    manifest = {"size": list(size), "language": language, "mode": mode.value, "screens": screens}
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return manifest
