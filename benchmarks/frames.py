"""Frame cost of each transition (child process; prints one JSON line).

    python -m benchmarks.frames [--sizes 1280x720,1920x1080,3840x2160] [--pairs 9] [--gpu] [--patch NAME]

For each size: a display mode of that size (SDL_VIDEODRIVER=dummy unless the runner chose x11),
a fresh kiosk.render.stage.Stage, and for each consecutive pair of slides (slide i -> i+1, the loop's
own transitions) a State carrying a Transition. Both screens are painted before the clock starts
(first-time painting happens once per screen and is not a frame cost). Then every frame of the
transition, at the kiosk's own frame rate (Kiosk.frame_rate: FADE_FPS for the loop's crossfade, more
for a tap's short fade, 60 for a push), is timed:

- compose: Stage.compose into the display surface (converted, as in the kiosk); after the first
  frame of a fade it redraws only the regions with content and returns them (its damage);
- compose+copy: the same plus a blit of what changed (the damage, or the whole frame) into another
  surface of the display's format, the copy an update of a framebuffer makes (on the dummy driver
  flip is free);
- compose+flip: the same plus what the kiosk sends to the display: pygame.display.update(damage),
  or flip() for a whole frame (meaningful on x11: the XShm upload);
- compose_cpu: the compose's CPU time (time.thread_time), which other work on a shared machine
  inflates far less than the wall-clock figures.

Kinds: "crossfade" (slide -> slide, the deck's transition_s), "push" (push-next, 0.45 s), and
"fade-to-detail" (slide -> its first detail, 0.25 s, the tap's fade, info only).

--gpu adds the pygame._sdl2.video prototype: the same two painted screens as Textures of a
Renderer (whatever SDL picks: the software renderer on dummy, OpenGL on x11 where available,
plus an explicitly software one), a crossfade frame being draw(source) + draw(current, alpha) +
present().
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
from kiosk.cli import DEFAULT_DECK  # noqa: E402
from kiosk.content.loader import load_deck  # noqa: E402
from kiosk.core.program import Mode, build_program  # noqa: E402
from kiosk.core.state import OPEN_FADE_S, PUSH_S, Transition, initial_state  # noqa: E402
from kiosk.core.theme import THEMES  # noqa: E402
from kiosk.render.stage import Stage  # noqa: E402

FPS = 60


def fade_fps(duration_s: float) -> int:
    """The kiosk's own frame rate for a fade this long (kiosk.runtime.app.Kiosk.frame_rate)."""
    from kiosk.runtime import app

    fps = getattr(app, "FADE_FPS", FPS)  # an older kiosk faded at the push's rate
    if duration_s < getattr(app, "SHORT_FADE_S", 0.0):
        fps = getattr(app, "SHORT_FADE_FPS", fps)
    return fps


def parse_sizes(text: str) -> list[tuple[int, int]]:
    return [tuple(int(n) for n in part.split("x")) for part in text.split(",") if part]  # type: ignore[misc]


def transition_frames(duration_s: float, fps: int = FPS) -> list[float]:
    """The `now` of each frame of a transition that starts at 0, excluding its first and last."""
    count = max(2, round(duration_s * fps))
    return [duration_s * k / count for k in range(1, count)]


