"""`kiosk preview` and narration (issue 18): the preview draws the speaker button exactly as the
kiosk does, and N plays the screen's recording through the kiosk's own sound module (the mixer
started only then), silently and with one log line where there is no sound device.

Sound goes through SDL's `disk` driver (the mixed output written as raw 16-bit stereo), as in
tests/test_narration_sound.py; the tests assert on the samples, never on how long anything took.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pygame
import pytest
from narration_sounds import narrated_deck
from test_narration_sound import FakeClock, peak, wait_for_bytes

from kiosk.content.loader import load_deck
from kiosk.core.actions import ToggleNarration
from kiosk.core.program import Mode
from kiosk.layout.items import Box, ScreenLayout
from kiosk.render.export import view_state
from kiosk.render.painter import Fonts
from kiosk.runtime.app import Kiosk, Settings
from kiosk.tools.preview import Preview
from kiosk.tools.preview.bindings import help_rows

SIZE = (1280, 720)


@pytest.fixture()
def display():
    pygame.mixer.quit()
    pygame.display.init()
    pygame.font.init()
    yield pygame.display.set_mode(SIZE)
    pygame.mixer.quit()


def _preview(folder: Path, clock: FakeClock) -> Preview:
    shown = Preview(folder, pygame.Surface((1280, 800)), clock=clock, fonts=Fonts(), size=SIZE)
    shown.tick()
    return shown


def _layout(preview: Preview) -> ScreenLayout:
    """The layout the preview's Stage drew the screen with (the button ready)."""
    stage, program, view = preview._stage, preview._program, preview.session.view()
    assert stage is not None and program is not None and view is not None
    return stage.layout(view_state(program[1], view).view)


def _speaker(preview: Preview) -> Box:
    boxes = [h.box for h in _layout(preview).hotspots if isinstance(h.action, ToggleNarration)]
    assert len(boxes) == 1, "no speaker button in the preview's layout"
    return boxes[0]


def _pixels(surface: pygame.Surface, box: Box | None = None) -> bytes:
    area = surface if box is None else surface.subsurface(pygame.Rect(box.x, box.y, box.w, box.h))
    return pygame.image.tobytes(area, "RGB")


def test_the_preview_draws_the_kiosks_speaker_button(tmp_path: Path, display) -> None:
    folder = narrated_deck(tmp_path)
    clock = FakeClock()
    preview = _preview(folder, clock)
    kiosk = Kiosk(load_deck(folder), Settings(mode=Mode.TOUCH), display, clock=clock)
    try:
        kiosk.tick()
        assert kiosk.state.view.narration == "ready"
        kiosk_layout = kiosk.stage.layout(kiosk.state.view)
        assert preview.frame is not None
        _speaker(preview)
        assert _layout(preview).items == kiosk_layout.items  # the same items, the button among them
        assert _pixels(preview.frame) == _pixels(display)  # and the same picture
    finally:
        preview.close()
        kiosk.narrator.close()


def test_n_plays_the_screens_narration_and_the_button_turns_to_stop(
    tmp_path: Path, display, monkeypatch
) -> None:
    output = tmp_path / "mixed.raw"
    monkeypatch.setenv("SDL_AUDIODRIVER", "disk")
    monkeypatch.setenv("SDL_DISKAUDIOFILE", str(output))
    folder = narrated_deck(tmp_path, seconds=30.0)
    clock = FakeClock()
    preview = _preview(folder, clock)
    try:
        assert pygame.mixer.get_init() is None  # no sound device opened just to look at slides
        assert any(keys == "N" for keys, _ in help_rows())
        box = _speaker(preview)
        assert preview.frame is not None
        ready = _pixels(preview.frame, box)
        assert preview.key(pygame.K_n)
        assert pygame.mixer.get_init() is not None and preview.narrator.busy()
        assert "playing what-is-it-en.wav" in preview.session.message
        preview.tick()
        assert _pixels(preview.frame, box) != ready  # the button now reads Stop
        wait_for_bytes(output, 44_100 // 2 * 4)
        assert 3000 < peak(output.read_bytes()) < 9000  # the 440 Hz tone at 80 % volume (about 6400)
        assert preview.key(pygame.K_n)  # a second N stops it
        assert preview.narrator.playing is None and preview.session.message == "narration stopped"
        preview.tick()
        assert _pixels(preview.frame, box) == ready
        assert preview.key(pygame.K_n)
        assert preview.key(pygame.K_RIGHT)  # another screen silences it, as on the kiosk
        preview.tick()
        assert preview.narrator.playing is None
    finally:
        preview.close()


def test_a_narration_ends_by_itself_and_the_button_turns_back(tmp_path: Path, display) -> None:
    folder = narrated_deck(tmp_path, seconds=2.0)
    clock = FakeClock()
    preview = _preview(folder, clock)
    try:
        assert preview.frame is not None
        box = _speaker(preview)
        ready = _pixels(preview.frame, box)
        preview.key(pygame.K_n)
        preview.tick()
        assert _pixels(preview.frame, box) != ready
        clock.now += 2.5
        preview.tick()
        assert preview.narrator.playing is None and _pixels(preview.frame, box) == ready
    finally:
        preview.close()


def test_a_screen_without_a_narration_opens_no_sound_device(tmp_path: Path, display) -> None:
    folder = narrated_deck(tmp_path)
    preview = _preview(folder, FakeClock())
    try:
        preview.key(pygame.K_RIGHT)  # the second slide has no narration
        preview.tick()
        assert preview.key(pygame.K_n)
        assert "no narration" in preview.session.message
        assert pygame.mixer.get_init() is None
    finally:
        preview.close()


def test_without_a_sound_device_the_preview_stays_silent_and_logs_it_once(
    tmp_path: Path, display, monkeypatch, caplog
) -> None:
    monkeypatch.setenv("SDL_AUDIODRIVER", "nonexistent")
    folder = narrated_deck(tmp_path)
    preview = _preview(folder, FakeClock())
    try:
        with caplog.at_level(logging.INFO, logger="kiosk.runtime.sound"):
            for _ in range(3):
                assert preview.key(pygame.K_n)
                assert "no sound device" in preview.session.message
                preview.tick()
        said = [r for r in caplog.records if "no sound device" in r.getMessage()]
        assert len(said) == 1 and said[0].levelno == logging.WARNING
        assert preview.frame is not None and preview.narrator.playing is None
    finally:
        preview.close()
