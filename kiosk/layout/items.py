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
from kiosk.core.actions import Action

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
    action: Action
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
    # Hotspots that scroll with `scroll_items` (content coordinates, like them): a slide whose
    # topic cards do not fit scrolls them, and a tap must find the card under the finger.
    scroll_hotspots: tuple[Hotspot, ...] = ()

    @property
    def scroll_limit_px(self) -> int:
        if self.viewport is None:
            return 0
        return max(0, self.content_height_px - self.viewport.h)

    def scroll_offset(self, scroll_px: float) -> int:
        """How far the content is scrolled, as drawn: `scroll_px` held within the limit."""
        return round(min(max(0.0, scroll_px), self.scroll_limit_px))

    def hit(self, x: float, y: float, scroll_px: float = 0.0) -> Action | None:
        for hotspot in self.hotspots:
            if hotspot.box.contains(x, y):
                return hotspot.action
        if self.viewport is not None and self.viewport.contains(x, y):
            offset = self.scroll_offset(scroll_px)
            for hotspot in self.scroll_hotspots:
                if hotspot.box.contains(x, y + offset):
                    return hotspot.action
        return None

    def hotspot_boxes(self, action: Action, scroll_px: float = 0.0) -> list[Box]:
        """Where the hotspots for `action` are on screen now (a scrolled one cut to its viewport)."""
        boxes = [hotspot.box for hotspot in self.hotspots if hotspot.action == action]
        if self.viewport is not None:
            offset = self.scroll_offset(scroll_px)
            view = self.viewport
            for hotspot in self.scroll_hotspots:
                if hotspot.action != action:
                    continue
                box = hotspot.box
                top, bottom = max(view.y, box.y - offset), min(view.bottom, box.bottom - offset)
                if bottom > top:
                    boxes.append(Box(box.x, top, box.w, bottom - top))
        return boxes
