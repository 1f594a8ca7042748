"""What the attract loop plays, in which order, and for how long: derived once from the deck.

Touch mode loops over the slides; their details open on a tap. Lobby mode (a TV nobody touches)
plays each slide followed by its details as follow-up screens, so every fact reaches the room, and
plays the whole loop once in each of the deck's languages in turn, since nobody can switch it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from kiosk.content.deck import Bullets, Deck, Detail, Numbered, Paragraph, Slide, plain

# Reading time: a fixed moment to notice the screen, then a pace for slow, relaxed reading
# (about 165 words a minute, below the 200-250 of practised adult readers, since many of our
# readers are older or read in a second language). 25 visible words give 2.5 + 9 = 11.5 s.
NOTICE_S = 2.5
SECONDS_PER_WORD = 0.36


class Mode(str, Enum):
    TOUCH = "touch"
    LOBBY = "lobby"


@dataclass(frozen=True)
class View:
    """One screen as drawn: a slide, or one of its details, in one language."""

    slide: int
    detail: str | None
    language: str
    version: int = 0  # which loaded deck: during a reload the old and new decks are both drawn
    large: bool = False  # the visitor asked for large text (A+)


@dataclass(frozen=True)
class Entry:
    slide: int
    detail: str | None = None
    language: str | None = None  # fixed in lobby mode; None follows the visitor's choice


@dataclass(frozen=True)
class Program:
    deck: Deck
    mode: Mode
    entries: tuple[Entry, ...]
    durations_s: tuple[float, ...]
    idle_timeout_s: float
    version: int = 0
    reduced_motion: bool = False  # fades only: no sliding screens
    admin_pin_hash: str | None = None  # from the local settings file, never from the deck
    admin_dev: bool = False  # development: the gesture opens the admin screen without a PIN

    @property
    def touch(self) -> bool:
        return self.mode is Mode.TOUCH

    def view(self, index: int, language: str, detail: str | None = None, large: bool = False) -> View:
        entry = self.entries[index % len(self.entries)]
        return View(
            entry.slide,
            detail if detail is not None else entry.detail,
            entry.language or language,
            self.version,
            large,
        )


def reading_time_s(words: int, min_s: float, max_s: float) -> float:
    return max(min_s, min(max_s, NOTICE_S + SECONDS_PER_WORD * words))


def visible_words(slide: Slide, language: str, mode: Mode, detail: Detail | None = None) -> int:
    if detail is not None:
        texts = [detail.title.get(language)]
        for block in detail.blocks(language):
            if isinstance(block, Paragraph):
                texts.append(block.plain)
            elif isinstance(block, Bullets | Numbered):
                texts += [plain(item) for item in block.items]
        texts += [step.text.get(language) for step in detail.steps]
    else:
        texts = [slide.title.get(language), slide.summary.get(language)]
        if mode is Mode.TOUCH:
            texts += [d.title.get(language) for d in slide.details]
    return sum(len(text.split()) for text in texts)


def build_program(
    deck: Deck,
    mode: Mode,
    *,
    idle_timeout_s: float | None = None,
    version: int = 0,
    reduced_motion: bool = False,
    admin_pin_hash: str | None = None,
    admin_dev: bool = False,
) -> Program:
    entries: list[Entry] = []
    if mode is Mode.TOUCH:
        entries = [Entry(index) for index in range(len(deck.slides))]
    else:
        for language in deck.languages:
            for index, slide in enumerate(deck.slides):
                entries.append(Entry(index, None, language))
                entries += [Entry(index, detail.id, language) for detail in slide.details]
    durations: list[float] = []
    for entry in entries:
        slide = deck.slides[entry.slide]
        if entry.detail is None and slide.duration_s is not None:
            durations.append(slide.duration_s)
            continue
        detail = slide.detail(entry.detail) if entry.detail else None
        words = visible_words(slide, entry.language or deck.default_language, mode, detail)
        durations.append(reading_time_s(words, deck.timing.min_slide_s, deck.timing.max_slide_s))
    timeout = idle_timeout_s if idle_timeout_s is not None else deck.timing.idle_timeout_s
    return Program(
        deck,
        mode,
        tuple(entries),
        tuple(durations),
        timeout,
        version,
        reduced_motion,
        admin_pin_hash,
        admin_dev,
    )
