"""The GPU path (issue 16): SDL's renderer draws the same pictures as the surface path.

Under SDL's software renderer (what `--renderer gpu` falls back to on the dummy driver) every
frame the kiosk composes through a TextureCanvas is compared with the same frame composed into a
surface: still slides, details, crossfades (both halves), pushes, burn-in shifts and turned panels
are byte-identical; the pressed tint (SDL's multiply blend mode against pygame's BLEND_RGB_MULT,
which round differently) may differ by one level per channel, and does by exactly that.
"""

from __future__ import annotations

import itertools
import random
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from dataclasses import replace

import pygame
import pytest
from conftest import FROZEN_DECK, REPO, child_env

from kiosk.core.actions import Open
from kiosk.core.admin import AdminState
from kiosk.core.intents import Resize
from kiosk.core.program import Mode, Program, build_program
from kiosk.core.state import State, Transition, initial_state
from kiosk.core.theme import THEMES
from kiosk.layout.items import Hotspot
from kiosk.render.gpu import GpuPresenter, RendererInfo, open_renderer, open_window
from kiosk.render.stage import Stage
from kiosk.runtime.app import Kiosk
from kiosk.runtime.display import gpu_worth_probing, open_gpu
from kiosk.runtime.settings import Settings

SIZE = (1280, 720)
FADE_S = 0.8


@pytest.fixture()
def sdl() -> Iterator[None]:
    pygame.display.init()
    pygame.font.init()
    yield


@pytest.fixture()
def presenter(sdl) -> Iterator[GpuPresenter]:
    window = open_window(SIZE, fullscreen=False)
    made = GpuPresenter(window, open_renderer(window, software=True))
    yield made
    made.close()


@pytest.fixture()
def program(deck) -> Program:
    return build_program(deck, Mode.TOUCH)


def rgb(surface: pygame.Surface) -> bytes:
    return pygame.image.tobytes(surface, "RGB")


def max_difference(a: pygame.Surface, b: pygame.Surface) -> int:
    """The largest difference of one channel of one pixel (0: identical)."""
    assert a.get_size() == b.get_size()
    left, right = rgb(a), rgb(b)
    if left == right:
        return 0
    return max(abs(x - y) for x, y in zip(left, right, strict=True) if x != y)


def software_frame(stage: Stage, state: State, now: float, shift: tuple[int, int] = (0, 0)) -> pygame.Surface:
    frame = pygame.Surface(stage.size)
    stage.compose(state, now, frame, shift=shift)
    return frame


def gpu_frame(
    presenter: GpuPresenter, stage: Stage, state: State, now: float, shift: tuple[int, int] = (0, 0)
) -> pygame.Surface:
    stage.compose(state, now, presenter.canvas(stage.size), shift=shift)
    presenter.present()
    return presenter.frame()  # the software renderer keeps the presented frame readable


def first_card(stage: Stage, state: State) -> Hotspot:
    return next(h for h in stage.layout(state.view).hotspots if isinstance(h.action, Open))


def ease_inverse(alpha: float) -> float:
    """The t in 0..1 where Stage's smoothstep ease(t) == alpha (bisection)."""
    low, high = 0.0, 1.0
    for _ in range(60):
        middle = (low + high) / 2
        if middle * middle * (3 - 2 * middle) < alpha:
            low = middle
        else:
            high = middle
    return low


def fade_time(alpha: float, *, incoming: bool) -> float:
    """When, in a fade of FADE_S starting at 0, a screen is drawn at `alpha`: the outgoing one in
    the first half (opacity 1 - ease(2p)), the incoming one in the second (ease(2p - 1))."""
    if incoming:
        return FADE_S * (0.5 + ease_inverse(alpha) / 2)
    return FADE_S * ease_inverse(1.0 - alpha) / 2


