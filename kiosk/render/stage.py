"""Composing frames: each screen is painted once into a converted surface, kept in a small
cache, and a frame is then only blits (a fade is one blit with alpha, a push two offset blits).

During a transition only the content moves: the chrome (top bar, language pill, A+, bottom row)
is copied from the incoming screen on top of every frame, so it stays still. A fade goes through
the background (the old content fades out, then the new one fades in), so two slides' text is
never on screen at once.

The live kiosk, `kiosk export` and the tests all compose through this class, so an exported
picture is the live picture.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from dataclasses import dataclass

import pygame

from kiosk.content.deck import Deck
from kiosk.core.actions import Action
from kiosk.core.legibility import Viewing, text_floor
from kiosk.core.program import Pages, Program, View
from kiosk.core.state import State
from kiosk.core.theme import Theme
from kiosk.layout.detail import lobby_pages
from kiosk.layout.items import ScreenLayout
from kiosk.layout.screen import arrange
from kiosk.layout.staff import AdminInfo, arrange_admin
from kiosk.render.canvas import Canvas
from kiosk.render.painter import Fonts, Painter, Pictures

log = logging.getLogger(__name__)

# Current, next, previous and an open detail, plus the one a transition is leaving.
MAX_SCREENS = 5
MAX_SCREEN_BYTES = 26 * 1024 * 1024  # three 1080p screens (8.3 MB each)


# The roles (kiosk.layout.chrome) of the items that make the top bar and the bottom row.
TOP_BAR_ROLES = frozenset(
    {
        "back-button",
        "text-size-button",
        "language-pill",
        "language-segment",
        "deck-title",
        "button",
        "language",
    }
)
BOTTOM_ROW_ROLES = frozenset({"disclaimer", "hint", "hint-cue", "dot", "dot-current"})


@dataclass(frozen=True)
class Screen:
    layout: ScreenLayout
    base: pygame.Surface
    strip: pygame.Surface | None
    chrome: tuple[pygame.Rect, ...] = ()  # full-width bands holding only chrome


def chrome_bands(layout: ScreenLayout) -> tuple[pygame.Rect, ...]:
    """The top bar's and the bottom row's full-width bands: the layout keeps content out of them."""
    bands: list[pygame.Rect] = []
    top = [item.box.bottom for item in layout.items if item.role in TOP_BAR_ROLES]
    if top:
        bands.append(pygame.Rect(0, 0, layout.width, max(top)))
    bottom = [item.box.y for item in layout.items if item.role in BOTTOM_ROW_ROLES]
    if bottom:
        bands.append(pygame.Rect(0, min(bottom), layout.width, layout.height - min(bottom)))
    return tuple(bands)


def _bytes(surface: pygame.Surface) -> int:
    return surface.get_pitch() * surface.get_height()


def ease(t: float) -> float:
    return t * t * (3 - 2 * t)


class Stage:
    def __init__(
        self, program: Program, theme: Theme, size: tuple[int, int], *, viewing: Viewing | None = None
    ) -> None:
        self.fonts = Fonts()
        self.painter = Painter(self.fonts, Pictures())
        self.program = program
        self.theme = theme
        self.size = size
        self.viewing = viewing  # a lobby's viewing conditions: its text meets the legibility rule
        # During a reload the outgoing deck is still drawn (the crossfade's first half).
        self._programs: OrderedDict[int, Program] = OrderedDict({program.version: program})
        self._layouts: OrderedDict[View, ScreenLayout] = OrderedDict()
        self._screens: OrderedDict[View, Screen] = OrderedDict()
        self._failed: set[View] = set()
        self._deferred: View | None = None  # a screen whose painting waited one frame for a tap's tint

    def remember(self, program: Program) -> None:
        """A newly loaded deck that a view may name from now on; the oldest are forgotten."""
        self.program = program
        self._programs[program.version] = program
        while len(self._programs) > 2:
            version, _ = self._programs.popitem(last=False)
            for cache in (self._layouts, self._screens):
                for view in [v for v in cache if v.version == version]:
                    del cache[view]

    def program_for(self, view: View) -> Program:
        """The deck a view belongs to (during a reload, the outgoing one is still known)."""
        return self._programs.get(view.version, self.program)

    def reset(self, size: tuple[int, int] | None = None) -> None:
        """A new screen size: forget every cached layout and surface."""
        if size is not None:
            self.size = size
        self._layouts.clear()
        self._screens.clear()

    @property
    def cached_screens(self) -> int:
        return len(self._screens)

    @property
    def cached_bytes(self) -> int:
        return sum(
            _bytes(s.base) + (_bytes(s.strip) if s.strip is not None else 0) for s in self._screens.values()
        )

    def layout(self, view: View) -> ScreenLayout:
        layout = self._layouts.get(view)
        if layout is None:
            width, height = self.size
            program = self.program_for(view)
            floor = text_floor(self.viewing, width, height) if self.viewing is not None else None
            layout = arrange(
                program.deck,
                view,
                width,
                height,
                program.mode,
                self.fonts.measure,
                min_body_px=floor.body_px if floor else None,
                min_small_px=floor.small_px if floor else None,
            )
            self._layouts[view] = layout
            if len(self._layouts) > 64:
                self._layouts.popitem(last=False)
        return layout

    def screen(self, view: View) -> Screen:
        screen = self._screens.get(view)
        if screen is None:
            try:
                layout = self.layout(view)
                base, strip = self.painter.paint(layout, self.theme)
            except Exception:  # a slide that cannot be drawn must not stop the loop
                if view not in self._failed:
                    self._failed.add(view)
                    log.exception("screen %s cannot be drawn; showing a plain placeholder", view)
                layout = ScreenLayout(self.size[0], self.size[1], (), ())
                self._layouts[view] = layout
                base, strip = self.painter.paint(layout, self.theme)
            screen = Screen(layout, base, strip, chrome_bands(layout))
            self._screens[view] = screen
            # Bounded by bytes too: a 4K screen is 33 MB. Two always stay (a crossfade needs both).
            while len(self._screens) > 2 and (
                len(self._screens) > MAX_SCREENS or self.cached_bytes > MAX_SCREEN_BYTES
            ):
                self._screens.popitem(last=False)
        else:
            self._screens.move_to_end(view)
        return screen

    def admin_layout(self, state: State, info: AdminInfo) -> ScreenLayout:
        assert state.admin is not None
        return arrange_admin(
            state.admin, info, *self.size, self.fonts.measure, deck=self.program.deck, language=state.language
        )

    def layout_for(self, state: State, info: AdminInfo | None = None) -> ScreenLayout:
        """What a tap hits right now: the staff screen when open, else the visitor's view."""
        if state.admin is not None:
            return self.admin_layout(state, info or AdminInfo())
        return self.layout(state.view)

    def compose_admin(self, state: State, info: AdminInfo, target: Canvas) -> None:
        # Painted fresh each time: it shows live figures, and staff open it rarely.
        layout = self.admin_layout(state, info)
        base, _ = self.painter.paint(layout, self.theme)
        target.blit(base, (0, 0))

    def compose(self, state: State, now: float, target: Canvas, *, shift: tuple[int, int] = (0, 0)) -> None:
        """Draw the frame for `state` at `now` into `target` (the logical, unrotated surface).

        `shift` moves the whole picture a few pixels (burn-in protection); the strip it uncovers
        is background colour."""
        if state.dark:
            target.fill((0, 0, 0))  # outside opening hours: no backlight-burning content
            return
        dx, dy = shift
        if shift != (0, 0):
            target.fill(self.theme.rgb("background"))
        transition = state.transition
        if transition is None or transition.progress(now) >= 1.0:
            current = self.screen(state.view)
            self._blit_screen(target, current, state.scroll_px, dx, dy)
            self._pressed(target, current, state.pressed, state.scroll_px, dx, dy)
            return
        source = self.screen(transition.source)
        if (
            transition.kind == "fade"
            and state.view not in self._screens
            and transition.pressed is not None
            and self._deferred != state.view
        ):
            self._deferred = state.view
            # A tap's first answer is the pressed tint on what it touched, this frame; painting
            # the new screen (tens of ms the first time) waits for the next one.
            self._blit_screen(target, source, 0, dx, dy)
            self._pressed(target, source, transition.pressed, 0, dx, dy)
            return
        current = self.screen(state.view)
        progress = transition.progress(now)
        width = target.get_width()
        if transition.kind == "fade":
            # Out to the background, then in: one screen's content at a time, never two texts.
            target.fill(self.theme.rgb("background"))
            if progress < 0.5:
                self._blit_faded(target, source, 0, 1.0 - ease(progress * 2), dx, dy)
                self._pressed(target, source, transition.pressed, 0, dx, dy)  # the press fades with it
            else:
                self._blit_faded(target, current, state.scroll_px, ease(progress * 2 - 1), dx, dy)
        else:
            sign = 1 if transition.kind == "push-next" else -1
            offset = round(width * ease(progress)) * sign
            self._blit_screen(target, source, 0, dx - offset, dy)
            self._blit_screen(target, current, state.scroll_px, dx + sign * width - offset, dy)
        # The chrome holds still over the moving content: the incoming screen's (a language or
        # A+ tap shows its new state at once).
        for band in current.chrome:
            target.blit(current.base, (band.x + dx, band.y + dy), band)

    def _blit_faded(
        self, target: Canvas, screen: Screen, scroll_px: float, opacity: float, dx: int, dy: int
    ) -> None:
        alpha = round(255 * opacity)
        screen.base.set_alpha(alpha)
        if screen.strip is not None:
            screen.strip.set_alpha(alpha)
        self._blit_screen(target, screen, scroll_px, dx, dy)
        screen.base.set_alpha(None)
        if screen.strip is not None:
            screen.strip.set_alpha(None)

    def _blit_screen(self, target: Canvas, screen: Screen, scroll_px: float, dx: int, dy: int) -> None:
        target.blit(screen.base, (dx, dy))
        viewport = screen.layout.viewport
        if screen.strip is not None and viewport is not None:
            scroll = screen.layout.scroll_offset(scroll_px)
            target.blit(
                screen.strip,
                (viewport.x + dx, viewport.y + dy),
                pygame.Rect(0, scroll, viewport.w, viewport.h),
            )

    def _pressed(
        self,
        target: Canvas,
        screen: Screen,
        pressed: Action | None,
        scroll_px: float,
        dx: int,
        dy: int,
    ) -> None:
        """Tint what the finger is on, for as long as it is down (the state clears it on lift)."""
        if pressed is None:
            return
        # A card that scrolls is tinted where it is now, cut to its scrolling area.
        for box in screen.layout.hotspot_boxes(pressed, scroll_px):
            # Multiplying darkens the card and keeps its label readable, with no re-render.
            target.fill(
                self.theme.rgb("pressed"),
                pygame.Rect(box.x + dx, box.y + dy, box.w, box.h),
                special_flags=pygame.BLEND_RGB_MULT,
            )


def screen_pages(deck: Deck, size: tuple[int, int], fonts: Fonts, viewing: Viewing | None) -> Pages:
    """How long lobby slides and details split into pages on this screen, with the same text
    floors the Stage lays them out with (the live kiosk and `kiosk export` share it)."""
    floor = text_floor(viewing, *size) if viewing is not None else None
    return lobby_pages(
        deck,
        *size,
        fonts.measure,
        min_body_px=floor.body_px if floor else None,
        min_small_px=floor.small_px if floor else None,
    )
