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

import functools
import logging
import weakref
from collections import OrderedDict
from dataclasses import dataclass, field

import pygame

from kiosk.content.deck import Deck
from kiosk.core.actions import Action
from kiosk.core.legibility import Viewing, text_floor
from kiosk.core.program import Pages, Program, View
from kiosk.core.state import State, Transition
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
# Two 1080p screens (8.3 MB each): the two a fade or a push needs. The loop paints each slide
# again anyway (nine do not fit), a detail and its slide both stay, and the next slide is
# painted ahead while the current one is read (Stage.prepare).
MAX_SCREEN_BYTES = 17 * 1024 * 1024


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
BOTTOM_ROW_ROLES = frozenset({"disclaimer", "hint", "hint-cue", "dot", "dot-current", "dot-track"})

# A fade redraws only the tiles of this size that hold something other than the background: the
# rest of the screen is background in every frame (a blend of the background with itself is
# the background) or chrome that holds still.
TILE_PX = 32
# Runs of tiles this close in a row are drawn as one rectangle: a few more background pixels cost
# less than another round of blits (and another rectangle for the display to upload).
TILE_GAP = 3

# What `compose` changed in the target: None for all of it, else these rectangles only (an empty
# list: the frame is the one already there).
Damage = list[pygame.Rect] | None