def scenes(program: Program, stage: Stage) -> list[tuple[str, State, float, tuple[int, int], int]]:
    """(name, state, now, shift, allowed difference) for every kind of frame the Stage draws."""
    start = initial_state(program, 0.0)
    slide = replace(start, index=1)
    detail_id = first_card(stage, slide).action.detail  # type: ignore[union-attr]
    detail = replace(slide, detail=detail_id)
    change = replace(slide, transition=Transition(start.view, "fade", 0.0, FADE_S))
    out: list[tuple[str, State, float, tuple[int, int], int]] = [
        ("slide", slide, 0.0, (0, 0), 0),
        ("detail", detail, 0.0, (0, 0), 0),
        ("large text", replace(slide, large_text=True), 0.0, (0, 0), 0),
        ("spanish detail", replace(detail, language="es"), 0.0, (0, 0), 0),
        ("burn-in shift", slide, 0.0, (2, -2), 0),
        ("dark, outside opening hours", replace(slide, closed=True), 0.0, (0, 0), 0),
    ]
    for alpha in (0.25, 0.5, 0.75):
        out.append((f"crossfade in at {alpha}", change, fade_time(alpha, incoming=True), (0, 0), 0))
        out.append((f"crossfade out at {alpha}", change, fade_time(alpha, incoming=False), (0, 0), 0))
    for kind in ("push-next", "push-previous"):
        push = replace(slide, transition=Transition(start.view, kind, 0.0, 0.45))  # type: ignore[arg-type]
        for now in (0.1, 0.225, 0.4):
            out.append((f"{kind} at {now}", push, now, (0, 0), 0))
    card = first_card(stage, slide)
    # The tint multiplies: SDL rounds s*d/255 down, pygame (s*d + 255) >> 8; one level apart.
    out.append(("pressed card", replace(slide, pressed=card.action), 0.0, (0, 0), 1))
    tap = replace(detail, transition=Transition(slide.view, "fade", 0.0, 0.25, pressed=card.action))
    out.append(("tap's fade, pressed card fading out", tap, 0.06, (0, 0), 1))
    return out


def test_every_kind_of_frame_is_the_surface_paths_frame(deck, program, presenter):
    software_stage = Stage(program, THEMES["warm"], SIZE)
    gpu_stage = Stage(program, THEMES["warm"], SIZE)
    measured: dict[str, int] = {}
    for name, state, now, shift, allowed in scenes(program, software_stage):
        expected = software_frame(software_stage, state, now, shift)
        got = gpu_frame(presenter, gpu_stage, state, now, shift)
        measured[name] = max_difference(expected, got)
        assert measured[name] <= allowed, (name, measured[name])
    # The tint really is drawn (and really rounds differently): the test can tell.
    assert measured["pressed card"] == 1
    # Still frames, fades and pushes: byte-identical.
    assert all(value == 0 for name, value in measured.items() if "pressed" not in name), measured


def test_the_crossfade_frames_are_not_trivially_equal(deck, program, presenter):
    """The fade scenes draw different pictures (a fade that never blended would pass the test above
    only if both paths skipped it alike)."""
    stage = Stage(program, THEMES["warm"], SIZE)
    start = initial_state(program, 0.0)
    change = replace(start, index=1, transition=Transition(start.view, "fade", 0.0, FADE_S))
    frames = [rgb(gpu_frame(presenter, stage, change, fade_time(a, incoming=True))) for a in (0.25, 0.75)]
    settled = rgb(gpu_frame(presenter, stage, replace(change, transition=None), 0.0))
    assert len({*frames, settled}) == 3


@pytest.mark.parametrize("rotation", [90, 180, 270])
def test_a_turned_panel_is_turned_the_same_way(deck, program, sdl, rotation):
    panel = (640, 360)
    window = open_window(panel, fullscreen=False)
    presenter = GpuPresenter(window, open_renderer(window, software=True), rotation=rotation)
    try:
        logical = (360, 640) if rotation in (90, 270) else panel
        stage = Stage(program, THEMES["warm"], logical)
        state = replace(initial_state(program, 0.0), index=2)
        upright = software_frame(stage, state, 0.0)
        expected = pygame.transform.rotate(upright, -rotation)  # as Kiosk.draw turns it
        got = gpu_frame(presenter, stage, state, 0.0)
        assert got.get_size() == panel
        assert max_difference(expected, got) == 0
    finally:
        presenter.close()


