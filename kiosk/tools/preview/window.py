"""The preview window: draws a `Session` (the current screen, composed by the kiosk's own `Stage`
at the chosen screen size and scaled to fit) with its panels and status line, and routes key
presses through the one bindings table.

`Preview` reads no events and keeps no time of its own: `run_preview` feeds it keys and calls
`tick()`, and tests drive it headless with a fake clock.
"""

from __future__ import annotations

import datetime
import logging
import os
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pygame

from kiosk.content.deck import Sound
from kiosk.content.problems import Problem, Severity
from kiosk.core.program import Mode, Program, build_program
from kiosk.core.state import Narrating
from kiosk.core.theme import THEMES
from kiosk.layout.items import Box
from kiosk.render.export import headless_display, view_state
from kiosk.render.painter import Fonts, Painter, Pictures
from kiosk.render.stage import Stage
from kiosk.runtime.display import NoDisplay, init_display, set_mode
from kiosk.runtime.reload import Fingerprint, fingerprint
from kiosk.runtime.sound import Narrator
from kiosk.tools.preview import panels
from kiosk.tools.preview.bindings import binding_for, help_rows
from kiosk.tools.preview.panels import ERROR_TITLE, PANEL_ALPHA, PANEL_MUTE, PANEL_TEXT, WARNING_TITLE, Line
from kiosk.tools.preview.session import DEFAULT_SIZE, POLL_S, QUIET_S, Session

log = logging.getLogger(__name__)

WINDOW = (1280, 800)
_PANEL_THEME = THEMES["warm"]  # the panels use literal colours; any theme passes them through
_COLOUR_KEY = (255, 0, 255)  # outside a panel's rounded corners


