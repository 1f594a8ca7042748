"""Narration (issue 18): the deck format and its checks, the reading time, and when the state
machine asks for the voice to play or stop. The sound device itself is in test_narration_sound.py."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from narration_sounds import narrated_deck, truncate, write_long_wav_header, write_mp3, write_ogg, write_wav

from kiosk.content.deck import Deck, Sound
from kiosk.content.loader import check_deck, load_deck
from kiosk.content.problems import Severity
from kiosk.content.soundfile import MAX_NARRATION_S, SoundRefused, probe_sound
from kiosk.core.actions import GoBack, Open, SetLanguage, ToggleLargeText, ToggleNarration
from kiosk.core.intents import Activate, AdminGesture, Swipe, Tick
from kiosk.core.program import Mode, build_program
from kiosk.core.state import Outcome, PlayNarration, State, StopNarration, initial_state, step_with_effects

# -- the format and its checks ---------------------------------------------------------------------


def _where(folder: Path, file: str, text: str) -> str:
    """`file:line:column` of the value after `text` in the deck's `file`."""
    lines = (folder / file).read_text(encoding="utf-8").splitlines()
    # The narration's lines are the last ones (`narration:` is appended to the slide).
    number = max(i for i, line in enumerate(lines, start=1) if text in line)
    column = lines[number - 1].index(text) + len(text) + 1
    return f"{file}:{number}:{column}"


def _shown(folder: Path, severity: Severity = Severity.ERROR) -> list[str]:
    report = check_deck(folder)
    return [p.format(relative_to=folder) for p in report.problems if p.severity is severity]


def test_a_narrated_deck_loads_with_each_languages_sound_and_its_length(tmp_path):
    deck = load_deck(narrated_deck(tmp_path, seconds=2.5, detail_seconds=4.0, lobby=True))
    slide = deck.slides[0]
    assert [(code, sound.kind, sound.duration_s) for code, sound in slide.narration] == [
        ("en", "wav", 2.5),
        ("es", "wav", 2.5),
    ]
    assert slide.details[0].narration_for("es") is not None
    assert slide.details[0].narration_for("es").duration_s == 4.0
    assert deck.narration(0, None, "es").path.name == "what-is-it-es.wav"
    assert deck.narration(1, None, "en") is None
    assert deck.lobby_narration and deck.has_narration


def test_lobby_narration_is_off_unless_deck_yaml_says_so(tmp_path):
    assert load_deck(narrated_deck(tmp_path)).lobby_narration is False


@pytest.mark.parametrize("kind", ["ogg", "mp3"])
def test_an_ogg_or_mp3_narration_is_decoded_for_its_length(tmp_path, kind):
    sound = tmp_path / f"voice.{kind}"
    (write_ogg if kind == "ogg" else write_mp3)(sound, 3.0)
    assert probe_sound(sound, kind, sound.name) == pytest.approx(3.0, abs=0.1)
    with pytest.raises(SoundRefused, match="is not an (OGG|MP3) sound"):
        probe_sound(sound, "ogg" if kind == "mp3" else "mp3", sound.name)


def test_a_missing_file_is_an_error_at_its_line_with_a_did_you_mean(tmp_path):
    folder = narrated_deck(tmp_path)
    (folder / "narration" / "what-is-it-es.wav").rename(folder / "narration" / "what-is-it-es1.wav")
    where = _where(folder, "what-is-it.yaml", "  es: ")
    assert _shown(folder) == [
        f"{where}: the sound `narration/what-is-it-es.wav` was not found in the deck folder; did you mean"
        " `narration/what-is-it-es1.wav`?"
    ]


def test_a_text_file_named_ogg_is_refused_as_text(tmp_path):
    folder = narrated_deck(tmp_path)
    (folder / "narration" / "script.ogg").write_text("Sclerotherapy is a treatment for veins.\n" * 3)
    slide = folder / "what-is-it.yaml"
    slide.write_text(
        slide.read_text().replace("en: narration/what-is-it-en.wav", "en: narration/script.ogg"),
        encoding="utf-8",
    )
    where = _where(folder, "what-is-it.yaml", "  en: ")
    assert _shown(folder) == [
        f"{where}: `narration/script.ogg` is not an OGG sound (it holds text, not sound); export the"
        " narration again as OGG, or give the file the right ending"
    ]