def test_texture_canvas_blits_as_a_surface_does(sdl, presenter):
    """Source rectangles (the scrolling strip, the chrome bands), including ones reaching off the
    source, destinations off the canvas, surface alpha and clip rectangles, on random pixels."""
    chance = random.Random(16)
    source = pygame.Surface((300, 200))
    for _ in range(400):
        colour = (chance.randrange(256), chance.randrange(256), chance.randrange(256))
        source.fill(colour, pygame.Rect(chance.randrange(300), chance.randrange(200), 17, 9))
    cases = [
        ((10, 20), None, None),
        ((-40, 500), pygame.Rect(0, 50, 300, 100), None),
        ((1200, 700), None, 128),
        ((100, 100), pygame.Rect(-20, -10, 120, 80), None),
        ((50, 60), pygame.Rect(250, 150, 100, 100), 77),
    ]
    clips = [None, pygame.Rect(40, 30, 200, 150), pygame.Rect(1100, 600, 500, 500)]
    for (dest, area, alpha), clip in itertools.product(cases, clips):
        expected = pygame.Surface(SIZE)
        expected.fill((30, 60, 90))
        canvas = presenter.canvas(SIZE)
        canvas.fill((30, 60, 90))
        for target in (expected, canvas):
            target.set_clip(clip)
            target.fill((200, 10, 10), pygame.Rect(20, 20, 300, 300))
        assert canvas.get_clip() == expected.get_clip()
        source.set_alpha(alpha)
        expected.blit(source, dest, area)
        canvas.blit(source, dest, area)
        source.set_alpha(None)
        presenter.present()
        assert max_difference(expected, presenter.frame()) == 0, (dest, area, alpha, clip)


def test_a_screen_is_uploaded_once_and_its_texture_freed_with_it(deck, program, presenter):
    stage = Stage(program, THEMES["warm"], SIZE)
    start = initial_state(program, 0.0)
    stage.compose(start, 0.0, presenter.canvas(SIZE))
    presenter.present()
    texture = presenter.textures.get(stage.screen(start.view).base)
    stage.compose(start, 0.0, presenter.canvas(SIZE))
    assert presenter.textures.get(stage.screen(start.view).base) is texture  # not uploaded again
    for index in range(len(deck.slides)):
        stage.compose(replace(start, index=index), 0.0, presenter.canvas(SIZE))
        presenter.present()
    # The Stage's screen cache is bounded; the textures follow it (one per cached surface).
    surfaces = stage.cached_screens + sum(s.strip is not None for s in stage._screens.values())
    assert presenter.cached_textures == surfaces < len(deck.slides)
    stage.reset()
    assert presenter.cached_textures == 0


def test_every_frame_gets_a_new_canvas_that_holds_nothing_of_the_last(sdl, presenter):
    """After present() a GPU back buffer is undefined: a Stage that redraws only what changed
    since its last frame into the same target must see a new target every frame."""
    first, second = presenter.canvas(SIZE), presenter.canvas(SIZE)
    assert first is not second
    assert first.textures is second.textures  # the uploads are shared, not repeated
    assert second.get_clip() == pygame.Rect((0, 0), SIZE)


def test_unsupported_drawing_fails_loudly_instead_of_drawing_wrong(sdl, presenter):
    canvas = presenter.canvas(SIZE)
    with pytest.raises(NotImplementedError):
        canvas.blit(pygame.Surface((4, 4)), (0, 0), special_flags=pygame.BLEND_ADD)
    with pytest.raises(NotImplementedError):
        canvas.fill((1, 2, 3), special_flags=pygame.BLEND_RGB_ADD)


# -- the kiosk on the GPU path: same frames, same taps ------------------------------------------------


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def tap(kiosk: Kiosk, clock: FakeClock, x: int, y: int) -> None:
    for kind in (pygame.MOUSEBUTTONDOWN, pygame.MOUSEBUTTONUP):
        kiosk.handle_event(pygame.event.Event(kind, pos=(x, y), button=1, touch=False))
        clock.now += 0.05
        kiosk.tick()


