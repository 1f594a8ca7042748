"""Building a real kiosk.app.Kiosk inside a benchmark process, tolerant of how its signature grows.

Only public-looking entry points are used (Kiosk(deck, settings, display, clock=...),
settings_for, handle_event, tick, sleep_s, stage.layout, state); private caches are touched
only to make a screen "cold" again, and that is said where it happens.
"""

from __future__ import annotations

import inspect
import os
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

import pygame  # noqa: E402

from kiosk.cli import DEFAULT_DECK  # noqa: E402

_STILLS: list[Path] = []
_CHECKED: dict[Path, object] = {}


def kiosk_deck(folder: Path):
    """`folder`'s deck as the kiosk holds it: checked in the deck check's child process
    (kiosk.runtime.checker) and decoded here, so this process, like the kiosk, never imports the
    checks (pydantic, PyYAML, pyphen) and their memory is not counted as the kiosk's."""
    if folder not in _CHECKED:
        from kiosk.resources import ASSETS_DIR
        from kiosk.runtime.checker import check_in_child

        report = check_in_child(folder, assets=ASSETS_DIR)
        if report.deck is None:
            raise RuntimeError(f"{folder} is refused: {report.errors[0].format()}")
        _CHECKED[folder] = report.deck
    return _CHECKED[folder]


def load_deck(folder: Path):
    """The deck read in this process (with the checks): for decks the child would refuse, like the
    scaling benchmark's, whose process lifts the format's cap on slides."""
    from kiosk.content.loader import load_deck as load

    return load(folder)


def stills_deck() -> Path:
    """slides/ with a clip's slide showing its poster, as `benchmarks.common.deck_copy` gives: the
    figures here are a slideshow's (benchmarks/video.py measures a clip)."""
    if not _STILLS:
        import atexit
        import shutil
        import tempfile

        from benchmarks.common import still_picture

        root = Path(tempfile.mkdtemp(prefix="kiosk-stills-"))
        atexit.register(shutil.rmtree, root, True)
        shutil.copytree(DEFAULT_DECK, root / "deck")
        for slide in (root / "deck").glob("*.yaml"):
            still_picture(slide)
        _STILLS.append(root / "deck")
    return _STILLS[0]


def settings_for(deck, **kwargs):
    try:
        from kiosk.runtime.settings import settings_for as make
    except ImportError:  # older layout: settings lived in kiosk.app
        from kiosk.runtime.app import settings_for as make
    return make(deck, **kwargs)


def open_display(size: tuple[int, int]) -> pygame.Surface:
    """The kiosk's own open_display (it sets the X11 framebuffer hint), windowed at `size`."""
    from kiosk.runtime.app import open_display as kiosk_open_display

    deck = kiosk_deck(stills_deck())
    return kiosk_open_display(settings_for(deck, size=size, windowed=True, dev=True))


def make_kiosk(
    display: pygame.Surface,
    *,
    deck_folder: Path | None = None,
    clock: Callable[[], float] | None = None,
    wall_clock: Callable | None = None,
):
    from kiosk.runtime.app import Kiosk

    deck = load_deck(deck_folder) if deck_folder is not None else kiosk_deck(stills_deck())
    settings = settings_for(deck, size=display.get_size(), windowed=True, dev=True)
    kwargs: dict = {}
    parameters = inspect.signature(Kiosk).parameters
    if clock is not None:
        kwargs["clock"] = clock
    if wall_clock is not None and "wall_clock" in parameters:
        kwargs["wall_clock"] = wall_clock
    return Kiosk(deck, settings, display, **kwargs)


def centre(box) -> tuple[int, int]:
    return box.x + box.w // 2, box.y + box.h // 2


def hotspot(kiosk, prefix: str, nth: int = 0):
    hits = [h for h in kiosk.stage.layout(kiosk.state.view).hotspots if str(h.action).startswith(prefix)]
    return hits[nth % len(hits)] if hits else None


def finger_events(display: pygame.Surface, x: int, y: int) -> list[pygame.event.Event]:
    """A quick tap: finger down and up at the same point (normalised coordinates, as SDL sends)."""
    w, h = display.get_size()
    common = {"x": x / w, "y": y / h, "dx": 0.0, "dy": 0.0, "touch_id": 1, "finger_id": 0, "pressure": 1.0}
    return [pygame.event.Event(pygame.FINGERDOWN, common), pygame.event.Event(pygame.FINGERUP, common)]


def forget_screen(kiosk, view) -> None:
    """Make `view` cold again: its painted surfaces, its layout and its pictures (private caches)."""
    stage = kiosk.stage
    for cache in ("_screens", "_layouts"):
        getattr(stage, cache, {}).pop(view, None)
    try:
        deck = kiosk.state.program.deck
        slide = deck.slides[view.slide]
        detail = slide.detail(view.detail) if view.detail else None
        paths = {detail.image.path} if detail is not None and getattr(detail, "image", None) else set()
        if detail is not None:
            paths |= {
                step.image.path for step in getattr(detail, "steps", ()) if getattr(step, "image", None)
            }
        pictures = stage.painter.pictures._cache
        for key in [k for k in pictures if k[0] in paths]:
            del pictures[key]
    except (AttributeError, IndexError, TypeError):
        pass