def test_a_wav_named_ogg_is_told_what_it_really_is(tmp_path):
    folder = narrated_deck(tmp_path)
    (folder / "narration" / "what-is-it-en.wav").rename(folder / "narration" / "voice.ogg")
    slide = folder / "what-is-it.yaml"
    slide.write_text(slide.read_text().replace("what-is-it-en.wav", "voice.ogg"), encoding="utf-8")
    assert "it is really a WAV file" in _shown(folder)[0]


def test_a_too_long_sound_is_refused_with_its_length(tmp_path):
    folder = narrated_deck(tmp_path)
    write_long_wav_header(folder / "narration" / "what-is-it-en.wav", MAX_NARRATION_S + 30)
    where = _where(folder, "what-is-it.yaml", "  en: ")
    assert _shown(folder) == [
        f"{where}: `narration/what-is-it-en.wav` lasts 5 min 30 s; a narration may last at most"
        " 5 min 00 s. Shorten it, or split it between the slide and its details"
    ]


@pytest.mark.parametrize("kind", ["wav", "ogg"])
def test_a_truncated_sound_is_refused(tmp_path, kind):
    folder = narrated_deck(tmp_path)
    sound = folder / "narration" / f"cut.{kind}"
    (write_wav if kind == "wav" else write_ogg)(sound, 2.0)
    truncate(sound)
    slide = folder / "what-is-it.yaml"
    slide.write_text(slide.read_text().replace("what-is-it-es.wav", f"cut.{kind}"), encoding="utf-8")
    where = _where(folder, "what-is-it.yaml", "  es: ")
    expected = {
        "wav": "is cut off before its end (a truncated file); copy or export it again",
        "ogg": "cannot be decoded: it is damaged or cut off; copy or export it again",
    }[kind]
    assert _shown(folder) == [f"{where}: `narration/cut.{kind}` {expected}"]


def test_an_ogg_cut_at_a_page_boundary_is_refused_too(tmp_path):
    """Cut between two Ogg pages, every page still decodes: the missing end-of-stream mark tells."""
    sound = write_ogg(tmp_path / "voice.ogg", 3.0)
    data = sound.read_bytes()
    last_page = data.rfind(b"OggS")
    sound.write_bytes(data[:last_page])
    with pytest.raises(SoundRefused, match="is cut off before its end"):
        probe_sound(sound, "ogg", "voice.ogg")


def test_a_missing_language_is_a_warning_and_that_language_has_no_sound(tmp_path):
    folder = narrated_deck(tmp_path, languages=("en",))
    report = check_deck(folder)
    assert report.errors == ()
    where = _where(folder, "what-is-it.yaml", "  ").rsplit(":", 1)[0] + ":3"  # the mapping's start
    warnings = [p.format(relative_to=folder) for p in report.warnings if "narration" in p.message]
    assert warnings == [
        f"{where}: warning: `narration` has no `es` sound, so this screen has no speaker button in es;"
        " add a line `es: ...` below `narration` when there is a recording"
    ]
    assert report.deck is not None and report.deck.narration(0, None, "es") is None


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        ("narration: narration/what-is-it-en.wav\n", "should be one sound file per language"),
        (
            "narration:\n  en: narration/voice.m4a\n  es: narration/what-is-it-es.wav\n",
            "is not an .ogg, .wav or .mp3 file",
        ),
        ("narration:\n  en: ../voice.ogg\n  es: narration/what-is-it-es.wav\n", "goes up out of the deck"),
        (
            "narration:\n  fr: narration/what-is-it-en.wav\n  es: narration/what-is-it-es.wav\n",
            "did you mean `en`",
        ),
    ],
    ids=["one-file", "m4a", "dotdot", "language"],
)
def test_other_mistakes_are_errors_with_a_fix(tmp_path, lines, message):
    folder = narrated_deck(tmp_path)
    slide = folder / "what-is-it.yaml"
    text = slide.read_text(encoding="utf-8")
    slide.write_text(text[: text.index("narration:")] + lines, encoding="utf-8")
    errors = _shown(folder)
    assert len(errors) == 1 and message in errors[0], errors
    assert errors[0].startswith("what-is-it.yaml:")


# -- reading time ------------------------------------------------------------------------------------


def _with(deck: Deck, *, slide_s: dict[str, float], detail_s: dict[str, float] | None = None) -> Deck:
    def sounds(lengths: dict[str, float]) -> tuple[tuple[str, Sound], ...]:
        return tuple((c, Sound(path=Path(f"/{c}.ogg"), kind="ogg", duration_s=s)) for c, s in lengths.items())

    first = deck.slides[0]
    details = first.details
    if detail_s is not None:
        details = (replace(details[0], narration=sounds(detail_s)), *details[1:])
    first = replace(first, narration=sounds(slide_s), details=details)
    return replace(deck, slides=(first, *deck.slides[1:]))