@pytest.mark.parametrize("rotation", [0, 90])
def test_the_kiosk_draws_and_hits_the_same_on_both_paths(deck, sdl, rotation):
    """Kiosk.draw through the presenter, against Kiosk.draw on a display surface; a tap at one panel
    point opens the same detail on both (the renderer's logical size is the window's)."""
    panel = (960, 540)
    display = pygame.display.set_mode(panel)
    window = open_window(panel, fullscreen=False)
    presenter = GpuPresenter(window, open_renderer(window, software=True), rotation=rotation)
    try:
        assert presenter.renderer.logical_size == panel == presenter.get_size()
        settings = Settings(mode=Mode.TOUCH, rotation=rotation)
        clocks = FakeClock(), FakeClock()
        software = Kiosk(deck, settings, display, clock=clocks[0])
        gpu = Kiosk(deck, settings, presenter, clock=clocks[1])
        assert gpu.orientation == software.orientation
        software.tick()
        gpu.tick()
        assert max_difference(display, presenter.frame()) == 0
        card = first_card(software.stage, software.state)
        x, y = software.orientation.to_panel(card.box.x + card.box.w / 2, card.box.y + card.box.h / 2)
        for kiosk, clock in zip((software, gpu), clocks, strict=True):
            tap(kiosk, clock, round(x), round(y))
        assert software.state.view == gpu.state.view
        assert gpu.state.view.detail == card.action.detail  # type: ignore[union-attr]
        for clock in clocks:
            clock.now += 1.0  # past the tap's fade
        software.tick()
        gpu.tick()
        assert max_difference(display, presenter.frame()) == 0
        # The staff screen (painted fresh on each draw) goes through the same canvas.
        for kiosk in (software, gpu):
            kiosk.state = replace(kiosk.state, admin=AdminState("pin", digits="12"))
            kiosk.draw(clocks[0].now)
        assert max_difference(display, presenter.frame()) == 0
    finally:
        presenter.close()


def test_a_resized_window_is_laid_out_again_on_the_gpu_path(deck, sdl):
    window = open_window((800, 600), fullscreen=False)
    presenter = GpuPresenter(window, open_renderer(window, software=True))
    try:
        clock = FakeClock()
        kiosk = Kiosk(deck, Settings(mode=Mode.TOUCH), presenter, clock=clock)
        kiosk.tick()
        window.size = (1024, 576)
        kiosk.handle(Resize(1024, 576), clock.now)
        kiosk.tick()
        assert kiosk.stage.size == (1024, 576) == presenter.renderer.logical_size
        expected = Stage(kiosk.program, THEMES[deck.theme], (1024, 576))
        assert max_difference(software_frame(expected, kiosk.state, clock.now), presenter.frame()) == 0
    finally:
        presenter.close()


# -- choosing the renderer ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("info", "software"),
    [
        (RendererInfo(name="opengles2", accelerated=True, gl_renderer="V3D 7.1"), False),
        (RendererInfo(name="opengles2", accelerated=True, gl_renderer="V3D 4.2"), False),
        (RendererInfo(name="opengl", accelerated=True, gl_renderer="Mesa Intel(R) UHD Graphics 620"), False),
        (RendererInfo(name="opengl", accelerated=True, gl_renderer="llvmpipe (LLVM 15.0.6, 256 bits)"), True),
        (RendererInfo(name="opengl", accelerated=True, gl_renderer="softpipe"), True),
        (RendererInfo(name="opengles2", accelerated=True, gl_renderer="Software Rasterizer (swrast)"), True),
        (RendererInfo(name="software", accelerated=False, gl_renderer=None), True),
    ],
)
def test_a_software_rasteriser_is_never_taken_for_a_gpu(info, software):
    assert info.software_rasteriser is software


def test_auto_asks_no_gl_question_without_a_gpu_device(tmp_path):
    assert not gpu_worth_probing("x11", tmp_path)
    assert not gpu_worth_probing("dummy", tmp_path)
    (tmp_path / "renderD128").touch()
    assert gpu_worth_probing("kmsdrm", tmp_path)
    assert not gpu_worth_probing("offscreen", tmp_path)  # headless drivers: never


def test_auto_and_software_keep_the_surface_path_here(sdl, tmp_path):
    kwargs = {"fullscreen": False, "borderless": False, "rotation": 0}
    assert open_gpu("software", "dummy", (320, 200), **kwargs) is None
    assert open_gpu("auto", pygame.display.get_driver(), (320, 200), **kwargs) is None
    (tmp_path / "renderD128").touch()  # even with a GPU device: dummy has only SDL's software renderer
    assert open_gpu("auto", "x11", (320, 200), dri=tmp_path, **kwargs) is None


def test_gpu_forced_runs_on_sdls_software_renderer(sdl):
    presenter = open_gpu("gpu", "dummy", (320, 200), fullscreen=False, borderless=False, rotation=0)
    assert isinstance(presenter, GpuPresenter)
    try:
        assert presenter.info.name == "software"
        assert presenter.get_size() == (320, 200)
    finally:
        presenter.close()


