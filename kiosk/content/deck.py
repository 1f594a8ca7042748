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


@dataclass(frozen=True, slots=True, kw_only=True)
class Run:
    """A stretch of text in one weight: a body's `**bold**` spans become bold runs."""

    text: str
    bold: bool = False


# `**` opens a bold span only before a visible character and closes it only after one, so a lone
# `*`, `2 ** 3` or `** note` stay as typed. A span may not be empty and does not nest.
_BOLD = re.compile(r"\*\*(?=[^\s*])(.+?)(?<=[^\s*])\*\*", re.DOTALL)


def inline(text: str) -> tuple[Run, ...]:
    """The runs of one paragraph or list item: `**bold**` spans, everything else literal."""
    runs: list[Run] = []
    end = 0
    for match in _BOLD.finditer(text):
        if match.start() > end:
            runs.append(Run(text=text[end : match.start()]))
        runs.append(Run(text=match.group(1), bold=True))
        end = match.end()
    if end < len(text) or not runs:
        runs.append(Run(text=text[end:]))
    return tuple(runs)


def plain(text: str) -> str:
    """The text as shown: bold markers removed (for word counts, search and glyph checks)."""
    return "".join(run.text for run in inline(text))


@dataclass(frozen=True)
class Paragraph:
    text: str  # as written: `**bold**` spans kept, "\n" where the author started a new line

    @property
    def runs(self) -> tuple[Run, ...]:
        return inline(self.text)

    @property
    def plain(self) -> str:
        return plain(self.text)


@dataclass(frozen=True)
class Bullets:
    items: tuple[str, ...]  # each as written, `**bold**` spans kept


@dataclass(frozen=True, slots=True, kw_only=True)
class Numbered:
    """A numbered list, shown with the numbers the author wrote ("1.", "2)"...)."""

    items: tuple[str, ...]  # each as written, `**bold**` spans kept
    numbers: tuple[str, ...] = ()  # one per item; empty: "1.", "2.", ...

    @property
    def labels(self) -> tuple[str, ...]:
        if len(self.numbers) == len(self.items):
            return self.numbers
        return tuple(f"{n}." for n in range(1, len(self.items) + 1))


Block = Paragraph | Bullets | Numbered

_BULLET = re.compile(r"^\s*[-*\u2022]\s+")
# At most three digits, so a year ("2024. was...") is not taken for a list number.
_NUMBER = re.compile(r"^\s*(\d{1,3}[.)])\s+")


def parse_body(text: str) -> tuple[Block, ...]:
    """Split a body into paragraphs, bullet lists and numbered lists.

    Staff write plain lines. A blank line ends a paragraph or list. A line starting with "- ",
    "* " or "• " is a bullet; one starting with "1. " or "1) " is a numbered item. Inside a
    paragraph a new line is kept as a line break, except that an indented line continues the line
    before it (editors wrap long lines); the same holds for list items, so an indented line after
    a bullet joins that bullet. `**bold**` spans stay in the text (`inline`).
    """
    blocks: list[Block] = []
    lines: list[str] = []  # the open paragraph's lines
    kind = ""  # the open list: "bullets" or "numbered"
    items: list[str] = []
    numbers: list[str] = []

    def flush() -> None:
        nonlocal kind
        if lines:
            blocks.append(Paragraph("\n".join(lines)))
            lines.clear()
        if kind == "bullets":
            blocks.append(Bullets(tuple(items)))
        elif kind == "numbered":
            blocks.append(Numbered(items=tuple(items), numbers=tuple(numbers)))
        kind = ""
        items.clear()
        numbers.clear()

    for raw in text.splitlines():
        line = raw.strip()
        bullet = _BULLET.match(raw)
        number = _NUMBER.match(raw) if bullet is None else None
        if not line:
            flush()
        elif (marker := bullet or number) is not None:
            new_kind = "bullets" if bullet is not None else "numbered"
            if lines or kind != new_kind:
                flush()
            kind = new_kind
            items.append(raw[marker.end() :].strip())
            if number is not None:
                numbers.append(number.group(1))
        elif raw[:1].isspace() and (items or lines):
            if items:
                items[-1] = f"{items[-1]} {line}"
            else:
                lines[-1] = f"{lines[-1]} {line}"
        else:
            if kind:
                flush()
            lines.append(line)
    flush()
    return tuple(blocks)


