"""Playing a slide's clip in its picture frame, without ever holding up a frame.

A `ClipPlayer` decodes in its own thread: FFmpeg (PyAV) decodes and scales each frame to the
frame's size as RGB, and the thread hands it over through a one-slot buffer at its presentation
time (a newer frame replaces one the loop has not taken). The frame loop never decodes: it asks
`VideoLayer.due(now)` when the next frame is expected and `VideoLayer.draw(surface)` for it, which
blits the newest frame (and the caption at its time) into the frame's rect and returns that rect,
or None when nothing new arrived. Until a first frame arrives, and for good when a clip fails or
its decoder is slow, the poster the painter drew stays on screen.

The clip is muted (audio streams are never decoded) and loops while its showing is up: it goes on
through a fade to the same showing in another language, text size or place (`VideoLayer.show`),
goes on from where it was when a detail opened over it closes, and its thread ends when another
showing comes. PyAV is imported inside the thread and `first_frame`, so the kiosk
starts without it when a deck has no clip.
"""

from __future__ import annotations

import ctypes
import functools
import logging
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import pygame

from kiosk.content.deck import Cue, Video
from kiosk.core.legibility import Viewing, text_floor
from kiosk.core.program import Program, View
from kiosk.core.state import State
from kiosk.layout.items import Picture, ScreenLayout
from kiosk.render.canvas import Canvas
from kiosk.render.painter import Fonts

log = logging.getLogger(__name__)

# Frames arriving this much later than their time restart the clip's clock (a stall is not
# followed by a burst of catching up).
RESYNC_AFTER_S = 0.5
CAPTION_BAND = (16, 22, 28)  # near-black: white text on it is 17:1
CAPTION_TEXT = (255, 255, 255)
CAPTION_SHARE = 0.075  # caption size as a share of the frame's height (about 50 px in a 660 px frame)
MIN_CAPTION_PX = 22


@dataclass(frozen=True, slots=True)
class DecodedFrame:
    """One frame as RGB rows (`pitch_bytes` apart), `time_s` into the clip."""

    time_s: float
    data: bytes
    pitch_bytes: int
    serial: int


class Decoder(Protocol):
    """(path, (width, height)) -> frames as (time_s into the clip, RGB bytes, pitch): one pass of
    the clip. `start_s` (given only when above 0) skips to that time: a clip that goes on after
    a change of its frame's size."""

    def __call__(
        self, path: Path, size: tuple[int, int], /, *, start_s: float = 0.0
    ) -> Iterator[tuple[float, bytes, int]]: ...


def scale_here(av_version: str) -> dict[str, int]:
    """`threads=1` for PyAV's scaler where it takes the argument (17 and later, whose scaler
    otherwise starts threads of its own); older versions scale in the calling thread anyway."""
    major = av_version.split(".")[0]
    return {"threads": 1} if major.isdigit() and int(major) >= 17 else {}


