"""The kiosk's state machine: `step(state, intent, now) -> state`, pure and time-explicit.

Nothing here reads a clock, a file or an event queue, so a test can drive a week of use in
milliseconds with a fake `now`, and every behaviour a visitor sees is decided in one place.
What the state machine wants done outside itself (reload the deck, end the process, power the
display) comes back as effects from `step_with_effects`; the app's loop carries them out.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

from kiosk.core.actions import (
    Action,
    AdminAction,
    AdminBack,
    AdminExitConfirm,
    AdminReload,
    GoBack,
    Open,
    SetLanguage,
    ToggleLargeText,
)
from kiosk.core.admin import AdminState, PinGuard, admin_action, open_admin, touch_mark
from kiosk.core.intents import (
    Activate,
    AdminGesture,
    Back,
    Intent,
    NewDeck,
    Press,
    Quit,
    RawTouch,
    Redraw,
    Resize,
    Schedule,
    Scroll,
    Swipe,
    Tick,
)
from kiosk.core.program import Program, View

PRESS_S = 0.15
OPEN_FADE_S = 0.25
PUSH_S = 0.45


# "push-next": the new screen comes in from the right; "push-previous": from the left.
TransitionKind = Literal["fade", "push-next", "push-previous"]


@dataclass(frozen=True)
class Transition:
    """The picture is moving from `source` to the state's current view."""

    source: View
    kind: TransitionKind
    started_at: float
    duration_s: float

    def progress(self, now: float) -> float:
        return min(1.0, max(0.0, (now - self.started_at) / self.duration_s))


@dataclass(frozen=True)
class State:
    program: Program
    index: int  # position in the program's loop
    shown_at: float  # when the current loop entry came up; auto-advance counts from here
    language: str
    detail: str | None = None  # a detail opened by a visitor, over the current slide
    scroll_px: float = 0.0
    paused: bool = False  # a swipe stops auto-advance until the idle reset
    last_input_at: float | None = None  # None: no visitor since the last reset
    transition: Transition | None = None
    pressed: Action | None = None
    pressed_at: float = 0.0
    pending: Program | None = None  # a reloaded deck waiting for the next slide boundary
    closed: bool = False  # outside opening hours
    allowed: frozenset[int] | None = None  # slides the schedule allows now (None: all)
    large_text: bool = False  # A+: a visitor's choice, reset at idle
    admin: AdminState | None = None  # the staff screen, over everything (closed at idle)
    pin_guard: PinGuard = PinGuard()  # wrong-PIN lockout; survives the idle reset

    @property
    def dark(self) -> bool:
        """Outside opening hours the screen is black, unless a visitor has just woken it."""
        return self.closed and self.last_input_at is None

    @property
    def view(self) -> View:
        return self.program.view(self.index, self.language, self.detail, self.large_text)

    def moving(self, now: float) -> bool:
        """Whether the picture changes by itself right now (the loop may then run at full rate)."""
        return self.transition is not None or (self.pressed is not None and now - self.pressed_at < PRESS_S)

    def next_deadline(self, now: float) -> float | None:
        """The next moment `step(Tick)` would change something, so the loop can sleep until then."""
        deadlines: list[float] = []
        if self.transition is not None:
            return now
        if self.pressed is not None:
            deadlines.append(self.pressed_at + PRESS_S)
        if self.last_input_at is not None:
            deadlines.append(self.last_input_at + self.program.idle_timeout_s)
        if self.dark or self.admin is not None:
            return min(deadlines) if deadlines else None
        if self.detail is None and not self.paused:
            deadlines.append(self.shown_at + self.program.durations_s[self.index])
        return min(deadlines) if deadlines else None


def initial_state(program: Program, now: float, language: str | None = None) -> State:
    return State(program=program, index=0, shown_at=now, language=language or program.deck.default_language)


@dataclass(frozen=True, slots=True, kw_only=True)
class Reload:
    """Load the deck folder again now (staff asked); the result arrives like any hot reload."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Exit:
    """End the kiosk process (staff asked, or a development window was closed)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class DisplayPower:
    """The screen went dark (`on=False`, outside opening hours) or woke up: IT's commands run."""

    on: bool


Effect = Reload | Exit | DisplayPower


@dataclass(frozen=True, slots=True, kw_only=True)
class Outcome:
    state: State
    effects: tuple[Effect, ...] = ()


