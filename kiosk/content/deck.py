"""The loaded deck: immutable, typed, every text already checked for every language.

This is what the state machine, the layout and the drawing read. Nothing here touches files.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from kiosk.content import labels
from kiosk.content.hours import OpeningHours, ShowWindow

_T = TypeVar("_T")


@dataclass(frozen=True)
class Text:
    """One text in every language of the deck (missing optional translations fall back)."""

    by_language: tuple[tuple[str, str], ...]

    @staticmethod
    def of(**texts: str) -> Text:
        return Text(tuple(texts.items()))

    def get(self, language: str) -> str:
        for code, text in self.by_language:
            if code == language:
                return text
        return self.by_language[0][1]

    def languages(self) -> tuple[str, ...]:
        return tuple(code for code, _ in self.by_language)


@dataclass(frozen=True)
class Paragraph:
    text: str


@dataclass(frozen=True)
class Bullets:
    items: tuple[str, ...]


Block = Paragraph | Bullets

_BULLET = re.compile(r"^\s*[-*\u2022]\s+")


def parse_body(text: str) -> tuple[Block, ...]:
    """Split a body into paragraphs and bullet lists.

    Staff write plain lines: a blank line starts a new paragraph, a line starting with "- " is a
    bullet, and an indented line after a bullet continues it (editors wrap long lines).
    """
    blocks: list[Block] = []
    paragraph: list[str] = []
    bullets: list[str] = []

    def flush_paragraph() -> None:
        if paragraph:
            blocks.append(Paragraph(" ".join(paragraph)))
            paragraph.clear()

    def flush_bullets() -> None:
        if bullets:
            blocks.append(Bullets(tuple(bullets)))
            bullets.clear()

    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            flush_paragraph()
            flush_bullets()
        elif _BULLET.match(raw):
            flush_paragraph()
            bullets.append(_BULLET.sub("", raw).strip())
        elif bullets and raw[:1].isspace():
            bullets[-1] = bullets[-1] + " " + line
        else:
            flush_bullets()
            paragraph.append(line)
    flush_paragraph()
    flush_bullets()
    return tuple(blocks)


@dataclass(frozen=True)
class Image:
    """A checked image: it exists, is SVG or PNG, and lies inside the deck or assets folder."""

    path: Path
    kind: str  # "svg" or "png"


@dataclass(frozen=True)
class QrCode:
    """A link and its QR matrix, made once at load time ("1" is a dark module), without border."""

    url: str
    rows: tuple[str, ...]

    @property
    def size(self) -> int:
        return len(self.rows)


@dataclass(frozen=True)
class Step:
    text: Text
    image: Image | None


@dataclass(frozen=True)
class Detail:
    id: str
    title: Text
    body: tuple[tuple[str, tuple[Block, ...]], ...]  # (language, blocks)
    steps: tuple[Step, ...]
    image: Image | None
    alt: Text | None
    link: QrCode | None = None
    # Set only when the file gives one per language; `image`/`link` hold the default language's.
    images: tuple[tuple[str, Image], ...] = ()
    links: tuple[tuple[str, QrCode], ...] = ()

    def blocks(self, language: str) -> tuple[Block, ...]:
        for code, blocks in self.body:
            if code == language:
                return blocks
        return self.body[0][1] if self.body else ()

    def image_for(self, language: str) -> Image | None:
        """The detail's own picture in `language`, else the default language's."""
        return _for_language(self.images, language, self.image)

    def link_for(self, language: str) -> QrCode | None:
        """The detail's own take-home link in `language`, else the default language's."""
        return _for_language(self.links, language, self.link)

    def all_images(self) -> tuple[Image, ...]:
        """Every picture the detail may show, in any language (steps included)."""
        found = [self.image, *(image for _, image in self.images), *(step.image for step in self.steps)]
        return _unique(found)


@dataclass(frozen=True)
class Review:
    reviewed_by: str | None = None
    reviewed_on: datetime.date | None = None
    review_due: datetime.date | None = None

    @property
    def pending(self) -> bool:
        return not self.reviewed_by or self.reviewed_by.strip().lower() == "pending"

    def overdue(self, today: datetime.date) -> bool:
        return self.review_due is not None and self.review_due < today


@dataclass(frozen=True)
class Slide:
    id: str
    title: Text
    summary: Text
    image: Image | None
    alt: Text | None
    duration_s: float | None
    details: tuple[Detail, ...]
    review: Review
    source: str  # the file it came from, for messages
    show: ShowWindow | None = None
    link: QrCode | None = None
    # Set only when the file gives one per language; `image`/`link` hold the default language's.
    images: tuple[tuple[str, Image], ...] = ()
    links: tuple[tuple[str, QrCode], ...] = ()

    def detail(self, detail_id: str) -> Detail | None:
        return next((d for d in self.details if d.id == detail_id), None)

    def image_for(self, language: str) -> Image | None:
        """The picture shown with this slide in `language`, else the default language's."""
        return _for_language(self.images, language, self.image)

    def link_for(self, language: str) -> QrCode | None:
        """The take-home link in `language`, else the default language's."""
        return _for_language(self.links, language, self.link)

    def all_images(self) -> tuple[Image, ...]:
        """Every picture the slide and its details may show, in any language."""
        found = [self.image, *(image for _, image in self.images)]
        found += [image for detail in self.details for image in detail.all_images()]
        return _unique(found)


def _for_language(values: tuple[tuple[str, _T], ...], language: str, default: _T | None) -> _T | None:
    return next((value for code, value in values if code == language), default)


def _unique(images: list[Image | None]) -> tuple[Image, ...]:
    return tuple(dict.fromkeys(image for image in images if image is not None))


@dataclass(frozen=True)
class Timing:
    idle_timeout_s: float = 60.0
    transition_s: float = 0.8
    min_slide_s: float = 8.0
    max_slide_s: float = 30.0


@dataclass(frozen=True)
class Deck:
    title: Text
    languages: tuple[str, ...]
    default_language: str
    disclaimer: Text | None
    timing: Timing
    theme: str
    mode: str
    rotation: int
    slides: tuple[Slide, ...]
    folder: Path = field(compare=False)
    hours: OpeningHours = OpeningHours.always_open()
    hide_expired: bool = False
    pixel_shift: bool = False
    reduced_motion: bool = False
    # The deck's own wording for the kiosk's words: (language, ((key, text), ...)), from `labels:`.
    labels: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = ()

    def slide(self, slide_id: str) -> Slide | None:
        return next((s for s in self.slides if s.id == slide_id), None)

    def label(self, key: str, language: str) -> str:
        """One of the kiosk's own words ("back", "hint", ...) in `language`: the deck's override,
        else the built-in translation, else English."""
        for code, words in self.labels:
            if code == language:
                text = next((text for name, text in words if name == key), None)
                if text is not None:
                    return text
        return labels.label(key, language)