def release_free_memory() -> None:
    """Hand the C heap's free pages back to the system (glibc's `malloc_trim`), in every arena.

    Each thread FFmpeg starts to decode a clip takes a glibc arena, and what it frees there stays
    in the process: after weeks of clips that is several MiB. A few milliseconds, once a clip
    ends. Elsewhere than glibc there is nothing to call."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


@functools.cache
def _malloc_trim() -> Callable[[int], int] | None:
    # Loaded once: a CDLL per call leaves ctypes objects behind (tracemalloc: about 20 an hour).
    try:
        return ctypes.CDLL("libc.so.6").malloc_trim
    except (OSError, AttributeError):
        return None


def decode_frames(
    path: Path, size: tuple[int, int], *, start_s: float = 0.0
) -> Iterator[tuple[float, bytes, int]]:
    """Every frame of the clip from `start_s` on, scaled by FFmpeg to `size` as RGB (one pass)."""
    import av
    from av.video.reformatter import VideoReformatter

    # One scaler for the pass, scaling in this thread. `frame.reformat` makes a new scaler for every
    # frame, and since PyAV 17 each new scaler starts (and, with the frame, ends) a pool of slice
    # threads: two threads a frame on 2 cores. glibc gives each new thread an arena, and the
    # arenas' free memory is what grew for days while a clip played (docs/performance.md).
    scaler = VideoReformatter()
    options = scale_here(av.__version__)
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"  # FFmpeg's own frame threads (they run without the GIL)
        first: float | None = None
        if start_s > 0 and stream.start_time is not None and stream.time_base is not None:
            first = float(stream.start_time * stream.time_base)
            # To the key frame before `start_s`; the frames from there to it are decoded, not scaled.
            container.seek(int((first + start_s) / stream.time_base), stream=stream, backward=True)
        for frame in container.decode(stream):
            at = float(frame.time) if frame.time is not None else 0.0
            first = at if first is None else first
            if at - first < start_s - 1e-6:
                continue
            image = scaler.reformat(
                frame,
                width=size[0],
                height=size[1],
                format="rgb24",
                interpolation="BILINEAR",
                **options,
            )
            plane = image.planes[0]
            yield at - first, bytes(plane), plane.line_size


def first_frame(path: Path, size: tuple[int, int]) -> pygame.Surface:
    """The clip's first frame contained in `size` (aspect kept): the poster when none is given."""
    import av
    from av.error import FFmpegError
    from av.video.reformatter import VideoReformatter

    try:
        with av.open(str(path)) as container:
            stream = container.streams.video[0]
            width, height = stream.codec_context.width, stream.codec_context.height
            scale = min(size[0] / width, size[1] / height)
            target = (max(1, round(width * scale)), max(1, round(height * scale)))
            for frame in container.decode(stream):
                image = VideoReformatter().reformat(
                    frame, width=target[0], height=target[1], format="rgb24", **scale_here(av.__version__)
                )
                plane = image.planes[0]
                return pygame.image.frombuffer(bytes(plane), target, "RGB", plane.line_size).copy()
    # (AttributeError: a codec FFmpeg has no decoder for leaves the stream without a codec context;
    # a clip replaced by one after its check made the whole screen a plain placeholder.)
    except (FFmpegError, IndexError, ZeroDivisionError, AttributeError) as exc:  # the painter's placeholder
        raise ValueError(f"the clip cannot be decoded ({exc})") from None
    raise ValueError("the clip has no picture")


