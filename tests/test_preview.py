"""`kiosk preview`, driven headless with a fake clock: a saved edit shows within a second, a broken
edit leaves the last good picture under a panel naming the error, and keys reach every screen."""

from __future__ import annotations

import os
import re
import shutil
from dataclasses import replace
from pathlib import Path

import pygame
import pytest
from conftest import SLIDES

from kiosk.cli import main
from kiosk.content.loader import check_deck
from kiosk.core.legibility import Viewing
from kiosk.core.program import Mode, build_program
from kiosk.core.state import initial_state
from kiosk.core.theme import THEMES
from kiosk.layout.validation import full_report
from kiosk.render.export import export, screen_views
from kiosk.render.painter import Fonts
from kiosk.render.stage import Stage, screen_pages
from kiosk.tools.preview import SIZES, Preview, ScreenRef

WINDOW = (1280, 800)


@pytest.fixture(scope="module", autouse=True)
def display():
    pygame.display.init()
    pygame.font.init()
    pygame.display.set_mode((1, 1))


@pytest.fixture(scope="module")
def fonts() -> Fonts:
    """Shared by the tests, so its width cache makes each full fit check quick."""
    return Fonts()


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    deck = tmp_path / "slides"
    shutil.copytree(SLIDES, deck)
    return deck


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def preview(folder: Path, clock: Clock, fonts: Fonts, tmp_path: Path) -> Preview:
    shown = Preview(folder, pygame.Surface(WINDOW), clock=clock, fonts=fonts, out=tmp_path / "png")
    shown.tick()
    return shown


def save(path: Path, text: str) -> None:
    """Save like an editor does; the new mtime makes sure the change is seen even on a coarse clock."""
    path.write_text(text, encoding="utf-8")
    stamp = path.stat().st_mtime_ns + 10_000_000
    os.utime(path, ns=(stamp, stamp))


def run_for(preview: Preview, clock: Clock, seconds: float, until=None) -> float:
    """Tick every 50 ms of fake time; the time it took for `until()` to hold (or `seconds`)."""
    start = clock.now
    while clock.now - start < seconds:
        clock.now += 0.05
        preview.tick()
        if until is not None and until():
            return clock.now - start
    return clock.now - start


def pixels(surface: pygame.Surface, rect: pygame.Rect | None = None) -> bytes:
    return pygame.image.tobytes(surface.subsurface(rect) if rect is not None else surface, "RGB")


def fresh_render(
    folder: Path, slide: int, size, language="en", detail=None, mode=Mode.TOUCH
) -> pygame.Surface:
    deck = check_deck(folder).deck
    assert deck is not None
    # As the live kiosk draws it: a lobby TV with the legibility rule's default viewing.
    viewing = Viewing() if mode is Mode.LOBBY else None
    program = build_program(deck, mode, pages=screen_pages(deck, size, Fonts(), viewing))
    stage = Stage(program, THEMES[deck.theme], size, viewing=viewing)
    frame = pygame.Surface(size).convert()
    state = replace(initial_state(program, 0.0, language), index=slide, detail=detail)
    stage.compose(state, 0.0, frame)
    return frame


def outside(preview: Preview, panel: pygame.Rect) -> list[pygame.Rect]:
    """The parts of the drawn screen that the panel does not cover."""
    screen = preview.screen_rect
    parts = [
        pygame.Rect(screen.left, panel.bottom, screen.w, screen.bottom - panel.bottom),
        pygame.Rect(screen.left, screen.top, screen.w, panel.top - screen.top),
        pygame.Rect(screen.left, panel.top, panel.left - screen.left, panel.h),
        pygame.Rect(panel.right, panel.top, screen.right - panel.right, panel.h),
    ]
    return [part.clip(screen) for part in parts if part.w > 0 and part.h > 0]


# -- saving a file ----------------------------------------------------------------------------------


