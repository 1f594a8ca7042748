"""The type scale and spacing for one screen size, mode and text size: shares of a base length.

Sizes are shares of a base length `u`: the screen height in landscape, 1.1 x the width in
portrait (the design's type scale). Every ratio the layout uses has a name here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from kiosk.core.program import Mode

LINE_HEIGHT = 1.4
TITLE_LINE_HEIGHT = 1.15
BODY_FLOOR = {Mode.TOUCH: 0.032, Mode.LOBBY: 0.045}  # share of the short side
LOBBY_SCALE = 1.3
MIN_TARGET = 0.07  # touch targets: share of the short side (about 9 mm on a 24" screen)
# Touch targets never below 48 px, the platform guidelines' floor (about 9 mm on a 7" 800x480 panel).
MIN_TARGET_PX = 48
# The chrome (deck name, hint, disclaimer, captions) stays readable on the 7" 800x480 panel.
MIN_CHROME_PX = 14
SHRINK_STEP = 0.03
LARGE_TEXT = 1.4  # the A+ control
LARGE_FLOOR = 1.25
QR_QUIET = 4  # modules of white around a QR code, as the standard asks
QR_SIDE = 0.19  # a QR code with its quiet zone: share of the short side
PORTRAIT_DETAIL_GROW = 1.25
TITLE_FLOOR = 0.7  # headings may shrink to 70% once body text is at its floor

# Page geometry: shares of the width (margins) or the height (top, gaps).
MARGIN_X = 0.05
MARGIN_X_PORTRAIT = 0.053
TOP = 0.04
TOP_PORTRAIT = 0.03
BOTTOM = 0.035  # below the bottom row
BOTTOM_PORTRAIT = 0.03
BAR = 0.08  # top bar height: share of the short side
QR_GAP = 0.02  # between the QR block and the bottom row: share of the height
CONTENT_GAP = 0.025  # between content and whatever is below it: share of the height

# The slide screen.
SLIDE_COLUMN = 0.47  # text column beside the picture: share of the width
SLIDE_COLUMN_LARGE = 0.58  # with A+, text takes room from the picture
SLIDE_COLUMN_WIDE = 0.64  # two columns of cards beside a smaller picture
COLUMN_GAP = 0.04  # between the text column and the picture: share of the width
CARD_COLUMN_GAP = 0.025  # between two columns of cards: share of the width
MIN_CARD_COLUMN = 0.27  # narrowest column of cards: share of the short side
PORTRAIT_PICTURE = 0.3  # the picture's frame on top of a portrait slide: share of the height at most
PORTRAIT_PICTURE_LARGE = 0.2  # with A+
TITLE_GAP = 0.025  # under a slide title: share of u
CARDS_GAP = 0.035  # above the cards: share of u
CARD_H = 0.1  # a card's least height: share of the short side
CARD_GAP = 0.022  # between cards: share of the height (landscape)
CARD_GAP_PORTRAIT = 0.016
CARD_SHADOW = 0.007  # the card's shadow drops this far: share of the short side
CARD_RADIUS = 0.2  # share of the card's height
CARD_PAD = 0.8  # label padding: share of the label size
CHEVRON = 0.6  # the card's chevron: share of the label size
CARD_LINE = 1.25  # card label line height
SCROLL_CUE = 0.045  # the "more below" chevron: share of the short side

# Pictures sit in a rounded sand frame, contained with their aspect kept (never cropped or spilling).
FRAME_RADIUS = 0.08  # share of the frame's shorter side
FRAME_INSET = 0.06  # padding between frame and picture: share of the frame's shorter side
MAX_FRAME_ASPECT = 2.0  # a frame follows its picture's shape, from 2:1 to 1:2

BORDER = 0.003  # card and pill borders: share of the short side


@dataclass(frozen=True)
class Metrics:
    """The type scale and spacing for one screen size and mode."""

    width: int
    height: int
    mode: Mode
    scale: float = 1.0  # visitor's large-text factor (issue 9); 1.0 by default
    # A lobby's legibility floors (kiosk.core.legibility), from its viewing distance and screen
    # size: body text never smaller than `min_body_px`, chrome text never than `min_small_px`.
    min_body_px: int | None = None
    min_small_px: int | None = None

    @property
    def portrait(self) -> bool:
        return self.height > self.width

    @property
    def short(self) -> int:
        return min(self.width, self.height)

    @property
    def u(self) -> float:
        base = self.width * 1.1 if self.portrait else self.height
        u = base * (LOBBY_SCALE if self.mode is Mode.LOBBY else 1.0) * self.scale
        # The whole type scale grows until body text meets the floor, keeping its proportions.
        return max(u, self.min_body_px / BODY) if self.min_body_px else u

    def px(self, share: float, shrink: float = 1.0) -> int:
        return max(1, round(self.u * share * shrink))

    def chrome_px(self, share: float) -> int:
        """A chrome text size: a share of u, never below the readable minimum."""
        return max(MIN_CHROME_PX, self.min_small_px or 0, self.px(share))

    @property
    def margin_x(self) -> int:
        return round(self.width * (MARGIN_X_PORTRAIT if self.portrait else MARGIN_X))

    @property
    def top(self) -> int:
        return round(self.height * (TOP_PORTRAIT if self.portrait else TOP))

    @property
    def bottom(self) -> int:
        return round(self.height * (BOTTOM_PORTRAIT if self.portrait else BOTTOM))

    @property
    def bar_h(self) -> int:
        return max(round(self.short * BAR), round(self.short * MIN_TARGET), MIN_TARGET_PX)

    @property
    def target_px(self) -> int:
        """The least side of a touch target."""
        return max(round(self.short * MIN_TARGET), MIN_TARGET_PX)

    @property
    def border_px(self) -> int:
        return max(2, round(self.short * BORDER))

    @property
    def body_floor_px(self) -> int:
        # With A+ on, text may shrink to fit but stays clearly larger than without it.
        large = LARGE_FLOOR if self.scale > 1 else 1.0
        return max(round(self.short * BODY_FLOOR[self.mode] * large), self.min_body_px or 0)

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

# A slide keeps the first arrangement (picture beside the text, one card column) while its text
# stays at least this share of full size; below it, the arrangement with the largest text wins.
KEEP_PLAN_SHRINK = 0.85


def shrink_steps(start: float, floor: float) -> list[tuple[float, float]]:
    """(body, heading) shrink factors from the largest to the smallest: body text gives way first,
    down to its floor, with the heading alongside; then the heading alone, which has room to spare."""
    shrink = title_shrink = start
    steps = [(shrink, title_shrink)]
    while title_shrink > TITLE_FLOOR:
        if shrink > floor:
            shrink = max(floor, shrink - SHRINK_STEP)
            title_shrink = shrink
        else:
            title_shrink = max(TITLE_FLOOR, title_shrink - SHRINK_STEP)
        steps.append((shrink, title_shrink))
    return steps


def first_fitting(count: int, fits: Callable[[int], bool]) -> int:
    """The first of `count` sizes, largest first, for which `fits` holds; the last when none does.

    Text set smaller never takes more room, so bisection finds what trying each size in turn
    would, in about five layouts instead of up to twenty. The largest size is tried first: most
    screens fit at full size, and then one layout is enough."""
    if fits(0):
        return 0
    low, high = 1, count - 1
    while low < high:
        middle = (low + high) // 2
        if fits(middle):
            high = middle
        else:
            low = middle + 1
    return low