class ClipPlayer:
    """Decodes one clip, looping, in a thread; the newest frame waits in a one-slot buffer."""

    def __init__(
        self,
        path: Path,
        size: tuple[int, int],
        *,
        decoder: Decoder = decode_frames,
        clock: Callable[[], float] = time.monotonic,
        frame_s: float = 1 / 25,
        start_s: float = 0.0,
    ) -> None:
        self.path = path
        self.size = size
        self.frame_s = frame_s
        self.start_s = start_s  # where the first pass begins (a clip going on at another size)
        self._decoder = decoder
        self._clock = clock
        self._lock = threading.Lock()
        self._slot: DecodedFrame | None = None
        self._taken = 0  # the serial of the last frame handed to the loop
        self._stop = threading.Event()
        self.failed = False
        self.next_due: float | None = None  # on `clock`: when the thread means to hand over a frame
        self.published_due = float("-inf")  # on `clock`: when the frame in the slot was handed over
        self._thread = threading.Thread(target=self._run, name="kiosk-video", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Ask the thread to end (it does at its next frame); never waits for it."""
        self._stop.set()

    @property
    def alive(self) -> bool:
        return self._thread.is_alive()

    @property
    def stopping(self) -> bool:
        """Told to stop (its thread may still be finishing a frame)."""
        return self._stop.is_set()

    def join(self, timeout_s: float) -> None:
        self._thread.join(timeout_s)

    def waiting(self) -> bool:
        """Whether a frame is in the slot that the loop has not taken yet."""
        with self._lock:
            return self._slot is not None and self._slot.serial != self._taken

    def take(self) -> DecodedFrame | None:
        """The newest frame if the loop has not had it yet, else None. Never blocks on decoding."""
        with self._lock:
            frame = self._slot
            if frame is None or frame.serial == self._taken:
                return None
            self._taken = frame.serial
            return frame

    def _run(self) -> None:
        try:
            self._play()
        finally:
            # The clip's decoder and its threads are gone by now (`_play`'s frame, which held the
            # decoder, is): their free memory goes back to the system, not to arenas that keep it.
            release_free_memory()

    def _play(self) -> None:
        serial = 0
        skip = self.start_s
        try:
            start = self._clock() - skip
            while not self._stop.is_set():
                last = -1.0
                frames = (
                    self._decoder(self.path, self.size, start_s=skip)
                    if skip > 0
                    else self._decoder(self.path, self.size)
                )
                for at, data, pitch in frames:
                    if self._stop.is_set():
                        return
                    if at < skip - 1e-6:
                        continue  # (a decoder that cannot seek gives the frames before it too)
                    due = start + at
                    self.next_due = due
                    wait = due - self._clock()
                    if wait > 0 and self._stop.wait(wait):
                        return
                    if wait < -RESYNC_AFTER_S:
                        start = self._clock() - at
                    serial += 1
                    with self._lock:
                        self._slot = DecodedFrame(at, data, pitch, serial)
                        self.published_due = due
                    last = at
                if last < 0 and skip > 0:
                    last = skip - self.frame_s  # it was to go on past its last frame: from the top
                elif last < 0:
                    raise ValueError("the clip has no frames")
                start += last + self.frame_s  # the next pass starts one frame after the last
                skip = 0.0
        except Exception as exc:  # a broken clip: its poster stays; the kiosk goes on
            self.failed = True
            self.next_due = None
            log.warning("video %s stopped (%s); its poster stays on screen", self.path, exc)


@dataclass(frozen=True, slots=True)
class VideoTarget:
    """What should play now: a clip, where (the picture's rect on the logical surface), captions."""

    video: Video
    rect: tuple[int, int, int, int]
    language: str
    # The showing it belongs to: (deck version, loop position, slide, detail). The same showing in
    # another language, text size or place goes on playing; a new showing starts from the top.
    screen: tuple[object, ...]

    @property
    def showing(self) -> tuple[object, ...]:
        """The loop position alone: a detail opened over the slide is still this showing."""
        return self.screen[:2]


def video_target(
    layout: ScreenLayout, state: State, video: Video | None, shift: tuple[int, int] = (0, 0)
) -> VideoTarget | None:
    """The clip of `state`'s screen `layout` (the incoming one during a transition), or None
    (none there, dark, staff)."""
    if video is None or state.admin is not None or state.dark:
        return None
    for item in layout.items:
        if isinstance(item, Picture) and item.image == video.poster:
            box = item.box
            rect = _contained(video, (box.x + shift[0], box.y + shift[1], box.w, box.h))
            view = state.view
            return VideoTarget(video, rect, view.language, showing(state) + (view.slide, view.detail))
    return None


def showing(state: State) -> tuple[object, ...]:
    """Which showing of the loop is up: (deck version, loop position)."""
    return (state.view.version, state.index)


def screen_video(state: State, program_for: Callable[[View], Program]) -> Video | None:
    """The clip of the slide or detail on screen (`program_for(view)` gives its deck)."""
    view = state.view
    slides = program_for(view).deck.slides
    if not 0 <= view.slide < len(slides):
        return None
    slide = slides[view.slide]
    if view.detail is None:
        return slide.video
    detail = slide.detail(view.detail)
    return detail.video if detail is not None else None


def _contained(video: Video, box: tuple[int, int, int, int]) -> tuple[int, int, int, int]:
    x, y, w, h = box
    scale = min(w / video.width_px, h / video.height_px)
    cw, ch = max(2, round(video.width_px * scale)), max(2, round(video.height_px * scale))
    return (x + (w - cw) // 2, y + (h - ch) // 2, cw, ch)


class VideoLayer:
    """The frame loop's side of video: which clip plays, when its next frame is due, drawing it."""

    def __init__(
        self,
        fonts: Fonts,
        *,
        decoder: Decoder = decode_frames,
        clock: Callable[[], float] = time.monotonic,
        viewing: Viewing | None = None,
    ) -> None:
        self.fonts = fonts
        # A lobby's viewing conditions: its captions are read from the chairs, so they are never
        # smaller than the legibility rule's floor for small text (kiosk.core.legibility: 17
        # arcminutes). Not the body floor: three lines of that covered half of a portrait lobby's
        # clip, the vein the caption speaks of included; the slide's summary says it at body size.
        self.viewing = viewing
        self.decoder = decoder
        self.clock = clock  # the player's clock (real time); `due` converts to the caller's
        self.target: VideoTarget | None = None
        self.player: ClipPlayer | None = None
        self._last: DecodedFrame | None = None
        self._captions: dict[tuple[str, int, int, int], pygame.Surface] = {}
        self.held = False  # moving into a new place: no frame is drawn until it settles
        # (clip, screen, position) of a clip left for a detail or the staff screen of its showing.
        self._parked: tuple[Path, tuple[object, ...], float] | None = None

    def show(
        self, target: VideoTarget | None, *, held: bool = False, showing: tuple[object, ...] | None = None
    ) -> None:
        """Play `target` (None: nothing) on the showing `showing` (by default, the target's).

        `held`: the screen is moving into `target` (a fade). A clip that is already playing goes on
        through it, and is drawn over it where it stays in the same rect (a language change); a
        clip not playing yet starts once the screen has settled. The same showing keeps playing
        whatever else changes (language, text size, pixel shift); a clip left for a detail or the
        staff screen goes on from where it was when its screen comes back; a new showing starts
        from the top."""
        old, player = self.target, self.player
        if showing is None and target is not None:
            showing = target.showing
        parked = self._parked
        if parked is not None and (showing is None or parked[1][:2] != showing):
            self._parked = parked = None  # another showing: the next play of it starts afresh
        self.target = target
        if target is not None and old is not None and player is not None and old.screen == target.screen:
            if old.video.path == target.video.path:
                # The same clip on the same showing: it goes on.
                if old.rect[2:] == target.rect[2:]:
                    self.held = held and (self.held or old.rect != target.rect)
                    return
                position = self._position()
                self._stop(None)
                self._start(target, position)
                self.held = held
                return
        self._stop(old if old is not None and showing is not None and old.showing == showing else None)
        self.held = held
        if target is None or held:
            return  # (a clip moving in starts once its screen has settled: from its first frame)
        start_s = 0.0
        if parked is not None and parked[0] == target.video.path and parked[1] == target.screen:
            start_s = parked[2]
        self._parked = None
        self._start(target, start_s)

    def _position(self) -> float:
        """Where the clip is: the time of the frame last drawn (or where its player began)."""
        if self._last is not None:
            return self._last.time_s
        return self.player.start_s if self.player is not None else 0.0

    def _stop(self, park: VideoTarget | None) -> None:
        """Stop the player; with `park`, keep its position for when `park`'s screen comes back."""
        if self.player is not None:
            if park is not None and not self.player.failed:
                self._parked = (park.video.path, park.screen, self._position())
            self.player.stop()
        self.player = None
        self._last = None

    def _start(self, target: VideoTarget, start_s: float) -> None:
        _, _, w, h = target.rect
        self.player = ClipPlayer(
            target.video.path,
            (w, h),
            decoder=self.decoder,
            clock=self.clock,
            frame_s=1 / max(1.0, target.video.frame_rate),
            start_s=start_s,
        )

    def due(self, now: float) -> float | None:
        """When (on the caller's clock, whose time is `now`) the next frame is expected; None when no
        clip plays. The loop sleeps until then at most: it never waits on the decoder."""
        player = self.player
        if player is None or player.failed or self.held:
            return None
        if player.waiting():
            return now
        next_due = player.next_due
        if next_due is None:
            return now + 0.1  # still opening the clip: look again soon
        if next_due <= player.published_due:  # the thread is still decoding the next frame
            next_due = player.published_due + player.frame_s
        # Never sooner than a quarter frame: a decoder that falls behind must not spin the loop.
        return now + max(player.frame_s / 4, next_due - self.clock())

    def lost(self) -> bool:
        """True, once, when a clip that was on screen broke off (a file damaged half-way): the
        caller repaints the screen, so the poster shows again instead of a frozen frame."""
        if self.player is not None and self.player.failed and self._last is not None:
            self._last = None
            return True
        return False

    def draw(self, surface: Canvas, *, again: bool = False) -> pygame.Rect | None:
        """Blit the newest frame (with its caption) into the target rect and return the rect; None
        when no new frame arrived. `again` redraws the last frame too (after a full repaint)."""
        if self.player is None or self.target is None or self.player.failed or self.held:
            return None  # (a failed clip's last frames are not shown: its poster is)
        frame = self.player.take()
        if frame is None:
            frame = self._last if again else None
        if frame is None:
            return None
        self._last = frame
        x, y, w, h = self.target.rect
        picture = pygame.image.frombuffer(frame.data, (w, h), "RGB", frame.pitch_bytes)
        surface.blit(picture, (x, y))
        cue = _cue_at(self.target.video.captions_for(self.target.language), frame.time_s)
        if cue is not None:
            band = self._caption(cue.text, w, h, self._floor_px(surface))
            surface.blit(band, (x, y + h - band.get_height()))
        return pygame.Rect(x, y, w, h)

    def _floor_px(self, surface: Canvas) -> int:
        if self.viewing is None:
            return MIN_CAPTION_PX  # touch: read at arm's length
        return text_floor(self.viewing, surface.get_width(), surface.get_height()).small_px

    def _caption(self, text: str, w: int, h: int, floor_px: int = MIN_CAPTION_PX) -> pygame.Surface:
        """The caption on its dark band, as wide as the frame, lines wrapped to fit (cached)."""
        key = (text, w, h, floor_px)
        band = self._captions.get(key)
        if band is not None:
            return band
        size_px = max(floor_px, round(h * CAPTION_SHARE))
        pad = max(6, size_px // 3)
        lines = wrap_caption(text, w - 2 * pad, size_px, self.fonts.measure)
        font = self.fonts.font(size_px, True)
        line_h = font.get_linesize()
        band = pygame.Surface((w, min(h, len(lines) * line_h + 2 * pad)))
        band.fill(CAPTION_BAND)
        for index, line in enumerate(lines):
            rendered = font.render(line, True, CAPTION_TEXT, CAPTION_BAND)
            band.blit(rendered, ((w - rendered.get_width()) // 2, pad + index * line_h))
        if len(self._captions) > 64:
            self._captions.clear()
        self._captions[key] = band
        return band

    def close(self) -> None:
        self.show(None)
        self._parked = None


def wrap_caption(
    text: str, width_px: int, size_px: int, measure: Callable[[str, int, bool], int]
) -> list[str]:
    """Greedy word wrap within `width_px` (a word too long for a line stands alone); the author's
    own line breaks are kept."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split():
            trial = f"{line} {word}" if line else word
            if line and measure(trial, size_px, True) > width_px:
                lines.append(line)
                line = word
            else:
                line = trial
        if line:
            lines.append(line)
    return lines or [""]


def _cue_at(cues: tuple[Cue, ...], time_s: float) -> Cue | None:
    for cue in cues:
        if cue.start_s <= time_s < cue.end_s:
            return cue
    return None
