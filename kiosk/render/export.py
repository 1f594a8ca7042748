"""`kiosk export`: every screen of the deck as a PNG, plus a manifest of what each one shows.

It composes through the same Stage as the live kiosk, so the pictures are what patients see.
"""

from __future__ import annotations

import json
import os
from dataclasses import replace
from pathlib import Path

from kiosk.content.deck import Deck
from kiosk.core.legibility import Viewing
from kiosk.core.program import Mode, Program, View, build_program
from kiosk.core.state import State, initial_state
from kiosk.core.theme import THEMES
from kiosk.layout.invariant import elements, scroll_elements, violations
from kiosk.layout.items import Hotspot, ScreenLayout
from kiosk.render.painter import Fonts
from kiosk.render.stage import Stage, screen_pages

MANIFEST_FORMAT = 2  # 2: screens carry `elements`, `violations` and `scroll` (docs/manifest.md)


def screen_views(deck: Deck, language: str) -> list[tuple[str, View]]:
    """Every slide and detail, in play order, with the file name it is exported under."""
    views: list[tuple[str, View]] = []
    for number, slide in enumerate(deck.slides, start=1):
        views.append((f"{number:02d}-{slide.id}.png", View(number - 1, None, language)))
        for detail in slide.details:
            views.append((f"{number:02d}-{slide.id}--{detail.id}.png", View(number - 1, detail.id, language)))
    return views


def view_state(program: Program, view: View, *, large_text: bool = False) -> State:
    """The kiosk's state while it shows `view` (export and the preview draw from it)."""
    start = initial_state(program, 0.0, view.language)
    if not program.touch:
        # A lobby screen is its own entry, page by page (a long slide or detail plays as pages).
        for i, entry in enumerate(program.entries):
            if (entry.slide, entry.detail, entry.page, entry.language) == (
                view.slide,
                view.detail,
                view.page,
                view.language,
            ):
                return replace(start, index=i, detail=None, large_text=large_text)
    index = next(
        i
        for i, entry in enumerate(program.entries)
        if entry.slide == view.slide and entry.language in (None, view.language)
    )
    return replace(start, index=index, detail=view.detail, large_text=large_text)


def _lobby_entries(program: Program, language: str) -> list[tuple[str, int]]:
    """Each lobby screen in `language`, in play order, with its file name and program index; a
    slide or detail split into pages exports every page (`03-benefits--symptoms-p2.png`)."""
    deck = program.deck
    out: list[tuple[str, int]] = []
    for index, entry in enumerate(program.entries):
        if entry.language != language:
            continue
        name = f"{entry.slide + 1:02d}-{deck.slides[entry.slide].id}"
        if entry.detail is not None:
            name += f"--{entry.detail}"
        name += f"-p{entry.page + 1}" if entry.page else ""
        out.append((f"{name}.png", index))
    return out


