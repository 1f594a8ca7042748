"""The GPU presenter's crossfade frame against the surface path's (child process; one JSON line).

    python -m benchmarks.gpu [--sizes 1920x1080,3840x2160] [--pairs 9] [--renderer software|best]

For each size and each consecutive pair of slides, the loop's own crossfade (the deck's
transition_s at 60 frames a second), timed frame by frame in one process:

- surface: `Stage.compose` into a surface of that size (the display's format), what the kiosk
  does on the software path, flip not included (free on the dummy driver, an XShm or kmsdrm upload
  elsewhere); no display mode is set, so on kmsdrm the renderer's window is the only one;
- gpu: `Stage.compose` into the GPU presenter's TextureCanvas plus `present()`: the kiosk's
  `--renderer gpu` frame. The screens are painted before the clock starts, as for `surface`; the
  first frame of each pair uploads the two screens as textures and is reported apart (`upload`).

`--renderer software` (the default) forces SDL's software renderer: the baseline that runs
anywhere, byte-identical to the surface path (tests/test_gpu_renderer.py). `best` takes what
`--renderer gpu` takes (opengles2 on a Raspberry Pi's V3D under kmsdrm); there `present()` only
queues the GPU's work (or, on kmsdrm, may wait for the last page flip), so read the figure as the
CPU's cost of a frame, not the GPU's. On kmsdrm pass --sizes with the panel's own size.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from dataclasses import replace

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

import pygame  # noqa: E402

from benchmarks.common import emit, summary_ms  # noqa: E402
from benchmarks.frames import parse_sizes, transition_frames  # noqa: E402
from kiosk.cli import DEFAULT_DECK  # noqa: E402
from kiosk.content.loader import load_deck  # noqa: E402
from kiosk.core.program import Mode, build_program  # noqa: E402
from kiosk.core.state import Transition, initial_state  # noqa: E402
from kiosk.core.theme import THEMES  # noqa: E402
from kiosk.render.gpu import GpuPresenter, open_renderer, open_window  # noqa: E402
from kiosk.render.stage import Stage  # noqa: E402
from kiosk.runtime.display import open_gpu  # noqa: E402


def presenter_for(size: tuple[int, int], renderer: str) -> GpuPresenter:
    if renderer == "software":
        window = open_window(size, fullscreen=False)
        return GpuPresenter(window, open_renderer(window, software=True))
    made = open_gpu("gpu", pygame.display.get_driver(), size, fullscreen=False, borderless=True, rotation=0)
    assert isinstance(made, GpuPresenter)
    return made


def measure(deck, program, size: tuple[int, int], pairs: int, renderer: str) -> dict:
    display = pygame.Surface(size)  # 32-bit XRGB, as a display surface on dummy, x11 or kmsdrm
    surface_stage = Stage(program, THEMES[deck.theme], size)
    gpu_stage = Stage(program, THEMES[deck.theme], size)
    presenter = presenter_for(size, renderer)
    start = initial_state(program, 0.0)
    slides = len(deck.slides)
    duration = deck.timing.transition_s
    surface: list[float] = []
    gpu: list[float] = []
    upload: list[float] = []
    try:
        for i in range(min(pairs, slides)):
            source = replace(start, index=i)
            state = replace(
                start, index=(i + 1) % slides, transition=Transition(source.view, "fade", 0.0, duration)
            )
            for stage in (surface_stage, gpu_stage):
                stage.screen(source.view)  # painted before the clock starts (not a frame's cost)
                stage.screen(state.view)
            frames = transition_frames(duration)
            t0 = time.perf_counter()
            gpu_stage.compose(state, frames[0], presenter.canvas(size))
            presenter.present()
            upload.append(time.perf_counter() - t0)
            for now in frames:
                t0 = time.perf_counter()
                surface_stage.compose(state, now, display)
                surface.append(time.perf_counter() - t0)
                t0 = time.perf_counter()
                gpu_stage.compose(state, now, presenter.canvas(size))
                presenter.present()
                gpu.append(time.perf_counter() - t0)
        return {
            "renderer": presenter.info.describe(),
            "surface_compose": summary_ms(surface),
            "gpu_frame": summary_ms(gpu),
            "first_frame_with_upload": summary_ms(upload),
        }
    finally:
        presenter.close()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1920x1080,3840x2160")
    parser.add_argument("--pairs", type=int, default=9, help="slide pairs (crossfades) per size")
    parser.add_argument("--renderer", choices=("software", "best"), default="software")
    args = parser.parse_args()
    pygame.display.init()
    pygame.font.init()
    deck = load_deck(DEFAULT_DECK)
    program = build_program(deck, Mode.TOUCH)
    result: dict = {
        "driver": pygame.display.get_driver(),
        "renderer": args.renderer,
        "sdl": ".".join(map(str, pygame.get_sdl_version())),
        "sizes": {},
    }
    for size in parse_sizes(args.sizes):
        result["sizes"][f"{size[0]}x{size[1]}"] = measure(deck, program, size, args.pairs, args.renderer)
    emit(result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
