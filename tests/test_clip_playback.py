"""A clip on screen through the kiosk's transitions (issue 18): which changes keep it going,
which start it afresh, and the rotated screen's partial updates.

The decoder is a stand-in that hands over one frame each time the test says so, timed on the test's
fake clock, and paints frame n in the colour (n, 90, 160): the pixel in the clip's rect says which
frame of the clip the kiosk shows, and the decoder's calls say whether it started again.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pygame
import pytest

from kiosk.content.deck import Deck
from kiosk.core.actions import GoBack, Open, SetLanguage, ToggleLargeText
from kiosk.core.intents import Activate, Swipe
from kiosk.core.program import Mode
from kiosk.render.video import VideoLayer
from kiosk.runtime.app import Kiosk, Settings

CLIP = "how-it-works"
GREEN_BLUE = (90, 160)


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class StepDecoder:
    """Frames only when released (`give`), each at the clip's next 1/fps step; every call (a
    pass of the clip, or a player starting) is recorded with its start."""

    def __init__(self, frame_s: float) -> None:
        self.frame_s = frame_s
        self.calls: list[tuple[tuple[int, int], float]] = []
        self._gates: list[threading.Semaphore] = []  # one a call: a stopped player takes none
        self._closed = threading.Event()

    def __call__(
        self, path: Path, size: tuple[int, int], *, start_s: float = 0.0
    ) -> Iterator[tuple[float, bytes, int]]:
        self.calls.append((size, start_s))
        gate = threading.Semaphore(0)
        self._gates.append(gate)
        n = round(start_s / self.frame_s)
        while not self._closed.is_set():
            if not gate.acquire(timeout=0.05):
                continue
            yield n * self.frame_s, bytes((n % 256, *GREEN_BLUE)) * (size[0] * size[1]), size[0] * 3
            n += 1

    def give(self, calls: int) -> None:
        """One frame from call number `calls` (the newest: it may not have begun yet)."""
        deadline = time.monotonic() + 20
        while len(self._gates) < calls:
            assert time.monotonic() < deadline, "the player never called its decoder"
            time.sleep(0.002)
        self._gates[-1].release()

    def close(self) -> None:
        self._closed.set()


class Rig:
    """A touch kiosk on the production deck, one slide before the clip's, on a fake clock."""

    def __init__(
        self, deck: Deck, *, settings: Settings | None = None, size: tuple[int, int] = (1280, 720)
    ) -> None:
        pygame.display.init()
        pygame.font.init()
        self.display = pygame.display.set_mode(size)
        self.clock = FakeClock()
        self.kiosk = Kiosk(deck, settings or Settings(mode=Mode.TOUCH), self.display, clock=self.clock)
        slide = next(i for i, s in enumerate(deck.slides) if s.id == CLIP)
        video = deck.slides[slide].video
        assert video is not None
        self.frame_s = 1 / video.frame_rate
        self.decoder = StepDecoder(self.frame_s)
        self.kiosk.video = VideoLayer(self.kiosk.stage.fonts, decoder=self.decoder, clock=self.clock)
        state = self.kiosk.state
        before = next(i for i, e in enumerate(state.program.entries) if e.slide == slide) - 1
        self.kiosk.state = replace(state, index=before, shown_at=self.clock.now)
        self.clip_slide = slide
        self._player: object = None
        self._players = 0  # players seen: each calls the decoder once per pass of the clip

    def tick(self, seconds: float = 0.0) -> None:
        self.clock.now += seconds
        self.kiosk.tick()

    def settle(self) -> None:
        """Tick through the transition under way (no frames given meanwhile)."""
        for _ in range(200):
            if not self.kiosk.state.moving(self.clock.now):
                break
            self.tick(1 / 30)
        self.tick()
        assert not self.kiosk.state.moving(self.clock.now)

    def to_the_clip(self) -> None:
        """The loop's own fade into the clip's slide, then settled."""
        state = self.kiosk.state
        self.tick(state.program.duration_s(state.index, state.language) + 0.01)
        assert self.kiosk.state.transition is not None
        self.settle()
        assert self.kiosk.state.view.slide == self.clip_slide and self.kiosk.state.view.detail is None

    def play(self, frames: int) -> int:
        """Let `frames` frames come, one per frame time, each drawn; the frame on screen after."""
        for _ in range(frames):
            self.clock.now += self.frame_s
            player = self.kiosk.video.player
            assert player is not None
            if player is not self._player:
                self._player = player
                self._players += 1
            self.decoder.give(self._players)
            deadline = time.monotonic() + 20  # a bound against hanging, not a measurement
            while not player.waiting() and time.monotonic() < deadline:
                time.sleep(0.002)
            assert player.waiting(), "the player handed over no frame"
            self.kiosk.tick()
        return self.shown()

    def rect(self) -> pygame.Rect:
        target = self.kiosk.video.target
        assert target is not None
        return pygame.Rect(target.rect)

    def shown(self) -> int:
        """The clip frame on screen: its number, from the pixel at the centre of the clip's rect."""
        x, y = self.kiosk.orientation.to_panel(*self.rect().center)
        colour = tuple(self.display.get_at((int(x), int(y))))[:3]
        assert colour[1:] == GREEN_BLUE, f"not a clip frame at the clip's centre: {colour}"
        return colour[0]

    def do(self, intent: object) -> None:
        self.kiosk._step(intent, self.clock.now)  # type: ignore[arg-type]

    def close(self) -> None:
        self.decoder.close()
        self.kiosk.video.close()


