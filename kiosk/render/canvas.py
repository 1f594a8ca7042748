"""What `Stage.compose` draws into, and what shows it.

A `pygame.Surface` is a Canvas: the software path composes straight into the display surface (or
the logical frame of a turned panel) and flips. The GPU path (`kiosk.render.gpu`) hands the Stage a
canvas that turns the same blits and fills into texture draws. This module stays free of
`pygame._sdl2` so the software path never imports the renderer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

import pygame

if TYPE_CHECKING:
    from pygame.typing import ColorLike


class Canvas(Protocol):
    """The part of `pygame.Surface` that Stage.compose uses on its target."""

    def blit(
        self,
        source: pygame.Surface,
        dest: tuple[int, int] | pygame.Rect,
        area: pygame.Rect | None = None,
        special_flags: int = 0,
    ) -> pygame.Rect: ...

    def fill(
        self, color: ColorLike, rect: pygame.Rect | None = None, special_flags: int = 0
    ) -> pygame.Rect: ...

    def get_width(self) -> int: ...

    def get_height(self) -> int: ...

    def get_size(self) -> tuple[int, int]: ...

    def get_rect(self) -> pygame.Rect: ...

    def get_clip(self) -> pygame.Rect: ...

    def set_clip(self, rect: pygame.Rect | None, /) -> None: ...


class Presenter(Protocol):
    """A screen that is not a display surface: it gives a canvas for each frame, then shows it."""

    def get_size(self) -> tuple[int, int]:
        """The panel's size in pixels (as `display.get_size()` on the software path)."""
        ...

    def canvas(self, logical_size: tuple[int, int]) -> Canvas:
        """The upright frame to compose into (the panel's size turned for a rotated panel); a new
        canvas each frame, which holds nothing of the frame before."""
        ...

    def present(self) -> None: ...

    def close(self) -> None:
        """Free the textures and close the window (before pygame.quit())."""
        ...