def test_reading_time_is_at_least_the_narration_in_the_language_on_screen(deck):
    plain = build_program(deck, Mode.TOUCH)
    narrated = build_program(_with(deck, slide_s={"en": 55.0, "es": 3.0}), Mode.TOUCH)
    assert narrated.duration_s(0, "en") == 55.0  # longer than max_slide_s: the voice is not cut
    assert narrated.duration_s(0, "es") == plain.duration_s(0, "es")  # shorter: reading time stands
    assert narrated.duration_s(1, "en") == plain.duration_s(1, "en")
    silent = build_program(_with(deck, slide_s={"en": 55.0}), Mode.TOUCH, narration=False)
    assert silent.duration_s(0, "en") == plain.duration_s(0, "en")  # switched off: no voice to wait for


def test_a_set_duration_is_stretched_to_the_narration_too(deck):
    fixed = replace(deck, slides=(replace(deck.slides[0], duration_s=5.0), *deck.slides[1:]))
    assert build_program(_with(fixed, slide_s={"en": 9.0}), Mode.TOUCH).duration_s(0, "en") == 9.0


def test_in_lobby_a_screen_split_into_pages_lasts_at_least_its_narration(deck):
    narrated = _with(deck, slide_s={"en": 40.0, "es": 40.0}, detail_s={"en": 70.0, "es": 70.0})
    detail_id = deck.slides[0].details[0].id

    def pages(index: int, detail: str | None, language: str) -> tuple[int, ...]:
        return (20, 20, 20) if detail == detail_id else (10,)

    program = build_program(narrated, Mode.LOBBY, pages=pages)
    for language in deck.languages:
        for detail, spoken in ((None, 40.0), (detail_id, 70.0)):
            total = sum(
                d
                for e, d in zip(program.entries, program.durations_s, strict=True)
                if e.slide == 0 and e.detail == detail and e.language == language
            )
            assert total >= spoken


# -- the state machine ---------------------------------------------------------------------------


def _touch(deck: Deck, seconds: float = 20.0) -> State:
    program = build_program(_with(deck, slide_s={"en": seconds, "es": seconds}), Mode.TOUCH)
    return initial_state(program, 0.0)


def _after(state: State, *steps: tuple[object, float]) -> tuple[State, list[object]]:
    effects: list[object] = []
    for intent, now in steps:
        outcome: Outcome = step_with_effects(state, intent, now)  # type: ignore[arg-type]
        state = outcome.state
        effects += outcome.effects
    return state, effects


def test_the_speaker_button_plays_the_screens_narration_and_a_second_tap_stops_it(deck):
    state = _touch(deck)
    assert state.view.narration == "ready"
    state, effects = _after(state, (Activate(ToggleNarration()), 1.0))
    assert state.view.narration == "playing"
    assert effects == [PlayNarration(sound=state.program.deck.narration(0, None, "en"))]
    state, effects = _after(state, (Activate(ToggleNarration()), 2.0))
    assert state.view.narration == "ready" and effects == [StopNarration()]


@pytest.mark.parametrize(
    "change",
    [
        Activate(SetLanguage(code="es")),
        Swipe(1),
        Activate(Open(detail="spider-veins")),
        AdminGesture(),
    ],
    ids=["language", "swipe", "open-detail", "staff"],
)
def test_the_narration_stops_when_the_screen_or_language_changes(deck, change):
    state = _touch(deck)
    state = replace(state, program=replace(state.program, admin_dev=True))  # the gesture opens staff
    state, _ = _after(state, (Activate(ToggleNarration()), 1.0))
    state, effects = _after(state, (change, 2.0))
    assert effects == [StopNarration()]
    assert state.narrating is None


def test_the_narration_stops_at_the_idle_reset_even_on_the_same_screen(deck):
    state, _ = _after(_touch(deck, seconds=200.0), (Activate(ToggleNarration()), 1.0))
    timeout = state.program.idle_timeout_s
    state, effects = _after(state, (Tick(), 1.0 + timeout - 0.1))
    assert effects == [] and state.view.narration == "playing"
    state, effects = _after(state, (Tick(), 1.0 + timeout + 0.1))
    assert effects == [StopNarration()] and state.view.narration == "ready"
    assert (state.view.slide, state.view.detail) == (0, None)


def test_larger_text_keeps_the_narration_going(deck):
    state, _ = _after(_touch(deck), (Activate(ToggleNarration()), 1.0))
    state, effects = _after(state, (Activate(ToggleLargeText()), 2.0))
    assert effects == [] and state.view.narration == "playing"