def test_a_saved_edit_shows_within_a_second(preview: Preview, folder: Path, clock: Clock):
    before = pixels(preview.surface)
    slide = folder / "what-is-it.yaml"
    save(
        slide,
        slide.read_text(encoding="utf-8").replace(
            "en: What is sclerotherapy?", "en: What is sclerotherapy, exactly?"
        ),
    )

    took = run_for(
        preview,
        clock,
        3.0,
        until=lambda: preview.session.deck.slides[0].title.get("en") == "What is sclerotherapy, exactly?",
    )

    assert took <= 1.0
    assert preview.session.errors == ()
    assert pixels(preview.frame) == pixels(
        fresh_render(folder, 0, preview.session.size)
    )  # the kiosk's own picture
    assert pixels(preview.surface) != before
    assert "updated" in preview.session.message


def test_a_broken_edit_keeps_the_last_good_picture_under_the_error(
    preview: Preview, folder: Path, clock: Clock
):
    preview.key(pygame.K_w)  # no warnings panel: the picture alone, to compare with
    preview.tick()
    good_frame = pixels(preview.frame)
    good_window = preview.surface.copy()
    slide = folder / "what-is-it.yaml"
    original = slide.read_text(encoding="utf-8")
    save(slide, original.replace("  es: ¿Qué es la escleroterapia?", "   es: ¿Qué es la escleroterapia?"))

    took = run_for(preview, clock, 3.0, until=lambda: bool(preview.session.errors))

    assert took <= 1.0
    assert [p.format(relative_to=folder) for p in preview.session.errors] == [
        "what-is-it.yaml:5:4: this line is indented further than the line above it, so it reads as part of"
        " that line's text; line `es:` up with the keys above it"
    ]
    panel = preview.overlay_rect
    assert panel is not None and panel.colliderect(preview.screen_rect)
    text = preview.panel_text["errors"]
    assert text[0] == "The deck has 1 error"
    assert "what-is-it.yaml:5:4" in text
    assert "···es: ¿Qué es la escleroterapia?" in text  # the line itself, its indentation made visible
    # The last good deck and its picture stay: the frame is unchanged, and so is every pixel of the
    # screen outside the panel; inside it, the panel darkens the picture.
    assert preview.session.deck.slides[0].title.get("es") == "¿Qué es la escleroterapia?"
    assert pixels(preview.frame) == good_frame
    for part in outside(preview, panel):
        assert pixels(preview.surface, part) == pixels(good_window, part)
    assert pixels(preview.surface, panel) != pixels(good_window, panel)

    save(slide, original)
    run_for(preview, clock, 1.0, until=lambda: not preview.session.errors)
    assert (
        preview.session.errors == () and preview.overlay_rect is None and "errors" not in preview.panel_text
    )
    assert pixels(preview.frame) == good_frame


def test_typing_never_crashes_the_window(preview: Preview, folder: Path, clock: Clock):
    """Half-written files, garbage, a deleted deck: the window always shows something and a message."""
    good_frame = pixels(preview.frame)
    deck_yaml = folder / "deck.yaml"
    original = deck_yaml.read_bytes()
    for broken in (
        b"",
        b"title:\n  en: Scl",
        b"\xff\xfe\x00garbage",
        b"slides: [what-is-it\n",
        b"- just\n- a list\n",
        b"\t" * 3,
    ):
        deck_yaml.write_bytes(broken)
        stamp = deck_yaml.stat().st_mtime_ns + 10_000_000
        os.utime(deck_yaml, ns=(stamp, stamp))
        run_for(preview, clock, 1.0, until=lambda: bool(preview.session.errors))
        assert preview.session.errors, broken
        assert all(p.line >= 1 for p in preview.session.errors)
        assert pixels(preview.frame) == good_frame
        assert preview.panel_text["errors"][0].startswith("The deck has")
    shutil.rmtree(folder)
    run_for(preview, clock, 1.0)
    assert preview.session.errors and "does not exist" in preview.session.errors[0].message
    assert pixels(preview.frame) == good_frame
    shutil.copytree(SLIDES, folder)
    deck_yaml.write_bytes(original)
    run_for(preview, clock, 1.0, until=lambda: not preview.session.errors)
    assert preview.session.errors == ()


