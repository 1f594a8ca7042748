"""Comparing a rendered screen with its golden image, tile by tile, at full size.

A mean over the whole screen hides small changes: a missing disclaimer line or progress dots move
the mean by a tenth of a level. Here the screen is cut into TILE_PX squares and each square's mean
absolute difference (per channel, 0-255) must stay within TILE_LIMIT: a removed line of text, a
recoloured border or accent fills a few squares far past the limit, while another FreeType
build's antialiasing changes edge pixels by a few levels and keeps every square well under it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pygame

TILE_PX = 32
# Measured at 1920x1080 and 1080x1920 (tests/test_pictures.py checks it): an identical render gives
# 0.0; the worst tile is 25 with the disclaimer removed, 55-85 without the progress dots, 17-20 with
# red card borders and 16-20 with a black accent. pygame-ce wheels carry their own FreeType, so the
# same wheel renders the same pixels anywhere; the limit leaves room for a few levels of drift.
TILE_LIMIT = 4.0

DIFF_DIR = Path(__file__).resolve().parent / "diff"  # git-ignored: where failed comparisons go


@dataclass(frozen=True, slots=True, kw_only=True)
class Comparison:
    size: tuple[int, int]
    tiles: tuple[tuple[pygame.Rect, float], ...]  # every tile over the limit, with its mean difference
    worst: float  # the largest tile difference, over the limit or not

    @property
    def same(self) -> bool:
        return not self.tiles

    def describe(self) -> str:
        if self.same:
            return f"same (worst tile {self.worst:.2f} <= {TILE_LIMIT})"
        where = ", ".join(f"({r.x},{r.y})={d:.1f}" for r, d in self.tiles[:8])
        more = f" and {len(self.tiles) - 8} more" if len(self.tiles) > 8 else ""
        return (
            f"{len(self.tiles)} tiles of {TILE_PX}x{TILE_PX} px differ by more than {TILE_LIMIT} "
            f"(worst {self.worst:.1f}): {where}{more}"
        )


def abs_difference(a: pygame.Surface, b: pygame.Surface) -> pygame.Surface:
    """|a - b| per channel, as a picture (black where the two are equal)."""
    a, b = a.convert(24), b.convert(24)
    forward = a.copy()
    forward.blit(b, (0, 0), special_flags=pygame.BLEND_RGB_SUB)  # max(a - b, 0)
    backward = b.copy()
    backward.blit(a, (0, 0), special_flags=pygame.BLEND_RGB_SUB)  # max(b - a, 0)
    forward.blit(backward, (0, 0), special_flags=pygame.BLEND_RGB_ADD)  # one of the two is 0
    return forward


def compare(actual: pygame.Surface, expected: pygame.Surface) -> Comparison:
    assert actual.get_size() == expected.get_size(), f"{actual.get_size()} vs {expected.get_size()}"
    difference = abs_difference(actual, expected)
    width, height = actual.get_size()
    over: list[tuple[pygame.Rect, float]] = []
    worst = 0.0
    for y in range(0, height, TILE_PX):
        for x in range(0, width, TILE_PX):
            tile = pygame.Rect(x, y, min(TILE_PX, width - x), min(TILE_PX, height - y))
            r, g, b, *_ = pygame.transform.average_color(difference, tile)
            mean = (r + g + b) / 3
            worst = max(worst, mean)
            if mean > TILE_LIMIT:
                over.append((tile, mean))
    return Comparison(size=(width, height), tiles=tuple(over), worst=worst)


def write_diff(actual: pygame.Surface, expected: pygame.Surface, result: Comparison, path: Path) -> Path:
    """A picture of what changed: the expected screen faded, the differences in black (amplified),
    and each failing tile outlined in red. Returns where it was written."""
    picture = expected.convert(24)
    picture.fill((160, 160, 160), special_flags=pygame.BLEND_RGB_ADD)  # fade towards white
    difference = abs_difference(actual, expected)
    for _ in range(3):  # x8: faint antialiasing shows as grey, real changes as black
        difference.blit(difference, (0, 0), special_flags=pygame.BLEND_RGB_ADD)
    picture.blit(difference, (0, 0), special_flags=pygame.BLEND_RGB_SUB)
    for tile, _ in result.tiles:
        pygame.draw.rect(picture, (230, 0, 0), tile, 2)
    path.parent.mkdir(parents=True, exist_ok=True)
    pygame.image.save(picture, str(path))
    return path
