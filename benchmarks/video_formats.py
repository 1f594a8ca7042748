"""Decoding a clip's frames as RGB (what the kiosk does) or straight into the display's 32-bit layout
(BGRA): the CPU of decode + scale + blit per frame, and whether the pictures are the same (issue 18).

    .venv/bin/python -m benchmarks.video_formats [--frames 250] [--clip FILE]

Each variant decodes the clip (by default benchmarks/video.py's 20 s 1280x720 noise clip, made in
a temporary folder), scales every frame to 660x371 (the picture's frame at 1080p) with FFmpeg and
blits it into a converted 1920x1080 surface, as `VideoLayer.draw` does; CPU is the whole
process's (FFmpeg's frame threads included), per frame. The pictures are compared after the blit,
frame by frame, with the RGB variant's: "identical" counts the frames whose every pixel is the same.

- `rgb24`: FFmpeg's bilinear scaler to RGB, then SDL converts each pixel in the blit (today).
- `bgra`: to BGRA with the same flags: FFmpeg takes its fast YUV->RGB path for 32-bit output.
- `bgra bitexact`: to BGRA with SWS_BITEXACT, which turns that fast path off.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.common import emit

SIZE = (660, 371)
SWS_BILINEAR = 0x2
SWS_BITEXACT = 0x80000

VARIANTS: dict[str, tuple[str, str | int, str]] = {
    "rgb24": ("rgb24", "BILINEAR", "RGB"),
    "bgra": ("bgra", "BILINEAR", "BGRA"),
    "bgra bitexact": ("bgra", SWS_BILINEAR | SWS_BITEXACT, "BGRA"),
}


def pictures(clip: Path, variant: str, frames: int, keep: bool) -> tuple[float, list[bytes]]:
    """CPU ms per frame of decode + scale + blit, and (with `keep`) each blitted picture's pixels."""
    import av
    import pygame

    layout, interpolation, pixel_format = VARIANTS[variant]
    target = pygame.Surface((1920, 1080)).convert()
    kept: list[bytes] = []
    count = 0
    cpu0 = time.process_time()
    with av.open(str(clip)) as container:
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        for frame in container.decode(stream):
            image = frame.reformat(width=SIZE[0], height=SIZE[1], format=layout, interpolation=interpolation)
            plane = image.planes[0]
            picture = pygame.image.frombuffer(bytes(plane), SIZE, pixel_format, plane.line_size)
            if pixel_format == "BGRA":
                picture.set_alpha(None)  # opaque: a plain copy, no blending
            target.blit(picture, (100, 100))
            if keep:
                kept.append(pygame.image.tobytes(target.subsurface((100, 100, *SIZE)), "RGB"))
            count += 1
            if count >= frames:
                break
    return 1000 * (time.process_time() - cpu0) / max(1, count), kept


def largest_difference(a: bytes, b: bytes) -> int:
    return max((abs(x - y) for x, y in zip(a, b, strict=True) if x != y), default=0)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="RGB or BGRA decoding of a clip: CPU per frame, same pixels?"
    )
    parser.add_argument("--frames", type=int, default=250)
    parser.add_argument("--clip", type=Path)
    args = parser.parse_args(argv)
    os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
    import pygame

    pygame.display.init()
    pygame.display.set_mode((1920, 1080))
    with tempfile.TemporaryDirectory(prefix="kiosk-video-formats-") as tmp:
        clip = args.clip
        if clip is None:
            from benchmarks.video import make_clip

            print("encoding the 1280x720 test clip...", file=sys.stderr)
            clip = make_clip(Path(tmp) / "bench-720p.mp4")
        _, reference = pictures(clip, "rgb24", args.frames, keep=True)
        report: dict = {
            "clip": str(clip) if args.clip else "benchmarks.video.make_clip",
            "frames": len(reference),
        }
        for variant in VARIANTS:
            _, shown = pictures(clip, variant, args.frames, keep=True)
            same = sum(a == b for a, b in zip(reference, shown, strict=True))
            worst = max(
                (largest_difference(a, b) for a, b in zip(reference[:5], shown[:5], strict=True)), default=0
            )
            # Timed apart from the comparison, twice in turn (a shared machine drifts).
            timings = [pictures(clip, variant, args.frames, keep=False)[0] for _ in range(2)]
            report[variant] = {
                "cpu_ms_per_frame": round(min(timings), 2),
                "frames_identical_to_rgb24": same,
                "largest_difference_in_first_5_frames": worst,
            }
        report["load_average"] = Path("/proc/loadavg").read_text().split()[0]
    emit(report)
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
    raise SystemExit(main())