def test_a_deck_broken_from_the_start_shows_its_errors_then_the_fix(folder: Path, clock: Clock, fonts: Fonts):
    slide = folder / "benefits.yaml"
    original = slide.read_text(encoding="utf-8")
    save(slide, original.replace("title:", "titel:", 1))
    shown = Preview(folder, pygame.Surface(WINDOW), clock=clock, fonts=fonts)
    shown.tick()
    assert shown.session.deck is None and shown.frame is None
    assert [p.format(relative_to=folder) for p in shown.session.errors] == [
        "benefits.yaml:2:1: `title` is missing; add a line `title: ...`",
        "benefits.yaml:3:1: unknown key `titel`: did you mean `title`?",
    ]
    assert shown.panel_text["errors"][0] == "The deck has 2 errors"
    assert shown.panel_text["errors"][1].startswith("There is no good version to show yet.")
    save(slide, original)
    run_for(shown, clock, 1.0, until=lambda: shown.session.deck is not None)
    assert shown.session.errors == () and shown.frame is not None


def test_an_edit_elsewhere_brings_that_slide_up(preview: Preview, folder: Path, clock: Clock):
    assert preview.session.screen == ScreenRef("what-is-it", None)
    aftercare = folder / "aftercare.yaml"
    save(
        aftercare,
        aftercare.read_text(encoding="utf-8").replace(
            "es: Medias de compresión", "es: Las medias de compresión"
        ),
    )
    run_for(preview, clock, 1.0, until=lambda: preview.session.screen != ScreenRef("what-is-it", None))
    assert preview.session.screen == ScreenRef("aftercare", "stockings")


def test_a_new_slide_comes_up_by_itself(preview: Preview, folder: Path, clock: Clock):
    assert main(["new-slide", "first-visit", str(folder), "--after", "benefits"]) == 0
    run_for(preview, clock, 1.0, until=lambda: preview.session.screen == ScreenRef("first-visit", None))
    assert preview.session.screen == ScreenRef("first-visit", None) and preview.session.errors == ()


# -- warnings -----------------------------------------------------------------------------------------


def test_warnings_are_listed_and_w_hides_them(preview: Preview, folder: Path, clock: Clock):
    slide = folder / "benefits.yaml"
    text = slide.read_text(encoding="utf-8").replace("review_due: 2027-05-25", "review_due: 2024-01-31")
    text = text.replace(
        "\nimage: illustrations/benefits.svg",
        "\nimage: illustrations/benefits.svg\nalt:\n  en: A leg, smooth again",
        1,
    )
    long_summary = " ".join(["Many small words make this summary far too long to read in passing."] * 3)
    text = text.replace("summary:\n  en: ", f"summary:\n  en: {long_summary} ", 1)
    save(slide, text)
    run_for(preview, clock, 1.0, until=lambda: len(preview.session.warnings) > 9)
    messages = [
        p.format(relative_to=folder) for p in preview.session.warnings if p.file.endswith("benefits.yaml")
    ]
    assert any("the summary has" in m and "(en)" in m for m in messages)
    assert any("`alt` has no `es` text" in m for m in messages)
    assert any("the review date 2024-01-31 has passed" in m for m in messages)
    preview.session.go(preview.session.screens.index(ScreenRef("benefits", None)))
    preview.draw()
    text_shown = " ".join(preview.panel_text["warnings"])
    assert preview.warnings_rect is not None and "benefits.yaml" in preview.panel_text["warnings"][1]
    assert "warnings: the kiosk shows the deck" in text_shown
    preview.key(pygame.K_w)
    preview.tick()
    assert preview.warnings_rect is None and "warnings" not in preview.panel_text