def measure_size(deck, program, size: tuple[int, int], pairs: int, check: bool) -> dict:
    display = pygame.display.set_mode(size)
    stage = Stage(program, THEMES[deck.theme], size)
    sink = pygame.Surface(size).convert()
    start = initial_state(program, 0.0)
    slides = len(deck.slides)
    kinds = {"crossfade": [], "push": [], "fade-to-detail": []}
    out: dict = {}
    for kind in kinds:
        fps = FPS
        compose: list[float] = []
        compose_cpu: list[float] = []
        with_copy: list[float] = []
        with_flip: list[float] = []
        for i in range(min(pairs, slides)):
            source = replace(start, index=i)
            if kind == "fade-to-detail":
                detail = deck.slides[i].details[0].id if deck.slides[i].details else None
                if detail is None:
                    continue
                target_state = replace(source, detail=detail)
                transition, duration = Transition(source.view, "fade", 0.0, OPEN_FADE_S), OPEN_FADE_S
            else:
                target_state = replace(start, index=(i + 1) % slides)
                if kind == "crossfade":
                    duration = deck.timing.transition_s
                    transition = Transition(source.view, "fade", 0.0, duration)
                else:
                    duration = PUSH_S
                    transition = Transition(source.view, "push-next", 0.0, duration)
            state = replace(target_state, transition=transition)
            stage.screen(source.view)  # paint both screens now: painting is not a frame cost
            stage.screen(state.view)
            stage.compose(source, 0.0, display)  # the screen shows the source, as in the loop
            fps = FPS if kind == "push" else fade_fps(duration)
            for now in transition_frames(duration, fps):
                c0, t0 = time.thread_time(), time.perf_counter()
                damage = stage.compose(state, now, display)
                t1, c1 = time.perf_counter(), time.thread_time()
                compose_cpu.append(c1 - c0)
                for rect in [display.get_rect()] if damage is None else damage:
                    sink.blit(display, rect, rect)
                t2 = time.perf_counter()
                if damage is None:
                    pygame.display.flip()
                elif damage:
                    pygame.display.update(damage)
                t3 = time.perf_counter()
                compose.append(t1 - t0)
                with_copy.append(t2 - t0)
                with_flip.append((t1 - t0) + (t3 - t2))
        out[kind] = {
            "fps": fps,
            "compose": summary_ms(compose),
            "compose_cpu": summary_ms(compose_cpu),
            "compose_copy": summary_ms(with_copy),
            "compose_flip": summary_ms(with_flip),
        }
    if check:
        out["identical_to_unpatched"] = check_identical(deck, program, size)
    return out


def check_identical(deck, program, size: tuple[int, int]) -> bool:
    """With a --patch that changes compose: every crossfade frame equals the unpatched one."""
    import kiosk.render.stage as stage_module
    from benchmarks import prototypes

    patched = stage_module.Stage.compose
    reference = prototypes.ORIGINAL_COMPOSE
    stage = Stage(program, THEMES[deck.theme], size)
    a, b = pygame.Surface(size).convert(), pygame.Surface(size).convert()
    start = initial_state(program, 0.0)
    for i in range(len(deck.slides)):
        source = replace(start, index=i)
        state = replace(
            start,
            index=(i + 1) % len(deck.slides),
            transition=Transition(source.view, "fade", 0.0, deck.timing.transition_s),
        )
        reference(stage, source, 0.0, a)
        patched(stage, source, 0.0, b)
        for now in transition_frames(deck.timing.transition_s):
            reference(stage, state, now, a)
            patched(stage, state, now, b)
            if a.get_buffer().raw != b.get_buffer().raw:
                return False
    return True


def measure_gpu(deck, program, size: tuple[int, int], pairs: int) -> dict:
    """Crossfade through pygame._sdl2.video: two Textures and a Renderer."""
    from pygame._sdl2 import video

    results: dict = {}
    stage = Stage(program, THEMES[deck.theme], size)
    start = initial_state(program, 0.0)
    screens = []
    for i in range(min(pairs, len(deck.slides))):
        screens.append(
            (
                stage.screen(replace(start, index=i).view).base,
                stage.screen(replace(start, index=(i + 1) % len(deck.slides)).view).base,
            )
        )
    for name, accelerated in (("default", -1), ("software", 0)):
        window = None
        try:
            window = video.Window("bench", size=size)
            renderer = video.Renderer(window, accelerated=accelerated, vsync=False)
            driver = _renderer_name(window)
            frames: list[float] = []
            upload: list[float] = []
            for base_a, base_b in screens:
                t0 = time.perf_counter()
                texture_a = video.Texture.from_surface(renderer, base_a)
                texture_b = video.Texture.from_surface(renderer, base_b)
                upload.append(time.perf_counter() - t0)
                texture_b.blend_mode = 1  # SDL_BLENDMODE_BLEND
                texture_a.draw()
                renderer.present()
                for now in transition_frames(deck.timing.transition_s):
                    alpha = round(255 * _ease(now / deck.timing.transition_s))
                    t0 = time.perf_counter()
                    texture_a.draw()
                    texture_b.alpha = alpha
                    texture_b.draw()
                    renderer.present()
                    frames.append(time.perf_counter() - t0)
                del texture_a, texture_b
            results[name] = {
                "renderer": driver,
                "frame": summary_ms(frames),
                "upload_two_textures": summary_ms(upload),
            }
            del renderer
        except Exception as exc:  # report, do not hide, a path that does not work here
            results[name] = {"error": f"{type(exc).__name__}: {exc}"}
        finally:
            if window is not None:
                window.destroy()
    return results