def test_at_its_end_the_button_turns_back_and_the_loop_wakes_for_it(deck):
    state, _ = _after(_touch(deck, seconds=20.0), (Activate(ToggleNarration()), 1.0))
    assert state.next_deadline(1.0) == 21.0
    state, effects = _after(state, (Tick(), 21.0))
    assert state.view.narration == "ready" and effects == [StopNarration()]


def test_a_detail_has_its_own_narration_and_back_stops_it(deck):
    program = build_program(_with(deck, slide_s={"en": 9.0}, detail_s={"en": 4.0}), Mode.TOUCH)
    state, _ = _after(
        initial_state(program, 0.0), (Activate(Open(detail="spider-veins")), 1.0), (Tick(), 2.0)
    )
    state, effects = _after(state, (Activate(ToggleNarration()), 3.0))
    assert effects == [PlayNarration(sound=program.deck.narration(0, "spider-veins", "en"))]
    state, effects = _after(state, (Activate(GoBack()), 4.0))
    assert effects == [StopNarration()]


def _lobby_effects(deck: Deck, *, lobby_narration: bool, until_s: float) -> list[tuple[float, object]]:
    narrated = replace(_with(deck, slide_s={"en": 5.0, "es": 5.0}), lobby_narration=lobby_narration)
    state = initial_state(build_program(narrated, Mode.LOBBY), 0.0)
    seen: list[tuple[float, object]] = []
    now = 0.0
    while now < until_s:
        outcome = step_with_effects(state, Tick(), now)
        state = outcome.state
        seen += [(now, effect) for effect in outcome.effects]
        now += 0.5
    return seen


def test_lobby_plays_the_narration_by_itself_only_where_deck_yaml_says_so(deck):
    assert _lobby_effects(deck, lobby_narration=False, until_s=120.0) == []
    seen = _lobby_effects(deck, lobby_narration=True, until_s=120.0)
    plays = [(now, effect) for now, effect in seen if isinstance(effect, PlayNarration)]
    assert plays and plays[0][0] == 0.0  # the first screen is the narrated slide: it speaks at once
    assert plays[0][1].sound.path == Path("/en.ogg")
    # Played once as the screen comes up, stopped as it ends (5 s), never again in the same pass.
    assert [type(effect).__name__ for now, effect in seen if now < 60] == ["PlayNarration", "StopNarration"]
    assert next(now for now, effect in seen if isinstance(effect, StopNarration)) == 5.0


def test_lobby_stays_silent_when_the_local_settings_switch_narration_off(deck):
    narrated = replace(_with(deck, slide_s={"en": 5.0}), lobby_narration=True)
    state = initial_state(build_program(narrated, Mode.LOBBY, narration=False), 0.0)
    assert step_with_effects(state, Tick(), 0.0).effects == ()


# -- the guide -----------------------------------------------------------------------------------


def _ogg(path: Path) -> Path:
    return write_ogg(path, 2.0)


def _wav(path: Path) -> Path:
    return write_wav(path, 2.0)


_BOTH_OGG = "narration:\n  en: narration/what-is-it-en.ogg\n  es: narration/what-is-it-es.ogg\n"