@dataclass(frozen=True)
class Image:
    """A checked image: it exists, is SVG or PNG, and lies inside the deck or assets folder."""

    path: Path
    kind: str  # "svg" or "png"
    # Width / height, read at load time (PNG header, SVG viewBox or size); None when unknown,
    # which the layout treats as square.
    aspect: float | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Sound:
    """A checked narration file: it exists inside the deck folder, decodes, and is short enough.

    `duration_s` is read at load time (the reading time and the end of playback use it), so
    nothing on the frame loop ever opens the file to ask."""

    path: Path
    kind: str  # "ogg", "wav" or "mp3"
    duration_s: float


@dataclass(frozen=True, slots=True, kw_only=True)
class Cue:
    """One caption: its text (lines joined by "\\n") from `start_s` to `end_s` into the clip."""

    start_s: float
    end_s: float
    text: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Video:
    """A checked clip (kiosk.content.videofile probed it): it plays muted and looping in the
    picture's frame; `poster` stands in for it in exports, the handout and while it cannot play."""

    path: Path
    duration_s: float
    width_px: int
    height_px: int
    frame_rate: float
    codec: str
    poster: Image  # the given picture, or Image(path, "video", ...): the clip's first frame
    captions: tuple[tuple[str, tuple[Cue, ...]], ...] = ()  # (language, cues)
    speech: bool = True
    files: tuple[Path, ...] = ()  # the clip, its poster and caption files: hot reload watches them

    def captions_for(self, language: str) -> tuple[Cue, ...]:
        """The captions in `language`, else the default language's (the first given)."""
        for code, cues in self.captions:
            if code == language:
                return cues
        return self.captions[0][1] if self.captions else ()


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
    # The spoken narration, one sound per language given (a language left out has none).
    narration: tuple[tuple[str, Sound], ...] = ()

    def narration_for(self, language: str) -> Sound | None:
        return _for_language(self.narration, language, None)

    video: Video | None = None  # plays in the picture's frame; `image` is then its poster

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
    # The spoken narration, one sound per language given (a language left out has none).
    narration: tuple[tuple[str, Sound], ...] = ()

    def narration_for(self, language: str) -> Sound | None:
        return _for_language(self.narration, language, None)

    video: Video | None = None  # plays in the picture's frame; `image` is then its poster

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

    def all_videos(self) -> tuple[Video, ...]:
        """The slide's clip and its details' clips."""
        found = [self.video, *(detail.video for detail in self.details)]
        return tuple(video for video in found if video is not None)


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


@dataclass(frozen=True, slots=True, kw_only=True)
class Contact:
    """The clinic's contact block for the handout: its name, a phone number and when to call."""

    name: Text
    phone: str
    when_to_call: Text | None = None


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
    # The deck's own plain-language targets, (language, target), from `reading_level:`
    # (kiosk.content.readability has the defaults and the scales).
    reading_level: tuple[tuple[str, float], ...] = ()
    contact: Contact | None = None
    lobby_narration: bool = False  # lobby mode plays each screen's narration by itself

    @property
    def has_narration(self) -> bool:
        """Whether any slide or detail has a narration: only then is the sound mixer started."""
        return any(slide.narration or any(d.narration for d in slide.details) for slide in self.slides)

    def narration(self, slide_index: int, detail_id: str | None, language: str) -> Sound | None:
        """The narration of one screen (a slide, or one of its details) in `language`, if any."""
        if not 0 <= slide_index < len(self.slides):
            return None
        slide = self.slides[slide_index]
        if detail_id is None:
            return slide.narration_for(language)
        detail = slide.detail(detail_id)
        return detail.narration_for(language) if detail is not None else None

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
