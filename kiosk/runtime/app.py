"""The running kiosk: events -> step -> draw -> flip, sleeping whenever nothing moves.

`Kiosk` holds no behaviour of its own beyond wiring: the state machine decides, the layout
places, the stage paints, the reloader watches the content. Time comes from injectable clocks
(monotonic for the loop, wall-clock for opening hours), so tests drive a week in seconds.
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
from collections import deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pygame

from kiosk import __version__
from kiosk.content.deck import Deck
from kiosk.content.loader import DEFAULT_ASSETS, check_deck
from kiosk.core.admin import HOLD_S, in_corner
from kiosk.core.intents import (
    Activate,
    AdminGesture,
    Drag,
    Intent,
    NewDeck,
    PointerDown,
    Press,
    Quit,
    Redraw,
    Resize,
    Schedule,
    Scroll,
    Tap,
    Tick,
)
from kiosk.core.orientation import Orientation
from kiosk.core.program import Mode, Program, View, build_program
from kiosk.core.state import State, initial_state, step
from kiosk.core.theme import THEMES
from kiosk.layout.detail import lobby_pages
from kiosk.layout.staff import AdminInfo
from kiosk.render.painter import Fonts
from kiosk.render.stage import Stage
from kiosk.runtime.input import InputReader
from kiosk.runtime.reload import Reloader
from kiosk.runtime.settings import Settings, settings_for  # noqa: F401  (settings_for: the public entry point)
from kiosk.runtime.stats import Event, StatsStore
from kiosk.runtime.waiter import Waiter, use_mmap_for_large_buffers
from kiosk.runtime.watchdog import Notifier

log = logging.getLogger(__name__)

FRAME_S = 1 / 60
MAX_SLEEP_S = 1.0  # wake at least this often, so a stuck deadline can never freeze the screen
SCHEDULE_EVERY_S = 5.0
PIXEL_SHIFT_EVERY_S = 180.0
PIXEL_SHIFTS = ((0, 0), (2, 0), (2, 2), (0, 2), (-2, 2), (-2, 0), (-2, -2), (0, -2), (2, -2))
ERROR_LOG_EVERY_S = 60.0


class Kiosk:
    def __init__(
        self,
        deck: Deck,
        settings: Settings,
        display: pygame.Surface,
        *,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], datetime.datetime] = datetime.datetime.now,
        reloader: Reloader | None = None,
        notifier: Notifier | None = None,
        run_command: Callable[[str, float], None] | None = None,
        stats: StatsStore | None = None,
    ) -> None:
        self.settings = settings
        self.clock = clock
        self.wall_clock = wall_clock
        self.display = display
        self.reloader = reloader
        self.notifier = notifier or Notifier({})
        self.run_command = run_command or _run_in_background
        self.stats = stats
        self.started_at = clock()
        self._frame_times: deque[float] = deque(maxlen=120)
        self._gesture_fired = False
        self._info: tuple[float, AdminInfo] | None = None
        self._today: tuple[float, str] = (float("-inf"), "")
        self.orientation = Orientation(settings.rotation, *display.get_size())
        self.versions = 0
        self.program = self._program(deck)
        self.stage = Stage(self.program, THEMES[settings.theme], self.orientation.logical_size)
        self.reader = InputReader(self.orientation, dev=settings.dev)
        self.state: State = initial_state(self.program, clock(), settings.language)
        self.loaded_at = wall_clock()
        self.running = True
        self.frames = 0
        self._drawn: tuple | None = None
        self._frame = self._logical_surface()
        self._schedule: Schedule | None = None
        self._scheduled_at = float("-inf")
        self._errors_logged_at: dict[str, float] = {}
        self._waking_touch = False
        self._log_expired(deck)
        self.update_schedule(force=True)
        self._seen = self._observation()
        self._view_since = clock()
        self._session_since: float | None = None

    def _program(self, deck: Deck) -> Program:
        self.versions += 1
        reduced = (
            self.settings.reduced_motion if self.settings.reduced_motion is not None else deck.reduced_motion
        )
        return build_program(
            deck,
            self.settings.mode,
            idle_timeout_s=self.settings.idle_timeout_s,
            version=self.versions,
            reduced_motion=reduced,
            admin_pin_hash=self.settings.admin_pin_hash,
            admin_dev=self.settings.dev,
            # A lobby detail too long for this screen plays as pages, one after the other.
            pages=lobby_pages(deck, *self.orientation.logical_size, Fonts().measure),
        )

    def _logical_surface(self) -> pygame.Surface:
        if self.orientation.rotation == 0:
            return self.display
        return pygame.Surface(self.orientation.logical_size).convert()

    # -- input ------------------------------------------------------------------------------

    def handle_event(self, event: pygame.event.Event) -> None:
        now = self.clock()
        for intent in self.reader.read(event, now):
            self.handle(intent, now)

    def handle(self, intent: Intent, now: float) -> None:
        """Resolve pointer intents against what is on screen now, then step the state."""
        if isinstance(intent, Quit):
            if self.settings.dev:
                self.running = False
            return
        if isinstance(intent, Resize):
            self.resize(intent.width, intent.height)
            return
        if isinstance(intent, Redraw):
            self._drawn = None
            return
        layout = self.stage.layout_for(self.state, self.admin_info())
        if isinstance(intent, Activate | Tap) and self.state.admin is not None:
            action = intent.action if isinstance(intent, Activate) else layout.hit(intent.x, intent.y)
            if action == "admin:reload":
                self.reload_now()
            elif action == "admin:exit":
                log.info("exit requested from the admin screen")
                self.running = False
        if isinstance(intent, PointerDown):
            # A finger that lands on a dark screen wakes it; its lift must not press what appears.
            self._waking_touch = self.state.dark
            intent = Press(None if self.state.dark else layout.hit(intent.x, intent.y))
        elif isinstance(intent, Tap):
            action = None if (self.state.dark or self._waking_touch) else layout.hit(intent.x, intent.y)
            self._waking_touch = False
            # A tap on nothing still counts as a visitor being there (it delays the reset).
            intent = Press(None) if action is None else Activate(action)
        elif isinstance(intent, Drag):
            intent = Scroll(intent.dy_px, layout.scroll_limit_px)
        was_dark = self.state.dark
        self.state = step(self.state, intent, now)
        self._dark_changed(was_dark)
        self._observe(now)

    def resize(self, width: int, height: int) -> None:
        surface = pygame.display.get_surface()
        if surface is not None:
            self.display = surface
        width, height = self.display.get_size()
        if (width, height) == (
            self.orientation.panel_w,
            self.orientation.panel_h,
        ) and surface is self.display:
            self._drawn = None  # same size (SDL reports one at start-up): redraw, keep the cache
            return
        self.orientation = Orientation(self.settings.rotation, width, height)
        self.reader.resize(self.orientation)
        self.stage.reset(size=self.orientation.logical_size)
        self._frame = self._logical_surface()
        self._drawn = None
        log.info("display is now %dx%d; laid out again", width, height)
        if self.settings.mode is Mode.LOBBY:
            # Lobby details are split into pages that fit the screen: split them again.
            program = self._program((self.state.pending or self.state.program).deck)
            self.stage.remember(program)
            self.program = program
            self.state = step(self.state, NewDeck(program), self.clock())

    # -- content and schedule ---------------------------------------------------------------

    def adopt(self, deck: Deck, now: float) -> None:
        """A newly loaded valid deck: it takes over at the next slide boundary."""
        program = self._program(deck)
        self.stage.remember(program)
        self.program = program
        self.loaded_at = self.wall_clock()
        self.state = step(self.state, NewDeck(program), now)
        self._log_expired(deck)
        self.update_schedule(force=True)

    def _log_expired(self, deck: Deck) -> None:
        today = self.wall_clock().date()
        for slide in deck.slides:
            if slide.review.overdue(today):
                hidden = " and is left out of the loop" if self._hide_expired(deck) else ""
                log.warning(
                    "slide %s is past its review date %s%s", slide.id, slide.review.review_due, hidden
                )

    def _hide_expired(self, deck: Deck) -> bool:
        return self.settings.hide_expired if self.settings.hide_expired is not None else deck.hide_expired

    def schedule_now(self) -> Schedule:
        deck = self.state.pending.deck if self.state.pending else self.state.program.deck
        wall = self.wall_clock()
        hours = self.settings.opening_hours or deck.hours
        program = self.state.program
        hide = self._hide_expired(program.deck)
        allowed = frozenset(
            index
            for index, slide in enumerate(program.deck.slides)
            if (slide.show is None or slide.show.allows(wall))
            and not (hide and slide.review.overdue(wall.date()))
        )
        every = len(allowed) == len(program.deck.slides) or not allowed
        return Schedule(open=hours.is_open(wall), allowed=None if every else allowed)

    def update_schedule(self, *, force: bool = False) -> None:
        now = self.clock()
        if not force and now - self._scheduled_at < SCHEDULE_EVERY_S:
            return
        self._scheduled_at = now
        schedule = self.schedule_now()
        if schedule != self._schedule:
            was_dark = self.state.dark
            self._schedule = schedule
            self.state = step(self.state, schedule, now)
            self._dark_changed(was_dark)

    def _dark_changed(self, was_dark: bool) -> None:
        if self.state.dark == was_dark:
            return
        if self.state.dark:
            log.info("outside opening hours: screen dark")
            if self.settings.on_sleep:
                self.run_command(self.settings.on_sleep, self.settings.command_timeout_s)
        else:
            log.info("screen awake")
            if self.settings.on_wake:
                self.run_command(self.settings.on_wake, self.settings.command_timeout_s)

    # -- time and drawing -------------------------------------------------------------------

    def tick(self) -> bool:
        """Advance time; draw and flip when the picture changed. Returns whether it drew."""
        now = self.clock()
        if self.reloader is not None:
            report = self.reloader.poll(now)
            if report is not None and report.deck is not None:
                self.adopt(report.deck, now)
        self.update_schedule()
        self._check_gesture(now)
        was_dark = self.state.dark
        self.state = step(self.state, Tick(), now)
        self._dark_changed(was_dark)
        self._observe(now)
        self.notifier.ping(now)
        moving = self.state.moving(now)
        shift = self.pixel_shift(now)
        # The staff screen shows live figures: redraw it once a second while it is open.
        key = (self.state, moving, shift, int(now) if self.state.admin is not None else 0)
        if self._drawn == key and not moving:
            return False
        self.draw(now, shift)
        self._drawn = key
        return True

    def pixel_shift(self, now: float) -> tuple[int, int]:
        enabled = (
            self.settings.pixel_shift
            if self.settings.pixel_shift is not None
            else self.state.program.deck.pixel_shift
        )
        if not enabled:
            return (0, 0)
        return PIXEL_SHIFTS[int(now // PIXEL_SHIFT_EVERY_S) % len(PIXEL_SHIFTS)]

    def draw(self, now: float, shift: tuple[int, int] = (0, 0)) -> None:
        if self.state.admin is not None:
            self.stage.compose_admin(self.state, self.admin_info(), self._frame)
        else:
            self.stage.compose(self.state, now, self._frame, shift=shift)
        if self._frame is not self.display:
            turned = pygame.transform.rotate(self._frame, -self.orientation.rotation)
            self.display.blit(turned, (0, 0))
        pygame.display.flip()
        self.frames += 1
        self._frame_times.append(now)

    def sleep_s(self) -> float:
        now = self.clock()
        if self.state.moving(now):
            return FRAME_S
        if self.reader.held(now) is not None:
            return 0.25  # a finger is resting: look again soon, it may be the staff gesture
        deadline = self.state.next_deadline(now)
        if deadline is None:
            return MAX_SLEEP_S
        return min(MAX_SLEEP_S, max(0.0, deadline - now))

    # -- staff screen -------------------------------------------------------------------------

    def _check_gesture(self, now: float) -> None:
        held = self.reader.held(now)
        if held is None:
            self._gesture_fired = False
            return
        x, y, seconds = held
        width, height = self.orientation.logical_size
        if seconds >= HOLD_S and not self._gesture_fired and in_corner(x, y, width, height):
            self._gesture_fired = True
            self.state = step(self.state, AdminGesture(), now)
            if self.state.admin is not None:
                log.info(
                    "staff gesture: %s", "PIN pad" if self.state.admin.screen == "pin" else "admin screen"
                )

    def reload_now(self) -> None:
        if self.reloader is None:
            return
        report = self.reloader.load(self.reloader.folder)
        finished = self.reloader.accept(report)
        if finished.deck is not None:
            self.adopt(finished.deck, self.clock())

    def admin_info(self) -> AdminInfo:
        now = self.clock()
        if self.state.admin is None:
            return AdminInfo()
        if self._info is not None and now - self._info[0] < 1.0:
            return self._info[1]
        times = self._frame_times
        recent = [t for t in times if now - t <= 5.0]
        fps = (
            (len(recent) - 1) / (recent[-1] - recent[0])
            if len(recent) > 1 and recent[-1] > recent[0]
            else 0.0
        )
        deck = self.state.program.deck
        today = self.wall_clock().date()
        reloader = self.reloader
        width, height = self.display.get_size()
        info = AdminInfo(
            name=self.settings.name,
            version=__version__,
            uptime_s=now - self.started_at,
            deck=str(deck.folder),
            loaded_at=self.loaded_at.strftime("%Y-%m-%d %H:%M"),
            slides=len(deck.slides),
            errors=tuple(p.format(relative_to=deck.folder) for p in (reloader.problems if reloader else ())),
            warnings=tuple(
                p.format(relative_to=deck.folder) for p in (reloader.warnings if reloader else ())
            ),
            overdue=tuple(
                f"{s.id}: review was due {s.review.review_due}"
                for s in deck.slides
                if s.review.overdue(today)
            ),
            fps=fps,
            memory_mb=_rss_mb(),
            today=self._today_summary(now),
            display=f"{width}x{height}, rotation {self.settings.rotation}, {self.settings.mode.value} mode",
        )
        self._info = (now, info)
        return info

    def _today_summary(self, now: float) -> str:
        if self.stats is None:
            return "statistics are off"
        if now - self._today[0] < 10:
            return self._today[1]
        from kiosk.runtime.stats import summarize

        try:
            self.stats.flush()
            summary = summarize(self.stats.path, self.wall_clock().date())
            shown = sum(t.impressions for t in summary.topics)
            opened = sum(t.opens for t in summary.topics)
            visitors = sum(n for _, n, _ in summary.sessions_per_day)
            text = f"{shown} screens shown, {opened} topics opened, {visitors} visitor sessions"
        except Exception as exc:  # the admin screen must open even if the database is unhappy
            text = f"statistics unavailable ({exc})"
        self._today = (now, text)
        return text

    # -- statistics ---------------------------------------------------------------------------

    def _observation(self) -> tuple[View | None, str, bool]:
        state = self.state
        visible = None if (state.dark or state.admin is not None) else state.view
        return visible, state.language, state.last_input_at is not None

    def _observe(self, now: float) -> None:
        """Turn what changed on screen into anonymous counts (nothing about the person)."""
        seen = self._observation()
        if seen == self._seen:
            return
        (old_view, old_language, old_visitor), (new_view, new_language, new_visitor) = self._seen, seen
        if old_view != new_view:
            if old_view is not None:
                self._record_view(old_view, now - self._view_since)
            self._view_since = now
        if new_visitor and not old_visitor:
            self._session_since = now
        elif old_visitor and not new_visitor and self._session_since is not None:
            self._record(Event(self.wall_clock(), "session", seconds=round(now - self._session_since, 1)))
            self._session_since = None
        if new_language != old_language and new_visitor:
            self._record(Event(self.wall_clock(), "language", language=new_language))
        self._seen = seen

    def _record_view(self, view: View, seconds: float) -> None:
        program = self.stage.program_for(view)
        if view.slide >= len(program.deck.slides):
            return
        slide = program.deck.slides[view.slide].id
        kind = "open" if view.detail is not None and self.settings.mode is Mode.TOUCH else "impression"
        self._record(Event(self.wall_clock(), kind, slide, view.detail, view.language, round(seconds, 1)))

    def _record(self, event: Event) -> None:
        if self.stats is not None:
            self.stats.record(event)

    def _survive(self, what: str, exc: BaseException) -> None:
        """Log a failure at most once a minute per kind, and keep the loop going."""
        now = self.clock()
        kind = f"{what}:{type(exc).__name__}"
        if now - self._errors_logged_at.get(kind, float("-inf")) >= ERROR_LOG_EVERY_S:
            self._errors_logged_at[kind] = now
            log.exception("%s failed; the kiosk keeps running", what)

    def run(self) -> None:
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
                pacer.tick(60)
                continue
            wait_ms = round(self.sleep_s() * 1000)
            if wait_ms > 0:
                # Blocks until an event or the deadline: a static slide costs almost no CPU.
                event = waiter.wait(wait_ms / 1000)
                if event.type != pygame.NOEVENT:
                    pending.append(event)


def _rss_mb() -> float:
    try:
        with open("/proc/self/statm") as handle:
            return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError, IndexError):
        return 0.0


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


def open_display(settings: Settings) -> pygame.Surface:
    use_mmap_for_large_buffers()
    pygame.display.init()
    if pygame.display.get_driver() == "x11":
        # On X11 SDL would present through an OpenGL texture; with Mesa's software renderer that
        # doubles the memory (151 -> 65 MiB PSS at 1080p under Xvfb) and slows start-up by 0.3 s.
        # X11 has a native (XShm) framebuffer; kmsdrm has none, so the hint is set for X11 only.
        os.environ.setdefault("SDL_FRAMEBUFFER_ACCELERATION", "0")
    pygame.font.init()
    pygame.display.set_caption("Clinic kiosk")
    if settings.windowed or settings.size:
        size = settings.size or (1280, 720)
        flags = 0 if settings.windowed else pygame.NOFRAME
        display = pygame.display.set_mode(size, flags)
    else:
        # (0, 0) takes the desktop's own resolution, so the panel never switches modes.
        display = pygame.display.set_mode((0, 0), pygame.FULLSCREEN)
    if not settings.dev:
        pygame.mouse.set_visible(False)
    pygame.display.set_allow_screensaver(False)
    return display


def run(
    deck: Deck, settings: Settings, *, deck_folder: Path | None = None, assets: Path = DEFAULT_ASSETS
) -> int:
    display = open_display(settings)
    folder = deck_folder or deck.folder
    executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kiosk-reload")
    reloader = Reloader(folder, lambda path: check_deck(path, assets=assets), current=deck, executor=executor)
    stats = _open_stats(settings)
    kiosk = Kiosk(deck, settings, display, reloader=reloader, stats=stats)

    def stop(signum: int, frame: object) -> None:
        kiosk.running = False

    signal.signal(signal.SIGTERM, stop)
    log.info(
        "showing %s (%d slides) at %dx%d in %s mode",
        folder,
        len(deck.slides),
        *display.get_size(),
        settings.mode.value,
    )
    kiosk.tick()
    notifier = kiosk.notifier = Notifier()  # READY=1 only once the first frame is on screen
    notifier.ready()
    if os.environ.get("KIOSK_FIRST_FRAME_FILE"):
        Path(os.environ["KIOSK_FIRST_FRAME_FILE"]).write_text(f"{time.time():.6f}\n")
    try:
        kiosk.run()
    finally:
        notifier.stopping()
        executor.shutdown(wait=False, cancel_futures=True)
        if stats is not None:
            stats.close()
        pygame.quit()
    return 0


def _open_stats(settings: Settings) -> StatsStore | None:
    from kiosk.runtime.stats import default_data_dir

    folder = settings.data_dir or default_data_dir()
    try:
        return StatsStore(folder, name=settings.name)
    except Exception as exc:  # statistics are a nicety: never a reason not to show the deck
        log.error("statistics are off: cannot open %s (%s)", folder, exc)
        return None
