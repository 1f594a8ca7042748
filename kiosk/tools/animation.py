"""The "How it works" animation: drawn from the deck's own step illustrations and encoded here.

    python -m kiosk.tools.animation assets/videos/how-it-works.mp4 [--frames /tmp/frames]

Four scenes follow the source text (../shared/source/sclerotherapy-article.txt, and nothing
else): a solution goes into the vein (a drop above the skin: no needle on screen); the vein scars
and closes; blood takes the healthier veins; the closed vein fades over time. Each scene is one of
assets/illustrations/step-*.svg, rendered by pygame at the clip's size, with a little motion drawn
on top (the solution and the blood moving along the vein, read from the SVG's own vein outline)
and a slow crossfade between scenes. The clip opens on how-it-works.svg, the slide's poster, so the
poster and the first frame agree. Frames are encoded by PyAV: H.264 when this FFmpeg has libx264,
else VP9 in WebM. The captions (.vtt, en and es) are written next to the clip from `SCENES`.
"""

from __future__ import annotations

import argparse
import re
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import pygame

from kiosk.resources import ASSETS_DIR

SIZE_PX = 720  # square: the illustrations are square, so the slide's frame keeps its shape
FPS = 24
FADE_S = 0.8
STEP_SHARE = 0.86  # the step pictures' share of the frame
ILLUSTRATIONS = ASSETS_DIR / "illustrations"
BACKGROUND = (233, 220, 207)  # the warm theme's sand (#e9dccf): the poster's frame, so nothing jumps


@dataclass(frozen=True, slots=True, kw_only=True)
class Scene:
    picture: str
    start_s: float
    end_s: float
    captions: dict[str, str]
    motion: str = ""  # "solution", "reroute" or ""


SCENES = (
    Scene(
        picture="how-it-works.svg",
        start_s=0.0,
        end_s=1.2,
        captions={},
    ),
    Scene(
        picture="step-1-inject.svg",
        start_s=1.2,
        end_s=5.0,
        captions={"en": "A solution is put into the vein.", "es": "Se pone una solución en la vena."},
        motion="solution",
    ),
    Scene(
        picture="step-2-collapse.svg",
        start_s=5.0,
        end_s=8.8,
        captions={"en": "The vein scars and closes.", "es": "La vena se cicatriza y se cierra."},
    ),
    Scene(
        picture="step-3-reroute.svg",
        start_s=8.8,
        end_s=12.6,
        captions={
            "en": "Your blood flows through healthier veins.",
            "es": "La sangre pasa por venas más sanas.",
        },
        motion="reroute",
    ),
    Scene(
        picture="step-4-fade.svg",
        start_s=12.6,
        end_s=16.0,
        captions={
            "en": "Over time, the closed vein fades.",
            "es": "Con el tiempo, la vena cerrada se borra.",
        },
    ),
)
DURATION_S = SCENES[-1].end_s


def vein_centre(svg: Path, *, lowest: bool = False) -> list[tuple[float, float]]:
    """The centre line of a vein drawn as a closed band of `L x y` points (top edge left to right,
    bottom edge back), in the SVG's 400-unit box: the longest such path, or the lowest one."""
    bands = []
    for match in re.finditer(r'<path d="M([^"]+)"', svg.read_text(encoding="utf-8")):
        points = [(float(x), float(y)) for x, y in re.findall(r"(-?[\d.]+)[ ,](-?[\d.]+)", match.group(1))]
        if len(points) >= 40:
            bands.append(points)
    if not bands:
        return []
    band = max(bands, key=lambda p: sum(y for _, y in p) / len(p)) if lowest else max(bands, key=len)
    half = len(band) // 2
    top, bottom = band[:half], list(reversed(band[half:]))
    return [((a[0] + b[0]) / 2, (a[1] + b[1]) / 2) for a, b in zip(top, bottom, strict=False)]


def _along(line: list[tuple[float, float]], t: float) -> tuple[float, float]:
    """The point a fraction `t` (0..1) of the way along `line`."""
    position = min(max(t, 0.0), 1.0) * (len(line) - 1)
    i = min(int(position), len(line) - 2)
    f = position - i
    (x0, y0), (x1, y1) = line[i], line[i + 1]
    return x0 + (x1 - x0) * f, y0 + (y1 - y0) * f


