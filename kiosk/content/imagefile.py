"""Checking an image reference before anything tries to decode it.

An image path comes from a file that anyone with access to the content folder can edit, so it
must stay inside the deck folder or `assets/`, and a PNG must not be able to make the kiosk
allocate gigabytes: its header is read (33 bytes) and an oversized picture is refused unopened.
"""

from __future__ import annotations

import difflib
import re
import struct
from pathlib import Path, PurePosixPath

from kiosk.content.deck import Image

MAX_PNG_SIDE_PX = 8192
# What the painter decodes at most (64 MiB as RGBA; a 12-megapixel photo fits). 8192 x 8192 is
# allowed a side, but a 261 KB file of that size took 560 MB to decode and scale.
MAX_PNG_PIXELS = 4096 * 4096
MAX_SVG_BYTES = 2 * 1024 * 1024
MAX_SVG_ELEMENTS = 20_000
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


class ImageRefused(Exception):
    """The message says what is wrong with the image and how to fix it."""


def resolve_image(value: str, roots: tuple[Path, ...]) -> Image:
    """Find `value` under one of `roots` (the deck folder first, then assets/) and check it."""
    if any(ord(character) < 32 for character in value):
        raise ImageRefused("the image path contains an invisible control character; type the path again")
    if "\\" in value:
        raise ImageRefused(f"write the image path with forward slashes, like {value.replace(chr(92), '/')}")
    relative = PurePosixPath(value)
    if relative.is_absolute() or (len(value) > 1 and value[1] == ":"):
        raise ImageRefused(
            f"`{value}` is an absolute path; give a path inside the deck folder, "
            f"like illustrations/{relative.name}"
        )
    if ".." in relative.parts:
        raise ImageRefused(
            f"`{value}` goes up out of the deck folder (..); put the image inside the deck folder "
            "or assets/ and give its path from there"
        )
    suffix = relative.suffix.lower()
    if suffix not in (".svg", ".png"):
        raise ImageRefused(f"`{value}` is not an .svg or .png file; convert it to PNG or SVG")
    looked: list[str] = []
    for root in roots:
        candidate = root / relative
        looked.append(str(root))
        try:
            present = candidate.exists() or candidate.is_symlink()
        except OSError as exc:  # a name too long, a folder the kiosk may not open
            raise ImageRefused(
                f"`{value}` cannot be opened ({exc.strerror or exc}); "
                "check the path and the folder's permissions"
            ) from None
        if not present:
            continue
        try:
            real = candidate.resolve(strict=True)
        except (OSError, RuntimeError):
            raise ImageRefused(
                f"`{value}` is a broken or looping link; replace it with the image file itself"
            ) from None
        inside = [r for r in roots if _is_within(real, r)]
        if not inside:
            raise ImageRefused(
                f"`{value}` is a link that points outside the deck folder ({real}); "
                "copy the image into the deck folder instead"
            )
        if not real.is_file():
            raise ImageRefused(f"`{value}` is not a file")
        kind = suffix[1:]
        aspect = _check_content(real, kind, value)
        return Image(real, kind, aspect)
    hint = _close_name(relative, roots)
    raise ImageRefused(f"the image `{value}` was not found (looked in {' and '.join(looked)}){hint}")


def _is_within(path: Path, root: Path) -> bool:
    try:
        path.relative_to(root.resolve())
        return True
    except (ValueError, OSError, RuntimeError):
        return False


def _close_name(relative: PurePosixPath, roots: tuple[Path, ...]) -> str:
    names: list[str] = []
    for root in roots:
        folder = root / relative.parent
        try:
            names += [p.name for p in folder.iterdir() if p.suffix.lower() in (".svg", ".png")]
        except OSError:
            continue
    match = difflib.get_close_matches(relative.name, names, n=1, cutoff=0.6)
    return (
        f"; did you mean `{relative.parent / match[0]}`?"
        if match
        else "; check the spelling and that the file was copied"
    )


