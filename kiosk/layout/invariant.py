"""The layout invariant every screen must hold, checked on the layout itself (no pixels needed).

For every valid deck, at every supported screen, language, mode, text size and theme:
- no drawn element lies outside the screen;
- no two elements overlap (text, cards, pictures, QR codes and the chrome);
- no text is clipped (a line is never wider than its box, and nothing is left over as `overflow`);
- every hotspot is fully on screen, at least `MIN_HOTSPOT_PX` square, and touches no other hotspot.

Shapes say how they take part through their `layer` (see `kiosk.layout.items.Layer`): text and
marks may sit on a panel only wholly inside it, panels nest or stay apart, backdrops are exempt.
Items in `scroll_items` are checked among themselves, and the fixed items must keep clear of the
viewport they scroll in.

`elements(layout)` lists what was drawn, in reading order, for `manifest.json` (docs/manifest.md).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from kiosk.layout.items import Box, Item, Picture, Qr, ScreenLayout, Shape, TextLine
from kiosk.layout.metrics import MIN_TARGET_PX

# Touch targets: 48 px is the floor of the platform guidelines (about 9 mm on a 7" 800x480 panel).
MIN_HOTSPOT_PX = MIN_TARGET_PX
# Supported screens (issue 13): every layout must hold the invariant at each of them.
LANDSCAPE_SIZES: tuple[tuple[int, int], ...] = (
    (800, 480),
    (1024, 600),
    (1280, 720),
    (1280, 800),
    (1366, 768),
    (1920, 1080),
    (1920, 1200),
    (2560, 1440),
    (3840, 2160),
)
PORTRAIT_SIZES: tuple[tuple[int, int], ...] = ((480, 800), (720, 1280), (1080, 1920), (2160, 3840))
SUPPORTED_SIZES = LANDSCAPE_SIZES + PORTRAIT_SIZES


@dataclass(frozen=True, slots=True, kw_only=True)
class Violation:
    rule: str  # "outside", "overlap", "clipped", "overflow", "hotspot"
    message: str


def violations(layout: ScreenLayout) -> list[Violation]:
    """Every way `layout` breaks the invariant; an empty list means it holds."""
    found: list[Violation] = []
    screen = Box(0, 0, layout.width, layout.height)
    for item in layout.items:
        if _drawn(item) and not item.box.inside(screen):
            found.append(
                Violation(rule="outside", message=f"{_name(item)} at {_rect(item.box)} leaves the screen")
            )
    if layout.viewport is not None:
        if not layout.viewport.inside(screen):
            found.append(
                Violation(
                    rule="outside", message=f"scroll viewport {_rect(layout.viewport)} leaves the screen"
                )
            )
        for item in layout.scroll_items:
            if _drawn(item) and (item.box.x < layout.viewport.x or item.box.right > layout.viewport.right):
                found.append(
                    Violation(
                        rule="outside",
                        message=f"{_name(item)} at {_rect(item.box)} is wider than its viewport",
                    )
                )
        for item in layout.items:
            if _layer(item) != "backdrop" and _drawn(item) and item.box.overlaps(layout.viewport):
                found.append(
                    Violation(
                        rule="overlap",
                        message=f"{_name(item)} at {_rect(item.box)} lies over the scrolling area"
                        f" {_rect(layout.viewport)}",
                    )
                )
    found += _clipped(layout.items) + _clipped(layout.scroll_items)
    found += _overlaps(layout.items) + _overlaps(layout.scroll_items)
    found += [Violation(rule="overflow", message=text) for text in layout.overflow]
    found += _hotspots(layout, screen)
    return found


def elements(layout: ScreenLayout, *, scroll_px: int = 0) -> list[dict[str, object]]:
    """What was drawn, in reading order (top to bottom, then left to right), for the manifest.

    Scrolling items are placed as drawn at `scroll_px`, and only those wholly inside the viewport
    (`scroll_elements` lists all of them)."""
    drawn: list[Item] = [item for item in layout.items if _drawn(item)]
    if layout.viewport is not None:
        for item in layout.scroll_items:
            moved = Box(item.box.x, item.box.y - scroll_px, item.box.w, item.box.h)
            # Only what is wholly in view: a card cut by the viewport's edge is not readable yet.
            if _drawn(item) and moved.inside(layout.viewport):
                drawn.append(_moved(item, moved))
    drawn.sort(key=lambda item: (item.box.y, item.box.x))
    out: list[dict[str, object]] = []
    for item in drawn:
        entry: dict[str, object] = {
            "kind": _kind(item),
            "rect": [item.box.x, item.box.y, item.box.w, item.box.h],
        }
        entry["text"] = item.text if isinstance(item, TextLine) else ""
        if isinstance(item, TextLine):
            entry["block"] = item.block
            entry["size_px"] = item.size_px
        out.append(entry)
    return out


def scroll_elements(layout: ScreenLayout) -> list[dict[str, object]]:
    """Everything that scrolls, in content coordinates (as drawn at scroll 0), in reading order."""
    return elements(
        ScreenLayout(
            layout.width,
            layout.content_height_px + (layout.viewport.y if layout.viewport else 0),
            tuple(layout.scroll_items),
            (),
        )
    )


# -- rules ------------------------------------------------------------------------------------


def _clipped(items: Iterable[Item]) -> list[Violation]:
    found = []
    for item in items:
        if isinstance(item, TextLine) and item.text.strip():
            if item.measured_w > item.box.w:
                found.append(
                    Violation(
                        rule="clipped",
                        message=f"text {item.text!r} is {item.measured_w - item.box.w}px wider than"
                        f" its box {_rect(item.box)}",
                    )
                )
            if item.box.h < item.size_px:
                found.append(
                    Violation(
                        rule="clipped",
                        message=f"text {item.text!r} at {item.size_px}px has a line box only"
                        f" {item.box.h}px tall",
                    )
                )
    return found


def _overlaps(items: Sequence[Item]) -> list[Violation]:
    solid = [item for item in items if _drawn(item) and _layer(item) != "backdrop"]
    found = []
    for i, j in _meeting(solid):
        a, b = solid[i], solid[j]
        problem = _conflict(a, b)
        if problem:
            found.append(
                Violation(
                    rule="overlap",
                    message=f"{_name(a)} at {_rect(a.box)} and {_name(b)} at {_rect(b.box)}: {problem}",
                )
            )
    return found


def _meeting(items: Sequence[Item]) -> list[tuple[int, int]]:
    """The pairs (i < j, in order) of items whose boxes overlap. Only boxes whose spans across meet
    can: a sweep from the left finds those (a long deck puts hundreds of progress dots on every
    screen, and trying every pair grew with the square of the deck)."""
    order = sorted(range(len(items)), key=lambda n: items[n].box.x)
    pairs = []
    for at, i in enumerate(order):
        box = items[i].box
        right = box.right
        for k in range(at + 1, len(order)):
            j = order[k]
            other = items[j].box
            if other.x >= right:  # and so are all after it: none of them can overlap `box`
                break
            if box.overlaps(other):
                pairs.append((i, j) if i < j else (j, i))
    pairs.sort()
    return pairs


def _conflict(a: Item, b: Item) -> str | None:
    """Why two intersecting items may not be drawn like this, or None when the pair is allowed."""
    la, lb = _layer(a), _layer(b)
    if la == "panel" and lb == "panel":
        return None if a.box.inside(b.box) or b.box.inside(a.box) else "panels cross"
    if la == "panel" or lb == "panel":
        panel, other = (a, b) if la == "panel" else (b, a)
        # Text, marks and pictures sit on a panel only wholly inside it (a picture fills its frame).
        return None if other.box.inside(panel.box) else "sticks out of a panel"
    if la == "mark" and lb == "mark":
        return None if a.box.inside(b.box) or b.box.inside(a.box) else "marks overlap"
    return "overlap"


def _hotspots(layout: ScreenLayout, screen: Box) -> list[Violation]:
    found = []
    for i, hotspot in enumerate(layout.hotspots):
        name = f"hotspot '{hotspot.action}' {_rect(hotspot.box)}"
        if not hotspot.box.inside(screen):
            found.append(Violation(rule="hotspot", message=f"{name} is not fully on screen"))
        if hotspot.box.w < MIN_HOTSPOT_PX or hotspot.box.h < MIN_HOTSPOT_PX:
            found.append(
                Violation(
                    rule="hotspot", message=f"{name} is smaller than {MIN_HOTSPOT_PX}x{MIN_HOTSPOT_PX}px"
                )
            )
        if (
            layout.viewport is not None
            and hotspot.box.overlaps(layout.viewport)
            and not hotspot.box.inside(layout.viewport)
        ):
            found.append(Violation(rule="hotspot", message=f"{name} is half under the scrolling area"))
        for other in layout.hotspots[i + 1 :]:
            if hotspot.box.overlaps(other.box):
                found.append(Violation(rule="hotspot", message=f"{name} overlaps hotspot '{other.action}'"))
    found += _scroll_hotspots(layout)
    return found


def _scroll_hotspots(layout: ScreenLayout) -> list[Violation]:
    """A hotspot that scrolls must be reachable: within its viewport's width and the scrolled
    content, no taller than the viewport (so it can be seen whole), and big enough."""
    if not layout.scroll_hotspots:
        return []
    view = layout.viewport
    if view is None:
        return [Violation(rule="hotspot", message="scrolling hotspots without a scrolling area")]
    content = Box(view.x, view.y, view.w, max(view.h, layout.content_height_px))
    found = []
    for i, hotspot in enumerate(layout.scroll_hotspots):
        name = f"scrolling hotspot '{hotspot.action}' {_rect(hotspot.box)}"
        if not hotspot.box.inside(content):
            found.append(
                Violation(rule="hotspot", message=f"{name} cannot be scrolled into view {_rect(view)}")
            )
        if hotspot.box.h > view.h:
            found.append(Violation(rule="hotspot", message=f"{name} is taller than its scrolling area"))
        if hotspot.box.w < MIN_HOTSPOT_PX or hotspot.box.h < MIN_HOTSPOT_PX:
            found.append(
                Violation(
                    rule="hotspot", message=f"{name} is smaller than {MIN_HOTSPOT_PX}x{MIN_HOTSPOT_PX}px"
                )
            )
        for other in layout.scroll_hotspots[i + 1 :]:
            if hotspot.box.overlaps(other.box):
                found.append(Violation(rule="hotspot", message=f"{name} overlaps hotspot '{other.action}'"))
    for fixed in layout.hotspots:
        if fixed.box.overlaps(view):
            found.append(
                Violation(rule="hotspot", message=f"hotspot '{fixed.action}' lies over the scrolling cards")
            )
    return found


# -- helpers ----------------------------------------------------------------------------------


def _drawn(item: Item) -> bool:
    if isinstance(item, TextLine):
        return bool(item.text.strip())
    return item.box.w > 0 and item.box.h > 0


def _layer(item: Item) -> str:
    return item.layer if isinstance(item, Shape) else "content"


def _kind(item: Item) -> str:
    if isinstance(item, Shape):
        return item.role or item.kind
    if isinstance(item, TextLine):
        return item.role or "text"
    return item.role


def _name(item: Item) -> str:
    if isinstance(item, TextLine):
        return f"text {item.text[:40]!r}"
    return _kind(item)


def _rect(box: Box) -> str:
    return f"({box.x},{box.y} {box.w}x{box.h})"


def _moved(item: Item, box: Box) -> Item:
    if isinstance(item, TextLine):
        return TextLine(
            item.text, box, item.size_px, item.bold, item.color, item.measured_w, item.role, item.block
        )
    if isinstance(item, Picture):
        return Picture(item.image, box, item.role)
    if isinstance(item, Qr):
        return Qr(item.code, box, item.module_px, item.role)
    return Shape(
        item.kind, box, item.fill, item.border, item.border_px, item.radius_px, item.layer, item.role
    )
