"""The state machine, driven with a fake clock: timing, taps, back, swipes, idle reset."""

from __future__ import annotations

import pytest

from kiosk.core.actions import Open, SetLanguage
from kiosk.core.intents import Activate, Back, Press, Scroll, Swipe, Tick
from kiosk.core.program import Mode, build_program, reading_time_s, visible_words
from kiosk.core.state import PRESS_S, initial_state, step


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
