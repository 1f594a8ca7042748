"""What the attract loop plays, in which order, and for how long: derived once from the deck.

Touch mode loops over the slides; their details open on a tap, and each slide's reading time is
counted in the language on screen. Lobby mode (a TV nobody touches) plays each slide followed by
its details as follow-up screens, so every fact reaches the room. Nobody can switch its language,
so by default the languages alternate slide by slide (slide 1 in English, slide 2 in Spanish, ...,
then the loop again with the languages turned), and every language is seen within the first
minute; `lobby_languages="loop"` plays the whole loop once per language instead.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

from kiosk.content.deck import Bullets, Deck, Detail, Numbered, Paragraph, Slide, Video, plain

# Reading time: a fixed moment to notice the screen, then a pace for slow, relaxed reading
# (about 165 words a minute, below the 200-250 of practised adult readers, since many of our
# readers are older or read in a second language). 25 visible words give 2.5 + 9 = 11.5 s.
NOTICE_S = 2.5
SECONDS_PER_WORD = 0.36

# How a lobby screen splits each screen into pages: (slide index, detail id or None for the slide
# itself, language) -> the words on each page. It depends on the screen, so the runtime passes one
# made by the layout.
Pages = Callable[[int, str | None, str], tuple[int, ...]]


LobbyLanguages = Literal["alternate", "loop"]


class Mode(StrEnum):
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
    page: int = 0  # which page of a lobby slide or detail too long for one screen
    # The speaker button: "" none (no narration here, lobby, or narration off), "ready" or "playing".
    narration: str = ""


@dataclass(frozen=True)
class Entry:
    slide: int
    detail: str | None = None
    language: str | None = None  # fixed in lobby mode; None follows the visitor's choice
    page: int = 0  # a lobby slide or detail too long for one screen plays as several entries


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
    # Touch mode: each entry's reading time per language, (language, durations) pairs, since a
    # visitor may switch the language and Spanish text is longer than English.
    language_durations_s: tuple[tuple[str, tuple[float, ...]], ...] = ()
    # The local settings' master switch for narration: off, no speaker button and no lobby voice.
    narration: bool = True

    @property
    def touch(self) -> bool:
        return self.mode is Mode.TOUCH

    def duration_s(self, index: int, language: str) -> float:
        """How long entry `index` stays up when shown in `language` (the language on screen)."""
        index %= len(self.entries)
        if self.entries[index].language is None:
            for code, durations in self.language_durations_s:
                if code == language:
                    return durations[index]
        return self.durations_s[index]

    def view(
        self,
        index: int,
        language: str,
        detail: str | None = None,
        large: bool = False,
        *,
        playing: bool = False,
    ) -> View:
        entry = self.entries[index % len(self.entries)]
        shown = detail if detail is not None else entry.detail
        language = entry.language or language
        speaker = ""
        if self.touch and self.narration and self.deck.narration(entry.slide, shown, language) is not None:
            speaker = "playing" if playing else "ready"
        return View(
            entry.slide,
            shown,
            language,
            self.version,
            large,
            entry.page if detail is None else 0,
            speaker,
        )


def reading_time_s(words: int, min_s: float, max_s: float) -> float:
    return max(min_s, min(max_s, NOTICE_S + SECONDS_PER_WORD * words))


def at_least_clip(seconds: float, video: Video | None) -> float:
    """A screen with a clip stays up until the clip has played once (issue 18)."""
    return seconds if video is None else max(seconds, video.duration_s)


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
    pages: Pages | None = None,
    lobby_languages: LobbyLanguages = "alternate",
    narration: bool = True,
) -> Program:
    """The loop. In lobby mode `pages` (see `Pages`) splits long slides and details into pages,
    each with its own reading time; without it every screen is one entry. A screen with a
    narration in its language stays up at least as long as the narration lasts (unless
    `narration` is off in the local settings)."""
    timing = deck.timing

    def reading(words: int) -> float:
        return reading_time_s(words, timing.min_slide_s, timing.max_slide_s)

    def spoken_s(index: int, detail: str | None, language: str) -> float:
        sound = deck.narration(index, detail, language) if narration else None
        return sound.duration_s if sound is not None else 0.0

    def slide_time(index: int, language: str) -> float:
        slide = deck.slides[index]
        if slide.duration_s is not None:
            return max(at_least_clip(slide.duration_s, slide.video), spoken_s(index, None, language))
        read_s = reading(visible_words(slide, language, mode))
        return max(at_least_clip(read_s, slide.video), spoken_s(index, None, language))

    def at_least_spoken(first: int, index: int, detail: str | None, language: str) -> None:
        """The pages of one screen (entries `first` on) last together at least its narration."""
        short_s = spoken_s(index, detail, language) - sum(durations[first:])
        if short_s > 0:
            durations[-1] += short_s

    entries: list[Entry] = []
    durations: list[float] = []
    by_language: tuple[tuple[str, tuple[float, ...]], ...] = ()
    if mode is Mode.TOUCH:
        for index in range(len(deck.slides)):
            entries.append(Entry(index))
            durations.append(slide_time(index, deck.default_language))
        by_language = tuple(
            (language, tuple(slide_time(index, language) for index in range(len(deck.slides))))
            for language in deck.languages
        )
    else:
        languages = deck.languages
        for turn in range(len(languages)):
            for index, slide in enumerate(deck.slides):
                if lobby_languages == "alternate":
                    # Pass `turn` shows slide i in language i + turn: each slide in every language
                    # over the passes, and neighbouring slides in different languages.
                    language = languages[(index + turn) % len(languages)]
                else:
                    language = languages[turn]
                words = pages(index, None, language) if pages is not None else ()
                first = len(durations)
                for page, count in enumerate(words or (0,)):
                    entries.append(Entry(index, None, language, page))
                    # A slide of several pages reads each at its own pace (a set duration is kept
                    # for a slide that fits on one).
                    durations.append(
                        slide_time(index, language)
                        if len(words) < 2
                        else at_least_clip(reading(count), slide.video if page == 0 else None)
                    )
                at_least_spoken(first, index, None, language)
                for detail in slide.details:
                    words = pages(index, detail.id, language) if pages is not None else ()
                    if not words:
                        words = (visible_words(slide, language, mode, detail),)
                    first = len(durations)
                    for page, count in enumerate(words):
                        entries.append(Entry(index, detail.id, language, page))
                        durations.append(at_least_clip(reading(count), detail.video if page == 0 else None))
                    at_least_spoken(first, index, detail.id, language)
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
        by_language,
        narration,
    )