def _check_content(path: Path, kind: str, value: str) -> float | None:
    """Refuse a picture that is not what its name says, or too big; return its aspect."""
    try:
        with path.open("rb") as handle:
            head = handle.read(33 if kind == "png" else MAX_SVG_BYTES + 1)
    except PermissionError:
        raise ImageRefused(
            f"the kiosk is not allowed to read `{value}`; give it read permission (chmod a+r)"
        ) from None
    except OSError as exc:
        raise ImageRefused(f"`{value}` cannot be read ({exc.strerror or exc})") from None
    if kind == "png":
        check_png_header(head, value)
        size = png_size(head)
        return size[0] / size[1] if size else None
    check_svg_text(head, value)
    return svg_aspect(head.decode("utf-8", errors="replace"))


_SVG_TAG = re.compile(r"<svg\b[^>]*>", re.IGNORECASE | re.DOTALL)
_NUMBER = r"\s*([0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?)"


def svg_aspect(text: str) -> float | None:
    """Width / height of an SVG drawing from its root element: the viewBox, else plain width and
    height (in px or without a unit); None when neither says (percentages, no size)."""
    tag = _SVG_TAG.search(text[:4096])
    if tag is None:
        return None
    root = tag.group(0)
    box = re.search(r"viewBox\s*=\s*[\"']([^\"']*)[\"']", root)
    if box is not None:
        parts = re.split(r"[\s,]+", box.group(1).strip())
        try:
            w, h = float(parts[2]), float(parts[3])
        except (IndexError, ValueError):
            w = h = 0.0
        if w > 0 and h > 0:
            return w / h
    sizes = []
    for name in ("width", "height"):
        found = re.search(rf"\b{name}\s*=\s*[\"']{_NUMBER}\s*(px)?\s*[\"']", root)
        sizes.append(float(found.group(1)) if found else 0.0)
    return sizes[0] / sizes[1] if sizes[0] > 0 and sizes[1] > 0 else None


def png_size(head: bytes) -> tuple[int, int] | None:
    """Width and height from a PNG's IHDR chunk, or None when the bytes are not a PNG."""
    if len(head) < 24 or not head.startswith(PNG_SIGNATURE) or head[12:16] != b"IHDR":
        return None
    width, height = struct.unpack(">II", head[16:24])
    return width, height


def png_file_size(path: Path) -> tuple[int, int] | None:
    """Width and height from a PNG file's header (33 bytes read), or None when unreadable."""
    try:
        with path.open("rb") as handle:
            return png_size(handle.read(33))
    except OSError:
        return None


def check_png_header(head: bytes, value: str) -> None:
    size = png_size(head)
    if size is None:
        raise ImageRefused(
            f"`{value}` is not a PNG image (its content is something else); export it again as PNG"
        )
    width, height = size
    if width == 0 or height == 0:
        raise ImageRefused(
            f"`{value}` says it is {width}x{height} pixels, which is not a picture; export it again"
        )
    if max(width, height) > MAX_PNG_SIDE_PX:
        raise ImageRefused(
            f"`{value}` is {width}x{height} pixels; at most {MAX_PNG_SIDE_PX} a side is allowed. "
            "Scale it down (1600 px is plenty)"
        )


def check_svg_text(head: bytes, value: str) -> None:
    if len(head) > MAX_SVG_BYTES:
        raise ImageRefused(
            f"`{value}` is larger than {MAX_SVG_BYTES // (1024 * 1024)} MiB; simplify the drawing"
        )
    text = head.decode("utf-8", errors="replace")
    if "<svg" not in text[:4096]:
        raise ImageRefused(
            f"`{value}` is not an SVG drawing (no <svg> element at its start); export it again as SVG"
        )
    if text.count("<") > MAX_SVG_ELEMENTS:
        raise ImageRefused(f"`{value}` has more than {MAX_SVG_ELEMENTS:,} elements; simplify the drawing")
