"""Painting a layout into pygame surfaces: text, shapes and pictures, each rendered once.

The painter draws exactly the items the layout placed and nothing else. Fonts and pictures are
cached (pictures per target size), so a screen costs its text rendering once, when it is first
shown, and never during a transition.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import threading
import zlib
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

import pygame

from kiosk.content.deck import Image
from kiosk.content.imagefile import MAX_PNG_PIXELS, png_file_size
from kiosk.core.theme import Theme
from kiosk.layout.items import Box, Item, Picture, Qr, Run, ScreenLayout, Shape, TextLine
from kiosk.resources import FONTS_DIR

log = logging.getLogger(__name__)

FONT_DIR = FONTS_DIR
REGULAR = FONT_DIR / "AtkinsonHyperlegible-Regular.ttf"
BOLD = FONT_DIR / "AtkinsonHyperlegible-Bold.ttf"
MAX_FONTS = 48
MAX_WIDTHS = 50_000
MAX_PICTURES = 48
# Decoded pictures are kept deflated (flat illustrations shrink 20-60 times: the sample deck's 23
# pictures are 24 MiB decoded at 1920x1080 and 1.0 MiB deflated, 96 and 1.5 MiB at 4K), so a
# whole deck's fit and a loop never decodes an SVG twice; inflating one takes a third of the time
# decoding it did. Bounded by these deflated bytes.
MAX_PICTURE_BYTES = 8 * 1024 * 1024
# A picture that takes longer to decode is shown as a placeholder (the frame loop waits this long
# at most, once per file). Real illustrations take milliseconds; a 39 KB SVG with one 5,000-point
# stroked path took 5-7 s, one with 20,000 thick circles 100 s, a 1 MB PNG whose data inflates
# to 1 GB 7 s: long enough for the systemd watchdog to kill the kiosk, again at every restart.
DECODE_BUDGET_S = 3.0


class Fonts:
    """Atkinson Hyperlegible at any size, with a bounded cache (layout shrinks sizes in steps)."""

    # A width depends only on the text, the size and the weight (the font files are fixed), so every
    # Fonts of the process shares one memo: a new one (the preview's, a check's) starts warm.
    _widths: ClassVar[dict[tuple[str, int, bool], int]] = {}

    def __init__(self) -> None:
        if not pygame.font.get_init():
            pygame.font.init()
        self._cache: OrderedDict[tuple[int, bool], pygame.font.Font] = OrderedDict()
        self._notdef: bytes | None = None
        self._covered: set[str] = set()

    @functools.cached_property
    def fingerprint(self) -> str:
        """What this font measures like (the font files and pygame's text engine), so the fit check's
        results kept on disk are reused only for the same font (kiosk.layout.fit_cache)."""
        digest = hashlib.sha256(
            f"pygame-ce {pygame.version.ver} SDL_ttf {pygame.font.get_sdl_ttf_version()}".encode()
        )
        for path in (REGULAR, BOLD):
            digest.update(path.read_bytes())
        return digest.hexdigest()

    def font(self, size_px: int, bold: bool) -> pygame.font.Font:
        key = (size_px, bold)
        font = self._cache.get(key)
        if font is None:
            font = pygame.font.Font(BOLD if bold else REGULAR, size_px)
            self._cache[key] = font
            if len(self._cache) > MAX_FONTS:
                self._cache.popitem(last=False)
        else:
            self._cache.move_to_end(key)
        return font

    def missing(self, text: str) -> set[str]:
        """Characters of `text` the font has no glyph for (they would draw as empty boxes).

        pygame's font API cannot ask the font directly, so a character counts as missing when it
        renders exactly like one the font certainly lacks (a private-use code point)."""
        font = self.font(24, False)
        if self._notdef is None:
            self._notdef = pygame.image.tobytes(
                font.render("\ue000", False, (0, 0, 0), (255, 255, 255)), "RGB"
            )
        missing: set[str] = set()
        for char in set(text):
            if char.isspace() or char in self._covered:
                continue
            drawn = pygame.image.tobytes(font.render(char, False, (0, 0, 0), (255, 255, 255)), "RGB")
            if drawn == self._notdef:
                missing.add(char)
            else:
                self._covered.add(char)
        return missing

    def measure(self, text: str, size_px: int, bold: bool) -> int:
        # Layout measures the same words over and over while wrapping and shrinking.
        key = (text, size_px, bold)
        width = self._widths.get(key)
        if width is None:
            if len(self._widths) > MAX_WIDTHS:
                self._widths.clear()
            width = self._widths[key] = self.font(size_px, bold).size(text)[0]
        return width


@dataclass(frozen=True, slots=True)
class Packed:
    """A decoded, scaled picture kept deflated: its RGBA bytes, exactly (lossless)."""

    size: tuple[int, int]
    data: bytes

    @classmethod
    def pack(cls, surface: pygame.Surface) -> Packed:
        return cls(surface.get_size(), zlib.compress(pygame.image.tobytes(surface, "RGBA"), 1))

    def unpack(self) -> pygame.Surface:
        surface = pygame.image.frombytes(zlib.decompress(self.data), self.size, "RGBA")
        return surface.convert_alpha() if pygame.display.get_surface() else surface


class Pictures:
    """Decoded, scaled and converted pictures; a broken one becomes a neutral placeholder, logged once."""

    def __init__(self, *, decode_budget_s: float = DECODE_BUDGET_S) -> None:
        # Keyed by the file's version too, so a picture fixed in place is drawn once it changes.
        self._cache: OrderedDict[tuple[Path, int, int, int, int], Packed | None] = OrderedDict()
        self._failed: set[Path] = set()
        self.decode_budget_s = decode_budget_s
        self._too_slow: set[tuple[Path, int, int]] = set()  # (path, mtime, size): never tried again

    def get(self, image: Image, size: tuple[int, int]) -> pygame.Surface | None:
        try:
            info = image.path.stat()
            version = (info.st_mtime_ns, info.st_size)
        except OSError:
            version = (-1, -1)
        key = (image.path, size[0], size[1], version[0], version[1])
        if key in self._cache:
            self._cache.move_to_end(key)
            packed = self._cache[key]
            return packed.unpack() if packed is not None else None
        surface = self._load(image, size)
        self._cache[key] = Packed.pack(surface) if surface is not None else None
        while len(self._cache) > 1 and (len(self._cache) > MAX_PICTURES or self.bytes > MAX_PICTURE_BYTES):
            self._cache.popitem(last=False)
        return surface

    @property
    def bytes(self) -> int:
        """What the kept pictures take (deflated)."""
        return sum(len(packed.data) for packed in self._cache.values() if packed is not None)

    def _load(self, image: Image, size: tuple[int, int]) -> pygame.Surface | None:
        try:
            if image.kind == "png":
                header = png_file_size(image.path)
                if header is not None and header[0] * header[1] > MAX_PNG_PIXELS:
                    raise ValueError(
                        f"{header[0]}x{header[1]} pixels is more than {MAX_PNG_PIXELS:,} to decode"
                    )
            surface = _contain(self._decode(image, size), size)
            return surface.convert_alpha() if pygame.display.get_surface() else surface
        except (pygame.error, OSError, ValueError, MemoryError) as exc:
            if image.path not in self._failed:
                self._failed.add(image.path)
                log.warning("image %s cannot be drawn (%s); showing a placeholder", image.path, exc)
            return None

    def _decode(self, image: Image, size: tuple[int, int]) -> pygame.Surface:
        """Decode in a thread (SDL_image lets go of the GIL) and wait at most the budget; a decoder
        still busy after that is left to finish on its own and its picture is never asked for again."""
        info = image.path.stat()
        stamp = (image.path, info.st_mtime_ns, info.st_size)
        if stamp in self._too_slow:
            raise TimeoutError(f"it took more than {self.decode_budget_s:g} s to decode before")
        outcome: list[pygame.Surface | BaseException] = []

        def work() -> None:
            try:
                if image.kind == "svg":
                    outcome.append(pygame.image.load_sized_svg(str(image.path), size))
                elif image.kind == "video":  # a clip's poster: its first frame (kiosk.render.video)
                    from kiosk.render.video import first_frame

                    outcome.append(first_frame(image.path, size))
                else:
                    outcome.append(pygame.image.load(str(image.path)))
            except BaseException as exc:  # handed to the frame loop's thread below
                outcome.append(exc)

        worker = threading.Thread(target=work, name="kiosk-picture", daemon=True)
        worker.start()
        worker.join(self.decode_budget_s)
        if not outcome:
            self._too_slow.add(stamp)
            raise TimeoutError(f"it takes more than {self.decode_budget_s:g} s to decode; simplify it")
        if isinstance(outcome[0], BaseException):
            raise outcome[0]
        return outcome[0]


def _contain(picture: pygame.Surface, size: tuple[int, int]) -> pygame.Surface:
    """A picture scaled to fit inside `size` with its aspect kept (letterboxed, never cropped).

    SVGs are already rendered at their contained size (load_sized_svg keeps the aspect); a PNG is
    scaled here, so both kinds look the same in their frame."""
    w, h = picture.get_size()
    if w <= 0 or h <= 0:
        raise ValueError("the picture is empty")
    scale = min(size[0] / w, size[1] / h)
    target = (max(1, min(size[0], round(w * scale))), max(1, min(size[1], round(h * scale))))
    if target == (w, h):
        return picture
    source = picture.convert_alpha() if pygame.display.get_surface() else picture
    return pygame.transform.smoothscale(source, target)


class Painter:
    def __init__(self, fonts: Fonts, pictures: Pictures) -> None:
        self.fonts = fonts
        self.pictures = pictures

    def paint(self, layout: ScreenLayout, theme: Theme) -> tuple[pygame.Surface, pygame.Surface | None]:
        """The screen's fixed part, and (when it scrolls) its scrolling content as a tall strip."""
        base, strip, _ = self.paint_marked(layout, theme)
        return base, strip

    def paint_marked(
        self, layout: ScreenLayout, theme: Theme
    ) -> tuple[pygame.Surface, pygame.Surface | None, tuple[pygame.Rect, ...]]:
        """`paint`, and rectangles covering every pixel of the fixed part that is not background
        (what each drawing call reported it changed), so a fade knows where to blend without
        looking at the pixels."""
        base = _surface((layout.width, layout.height))
        base.fill(theme.rgb("background"))
        marks = tuple(
            mark for item in layout.items if (mark := self._item(base, item, theme, 0, 0)) is not None
        )
        strip = None
        if layout.viewport is not None:
            viewport = layout.viewport
            strip = _surface((viewport.w, max(viewport.h, layout.content_height_px)))
            strip.fill(theme.rgb("background"))
            for item in layout.scroll_items:
                self._item(strip, item, theme, -viewport.x, -viewport.y)
        return base, strip, marks

    def draw(
        self, surface: pygame.Surface, items: Iterable[Item], theme: Theme, *, dx: int = 0, dy: int = 0
    ) -> None:
        """Paint layout items onto a surface, shifted by (dx, dy) (the preview's panels, too)."""
        for item in items:
            self._item(surface, item, theme, dx, dy)

    def _item(
        self, surface: pygame.Surface, item: object, theme: Theme, dx: int, dy: int
    ) -> pygame.Rect | None:
        """Draw one item; the rectangle of the pixels it changed (None: none)."""
        if isinstance(item, TextLine):
            return self._text(surface, item, theme, dx, dy)
        if isinstance(item, Shape):
            return _shape(surface, item, theme, dx, dy)
        if isinstance(item, Qr):
            return _qr(surface, item, dx, dy)
        if isinstance(item, Picture):
            box = item.box
            picture = self.pictures.get(item.image, (box.w, box.h))
            if picture is not None:
                # Centred in its box and clipped to it: a picture never spills out of its frame.
                x = box.x + dx + (box.w - picture.get_width()) // 2
                y = box.y + dy + (box.h - picture.get_height()) // 2
                clip = surface.get_clip()
                surface.set_clip(_rect(box, dx, dy).clip(clip))
                changed = surface.blit(picture, (x, y))
                surface.set_clip(clip)
                return _union([changed])
        return None

    def _text(
        self, surface: pygame.Surface, line: TextLine, theme: Theme, dx: int, dy: int
    ) -> pygame.Rect | None:
        """A line, run by run when it mixes weights, on one baseline; each run starts where the
        one before ends, so the line is as wide as the layout measured it."""
        runs = line.runs or (Run(text=line.text, bold=line.bold),)
        own = self.fonts.font(line.size_px, line.bold)
        top = line.box.y + dy + (line.box.h - own.get_height()) // 2
        baseline = top + own.get_ascent()
        x = line.box.x + dx
        color = theme.rgb(line.color)
        changed: list[pygame.Rect] = []
        for run in runs:
            font = self.fonts.font(line.size_px, run.bold)
            text = run.text.translate(_AS_SPACE)
            width = font.size(text)[0]
            if width == 0:
                continue  # only zero-width characters (U+200B, U+FEFF): SDL_ttf refuses to render them
            changed.append(surface.blit(font.render(text, True, color), (x, baseline - font.get_ascent())))
            x += width
        return _union(changed)


# No-break spaces keep words together while wrapping; on screen they are ordinary spaces.
_AS_SPACE = str.maketrans({"\u00a0": " ", "\u202f": " ", "\u2007": " "})


def _union(rects: Iterable[pygame.Rect]) -> pygame.Rect | None:
    """The rectangle around the ones that changed any pixel (an empty one changed none)."""
    changed = [rect for rect in rects if rect.w > 0 and rect.h > 0]
    return changed[0].unionall(changed[1:]) if changed else None


def _qr(surface: pygame.Surface, qr: Qr, dx: int, dy: int) -> pygame.Rect | None:
    """White quiet zone, then each dark module as a whole-pixel square: crisp for a phone camera."""
    box = qr.box
    zone = surface.fill((255, 255, 255), pygame.Rect(box.x + dx, box.y + dy, box.w, box.h))
    quiet = (box.w // qr.module_px - qr.code.size) // 2
    x0, y0 = box.x + dx + quiet * qr.module_px, box.y + dy + quiet * qr.module_px
    for row, bits in enumerate(qr.code.rows):
        for col, bit in enumerate(bits):
            if bit == "1":
                surface.fill(
                    (0, 0, 0),
                    pygame.Rect(x0 + col * qr.module_px, y0 + row * qr.module_px, qr.module_px, qr.module_px),
                )
    return _union([zone])  # the modules are inside the quiet zone


def _surface(size: tuple[int, int]) -> pygame.Surface:
    display = pygame.display.get_surface()
    # Made in the display's format at once: converting a fresh surface copied every pixel again.
    return pygame.Surface(size, 0, display) if display is not None else pygame.Surface(size)


def _rect(box: Box, dx: int, dy: int) -> pygame.Rect:
    return pygame.Rect(box.x + dx, box.y + dy, box.w, box.h)


def _shape(surface: pygame.Surface, shape: Shape, theme: Theme, dx: int, dy: int) -> pygame.Rect | None:
    rect = _rect(shape.box, dx, dy)
    changed: list[pygame.Rect] = []
    if shape.kind == "rect":
        if shape.fill:
            changed.append(
                pygame.draw.rect(surface, theme.rgb(shape.fill), rect, border_radius=shape.radius_px)
            )
        if shape.border and shape.border_px:
            changed.append(
                pygame.draw.rect(
                    surface,
                    theme.rgb(shape.border),
                    rect,
                    width=shape.border_px,
                    border_radius=shape.radius_px,
                )
            )
    elif shape.kind in ("circle", "ring"):
        radius = min(rect.w, rect.h) / 2
        if shape.fill:
            changed.append(pygame.draw.aacircle(surface, theme.rgb(shape.fill), rect.center, radius))
        if shape.border and shape.border_px:
            changed.append(
                pygame.draw.aacircle(surface, theme.rgb(shape.border), rect.center, radius, shape.border_px)
            )
    elif shape.kind.startswith("chevron") and shape.fill:
        changed += _chevron(surface, rect, shape.kind.split("-")[1], theme.rgb(shape.fill))
    return _union(changed)


def _chevron(
    surface: pygame.Surface, rect: pygame.Rect, direction: str, color: tuple[int, int, int]
) -> list[pygame.Rect]:
    thickness = max(2, round(min(rect.w, rect.h) * 0.22))
    left, right, top, bottom = (
        rect.left + thickness / 2,
        rect.right - thickness / 2,
        rect.top + thickness / 2,
        rect.bottom - thickness / 2,
    )
    mid_x, mid_y = rect.centerx, rect.centery
    if direction == "right":
        points = [(left + rect.w * 0.15, top), (right - rect.w * 0.1, mid_y), (left + rect.w * 0.15, bottom)]
    elif direction == "left":
        points = [(right - rect.w * 0.15, top), (left + rect.w * 0.1, mid_y), (right - rect.w * 0.15, bottom)]
    else:
        points = [(left, top + rect.h * 0.2), (mid_x, bottom - rect.h * 0.15), (right, top + rect.h * 0.2)]
    changed = [pygame.draw.lines(surface, color, False, points, thickness)]
    for point in points:
        changed.append(pygame.draw.circle(surface, color, point, thickness / 2))
    return changed