@dataclass(frozen=True)
class Screen:
    layout: ScreenLayout
    base: pygame.Surface
    strip: pygame.Surface | None
    chrome: tuple[pygame.Rect, ...] = ()  # full-width bands holding only chrome
    background: tuple[int, int, int] = (0, 0, 0)
    # What the painter reported drawing on `base` (None: unknown, the pixels are looked at).
    marks: tuple[pygame.Rect, ...] | None = None
    _regions: dict[tuple[tuple[int, int, int, int], ...], tuple[pygame.Rect, ...]] = field(
        default_factory=dict, compare=False, repr=False
    )

    @functools.cached_property
    def tiles(self) -> frozenset[tuple[int, int]]:
        """(column, row) of every TILE_PX tile of `base` holding a pixel that is not background."""
        width, height = self.base.get_size()
        if self.marks is not None:
            bounds = pygame.Rect(0, 0, width, height)
            tiles: set[tuple[int, int]] = set()
            for mark in self.marks:
                mark = mark.clip(bounds)
                if mark.w <= 0 or mark.h <= 0:
                    continue
                for row in range(mark.top // TILE_PX, (mark.bottom - 1) // TILE_PX + 1):
                    tiles.update(
                        (col, row) for col in range(mark.left // TILE_PX, (mark.right - 1) // TILE_PX + 1)
                    )
            return frozenset(tiles)
        same = pygame.mask.from_threshold(self.base, self.background, (1, 1, 1, 255))
        same.invert()  # now: the pixels that differ from the background
        whole = pygame.mask.Mask((TILE_PX, TILE_PX), fill=True)
        return frozenset(
            (col, row)
            for row in range((height + TILE_PX - 1) // TILE_PX)
            for col in range((width + TILE_PX - 1) // TILE_PX)
            if same.overlap(whole, (col * TILE_PX, row * TILE_PX)) is not None
        )

    def regions(self, chrome: tuple[pygame.Rect, ...]) -> tuple[pygame.Rect, ...]:
        """Rectangles covering every pixel where this screen, faded over the background under the
        `chrome` bands of another screen, differs from plain background and chrome."""
        key = tuple((band.x, band.y, band.w, band.h) for band in chrome)
        found = self._regions.get(key)
        if found is None:
            found = self._regions[key] = _merge_tiles(self.tiles, chrome, self.base.get_size())
            viewport = self.layout.viewport
            if self.strip is not None and viewport is not None:
                found += (pygame.Rect(viewport.x, viewport.y, viewport.w, viewport.h),)
                self._regions[key] = found
        return found


def _merge_tiles(
    tiles: frozenset[tuple[int, int]], chrome: tuple[pygame.Rect, ...], size: tuple[int, int]
) -> tuple[pygame.Rect, ...]:
    """Few rectangles for a set of tiles: runs along each row (bridging gaps of up to TILE_GAP
    tiles), stacked where consecutive rows have the same run. Tiles wholly under a chrome band are
    left out (the chrome covers them)."""
    width, height = size
    columns_by_row: dict[int, list[int]] = {}
    for col, row in tiles:
        columns_by_row.setdefault(row, []).append(col)
    rects: list[pygame.Rect] = []
    open_: dict[tuple[int, int], pygame.Rect] = {}
    for row in sorted(columns_by_row):
        top, bottom = row * TILE_PX, min(height, (row + 1) * TILE_PX)
        covering = [band for band in chrome if band.top <= top and bottom <= band.bottom]
        runs: list[tuple[int, int]] = []
        for col in sorted(columns_by_row[row]):
            left, right = col * TILE_PX, min(width, (col + 1) * TILE_PX)
            if any(band.left <= left and right <= band.right for band in covering):
                continue
            if runs and col - runs[-1][1] <= TILE_GAP:
                runs[-1] = (runs[-1][0], col + 1)
            else:
                runs.append((col, col + 1))
        still: dict[tuple[int, int], pygame.Rect] = {}
        for run in runs:
            rect = open_.get(run)
            if rect is not None and rect.bottom == top:
                rect.h += TILE_PX
            else:
                rect = pygame.Rect(run[0] * TILE_PX, top, (run[1] - run[0]) * TILE_PX, TILE_PX)
                rects.append(rect)
            still[run] = rect
        open_ = still
    bounds = pygame.Rect(0, 0, width, height)
    return tuple(rect.clip(bounds) for rect in rects)


@dataclass(frozen=True, slots=True, kw_only=True)
class _Drawn:
    """The fade frame last composed, so the next one of the same fade redraws only what changes."""

    target: weakref.ReferenceType[Canvas]
    key: tuple[object, ...]
    phase: bool  # the outgoing screen (the first half of the fade)
    alpha: int
    regions: tuple[pygame.Rect, ...]


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
        # The fade whose new screen's painting waited one frame for a tap's tint.
        self._deferred: tuple[View, Transition] | None = None
        self._drawn: _Drawn | None = None

    def forget_target(self) -> None:
        """Someone else drew into the target (a video frame): the next frame is composed whole."""
        self._drawn = None

    def remember(self, program: Program) -> None:
        """A newly loaded deck that a view may name from now on; the oldest are forgotten."""
        self.program = program
        self._programs[program.version] = program
        while len(self._programs) > 2:
            version, _ = self._programs.popitem(last=False)
            for cache in (self._layouts, self._screens):
                for view in [v for v in cache if v.version == version]:
                    del cache[view]
        self._drawn = None

    def program_for(self, view: View) -> Program:
        """The deck a view belongs to (during a reload, the outgoing one is still known)."""
        return self._programs.get(view.version, self.program)

    def reset(self, size: tuple[int, int] | None = None) -> None:
        """A new screen size: forget every cached layout and surface."""
        if size is not None:
            self.size = size
        self._layouts.clear()
        self._screens.clear()
        self._drawn = None

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
                base, strip, marks = self.painter.paint_marked(layout, self.theme)
            except Exception:  # a slide that cannot be drawn must not stop the loop
                if view not in self._failed:
                    self._failed.add(view)
                    log.exception("screen %s cannot be drawn; showing a plain placeholder", view)
                layout = ScreenLayout(self.size[0], self.size[1], (), ())
                self._layouts[view] = layout
                base, strip, marks = self.painter.paint_marked(layout, self.theme)
            screen = Screen(layout, base, strip, chrome_bands(layout), self.theme.rgb("background"), marks)
            self._screens[view] = screen
            # Bounded by bytes too: a 4K screen is 33 MB. Two always stay (a crossfade needs both).
            while len(self._screens) > 2 and (
                len(self._screens) > MAX_SCREENS or self.cached_bytes > MAX_SCREEN_BYTES
            ):
                self._screens.popitem(last=False)
        else:
            self._screens.move_to_end(view)
        return screen

    def prepare(self, view: View) -> None:
        """Paint `view` before it is needed (while the kiosk is idle), and find the regions a fade
        into it redraws, so its transition starts without a pause."""
        self.screen(view).tiles  # noqa: B018  (computed and kept on the screen)

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
        self._drawn = None
        layout = self.admin_layout(state, info)
        base, _ = self.painter.paint(layout, self.theme)
        target.blit(base, (0, 0))

    def compose(self, state: State, now: float, target: Canvas, *, shift: tuple[int, int] = (0, 0)) -> Damage:
        """Draw the frame for `state` at `now` into `target` (the logical, unrotated surface).

        `shift` moves the whole picture a few pixels (burn-in protection); the strip it uncovers
        is background colour.

        Returns what changed: None for the whole target, or the rectangles outside of which the
        target still holds the frame composed into it before (the frames of one fade after its
        first differ only where a screen has content; a display can then update just those)."""
        drawn, self._drawn = self._drawn, None
        if state.dark:
            target.fill((0, 0, 0))  # outside opening hours: no backlight-burning content
            return None
        dx, dy = shift
        transition = state.transition
        if transition is None or transition.progress(now) >= 1.0:
            self._uncover(target, shift)
            current = self.screen(state.view)
            self._blit_screen(target, current, state.scroll_px, dx, dy)
            self._pressed(target, current, state.pressed, state.scroll_px, dx, dy)
            return None
        source = self.screen(transition.source)
        if (
            transition.kind == "fade"
            and state.view not in self._screens
            and transition.pressed is not None
            and self._deferred != (state.view, transition)
        ):
            self._deferred = (state.view, transition)
            self._uncover(target, shift)
            # A tap's first answer is the pressed tint on what it touched, this frame; painting
            # the new screen (tens of ms the first time) waits for the next one.
            self._blit_screen(target, source, 0, dx, dy)
            self._pressed(target, source, transition.pressed, 0, dx, dy)
            return None
        current = self.screen(state.view)
        progress = transition.progress(now)
        width = target.get_width()
        if transition.kind == "fade":
            return self._fade(state, progress, target, source, current, shift, drawn)
        self._uncover(target, shift)
        sign = 1 if transition.kind == "push-next" else -1
        offset = round(width * ease(progress)) * sign
        self._blit_screen(target, source, 0, dx - offset, dy)
        self._blit_screen(target, current, state.scroll_px, dx + sign * width - offset, dy)
        self._chrome(target, current, dx, dy)
        return None

    def _uncover(self, target: Canvas, shift: tuple[int, int]) -> None:
        if shift != (0, 0):
            target.fill(self.theme.rgb("background"))  # (a fade frame fills its own)

    def _fade(
        self,
        state: State,
        progress: float,
        target: Canvas,
        source: Screen,
        current: Screen,
        shift: tuple[int, int],
        drawn: _Drawn | None,
    ) -> Damage:
        """A fade frame: out to the background, then in; one screen's content at a time, never two
        texts. When `target` holds the previous frame of the same fade, only the regions where
        that frame or this one has content are drawn again, each through a clip, by exactly the
        same blits as a whole frame, so the pixels are the same as a whole frame's."""
        transition = state.transition
        assert transition is not None
        dx, dy = shift
        if progress < 0.5:
            shown, scroll_px, opacity = source, 0.0, 1.0 - ease(progress * 2)
            pressed = transition.pressed
        else:
            shown, scroll_px, opacity = current, state.scroll_px, ease(progress * 2 - 1)
            pressed = None
        alpha = round(255 * opacity)
        regions = shown.regions(current.chrome)
        if pressed is not None:
            # The tint darkens whatever is under the card, background included.
            regions += tuple(
                pygame.Rect(box.x, box.y, box.w, box.h) for box in shown.layout.hotspot_boxes(pressed, 0)
            )
        # The same fade into the same target, with the same screens where they were: only the alpha
        # (and, halfway, which screen shows) has moved since the frame before.
        key = (transition, state.view, shift, state.scroll_px, id(source), id(current), target.get_size())
        phase = shown is source
        self._drawn = _Drawn(target=weakref.ref(target), key=key, phase=phase, alpha=alpha, regions=regions)
        if drawn is None or drawn.target() is not target or drawn.key != key:
            self._fade_frame(target, shown, scroll_px, alpha, pressed, current, shift, [target.get_clip()])
            return None
        if drawn.phase == phase and drawn.alpha == alpha:
            return []  # the same picture as the frame before (the eased alpha did not move)
        # Where the screen shown before had content is background again (or this screen's).
        changed = regions if drawn.phase == phase else drawn.regions + regions
        clip = target.get_clip()
        damage = [clipped for rect in changed if (clipped := rect.move(dx, dy).clip(clip)).w and clipped.h]
        self._fade_frame(target, shown, scroll_px, alpha, pressed, current, shift, damage)
        return damage

    def _fade_frame(
        self,
        target: Canvas,
        shown: Screen,
        scroll_px: float,
        alpha: int,
        pressed: Action | None,
        current: Screen,
        shift: tuple[int, int],
        areas: list[pygame.Rect],
    ) -> None:
        """Background, `shown` at `alpha`, the press tint, then the still chrome, in each of
        `areas` (clips of the target). Each area is drawn from the background up, so areas may
        overlap; the alpha is set once for all of them (setting it makes SDL choose its blitter
        again)."""
        dx, dy = shift
        clip = target.get_clip()
        background = self.theme.rgb("background")
        # The ends of a fade are a plain copy and nothing: the same pixels as blending at 255 and
        # at 0 (tested), and a blit with alpha 255 takes SDL's slow path (40-90 ms at 1080p).
        fading = 0 < alpha < 255
        if fading:
            self._set_alpha(shown, alpha)
        try:
            for area in areas:
                target.set_clip(area)
                target.fill(background)
                if alpha > 0:
                    self._blit_screen(target, shown, scroll_px, dx, dy)
                self._pressed(target, shown, pressed, 0, dx, dy)  # the press fades with it
        finally:
            if fading:
                self._set_alpha(shown, None)
        try:
            for area in areas:  # opaque copies on top: the same as drawing them area by area
                target.set_clip(area)
                self._chrome(target, current, dx, dy)
        finally:
            target.set_clip(clip)

    @staticmethod
    def _set_alpha(screen: Screen, alpha: int | None) -> None:
        screen.base.set_alpha(alpha)
        if screen.strip is not None:
            screen.strip.set_alpha(alpha)

    def _chrome(self, target: Canvas, current: Screen, dx: int, dy: int) -> None:
        """The chrome holds still over the moving content: the incoming screen's (a language or
        A+ tap shows its new state at once)."""
        for band in current.chrome:
            target.blit(current.base, (band.x + dx, band.y + dy), band)

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
