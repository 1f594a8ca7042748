"""The running kiosk: events -> intents -> step -> effects -> draw -> flip, sleeping whenever
nothing moves.

`Kiosk` holds no behaviour of its own beyond wiring: the input router turns events into intents,
the state machine decides and asks for effects, the layout places, the stage paints, the reloader
watches the content and the stats observer counts. Time comes from injectable clocks (monotonic
for the loop, wall-clock for opening hours), so tests drive a week in seconds.
"""

from __future__ import annotations

import datetime
import logging
import os
import shlex
import signal
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pygame

from kiosk.content.deck import Deck
from kiosk.content.snapshot import LastGood
from kiosk.core.intents import Intent, NewDeck, Redraw, Resize, Schedule, Tick
from kiosk.core.orientation import Orientation
from kiosk.core.program import Mode, Program, View
from kiosk.core.schedule import hides_expired, schedule_at
from kiosk.core.state import (
    DisplayPower,
    Effect,
    Exit,
    PlayNarration,
    Reload,
    State,
    StopNarration,
    initial_state,
    step,
    step_with_effects,
)
from kiosk.core.theme import THEMES
from kiosk.layout.items import ScreenLayout
from kiosk.layout.staff import AdminInfo
from kiosk.render.canvas import Presenter
from kiosk.render.painter import Fonts
from kiosk.render.stage import Stage, screen_pages
from kiosk.render.video import VideoLayer, screen_video, showing, video_target
from kiosk.resources import ASSETS_DIR as DEFAULT_ASSETS
from kiosk.runtime.checker import kill_children
from kiosk.runtime.display import NoDisplay, init_display, open_gpu, set_mode
from kiosk.runtime.input import InputRouter
from kiosk.runtime.pinlock import PinLockFile
from kiosk.runtime.reload import DaemonExecutor, Reloader, child_check
from kiosk.runtime.settings import Settings, settings_for  # noqa: F401  (settings_for: the public entry point)
from kiosk.runtime.sound import Narrator
from kiosk.runtime.startup import StartDeck, watched_name
from kiosk.runtime.stats import StatsObserver, StatsStore, default_data_dir
from kiosk.runtime.status import StatusBoard
from kiosk.runtime.waiter import Waiter, use_mmap_for_large_buffers
from kiosk.runtime.watchdog import Notifier

log = logging.getLogger(__name__)

FRAME_S = 1 / 60
# A calm crossfade needs far fewer frames than a push that follows a finger: each fade frame is a
# blend of everything on screen that has content, the kiosk's main cost while it loops (15 frames
# a second: loop CPU 1.47 -> 1.2 % of a core against 20, X server included 1.82 -> 1.47 %). A
# short fade a visitor's tap starts keeps more frames: it is rare, and it is the answer to a touch.
FADE_FPS = 15
SHORT_FADE_FPS = 30
SHORT_FADE_S = 0.5
MAX_SLEEP_S = 1.0  # wake at least this often, so a stuck deadline can never freeze the screen
SCHEDULE_EVERY_S = 5.0
PIXEL_SHIFT_EVERY_S = 180.0
PIXEL_SHIFTS = ((0, 0), (2, 0), (2, 2), (0, 2), (-2, 2), (-2, 0), (-2, -2), (0, -2), (2, -2))
ERROR_LOG_EVERY_S = 60.0
# Paint the next screen ahead once the kiosk has been still this long (a tap right after a
# transition is answered first) and the next change is at least this far off.
AHEAD_AFTER_S = 0.3
STARTUP_CHECK_AFTER_S = 5.0

DrawnKey = tuple[State, bool, tuple[int, int], int]


# The exit status of a staff "Exit kiosk", distinct from 0 (SIGTERM, logout) and 1 (errors): the
# desktop autostart loop and kiosk-user.service restart the kiosk on any exit but this one.
EXIT_STAFF = 10


