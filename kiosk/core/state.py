"""The kiosk's state machine: `step(state, intent, now) -> state`, pure and time-explicit.

Nothing here reads a clock, a file or an event queue, so a test can drive a week of use in
milliseconds with a fake `now`, and every behaviour a visitor sees is decided in one place.
What the state machine wants done outside itself (reload the deck, end the process, power the
display, play or stop a narration) comes back as effects from `step_with_effects`; the app's loop
carries them out.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

from kiosk.content.deck import Sound
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
    ToggleNarration,
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
    Release,
    Resize,
    Schedule,
    Scroll,
    Swipe,
    Tick,
)
from kiosk.core.program import Program, View

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
    # What the finger pressed on `source` (it stays tinted while that screen fades out).
    pressed: Action | None = None

    def progress(self, now: float) -> float:
        return min(1.0, max(0.0, (now - self.started_at) / self.duration_s))


# The screen a narration belongs to: deck version, slide, detail, language.
ScreenKey = tuple[int, int, str | None, str]


@dataclass(frozen=True, slots=True, kw_only=True)
class Narrating:
    """A narration sounding on the current screen since `started_at` (or, `ended`, that has run
    to its end: a lobby screen does not play it twice)."""

    sound: Sound
    screen: ScreenKey
    started_at: float
    ended: bool = False

    @property
    def ends_at(self) -> float:
        return self.started_at + self.sound.duration_s


@dataclass(frozen=True)
class State:
    program: Program
    index: int  # position in the program's loop
    shown_at: float  # when the current loop entry came up; auto-advance counts from here
    language: str
    detail: str | None = None  # a detail opened by a visitor, over the current slide
    scroll_px: float = 0.0
    paused: bool = False  # a swipe stops auto-advance until the idle reset
    # None: no visitor since the last reset. Any touch holds the loop until the idle reset, so a
    # visitor reading never has the slide taken away.
    last_input_at: float | None = None
    transition: Transition | None = None
    pressed: Action | None = None  # drawn pressed while the finger is down (until Release)
    pressed_at: float = 0.0
    pending: Program | None = None  # a reloaded deck waiting for the next slide boundary
    closed: bool = False  # outside opening hours
    allowed: frozenset[int] | None = None  # slides the schedule allows now (None: all)
    large_text: bool = False  # A+: a visitor's choice, reset at idle
    admin: AdminState | None = None  # the staff screen, over everything (closed at idle)
    pin_guard: PinGuard = PinGuard()  # wrong-PIN lockout; survives the idle reset
    narrating: Narrating | None = None  # the screen's narration, played by the app's sound effects

    @property
    def dark(self) -> bool:
        """Outside opening hours the screen is black, unless a visitor has just woken it."""
        return self.closed and self.last_input_at is None

    @property
    def view(self) -> View:
        return self.program.view(
            self.index, self.language, self.detail, self.large_text, playing=self._sounding()
        )

    @property
    def screen(self) -> ScreenKey:
        """Which screen is up, whatever its text size or speaker button look like."""
        view = self.program.view(self.index, self.language, self.detail)
        return (view.version, view.slide, view.detail, view.language)

    def _sounding(self) -> bool:
        narrating = self.narrating
        return narrating is not None and not narrating.ended and narrating.screen == self.screen

    @property
    def advancing(self) -> bool:
        """Whether the loop moves on by itself: not while a visitor is here (until the idle reset)."""
        return self.detail is None and not self.paused and self.last_input_at is None

    def moving(self, now: float) -> bool:
        """Whether the picture changes by itself right now (the loop may then run at full rate)."""
        return self.transition is not None

    def next_deadline(self, now: float) -> float | None:
        """The next moment `step(Tick)` would change something, so the loop can sleep until then."""
        deadlines: list[float] = []
        if self.transition is not None:
            return now
        if self.narrating is not None and not self.narrating.ended:
            deadlines.append(self.narrating.ends_at)  # the speaker button turns back
        if self.last_input_at is not None:
            deadlines.append(self.last_input_at + self.program.idle_timeout_s)
        if self.dark or self.admin is not None:
            return min(deadlines) if deadlines else None
        if self.advancing:
            deadlines.append(self.shown_at + self.program.duration_s(self.index, self.language))
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


@dataclass(frozen=True, slots=True, kw_only=True)
class PlayNarration:
    """Start playing `sound` (any narration still sounding is stopped first)."""

    sound: Sound


@dataclass(frozen=True, slots=True, kw_only=True)
class StopNarration:
    """Silence: the screen, the language or the visitor changed, or the speaker was tapped."""


Effect = Reload | Exit | DisplayPower | PlayNarration | StopNarration


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
    before_sound, after_sound = _sounding(state.narrating), _sounding(after.narrating)
    if before_sound != after_sound:
        if before_sound is not None:
            effects.append(StopNarration())
        if after_sound is not None and after.narrating is not None:
            effects.append(PlayNarration(sound=after.narrating.sound))
    return Outcome(state=after, effects=tuple(effects))


def _sounding(narrating: Narrating | None) -> tuple[ScreenKey, float] | None:
    if narrating is None or narrating.ended:
        return None
    return (narrating.screen, narrating.started_at)


def step(state: State, intent: Intent, now: float) -> State:
    """The next state; effects are dropped (tests and previews; the app uses step_with_effects)."""
    return _narration(state, _step(state, intent, now), now)


def _narration(before: State, after: State, now: float) -> State:
    """A narration belongs to its screen: it ends when the screen, its language or the visitor
    changes (the idle reset), the staff screen opens or the screen goes dark, and when it has run
    its length. In lobby mode a screen's narration starts as the screen comes up, where deck.yaml
    says `lobby_narration: true` and the local settings have not switched narration off."""
    narrating = after.narrating
    program = after.program
    screen = after.screen
    if narrating is not None:
        reset = before.last_input_at is not None and after.last_input_at is None
        if narrating.screen != screen or after.admin is not None or after.dark or reset:
            narrating = None
        elif not narrating.ended and now >= narrating.ends_at:
            narrating = replace(narrating, ended=True)
    if (
        not program.touch
        and program.narration
        and program.deck.lobby_narration
        and after.admin is None
        and not after.dark
        and program.entries[after.index % len(program.entries)].page == 0
        and (narrating is None or narrating.started_at < after.shown_at)
    ):
        sound = program.deck.narration(screen[1], screen[2], screen[3])
        if sound is not None:
            narrating = Narrating(sound=sound, screen=screen, started_at=now)
    return after if narrating is after.narrating else replace(after, narrating=narrating)


def _step(state: State, intent: Intent, now: float) -> State:
    if isinstance(intent, Quit | Resize | Redraw):
        return state  # about the window, not the visitor: nothing on screen changes because of it
    if state.transition is not None and state.transition.progress(now) >= 1.0:
        state = replace(state, transition=None)
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
    if isinstance(intent, Release):
        return replace(touched, pressed=None)
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
    if isinstance(intent, (Press, Release, Scroll, Swipe)):
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
    if state.advancing and state.transition is None:
        if now - state.shown_at >= program.duration_s(state.index, state.language):
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
    return replace(
        adopted,
        transition=Transition(state.view, "fade", now, program.deck.timing.transition_s, state.pressed),
    )


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
        reset,
        transition=Transition(state.view, "fade", now, state.program.deck.timing.transition_s, state.pressed),
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
    moved = replace(state, index=index, shown_at=now, detail=None, scroll_px=0.0, paused=paused, pressed=None)
    if moved.view == state.view:
        return moved
    return replace(moved, transition=Transition(state.view, kind, now, duration_s, state.pressed))


def _activate(state: State, action: Action, now: float) -> State:
    if isinstance(action, Open) and state.detail is None:
        slide = state.program.deck.slides[state.view.slide]
        if slide.detail(action.detail) is None:
            return state
        opened = replace(state, detail=action.detail, scroll_px=0.0, pressed=None)
        return replace(opened, transition=Transition(state.view, "fade", now, OPEN_FADE_S, state.pressed))
    if isinstance(action, GoBack):
        return _close(state, now)
    if isinstance(action, ToggleNarration):
        if state.view.narration == "playing":
            return replace(state, narrating=None, pressed=None)
        screen = state.screen
        sound = state.program.deck.narration(screen[1], screen[2], screen[3])
        if state.view.narration == "ready" and sound is not None:
            return replace(
                state, narrating=Narrating(sound=sound, screen=screen, started_at=now), pressed=None
            )
        return state
    if isinstance(action, ToggleLargeText):
        larger = replace(state, large_text=not state.large_text, scroll_px=0.0, pressed=None)
        return replace(larger, transition=Transition(state.view, "fade", now, OPEN_FADE_S, state.pressed))
    if (
        isinstance(action, SetLanguage)
        and action.code in state.program.deck.languages
        and action.code != state.language
    ):
        switched = replace(state, language=action.code, pressed=None)
        return replace(switched, transition=Transition(state.view, "fade", now, OPEN_FADE_S, state.pressed))
    return state


def _close(state: State, now: float) -> State:
    if state.detail is None:
        return state
    closed = replace(state, detail=None, scroll_px=0.0, shown_at=now, pressed=None)
    return replace(closed, transition=Transition(state.view, "fade", now, OPEN_FADE_S, state.pressed))