def export(
    deck: Deck,
    out: Path,
    size: tuple[int, int],
    *,
    language: str | None = None,
    mode: Mode = Mode.TOUCH,
    theme: str | None = None,
    large_text: bool = False,
) -> dict:
    import pygame

    headless_display()
    language = language or deck.default_language
    # A lobby export uses the legibility rule's default viewing (kiosk.core.legibility), as the live
    # kiosk does when the local settings give no other: the pictures are what the room sees.
    viewing = Viewing() if mode is Mode.LOBBY else None
    program = build_program(deck, mode, pages=screen_pages(deck, size, Fonts(), viewing))
    stage = Stage(program, THEMES[theme or deck.theme], size, viewing=viewing)
    frame = pygame.Surface(size).convert()
    out.mkdir(parents=True, exist_ok=True)
    screens = []
    states: list[tuple[str, State]] = []
    if mode is Mode.LOBBY:
        start = initial_state(program, 0.0, language)
        for name, index in _lobby_entries(program, language):
            states.append((name, replace(start, index=index, large_text=large_text)))
    else:
        for name, view in screen_views(deck, language):
            states.append((name, view_state(program, view, large_text=large_text)))
    for name, state in states:
        stage.compose(state, 0.0, frame)
        pygame.image.save(frame, str(out / name))
        view = state.view
        layout = stage.layout(view)
        entry = _screen_entry(name, deck.slides[view.slide].id, view.detail, layout)
        if view.page:
            entry["page"] = view.page + 1
        screens.append(entry)
    manifest = {
        "format": MANIFEST_FORMAT,
        "size": list(size),
        "language": language,
        "mode": mode.value,
        "large_text": large_text,
        "screens": screens,
    }
    (out / "manifest.json").write_text(
        json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    return manifest


def _screen_entry(name: str, slide: str, detail: str | None, layout: ScreenLayout) -> dict:
    """One screen of manifest.json (docs/manifest.md): hotspots, what was drawn, and what scrolls."""
    entry: dict = {
        "file": name,
        "slide": slide,
        "detail": detail,
        "hotspots": [_hotspot(h) for h in layout.hotspots],
        "elements": elements(layout),
        "overflow": list(layout.overflow),
        "violations": [f"{v.rule}: {v.message}" for v in violations(layout)],
    }
    if layout.viewport is not None:
        view = layout.viewport
        entry["scroll"] = {
            "viewport": [view.x, view.y, view.w, view.h],
            "content_height_px": layout.content_height_px,
            "elements": scroll_elements(layout),
            "hotspots": [_hotspot(h) for h in layout.scroll_hotspots],
        }
    return entry


def _hotspot(hotspot: Hotspot) -> dict:
    box = hotspot.box
    return {"action": str(hotspot.action), "rect": [box.x, box.y, box.w, box.h]}


def export_staff(deck: Deck, out: Path, size: tuple[int, int]) -> list[str]:
    """The staff screens with sample figures (for the docs and for a look before release)."""
    import pygame

    from kiosk.core.admin import AdminState
    from kiosk.layout.staff import AdminInfo

    program = build_program(deck, Mode.TOUCH)
    stage = Stage(program, THEMES[deck.theme], size)
    frame = pygame.Surface(size).convert()
    info = AdminInfo(
        name="waiting-room-1",
        version="0.1.0",
        uptime_s=3 * 86400 + 4 * 3600 + 12 * 60,
        deck=str(deck.folder),
        loaded_at="2026-11-25 08:02",
        slides=len(deck.slides),
        errors=("benefits.yaml:3:1: unknown key `titel`: did you mean `title`?",),
        # Enough warnings to page, so the "+N more" row is in the picture.
        warnings=tuple(
            f"{slide.id}.yaml:10:14: warning: this slide is waiting for clinical review"
            for slide in deck.slides
        ),
        overdue=("aftercare: review was due 2026-11-01",),
        fps=0.9,
        memory_mb=61,
        today="214 screens shown, 9 topics opened, 4 visitor sessions",
        display=f"{size[0]}x{size[1]}, rotation 0, touch mode",
    )
    screens = {
        "admin-pin.png": AdminState("pin", digits="24", message="Wrong PIN"),
        "admin-main.png": AdminState("main"),
        "admin-exit.png": AdminState("exit"),
        "admin-touch.png": AdminState(  # the middle, and two corners: their labels stay on screen
            "touch", marks=((size[0] // 4, size[1] // 2), (size[0] - 1, size[1] - 1), (0, 0))
        ),
        "admin-pattern.png": AdminState("pattern"),
    }
    out.mkdir(parents=True, exist_ok=True)
    start = initial_state(program, 0.0)
    for name, admin in screens.items():
        stage.compose_admin(replace(start, admin=admin), info, frame)
        pygame.image.save(frame, str(out / name))
    return list(screens)


def headless_display() -> None:
    """Enough of pygame to paint and convert surfaces with no screen (export, preview PNGs):
    the dummy video driver unless the caller chose one, fonts, and a 1x1 display for convert()."""
    import pygame

    os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
    pygame.display.init()
    pygame.font.init()
    if pygame.display.get_surface() is None:
        pygame.display.set_mode((1, 1))