class Preview:
    """The preview window's picture of a `Session`."""

    def __init__(
        self,
        folder: Path,
        surface: pygame.Surface,
        *,
        clock: Callable[[], float] = time.monotonic,
        assets: Path | None = None,
        today: datetime.date | None = None,
        size: tuple[int, int] = DEFAULT_SIZE,
        language: str | None = None,
        mode: Mode | None = None,
        out: Path | None = None,
        quiet_s: float = QUIET_S,
        poll_s: float = POLL_S,
        scan: Callable[[Path, tuple[Path, ...]], Fingerprint] = fingerprint,
        fonts: Fonts | None = None,
        narrator: Narrator | None = None,
    ) -> None:
        if not pygame.font.get_init():
            pygame.font.init()
        self.fonts = fonts or Fonts()
        self.painter = Painter(self.fonts, Pictures())
        extra = {} if assets is None else {"assets": assets}
        self.session = Session(
            folder,
            self.fonts,
            clock=clock,
            today=today,
            size=size,
            language=language,
            mode=mode,
            quiet_s=quiet_s,
            poll_s=poll_s,
            scan=scan,
            **extra,
        )
        self.surface = surface
        self.out = out or Path.cwd() / "previews"
        self.frame: pygame.Surface | None = None  # the current screen at the kiosk's size
        self.render_error: str | None = None
        self.screen_rect = pygame.Rect(0, 0, 0, 0)  # where the screen is drawn in the window
        self.overlay_rect: pygame.Rect | None = None  # the error panel, when shown
        self.warnings_rect: pygame.Rect | None = None
        self.panel_text: dict[str, list[str]] = {}  # what each panel drawn last says, line by line
        self._sources: dict[tuple[str, int], str | None] = {}
        self._program: tuple[tuple[int, Mode, tuple[int, int]], Program] | None = None
        self._stage: Stage | None = None
        self._frame_key: tuple | None = None
        self._scaled: pygame.Surface | None = None
        self._drawn_key: tuple | None = None
        # The kiosk's own voice: its mixer starts at the first N on a screen with a narration.
        self.narrator = narrator or Narrator()
        self._voice: tuple[tuple, Sound, float] | None = None  # (screen, sound, started at)

    # -- input ------------------------------------------------------------------------------

    def key(self, key: int) -> bool:
        """Act on one key press (bindings.BINDINGS); whether it meant something."""
        binding = binding_for(key)
        if binding is None:
            return False
        binding.act(self)
        return True

    def resize(self, surface: pygame.Surface) -> None:
        self.surface = surface
        self._scaled = None
        self._drawn_key = None

    # -- the loop ---------------------------------------------------------------------------

    def tick(self) -> bool:
        """Pick up saved changes and redraw if anything shown changed; whether it redrew."""
        if self.session.poll():
            self._sources = {}
        voice = self._voice
        if voice is not None and (
            voice[0] != self._voice_screen() or self.session.clock() >= voice[2] + voice[1].duration_s
        ):
            self._silence()  # as on the kiosk: another screen or language, or its end, silences it
        if self._drawn_key == self._what_is_shown():
            return False
        try:
            self.draw()
        except Exception as exc:  # never a traceback in the staff's terminal, never a closed window
            log.error("the preview window could not be drawn: %s: %s", type(exc).__name__, exc)
            log.debug("details", exc_info=True)
            self._drawn_key = self._what_is_shown()
        return True

    def _what_is_shown(self) -> tuple:
        s = self.session
        return (
            self._frame_wanted(),
            s.loads,
            s.show_warnings,
            s.show_help,
            s.message,
            self.surface.get_size(),
        )

    def _frame_wanted(self) -> tuple:
        s = self.session
        return (s.version, s.screen, s.language, s.mode, s.size, s.large, self._voice is not None)

    # -- the narration ----------------------------------------------------------------------

    def _voice_screen(self) -> tuple:
        s = self.session
        return (s.version, s.screen, s.language, s.mode)

    def screen_sound(self) -> Sound | None:
        """The narration of the screen shown, in its language (None: it has none)."""
        deck, view = self.session.deck, self.session.view()
        if deck is None or view is None:
            return None
        return deck.narration(view.slide, view.detail, view.language)

    def toggle_narration(self) -> None:
        """Play the screen's narration through the kiosk's sound module, or stop it (key N)."""
        session = self.session
        if self._voice is not None:
            self._silence()
            session.say("narration stopped")
            return
        sound, deck = self.screen_sound(), session.deck
        if sound is None or deck is None:
            session.say(f"this screen has no narration in {session.language.upper() or 'this language'}")
            return
        self.narrator.prepare(deck)  # the mixer starts now, once (its failure is logged once)
        if not self.narrator.ready:
            session.say("no sound device: the narration cannot be heard here")
            return
        self.narrator.play(sound)
        if self.narrator.playing is None:
            session.say(f"{sound.path.name} could not be played (see the terminal)")
            return
        self._voice = (self._voice_screen(), sound, session.clock())
        session.say(f"playing {sound.path.name} ({sound.duration_s:.0f} s); N stops it")

    def _silence(self) -> None:
        self.narrator.stop()
        self._voice = None

    def close(self) -> None:
        """Silence, and let the sound device go."""
        self._voice = None
        self.narrator.close()

    # -- the kiosk's picture ----------------------------------------------------------------

    def render_screen(self) -> pygame.Surface | None:
        """The current screen at the kiosk's size, composed by the kiosk's own Stage."""
        session = self.session
        deck, view = session.deck, session.view()
        if deck is None or view is None:
            return None
        wanted = (session.version, session.mode, session.size)
        if self._program is None or self._program[0] != wanted:
            # A lobby screen too long for one plays as pages, as on the kiosk.
            program = build_program(
                deck,
                session.mode,
                version=session.version,
                reduced_motion=deck.reduced_motion,
                pages=session.pages(deck),
            )
            self._program = (wanted, program)
            self._stage = None  # new pictures too: an edited image file must show
        program = self._program[1]
        if self._stage is None or self._stage.size != session.size:
            theme = THEMES.get(deck.theme, THEMES["warm"])
            self._stage = Stage(program, theme, session.size, viewing=session.viewing)
        frame = self.frame if self.frame is not None and self.frame.get_size() == session.size else None
        if frame is None:
            frame = pygame.Surface(session.size)
            frame = frame.convert() if pygame.display.get_surface() else frame
        state = view_state(program, view, large_text=session.large)
        if self._voice is not None:  # the speaker button reads Stop, as on the kiosk
            state = replace(
                state, narrating=Narrating(sound=self._voice[1], screen=state.screen, started_at=0.0)
            )
        self._stage.compose(state, 0.0, frame)
        return frame

    def _refresh_frame(self) -> None:
        wanted = self._frame_wanted()
        if wanted == self._frame_key:
            return
        self._frame_key = wanted
        try:
            frame = self.render_screen()
        except Exception as exc:  # keep the last picture and say why it did not change
            log.error("drawing %s failed: %s: %s", self.session.screen, type(exc).__name__, exc)
            log.debug("details", exc_info=True)
            self.render_error = f"this screen could not be drawn ({type(exc).__name__}: {exc})"
            return
        self.render_error = None
        self.frame = frame
        self._scaled = None

    # -- drawing ----------------------------------------------------------------------------

    def draw(self) -> None:
        """Draw the window: the screen scaled to fit, the panels, the status line."""
        self._refresh_frame()
        self._drawn_key = self._what_is_shown()
        session, surface = self.session, self.surface
        width, height = surface.get_size()
        surface.fill(pygame.Color(panels.BACKDROP))
        unit = panels.unit_px(width, height)
        bar_h = round(unit * 1.7)
        area = Box(0, 0, width, max(1, height - bar_h))
        self.overlay_rect = self.warnings_rect = None
        self.panel_text = {}
        if self.frame is not None:
            fw, fh = self.frame.get_size()
            scale = min(area.w / fw, area.h / fh)
            size = (max(1, round(fw * scale)), max(1, round(fh * scale)))
            scaled = self._scaled
            if scaled is None or scaled.get_size() != size:
                scaled = (
                    pygame.transform.smoothscale(self.frame, size) if size != (fw, fh) else self.frame.copy()
                )
                self._scaled = scaled
            self.screen_rect = scaled.get_rect(center=(area.w // 2, area.h // 2))
            surface.blit(scaled, self.screen_rect)
        else:
            self.screen_rect = pygame.Rect(area.x, area.y, area.w, area.h)
        problems = [*session.errors] + (
            [Problem(str(session.folder), 1, 1, self.render_error)] if self.render_error else []
        )
        measure = self.fonts.measure
        if problems:
            self.overlay_rect = self._paint("errors", self._error_panel(problems, area, unit))
        elif self.frame is None:
            lines = [
                Line(kind="title", text="Nothing to show yet", colour=ERROR_TITLE),
                Line(kind="text", text=f"The deck in {session.folder} has no screens."),
            ]
            self._paint("errors", panels.panel(lines, area=area, unit=unit, measure=measure))
        elif session.show_warnings and session.warnings:
            self.warnings_rect = self._paint("warnings", self._warnings_panel(area, unit))
        if session.show_help:
            lines = [Line(kind="title", text="Keys")]
            lines += [Line(kind="pair", text=f"{keys}\t{what}") for keys, what in help_rows()]
            self._paint("help", panels.panel(lines, area=area, unit=unit, measure=measure))
        self._paint("status", self._status(Box(0, height - bar_h, width, bar_h), unit), see_through=False)

    def _paint(self, name: str, panel: panels.Panel, *, see_through: bool = True) -> pygame.Rect:
        box = panel.box
        rect = pygame.Rect(box.x, box.y, box.w, box.h)
        self.panel_text[name] = list(panel.text)
        if not see_through:
            self.painter.draw(self.surface, panel.items, _PANEL_THEME)
            return rect
        layer = pygame.Surface(rect.size)
        layer.fill(_COLOUR_KEY)
        layer.set_colorkey(_COLOUR_KEY)
        self.painter.draw(layer, panel.items, _PANEL_THEME, dx=-box.x, dy=-box.y)
        layer.set_alpha(PANEL_ALPHA)
        self.surface.blit(layer, rect)
        return rect

    def _where(self, problem: Problem) -> str:
        """`file:line:column`, the file relative to the deck folder, as `kiosk validate` writes it."""
        plain = replace(problem, message="", severity=Severity.ERROR)
        return plain.format(relative_to=self.session.folder).removesuffix(": ")

    def _error_panel(self, problems: list[Problem], area: Box, unit: int) -> panels.Panel:
        count = len(self.session.errors)
        title = (
            f"The deck has {count} error{'' if count == 1 else 's'}" if count else "The preview has a problem"
        )
        fix = "Fix the line named below and save: the preview updates by itself."
        if self.session.deck is not None:
            note = f"The kiosk would not show this version; underneath is the last good one. {fix}"
        else:
            note = f"There is no good version to show yet. {fix}"
        lines = [
            Line(kind="title", text=title, colour=ERROR_TITLE),
            Line(kind="text", text=note, colour=PANEL_MUTE),
        ]
        for problem in problems:
            lines += [
                Line(kind="gap"),
                Line(kind="bold", text=self._where(problem)),
                Line(kind="text", text=problem.message),
            ]
            source = self._source_line(problem)
            if source is not None:
                lines.append(Line(kind="code", text=source, colour=PANEL_TEXT, column=problem.column))
        return panels.panel(
            lines,
            area=area,
            unit=unit,
            measure=self.fonts.measure,
            more_hint="`kiosk validate` lists them all",
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

    def _warnings_panel(self, area: Box, unit: int) -> panels.Panel:
        here = self.session.current_source()
        # The warnings about the slide on screen first, then the rest in file order.
        ordered = sorted(self.session.warnings, key=lambda p: (p.file != here, p.file, p.line, p.column))
        count = len(ordered)
        title = (
            f"{count} warning{'' if count == 1 else 's'}: "
            "the kiosk shows the deck, but have a look (W hides this list)"
        )
        lines = [Line(kind="bold", text=title, colour=WARNING_TITLE)]
        groups: dict[str, list[Problem]] = {}
        for problem in ordered:  # the same advice for many slides is listed once
            groups.setdefault(problem.message, []).append(problem)
        for message, group in groups.items():
            where = self._where(group[0])
            if len(group) > 1:
                what = "line" if all(p.file == group[0].file for p in group) else "place"
                where += f" and {len(group) - 1} more {what}{'' if len(group) == 2 else 's'}"
            lines.append(Line(kind="text", text=f"{where}: {message}"))
        return panels.panel(
            lines,
            area=area,
            unit=max(11, round(unit * 0.8)),
            measure=self.fonts.measure,
            bottom=True,
            max_share=0.34,
            more_hint="W hides this list; `kiosk validate` lists them all",
        )

    def _status(self, box: Box, unit: int) -> panels.Panel:
        s = self.session
        ref = s.screen
        where = f"{s.position + 1}/{len(s.screens)}  {ref.label()}" if ref else "no deck"
        parts = [where, f"{s.size[0]}x{s.size[1]}", s.language.upper() or "-", s.mode.value]
        if s.large:
            parts.append("large text")
        errors, warnings = len(s.errors), len(s.warnings)
        counts = [
            f"{errors} error{'' if errors == 1 else 's'}",
            f"{warnings} warning{'' if warnings == 1 else 's'}",
            "H: keys",
        ]
        if s.message:
            counts.insert(0, s.message)
        dot = "   ·   "
        return panels.status_bar(
            dot.join(parts),
            dot.join(counts),
            box=box,
            unit=unit,
            measure=self.fonts.measure,
            alert=errors > 0,
        )

    # -- pictures ---------------------------------------------------------------------------

    def save_png(self, path: Path) -> Path:
        """What the window shows now (the picture, the panels and the status line)."""
        if self._drawn_key != self._what_is_shown():
            self.draw()
        path.parent.mkdir(parents=True, exist_ok=True)
        pygame.image.save(self.surface, str(path))
        return path

    def save_screen_png(self, path: Path) -> Path | None:
        """The current screen alone, at the kiosk's size, as the kiosk draws it (None: no deck)."""
        self._refresh_frame()
        if self.frame is None:
            return None
        path.parent.mkdir(parents=True, exist_ok=True)
        pygame.image.save(self.frame, str(path))
        return path

    def save_pngs(self) -> list[Path]:
        name = self.session.screen_name()
        try:
            screen = self.save_screen_png(self.out / f"{name}.png")
            saved = [p for p in (screen, self.save_png(self.out / f"{name}-window.png")) if p is not None]
        except (OSError, pygame.error) as exc:
            self.session.say(f"could not save the PNG: {exc}")
            return []
        self.session.say(f"saved {_shown(saved[0])}" + (" and -window.png" if len(saved) > 1 else ""))
        return saved


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
    try:
        init_display()
        display = set_mode(window, pygame.RESIZABLE)
    except NoDisplay as exc:
        print(f"kiosk: {exc}", file=sys.stderr)
        pygame.quit()
        return 1
    pygame.font.init()
    pygame.display.set_caption(f"Kiosk preview: {folder}")
    display.fill(pygame.Color(panels.BACKDROP))
    pygame.display.flip()
    preview = Preview(folder, display, size=size, language=language, mode=mode)
    clock = pygame.time.Clock()
    try:
        while preview.session.running:
            for event in pygame.event.get():
                if event.type == pygame.QUIT:
                    preview.session.close()
                elif event.type == pygame.KEYDOWN:
                    preview.key(event.key)
                elif event.type in (
                    pygame.VIDEORESIZE,
                    pygame.WINDOWSIZECHANGED,
                    pygame.WINDOWEXPOSED,
                    pygame.WINDOWRESTORED,
                    pygame.WINDOWSHOWN,
                ):
                    resized = pygame.display.get_surface()
                    if resized is not None:
                        preview.resize(resized)  # and so drawn again in full
            if preview.tick():
                pygame.display.flip()
            clock.tick(30)
    finally:
        preview.close()
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
    headless_display()
    preview = Preview(folder, pygame.Surface(window), size=size, language=language, mode=mode)
    if screen is not None and not preview.session.select(screen):
        raise ValueError(
            f"there is no screen `{screen}`; give a number from 1 to {len(preview.session.screens)} "
            "or an id like what-is-it or what-is-it/spider-veins"
        )
    preview.session.show_warnings = warnings
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
    session = preview.session
    for problem in session.errors:
        print(problem.format(relative_to=Path.cwd()), file=sys.stderr)
    if args.lang and session.deck is not None and args.lang not in session.deck.languages:
        languages = ", ".join(session.deck.languages)
        print(
            f"kiosk: `{args.lang}` is not one of the deck's languages ({languages}); "
            f"showing {session.language}",
            file=sys.stderr,
        )
    shown = session.screen.label() if session.screen else "no screen"
    width, height = session.size
    print(
        f"{args.export_png}: {shown}, {width}x{height}, {session.language}, {session.mode.value}; "
        f"{len(session.errors)} error(s), {len(session.warnings)} warning(s)"
    )
    return 1 if session.errors else 0
