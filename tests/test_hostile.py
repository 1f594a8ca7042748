"""Hostile content: every case in tests/fixtures/hostile/ gives a located `file:line:column` problem
(or, for content that is only hostile when drawn, draws with a placeholder), and never a
traceback, a hang or runaway memory.

The corpus is described in tests/fixtures/hostile/make_corpus.py (what each case is, and what
must happen). Each case is checked twice:

- in a child process (tests/fixtures/hostile/run_corpus.py): a case that hangs is killed after
  30 s and fails, and the child's own peak memory must stay under 300 MB. Times are measured and
  printed in docs/reliability.md, not asserted;
- in this process, with `check_deck` (and `Stage` for the render cases), for the exact problems.

Clips and narration (issue 18) are also played where a case is drawn (the frame shows the clip's
frames, or keeps its poster or placeholder; the voice sounds or stays silent), and every refused
`video-`, `captions-` and `narration-` case is swapped in as a release under a running kiosk,
which must keep its deck on screen.

The regression tests at the end are named after the crashes this corpus found.
"""

from __future__ import annotations

import datetime
import importlib.util
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pygame
import pytest

from kiosk.content.deck import Image
from kiosk.content.loader import DEFAULT_ASSETS, check_deck
from kiosk.core.theme import THEMES
from kiosk.layout.items import Box, ScreenLayout, TextLine
from kiosk.render.painter import Fonts, Painter, Pictures

REPO = Path(__file__).resolve().parent.parent
HOSTILE = REPO / "tests" / "fixtures" / "hostile"
TODAY = datetime.date(2026, 1, 1)
PEAK_MB_LIMIT = 300
CASE_TIMEOUT_S = 30
BACKGROUND = THEMES["warm"].rgb("background")