class Animation:
    def __init__(self, size_px: int = SIZE_PX) -> None:
        self.size_px = size_px
        # The step scenes are drawn a little smaller and higher, so the captions at the bottom of
        # the frame never cover the vein; the opening scene is the poster, at the poster's size.
        self.scale = size_px * STEP_SHARE / 400
        self.offset = (round(size_px * (1 - STEP_SHARE) / 2), round(size_px * 0.02))
        step_px = round(size_px * STEP_SHARE)
        self.pictures = {
            scene.picture: pygame.image.load_sized_svg(
                str(ILLUSTRATIONS / scene.picture), (size_px, size_px) if index == 0 else (step_px, step_px)
            )
            for index, scene in enumerate(SCENES)
        }
        self.solution_line = vein_centre(ILLUSTRATIONS / "step-1-inject.svg")
        self.blood_line = vein_centre(ILLUSTRATIONS / "step-3-reroute.svg", lowest=True)

    def frame(self, t: float) -> pygame.Surface:
        surface = pygame.Surface((self.size_px, self.size_px))
        surface.fill(BACKGROUND)
        index = next((i for i, s in enumerate(SCENES) if s.start_s <= t < s.end_s), len(SCENES) - 1)
        scene = SCENES[index]
        self._scene(surface, scene, t, 255)
        # The next scene fades in over the last FADE_S of this one.
        if index + 1 < len(SCENES) and t > scene.end_s - FADE_S:
            alpha = round(255 * (t - (scene.end_s - FADE_S)) / FADE_S)
            self._scene(surface, SCENES[index + 1], t, alpha)
        return surface

    def _scene(self, surface: pygame.Surface, scene: Scene, t: float, alpha: int) -> None:
        layer = self.pictures[scene.picture].copy()
        opening = scene is SCENES[0]
        local = t - scene.start_s
        if scene.motion == "solution" and self.solution_line:
            # Light drops of the solution spread out along the vein from where it was given.
            for k in range(6):
                spread = min(1.0, max(0.0, local - 0.4) / 2.5)
                offset = (k - 2.5) / 2.5 * 0.42 * spread
                x, y = _along(self.solution_line, 0.5 + offset)
                pygame.draw.circle(layer, (207, 227, 234), (x * self.scale, y * self.scale), 5 * self.scale)
        elif scene.motion == "reroute" and self.blood_line:
            # Blood moving on through the healthier vein, left to right.
            for k in range(5):
                x, y = _along(self.blood_line, ((local * 0.22) + k / 5) % 1.0)
                pygame.draw.circle(layer, (246, 235, 245), (x * self.scale, y * self.scale), 4.5 * self.scale)
        if alpha < 255:
            layer.set_alpha(alpha)
        surface.blit(layer, (0, 0) if opening else self.offset)


def write_captions(clip: Path) -> list[Path]:
    written = []
    for language in ("en", "es"):
        lines = ["WEBVTT", ""]
        for scene in SCENES:
            text = scene.captions.get(language)
            if text:
                lines += [f"{_time(scene.start_s + 0.2)} --> {_time(scene.end_s - 0.2)}", text, ""]
        path = clip.with_name(f"{clip.stem}.{language}.vtt")
        path.write_text("\n".join(lines), encoding="utf-8")
        written.append(path)
    return written


def _time(seconds: float) -> str:
    minutes, rest = divmod(seconds, 60)
    return f"{int(minutes):02d}:{rest:06.3f}"


def encode(clip: Path, frames_dir: Path | None = None) -> Path:
    import av

    animation = Animation()
    h264 = "libx264" in av.codecs_available
    if not h264:
        clip = clip.with_suffix(".webm")
    options = {"crf": "30", "preset": "veryslow"} if h264 else {"crf": "40", "b": "0"}
    with av.open(str(clip), "w", options={"movflags": "+faststart"} if h264 else {}) as container:
        stream = container.add_stream("libx264" if h264 else "libvpx-vp9", rate=FPS, options=options)
        stream.width = stream.height = SIZE_PX
        stream.pix_fmt = "yuv420p"
        count = round(DURATION_S * FPS)
        for n in range(count):
            surface = animation.frame(n / FPS)
            if frames_dir is not None and n % FPS == 0:
                frames_dir.mkdir(parents=True, exist_ok=True)
                pygame.image.save(surface, str(frames_dir / f"frame-{n // FPS:02d}s.png"))
            frame = av.VideoFrame.from_bytes(
                pygame.image.tobytes(surface, "RGBA"), SIZE_PX, SIZE_PX, format="rgba"
            )
            frame.pts = n
            frame.time_base = Fraction(1, FPS)
            container.mux(stream.encode(frame))
        container.mux(stream.encode(None))
    return clip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Render and encode the How it works animation.")
    parser.add_argument(
        "clip", type=Path, help="where to write the clip, like assets/videos/how-it-works.mp4"
    )
    parser.add_argument("--frames", type=Path, help="also save one frame a second as PNG here")
    args = parser.parse_args(argv)
    pygame.init()
    args.clip.parent.mkdir(parents=True, exist_ok=True)
    clip = encode(args.clip, args.frames)
    captions = write_captions(clip)
    print(
        f"{clip}: {clip.stat().st_size:,} bytes, {DURATION_S:g} s; captions: {', '.join(map(str, captions))}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
