"""The type scale and spacing for one screen size, mode and text size: shares of a base length.

Sizes are shares of a base length `u`: the screen height in landscape, 1.1 x the width in
portrait (the design's type scale).
"""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.core.program import Mode

LINE_HEIGHT = 1.4
TITLE_LINE_HEIGHT = 1.15
BODY_FLOOR = {Mode.TOUCH: 0.032, Mode.LOBBY: 0.045}  # share of the short side
LOBBY_SCALE = 1.3
MIN_TARGET = 0.07  # touch targets: share of the short side (about 9 mm on a 24" screen)
SHRINK_STEP = 0.03
LARGE_TEXT = 1.4  # the A+ control
LARGE_FLOOR = 1.25
QR_QUIET = 4  # modules of white around a QR code, as the standard asks
PORTRAIT_DETAIL_GROW = 1.25
TITLE_FLOOR = 0.7  # headings may shrink to 70% once body text is at its floor


@dataclass(frozen=True)
class Metrics:
    """The type scale and spacing for one screen size and mode."""

    width: int
    height: int
    mode: Mode
    scale: float = 1.0  # visitor's large-text factor (issue 9); 1.0 by default

    @property
    def portrait(self) -> bool:
        return self.height > self.width

    @property
    def short(self) -> int:
        return min(self.width, self.height)

    @property
    def u(self) -> float:
        base = self.width * 1.1 if self.portrait else self.height
        return base * (LOBBY_SCALE if self.mode is Mode.LOBBY else 1.0) * self.scale

    def px(self, share: float, shrink: float = 1.0) -> int:
        return max(1, round(self.u * share * shrink))

    @property
    def margin_x(self) -> int:
        return round(self.width * (0.053 if self.portrait else 0.05))

    @property
    def top(self) -> int:
        return round(self.height * (0.03 if self.portrait else 0.04))

    @property
    def bar_h(self) -> int:
        return max(round(self.short * 0.08), round(self.short * MIN_TARGET))

    @property
    def body_floor_px(self) -> int:
        # With A+ on, text may shrink to fit but stays clearly larger than without it.
        large = LARGE_FLOOR if self.scale > 1 else 1.0
        return round(self.short * BODY_FLOOR[self.mode] * large)

    def min_shrink(self, body_share: float) -> float:
        return min(1.0, self.body_floor_px / (self.u * body_share))


# Type scale (share of u) from the design direction.
TITLE = 0.072
DETAIL_TITLE = 0.062
SUMMARY = 0.039
CARD_LABEL = 0.035
BODY = 0.035
HINT = 0.03
SMALL = 0.023
DECK_NAME = 0.026
KICKER = 0.028
