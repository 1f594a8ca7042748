"""How large lobby text must be to be read across a waiting room: a rule from the viewing distance
and the screen's physical size, turned into pixel floors for the layout.

The rule (documented in the README's lobby section): the capital letters of body text are at
least 1/150 of the viewing distance tall (about 23 arcminutes, above the 20-22 arcminutes that
HFES 100 prefers, for older readers), and those of the small chrome text (disclaimer, deck name,
hint) at least 1/200 (about 17 arcminutes, above its 16-arcminute minimum). At 3.5 m that is
23 mm and 17.5 mm. The screen's pixels per millimetre come from its diagonal.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

BODY_CAP_PER_DISTANCE = 1 / 150
SMALL_CAP_PER_DISTANCE = 1 / 200
CAP_HEIGHT_EM = 0.68  # Atkinson Hyperlegible's capitals: 0.68 of the font size (measured)
MM_PER_INCH = 25.4


@dataclass(frozen=True, slots=True, kw_only=True)
class Viewing:
    """Where the lobby's viewers are: their distance and the screen's diagonal."""

    distance_m: float = 3.5
    diagonal_in: float = 50.0


@dataclass(frozen=True, slots=True, kw_only=True)
class TextFloor:
    """The least font sizes, in pixels, that meet the rule on one screen."""

    body_px: int
    small_px: int


def px_per_mm(viewing: Viewing, width_px: int, height_px: int) -> float:
    return math.hypot(width_px, height_px) / (viewing.diagonal_in * MM_PER_INCH)


def text_floor(viewing: Viewing, width_px: int, height_px: int) -> TextFloor:
    """The font sizes whose capitals meet the rule at this distance on this screen."""
    scale = px_per_mm(viewing, width_px, height_px) / CAP_HEIGHT_EM
    distance_mm = viewing.distance_m * 1000
    return TextFloor(
        body_px=math.ceil(distance_mm * BODY_CAP_PER_DISTANCE * scale),
        small_px=math.ceil(distance_mm * SMALL_CAP_PER_DISTANCE * scale),
    )