def step_with_effects(state: State, intent: Intent, now: float) -> Outcome:
    """`step`, plus what the loop must do outside the state (in order)."""
    effects: list[Effect] = []
    if isinstance(intent, Quit) and state.program.admin_dev:
        effects.append(Exit())
    if state.admin is not None and isinstance(intent, Activate):
        if isinstance(intent.action, AdminReload):
            effects.append(Reload())
        elif isinstance(intent.action, AdminExitConfirm) and state.admin.screen == "exit":
            effects.append(Exit())  # only the confirm step's Exit: one stray tap never ends the kiosk
    after = step(state, intent, now)
    if after.dark != state.dark:
        effects.append(DisplayPower(on=not after.dark))
    return Outcome(state=after, effects=tuple(effects))


def step(state: State, intent: Intent, now: float) -> State:
    """The next state; effects are dropped (tests and previews; the app uses step_with_effects)."""
    if isinstance(intent, Quit | Resize | Redraw):
        return state  # about the window, not the visitor: nothing on screen changes because of it
    if state.transition is not None and state.transition.progress(now) >= 1.0:
        state = replace(state, transition=None)
    if state.pressed is not None and now - state.pressed_at >= PRESS_S and not isinstance(intent, Press):
        state = replace(state, pressed=None)
    if isinstance(intent, Tick):
        return _tick(state, now)
    if isinstance(intent, AdminGesture):
        admin = open_admin(state.program.admin_pin_hash, state.program.admin_dev)
        return replace(state, admin=admin, last_input_at=now, pressed=None) if admin else state
    # A new deck and the schedule are taken even while the staff screen is open (its Reload
    # button loads a deck); the app sends each only once.
    if isinstance(intent, NewDeck):
        pending = replace(state, pending=intent.program)
        return _adopt(pending, now) if state.dark else pending
    if isinstance(intent, Schedule):
        scheduled = replace(state, closed=not intent.open, allowed=intent.allowed)
        if scheduled.dark and not state.dark:
            return replace(scheduled, transition=None, detail=None, scroll_px=0.0, paused=False)
        if state.dark and not scheduled.dark:
            return replace(scheduled, shown_at=now)
        return scheduled
    if state.admin is not None:
        return _admin_step(state, state.admin, intent, now)
    if isinstance(intent, RawTouch):
        return state
    if not state.program.touch:
        return state  # a lobby screen ignores touches: nothing a passer-by does changes it
    if state.dark:
        # The first touch on a dark screen only wakes it: it must not press an unseen card.
        return replace(state, last_input_at=now, shown_at=now)
    touched = replace(state, last_input_at=now)
    if isinstance(intent, Press):
        return replace(touched, pressed=intent.action, pressed_at=now)
    if isinstance(intent, Activate):
        return _activate(touched, intent.action, now)
    if isinstance(intent, Back):
        return _close(touched, now)
    if isinstance(intent, Swipe):
        if state.detail is not None:
            return touched
        kind = "push-next" if intent.direction > 0 else "push-previous"
        if state.program.reduced_motion:
            kind = "fade"
        return _go(
            touched,
            state.index + (1 if intent.direction > 0 else -1),
            now,
            kind,
            PUSH_S,
            paused=True,
            backwards=intent.direction < 0,
        )
    if isinstance(intent, Scroll):
        # A detail scrolls, and so does a slide whose topic cards do not fit (limit 0 otherwise).
        scroll = min(max(0.0, state.scroll_px - intent.dy_px), max(0.0, intent.limit_px))
        return replace(touched, scroll_px=scroll)
    return state


def _admin_step(state: State, admin: AdminState, intent: Intent, now: float) -> State:
    """While the staff screen is open it takes every touch; the loop waits underneath."""
    touched = replace(state, last_input_at=now)
    if isinstance(intent, RawTouch):
        return replace(touched, admin=touch_mark(admin, intent.x, intent.y))
    if isinstance(intent, Activate):
        if not isinstance(intent.action, AdminAction):
            return touched  # a visitor's action cannot reach the staff screens
        after, guard = admin_action(admin, state.pin_guard, intent.action, now, state.program.admin_pin_hash)
        closed = after is None
        return replace(touched, admin=after, pin_guard=guard, shown_at=now if closed else state.shown_at)
    if isinstance(intent, Back):
        after, guard = admin_action(admin, state.pin_guard, AdminBack(), now, state.program.admin_pin_hash)
        return replace(touched, admin=after, pin_guard=guard)
    if isinstance(intent, (Press, Scroll, Swipe)):
        return replace(touched, pressed=intent.action if isinstance(intent, Press) else None, pressed_at=now)
    return state