@pytest.fixture()
def rig(production_deck):
    made = Rig(production_deck)
    yield made
    made.close()


def test_a_fade_into_the_clips_slide_starts_it_once_from_its_first_frame(rig: Rig) -> None:
    rig.to_the_clip()
    assert rig.play(1) == 0
    assert rig.play(9) == 9
    assert [start for _, start in rig.decoder.calls] == [0.0]  # one start, from the top


def test_a_language_change_keeps_the_clip_going(rig: Rig) -> None:
    rig.to_the_clip()
    assert rig.play(12) == 11
    rig.do(Activate(SetLanguage(code="es")))
    assert rig.kiosk.state.transition is not None
    rig.settle()
    assert rig.kiosk.state.view.language == "es"
    assert rig.play(3) >= 12  # on from where it was, not from frame 0
    assert len(rig.decoder.calls) == 1  # the same player all along (the picture did not move)


def test_a_language_change_in_the_same_place_shows_the_clip_through_the_fade(rig: Rig) -> None:
    rig.to_the_clip()
    rig.play(5)
    rect = rig.rect()
    rig.do(Activate(SetLanguage(code="es")))
    rig.tick(0.1)  # mid-fade
    assert rig.kiosk.state.transition is not None
    assert rig.rect() == rect  # (the picture's frame is where it was in English)
    assert rig.shown() == 4  # the clip's frame, not its poster, while the text fades


def test_larger_text_keeps_the_clip_going_at_its_new_size(rig: Rig) -> None:
    rig.to_the_clip()
    before = rig.rect()
    assert rig.play(20) == 19
    rig.do(Activate(ToggleLargeText()))
    rig.settle()
    assert rig.rect().size != before.size  # the picture's frame is smaller beside larger text
    assert rig.play(2) == 20, "the clip did not go on from the frame reached"
    # A new size is a new decoder, told to go on from the frame reached.
    assert rig.decoder.calls[-1] == ((rig.rect().w, rig.rect().h), pytest.approx(19 * rig.frame_s))


def test_back_from_a_detail_the_clip_goes_on_from_where_it_was(rig: Rig) -> None:
    rig.to_the_clip()
    assert rig.play(25) == 24
    slide = rig.kiosk.state.program.deck.slides[rig.clip_slide]
    rig.do(Activate(Open(detail=slide.details[0].id)))
    rig.settle()
    assert rig.kiosk.video.player is None  # no clip decoding behind the detail
    rig.tick(5.0)
    rig.do(Activate(GoBack()))
    rig.settle()
    assert rig.play(1) == 24  # the frame it had reached
    assert rig.decoder.calls[-1][1] == pytest.approx(24 * rig.frame_s)


def test_a_new_showing_of_the_slide_starts_the_clip_from_the_top(rig: Rig) -> None:
    rig.to_the_clip()
    rig.play(15)
    rig.do(Swipe(1))
    rig.settle()
    assert rig.kiosk.state.view.slide == rig.clip_slide + 1
    rig.do(Swipe(-1))
    rig.settle()
    assert rig.kiosk.state.view.slide == rig.clip_slide
    assert rig.play(1) == 0
    assert rig.decoder.calls[-1][1] == 0.0


def test_the_pixel_shift_moves_the_clip_without_starting_it_again(rig: Rig) -> None:
    shift = [(0, 0)]
    rig.kiosk.pixel_shift = lambda now: shift[0]  # type: ignore[method-assign]  (every 180 s)
    rig.to_the_clip()
    before = rig.rect()
    assert rig.play(10) == 9
    shift[0] = (2, 2)
    rig.tick()
    assert rig.rect() == before.move(2, 2)
    assert rig.play(2) == 11
    assert len(rig.decoder.calls) == 1