def test_the_renderer_comes_from_the_command_line_or_the_local_settings(deck, tmp_path):
    from kiosk.cli import build_parser
    from kiosk.content.problems import ContentError
    from kiosk.runtime.settings import read_local_settings, settings_for

    assert build_parser().parse_args(["run", "--renderer", "gpu"]).renderer == "gpu"
    assert settings_for(deck).renderer == "auto"
    local = tmp_path / "settings.yaml"
    local.write_text("renderer: software\n")
    from_file = read_local_settings(local)
    assert settings_for(deck, local=from_file).renderer == "software"
    assert settings_for(deck, local=from_file, renderer="gpu").renderer == "gpu"  # the command line wins
    local.write_text("renderer: opengl\n")
    with pytest.raises(ContentError) as caught:
        read_local_settings(local)
    assert "renderer" in caught.value.problems[0].format()


# -- a real X server: the GL probe -----------------------------------------------------------------

PROBE = textwrap.dedent(
    """
    import pathlib, sys, tempfile
    import pygame
    from kiosk.runtime.display import init_display, open_gpu
    from kiosk.render import gpu

    driver = init_display()
    fake_dri = pathlib.Path(tempfile.mkdtemp())
    (fake_dri / "renderD128").touch()  # make auto ask the GL what it is
    kwargs = dict(fullscreen=False, borderless=False, rotation=0)
    print("auto", open_gpu("auto", driver, (320, 200), dri=fake_dri, **kwargs))
    forced = open_gpu("gpu", driver, (320, 200), **kwargs)
    print("forced", forced.info.name, forced.info.gl_renderer, forced.info.software_rasteriser)
    """
)


@pytest.mark.xvfb
@pytest.mark.skipif(shutil.which("Xvfb") is None, reason="needs Xvfb on PATH (apt: xvfb)")
def test_auto_declines_mesas_software_rasteriser_under_xvfb(tmp_path):
    from test_window import _stop, start_xvfb

    xvfb, display = start_xvfb(640, 480, tmp_path / "xvfb.log")
    try:
        result = subprocess.run(
            [sys.executable, "-c", PROBE],
            env=child_env(SDL_VIDEODRIVER="x11", DISPLAY=display),
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=60,
        )
    finally:
        _stop(xvfb)
    assert result.returncode == 0, result.stderr
    lines = dict(line.split(" ", 1) for line in result.stdout.splitlines())
    assert lines["auto"] == "None"  # the probe saw llvmpipe (or no GL) and kept the surface path
    name, *_, rasteriser = lines["forced"].split(" ")
    assert rasteriser == "True", lines["forced"]  # forced, it runs, and knows it is the CPU drawing
    assert name in {"opengl", "opengles2", "software"}


def test_no_gpu_module_is_imported_on_the_software_path(deck):
    """The renderer's module (pygame._sdl2) costs start-up time: the software path never loads it."""
    code = "import kiosk.runtime.app, sys; print('kiosk.render.gpu' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], env=child_env(), cwd=REPO, capture_output=True, text=True, timeout=60
    )
    assert result.stdout.strip() == "False", result.stderr