def _module(name: str):
    if name in sys.modules:
        return sys.modules[name]
    if str(HOSTILE) not in sys.path:
        sys.path.insert(0, str(HOSTILE))
    spec = importlib.util.spec_from_file_location(name, HOSTILE / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    return module


corpus = _module("make_corpus")
CASES = corpus.CASES
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


@pytest.fixture(scope="module")
def results() -> dict[str, dict]:
    """Every case, each checked in its own child process (one run of run_corpus.py)."""
    env = {**os.environ, "SDL_VIDEODRIVER": "dummy", "SDL_AUDIODRIVER": "dummy", "PYTHONPATH": str(REPO)}
    command = [sys.executable, str(HOSTILE / "run_corpus.py"), "--json", "--timeout", str(CASE_TIMEOUT_S)]
    done = subprocess.run(
        command, capture_output=True, text=True, timeout=CASE_TIMEOUT_S * len(CASES) + 120, env=env, cwd=REPO
    )
    try:
        listed = json.loads(done.stdout)
    except json.JSONDecodeError:
        pytest.fail(f"run_corpus.py gave no results (exit {done.returncode}):\n{done.stderr[-3000:]}")
    return {result["name"]: result for result in listed}


def _split(problems: list[tuple[str, str, str]]) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(severity, where, message) -> (errors, warnings) as (where, message)."""
    errors = [(where, message) for severity, where, message in problems if severity == "error"]
    warnings = [(where, message) for severity, where, message in problems if severity == "warning"]
    return errors, warnings


def _assert_expected(case, problems: list[tuple[str, str, str]]) -> None:
    errors, warnings = _split(problems)
    for found, expected, kind in ((errors, case.errors, "errors"), (warnings, case.warnings, "warnings")):
        assert [where for where, _ in found] == [where for where, _ in expected], (
            f"{case.name}: {kind} at {found}"
        )
        for (where, message), (_, fragment) in zip(found, expected, strict=True):
            assert fragment in message, f"{case.name}: {where}: {message!r} should say {fragment!r}"


def _assert_drawn(case, render: dict) -> None:
    """Every screen drew: cream-ish frame, ink in the title row, no screen replaced by a blank one."""
    assert render["screens"], f"{case.name}: nothing was drawn"
    assert not [line for line in render["log"] if "plain placeholder" in line or "[traceback]" in line], (
        render["log"]
    )
    for screen in render["screens"]:
        where = f"{case.name} {screen['view']}"
        assert all(abs(a - b) <= 40 for a, b in zip(screen["average"], BACKGROUND, strict=True)), (
            f"{where}: average colour {screen['average']} is not the background"
        )
        assert screen["title_lines"] >= 1 and screen["title_ink_px"] > 0, f"{where}: no ink in the title row"
        if screen["detail"] is None and case.placeholder:
            assert screen["pictures"] and all(share < 0.01 for share in screen["pictures"]), (
                f"{where}: the picture should be the plain sand circle, got {screen['pictures']}"
            )
        if screen["detail"] is None and case.picture:
            assert screen["pictures"] and all(share > 0.05 for share in screen["pictures"]), (
                f"{where}: the picture should be drawn, got {screen['pictures']}"
            )
    _assert_played(case, render)


def _close(colour: list[int], expected: tuple[int, int, int], tolerance: int = 16) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(colour, expected, strict=True))


def _assert_played(case, render: dict) -> None:
    """Issue 18's kinds on screen: a clip that plays replaces its poster with its frames; one that
    cannot leaves the poster (or placeholder) exactly as painted; a narration sounds, or stays
    silent when its file went bad, and stops when told. No decoding thread outlives its close."""
    clips = [screen["clip"] for screen in render["screens"] if screen.get("clip")]
    voices = [screen["voice"] for screen in render["screens"] if screen.get("voice")]
    assert bool(clips) is bool(case.clip), f"{case.name}: clips played {clips}"
    assert bool(voices) is bool(case.voice), f"{case.name}: narrations played {voices}"
    for clip in clips:
        assert "no_picture_frame" not in clip, f"{case.name}: the screen has no picture frame to play in"
        assert not clip["thread_alive_after_close"], f"{case.name}: the decoding thread outlived its close"
        if case.clip == "frames":
            assert clip["frames"] > 0 and not clip["failed"], f"{case.name}: {clip}"
            assert _close(clip["centre_after"], corpus.CLIP_GREY), f"{case.name}: the clip's frame: {clip}"
        else:
            assert clip["frames"] == 0 and clip["failed"], f"{case.name}: {clip}"
            assert clip["centre_after"] == clip["centre_before"], f"{case.name}: the poster was drawn over"
        if case.make is corpus.make_video_with_poster:  # the poster picture was up before the clip
            assert _close(clip["centre_before"], corpus.POSTER_TEAL), f"{case.name}: {clip}"
    for voice in voices:
        assert voice["mixer"], f"{case.name}: no mixer (SDL_AUDIODRIVER=dummy should give one)"
        assert not voice["busy_after_stop"], f"{case.name}: still sounding after stop"
        assert (voice["playing"] and voice["busy"]) is (case.voice == "sounds"), f"{case.name}: {voice}"
    if case.voice == "silent":  # said once, in words, without a traceback
        assert len([line for line in render["log"] if "cannot play" in line]) == 1, render["log"]
    if case.clip == "poster":
        assert [line for line in render["log"] if "its poster stays on screen" in line], render["log"]


# -- every case, in a child process ------------------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_case_is_handled_in_bounded_time_and_memory(case, results):
    result = results[case.name]
    if result["status"] == "skipped":
        pytest.skip(result["reason"])
    assert result["status"] == "ok", f"{case.name}: {result.get('reason') or result.get('traceback')}"
    assert result["peak_mb"] < PEAK_MB_LIMIT, f"{case.name}: peak memory {result['peak_mb']} MB"
    _assert_expected(case, [(p["severity"], p["where"], p["message"]) for p in result["problems"]])
    assert result["deck_ok"] is (not case.errors)
    assert result["pwned"] == [], "a tag ran a command"  # python-tag would `touch pwned` in the cwd
    if case.render:
        _assert_drawn(case, result["render"])


def test_the_unreadable_case_is_really_unreadable(results):
    """As root, mode 000 stops nothing: the child drops to user nobody so that the case is real."""
    result = results["unreadable"]
    if result["status"] == "skipped":
        pytest.skip(result["reason"])
    assert result["user"] != 0


# -- every case, in this process -----------------------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_case_in_process(case, results, tmp_path):
    result = results[case.name]
    if result["status"] not in ("ok", "skipped"):
        pytest.skip(
            f"failed in the child process ({result['status']}); not run here, where a hang would stop the"
            " test run"
        )
    if case.unreadable and IS_ROOT:
        pytest.skip(
            "running as root: mode 000 does not stop root from reading, so this process cannot see the case"
            " (the child-process run checks it as user nobody)"
        )
    deck = corpus.build(case, tmp_path / "deck")
    report = check_deck(deck, assets=DEFAULT_ASSETS, today=TODAY)
    _assert_expected(
        case,
        [
            (p.severity.value, p.format(relative_to=deck).split(": ", 1)[0], p.message)
            for p in report.problems
        ],
    )
    assert (report.deck is not None) is (not case.errors)
    if case.render and case.name not in ("svg-slow", "png-idat-bomb"):
        # (Those two leave a decoder thread busy for a long while; the child-process run draws them.)
        if case.after_check is not None:
            case.after_check(deck)
        renderer = _module("run_corpus")
        _assert_drawn(case, renderer._render(report.deck, quit=False))


# -- issue 18's kinds under hot reload: a refused release never replaces the deck on screen -------

MEDIA_SWAPS = [  # every refused one, and two valid controls (which must be taken)
    case
    for case in CASES
    if case.name.startswith(("video-", "captions-", "narration-"))
    and (case.errors or case.name in ("video-ok", "narration-ok"))
]


@pytest.mark.parametrize("case", MEDIA_SWAPS, ids=lambda case: case.name)
def test_a_refused_clip_captions_or_narration_never_replaces_the_deck_on_screen(case, tmp_path):
    """The running kiosk on the base deck; a sync swaps `current` to a release holding the case.
    The reload names each problem at its file:line:column, and the base deck stays on screen (a
    valid release is taken at the next slide boundary instead)."""
    from kiosk.runtime.app import Kiosk
    from kiosk.runtime.reload import Reloader, content_loader
    from kiosk.runtime.settings import Settings

    good = corpus.build(corpus.BY_NAME["base"], tmp_path / "releases" / "good")
    bad = corpus.build(case, tmp_path / "releases" / "bad")
    current = tmp_path / "current"
    current.symlink_to(good)
    deck = check_deck(current, assets=DEFAULT_ASSETS, today=TODAY).deck
    assert deck is not None
    pygame.display.init()
    display = pygame.display.set_mode((1280, 720))
    clock = [0.0]
    reloader = Reloader(current, content_loader(DEFAULT_ASSETS), current=deck, quiet_s=0, poll_s=0)
    kiosk = Kiosk(deck, Settings(idle_timeout_s=20), display, clock=lambda: clock[0], reloader=reloader)
    try:
        kiosk.tick()
        (tmp_path / "next").symlink_to(bad)
        os.replace(tmp_path / "next", current)  # the atomic swap of a release
        for _ in range(4):
            clock[0] += 1.0
            kiosk.tick()
        assert reloader.loads >= 1, "the swap was never loaded"
        errors = [
            (p.format(relative_to=bad).split(": ", 1)[0], p.message)
            for p in reloader.problems
            if p.severity.value == "error"
        ]
        _assert_expected(case, [("error", where, message) for where, message in errors])
        if not case.errors:
            assert kiosk.state.pending is not None or kiosk.state.program.deck is not deck
            return
        shown = kiosk.state.program.deck
        assert shown is deck and kiosk.state.pending is None
        assert shown.slides[0].video is None and shown.slides[0].narration == ()
        assert kiosk.video.player is None  # nothing of the refused release plays
        band = pygame.transform.average_color(display, pygame.Rect(0, 330, 1280, 60))
        assert _close(list(band[:3]), BACKGROUND, 40), f"the frame is not the deck's background: {band}"
    finally:
        kiosk.video.close()
        kiosk.narrator.close()


# -- the command line ------------------------------------------------------------------------------


def _validate(case_name: str, tmp_path: Path) -> subprocess.CompletedProcess:
    deck = corpus.build(corpus.BY_NAME[case_name], tmp_path / "deck")
    # A strict UTF-8 stdout, as in any UTF-8 desktop locale (the C locale would escape instead).
    env = {**os.environ, "PYTHONPATH": str(REPO), "PYTHONIOENCODING": "utf-8"}
    return subprocess.run(
        [sys.executable, "-m", "kiosk", "validate", "."],
        cwd=deck,
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )


@pytest.mark.parametrize("name", ["billion-laughs", "file-50mb", "python-tag", "svg-million-nodes"])
def test_validate_command_reports_the_line_and_exits_1(name, tmp_path):
    case = corpus.BY_NAME[name]
    done = _validate(name, tmp_path)
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    lines = done.stderr.splitlines()
    where, fragment = case.errors[0]
    assert lines[0].startswith(f"{where}: ") and fragment in lines[0], lines
    assert lines[-1].startswith(f"{len(case.errors)} error(s)")


# -- regressions: each is a crash (or hang, or runaway) this corpus found --------------------------


def test_regression_escaped_surrogate_does_not_crash_validate(tmp_path):
    """`"Cor\\ud83dto"` (half an emoji) passed the checks; the fit check then raised
    UnicodeEncodeError and `kiosk validate` printed a traceback."""
    done = _validate("escaped-surrogate", tmp_path)
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    assert done.stderr.splitlines()[0].startswith(
        "one.yaml:8:7: this text contains the invisible character U+D83D"
    )


def test_regression_wav_chunk_running_past_the_end_does_not_crash_validate(tmp_path):
    """A WAV whose first chunk says it runs past the end of the file (found by fuzzing the
    narration): `wave` raised a bare RuntimeError, and `kiosk validate` printed a traceback."""
    done = _validate("narration-wav-chunk-overrun", tmp_path)
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    assert done.stderr.splitlines()[:2] == [
        f"one.yaml:{line}:7: `voice.wav` is damaged: a part of it says it runs past the end of the file;"
        " export it again as 16-bit PCM WAV or as OGG Vorbis"
        for line in (19, 20)
    ]


def test_regression_clip_in_an_unknown_codec_does_not_crash_validate(tmp_path):
    """A clip whose codec FFmpeg has no decoder for (found by fuzzing the clip's bytes): PyAV gives
    the stream no codec context, and the probe raised AttributeError: a traceback."""
    done = _validate("video-unknown-codec", tmp_path)
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    assert done.stderr.splitlines()[0].startswith(
        "one.yaml:18:8: `clip.mp4` has its picture coded in a way the kiosk cannot decode (no decoder for"
        " it); convert it to an H.264 MP4"
    )


def test_regression_non_utf8_slide_file_name_does_not_crash_validate(tmp_path):
    """A stray `caf\\xe9.yaml` made the "not in the slides list" warning unprintable: a traceback
    on a UTF-8 terminal (stdout is strict there)."""
    done = _validate("non-utf8-name", tmp_path)
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    assert done.stdout.splitlines()[0].startswith(
        "caf\ufffd.yaml:1:1: warning: this slide is not in the `slides` list"
    )


def test_regression_escaped_nul_in_a_title_is_an_error_not_a_blank_screen(tmp_path):
    """`title: "On\\0e"` was valid; font.render then raised and the whole slide was drawn blank."""
    deck = corpus.build(corpus.BY_NAME["escaped-nul"], tmp_path / "deck")
    report = check_deck(deck, assets=DEFAULT_ASSETS, today=TODAY)
    assert report.deck is None
    assert [p.format(relative_to=deck) for p in report.errors] == [
        "one.yaml:4:7: this text contains the invisible character U+0000, written as an escape (like \\0,"
        " \\x07 or \\ud800); the kiosk cannot show it. Delete the escape"
    ]


def test_regression_zero_width_line_does_not_blank_the_screen():
    """A text of zero-width characters made SDL_ttf raise "Text has zero width", and the stage
    replaced the whole screen with a blank one. The loader now refuses such a text, but a line can
    still wrap down to one zero-width character, so the painter skips it."""
    pygame.display.init()
    pygame.display.set_mode((400, 200))
    lines = (
        TextLine("\u200b\ufeff", Box(10, 10, 380, 60), 40, True, "teal", 0),
        TextLine("Visible", Box(10, 100, 380, 60), 40, True, "teal", 0),
    )
    base, _ = Painter(Fonts(), Pictures()).paint(ScreenLayout(400, 200, lines, ()), THEMES["warm"])
    ink = pygame.mask.from_threshold(
        base.subsurface(pygame.Rect(10, 100, 380, 60)), BACKGROUND, (48, 48, 48, 255)
    )
    assert ink.count() < 380 * 60  # the second line is drawn


def test_regression_zero_width_only_text_is_refused(tmp_path):
    deck = corpus.build(corpus.BY_NAME["zero-width-text"], tmp_path / "deck")
    assert [
        p.format(relative_to=deck) for p in check_deck(deck, assets=DEFAULT_ASSETS, today=TODAY).errors
    ] == [
        "one.yaml:7:7: the text holds only invisible characters (like U+200B, a zero-width space), so"
        " nothing would show; write something or remove the key"
    ]


def test_regression_million_item_list_is_refused_before_composing(tmp_path, monkeypatch):
    """A 1 MiB `[a,a,a,...]` was composed into 524,280 nodes (44 s, 360 MB) before the builder
    refused it, with a message that blamed aliases it did not have."""
    import kiosk.content.document

    real_compose = kiosk.content.document.yaml.compose

    def compose(text, *args, **kwargs):
        assert len(text) < 100_000, "composed a node tree for a file that holds far too many values"
        return real_compose(text, *args, **kwargs)

    monkeypatch.setattr(kiosk.content.document.yaml, "compose", compose)
    deck = corpus.build(corpus.BY_NAME["many-values-1mib"], tmp_path / "deck")
    errors = [p.format(relative_to=deck) for p in check_deck(deck, assets=DEFAULT_ASSETS, today=TODAY).errors]
    assert errors == [
        "one.yaml:2:39997: the file holds more than 20,000 values (keys, texts and list items); a slide"
        " needs a few hundred. Remove what does not belong in it"
    ]


def test_regression_png_8192_square_is_never_decoded(tmp_path, monkeypatch):
    """8192 x 8192 is allowed a side; the 257 KB file took 560 MB to decode and scale."""
    deck = corpus.build(corpus.BY_NAME["png-8192-bomb"], tmp_path / "deck")
    small = tmp_path / "small.png"
    pygame.image.save(pygame.Surface((8, 8)), str(small))
    decoded: list[str] = []
    real_load = pygame.image.load
    monkeypatch.setattr(
        pygame.image, "load", lambda path, *rest: decoded.append(Path(path).name) or real_load(path, *rest)
    )
    pictures = Pictures()
    assert pictures.get(Image(deck / "big.png", "png"), (500, 500)) is None
    assert pictures.get(Image(small, "png"), (500, 500)) is not None
    assert decoded == ["small.png"]


def test_regression_slow_picture_gives_a_placeholder_within_the_budget(tmp_path, monkeypatch):
    """A 39 KB SVG took 5-7 s to rasterise (20,000 circles: 100 s), a 1 MB PNG 7 s, all in the
    frame loop: the systemd watchdog killed the kiosk, which hung again on the same slide."""
    drawing = tmp_path / "slow.svg"
    drawing.write_text('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"/>\n')
    calls: list[tuple[int, int]] = []
    finished: list[tuple[int, int]] = []
    release = threading.Event()

    def slow_decode(path, size):
        calls.append(size)
        release.wait(60)  # busy until the test has looked (SDL_image's decoders let go of the GIL too)
        finished.append(size)
        return pygame.Surface(size)

    monkeypatch.setattr(pygame.image, "load_sized_svg", slow_decode)
    pictures = Pictures(decode_budget_s=0.2)
    try:
        # Each call returns the placeholder while the decoder is still busy: the frame loop never
        # waits for a slow picture. (A call that waited would hang for 60 s, then get a picture.)
        assert pictures.get(Image(drawing, "svg"), (300, 300)) is None
        assert pictures.get(Image(drawing, "svg"), (200, 200)) is None  # another size: not tried again
        assert calls == [(300, 300)] and finished == []
        os.utime(drawing, ns=(time.time_ns() + 10**9, time.time_ns() + 10**9))  # a new version of the file
        assert pictures.get(Image(drawing, "svg"), (100, 100)) is None
        assert finished == []
    finally:
        release.set()
    assert calls == [(300, 300), (100, 100)]


def test_regression_a_picture_fixed_in_place_is_drawn_again(tmp_path):
    """A broken picture was cached as a placeholder by path and size, so replacing the file with a
    good one (which the hot reload notices) still showed the placeholder until a restart."""
    deck = corpus.build(corpus.BY_NAME["png-truncated"], tmp_path / "deck")
    picture = Image(deck / "trunc.png", "png")
    pictures = Pictures()
    assert pictures.get(picture, (120, 120)) is None
    pygame.image.save(pygame.Surface((64, 64)), str(deck / "trunc.png"))
    os.utime(deck / "trunc.png", ns=(time.time_ns() + 10**9, time.time_ns() + 10**9))
    assert pictures.get(picture, (120, 120)) is not None


def test_regression_slide_file_linked_out_of_the_deck_is_refused(tmp_path):
    """A slide file may be a link, but one to outside the deck folder was read and shown."""
    deck = corpus.build(corpus.BY_NAME["slide-symlink-out"], tmp_path / "deck")
    report = check_deck(deck, assets=DEFAULT_ASSETS, today=TODAY)
    assert report.deck is None
    assert [p.format(relative_to=deck) for p in report.errors] == [
        "one.yaml:1:1: one.yaml is a link that points outside the deck folder"
        f" ({(tmp_path / 'outside' / 'one.yaml').resolve()}); copy the file into the deck folder instead"
    ]


def test_a_slide_file_linked_inside_the_deck_is_fine(tmp_path):
    deck = corpus.build(corpus.CASES[0], tmp_path / "deck")
    (deck / "one.yaml").rename(deck / "real-one.yaml.txt")
    os.symlink("real-one.yaml.txt", deck / "one.yaml")
    assert check_deck(deck, assets=DEFAULT_ASSETS, today=TODAY).problems == ()


# -- the corpus itself -----------------------------------------------------------------------------


def test_committed_corpus_files_are_small():
    """Big files are generated at test time (make_corpus.py), never committed."""
    big = [
        (path, path.stat().st_size)
        for path in HOSTILE.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts and path.stat().st_size > 64 * 1024
    ]
    assert big == []


def test_every_case_is_in_docs_reliability():
    text = (REPO / "docs" / "reliability.md").read_text(encoding="utf-8")
    assert [case.name for case in CASES if f"`{case.name}`" not in text] == []
    # The deck folder deleted while the kiosk runs, then restored, is covered there:
    assert "def test_the_deck_folder_deleted_and_restored(" in (
        REPO / "tests" / "test_unattended.py"
    ).read_text(encoding="utf-8")
