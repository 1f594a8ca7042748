"""What a screen is made of: boxes, shapes, text lines, pictures, QR codes and hotspots.

Drawing paints exactly these items and hit-testing reads exactly these hotspots, so what a visitor
sees is what they can tap.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from kiosk.content.deck import Image, QrCode
from kiosk.content.deck import Run as Run  # a TextLine's runs, defined with the body markup

Measure = Callable[[str, int, bool], int]  # (text, size_px, bold) -> width in px

# How a shape takes part in the no-overlap rule (kiosk.layout.invariant):
# - "panel": a surface that text or marks may sit on, wholly inside it (card, button, pill, disc, badge);
# - "mark": a small sign that must touch no text, picture or QR code (chevron, dot, bullet, ring);
# - "backdrop": drawn under a panel and exempt (a card's shadow).
Layer = Literal["panel", "mark", "backdrop"]


@dataclass(frozen=True)
class Box:
    x: int
    y: int
    w: int
    h: int

    @property
    def right(self) -> int:
        return self.x + self.w

    @property
    def bottom(self) -> int:
        return self.y + self.h

    def contains(self, x: float, y: float) -> bool:
        return self.x <= x < self.right and self.y <= y < self.bottom

    def overlaps(self, other: Box) -> bool:
        return (
            self.x < other.right and other.x < self.right and self.y < other.bottom and other.y < self.bottom
        )

    def inside(self, other: Box) -> bool:
        return (
            self.x >= other.x
            and self.y >= other.y
            and self.right <= other.right
            and self.bottom <= other.bottom
        )


@dataclass(frozen=True)
class Shape:
    """A filled or outlined form: "rect" (rounded by radius_px), "circle", "chevron-right",
    "chevron-left", "chevron-down" (drawn in the box), or "ring"."""

    kind: str
    box: Box
    fill: str | None = None  # a theme role
    border: str | None = None
    border_px: int = 0
    radius_px: int = 0
    layer: Layer = "mark"
    role: str = ""  # what it is, for the manifest: "card", "button", "disc", "chevron", "dot", ...


@dataclass(frozen=True)
class TextLine:
    text: str
    box: Box  # the line box: height is the line height; the text is centred in it vertically
    size_px: int
    bold: bool
    color: str  # a theme role
    measured_w: int
    role: str = ""  # what it is, for the manifest: "title", "summary", "body", "disclaimer", ...
    block: str = ""  # shared by the lines of one paragraph or label, for the manifest
    # A line that mixes weights (a body's **bold**): its text run by run, drawn left to right, each
    # in its own weight; `text` is their concatenation and `measured_w` the sum of their widths.
    runs: tuple[Run, ...] = ()


@dataclass(frozen=True)
class Picture:
    image: Image
    box: Box
    role: str = "picture"


@dataclass(frozen=True)
class Qr:
    """A QR code drawn at a whole number of pixels per module, quiet zone included in `box`."""

    code: QrCode
    box: Box
    module_px: int
    role: str = "qr"


Item = Shape | TextLine | Picture | Qr


@dataclass(frozen=True)
class Hotspot:
    action: str
    box: Box


@dataclass(frozen=True)
class ScreenLayout:
    width: int
    height: int
    items: tuple[Item, ...]
    hotspots: tuple[Hotspot, ...]
    # Items that scroll inside `viewport` (content coordinates: as drawn at scroll 0).
    scroll_items: tuple[Item, ...] = ()
    viewport: Box | None = None
    content_height_px: int = 0
    overflow: tuple[str, ...] = ()  # text that does not fit even at the floor size

    @property
    def scroll_limit_px(self) -> int:
        if self.viewport is None:
            return 0
        return max(0, self.content_height_px - self.viewport.h)

    def hit(self, x: float, y: float) -> str | None:
        for hotspot in self.hotspots:
            if hotspot.box.contains(x, y):
                return hotspot.action
        return None