def test_the_preview_lists_exactly_the_warnings_kiosk_validate_gives(folder: Path, fonts: Fonts):
    """One pipeline: a text past the word guide and a letter the font lacks reach the preview
    exactly as `kiosk validate` reports them (the layout itself adapts, so fit warnings are rare)."""
    slide = folder / "the-session.yaml"
    text = slide.read_text(encoding="utf-8")
    summary = "  en: A session takes about 15 to 30 minutes."
    assert summary in text
    long = " ".join(["Your clinician explains each step before it happens."] * 4) + " Ж"
    save(slide, text.replace(summary, f"  en: {long}", 1))
    expected = sorted(full_report(folder, fonts=fonts).problems)
    messages = [p.message for p in expected]
    assert any("words" in m for m in messages) and any("Ж" in m for m in messages)
    shown = Preview(folder, pygame.Surface(WINDOW), fonts=fonts)
    assert sorted(shown.session.warnings) == [p for p in expected if p.severity.value == "warning"]


def test_placeholder_text_from_new_slide_is_a_warning(folder: Path, clock: Clock, fonts: Fonts):
    assert main(["new-slide", "first-visit", str(folder), "--after", "what-is-it"]) == 0
    shown = Preview(folder, pygame.Surface(WINDOW), clock=clock, fonts=fonts)
    placeholders = [p for p in shown.session.warnings if "placeholder text" in p.message]
    assert placeholders and all(p.file.endswith("first-visit.yaml") for p in placeholders)
    assert shown.session.errors == ()


# -- keys -----------------------------------------------------------------------------------------------


def test_arrows_step_through_every_slide_and_detail(preview: Preview):
    deck = preview.session.deck
    expected = [ScreenRef(deck.slides[view.slide].id, view.detail) for _, view in screen_views(deck, "en")]
    assert len(expected) == len(deck.slides) + sum(len(s.details) for s in deck.slides)
    seen = [preview.session.screen]
    for _ in range(len(expected) - 1):
        assert preview.key(pygame.K_RIGHT)
        preview.tick()
        seen.append(preview.session.screen)
    assert seen == expected
    preview.key(pygame.K_PAGEDOWN)
    assert preview.session.screen == expected[0]  # round again
    preview.key(pygame.K_LEFT)
    assert preview.session.screen == expected[-1]
    preview.key(pygame.K_PAGEUP)
    assert preview.session.screen == expected[-2]
    preview.key(pygame.K_HOME)
    assert preview.session.position == 0


def test_every_screen_is_the_kiosks_picture(preview: Preview, folder: Path, tmp_path: Path):
    """The preview's screen is pixel for pixel what `kiosk export` (and so the kiosk) draws."""
    preview.key(pygame.K_l)  # es
    preview.key(pygame.K_s)  # 1080x1920
    assert (preview.session.language, preview.session.size) == ("es", (1080, 1920))
    manifest = export(check_deck(folder).deck, tmp_path / "export", (1080, 1920), language="es")
    for number, screen in enumerate(manifest["screens"][:4], start=1):
        assert preview.session.select(str(number))
        preview.tick()
        exported = pygame.image.load(str(tmp_path / "export" / screen["file"]))
        assert pixels(preview.frame) == pixels(exported), screen["file"]


