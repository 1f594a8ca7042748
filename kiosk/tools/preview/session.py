"""What the preview shows, without a window: the last good deck, its problems, the screen list and
where the preview is in it. No pygame here: the window (`window.py`) draws a `Session`, and the
key bindings (`bindings.py`) change it.

A save is loaded once the folder has been still for `quiet_s`, through the one validation
pipeline (`kiosk.layout.validation.full_report`), so the preview lists exactly the problems
`kiosk validate` gives. A deck with errors never replaces the last good one.
"""

from __future__ import annotations

import datetime
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from kiosk.content.deck import Deck
from kiosk.content.loader import DEFAULT_ASSETS, Report
from kiosk.content.problems import Problem
from kiosk.core.legibility import Viewing, text_floor
from kiosk.core.program import Mode, Pages, View
from kiosk.layout.detail import lobby_pages
from kiosk.layout.fit import TextMetrics
from kiosk.layout.validation import full_report
from kiosk.runtime.reload import Fingerprint, Reloader, fingerprint

log = logging.getLogger(__name__)

SIZES: tuple[tuple[int, int], ...] = ((1280, 720), (1920, 1080), (1080, 1920), (3840, 2160))
DEFAULT_SIZE = (1920, 1080)
QUIET_S = 0.3  # a save is loaded once the folder has been still this long
POLL_S = 0.25
MESSAGE_S = 4.0


@dataclass(frozen=True, slots=True)
class ScreenRef:
    """One screen of the deck, by name, so that it can be found again in a reloaded deck."""

    slide: str
    detail: str | None
    page: int = 0  # a lobby screen too long for one plays as pages, like on the kiosk

    def label(self) -> str:
        name = f"{self.slide} › {self.detail}" if self.detail else self.slide
        return f"{name} (page {self.page + 1})" if self.page else name


def screen_refs(deck: Deck, pages: Callable[[int, str | None], int] | None = None) -> list[ScreenRef]:
    """Every slide, each followed by its details: the order the arrow keys step through; with
    `pages` (slide index, detail id -> how many pages), every page of a lobby screen."""
    return [
        ScreenRef(slide.id, detail_id, page)
        for index, slide in enumerate(deck.slides)
        for detail_id in (None, *(d.id for d in slide.details))
        for page in range(max(1, pages(index, detail_id)) if pages is not None else 1)
    ]


