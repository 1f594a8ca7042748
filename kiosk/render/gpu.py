"""The GPU path: SDL's renderer (`pygame._sdl2.video`) instead of a window surface.

Each painted screen is uploaded once as a texture and kept while the Stage keeps its surface (a
weak key: when the screen cache drops the surface, its texture is freed with it). A frame is then
texture draws: a crossfade is the incoming screen's texture drawn with alpha modulation, a push
two offset draws, the chrome bands source rectangles of a texture, the pressed tint a rectangle in
SDL's multiply blend mode. `Stage.compose` does not know: it blits and fills a `TextureCanvas` as
it would a surface (see `kiosk.render.canvas`).

Why: on kmsdrm (a Raspberry Pi's console) SDL has no framebuffer of its own; a window surface is
uploaded as a texture on every flip. Here the screens are uploaded once, and a fade frame costs
the GPU two texture draws instead of the CPU a full-screen blend plus an upload.
"""

from __future__ import annotations

import ctypes
import weakref
from dataclasses import dataclass
from pathlib import Path

import pygame
from pygame._sdl2 import sdl2, video
from pygame.typing import ColorLike

# SDL_BlendMode
BLEND_NONE = 0
BLEND_ALPHA = 1
BLEND_MOD = 4
# SDL_RendererFlags
RENDERER_SOFTWARE = 0x1
RENDERER_ACCELERATED = 0x2

# Renderers that draw with the CPU although SDL may call them accelerated: Mesa's software
# rasterisers behind OpenGL (6-7 times slower than SDL's own blitters, docs/performance.md), and
# SDL's own software renderer (no faster than the surface path, and it costs texture memory).
SOFTWARE_RASTERISERS = ("llvmpipe", "softpipe", "swrast", "software")
GL_RENDERER = 0x1F01

# What pygame._sdl2 raises when SDL refuses (no such driver, no GL context): not a pygame.error.
SDL_ERRORS: tuple[type[Exception], ...] = (pygame.error, sdl2.error)


@dataclass(frozen=True, slots=True, kw_only=True)
class RendererInfo:
    name: str  # SDL's render driver: "opengl", "opengles2", "software", ...
    accelerated: bool  # SDL's flag: says nothing about whether the GL behind it is Mesa's llvmpipe
    gl_renderer: str | None  # GL_RENDERER for the OpenGL drivers: "V3D 7.1", "llvmpipe (LLVM 15...)"

    @property
    def software_rasteriser(self) -> bool:
        """Whether this renderer draws with the CPU whatever its flags say."""
        described = f"{self.name} {self.gl_renderer or ''}".lower()
        return not self.accelerated or any(word in described for word in SOFTWARE_RASTERISERS)

    def describe(self) -> str:
        gl = f", GL renderer {self.gl_renderer!r}" if self.gl_renderer else ""
        return f"SDL renderer {self.name!r} ({'accelerated' if self.accelerated else 'software'}{gl})"


class Textures:
    """Each screen surface's texture, uploaded the first time it is drawn and kept while the
    surface lives (a weak key: when the Stage's cache drops a screen, its texture goes with it).
    Screens are painted once and never changed after; the admin screen is a new surface each time."""

    def __init__(self, renderer: video.Renderer) -> None:
        self.renderer = renderer
        self._textures: weakref.WeakKeyDictionary[pygame.Surface, video.Texture] = weakref.WeakKeyDictionary()

    def __len__(self) -> int:
        return len(self._textures)

    def get(self, surface: pygame.Surface) -> video.Texture:
        texture = self._textures.get(surface)
        if texture is None:
            texture = video.Texture.from_surface(self.renderer, surface)
            self._textures[surface] = texture
        return texture

    def clear(self) -> None:
        self._textures.clear()


