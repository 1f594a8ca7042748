"""Screens mounted turned: the picture is drawn upright in a logical frame and turned onto the
panel, and touches are turned back the same way, so taps and pixels always agree."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Orientation:
    rotation: int  # degrees clockwise that the picture is turned on the panel: 0, 90, 180, 270
    panel_w: int
    panel_h: int

    @property
    def logical_size(self) -> tuple[int, int]:
        if self.rotation in (90, 270):
            return self.panel_h, self.panel_w
        return self.panel_w, self.panel_h

    def to_logical(self, x: float, y: float) -> tuple[float, float]:
        """A point on the panel (pixels) -> the same point in the upright picture."""
        lw, lh = self.logical_size
        if self.rotation == 90:
            return y, lh - 1 - x
        if self.rotation == 180:
            return lw - 1 - x, lh - 1 - y
        if self.rotation == 270:
            return lw - 1 - y, x
        return x, y

    def to_panel(self, x: float, y: float) -> tuple[float, float]:
        lw, lh = self.logical_size
        if self.rotation == 90:
            return lh - 1 - y, x
        if self.rotation == 180:
            return lw - 1 - x, lh - 1 - y
        if self.rotation == 270:
            return y, lw - 1 - x
        return x, y

    def to_panel_rect(self, x: int, y: int, w: int, h: int) -> tuple[int, int, int, int]:
        """A rectangle of the upright picture -> where its pixels are on the panel (x, y, w, h)."""
        lw, lh = self.logical_size
        if self.rotation == 90:
            return lh - y - h, x, h, w
        if self.rotation == 180:
            return lw - x - w, lh - y - h, w, h
        if self.rotation == 270:
            return y, lw - x - w, h, w
        return x, y, w, h
