"""Clips made on the spot with PyAV for the video tests: solid colours, bad sizes, long and broken
files. Nothing big is committed; each clip takes milliseconds to a second to encode."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av

RED = (220, 30, 30)
BLUE = (30, 60, 220)
GREEN = (30, 180, 60)


def solid_frame(colour: tuple[int, int, int], size: tuple[int, int]) -> av.VideoFrame:
    w, h = size
    return av.VideoFrame.from_bytes(bytes([*colour, 255]) * (w * h), w, h, format="rgba")


def make_clip(
    path: Path,
    *,
    size: tuple[int, int] = (64, 48),
    fps: int = 10,
    colours: tuple[tuple[int, int, int], ...] = (RED,),
    seconds_each: float = 1.0,
    codec: str = "libx264",
) -> Path:
    """A clip showing each colour in turn for `seconds_each`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with av.open(str(path), "w") as container:
        stream = container.add_stream(
            codec, rate=fps, options={"preset": "ultrafast"} if "264" in codec else {}
        )
        stream.width, stream.height = size
        stream.pix_fmt = "yuv420p"
        n = 0
        for colour in colours:
            frame = solid_frame(colour, size)
            for _ in range(round(seconds_each * fps)):
                frame.pts = n
                frame.time_base = Fraction(1, fps)
                container.mux(stream.encode(frame))
                n += 1
        container.mux(stream.encode(None))
    return path


def make_long_clip(path: Path, hours: float = 10.0) -> Path:
    """Two frames, the second `hours` after the first: a 10-hour clip in a few kilobytes."""
    with av.open(str(path), "w") as container:
        stream = container.add_stream("libx264", rate=1, options={"preset": "ultrafast"})
        stream.width, stream.height = 64, 48
        stream.pix_fmt = "yuv420p"
        stream.codec_context.time_base = Fraction(1, 1)
        for pts in (0, round(hours * 3600)):
            frame = solid_frame(GREEN, (64, 48))
            frame.pts = pts
            frame.time_base = Fraction(1, 1)
            container.mux(stream.encode(frame))
        container.mux(stream.encode(None))
    return path