class Session:
    """The preview's state and every change a key can make to it."""

    def __init__(
        self,
        folder: Path,
        fonts: TextMetrics,
        *,
        clock: Callable[[], float] = time.monotonic,
        assets: Path = DEFAULT_ASSETS,
        today: datetime.date | None = None,
        size: tuple[int, int] = DEFAULT_SIZE,
        language: str | None = None,
        mode: Mode | None = None,
        quiet_s: float = QUIET_S,
        poll_s: float = POLL_S,
        scan: Callable[[Path, tuple[Path, ...]], Fingerprint] = fingerprint,
    ) -> None:
        self.folder = Path(folder)
        self.fonts = fonts
        self.clock = clock
        self.assets = assets
        self.today = today
        self.sizes = SIZES if size in SIZES else (*SIZES, size)
        self.size = size
        self.wanted_language = language
        self.language = language or ""
        self.mode_choice = mode  # None: the deck's own mode
        self.large = False
        self.show_warnings = True
        self.show_help = False
        self.running = True
        self.deck: Deck | None = None  # the last good deck: what the window shows
        self.version = 0  # goes up with every good deck
        self.errors: tuple[Problem, ...] = ()  # the last load's errors (the deck on disk now)
        self.warnings: tuple[Problem, ...] = ()
        self.screens: list[ScreenRef] = []
        self.position = 0
        self.loads = 0
        self.message = ""
        self.message_until = 0.0
        self.accept(self.load(self.folder), first=True)
        self.reloader = Reloader(
            self.folder,
            self.load,
            current=self.deck,
            executor=None,
            quiet_s=quiet_s,
            poll_s=poll_s,
            scan=scan,
        )

    # -- loading ----------------------------------------------------------------------------

    def load(self, folder: Path) -> Report:
        """The deck on disk with every problem `kiosk validate` gives. Never raises."""
        try:
            return full_report(folder, fonts=self.fonts, today=self.today, assets=self.assets)
        except Exception as exc:  # a bug must not close the window; say what happened instead
            log.error("loading %s failed: %s: %s", folder, type(exc).__name__, exc)
            log.debug("details", exc_info=True)
            message = (
                f"the preview could not load the deck ({type(exc).__name__}: {exc}); "
                "save the file again, or run `kiosk validate`"
            )
            return Report(None, (Problem(str(folder), 1, 1, message),))

    def poll(self) -> bool:
        """Pick up a quiet save and let a message expire; whether anything shown changed."""
        now = self.clock()
        try:
            report = self.reloader.poll(now)
        except Exception as exc:  # the reloader's own checks failed (a vanished disk, say)
            log.error("watching %s failed: %s", self.folder, exc)
            problem = Problem(str(self.folder), 1, 1, f"the preview could not read the deck folder ({exc})")
            report = Report(None, (problem,))
        changed = report is not None
        if report is not None:
            self.accept(report)
        if self.message and now >= self.message_until:
            self.message = ""
            changed = True
        return changed

    def accept(self, report: Report, *, first: bool = False) -> None:
        self.loads += 1
        self.errors = report.errors
        self.warnings = report.warnings
        if report.deck is not None:
            old = self.deck
            self.deck = report.deck
            self.version += 1
            self._place(old, report.deck)
            if not first:
                self.say(f"updated at {time.strftime('%H:%M:%S')}")
        elif not first:
            self.say("not updated: see the error")

    def _place(self, old: Deck | None, new: Deck) -> None:
        """Keep showing the same screen; but when another slide was edited, go to it."""
        current = self.screen
        if self.wanted_language in new.languages:
            self.language = self.wanted_language
        elif self.language not in new.languages:
            self.language = new.default_language
        self.screens = self._refs(new)
        target = current
        if old is not None:
            changed = changed_screen(old, new)
            if changed is not None and (current is None or current.slide != changed.slide):
                target = changed
        if target in self.screens:
            self.position = self.screens.index(target)
        elif target is not None and ScreenRef(target.slide, target.detail) in self.screens:
            self.position = self.screens.index(ScreenRef(target.slide, target.detail))
        elif target is not None and ScreenRef(target.slide, None) in self.screens:
            self.position = self.screens.index(ScreenRef(target.slide, None))
        else:
            self.position = min(self.position, max(0, len(self.screens) - 1))

    def _refs(self, deck: Deck) -> list[ScreenRef]:
        if self.mode is not Mode.LOBBY:
            return screen_refs(deck)
        split = self.pages(deck)

        def count(index: int, detail: str | None) -> int:
            return len(split(index, detail, self.language))

        return screen_refs(deck, count)

    @property
    def viewing(self) -> Viewing | None:
        """A lobby preview reads as the room does: the legibility rule's default viewing."""
        return Viewing() if self.mode is Mode.LOBBY else None

    def pages(self, deck: Deck) -> Pages:
        """How a lobby screen of the preview's size splits each screen into pages (as the kiosk)."""
        floor = text_floor(self.viewing, *self.size) if self.viewing is not None else None
        return lobby_pages(
            deck,
            *self.size,
            self.fonts.measure,
            min_body_px=floor.body_px if floor else None,
            min_small_px=floor.small_px if floor else None,
        )

    def _replace(self) -> None:
        """The screens again after a change of size, mode or language (pages differ)."""
        if self.deck is not None:
            self._place(None, self.deck)

    # -- what is shown ----------------------------------------------------------------------

    @property
    def mode(self) -> Mode:
        if self.mode_choice is not None:
            return self.mode_choice
        return Mode(self.deck.mode) if self.deck is not None else Mode.TOUCH

    @property
    def screen(self) -> ScreenRef | None:
        return self.screens[self.position] if self.screens else None

    def view(self) -> View | None:
        """The current screen as the kiosk names it (None: nothing to show)."""
        ref = self.screen
        if ref is None or self.deck is None:
            return None
        index = next(i for i, slide in enumerate(self.deck.slides) if slide.id == ref.slide)
        return View(index, ref.detail, self.language, page=ref.page)

    def screen_name(self) -> str:
        """A file name for the current screen, like `01-what-is-it--spider-veins-1920x1080-en-touch`."""
        view, ref = self.view(), self.screen
        if view is None or ref is None:
            return "no-deck"
        detail = (f"--{ref.detail}" if ref.detail else "") + (f"-p{ref.page + 1}" if ref.page else "")
        large = "-large" if self.large else ""
        width, height = self.size
        where = f"{width}x{height}-{self.language}-{self.mode.value}{large}"
        return f"{view.slide + 1:02d}-{ref.slide}{detail}-{where}"

    def current_source(self) -> str:
        """The file of the slide on screen ("" when there is none)."""
        ref = self.screen
        if ref is None or self.deck is None:
            return ""
        return next((s.source for s in self.deck.slides if s.id == ref.slide), "")

    def say(self, message: str) -> None:
        self.message = message
        self.message_until = self.clock() + MESSAGE_S

    # -- what the keys do -------------------------------------------------------------------

    def go(self, position: int) -> None:
        if self.screens:
            self.position = position % len(self.screens)

    def next_screen(self) -> None:
        self.go(self.position + 1)

    def previous_screen(self) -> None:
        self.go(self.position - 1)

    def first_screen(self) -> None:
        self.go(0)

    def last_screen(self) -> None:
        self.go(len(self.screens) - 1)

    def select(self, which: str) -> bool:
        """Go to a screen by number (from 1), by id (`what-is-it`, `what-is-it/spider-veins`) or file name."""
        which = which.strip()
        if which.isdigit():
            number = int(which)
            if 1 <= number <= len(self.screens):
                self.go(number - 1)
                return True
            return False
        slide, _, detail = which.removesuffix(".png").replace("--", "/").partition("/")
        candidates = [ScreenRef(slide, detail or None)]
        if slide[:2].isdigit() and slide[2:3] == "-":  # an exported file name: 03-who-and-where--...
            candidates.append(ScreenRef(slide[3:], detail or None))
        for ref in candidates:
            if ref in self.screens:
                self.go(self.screens.index(ref))
                return True
        return False

    def next_language(self) -> None:
        if self.deck is None:
            return
        languages = self.deck.languages
        self.language = (
            languages[(languages.index(self.language) + 1) % len(languages)]
            if self.language in languages
            else languages[0]
        )
        self.wanted_language = self.language
        self._replace()

    def toggle_mode(self) -> None:
        self.mode_choice = Mode.LOBBY if self.mode is Mode.TOUCH else Mode.TOUCH
        self._replace()

    def next_size(self) -> None:
        index = self.sizes.index(self.size) if self.size in self.sizes else -1
        self.size = self.sizes[(index + 1) % len(self.sizes)]
        self._replace()

    def toggle_large(self) -> None:
        self.large = not self.large

    def toggle_warnings(self) -> None:
        self.show_warnings = not self.show_warnings

    def toggle_help(self) -> None:
        self.show_help = not self.show_help

    def reload_now(self) -> None:
        self.reloader.force()
        self.say("loading the deck again")

    def close(self) -> None:
        self.running = False


def changed_screen(old: Deck, new: Deck) -> ScreenRef | None:
    """The first screen whose content differs between two decks (a new slide counts)."""
    before = {slide.id: slide for slide in old.slides}
    for slide in new.slides:
        previous = before.get(slide.id)
        if previous == slide:
            continue
        if previous is None:
            return ScreenRef(slide.id, None)
        if (previous.title, previous.summary, previous.image, previous.alt, previous.link) != (
            slide.title,
            slide.summary,
            slide.image,
            slide.alt,
            slide.link,
        ):
            return ScreenRef(slide.id, None)
        old_details = {d.id: d for d in previous.details}
        for detail in slide.details:
            if old_details.get(detail.id) != detail:
                return ScreenRef(slide.id, detail.id)
        return ScreenRef(slide.id, None)
    return None
