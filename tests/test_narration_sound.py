"""Narration through a real SDL audio driver (issue 18).

- A deck without narration never starts the mixer.
- With SDL's `disk` driver (the mixed output written to SDL_DISKAUDIOFILE as raw 16-bit stereo),
  tapping the speaker button where the painter draws it makes the kiosk really produce sound, and
  swiping to the next screen silences it.
- With no usable audio driver the kiosk runs, without a speaker button, and logs it once.

The disk driver writes at the pace of real time, so the test waits for the file to grow (a few
tenths of a second of audio); it asserts on the samples, never on how long anything took.
"""

from __future__ import annotations

import array
import logging
import time
from pathlib import Path

import pygame
import pytest
from narration_sounds import narrated_deck

from kiosk.content.loader import load_deck
from kiosk.core.actions import ToggleNarration
from kiosk.core.program import Mode
from kiosk.runtime.app import Kiosk, Settings

FRAME_BYTES = 4  # 16-bit stereo


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture()
def display():
    pygame.mixer.quit()
    pygame.display.init()
    pygame.font.init()
    yield pygame.display.set_mode((1280, 720))
    pygame.mixer.quit()


def finger(kind: int, x: float, y: float, panel: tuple[int, int] = (1280, 720)) -> pygame.event.Event:
    return pygame.event.Event(
        kind, x=x / panel[0], y=y / panel[1], dx=0.0, dy=0.0, touch_id=1, finger_id=0, pressure=1.0
    )


def tap(kiosk: Kiosk, x: float, y: float) -> None:
    kiosk.handle_event(finger(pygame.FINGERDOWN, x, y))
    kiosk.handle_event(finger(pygame.FINGERUP, x, y))
    kiosk.tick()


def speaker_centre(kiosk: Kiosk) -> tuple[int, int]:
    """The speaker button's centre, from the layout the stage paints the screen with."""
    layout = kiosk.stage.layout(kiosk.state.view)
    boxes = [h.box for h in layout.hotspots if isinstance(h.action, ToggleNarration)]
    assert len(boxes) == 1
    box = boxes[0]
    return box.x + box.w // 2, box.y + box.h // 2


def wait_for_bytes(path: Path, size: int, limit_s: float = 20.0) -> None:
    deadline = time.monotonic() + limit_s  # a bound against hanging, not a measurement
    while (not path.exists() or path.stat().st_size < size) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert path.exists() and path.stat().st_size >= size, "the disk audio driver wrote nothing"


def peak(data: bytes) -> int:
    samples = array.array("h")
    samples.frombytes(data[: len(data) // 2 * 2])
    return max((abs(s) for s in samples), default=0)


def test_a_deck_without_narration_never_starts_the_mixer(deck, display):
    kiosk = Kiosk(deck, Settings(mode=Mode.TOUCH), display, clock=FakeClock())
    kiosk.tick()
    assert pygame.mixer.get_init() is None
    assert kiosk.narrator.ready is None
    assert kiosk.state.view.narration == ""


def test_narration_switched_off_in_the_settings_never_starts_the_mixer(tmp_path, display):
    deck = load_deck(narrated_deck(tmp_path))
    kiosk = Kiosk(deck, Settings(mode=Mode.TOUCH, narration=False), display, clock=FakeClock())
    kiosk.tick()
    assert pygame.mixer.get_init() is None
    assert kiosk.state.view.narration == ""  # and no speaker button


def test_the_speaker_button_really_sounds_and_a_new_screen_silences_it(tmp_path, display, monkeypatch):
    output = tmp_path / "mixed.raw"
    monkeypatch.setenv("SDL_AUDIODRIVER", "disk")
    monkeypatch.setenv("SDL_DISKAUDIOFILE", str(output))
    deck = load_deck(narrated_deck(tmp_path, seconds=30.0))
    clock = FakeClock()
    kiosk = Kiosk(deck, Settings(mode=Mode.TOUCH, narration_volume_percent=50), display, clock=clock)
    kiosk.tick()
    assert pygame.mixer.get_init() is not None

    x, y = speaker_centre(kiosk)
    # The painter drew the button there: its teal outline is on the frame, left of its centre.
    frame = kiosk.display
    teal = kiosk.stage.theme.rgb("teal")
    row = [tuple(frame.get_at((px, y)))[:3] for px in range(x - 200, x)]
    assert teal in row
    wait_for_bytes(output, 1)
    silent_before = output.stat().st_size
    tap(kiosk, x, y)
    assert kiosk.state.view.narration == "playing"
    assert kiosk.narrator.busy()
    quarter_s = 44_100 // 4 * FRAME_BYTES
    wait_for_bytes(output, silent_before + 2 * quarter_s)
    heard = output.read_bytes()[silent_before:]
    # A 440 Hz tone at a quarter of full scale (8000), at half volume: about 4000.
    assert 3000 < peak(heard) < 5000

    kiosk.handle_event(finger(pygame.FINGERDOWN, 900, 400))
    kiosk.handle_event(finger(pygame.FINGERMOTION, 300, 400))
    kiosk.handle_event(finger(pygame.FINGERUP, 300, 400))
    kiosk.tick()
    assert kiosk.state.view.slide == 1 and kiosk.narrator.playing is None
    stopped_at = output.stat().st_size
    # What was already mixed may still be written (SDL's buffer); after that, silence.
    buffered = 4 * 4096 * FRAME_BYTES
    wait_for_bytes(output, stopped_at + buffered + 2 * quarter_s)
    after = output.read_bytes()[stopped_at + buffered :]
    assert peak(after) == 0


def test_without_a_sound_device_the_kiosk_runs_silently_and_says_so_once(
    tmp_path, display, monkeypatch, caplog
):
    monkeypatch.setenv("SDL_AUDIODRIVER", "nonexistent")
    folder = narrated_deck(tmp_path)
    deck = load_deck(folder)
    clock = FakeClock()
    with caplog.at_level(logging.INFO, logger="kiosk.runtime.sound"):
        kiosk = Kiosk(deck, Settings(mode=Mode.TOUCH), display, clock=clock)
        kiosk.tick()
        assert kiosk.narrator.ready is False
        assert kiosk.state.view.narration == ""  # no button that would do nothing
        kiosk.adopt(load_deck(folder), clock.now)  # a reload does not try (and log) again
        for _ in range(40):
            clock.now += 0.5
            tap(kiosk, 1000, 50)  # where the button would be
    assert kiosk.running and kiosk.frames > 1
    said = [r for r in caplog.records if "no sound device" in r.getMessage()]
    assert len(said) == 1 and said[0].levelno == logging.WARNING


@pytest.mark.parametrize("lobby_narration", [False, True])
def test_a_lobby_kiosk_speaks_by_itself_only_where_deck_yaml_says_so(tmp_path, display, lobby_narration):
    deck = load_deck(narrated_deck(tmp_path, seconds=3.0, lobby=lobby_narration))
    clock = FakeClock()
    kiosk = Kiosk(deck, Settings(mode=Mode.LOBBY), display, clock=clock)
    kiosk.tick()  # the first screen is the narrated slide, in English
    assert pygame.mixer.get_init() is not None  # the deck has narration: the mixer is ready
    assert kiosk.state.view.narration == ""  # nobody taps a lobby TV: no speaker button
    playing = kiosk.narrator.playing
    if lobby_narration:
        assert playing is not None and playing.path.name == "what-is-it-en.wav"
    else:
        assert playing is None
    clock.now = kiosk.program.durations_s[0] + 1  # the next screen: silence
    kiosk.tick()
    assert kiosk.narrator.playing is None