class TextureCanvas:
    """A Stage's target on the GPU for one frame: blits of screen surfaces become texture draws.

    Only what `Stage.compose` does is supported: opaque or alpha-modulated blits, with or
    without a source rectangle, plain or multiplying fills, and a clip rectangle; anything else
    raises, so a change to the Stage that this canvas does not follow fails the pixel tests loudly.
    A canvas is new every frame: after `present()` the renderer's back buffer holds nothing
    reliable, so no frame may build on the one before (a Stage that redraws only what changed
    since its last frame into the same target sees a new target, and draws it whole)."""

    def __init__(self, textures: Textures, size: tuple[int, int]) -> None:
        self.renderer = textures.renderer
        self.textures = textures
        self.size = size
        self._clip = pygame.Rect((0, 0), size)

    def get_size(self) -> tuple[int, int]:
        return self.size

    def get_width(self) -> int:
        return self.size[0]

    def get_height(self) -> int:
        return self.size[1]

    def get_rect(self) -> pygame.Rect:
        return pygame.Rect((0, 0), self.size)

    def get_clip(self) -> pygame.Rect:
        return pygame.Rect(self._clip)

    def set_clip(self, rect: pygame.Rect | None, /) -> None:
        whole = self.get_rect()
        self._clip = whole if rect is None else pygame.Rect(rect).clip(whole)

    def texture(self, surface: pygame.Surface) -> video.Texture:
        return self.textures.get(surface)

    def blit(
        self,
        source: pygame.Surface,
        dest: tuple[int, int] | pygame.Rect,
        area: pygame.Rect | None = None,
        special_flags: int = 0,
    ) -> pygame.Rect:
        if special_flags:
            raise NotImplementedError(f"TextureCanvas.blit: special_flags {special_flags} is not supported")
        if source.get_colorkey() is not None:
            raise NotImplementedError("TextureCanvas.blit: colour-keyed surfaces are not supported")
        x, y = (dest.x, dest.y) if isinstance(dest, pygame.Rect) else dest
        bounds = source.get_rect()
        if area is None:
            src = bounds
        else:
            # As SDL_BlitSurface: a source rectangle off the surface's top/left moves the
            # destination by as much, then the rectangle is cut to the surface.
            area = pygame.Rect(area)
            x -= min(area.x, 0)
            y -= min(area.y, 0)
            src = area.clip(bounds)
        # Then the destination is cut to the clip, and the source with it (drawn 1:1, so exact).
        target = pygame.Rect(x, y, src.w, src.h).clip(self._clip)
        if target.w <= 0 or target.h <= 0:
            return pygame.Rect(x, y, 0, 0)
        src = pygame.Rect(src.x + target.x - x, src.y + target.y - y, target.w, target.h)
        texture = self.textures.get(source)
        alpha = source.get_alpha()
        per_pixel = bool(source.get_flags() & pygame.SRCALPHA)
        texture.blend_mode = BLEND_ALPHA if alpha is not None or per_pixel else BLEND_NONE
        texture.alpha = 255 if alpha is None else alpha
        texture.draw(srcrect=src, dstrect=target)
        return target

    def fill(self, color: ColorLike, rect: pygame.Rect | None = None, special_flags: int = 0) -> pygame.Rect:
        if special_flags not in (0, pygame.BLEND_RGB_MULT):
            raise NotImplementedError(f"TextureCanvas.fill: special_flags {special_flags} is not supported")
        renderer = self.renderer
        red, green, blue, _ = pygame.Color(color)
        # SDL_BLENDMODE_MOD: dst = src * dst / 255; pygame's multiply rounds (s*d + 255) >> 8,
        # so a tinted pixel may differ by one level (measured in tests/test_gpu_renderer.py).
        renderer.draw_blend_mode = BLEND_MOD if special_flags == pygame.BLEND_RGB_MULT else BLEND_NONE
        renderer.draw_color = (red, green, blue, 255)
        target = self._clip if rect is None else pygame.Rect(rect).clip(self._clip)
        if target.w > 0 and target.h > 0:
            renderer.fill_rect(target)
        renderer.draw_blend_mode = BLEND_NONE
        return pygame.Rect(target)


