"""`kiosk preview`: a desktop window that shows the deck exactly as the kiosk will, and redraws
within a second of a file being saved.

Every screen is composed by the same `Stage` as the kiosk, at a reference screen size, then scaled
to fit the window. When a save leaves the deck with errors, the last good picture stays and a panel
over it lists the errors as `file:line:column: message`; warnings (text that does not fit, a long
summary, a missing optional translation, a review date passed, placeholder text) are listed at the
bottom. Nothing typed into a slide file can crash the window or leave it blank.

`Preview` does no event reading and no timing of its own: the run loop (`run_preview`) feeds it
keys and calls `tick()`, and tests drive it headless with a fake clock.
"""

from __future__ import annotations

import datetime
import logging
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import pygame

from kiosk.content.deck import Deck, Slide
from kiosk.content.loader import DEFAULT_ASSETS, Report, check_deck
from kiosk.content.problems import Problem, Severity, sort_problems
from kiosk.core.program import Mode, Program, View, build_program
from kiosk.core.state import initial_state
from kiosk.core.theme import THEMES
from kiosk.layout.fit import REFERENCE_SIZES
from kiosk.layout.screen import arrange
from kiosk.layout.text import wrap
from kiosk.render.export import screen_views
from kiosk.render.painter import Fonts
from kiosk.render.stage import Stage
from kiosk.runtime.reload import Fingerprint, Reloader, fingerprint
from kiosk.tools.scaffold import placeholder_problems

log = logging.getLogger(__name__)

SIZES: tuple[tuple[int, int], ...] = ((1280, 720), (1920, 1080), (1080, 1920), (3840, 2160))
DEFAULT_SIZE = (1920, 1080)
WINDOW = (1280, 800)
QUIET_S = 0.3  # a save is loaded once the folder has been still this long
POLL_S = 0.25
MESSAGE_S = 4.0

BACKDROP = (46, 49, 54)
BAR = (24, 26, 30)
BAR_TEXT = (226, 230, 234)
PANEL = (18, 20, 24, 238)
ERROR_TITLE = (255, 170, 160)
WARNING_TITLE = (255, 214, 130)
PANEL_TEXT = (240, 242, 244)
PANEL_MUTE = (178, 186, 194)
CODE_BACK = (44, 48, 56)

HELP = (
    ("Right / Page Down", "next screen (every slide, then each of its details)"),
    ("Left / Page Up", "previous screen"),
    ("Home / End", "first / last screen"),
    ("L", "next language"),
    ("M", "touch screen or lobby TV"),
    ("S", "next screen size: 1280x720, 1920x1080, 1080x1920, 3840x2160"),
    ("A", "large text, as after a visitor taps A+"),
    ("W", "show or hide the warnings"),
    ("R", "load the deck again now"),
    ("P", "save this screen as PNG (as the kiosk shows it, and as this window shows it)"),
    ("H", "show or hide this help"),
    ("Escape", "close the preview"),
)


@dataclass(frozen=True)
class ScreenRef:
    """One screen of the deck, by name, so that it can be found again in a reloaded deck."""

    slide: str
    detail: str | None

    def label(self) -> str:
        return f"{self.slide} › {self.detail}" if self.detail else self.slide


@dataclass(frozen=True)
class Line:
    """A paragraph of a panel, before wrapping: title, bold, text, code (a file's line), pair (help), gap."""

    kind: str
    text: str = ""
    colour: tuple[int, int, int] = PANEL_TEXT
    column: int | None = None  # code: the column to underline


@dataclass(frozen=True)
class Row:
    """One line of a panel as drawn."""

    text: str
    size: int
    bold: bool
    colour: tuple[int, int, int]
    height: int
    x: int = 0
    caret: tuple[int, int] | None = None  # (left, width) of the underline, from the row's x
    code: bool = False


