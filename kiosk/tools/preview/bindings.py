"""The preview's keys: one table that both dispatches a key press and writes the help panel, so
the two cannot disagree."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pygame

if TYPE_CHECKING:
    from kiosk.tools.preview.window import Preview


@dataclass(frozen=True, slots=True, kw_only=True)
class Binding:
    keys: tuple[tuple[int, str], ...]  # (pygame key code, the name shown in the help)
    what: str  # what it does, for the help
    act: Callable[[Preview], None]

    @property
    def label(self) -> str:
        return " / ".join(name for _, name in self.keys)


def _save(preview: Preview) -> None:
    preview.save_pngs()


BINDINGS: tuple[Binding, ...] = (
    Binding(
        keys=(
            (pygame.K_RIGHT, "Right"),
            (pygame.K_PAGEDOWN, "Page Down"),
            (pygame.K_DOWN, "Down"),
            (pygame.K_SPACE, "Space"),
        ),
        what="next screen (every slide, then each of its details)",
        act=lambda p: p.session.next_screen(),
    ),
    Binding(
        keys=(
            (pygame.K_LEFT, "Left"),
            (pygame.K_PAGEUP, "Page Up"),
            (pygame.K_UP, "Up"),
            (pygame.K_BACKSPACE, "Backspace"),
        ),
        what="previous screen",
        act=lambda p: p.session.previous_screen(),
    ),
    Binding(keys=((pygame.K_HOME, "Home"),), what="first screen", act=lambda p: p.session.first_screen()),
    Binding(keys=((pygame.K_END, "End"),), what="last screen", act=lambda p: p.session.last_screen()),
    Binding(keys=((pygame.K_l, "L"),), what="next language", act=lambda p: p.session.next_language()),
    Binding(
        keys=((pygame.K_m, "M"),), what="touch screen or lobby TV", act=lambda p: p.session.toggle_mode()
    ),
    Binding(
        keys=((pygame.K_s, "S"),),
        what="next screen size: 1280x720, 1920x1080, 1080x1920, 3840x2160",
        act=lambda p: p.session.next_size(),
    ),
    Binding(
        keys=((pygame.K_a, "A"),),
        what="large text, as after a visitor taps A+",
        act=lambda p: p.session.toggle_large(),
    ),
    Binding(
        keys=((pygame.K_n, "N"),),
        what="play or stop this screen's narration (the speaker button's recording)",
        act=lambda p: p.toggle_narration(),
    ),
    Binding(
        keys=((pygame.K_w, "W"),), what="show or hide the warnings", act=lambda p: p.session.toggle_warnings()
    ),
    Binding(
        keys=((pygame.K_r, "R"), (pygame.K_F5, "F5")),
        what="load the deck again now",
        act=lambda p: p.session.reload_now(),
    ),
    Binding(
        keys=((pygame.K_p, "P"),),
        what="save this screen as PNG (as the kiosk shows it, and as this window shows it)",
        act=_save,
    ),
    Binding(
        keys=((pygame.K_h, "H"), (pygame.K_F1, "F1")),
        what="show or hide this help",
        act=lambda p: p.session.toggle_help(),
    ),
    Binding(keys=((pygame.K_ESCAPE, "Escape"),), what="close the preview", act=lambda p: p.session.close()),
)

_BY_KEY: dict[int, Binding] = {code: binding for binding in BINDINGS for code, _ in binding.keys}


def binding_for(key: int) -> Binding | None:
    return _BY_KEY.get(key)


def help_rows() -> list[tuple[str, str]]:
    """(keys, what they do), in the table's order: what the help panel lists."""
    return [(binding.label, binding.what) for binding in BINDINGS]