class Kiosk:
    def __init__(
        self,
        deck: Deck,
        settings: Settings,
        display: pygame.Surface | Presenter,  # a Presenter: the GPU path (kiosk.render.gpu)
        *,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], datetime.datetime] = datetime.datetime.now,
        reloader: Reloader | None = None,
        notifier: Notifier | None = None,
        run_command: Callable[[str, float], None] | None = None,
        stats: StatsStore | None = None,
    ) -> None:
        now = clock()
        self.settings = settings
        self.clock = clock
        self.wall_clock = wall_clock
        self.display = display
        self.reloader = reloader
        self.notifier = notifier or Notifier({})
        self.run_command = run_command or _run_in_background
        self.orientation = Orientation(settings.rotation, *display.get_size())
        self.versions = 0
        # The mixer starts only for a deck with a narration (and never when IT switched it off).
        self.narrator = Narrator(enabled=settings.narration, volume_percent=settings.narration_volume_percent)
        self.narrator.prepare(deck)
        self.program = self._program(deck)
        self.stage = Stage(
            self.program, THEMES[settings.theme], self.orientation.logical_size, viewing=settings.viewing
        )
        # A clip in the picture's frame (issue 18); a lobby's captions meet the legibility rule.
        self.video = VideoLayer(self.stage.fonts, viewing=settings.viewing)
        self.router = InputRouter(self.orientation, dev=settings.dev)
        self.status = StatusBoard(
            settings, started_at=now, wall_clock=wall_clock, stats=stats, reloader=reloader
        )
        self.observer = StatsObserver(stats, wall_clock=wall_clock, program_for=self.stage.program_for)
        self.state: State = initial_state(self.program, now, settings.language)
        # The PIN lockout outlives a restart or a pulled plug (kiosk.runtime.pinlock).
        self.pin_lock = PinLockFile.in_folder(settings.data_dir or default_data_dir())
        self.state = replace(self.state, pin_guard=self.pin_lock.load(now, wall_clock().timestamp()))
        self.running = True
        self.staff_exit = False  # ended from the staff screen (EXIT_STAFF), not by a signal or error
        self.frames = 0
        self._drawn: DrawnKey | None = None
        self._flip_all = True  # the next frame goes to the display whole, whatever it changed
        self._prepared: State | None = None  # the state whose next screen was painted ahead
        self._frame = self._logical_surface()
        self._schedule: Schedule | None = None
        self._scheduled_at = float("-inf")
        self._errors_logged_at: dict[str, float] = {}
        if reloader is not None:
            # The start-up load kept no report: validate once more in the reloader's worker once
            # the first frame is up, so the admin screen lists the warnings from the start.
            reloader.check_current(now + STARTUP_CHECK_AFTER_S)
        log_expired(deck, self.settings, wall_clock().date())
        self._update_schedule(now, force=True)

    def attach_stats(self, stats: StatsStore | None) -> None:
        """Start counting into `stats` (opened after the first frame: `run`). Nothing is lost by
        the wait: the first screen is the observer's starting point, not an event."""
        self.status.stats = stats
        self.observer.store = stats

    def _program(self, deck: Deck) -> Program:
        self.versions += 1
        # A lobby slide or detail too long for this screen plays as pages, one after the other.
        pages = screen_pages(deck, self.orientation.logical_size, Fonts(), self.settings.viewing)
        settings = self.settings
        if self.narrator.ready is False:  # no sound device: no speaker button that does nothing
            settings = replace(settings, narration=False)
        return settings.program(deck, version=self.versions, pages=pages)

    def _logical_surface(self) -> pygame.Surface:
        if not isinstance(self.display, pygame.Surface):
            return pygame.Surface((1, 1))  # unused: a presenter gives its own canvas each frame
        if self.orientation.rotation == 0:
            return self.display
        return pygame.Surface(self.orientation.logical_size).convert()

    # -- input and the state machine --------------------------------------------------------

    def handle_event(self, event: pygame.event.Event) -> None:
        now = self.clock()
        for intent in self.router.read(event, now):
            self.handle(intent, now)

    def handle(self, intent: Intent, now: float) -> None:
        """Resolve pointer intents against what is on screen now, then step the state."""
        if isinstance(intent, Resize):
            self.resize(intent.width, intent.height)
        elif isinstance(intent, Redraw):
            self._drawn = None
            self._flip_all = True
        else:
            self._step(
                self.router.resolve(
                    intent,
                    dark=self.state.dark,
                    layout=self._layout,
                    scroll_px=self.state.scroll_px,
                    screen=self._screen(),
                ),
                now,
            )

    def _screen(self) -> object:
        """What is on screen, for the router: a tap whose screen changed under it is cancelled."""
        admin = self.state.admin
        return ("admin", admin.screen) if admin is not None else self.state.view

    def _layout(self) -> ScreenLayout:
        return self.stage.layout_for(self.state, self.admin_info())

    def _step(self, intent: Intent, now: float) -> None:
        outcome = step_with_effects(self.state, intent, now)
        guard = self.state.pin_guard
        self.state = outcome.state
        if self.state.pin_guard != guard:
            self.pin_lock.save(self.state.pin_guard, now, self.wall_clock().timestamp())
        for effect in outcome.effects:
            self._carry_out(effect)
        self.observer.observe(self.state, now)

    def _carry_out(self, effect: Effect) -> None:
        if isinstance(effect, DisplayPower):
            log.info("screen awake" if effect.on else "outside opening hours: screen dark")
            command = self.settings.on_wake if effect.on else self.settings.on_sleep
            if command:
                self.run_command(command, self.settings.command_timeout_s)
        elif isinstance(effect, Reload):
            if self.reloader is not None:
                self.reloader.force()  # the next poll loads it in the reloader's worker thread
        elif isinstance(effect, Exit):
            log.info("staff exit: the kiosk ends (exit status %d)", EXIT_STAFF)
            self.running = False
            self.staff_exit = True
        elif isinstance(effect, StopNarration):
            self.narrator.stop()
        elif isinstance(effect, PlayNarration):
            self.narrator.play(effect.sound)

    def resize(self, width: int, height: int) -> None:
        # (A presenter's window is not pygame.display's: it reports its own size.)
        surface = pygame.display.get_surface() if isinstance(self.display, pygame.Surface) else None
        if surface is not None:
            self.display = surface
        width, height = self.display.get_size()
        if (width, height) == (
            self.orientation.panel_w,
            self.orientation.panel_h,
        ) and (surface is self.display or surface is None):
            self._drawn = None  # same size (SDL reports one at start-up): redraw, keep the cache
            self._flip_all = True
            # SDL may hand over a fresh surface all the same: compose the next frame whole, not
            # only what a fade in progress changes (the rest stayed black; the media monkey).
            self.stage.forget_target()
            return
        self.orientation = Orientation(self.settings.rotation, width, height)
        self.router.resize(self.orientation)
        self.stage.reset(size=self.orientation.logical_size)
        self._frame = self._logical_surface()
        self._drawn = None
        self._flip_all = True
        log.info("display is now %dx%d; laid out again", width, height)
        if self.settings.mode is Mode.LOBBY:
            # Lobby details are split into pages that fit the screen: split them again.
            program = self._program((self.state.pending or self.state.program).deck)
            self.stage.remember(program)
            self.program = program
            self._step(NewDeck(program), self.clock())

    # -- content and schedule ---------------------------------------------------------------

    def adopt(self, deck: Deck, now: float) -> None:
        """A newly loaded valid deck: it takes over at the next slide boundary."""
        self.narrator.prepare(deck)
        program = self._program(deck)
        self.stage.remember(program)
        self.program = program
        self.status.loaded_at = self.wall_clock()
        self._step(NewDeck(program), now)
        log_expired(deck, self.settings, self.wall_clock().date())
        self._update_schedule(now, force=True)

    def schedule_now(self) -> Schedule:
        return schedule_at(self.state.program, self.settings, self.wall_clock(), pending=self.state.pending)

    def _update_schedule(self, now: float, *, force: bool = False) -> None:
        if not force and now - self._scheduled_at < SCHEDULE_EVERY_S:
            return
        self._scheduled_at = now
        schedule = self.schedule_now()
        if schedule != self._schedule:
            self._schedule = schedule
            self._step(schedule, now)

    # -- the loop: update, then draw ----------------------------------------------------------

    def tick(self) -> bool:
        """Advance time, then draw and flip if the picture changed. Returns whether it drew."""
        now = self.clock()
        self.update(now)
        return self.render(now)

    def update(self, now: float) -> None:
        if self.reloader is not None:
            report = self.reloader.poll(now)
            if report is not None and report.deck is not None:
                self.adopt(report.deck, now)
        self._update_schedule(now)
        gesture = self.router.gesture(now)
        if gesture is not None:
            self._step(gesture, now)
            if self.state.admin is not None:
                log.info(
                    "staff gesture: %s", "PIN pad" if self.state.admin.screen == "pin" else "admin screen"
                )
        self._step(Tick(), now)
        self.notifier.ping(now)

    def render(self, now: float) -> bool:
        """Draw unless the picture is the one already on screen."""
        moving = self.state.moving(now)
        shift = self.pixel_shift(now)
        # The staff screen shows live figures: redraw it once a second while it is open.
        key = (self.state, moving, shift, int(now) if self.state.admin is not None else 0)
        self._show_video(now, shift)
        if self.video.lost():
            self._drawn = None  # a clip broke off: repaint, so its poster shows again
        if self._drawn == key and not moving:
            if not isinstance(self.display, pygame.Surface):
                # The GPU path has no partial update: a new clip frame redraws the frame, which
                # is texture draws of cached screens plus the clip frame's own upload.
                if self.video.player is None or not self.video.player.waiting():
                    return False
                self.draw(now, shift)
                return True
            return self._draw_video()
        self.draw(now, shift)
        self._drawn = key
        return True

    def _show_video(self, now: float, shift: tuple[int, int]) -> None:
        """Start, keep or stop the clip of the screen on display (decoded in its own thread). During
        a transition the incoming screen's clip is named: one already playing goes on through it."""
        state = self.state
        video = screen_video(state, self.stage.program_for)
        layout = self.stage.layout(state.view) if video is not None else None
        target = video_target(layout, state, video, shift) if layout is not None else None
        self.video.show(target, held=state.moving(now), showing=showing(state))

    def _draw_video(self) -> bool:
        """Only the clip's rect, when its next frame has arrived: the rest of the screen stands."""
        display = self.display
        if not isinstance(display, pygame.Surface):
            return False  # (render() redraws a presenter's whole frame instead)
        rect = self.video.draw(self._frame)
        if rect is None:
            return False
        self.stage.forget_target()  # the target no longer holds only what the Stage drew
        if self._frame is not display:
            pygame.display.update(self._turn([rect]))  # only the clip's rect, turned
        else:
            pygame.display.update(rect)
        self.frames += 1
        return True

    def _turn(self, rects: list[pygame.Rect] | None) -> list[pygame.Rect] | None:
        """Copy the upright frame onto the turned panel: all of it (None), or only `rects`, each
        turned on its own (a quarter turn moves pixels exactly: the same as turning the whole
        frame). Returns the panel's rectangles that changed (None: all)."""
        display = self.display
        assert isinstance(display, pygame.Surface)
        angle = -self.orientation.rotation
        if rects is None:
            display.blit(pygame.transform.rotate(self._frame, angle), (0, 0))
            return None
        bounds = self._frame.get_rect()
        turned: list[pygame.Rect] = []
        for rect in rects:
            rect = rect.clip(bounds)
            if rect.w <= 0 or rect.h <= 0:
                continue
            place = pygame.Rect(self.orientation.to_panel_rect(rect.x, rect.y, rect.w, rect.h))
            display.blit(pygame.transform.rotate(self._frame.subsurface(rect), angle), place)
            turned.append(place)
        return turned

    def pixel_shift(self, now: float) -> tuple[int, int]:
        enabled = self.settings.pixel_shift
        if enabled is None:
            enabled = self.state.program.deck.pixel_shift
        if not enabled:
            return (0, 0)
        return PIXEL_SHIFTS[int(now // PIXEL_SHIFT_EVERY_S) % len(PIXEL_SHIFTS)]

    def draw(self, now: float, shift: tuple[int, int] = (0, 0)) -> None:
        if not isinstance(self.display, pygame.Surface):
            self._present(self.display, now, shift)
            return
        damage = None
        if self.state.admin is not None:
            self.stage.compose_admin(self.state, self.admin_info(), self._frame)
        else:
            damage = self.stage.compose(self.state, now, self._frame, shift=shift)
            clip = self.video.draw(
                self._frame, again=True
            )  # a repaint keeps the clip's frame, not the poster
            if clip is not None:
                self.stage.forget_target()  # the target no longer holds only what the Stage drew
                if damage is not None:
                    damage = [*damage, clip]
        if self._frame is not self.display:
            damage = self._turn(None if self._flip_all else damage)
        if damage is None or self._flip_all:
            pygame.display.flip()
            self._flip_all = False
        elif damage:
            # Only what changed goes to the screen (on X11 an XShm upload of each rectangle).
            pygame.display.update(damage)
        self.frames += 1
        self.status.frame_drawn(now)

    def _present(self, presenter: Presenter, now: float, shift: tuple[int, int]) -> None:
        """The GPU path: the Stage composes into the presenter's canvas (texture draws), which
        turns a rotated frame itself."""
        canvas = presenter.canvas(self.orientation.logical_size)
        if self.state.admin is not None:
            self.stage.compose_admin(self.state, self.admin_info(), canvas)
        else:
            self.stage.compose(self.state, now, canvas, shift=shift)
            self.video.draw(canvas, again=True)
        presenter.present()
        self.frames += 1
        self.status.frame_drawn(now)

    def frame_rate(self) -> int:
        """Frames a second while something moves: fewer for a fade than for a push."""
        transition = self.state.transition
        if transition is None or transition.kind != "fade":
            return 60
        return SHORT_FADE_FPS if transition.duration_s < SHORT_FADE_S else FADE_FPS

    def ahead(self, now: float) -> View | None:
        """The screen the loop will show next, when it is not painted yet and nothing moves."""
        state = self.state
        if state is self._prepared or state.admin is not None or state.dark or state.moving(now):
            return None
        self._prepared = state
        deadline = state.next_deadline(now)
        if deadline is None or not state.advancing:
            return None
        upcoming = step(state, Tick(), deadline + 0.001)  # (just past it: no rounding short)
        if upcoming.transition is None or upcoming.view == state.view or upcoming.admin is not None:
            return None
        return upcoming.view

    def prepare_ahead(self, now: float) -> None:
        view = self.ahead(now)
        if view is not None:
            self.stage.prepare(view)

    def admin_info(self) -> AdminInfo:
        return self.status.info(self.state, self.clock(), self.display.get_size())

    def sleep_s(self) -> float:
        now = self.clock()
        wait_s = self._sleep_s(now)
        due = self.video.due(now)  # a playing clip's next frame
        return wait_s if due is None else min(wait_s, max(0.0, due - now))

    def _sleep_s(self, now: float) -> float:
        if self.state.moving(now):
            return FRAME_S
        if self.router.held(now) is not None:
            return 0.25  # a finger is resting: look again soon, it may be the staff gesture
        deadline = self.state.next_deadline(now)
        if deadline is None:
            return MAX_SLEEP_S
        return min(MAX_SLEEP_S, max(0.0, deadline - now))

    def _survive(self, what: str, exc: BaseException) -> None:
        """Log a failure at most once a minute per kind, and keep the loop going."""
        now = self.clock()
        kind = f"{what}:{type(exc).__name__}"
        if now - self._errors_logged_at.get(kind, float("-inf")) >= ERROR_LOG_EVERY_S:
            self._errors_logged_at[kind] = now
            log.exception("%s failed; the kiosk keeps running", what)

    def run(self) -> None:
        """Events -> intents -> step -> effects, then update and draw; sleep while nothing moves."""
        pending: list[pygame.event.Event] = []
        pacer = pygame.time.Clock()
        waiter = Waiter()
        while self.running:
            for event in pending + pygame.event.get():
                try:
                    self.handle_event(event)
                except Exception as exc:  # one bad event must not end the show
                    self._survive("handling an event", exc)
            pending = []
            try:
                self.tick()
            except Exception as exc:
                self._survive("drawing a frame", exc)
            if self.state.moving(self.clock()):
                pacer.tick(self.frame_rate())
                continue
            wait_ms = round(self.sleep_s() * 1000)
            if wait_ms > 0:
                if self.state is not self._prepared and wait_ms > 2 * AHEAD_AFTER_S * 1000:
                    # Still for a moment: paint the next screen now rather than when it is due.
                    event = waiter.wait(AHEAD_AFTER_S)
                    if event.type != pygame.NOEVENT:
                        pending.append(event)
                        continue
                    try:
                        self.prepare_ahead(self.clock())
                    except Exception as exc:
                        self._survive("painting ahead", exc)
                    continue
                # Blocks until an event or the deadline: a static slide costs almost no CPU.
                event = waiter.wait(wait_ms / 1000)
                if event.type != pygame.NOEVENT:
                    pending.append(event)


def log_expired(deck: Deck, settings: Settings, today: datetime.date) -> None:
    hidden = " and is left out of the loop" if hides_expired(settings, deck) else ""
    for slide in deck.slides:
        if slide.review.overdue(today):
            log.warning("slide %s is past its review date %s%s", slide.id, slide.review.review_due, hidden)


def _run_in_background(command: str, timeout_s: float) -> None:
    """Run an IT-configured command (display power) without blocking the frame loop."""

    def work() -> None:
        try:
            result = subprocess.run(shlex.split(command), capture_output=True, timeout=timeout_s, check=False)
            if result.returncode != 0:
                log.warning(
                    "`%s` exited with %d: %s",
                    command,
                    result.returncode,
                    result.stderr.decode(errors="replace").strip()[:200],
                )
        except (OSError, ValueError, subprocess.SubprocessError) as exc:
            log.warning("`%s` failed: %s", command, exc)

    threading.Thread(target=work, name="kiosk-command", daemon=True).start()


def open_display(settings: Settings) -> pygame.Surface | Presenter:
    """The kiosk's screen; NoDisplay when there is none (see `kiosk.runtime.display`)."""
    use_mmap_for_large_buffers()
    driver = init_display()
    presenter = _open_gpu(settings, driver)
    if presenter is not None:
        return presenter
    if driver == "x11":
        # On X11 SDL would present through an OpenGL texture; with Mesa's software renderer that
        # doubles the memory (151 -> 65 MiB PSS at 1080p under Xvfb) and slows start-up by 0.3 s.
        # X11 has a native (XShm) framebuffer; kmsdrm has none, so the hint is set for X11 only.
        os.environ.setdefault("SDL_FRAMEBUFFER_ACCELERATION", "0")
    pygame.font.init()
    pygame.display.set_caption("Clinic kiosk")
    if settings.windowed or settings.size:
        size = settings.size or (1280, 720)
        flags = 0 if settings.windowed else pygame.NOFRAME
        display = set_mode(size, flags)
    else:
        # (0, 0) takes the desktop's own resolution, so the panel never switches modes.
        display = set_mode((0, 0), pygame.FULLSCREEN)
    if not settings.dev:
        pygame.mouse.set_visible(False)
    pygame.display.set_allow_screensaver(False)
    return display


def _open_gpu(settings: Settings, driver: str) -> Presenter | None:
    """The GPU path where `settings.renderer` takes it (kiosk.runtime.display.open_gpu)."""
    if settings.renderer == "software":
        return None
    presenter = open_gpu(
        settings.renderer,
        driver,
        settings.size or ((1280, 720) if settings.windowed else (0, 0)),
        fullscreen=not (settings.windowed or settings.size),
        borderless=not settings.windowed,
        rotation=settings.rotation,
    )
    if presenter is None:
        return None
    pygame.font.init()
    if not settings.dev:
        pygame.mouse.set_visible(False)
    pygame.display.set_allow_screensaver(False)
    return presenter


def run(
    deck: Deck,
    settings: Settings,
    *,
    deck_folder: Path | None = None,
    assets: Path = DEFAULT_ASSETS,
    start: StartDeck | None = None,
    store: LastGood | None = None,
) -> int:
    """Show `deck` and keep running. `start` says how it was chosen (kiosk.runtime.startup): the
    reloader takes the folder state from it, and its notice goes to the staff screen; every deck
    that passes later is kept in `store` as the last good one."""
    try:
        display = open_display(settings)
    except NoDisplay as exc:
        log.error("%s", exc)  # a non-zero exit: systemd starts the kiosk again, the journal says why
        pygame.quit()
        return 1
    folder = deck_folder or deck.folder
    executor = DaemonExecutor()
    # The check runs in a child process that keeps a deck that passes as the last good one itself
    # (kiosk.runtime.checker): this process never imports pydantic, PyYAML or pyphen for it.
    reloader = Reloader(
        folder,
        check=child_check(
            assets, data_dir=store.root.parent if store is not None else None, watched=watched_name(folder)
        ),
        current=deck,
        executor=executor,
        seen=start.seen if start else None,
        loaded=start.loaded if start else None,
    )
    if start is not None:
        reloader.problems = start.notice
    kiosk = Kiosk(deck, settings, display, reloader=reloader)

    def stop(signum: int, frame: object) -> None:
        kiosk.running = False
        reloader.stop()  # a read in progress ends at its next file; the worker is a daemon

    signal.signal(signal.SIGTERM, stop)
    log.info(
        "showing %s (%d slides%s) at %dx%d in %s mode",
        folder,
        len(deck.slides),
        f", {start.origin}" if start is not None and start.origin != "folder" else "",
        *display.get_size(),
        settings.mode.value,
    )
    kiosk.tick()
    notifier = kiosk.notifier = Notifier()  # READY=1 only once the first frame is on screen
    notifier.ready()
    if os.environ.get("KIOSK_FIRST_FRAME_FILE"):
        Path(os.environ["KIOSK_FIRST_FRAME_FILE"]).write_text(f"{time.time():.6f}\n")
    # The statistics database opens after the first frame: it is not needed to draw it (an
    # integrity check and a clean-up, tens of milliseconds on an SD card).
    stats = _open_stats(settings)
    kiosk.attach_stats(stats)
    try:
        kiosk.run()
    finally:
        notifier.stopping()
        reloader.stop()
        kill_children()  # a deck check still running ends with the kiosk, not after it
        kiosk.narrator.close()
        kiosk.video.close()
        executor.shutdown(wait=False, cancel_futures=True)
        if stats is not None:
            stats.close()
        if not isinstance(display, pygame.Surface):
            display.close()  # the renderer's textures and window, while SDL is still up
        pygame.quit()
    return EXIT_STAFF if kiosk.staff_exit else 0


def _open_stats(settings: Settings) -> StatsStore | None:
    from kiosk.runtime.stats import default_data_dir

    folder = settings.data_dir or default_data_dir()
    try:
        return StatsStore(folder, name=settings.name)
    except Exception as exc:  # statistics are a nicety: never a reason not to show the deck
        log.error("statistics are off: cannot open %s (%s)", folder, exc)
        return None