class FitCache:
    """Whether each slide fits at the reference sizes, remembered per slide: a save re-measures
    only the slides it changed (the whole deck takes over a second; one slide about a tenth)."""

    MAX_WIDTHS = 200_000

    def __init__(self, fonts: Fonts) -> None:
        self.fonts = fonts
        self._widths: dict[tuple[str, int, bool], int] = {}
        self._cache: dict[tuple, list[str]] = {}

    def measure(self, text: str, size_px: int, bold: bool) -> int:
        key = (text, size_px, bold)
        width = self._widths.get(key)
        if width is None:
            if len(self._widths) > self.MAX_WIDTHS:
                self._widths.clear()
            width = self._widths[key] = self.fonts.measure(text, size_px, bold)
        return width

    def problems(self, deck: Deck) -> list[Problem]:
        shared = (deck.title, deck.languages, deck.disclaimer, len(deck.slides))
        fresh: dict[tuple, list[str]] = {}
        problems: list[Problem] = []
        for index, slide in enumerate(deck.slides):
            key = (shared, index, replace(slide, source=""))
            messages = self._cache.get(key)
            if messages is None:
                messages = [p.message for p in slide_fit_problems(deck, index, self.measure)]
            fresh[key] = messages
            problems += [Problem(slide.source, 1, 1, message, Severity.WARNING) for message in messages]
        self._cache.update(fresh)
        if len(self._cache) > 4 * len(fresh) + 64:
            self._cache = fresh
        return problems


def slide_fit_problems(deck: Deck, index: int, measure: Callable[[str, int, bool], int]) -> list[Problem]:
    """`kiosk.fit.fit_problems` for one slide: the same checks, the same messages."""
    slide: Slide = deck.slides[index]
    misses: dict[tuple[str | None, str], list[str]] = {}
    for language in deck.languages:
        for detail in (None, *(d.id for d in slide.details)):
            for mode in (Mode.TOUCH, Mode.LOBBY):
                for width, height in REFERENCE_SIZES:
                    layout = arrange(deck, View(index, detail, language), width, height, mode, measure)
                    if layout.overflow:
                        misses.setdefault((detail, language), []).append(f"{width}x{height} {mode.value}")
    problems = []
    for (detail, language), where in misses.items():
        what = f"the detail `{detail}`" if detail else "the slide"
        problems.append(
            Problem(
                slide.source,
                1,
                1,
                f"{what} ({language}) does not fit the screen even at the smallest text size ({', '.join(where)}); shorten its text",
                Severity.WARNING,
            )
        )
    return problems