@pytest.mark.xvfb
@pytest.mark.skipif(
    any(shutil.which(tool) is None for tool in ("Xvfb", "xdotool", "import")),
    reason="needs Xvfb, xdotool and ImageMagick's import on PATH (apt: xvfb xdotool imagemagick)",
)
def test_forced_gpu_in_a_real_window_shows_the_export_and_a_click_opens_the_detail(tmp_path):
    """`--renderer gpu` in a real X window (SDL's OpenGL renderer on Mesa's llvmpipe here): the
    screen is the exported slide, a real click lands on the card it should, SIGTERM exits 0."""
    import signal
    import time

    from test_window import (
        DIFFERENT_MIN,
        HEIGHT,
        SAME_MAX,
        WIDTH,
        Run,
        _stop,
        centre,
        click,
        export_deck,
        mean_abs_diff,
        start_xvfb,
        two_slide_deck,
        wait_first_frame,
    )

    deck = two_slide_deck(tmp_path / "deck")
    manifest = export_deck(deck, tmp_path / "export")
    first = manifest["screens"][0]
    opener = next(h for h in first["hotspots"] if h["action"].startswith("open:"))
    detail = next(
        s
        for s in manifest["screens"]
        if s["slide"] == first["slide"] and s["detail"] == opener["action"].removeprefix("open:")
    )
    slide_png, detail_png = tmp_path / "export" / first["file"], tmp_path / "export" / detail["file"]
    assert mean_abs_diff(slide_png, detail_png) >= DIFFERENT_MIN  # the screens can be told apart
    shots = tmp_path / "shots"
    shots.mkdir()
    xvfb, display = start_xvfb(WIDTH, HEIGHT, tmp_path / "xvfb.log")
    proc = None
    try:
        marker, log = tmp_path / "first-frame", tmp_path / "kiosk.log"
        env = {**child_env(SDL_VIDEODRIVER="x11", DISPLAY=display), "KIOSK_FIRST_FRAME_FILE": str(marker)}
        env.pop("WAYLAND_DISPLAY", None)
        with open(log, "wb") as out:
            proc = subprocess.Popen(
                [sys.executable, "-m", "kiosk", "run", "--renderer", "gpu", "--deck", str(deck)],
                env=env,
                cwd=tmp_path,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        run = Run(proc, display, shots, log)
        wait_first_frame(run, marker)
        assert "renderer gpu: SDL renderer" in log.read_text()  # it did take SDL's renderer
        shot, diff = run.wait_for(slide_png, timeout_s=60)
        assert diff <= SAME_MAX, f"{shot.name} vs {first['file']}: mean abs diff {diff:.2f}"
        print(f"\nfirst slide through the GPU path: mean abs diff {diff:.3f} vs the export")
        click(display, *centre(opener["rect"]))
        time.sleep(0.5)
        shot, diff = run.wait_for(detail_png, timeout_s=30)
        assert diff <= SAME_MAX, f"clicked {opener['action']}: {shot.name} vs {detail['file']}: {diff:.2f}"
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(30) == 0, log.read_text(errors="replace")[-3000:]
    finally:
        if proc is not None:
            _stop(proc)
        _stop(xvfb)


GL_IDENTITY = textwrap.dedent(
    """
    import json, sys
    sys.path.insert(0, "tests")
    import pygame
    import test_gpu_renderer as t
    from kiosk.content.loader import load_deck
    from kiosk.core.program import Mode, build_program
    from kiosk.core.theme import THEMES
    from kiosk.render.gpu import GpuPresenter, open_renderer, open_window
    from kiosk.render.stage import Stage

    pygame.display.init()
    pygame.font.init()
    program = build_program(load_deck(sys.argv[1]), Mode.TOUCH)
    window = open_window(t.SIZE, fullscreen=False)
    presenter = GpuPresenter(window, open_renderer(window, software=False))
    surface_stage = Stage(program, THEMES["warm"], t.SIZE)
    gpu_stage = Stage(program, THEMES["warm"], t.SIZE)
    found = {"renderer": presenter.info.name}
    for name, state, now, shift, _ in t.scenes(program, surface_stage):
        expected = t.software_frame(surface_stage, state, now, shift)
        gpu_stage.compose(state, now, presenter.canvas(t.SIZE), shift=shift)
        found[name] = t.max_difference(expected, presenter.frame())  # the back buffer, before present
        presenter.present()
    presenter.close()
    print(json.dumps(found))
    """
)


@pytest.mark.xvfb
@pytest.mark.skipif(shutil.which("Xvfb") is None, reason="needs Xvfb on PATH (apt: xvfb)")
def test_under_sdls_opengl_renderer_blends_round_within_a_level_or_two(tmp_path):
    """SDL's OpenGL renderer (Mesa's llvmpipe here; V3D's GLES on a Pi): the same frames, still
    ones and pushes exact, alpha blends within one level per channel (the GPU rounds its own
    way), a tint over a fading screen within two (two roundings)."""
    import json

    from test_window import _stop, start_xvfb

    xvfb, display = start_xvfb(SIZE[0], SIZE[1], tmp_path / "xvfb.log")
    try:
        result = subprocess.run(
            [sys.executable, "-c", GL_IDENTITY, str(FROZEN_DECK)],
            env=child_env(SDL_VIDEODRIVER="x11", DISPLAY=display),
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=300,
        )
    finally:
        _stop(xvfb)
    assert result.returncode == 0, result.stderr[-3000:]
    found = json.loads(result.stdout.strip().splitlines()[-1])
    if found.pop("renderer") == "software":
        pytest.skip("SDL made no OpenGL renderer on this X server")
    for name, difference in found.items():
        allowed = 2 if "pressed" in name else 1 if "crossfade" in name else 0
        assert difference <= allowed, (name, difference, found)