def _ease(t: float) -> float:
    return t * t * (3 - 2 * t)


def _renderer_name(window) -> str:
    """The SDL render driver in use (pygame-ce does not expose SDL_GetRendererInfo)."""
    import ctypes

    from benchmarks.prototypes import _sdl

    class Info(ctypes.Structure):
        _fields_ = [
            ("name", ctypes.c_char_p),
            ("flags", ctypes.c_uint32),
            ("num_texture_formats", ctypes.c_uint32),
            ("texture_formats", ctypes.c_uint32 * 16),
            ("max_texture_width", ctypes.c_int),
            ("max_texture_height", ctypes.c_int),
        ]

    try:
        sdl = _sdl()
        sdl.SDL_GetWindowFromID.restype = ctypes.c_void_p
        sdl.SDL_GetWindowFromID.argtypes = [ctypes.c_uint32]
        sdl.SDL_GetRenderer.restype = ctypes.c_void_p
        sdl.SDL_GetRenderer.argtypes = [ctypes.c_void_p]
        sdl.SDL_GetRendererInfo.argtypes = [ctypes.c_void_p, ctypes.POINTER(Info)]
        handle = sdl.SDL_GetRenderer(sdl.SDL_GetWindowFromID(window.id))
        info = Info()
        if handle and sdl.SDL_GetRendererInfo(handle, ctypes.byref(info)) == 0:
            return info.name.decode()
    except Exception:  # only a label: never fail the measurement over it
        pass
    return "unknown"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1280x720,1920x1080,3840x2160")
    parser.add_argument("--pairs", type=int, default=9, help="slide pairs (transitions) per kind and size")
    parser.add_argument("--gpu", action="store_true", help="also the pygame._sdl2.video Renderer prototype")
    parser.add_argument("--gpu-sizes", default="1920x1080,3840x2160", help="the sizes --gpu applies to")
    parser.add_argument("--patch", action="append", default=[])
    args = parser.parse_args()
    if args.patch:
        from benchmarks import prototypes

        prototypes.install(args.patch)
    pygame.display.init()
    if pygame.display.get_driver() == "x11":
        # As kiosk.app.open_display does: X11's own (XShm) framebuffer, not an OpenGL texture.
        os.environ.setdefault("SDL_FRAMEBUFFER_ACCELERATION", "0")
    pygame.font.init()
    deck = load_deck(DEFAULT_DECK)
    program = build_program(deck, Mode.TOUCH)
    result: dict = {
        "driver": pygame.display.get_driver(),
        "pygame_ce": pygame.version.ver,
        "sdl": ".".join(map(str, pygame.get_sdl_version())),
        "patches": args.patch,
        "sizes": {},
    }
    for size in parse_sizes(args.sizes):
        key = f"{size[0]}x{size[1]}"
        result["sizes"][key] = measure_size(deck, program, size, args.pairs, check=bool(args.patch))
        if args.gpu and size in parse_sizes(args.gpu_sizes):
            result["sizes"][key]["gpu_crossfade"] = measure_gpu(deck, program, size, args.pairs)
    emit(result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