class Preview:
    """The preview window's content: the current screen of the last good deck, and the problems."""

    def __init__(
        self,
        folder: Path,
        surface: pygame.Surface,
        *,
        clock: Callable[[], float] = time.monotonic,
        assets: Path = DEFAULT_ASSETS,
        today: datetime.date | None = None,
        size: tuple[int, int] = DEFAULT_SIZE,
        language: str | None = None,
        mode: Mode | None = None,
        out: Path | None = None,
        quiet_s: float = QUIET_S,
        poll_s: float = POLL_S,
        scan: Callable[[Path, tuple[Path, ...]], Fingerprint] = fingerprint,
        fit: FitCache | None = None,
    ) -> None:
        if not pygame.font.get_init():
            pygame.font.init()
        self.folder = Path(folder)
        self.surface = surface
        self.clock = clock
        self.assets = assets
        self.today = today
        self.out = out or Path.cwd() / "previews"
        self.fonts = Fonts()
        self.fit = fit or FitCache(self.fonts)
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
        self.errors: tuple[Problem, ...] = ()  # the last load's errors (the deck on disk now)
        self.warnings: tuple[Problem, ...] = ()
        self.render_error: str | None = None
        self.screens: list[ScreenRef] = []
        self.position = 0
        self.loads = 0
        self.message = ""
        self.message_until = 0.0
        self.frame: pygame.Surface | None = None  # the current screen at the reference size
        self.screen_rect = pygame.Rect(0, 0, 0, 0)  # where the screen is drawn in the window
        self.overlay_rect: pygame.Rect | None = None  # the error panel, when shown
        self.warnings_rect: pygame.Rect | None = None
        self.panel_text: dict[str, list[str]] = {}  # what each panel drawn last says, line by line
        self._scaled: pygame.Surface | None = None
        self._sources: dict[tuple[str, int], str | None] = {}
        self._program: Program | None = None
        self._stage: Stage | None = None
        self._version = 0
        self._frame_dirty = True
        self.dirty = True
        self._accept(self.load(self.folder), first=True)
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
        """The deck on disk, with every warning `kiosk validate` gives and placeholder text. Never raises."""
        try:
            report = check_deck(folder, assets=self.assets, today=self.today)
            if report.deck is None:
                return report
            extra = self.fit.problems(report.deck) + placeholder_problems(
                slide.source for slide in report.deck.slides
            )
            return replace(report, problems=tuple(sort_problems([*report.problems, *extra])))
        except Exception as exc:  # a bug must not close the window; say what happened instead
            log.error("loading %s failed: %s: %s", folder, type(exc).__name__, exc)
            log.debug("details", exc_info=True)
            return Report(
                None,
                (
                    Problem(
                        str(folder),
                        1,
                        1,
                        f"the preview could not load the deck ({type(exc).__name__}: {exc}); save the file again, or run `kiosk validate`",
                    ),
                ),
            )

    def _accept(self, report: Report, *, first: bool = False) -> None:
        self.loads += 1
        self._sources = {}
        self.errors = report.errors
        self.warnings = report.warnings
        if report.deck is not None:
            old = self.deck
            self.deck = report.deck
            self._version += 1
            self._program = None
            self._stage = None  # new pictures too: an edited image file must show
            self._place(old, report.deck)
            self._frame_dirty = True
            if not first:
                self.say(f"updated at {time.strftime('%H:%M:%S')}")
        elif not first:
            self.say("not updated: see the error")
        self.dirty = True

    def _place(self, old: Deck | None, new: Deck) -> None:
        """Keep showing the same screen; but when another slide was edited, go to it."""
        current = self.screens[self.position] if self.screens else None
        if self.wanted_language in new.languages:
            self.language = self.wanted_language
        elif self.language not in new.languages:
            self.language = new.default_language
        self.screens = [
            ScreenRef(new.slides[view.slide].id, view.detail) for _, view in screen_views(new, self.language)
        ]
        target = current
        if old is not None:
            changed = _changed_screen(old, new)
            if changed is not None and (current is None or current.slide != changed.slide):
                target = changed
        if target in self.screens:
            self.position = self.screens.index(target)
        elif target is not None and ScreenRef(target.slide, None) in self.screens:
            self.position = self.screens.index(ScreenRef(target.slide, None))
        else:
            self.position = min(self.position, max(0, len(self.screens) - 1))

    def reload_now(self) -> None:
        self.reloader.force()

    # -- what is shown ----------------------------------------------------------------------

    @property
    def mode(self) -> Mode:
        if self.mode_choice is not None:
            return self.mode_choice
        return Mode(self.deck.mode) if self.deck is not None else Mode.TOUCH

    @property
    def screen(self) -> ScreenRef | None:
        return self.screens[self.position] if self.screens else None

    def screen_name(self) -> str:
        """A file name for the current screen, like `01-what-is-it--spider-veins-1920x1080-en-touch`."""
        ref = self.screen
        if ref is None or self.deck is None:
            return "no-deck"
        number = next(i for i, s in enumerate(self.deck.slides, start=1) if s.id == ref.slide)
        detail = f"--{ref.detail}" if ref.detail else ""
        large = "-large" if self.large else ""
        return f"{number:02d}-{ref.slide}{detail}-{self.size[0]}x{self.size[1]}-{self.language}-{self.mode.value}{large}"

    def go(self, position: int) -> None:
        if self.screens:
            self.position = position % len(self.screens)
            self._frame_dirty = self.dirty = True

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

    def say(self, message: str) -> None:
        self.message = message
        self.message_until = self.clock() + MESSAGE_S
        self.dirty = True

    # -- input ------------------------------------------------------------------------------

    def key(self, key: int) -> bool:
        """Act on one key press; whether it meant something."""
        if key in (pygame.K_RIGHT, pygame.K_PAGEDOWN, pygame.K_DOWN, pygame.K_SPACE):
            self.go(self.position + 1)
        elif key in (pygame.K_LEFT, pygame.K_PAGEUP, pygame.K_UP, pygame.K_BACKSPACE):
            self.go(self.position - 1)
        elif key == pygame.K_HOME:
            self.go(0)
        elif key == pygame.K_END:
            self.go(len(self.screens) - 1)
        elif key == pygame.K_l:
            if self.deck is not None:
                languages = self.deck.languages
                self.language = (
                    languages[(languages.index(self.language) + 1) % len(languages)]
                    if self.language in languages
                    else languages[0]
                )
                self.wanted_language = self.language
                self._frame_dirty = True
        elif key == pygame.K_m:
            self.mode_choice = Mode.LOBBY if self.mode is Mode.TOUCH else Mode.TOUCH
            self._program = None
            self._frame_dirty = True
        elif key == pygame.K_s:
            index = self.sizes.index(self.size) if self.size in self.sizes else -1
            self.size = self.sizes[(index + 1) % len(self.sizes)]
            self._stage = None
            self._frame_dirty = True
        elif key == pygame.K_a:
            self.large = not self.large
            self._frame_dirty = True
        elif key == pygame.K_w:
            self.show_warnings = not self.show_warnings
        elif key == pygame.K_h or key == pygame.K_F1:
            self.show_help = not self.show_help
        elif key in (pygame.K_r, pygame.K_F5):
            self.reload_now()
            self.say("loading the deck again")
        elif key == pygame.K_p:
            self.save_pngs()
        else:
            return False
        self.dirty = True
        return True

    def resize(self, surface: pygame.Surface) -> None:
        self.surface = surface
        self._scaled = None
        self.dirty = True

    # -- the loop ---------------------------------------------------------------------------

    def tick(self) -> bool:
        """Pick up saved changes and redraw if anything changed; whether the window was redrawn."""
        now = self.clock()
        try:
            report = self.reloader.poll(now)
        except Exception as exc:  # the reloader's own checks failed (a vanished disk, say)
            log.error("watching %s failed: %s", self.folder, exc)
            report = Report(
                None,
                (Problem(str(self.folder), 1, 1, f"the preview could not read the deck folder ({exc})"),),
            )
        if report is not None:
            self._accept(report)
        if self.message and now >= self.message_until:
            self.message = ""
            self.dirty = True
        if not self.dirty:
            return False
        try:
            self.draw()
        except Exception as exc:  # never a traceback in the staff's terminal, never a closed window
            log.error("the preview window could not be drawn: %s: %s", type(exc).__name__, exc)
            log.debug("details", exc_info=True)
            self.dirty = False
        return True

    # -- drawing ----------------------------------------------------------------------------

    def render_screen(self) -> pygame.Surface | None:
        """The current screen at the reference size, composed by the kiosk's own Stage."""
        if self.deck is None or not self.screens:
            return None
        if self._program is None:
            self._program = build_program(
                self.deck, self.mode, version=self._version, reduced_motion=self.deck.reduced_motion
            )
            self._stage = None
        if self._stage is None or self._stage.size != self.size:
            self._stage = Stage(self._program, THEMES.get(self.deck.theme, THEMES["warm"]), self.size)
        program, stage = self._program, self._stage
        ref = self.screens[self.position]
        slide = next(i for i, s in enumerate(self.deck.slides) if s.id == ref.slide)
        index = next(
            i
            for i, entry in enumerate(program.entries)
            if entry.slide == slide and entry.language in (None, self.language)
        )
        state = replace(
            initial_state(program, 0.0, self.language), index=index, detail=ref.detail, large_text=self.large
        )
        frame = (
            self.frame
            if self.frame is not None and self.frame.get_size() == self.size
            else _surface(self.size)
        )
        stage.compose(state, 0.0, frame)
        return frame

    def _refresh_frame(self) -> None:
        if not self._frame_dirty:
            return
        self._frame_dirty = False
        try:
            frame = self.render_screen()
        except Exception as exc:  # keep the last picture and say why it did not change
            log.error("drawing %s failed: %s: %s", self.screen, type(exc).__name__, exc)
            log.debug("details", exc_info=True)
            self.render_error = f"this screen could not be drawn ({type(exc).__name__}: {exc})"
            return
        self.render_error = None
        self.frame = frame
        self._scaled = None

    def draw(self) -> None:
        """Draw the window: the screen scaled to fit, the panels, the status line."""
        self.dirty = False
        self._refresh_frame()
        surface = self.surface
        width, height = surface.get_size()
        surface.fill(BACKDROP)
        unit = _unit(width, height)
        bar_h = round(unit * 1.7)
        area = pygame.Rect(0, 0, width, max(1, height - bar_h))
        self.overlay_rect = self.warnings_rect = None
        self.panel_text = {}
        if self.frame is not None:
            fw, fh = self.frame.get_size()
            scale = min(area.w / fw, area.h / fh)
            size = (max(1, round(fw * scale)), max(1, round(fh * scale)))
            if self._scaled is None or self._scaled.get_size() != size:
                self._scaled = (
                    pygame.transform.smoothscale(self.frame, size) if size != (fw, fh) else self.frame.copy()
                )
            self.screen_rect = self._scaled.get_rect(center=area.center)
            surface.blit(self._scaled, self.screen_rect)
        else:
            self.screen_rect = area.copy()
        problems = [*self.errors] + (
            [Problem(str(self.folder), 1, 1, self.render_error)] if self.render_error else []
        )
        if problems:
            self.overlay_rect = self._error_panel(surface, area, problems, unit)
        elif self.frame is None:
            self._panel(
                surface,
                area,
                [
                    Line("title", "Nothing to show yet", ERROR_TITLE),
                    Line("text", f"The deck in {self.folder} has no screens."),
                ],
                unit,
                name="errors",
            )
        elif self.show_warnings and self.warnings:
            self.warnings_rect = self._warnings_panel(surface, area, unit)
        if self.show_help:
            self._help_panel(surface, area, unit)
        self._status(surface, pygame.Rect(0, height - bar_h, width, bar_h), unit)

    def _where(self, problem: Problem) -> str:
        """`file:line:column`, the file relative to the deck folder, as `kiosk validate` writes it."""
        return (
            replace(problem, message="", severity=Severity.ERROR)
            .format(relative_to=self.folder)
            .removesuffix(": ")
        )

    def _error_panel(
        self, surface: pygame.Surface, area: pygame.Rect, problems: list[Problem], unit: int
    ) -> pygame.Rect:
        count = len(self.errors)
        title = (
            f"The deck has {count} error{'' if count == 1 else 's'}" if count else "The preview has a problem"
        )
        if self.deck is not None:
            note = "The kiosk would not show this version; underneath is the last good one. Fix the line named below and save: the preview updates by itself."
        else:
            note = "There is no good version to show yet. Fix the line named below and save: the preview updates by itself."
        lines = [Line("title", title, ERROR_TITLE), Line("text", note, PANEL_MUTE)]
        for problem in problems:
            lines += [Line("gap"), Line("bold", self._where(problem)), Line("text", problem.message)]
            source = self._source_line(problem)
            if source is not None:
                lines.append(Line("code", source, PANEL_TEXT, problem.column))
        return self._panel(
            surface, area, lines, unit, name="errors", more_hint="`kiosk validate` lists them all"
        )

    def _source_line(self, problem: Problem) -> str | None:
        """The line a problem points at, as it is in the file now (None when there is none to show)."""
        if problem.line < 1 or not problem.file.endswith((".yaml", ".yml")):
            return None
        key = (problem.file, problem.line)
        if key not in self._sources:
            try:
                with open(problem.file, encoding="utf-8", errors="replace") as handle:
                    found = next(
                        (text for number, text in enumerate(handle, start=1) if number == problem.line), None
                    )
            except OSError:
                found = None
            self._sources[key] = found.rstrip("\r\n") if found is not None and found.strip() else None
        return self._sources[key]

    def _warnings_panel(self, surface: pygame.Surface, area: pygame.Rect, unit: int) -> pygame.Rect:
        ref = self.screen
        here = ""
        if ref is not None and self.deck is not None:
            here = next((s.source for s in self.deck.slides if s.id == ref.slide), "")
        # The warnings about the slide on screen first, then the rest in file order.
        ordered = sorted(self.warnings, key=lambda p: (p.file != here, p.file, p.line, p.column))
        count = len(ordered)
        lines = [
            Line(
                "bold",
                f"{count} warning{'' if count == 1 else 's'}: the kiosk shows the deck, but have a look (W hides this list)",
                WARNING_TITLE,
            )
        ]
        groups: dict[str, list[Problem]] = {}
        for problem in ordered:  # the same advice for many slides is listed once
            groups.setdefault(problem.message, []).append(problem)
        for message, group in groups.items():
            where = self._where(group[0])
            if len(group) > 1:
                what = "line" if all(p.file == group[0].file for p in group) else "place"
                where += f" and {len(group) - 1} more {what}{'' if len(group) == 2 else 's'}"
            lines.append(Line("text", f"{where}: {message}"))
        small = max(11, round(unit * 0.8))
        return self._panel(
            surface,
            area,
            lines,
            small,
            name="warnings",
            bottom=True,
            max_share=0.34,
            more_hint="W hides this list; `kiosk validate` lists them all",
        )

    def _help_panel(self, surface: pygame.Surface, area: pygame.Rect, unit: int) -> None:
        lines = [Line("title", "Keys")] + [Line("pair", f"{key}\t{what}") for key, what in HELP]
        self._panel(surface, area, lines, unit, name="help")

    def _panel(
        self,
        surface: pygame.Surface,
        area: pygame.Rect,
        lines: list[Line],
        unit: int,
        *,
        name: str,
        bottom: bool = False,
        max_share: float = 1.0,
        more_hint: str = "",
    ) -> pygame.Rect:
        """A dark, see-through panel with wrapped lines over the picture; its rectangle."""
        margin = round(unit * 1.2)
        pad = round(unit * 0.9)
        width = min(area.w - 2 * margin, round(unit * 56))
        inner = width - 2 * pad
        max_h = round((area.h - 2 * margin) * max_share)
        measure = self.fonts.measure
        key_w = max(
            (measure(line.text.split("\t")[0], unit, True) + unit for line in lines if line.kind == "pair"),
            default=0,
        )
        rows: list[Row] = []
        for line in lines:
            size = round(unit * 1.3) if line.kind == "title" else unit
            step = round(size * 1.35)
            if line.kind == "gap":
                rows.append(Row("", unit, False, line.colour, round(unit * 0.5)))
            elif line.kind == "pair":
                key, what = line.text.split("\t")
                rows.append(Row(key, size, True, line.colour, 0))
                rows += [
                    Row(part, size, False, line.colour, step, x=key_w)
                    for part in wrap(what, inner - key_w, size, False, measure)
                ]
            elif line.kind == "code":
                rows.append(self._code_row(line, size, inner, step))
            else:
                bold = line.kind in ("title", "bold")
                rows += [
                    Row(part, size, bold, line.colour, step)
                    for part in wrap(line.text, inner, size, bold, measure)
                ]
        shown = rows
        if sum(row.height for row in rows) + 2 * pad > max_h:
            budget = max_h - 2 * pad - round(unit * 1.35)
            shown, used = [], 0
            for row in rows:
                if used + row.height > budget:
                    break
                shown.append(row)
                used += row.height
            shown.append(
                Row(
                    "… and more" + (f" ({more_hint})" if more_hint else ""),
                    unit,
                    False,
                    PANEL_MUTE,
                    round(unit * 1.35),
                )
            )
        rect = pygame.Rect(0, 0, width, sum(row.height for row in shown) + 2 * pad)
        rect.centerx = area.centerx
        if bottom:
            rect.bottom = area.bottom - margin
        else:
            rect.top = area.top + margin
        backing = pygame.Surface(rect.size, pygame.SRCALPHA)
        backing.fill((0, 0, 0, 0))
        pygame.draw.rect(backing, PANEL, backing.get_rect(), border_radius=max(4, unit // 2))
        surface.blit(backing, rect)
        self.panel_text[name] = [row.text for row in shown if row.text]
        y = rect.top + pad
        for row in shown:
            x = rect.left + pad + row.x
            if row.code:
                pygame.draw.rect(
                    surface,
                    CODE_BACK,
                    pygame.Rect(x - unit // 3, y + 1, inner - row.x + 2 * (unit // 3), row.height - 2),
                    border_radius=3,
                )
            if row.text:
                rendered = self.fonts.font(row.size, row.bold).render(row.text, True, row.colour)
                surface.blit(rendered, (x, y + (max(row.height, row.size) - rendered.get_height()) // 2))
            if row.caret is not None:
                left, span = row.caret
                thick = max(3, unit // 6)
                pygame.draw.rect(
                    surface,
                    ERROR_TITLE,
                    pygame.Rect(x + left, y + row.height - thick - 3, max(span, unit // 2), thick),
                )
            y += row.height
        return rect

    def _code_row(self, line: Line, size: int, inner: int, step: int) -> Row:
        """The line from the file, its indentation made visible (· a space, » a tab), the column underlined."""
        text = line.text
        indent = len(text) - len(text.lstrip(" \t"))
        visible = text[:indent].replace(" ", "·").replace("\t", "»") + text[indent:]
        font = self.fonts.font(size, False)
        while len(visible) > 1 and font.size(visible)[0] > inner:
            visible = visible[:-2] + "…"
        caret = None
        column = line.column
        if column is not None and 1 <= column <= len(visible):
            left = font.size(visible[: column - 1])[0]
            caret = (left, font.size(visible[column - 1])[0])
        return Row(visible, size, False, line.colour, step + size // 3, caret=caret, code=True)

    def _status(self, surface: pygame.Surface, rect: pygame.Rect, unit: int) -> None:
        surface.fill(BAR, rect)
        size = max(11, round(unit * 0.85))
        ref = self.screen
        where = f"{self.position + 1}/{len(self.screens)}  {ref.label()}" if ref else "no deck"
        left = f"{where}   ·   {self.size[0]}x{self.size[1]}   ·   {self.language.upper() or '-'}   ·   {self.mode.value}{'   ·   large text' if self.large else ''}"
        errors, warnings = len(self.errors), len(self.warnings)
        right = f"{errors} error{'' if errors == 1 else 's'}   ·   {warnings} warning{'' if warnings == 1 else 's'}   ·   H: keys"
        if self.message:
            right = f"{self.message}   ·   {right}"
        pad = round(unit * 0.8)
        font = self.fonts.font(size, False)
        right_surface = self.fonts.font(size, True).render(right, True, ERROR_TITLE if errors else BAR_TEXT)
        room = rect.w - 3 * pad - right_surface.get_width()
        text = left
        while text and font.size(text)[0] > room:
            text = text[:-2]
        left_surface = font.render(text, True, BAR_TEXT)
        surface.blit(left_surface, (rect.left + pad, rect.centery - left_surface.get_height() // 2))
        surface.blit(
            right_surface,
            (rect.right - pad - right_surface.get_width(), rect.centery - right_surface.get_height() // 2),
        )

    # -- pictures ---------------------------------------------------------------------------

    def save_png(self, path: Path) -> Path:
        """What the window shows now (the picture, the panels and the status line)."""
        if self.dirty:
            self.draw()
        path.parent.mkdir(parents=True, exist_ok=True)
        pygame.image.save(self.surface, str(path))
        return path

    def save_screen_png(self, path: Path) -> Path | None:
        """The current screen alone, at full reference size, as the kiosk draws it (None: no deck)."""
        self._refresh_frame()
        if self.frame is None:
            return None
        path.parent.mkdir(parents=True, exist_ok=True)
        pygame.image.save(self.frame, str(path))
        return path

    def save_pngs(self) -> list[Path]:
        name = self.screen_name()
        saved = []
        try:
            screen = self.save_screen_png(self.out / f"{name}.png")
            saved = [p for p in (screen, self.save_png(self.out / f"{name}-window.png")) if p is not None]
        except (OSError, pygame.error) as exc:
            self.say(f"could not save the PNG: {exc}")
            return []
        self.say(f"saved {_shown(saved[0])}" + (" and -window.png" if len(saved) > 1 else ""))
        return saved


def _changed_screen(old: Deck, new: Deck) -> ScreenRef | None:
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


def _unit(width: int, height: int) -> int:
    """The base text size of the window's own text: readable at any window size."""
    return max(13, min(26, round(min(width / 62, height / 38))))


def _surface(size: tuple[int, int]) -> pygame.Surface:
    surface = pygame.Surface(size)
    return surface.convert() if pygame.display.get_surface() else surface


def _shown(path: Path) -> str:
    try:
        shown = os.path.relpath(path)
    except ValueError:
        return str(path)
    return str(path) if shown.startswith("..") else shown


# -- the window -----------------------------------------------------------------------------------


def run_preview(
    folder: Path,
    *,
    size: tuple[int, int] = DEFAULT_SIZE,
    language: str | None = None,
    mode: Mode | None = None,
    window: tuple[int, int] = WINDOW,
) -> int:
    """Open the preview window and run until Escape or the window is closed."""
    pygame.display.init()
    pygame.font.init()
    pygame.display.set_caption(f"Kiosk preview: {folder}")
    display = pygame.display.set_mode(window, pygame.RESIZABLE)
    display.fill(BACKDROP)
    pygame.display.flip()
    preview = Preview(folder, display, size=size, language=language, mode=mode)
    clock = pygame.time.Clock()
    try:
        while preview.running:
            for event in pygame.event.get():
                if event.type == pygame.QUIT:
                    preview.running = False
                elif event.type == pygame.KEYDOWN:
                    if event.key == pygame.K_ESCAPE:
                        preview.running = False
                    else:
                        preview.key(event.key)
                elif event.type in (pygame.VIDEORESIZE, pygame.WINDOWSIZECHANGED):
                    preview.resize(pygame.display.get_surface())
                elif event.type in (pygame.WINDOWEXPOSED, pygame.WINDOWRESTORED, pygame.WINDOWSHOWN):
                    preview.dirty = True
            if preview.tick():
                pygame.display.flip()
            clock.tick(30)
    finally:
        pygame.quit()
    return 0


def export_preview_png(
    folder: Path,
    out: Path,
    *,
    screen: str | None = None,
    size: tuple[int, int] = DEFAULT_SIZE,
    language: str | None = None,
    mode: Mode | None = None,
    window: tuple[int, int] = WINDOW,
    warnings: bool = True,
) -> Preview:
    """Draw the preview window headlessly and save it as a PNG (for docs and tests)."""
    os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
    pygame.display.init()
    pygame.font.init()
    if pygame.display.get_surface() is None:
        pygame.display.set_mode((1, 1))
    preview = Preview(folder, pygame.Surface(window), size=size, language=language, mode=mode)
    if screen is not None and not preview.select(screen):
        raise ValueError(
            f"there is no screen `{screen}`; give a number from 1 to {len(preview.screens)} or an id like what-is-it or what-is-it/spider-veins"
        )
    preview.show_warnings = warnings
    preview.draw()
    preview.save_png(out)
    return preview


def preview_command(args) -> int:
    """`kiosk preview [DECK]`, and `--export-png OUT.png [--screen N]` for a headless picture."""
    mode = Mode(args.mode) if args.mode else None
    if not args.deck.is_dir():
        what = (
            "there is no deck folder at" if not args.deck.exists() else "this is a file, not a deck folder:"
        )
        print(f"kiosk: {what} {args.deck}; give the folder that holds deck.yaml", file=sys.stderr)
        return 1
    if args.export_png is None:
        if args.screen:
            print(
                "kiosk: --screen goes with --export-png; in the window, use the arrow keys", file=sys.stderr
            )
            return 2
        return run_preview(args.deck, size=args.size, language=args.lang, mode=mode, window=args.window)
    try:
        preview = export_preview_png(
            args.deck,
            args.export_png,
            screen=args.screen,
            size=args.size,
            language=args.lang,
            mode=mode,
            window=args.window,
            warnings=not args.no_warnings,
        )
    except ValueError as exc:
        print(f"kiosk: {exc}", file=sys.stderr)
        return 2
    except (OSError, pygame.error) as exc:
        print(f"kiosk: the PNG could not be written ({exc})", file=sys.stderr)
        return 1
    for problem in preview.errors:
        print(problem.format(relative_to=Path.cwd()), file=sys.stderr)
    if args.lang and preview.deck is not None and args.lang not in preview.deck.languages:
        print(
            f"kiosk: `{args.lang}` is not one of the deck's languages ({', '.join(preview.deck.languages)}); showing {preview.language}",
            file=sys.stderr,
        )
    screen = preview.screen.label() if preview.screen else "no screen"
    print(
        f"{args.export_png}: {screen}, {preview.size[0]}x{preview.size[1]}, {preview.language}, {preview.mode.value}; {len(preview.errors)} error(s), {len(preview.warnings)} warning(s)"
    )
    return 1 if preview.errors else 0
