"""What patients see, checked by pixels: golden images, contrast, transitions, placeholders.

Golden images are committed PNGs of a few screens of the frozen fixture deck, compared tile by
tile at full size (golden/compare.py); a failure writes a picture of the difference to
tests/golden/diff/. After an intended visual change, look at the new exports, then refresh them
with:  KIOSK_UPDATE_GOLDEN=1 python -m pytest tests/test_pictures.py
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import pygame
import pytest
from conftest import TODAY
from golden.compare import DIFF_DIR, TILE_LIMIT, TILE_PX, compare, write_diff

from kiosk.content.deck import Image
from kiosk.content.loader import load_deck
from kiosk.core.program import Mode, View, build_program
from kiosk.core.state import Transition, initial_state
from kiosk.core.theme import TEXT_PAIRS, THEMES, Theme, contrast_ratio
from kiosk.render.export import view_state
from kiosk.render.stage import Stage

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("KIOSK_UPDATE_GOLDEN") == "1"


@pytest.fixture(scope="module", autouse=True)
def display():
    pygame.display.init()
    pygame.font.init()
    pygame.display.set_mode((1, 1))


def render(deck, view, size, mode=Mode.TOUCH, theme: str | Theme = "warm", state_changes=None, now=0.0):
    program = build_program(deck, mode)
    stage = Stage(program, theme if isinstance(theme, Theme) else THEMES[theme], size)
    state = replace(view_state(program, view, large_text=view.large), **(state_changes or {}))
    frame = pygame.Surface(size).convert()
    stage.compose(state, now, frame)
    return frame, stage


def mean_difference(a: pygame.Surface, b: pygame.Surface) -> float:
    """Mean absolute difference per channel over the whole (quarter-size) picture: for telling how
    far apart two screens are, not for golden images (see golden/compare.py)."""
    assert a.get_size() == b.get_size()
    small = (a.get_width() // 4, a.get_height() // 4)
    da = pygame.image.tobytes(pygame.transform.smoothscale(a, small), "RGB")
    db = pygame.image.tobytes(pygame.transform.smoothscale(b, small), "RGB")
    return sum(abs(x - y) for x, y in zip(da, db, strict=True)) / len(da)


def check_golden(
    frame: pygame.Surface, name: str, diff_dir: Path = DIFF_DIR, *, may_update: bool = True
) -> None:
    """Fail, with a diff picture written to `diff_dir`, unless `frame` matches golden/<name>.png.

    `may_update=False` for deliberately changed frames: KIOSK_UPDATE_GOLDEN must never save them."""
    path = GOLDEN / f"{name}.png"
    if may_update and (UPDATE or not path.exists()):
        GOLDEN.mkdir(exist_ok=True)
        pygame.image.save(frame, str(path))
        if not UPDATE:
            pytest.fail(f"no golden image yet: wrote {path}; look at it and commit it")
    expected = pygame.image.load(str(path)).convert()
    result = compare(frame, expected)
    if not result.same:
        diff = write_diff(frame, expected, result, diff_dir / f"{name}.png")
        pytest.fail(
            f"{name} differs from {path.name}: {result.describe()}.\nThe changes are marked in {diff}. "
            "If the change is intended: KIOSK_UPDATE_GOLDEN=1 python -m pytest tests/test_pictures.py"
        )


GOLDEN_CASES = [
    ("slide-02-en", View(1, None, "en"), (1920, 1080)),
    ("slide-02-en", View(1, None, "en"), (1080, 1920)),
    ("detail-02-steps-es", View(1, "step-by-step", "es"), (1920, 1080)),
    ("detail-02-steps-es", View(1, "step-by-step", "es"), (1080, 1920)),
    # The official Raspberry Pi 7" touch display is a first-class screen (issue 13).
    ("slide-02-en", View(1, None, "en"), (800, 480)),
    ("slide-02-en-large", View(1, None, "en", large=True), (800, 480)),
    ("detail-02-steps-es", View(1, "step-by-step", "es"), (800, 480)),
]

# A long-content deck in a third language with long compounds (tests/fixtures/decks/bowel-prep-de).
LONG_DECK = Path(__file__).parent / "fixtures" / "decks" / "bowel-prep-de"
LONG_CASES = [
    ("long-de-slide-01", View(0, None, "de"), (1280, 800), Mode.TOUCH),
    ("long-de-slide-01-large", View(0, None, "de", large=True), (1280, 800), Mode.TOUCH),
    ("long-de-slide-01", View(0, None, "de"), (800, 480), Mode.TOUCH),
    ("long-de-slide-01", View(0, None, "de"), (1080, 1920), Mode.TOUCH),
    ("long-de-slide-01-lobby", View(0, None, "de"), (1920, 1080), Mode.LOBBY),
]


@pytest.mark.parametrize("name,view,size", GOLDEN_CASES, ids=lambda c: c if isinstance(c, str) else None)
def test_golden_screens(deck, name, view, size):
    frame, _ = render(deck, view, size)
    check_golden(frame, f"{name}-{size[0]}x{size[1]}")


@pytest.fixture(scope="module")
def long_deck():
    return load_deck(LONG_DECK, today=TODAY)


@pytest.mark.parametrize("name,view,size,mode", LONG_CASES, ids=lambda c: c if isinstance(c, str) else None)
def test_golden_screens_of_a_long_german_deck(long_deck, name, view, size, mode):
    frame, _ = render(long_deck, view, size, mode=mode)
    check_golden(frame, f"{name}-{size[0]}x{size[1]}")


def test_a_different_screen_is_far_from_the_golden_one(deck):
    frame, _ = render(deck, View(2, None, "en"), (1920, 1080))
    expected = pygame.image.load(str(GOLDEN / "slide-02-en-1920x1080.png")).convert()
    result = compare(frame, expected)
    assert len(result.tiles) > 100 and result.worst > 10 * TILE_LIMIT


# -- the comparison catches small changes that matter ---------------------------------------------

SLIDE = View(1, None, "en")
SIZES_CHECKED = [(1920, 1080), (1080, 1920)]


@pytest.fixture(scope="module")
def plain_renders(deck):
    """The slide screen at each size, rendered once, with its layout."""
    return {size: render(deck, SLIDE, size) for size in SIZES_CHECKED}


def paint_over(frame: pygame.Surface, boxes, colour) -> pygame.Surface:
    changed = frame.copy()
    for box in boxes:
        changed.fill(colour, pygame.Rect(box.x, box.y, box.w, box.h))
    return changed


def disclaimer_boxes(deck, layout):
    text = deck.disclaimer.get(SLIDE.language)
    return [item.box for item in layout.items if getattr(item, "text", None) == text]


def progress_dot_boxes(layout):
    """The inactive dots (fill "dot") and the current one: a rect of the same height on their row."""
    dots = [item for item in layout.items if getattr(item, "fill", None) == "dot"]
    rows = {(item.box.y, item.box.h) for item in dots}
    return [
        item.box
        for item in layout.items
        if getattr(item, "kind", None) == "rect" and (item.box.y, item.box.h) in rows
    ]


def mutated(deck, renders, change: str, size) -> pygame.Surface:
    frame, stage = renders[size]
    layout = stage.layout(SLIDE)
    background = THEMES["warm"].rgb("background")
    if change == "no-disclaimer":
        boxes = disclaimer_boxes(deck, layout)
        assert len(boxes) == 1, "the disclaimer is not on the slide screen"
        return paint_over(frame, boxes, background)
    if change == "no-progress-dots":
        boxes = progress_dot_boxes(layout)
        assert len(boxes) == len(deck.slides), f"found {len(boxes)} progress dots"
        return paint_over(frame, boxes, background)
    if change == "red-card-borders":
        return render(deck, SLIDE, size, theme=replace(THEMES["warm"], card_border="#ff0000"))[0]
    if change == "black-accent":
        return render(deck, SLIDE, size, theme=replace(THEMES["warm"], rose="#000000"))[0]
    raise AssertionError(change)


@pytest.mark.parametrize("size", SIZES_CHECKED, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("change", ["no-disclaimer", "no-progress-dots", "red-card-borders", "black-accent"])
def test_the_golden_comparison_rejects_a_small_change_that_matters(deck, plain_renders, change, size):
    frame, _ = plain_renders[size]
    changed = mutated(deck, plain_renders, change, size)
    assert mean_difference(changed, frame) < 1.5  # what the old whole-screen check let through
    result = compare(changed, frame)
    assert not result.same, f"{change}: {result.describe()}"
    assert result.worst > 2 * TILE_LIMIT  # by a margin, not by a hair


@pytest.mark.parametrize("size", SIZES_CHECKED, ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_golden_comparison_accepts_an_identical_render(deck, plain_renders, size):
    again, _ = render(deck, SLIDE, size)
    result = compare(again, plain_renders[size][0])
    assert result.same and result.worst == 0.0, result.describe()


def test_a_failed_golden_comparison_writes_a_diff_picture_and_says_where(deck, plain_renders, tmp_path):
    changed = mutated(deck, plain_renders, "no-disclaimer", (1920, 1080))
    with pytest.raises(pytest.fail.Exception) as failure:
        check_golden(changed, "slide-02-en-1920x1080", diff_dir=tmp_path, may_update=False)
    diff = tmp_path / "slide-02-en-1920x1080.png"
    assert str(diff) in str(failure.value)
    picture = pygame.image.load(str(diff))
    assert picture.get_size() == (1920, 1080)
    # The disclaimer's tiles are outlined in red; the untouched top-left corner is not.
    box = disclaimer_boxes(deck, plain_renders[(1920, 1080)][1].layout(SLIDE))[0]
    outlined = [
        (x, y)
        for x in range(box.x - TILE_PX, box.x + box.w + TILE_PX)
        for y in range(box.y - TILE_PX, box.y + box.h + TILE_PX, 4)
        if 0 <= x < 1920 and 0 <= y < 1080 and picture.get_at((x, y))[:3] == (230, 0, 0)
    ]
    assert outlined
    assert picture.get_at((5, 5))[:3] != (230, 0, 0)


@pytest.mark.parametrize("theme", sorted(THEMES))
def test_theme_text_contrast_meets_wcag_aa(theme):
    palette = THEMES[theme]
    for foreground, background in TEXT_PAIRS:
        ratio = contrast_ratio(palette.rgb(foreground), palette.rgb(background))
        needed = 3.0 if foreground == "rose" else 4.5
        assert ratio >= needed, f"{theme}: {foreground} on {background} is {ratio:.2f}:1"


def test_design_palette_ratios_match_the_design_direction():
    warm = THEMES["warm"]
    assert contrast_ratio(warm.rgb("ink"), warm.rgb("background")) == pytest.approx(13.0, abs=0.2)
    assert contrast_ratio(warm.rgb("on_teal"), warm.rgb("teal")) == pytest.approx(12.0, abs=0.2)


def test_a_fade_goes_through_the_background_and_is_never_black(deck):
    # (A crossfade used to show both slides' text at once: tests/test_touch.py.)
    a, _ = render(deck, View(0, None, "en"), (640, 360))
    b, _ = render(deck, View(1, None, "en"), (640, 360))
    transition = Transition(View(0, None, "en"), "fade", 0.0, 1.0)
    mid, _ = render(deck, View(1, None, "en"), (640, 360), state_changes={"transition": transition}, now=0.5)
    plain = pygame.Surface((640, 360)).convert()
    plain.fill(THEMES["warm"].rgb("background"))
    assert mean_difference(mid, plain) < min(mean_difference(a, plain), mean_difference(b, plain)) / 2
    for t in (0.0, 0.1, 0.5, 0.9, 1.0):
        frame, _ = render(
            deck, View(1, None, "en"), (640, 360), state_changes={"transition": transition}, now=t
        )
        assert pygame.transform.average_color(frame)[:3] > (150, 150, 150)  # cream, not a black frame


def test_pressed_card_is_darker_while_pressed(deck):
    frame, stage = render(deck, View(0, None, "en"), (1920, 1080))
    card = next(h for h in stage.layout(View(0, None, "en")).hotspots if str(h.action).startswith("open:"))
    point = (card.box.x + card.box.w // 2, card.box.y + 5)
    later, _ = render(
        deck,
        View(0, None, "en"),
        (1920, 1080),
        state_changes={"pressed": card.action, "pressed_at": 0.0},
        now=2.0,
    )
    assert sum(later.get_at(point)[:3]) < sum(frame.get_at(point)[:3]) - 30


def test_a_broken_image_shows_the_plain_backdrop_not_a_crash(deck, tmp_path):
    broken = tmp_path / "broken.svg"
    broken.write_text("<svg this is not really")
    slide = replace(deck.slides[0], image=Image(broken, "svg"))
    frame, stage = render(replace(deck, slides=(slide,) + deck.slides[1:]), View(0, None, "en"), (1280, 720))
    frame_box = next(
        i for i in stage.layout(View(0, None, "en")).items if getattr(i, "role", "") == "picture-frame"
    )
    centre = (frame_box.box.x + frame_box.box.w // 2, frame_box.box.y + frame_box.box.h // 2)
    assert frame.get_at(centre)[:3] == THEMES["warm"].rgb("sand")


def test_a_tap_answers_at_once_with_the_pressed_card_before_painting_the_detail(deck):
    from kiosk.core.intents import Activate, Press
    from kiosk.core.state import step

    program = build_program(deck, Mode.TOUCH)
    stage = Stage(program, THEMES["warm"], (1920, 1080))
    frame = pygame.Surface((1920, 1080)).convert()
    state = initial_state(program, 0.0)
    stage.compose(state, 0.0, frame)
    plain = frame.copy()
    card = next(h for h in stage.layout(state.view).hotspots if str(h.action).startswith("open:"))
    state = step(step(state, Press(card.action), 1.0), Activate(card.action), 1.05)
    stage.compose(state, 1.05, frame)  # first frame after the tap: the source, card tinted
    point = (card.box.x + card.box.w // 2, card.box.y + 5)
    assert sum(frame.get_at(point)[:3]) < sum(plain.get_at(point)[:3]) - 30
    assert state.view not in stage._screens  # the detail is not painted yet
    stage.compose(state, 1.07, frame)  # the next frame paints it and starts the fade
    assert state.view in stage._screens


def test_the_screen_cache_is_bounded_by_bytes_at_4k(deck):
    from kiosk.render.stage import MAX_SCREEN_BYTES

    program = build_program(deck, Mode.TOUCH)
    stage = Stage(program, THEMES["warm"], (3840, 2160))
    for index in range(4):
        stage.screen(View(index, None, "en", program.version))
    assert stage.cached_screens == 2 and stage.cached_bytes <= 2 * 3840 * 2160 * 4
    small = Stage(program, THEMES["warm"], (1920, 1080))
    for index in range(6):
        small.screen(View(index, None, "en", program.version))
    assert small.cached_screens == 2 and small.cached_bytes <= MAX_SCREEN_BYTES