def test_keys_switch_language_mode_and_size(preview: Preview, folder: Path):
    first = pixels(preview.frame)
    assert (preview.session.language, preview.session.mode, preview.session.size) == (
        "en",
        Mode.TOUCH,
        (1920, 1080),
    )

    preview.key(pygame.K_l)
    preview.tick()
    assert preview.session.language == "es" and pixels(preview.frame) != first
    assert pixels(preview.frame) == pixels(fresh_render(folder, 0, (1920, 1080), "es"))
    preview.key(pygame.K_l)
    assert preview.session.language == "en"

    preview.key(pygame.K_m)
    preview.tick()
    assert preview.session.mode is Mode.LOBBY
    assert pixels(preview.frame) == pixels(fresh_render(folder, 0, (1920, 1080), "en", mode=Mode.LOBBY))
    preview.key(pygame.K_m)
    assert preview.session.mode is Mode.TOUCH

    sizes = []
    for _ in SIZES:
        preview.key(pygame.K_s)
        preview.tick()
        sizes.append(preview.frame.get_size())
    assert sizes == [(1080, 1920), (3840, 2160), (1280, 720), (1920, 1080)]
    preview.key(pygame.K_s)
    preview.key(pygame.K_s)
    preview.tick()
    # 3840x2160 scaled to fit the window, letterboxed above the status line.
    screen = preview.screen_rect
    assert screen.w <= WINDOW[0] and screen.h < WINDOW[1] and abs(screen.w / screen.h - 16 / 9) < 0.01

    preview.key(pygame.K_a)
    preview.tick()
    assert preview.session.large and preview.session.screen_name().endswith("-large")


def test_help_and_status_line(preview: Preview):
    preview.key(pygame.K_h)
    preview.tick()
    assert preview.panel_text["help"][0] == "Keys" and any(
        "next screen" in line for line in preview.panel_text["help"]
    )
    preview.key(pygame.K_h)
    preview.tick()
    assert "help" not in preview.panel_text
    assert not preview.key(pygame.K_q)  # unknown keys do nothing


def test_p_saves_the_screen_and_the_window(preview: Preview, tmp_path: Path):
    preview.key(pygame.K_RIGHT)
    saved = preview.save_pngs()
    assert [p.name for p in saved] == [
        "01-what-is-it--spider-veins-1920x1080-en-touch.png",
        "01-what-is-it--spider-veins-1920x1080-en-touch-window.png",
    ]
    assert pygame.image.load(str(saved[0])).get_size() == (1920, 1080)
    assert pygame.image.load(str(saved[1])).get_size() == WINDOW
    assert preview.key(pygame.K_p) and "saved" in preview.session.message


# -- the command -------------------------------------------------------------------------------------


def test_export_png_draws_the_window_headless(folder: Path, tmp_path: Path, capsys):
    out = tmp_path / "preview.png"
    assert (
        main(
            [
                "preview",
                str(folder),
                "--export-png",
                str(out),
                "--screen",
                "what-is-it/the-goal",
                "--lang",
                "es",
            ]
        )
        == 0
    )
    assert pygame.image.load(str(out)).get_size() == WINDOW
    assert "what-is-it › the-goal, 1920x1080, es, touch; 0 error(s), 1 warning(s)" in capsys.readouterr().out

    assert main(["preview", str(folder), "--export-png", str(out), "--screen", "99"]) == 2
    assert "there is no screen `99`" in capsys.readouterr().err

    slide = folder / "what-is-it.yaml"
    save(slide, slide.read_text(encoding="utf-8").replace("\nimage: ", "\nimage ", 1))
    assert main(["preview", str(folder), "--export-png", str(out), "--window", "960x600"]) == 1
    assert pygame.image.load(str(out)).get_size() == (960, 600)
    assert "what-is-it.yaml:10:1: a line here is missing its colon" in capsys.readouterr().err


def test_preview_refuses_a_missing_folder(tmp_path: Path, capsys):
    assert main(["preview", str(tmp_path / "nowhere")]) == 1
    assert "there is no deck folder" in capsys.readouterr().err


# -- a real window ---------------------------------------------------------------------------------


