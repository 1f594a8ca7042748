"""The state machine, driven with a fake clock: timing, taps, back, swipes, idle reset; the
effects it asks of the loop, and the schedule rules."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, replace

import pytest

from kiosk.content.hours import OpeningHours, ShowWindow
from kiosk.core.actions import (
    AdminBack,
    AdminClose,
    AdminExit,
    AdminExitConfirm,
    AdminReload,
    AdminTestPattern,
    AdminTouchTest,
    GoBack,
    Open,
    PinClear,
    PinKey,
    PinOk,
    SetLanguage,
    ToggleLargeText,
)
from kiosk.core.intents import (
    Activate,
    AdminGesture,
    Back,
    NewDeck,
    Press,
    Quit,
    Schedule,
    Scroll,
    Swipe,
    Tick,
)
from kiosk.core.program import Mode, build_program, reading_time_s, visible_words
from kiosk.core.schedule import schedule_at
from kiosk.core.state import (
    PRESS_S,
    DisplayPower,
    Exit,
    Outcome,
    Reload,
    initial_state,
    step,
    step_with_effects,
)


@pytest.fixture()
def program(deck):
    return build_program(deck, Mode.TOUCH)


def run_until(state, t_end, t=0.0, dt=0.1):
    while t < t_end:
        t = round(t + dt, 6)
        state = step(state, Tick(), t)
    return state


def test_reading_time_formula_gives_about_eleven_seconds_for_25_words():
    assert reading_time_s(25, 8, 30) == pytest.approx(11.5)
    assert reading_time_s(2, 8, 30) == 8  # never shorter than the floor
    assert reading_time_s(500, 8, 30) == 30  # nor longer than the ceiling


def test_durations_follow_visible_words(deck, program):
    slide = deck.slides[0]
    words = visible_words(slide, "en", Mode.TOUCH)
    assert program.durations_s[0] == pytest.approx(reading_time_s(words, 8, 30))


def test_given_the_loop_when_a_slide_time_passes_then_it_crossfades_to_the_next(program):
    state = initial_state(program, 0.0)
    first = program.durations_s[0]
    state = step(state, Tick(), first - 0.01)
    assert state.index == 0 and state.transition is None
    state = step(state, Tick(), first)
    assert state.index == 1
    assert state.transition is not None and state.transition.kind == "fade"
    assert state.transition.source.slide == 0


def test_the_loop_wraps_around_after_the_last_slide(program):
    state = initial_state(program, 0.0)
    t = 0.0
    for _ in range(len(program.entries)):
        t += program.durations_s[state.index] + 1
        state = step(state, Tick(), t)
    assert state.index == 0


def test_given_a_slide_when_a_card_is_tapped_then_that_detail_opens(deck, program):
    state = initial_state(program, 0.0)
    detail_id = deck.slides[0].details[1].id
    state = step(state, Activate(Open(detail=detail_id)), 1.0)
    assert state.view.detail == detail_id
    assert state.view.slide == 0
    assert state.last_input_at == 1.0


def test_an_open_detail_stops_auto_advance_and_back_returns_to_the_same_slide(deck, program):
    state = initial_state(program, 0.0)
    state = step(state, Activate(Open(detail=deck.slides[0].details[0].id)), 1.0)
    state = run_until(state, 40.0, t=1.0)  # well past the slide's time, but within the idle timeout
    assert state.view.detail is not None and state.index == 0
    state = step(state, Back(), 41.0)
    assert state.view.detail is None and state.index == 0
    assert state.shown_at == 41.0  # the slide gets its full time again


def test_unknown_detail_action_changes_nothing(program):
    state = initial_state(program, 0.0)
    assert step(state, Activate(Open(detail="no-such-detail")), 1.0).view.detail is None


def test_swipe_moves_and_pauses_the_loop(program):
    state = initial_state(program, 0.0)
    state = step(state, Swipe(1), 1.0)
    assert state.index == 1 and state.paused
    assert state.transition.kind == "push-next"
    state = step(state, Swipe(-1), 2.0)
    state = step(state, Swipe(-1), 3.0)
    assert state.index == len(program.entries) - 1  # wraps backwards
    assert state.transition.kind == "push-previous"
    # Paused: far past the slide time, nothing advances until the idle reset.
    state = run_until(state, 30.0, t=3.0)
    assert state.index == len(program.entries) - 1


def test_idle_reset_restores_everything_a_visitor_changed(deck, program):
    state = initial_state(program, 0.0)
    state = step(state, Swipe(1), 1.0)
    state = step(state, Activate(SetLanguage(code="es")), 2.0)
    detail = deck.slides[1].details[0].id
    state = step(state, Activate(Open(detail=detail)), 3.0)
    state = step(state, Scroll(-200, 500), 4.0)
    assert (state.language, state.view.detail, state.scroll_px, state.paused) == ("es", detail, 200, True)
    state = run_until(state, 4.0 + program.idle_timeout_s - 0.2, t=4.0)
    assert state.view.detail == detail  # not yet
    state = run_until(state, 4.0 + program.idle_timeout_s + 0.2, t=4.0 + program.idle_timeout_s - 0.2)
    assert state.language == deck.default_language
    assert state.view.detail is None
    assert state.scroll_px == 0 and not state.paused and state.last_input_at is None
    assert state.transition is not None  # it fades back rather than jumping


def test_idle_timeout_override(deck):
    program = build_program(deck, Mode.TOUCH, idle_timeout_s=5)
    state = step(initial_state(program, 0.0), Activate(SetLanguage(code="es")), 0.0)
    assert run_until(state, 4.9).language == "es"
    assert run_until(state, 5.1).language == "en"


def test_a_tap_during_a_transition_acts_on_the_incoming_slide(deck, program):
    state = initial_state(program, 0.0)
    state = step(state, Tick(), program.durations_s[0])
    assert state.transition is not None
    mid = program.durations_s[0] + 0.2
    detail = deck.slides[1].details[0].id
    state = step(state, Activate(Open(detail=detail)), mid)
    assert state.view.slide == 1 and state.view.detail == detail


def test_pressed_state_lasts_about_150_ms(program):
    state = step(initial_state(program, 0.0), Press(Open(detail="x")), 1.0)
    assert state.moving(1.0 + PRESS_S / 2)
    state = step(state, Tick(), 1.0 + PRESS_S + 0.01)
    assert state.pressed is None


def test_scroll_is_clamped_to_the_content(deck, program):
    state = step(initial_state(program, 0.0), Activate(Open(detail=deck.slides[0].details[0].id)), 0.0)
    assert step(state, Scroll(-10_000, 300), 1.0).scroll_px == 300
    assert step(state, Scroll(10_000, 300), 1.0).scroll_px == 0


def test_lobby_mode_ignores_touches_and_plays_details_in_every_language(deck):
    program = build_program(deck, Mode.LOBBY)
    assert len(program.entries) == len(deck.languages) * (
        len(deck.slides) + sum(len(s.details) for s in deck.slides)
    )
    assert program.entries[1].detail == deck.slides[0].details[0].id
    assert {e.language for e in program.entries} == set(deck.languages)
    state = initial_state(program, 0.0)
    assert step(state, Activate(SetLanguage(code="es")), 1.0) == state
    assert step(state, Swipe(1), 1.0) == state


def test_sleeping_loop_knows_its_next_deadline(program):
    state = initial_state(program, 0.0)
    assert state.next_deadline(0.0) == pytest.approx(program.durations_s[0])
    state = step(state, Activate(SetLanguage(code="es")), 1.0)
    state = step(state, Tick(), 2.0)  # fade over
    assert state.next_deadline(2.0) == pytest.approx(
        min(program.durations_s[0], 1.0 + program.idle_timeout_s)
    )


# -- typed actions, effects and the schedule ---------------------------------------------------------


def test_actions_print_as_the_readable_manifest_names():
    assert [
        str(a)
        for a in (
            Open(detail="side-effects"),
            GoBack(),
            SetLanguage(code="es"),
            ToggleLargeText(),
            PinKey(key="7"),
            PinClear(),
            PinOk(),
            AdminReload(),
            AdminExit(),
            AdminClose(),
            AdminTouchTest(),
            AdminTestPattern(),
            AdminBack(),
        )
    ] == [
        "open:side-effects",
        "back",
        "language:es",
        "text:larger",
        "pin:7",
        "pin:clear",
        "pin:ok",
        "admin:reload",
        "admin:exit",
        "admin:close",
        "admin:touch",
        "admin:pattern",
        "admin:back",
    ]
    assert Open(detail="a") == Open(detail="a") and Open(detail="a") != Open(detail="b")


def staff_state(deck):
    program = build_program(deck, Mode.TOUCH, admin_dev=True)
    return step(initial_state(program, 0.0), AdminGesture(), 1.0)


def test_reload_and_exit_on_the_staff_screen_come_back_as_effects(deck):
    state = staff_state(deck)
    assert state.admin is not None and state.admin.screen == "main"
    reloaded = step_with_effects(state, Activate(AdminReload()), 2.0)
    assert reloaded.effects == (Reload(),) and reloaded.state.admin == state.admin
    asked = step_with_effects(state, Activate(AdminExit()), 2.0)  # Exit kiosk asks first
    assert asked.effects == () and asked.state.admin is not None and asked.state.admin.screen == "exit"
    assert step_with_effects(asked.state, Activate(AdminExitConfirm()), 2.5).effects == (Exit(),)
    # A visitor's loop has no such buttons: the same actions there do nothing and ask for nothing.
    visitor = initial_state(build_program(deck, Mode.TOUCH, admin_dev=True), 0.0)
    assert step_with_effects(visitor, Activate(AdminExit()), 2.0).effects == ()
    # A visitor's action cannot reach the staff screens.
    opened = step_with_effects(state, Activate(Open(detail=deck.slides[0].details[0].id)), 2.0)
    assert opened.state.detail is None and opened.state.admin == state.admin and opened.effects == ()


def test_a_window_close_exits_only_in_development(deck, program):
    assert step_with_effects(initial_state(program, 0.0), Quit(), 1.0) == Outcome(
        state=initial_state(program, 0.0)
    )
    dev = initial_state(build_program(deck, Mode.TOUCH, admin_dev=True), 0.0)
    assert step_with_effects(dev, Quit(), 1.0).effects == (Exit(),)


def test_the_screen_going_dark_and_waking_are_display_power_effects(program):
    state = initial_state(program, 0.0)
    dark = step_with_effects(state, Schedule(open=False), 1.0)
    assert dark.state.dark and dark.effects == (DisplayPower(on=False),)
    assert step_with_effects(dark.state, Schedule(open=False), 2.0).effects == ()
    woken = step_with_effects(dark.state, Press(None), 3.0)  # a visitor touches the dark screen
    assert not woken.state.dark and woken.effects == (DisplayPower(on=True),)
    assert step(dark.state, Tick(), 4.0) == step_with_effects(dark.state, Tick(), 4.0).state


@dataclass(frozen=True)
class Rules:
    opening_hours: OpeningHours | None = None
    hide_expired: bool | None = None


MONDAY_NOON = datetime.datetime(2026, 11, 23, 12, 0)


def test_schedule_at_applies_opening_hours_show_windows_and_hidden_expired_slides(deck):
    program = build_program(deck, Mode.TOUCH)
    assert schedule_at(program, Rules(), MONDAY_NOON) == Schedule(open=True, allowed=None)
    mornings = Rules(opening_hours=OpeningHours.parse({"mon": "08:00-12:00"}))
    assert not schedule_at(program, mornings, MONDAY_NOON).open
    assert schedule_at(program, mornings, MONDAY_NOON.replace(hour=9)).open
    # The hours of a deck waiting for the slide boundary apply at once.
    closed_deck = replace(deck, hours=OpeningHours.parse({"tue": "08:00-18:00"}))
    pending = build_program(closed_deck, Mode.TOUCH)
    assert not schedule_at(program, Rules(), MONDAY_NOON, pending=pending).open
    # A slide shown only on Saturdays, and one past its review date while the clinic hides those.
    slides = list(deck.slides)
    slides[1] = replace(slides[1], show=ShowWindow.parse(["sat"], None))
    slides[2] = replace(slides[2], review=replace(slides[2].review, review_due=datetime.date(2026, 1, 1)))
    windowed = build_program(replace(deck, slides=tuple(slides)), Mode.TOUCH)
    everything_but_1 = frozenset(range(len(slides))) - {1}
    assert schedule_at(windowed, Rules(), MONDAY_NOON).allowed == everything_but_1
    assert schedule_at(windowed, Rules(hide_expired=True), MONDAY_NOON).allowed == everything_but_1 - {2}
    saturday = MONDAY_NOON + datetime.timedelta(days=5)
    assert schedule_at(windowed, Rules(), saturday).allowed is None  # every slide may play


def test_a_new_deck_and_the_schedule_reach_the_state_while_the_staff_screen_is_open(deck):
    state = staff_state(deck)
    reloaded = build_program(deck, Mode.TOUCH, version=2)
    assert step(state, NewDeck(reloaded), 2.0).pending == reloaded
    closed = step(state, Schedule(open=False), 2.0)
    assert closed.closed and closed.admin == state.admin and not closed.dark  # staff are using it
    assert step(closed, Tick(), 2.0 + state.program.idle_timeout_s).dark  # dark once they leave