def test_the_decoder_goes_on_from_a_time_with_the_same_frames(tmp_path: Path) -> None:
    """`start_s` seeks (a key frame, then the frames up to the time decoded and not scaled): the
    frames from it are those of a whole pass, at the same times."""
    from videoclips import BLUE, GREEN, RED, make_clip

    from kiosk.render.video import decode_frames

    clip = make_clip(tmp_path / "c.mp4", size=(64, 48), fps=10, colours=(RED, GREEN, BLUE))
    whole = list(decode_frames(clip, (32, 24)))
    later = list(decode_frames(clip, (32, 24), start_s=1.35))
    assert [at for at, _, _ in later] == pytest.approx([at for at, _, _ in whole if at >= 1.35])
    assert later[0][0] == pytest.approx(1.4)
    assert [data for _, data, _ in later] == [data for at, data, _ in whole if at >= 1.35]
    assert list(decode_frames(clip, (32, 24), start_s=9.0)) == []


def test_a_player_told_to_go_on_past_the_clips_end_plays_it_again_from_the_top() -> None:
    starts: list[float] = []

    def short(
        path: Path, size: tuple[int, int], *, start_s: float = 0.0
    ) -> Iterator[tuple[float, bytes, int]]:
        starts.append(start_s)
        for at in (0.0, 0.01):
            if at >= start_s:
                yield at, bytes(3 * 4 * 4), 12

    from kiosk.render.video import ClipPlayer

    player = ClipPlayer(Path("x.mp4"), (4, 4), decoder=short, frame_s=0.01, start_s=5.0)
    try:
        deadline = time.monotonic() + 20
        while not player.waiting() and time.monotonic() < deadline:
            time.sleep(0.01)
        frame = player.take()
        assert not player.failed and frame is not None and frame.time_s in (0.0, 0.01)
        assert starts[:2] == [5.0, 0.0]
    finally:
        player.stop()


# -- a turned screen ----------------------------------------------------------------------------


def _turned_whole(kiosk: Kiosk) -> bytes:
    """The panel's pixels as turning the whole upright frame gives them."""
    whole = pygame.transform.rotate(kiosk._frame, -kiosk.orientation.rotation)
    return pygame.image.tobytes(whole, "RGB")


@pytest.mark.parametrize("rotation", [90, 180, 270])
def test_a_turned_screen_updates_only_the_clips_turned_rect(
    production_deck, monkeypatch, rotation: int
) -> None:
    rig = Rig(production_deck, settings=Settings(mode=Mode.TOUCH, rotation=rotation))
    try:
        rig.to_the_clip()
        assert rig.play(2) == 1
        updates: list[object] = []
        flips: list[int] = []
        monkeypatch.setattr(pygame.display, "update", lambda rects=None: updates.append(rects))
        monkeypatch.setattr(pygame.display, "flip", lambda: flips.append(1))
        assert rig.play(3) == 4
        x, y, w, h = rig.rect()
        turned = pygame.Rect(rig.kiosk.orientation.to_panel_rect(x, y, w, h))
        assert turned.size == ((h, w) if rotation != 180 else (w, h))
        assert flips == [] and updates == [[turned]] * 3
        assert pygame.image.tobytes(rig.display, "RGB") == _turned_whole(rig.kiosk)
    finally:
        rig.close()


def test_a_fade_on_a_turned_screen_updates_its_turned_regions_with_a_whole_frames_pixels(
    production_deck, monkeypatch
) -> None:
    """The loop's fade into the clip's slide: after its first frame, only the regions with content
    go to the panel, turned, and the panel holds what turning the whole frame would give."""
    rig = Rig(production_deck, settings=Settings(mode=Mode.TOUCH, rotation=90))
    try:
        rig.tick()
        updates: list[object] = []
        monkeypatch.setattr(pygame.display, "update", lambda rects=None: updates.append(rects))
        state = rig.kiosk.state
        rig.tick(state.program.duration_s(state.index, state.language) + 0.01)
        panel = rig.display.get_rect()
        frames = 0
        while rig.kiosk.state.transition is not None:
            rig.tick(1 / 30)
            frames += 1
            assert pygame.image.tobytes(rig.display, "RGB") == _turned_whole(rig.kiosk)
        partial = [rects for rects in updates if isinstance(rects, list) and rects]
        assert frames > 3 and len(partial) >= frames // 2, "the fade's frames went to the panel whole"
        assert all(panel.contains(rect) for rects in partial for rect in rects)
        assert all(sum(r.w * r.h for r in rects) < panel.w * panel.h for rects in partial)
    finally:
        rig.close()