def _tick(state: State, now: float) -> State:
    program = state.program
    if state.last_input_at is not None and now - state.last_input_at >= program.idle_timeout_s:
        reset = _reset(state, now)
        return _adopt(reset, now) if reset.pending is not None else reset
    if state.dark:
        return _adopt(state, now) if state.pending is not None else state
    if state.admin is not None:
        return state
    if state.detail is None and not state.paused and state.transition is None:
        if now - state.shown_at >= program.durations_s[state.index]:
            if state.pending is not None:
                return _adopt(state, now)
            return _go(state, state.index + 1, now, "fade", program.deck.timing.transition_s, paused=False)
    return state


def _adopt(state: State, now: float) -> State:
    """Switch to the pending deck at a slide boundary, continuing after the current slide."""
    program = state.pending
    assert program is not None
    current_id = state.program.deck.slides[state.view.slide].id
    ids = [program.deck.slides[entry.slide].id for entry in program.entries]
    index = (ids.index(current_id) + 1) % len(ids) if current_id in ids else 0
    language = state.language if state.language in program.deck.languages else program.deck.default_language
    adopted = replace(
        state,
        program=program,
        pending=None,
        index=0,
        shown_at=now,
        detail=None,
        scroll_px=0.0,
        language=language,
        pressed=None,
    )
    adopted = replace(adopted, index=_allowed_index(adopted, index, 1))
    if state.dark:
        return adopted
    return replace(adopted, transition=Transition(state.view, "fade", now, program.deck.timing.transition_s))


def _allowed_index(state: State, index: int, direction: int) -> int:
    """The first entry from `index` on (in `direction`) whose slide the schedule allows."""
    entries = state.program.entries
    count = len(entries)
    index %= count
    if state.allowed is None:
        return index
    for offset in range(count):
        candidate = (index + direction * offset) % count
        if entries[candidate].slide in state.allowed:
            return candidate
    return index  # nothing is allowed: play everything rather than go blank


def _reset(state: State, now: float) -> State:
    """Back to the loop as a new visitor would find it: language, open screen, scroll, pause."""
    reset = replace(
        state,
        detail=None,
        scroll_px=0.0,
        paused=False,
        last_input_at=None,
        language=state.program.deck.default_language,
        pressed=None,
        shown_at=now,
        large_text=False,
        admin=None,
    )
    if reset.view == state.view:
        return reset
    return replace(
        reset, transition=Transition(state.view, "fade", now, state.program.deck.timing.transition_s)
    )


def _go(
    state: State,
    index: int,
    now: float,
    kind: TransitionKind,
    duration_s: float,
    *,
    paused: bool,
    backwards: bool = False,
) -> State:
    index = _allowed_index(state, index, -1 if backwards else 1)
    moved = replace(state, index=index, shown_at=now, detail=None, scroll_px=0.0, paused=paused)
    if moved.view == state.view:
        return moved
    return replace(moved, transition=Transition(state.view, kind, now, duration_s))


def _activate(state: State, action: Action, now: float) -> State:
    if isinstance(action, Open) and state.detail is None:
        slide = state.program.deck.slides[state.view.slide]
        if slide.detail(action.detail) is None:
            return state
        opened = replace(state, detail=action.detail, scroll_px=0.0)
        return replace(opened, transition=Transition(state.view, "fade", now, OPEN_FADE_S))
    if isinstance(action, GoBack):
        return _close(state, now)
    if isinstance(action, ToggleLargeText):
        larger = replace(state, large_text=not state.large_text, scroll_px=0.0)
        return replace(larger, transition=Transition(state.view, "fade", now, OPEN_FADE_S))
    if (
        isinstance(action, SetLanguage)
        and action.code in state.program.deck.languages
        and action.code != state.language
    ):
        switched = replace(state, language=action.code)
        return replace(switched, transition=Transition(state.view, "fade", now, OPEN_FADE_S))
    return state


def _close(state: State, now: float) -> State:
    if state.detail is None:
        return state
    closed = replace(state, detail=None, scroll_px=0.0, shown_at=now)
    return replace(closed, transition=Transition(state.view, "fade", now, OPEN_FADE_S))