def _text_file(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("Hola, esto es el texto de la narración.\n" * 5, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("files", "lines"),
    [
        ({"what-is-it-en.ogg": _ogg, "what-is-it-es.ogg": _text_file}, _BOTH_OGG),
        ({"what-is-it-en.ogg": _wav, "what-is-it-es.ogg": _ogg}, _BOTH_OGG),
        (
            {"what-is-it-en.ogg": lambda p: truncate(write_ogg(p, 4.0)), "what-is-it-es.ogg": _ogg},
            _BOTH_OGG,
        ),
        (
            {"what-is-it-en.wav": lambda p: write_long_wav_header(p, 360.0), "what-is-it-es.ogg": _ogg},
            "narration:\n  en: narration/what-is-it-en.wav\n  es: narration/what-is-it-es.ogg\n",
        ),
        ({"what-is-it-en.ogg": _ogg}, "narration:\n  en: narration/what-is-it-en.ogg\n"),
    ],
    ids=["text", "wav-named-ogg", "cut-off", "too-long", "one-language"],
)
def test_the_editing_guide_shows_what_the_checker_says_about_each_bad_file(tmp_path, files, lines):
    """docs/editing.md shows these messages for files its examples cannot make: they must be true."""
    from conftest import REPO, SLIDES

    workspace = tmp_path / "work"
    shutil.copytree(SLIDES, workspace / "slides")
    for name, make in files.items():
        path = workspace / "slides" / "narration" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        make(path)
    slide = workspace / "slides" / "what-is-it.yaml"
    slide.write_text(slide.read_text(encoding="utf-8") + lines, encoding="utf-8")
    report = check_deck(workspace / "slides")
    said = [p.format(relative_to=workspace) for p in report.problems if "narration" in p.message]
    guide = (REPO / "docs" / "editing.md").read_text(encoding="utf-8")
    assert said and all(f"\n{line}\n" in guide for line in said), said


# -- hot reload --------------------------------------------------------------------------------------


def test_a_replaced_recording_is_checked_again_by_the_hot_reload(tmp_path):
    """The reloader watches the whole deck folder, so a new recording (same name) is probed again:
    a longer one gives the new length, and a broken one is refused with the deck kept."""
    from kiosk.runtime.reload import Reloader

    folder = narrated_deck(tmp_path, seconds=2.0)
    reloader = Reloader(folder, check_deck, current=load_deck(folder), executor=None, quiet_s=0.0, poll_s=0.0)
    sound = folder / "narration" / "what-is-it-en.wav"

    def reload(now: float):
        assert reloader.poll(now) is None  # the change is seen...
        return reloader.poll(now + 1)  # ...and loaded once the folder is quiet

    write_wav(sound, 3.0)
    report = reload(10.0)
    assert report is not None and report.deck is not None
    assert report.deck.narration(0, None, "en").duration_s == 3.0
    truncate(sound)
    report = reload(20.0)
    assert report is not None and report.deck is None
    assert any("is cut off before its end" in p.message for p in report.errors)


def test_without_the_decoder_an_ogg_is_refused_with_a_message_not_a_traceback(tmp_path, monkeypatch):
    import sys

    sound = write_ogg(tmp_path / "voice.ogg", 1.0)
    monkeypatch.setitem(sys.modules, "av", None)  # `import av` now raises ImportError
    with pytest.raises(SoundRefused, match="has no decoder for OGG"):
        probe_sound(sound, "ogg", "voice.ogg")


def test_the_speaker_buttons_words_are_asked_for_only_in_a_narrated_deck(tmp_path):
    """A Dutch deck (no built-in words) that gives all the other labels: silent without narration,
    a warning naming listen and stop with one."""
    from test_labels import deck_folder

    others = "".join(
        f"    {key}: nl-{key}\n" for key in ("hint", "back", "more", "scan", "tagline", "contents")
    )
    others += (
        "    page: Pagina {n} van {total}\n    staff_pin: PIN\n    clear: Wissen\n    cancel: Annuleren\n"
    )
    deck_yaml = (
        "title: {en: Guide, nl: Gids}\nlanguages: [en, nl]\nlabels:\n  nl:\n" + others + "slides: [one]\n"
    )
    folder = deck_folder(tmp_path, deck_yaml, ("en", "nl"))

    def label_warnings() -> list[str]:
        return [p.message for p in check_deck(folder).warnings if "words for" in p.message]

    assert label_warnings() == []
    write_wav(folder / "narration" / "one-en.wav", 1.0)
    write_wav(folder / "narration" / "one-nl.wav", 1.0)
    one = folder / "one.yaml"
    one.write_text(
        one.read_text() + "narration:\n  en: narration/one-en.wav\n  nl: narration/one-nl.wav\n",
        encoding="utf-8",
    )
    warnings = label_warnings()
    assert len(warnings) == 1 and "no `nl` words for listen, stop," in warnings[0]


def test_the_local_settings_hold_the_master_switch_and_the_volume(tmp_path, deck):
    from kiosk.content.problems import ContentError
    from kiosk.runtime.settings import read_local_settings, settings_for

    file = tmp_path / "settings.yaml"
    file.write_text("narration: false\nnarration_volume_percent: 35\n", encoding="utf-8")
    settings = settings_for(deck, local=read_local_settings(file))
    assert (settings.narration, settings.narration_volume_percent) == (False, 35)
    assert settings.program(_with(deck, slide_s={"en": 5.0}), version=1).view(0, "en").narration == ""
    default = settings_for(deck)
    assert (default.narration, default.narration_volume_percent) == (True, 80)
    file.write_text("narration_volume_percent: 150\n", encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        read_local_settings(file)
    assert (
        caught.value.problems[0].line == 1 and "narration_volume_percent" in caught.value.problems[0].message
    )