class GpuPresenter:
    """A window drawn through SDL's renderer; a turned panel composes into a target texture of
    the upright size, drawn turned onto the window."""

    def __init__(self, window: video.Window, renderer: video.Renderer, *, rotation: int = 0) -> None:
        self.window = window
        self.renderer = renderer
        self.rotation = rotation
        self.info = renderer_info(window)
        self.textures = Textures(renderer)
        self._logical: tuple[int, int] | None = None
        self._turned: video.Texture | None = None
        self._panel = self.get_size()
        self._fit_logical_size()

    def get_size(self) -> tuple[int, int]:
        width, height = self.window.size
        return width, height

    def _fit_logical_size(self) -> None:
        # Taps arrive in window coordinates and the Stage lays out for the window's size; where the
        # drawable has more pixels (a scaled desktop), SDL scales the frame up and maps mouse
        # events back, so a tap still lands on the same logical point.
        self._panel = self.get_size()
        self.renderer.logical_size = self._panel

    def canvas(self, logical_size: tuple[int, int]) -> TextureCanvas:
        if self.get_size() != self._panel:
            self._fit_logical_size()
        if logical_size != self._logical:
            self.textures.clear()  # a new screen size: the Stage paints every screen again
            self._logical = logical_size
            self._turned = None
        if self.rotation:
            if self._turned is None:
                self._turned = video.Texture(self.renderer, logical_size, target=True)
            self.renderer.target = self._turned
        return TextureCanvas(self.textures, logical_size)

    def present(self) -> None:
        renderer = self.renderer
        if self.rotation and self._turned is not None:
            renderer.target = None
            width, height = self._turned.width, self._turned.height
            panel_w, panel_h = self._panel
            # Turned about its centre: the upright frame's rectangle centred on the panel.
            centred = pygame.Rect((panel_w - width) // 2, (panel_h - height) // 2, width, height)
            self._turned.blend_mode = BLEND_NONE
            self._turned.draw(dstrect=centred, angle=self.rotation)
        renderer.present()

    def frame(self) -> pygame.Surface:
        """The frame on the window, read back (tests, screenshots): slow on a real GPU."""
        return self.renderer.to_surface()

    @property
    def cached_textures(self) -> int:
        return len(self.textures)

    def close(self) -> None:
        self.textures.clear()
        self._turned = None
        self.window.destroy()


def open_window(
    size: tuple[int, int], *, fullscreen: bool, title: str = "Clinic kiosk", borderless: bool = False
) -> video.Window:
    if fullscreen:
        # (0, 0): the desktop's own resolution, so the panel never switches modes.
        if 0 in size:
            size = pygame.display.get_desktop_sizes()[0]
        return video.Window(title, size=size, fullscreen_desktop=True)
    return video.Window(title, size=size, borderless=borderless)


def open_renderer(window: video.Window, *, software: bool) -> video.Renderer:
    """SDL's renderer on `window`: its software one, or the best it has (opengles2 on a Pi's V3D)."""
    if software:
        return video.Renderer(window, accelerated=0, vsync=False)
    return video.Renderer(window, accelerated=1, vsync=False)


def renderer_info(window: video.Window) -> RendererInfo:
    """What SDL made for `window` (pygame-ce does not expose SDL_GetRendererInfo: ctypes on the
    libSDL2 pygame loaded), with the GL_RENDERER string where it is an OpenGL renderer."""
    sdl = _sdl()
    sdl.SDL_GetWindowFromID.restype = ctypes.c_void_p
    sdl.SDL_GetWindowFromID.argtypes = [ctypes.c_uint32]
    sdl.SDL_GetRenderer.restype = ctypes.c_void_p
    sdl.SDL_GetRenderer.argtypes = [ctypes.c_void_p]
    sdl.SDL_GetRendererInfo.argtypes = [ctypes.c_void_p, ctypes.POINTER(_SDLRendererInfo)]
    handle = sdl.SDL_GetRenderer(sdl.SDL_GetWindowFromID(window.id))
    info = _SDLRendererInfo()
    if not handle or sdl.SDL_GetRendererInfo(handle, ctypes.byref(info)) != 0:
        return RendererInfo(name="unknown", accelerated=False, gl_renderer=None)
    name = (info.name or b"unknown").decode()
    return RendererInfo(
        name=name,
        accelerated=bool(info.flags & RENDERER_ACCELERATED),
        gl_renderer=_gl_renderer(sdl) if name.startswith("opengl") else None,
    )


class _SDLRendererInfo(ctypes.Structure):
    _fields_ = [
        ("name", ctypes.c_char_p),
        ("flags", ctypes.c_uint32),
        ("num_texture_formats", ctypes.c_uint32),
        ("texture_formats", ctypes.c_uint32 * 16),
        ("max_texture_width", ctypes.c_int),
        ("max_texture_height", ctypes.c_int),
    ]


def _gl_renderer(sdl: ctypes.CDLL) -> str | None:
    """GL_RENDERER of the current GL context (SDL's GL renderers leave theirs current)."""
    sdl.SDL_GL_GetCurrentContext.restype = ctypes.c_void_p
    sdl.SDL_GL_GetProcAddress.restype = ctypes.c_void_p
    sdl.SDL_GL_GetProcAddress.argtypes = [ctypes.c_char_p]
    if not sdl.SDL_GL_GetCurrentContext():
        return None
    address = sdl.SDL_GL_GetProcAddress(b"glGetString")
    if not address:
        return None
    get_string = ctypes.CFUNCTYPE(ctypes.c_char_p, ctypes.c_uint)(address)
    text = get_string(GL_RENDERER)
    return text.decode(errors="replace") if text else None


def _sdl() -> ctypes.CDLL:
    for line in Path("/proc/self/maps").read_text().splitlines():
        path = line.split()[-1]
        if "/libSDL2-2" in path:  # libSDL2-2.0.so.0, or pygame-ce's bundled libSDL2-2-<hash>.0.so...
            return ctypes.CDLL(path)  # the copy pygame already loaded (same path: same handle)
    return ctypes.CDLL("libSDL2-2.0.so.0")