@pytest.mark.xvfb
@pytest.mark.skipif(
    any(shutil.which(tool) is None for tool in ("Xvfb", "xdotool")),
    reason="needs Xvfb and xdotool on PATH (apt: xvfb xdotool)",
)
def test_a_real_window_on_a_desktop(folder: Path, tmp_path: Path):
    """`kiosk preview` under Xvfb: a normal window (not fullscreen) that keys drive, that picks up
    a broken save without dying, and that Escape closes."""
    import subprocess
    import sys
    import time

    from test_window import _stop, start_xvfb

    xvfb, display = start_xvfb(1920, 1080, tmp_path / "xvfb.log")
    env = {**os.environ, "DISPLAY": display, "SDL_VIDEODRIVER": "x11"}
    log = tmp_path / "preview.log"
    proc = None
    try:
        with open(log, "wb") as out:
            proc = subprocess.Popen(
                [sys.executable, "-m", "kiosk", "preview", str(folder), "--size", "1280x720"],
                cwd=tmp_path,
                env=env,
                stdout=out,
                stderr=out,
            )

        def xdotool(*args: str) -> str:
            return subprocess.run(
                ["xdotool", *args], env=env, capture_output=True, text=True, timeout=30, check=True
            ).stdout

        try:
            window = xdotool("search", "--sync", "--pid", str(proc.pid)).split()[0]
        except subprocess.TimeoutExpired:
            raise AssertionError(f"no preview window; log: {log.read_text()}") from None
        geometry = xdotool("getwindowgeometry", window)
        assert "1280x800" in geometry, geometry  # a window of its own size, not the whole screen
        # SDL maps the window before the preview sets its caption: wait for the title (a condition,
        # with a generous deadline, not a time limit on the preview).
        deadline = time.monotonic() + 15
        while (name := xdotool("getwindowname", window).strip()) != f"Kiosk preview: {folder}":
            assert time.monotonic() < deadline, f"window title stayed {name!r}"
            time.sleep(0.05)

        def press(key: str) -> None:
            xdotool("windowfocus", window)  # no window manager: give it the keyboard, then type
            xdotool("key", key)

        def saved(pattern: str, count: int = 1) -> list[Path]:
            deadline = time.monotonic() + 15
            while time.monotonic() < deadline:
                found = sorted((tmp_path / "previews").glob(pattern))
                if len(found) >= count:
                    time.sleep(0.2)  # let the writing finish
                    return found
                time.sleep(0.1)
            raise AssertionError(f"no {pattern} in {tmp_path / 'previews'}; log: {log.read_text()}")

        press("Right")
        press("l")
        press("p")
        assert [p.name for p in saved("01-what-is-it--spider-veins-1280x720-es-touch*.png", 2)] == [
            "01-what-is-it--spider-veins-1280x720-es-touch-window.png",
            "01-what-is-it--spider-veins-1280x720-es-touch.png",
        ]

        slide = folder / "what-is-it.yaml"
        save(slide, slide.read_text(encoding="utf-8").replace("title:", "titel:", 1))
        time.sleep(1.5)
        press("m")
        press("p")
        window_png = saved("01-what-is-it--spider-veins-1280x720-es-lobby-window.png")[0]
        time.sleep(0.5)
        assert proc.poll() is None, log.read_text()

        import pygame

        shot = pygame.image.load(str(window_png))
        assert shot.get_size() == (1280, 800)
        if shutil.which("import"):  # what the desktop shows is what the preview drew (error panel and all)
            from test_window import capture, mean_abs_diff

            x, y = (
                int(n)
                for n in re.search(r"Position: (\d+),(\d+)", xdotool("getwindowgeometry", window)).groups()
            )
            screen = pygame.image.load(str(capture(display, tmp_path / "desktop.png")))
            pygame.image.save(screen.subsurface((x, y, 1280, 800)), str(tmp_path / "desktop-window.png"))
            assert mean_abs_diff(tmp_path / "desktop-window.png", window_png) < 2.0
        press("Escape")
        assert proc.wait(15) == 0
        output = log.read_text()
        assert "Traceback" not in output
        assert "what-is-it.yaml:3:1: unknown key `titel`" in output  # logged as well as shown
    finally:
        if proc is not None and proc.poll() is None:
            _stop(proc)
        _stop(xvfb)
