"""Layout: every screen of the deck, at every reference size, in both languages and modes, fits.

These use the real font's measurements (through pygame.font), because "fits" is about the glyphs
patients will see; the purity test below shows the layout itself never imports pygame.
"""

from __future__ import annotations

import itertools
import subprocess
import sys

import pygame
import pytest
from conftest import SIZES, SLIDES, fake_measure

from kiosk.core.program import Mode, View
from kiosk.layout.items import ScreenLayout, TextLine
from kiosk.layout.metrics import BODY_FLOOR
from kiosk.layout.screen import arrange
from kiosk.render.painter import Fonts


@pytest.fixture(scope="module")
def measure():
    pygame.font.init()
    return Fonts().measure


def all_views(deck, language):
    for index, slide in enumerate(deck.slides):
        yield View(index, None, language)
        for detail in slide.details:
            yield View(index, detail.id, language)


def check_fits(layout: ScreenLayout, mode: Mode) -> list[str]:
    problems = list(layout.overflow)
    screen = (0, 0, layout.width, layout.height)
    lines = [i for i in layout.items if isinstance(i, TextLine)]
    floor = round(min(layout.width, layout.height) * BODY_FLOOR[mode])
    for line in lines + [i for i in layout.scroll_items if isinstance(i, TextLine)]:
        if line.measured_w > line.box.w:
            problems.append(f"text wider than its box: {line.text!r}")
        if line.color == "ink" and line.size_px < floor:
            problems.append(f"body text below the floor ({line.size_px}px < {floor}px): {line.text!r}")
    for line in lines:
        x, y, w, h = line.box.x, line.box.y, line.box.w, line.box.h
        if x < screen[0] or y < screen[1] or x + w > screen[2] or y + h > screen[3]:
            problems.append(f"text off screen: {line.text!r} at {line.box}")
    for a, b in itertools.combinations(lines, 2):
        # Line boxes include leading; real overlap means the glyph bands collide.
        if a.box.x < b.box.x + b.measured_w and b.box.x < a.box.x + a.measured_w and a.box.overlaps(b.box):
            if abs(a.box.y - b.box.y) < min(a.box.h, b.box.h) * 0.9:
                problems.append(f"text overlaps: {a.text!r} / {b.text!r}")
    short = min(layout.width, layout.height)
    for a, b in itertools.combinations(layout.hotspots, 2):
        if a.box.overlaps(b.box):
            problems.append(f"hotspots overlap: {a.action} / {b.action}")
    for hotspot in layout.hotspots:
        if min(hotspot.box.w, hotspot.box.h) < 0.07 * short:
            problems.append(f"touch target too small: {hotspot.action} {hotspot.box}")
    if layout.viewport is not None:
        for line in lines:
            if line.box.overlaps(layout.viewport):
                problems.append(f"fixed text under the scrolling area: {line.text!r}")
    return problems


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("mode", [Mode.TOUCH, Mode.LOBBY], ids=lambda m: m.value)
def test_every_screen_fits(deck, measure, size, mode):
    problems = []
    for language in deck.languages:
        for view in all_views(deck, language):
            layout = arrange(deck, view, *size, mode, measure)
            problems += [f"{view.slide}/{view.detail}/{language}: {p}" for p in check_fits(layout, mode)]
    assert problems == []


def test_touch_screens_have_cards_language_and_back_hotspots(deck, measure):
    slide = arrange(deck, View(0, None, "en"), 1920, 1080, Mode.TOUCH, measure)
    actions = [str(h.action) for h in slide.hotspots]
    assert actions == ["language:en", "language:es", "text:larger"] + [
        f"open:{d.id}" for d in deck.slides[0].details
    ]
    detail = arrange(deck, View(0, deck.slides[0].details[0].id, "en"), 1920, 1080, Mode.TOUCH, measure)
    assert [str(h.action) for h in detail.hotspots][0] == "back"


def test_lobby_screens_have_no_hotspots_and_bigger_text(deck, measure):
    lobby = arrange(deck, View(0, None, "en"), 1920, 1080, Mode.LOBBY, measure)
    touch = arrange(deck, View(0, None, "en"), 1920, 1080, Mode.TOUCH, measure)
    assert lobby.hotspots == ()

    def body_size(layout):
        return max(i.size_px for i in layout.items if isinstance(i, TextLine) and i.color == "ink")

    assert body_size(lobby) >= 0.045 * 1080
    assert body_size(lobby) > body_size(touch) >= 0.032 * 1080


def test_long_text_shrinks_to_the_floor_then_scrolls(deck):
    from dataclasses import replace

    from kiosk.content.deck import Bullets, Detail

    long_detail = Detail(
        "long",
        deck.slides[0].details[0].title,
        (("en", (Bullets(tuple(["A sentence that goes on for a while."] * 30)),)), ("es", ())),
        (),
        None,
        None,
    )
    slide = replace(deck.slides[0], details=(long_detail,))
    big = replace(deck, slides=(slide,))
    layout = arrange(big, View(0, "long", "en"), 1920, 1080, Mode.TOUCH, fake_measure)
    assert layout.viewport is not None and layout.scroll_limit_px > 0
    sizes = {i.size_px for i in layout.scroll_items if isinstance(i, TextLine)}
    assert min(sizes) >= round(1080 * 0.032)
    lobby = arrange(big, View(0, "long", "en"), 1920, 1080, Mode.LOBBY, fake_measure)
    # Nobody can scroll a lobby TV: the detail is split into pages ("1/3"), none overflowing.
    assert lobby.viewport is None and not lobby.overflow
    assert [i.text for i in lobby.items if isinstance(i, TextLine) and i.role == "page"][0].startswith("1/")


def test_hit_testing_reads_the_layout(deck):
    layout = arrange(deck, View(0, None, "en"), 1920, 1080, Mode.TOUCH, fake_measure)
    for hotspot in layout.hotspots:
        assert (
            layout.hit(hotspot.box.x + hotspot.box.w / 2, hotspot.box.y + hotspot.box.h / 2) == hotspot.action
        )
    assert layout.hit(-5, -5) is None


def test_the_pure_core_never_imports_pygame():
    """Every module of content, core and layout imports without pulling in pygame."""
    import pkgutil

    import kiosk

    pure = [
        m.name
        for m in pkgutil.walk_packages(kiosk.__path__, "kiosk.")
        if m.name.split(".")[1] in {"content", "core", "layout"}
    ]
    assert len(pure) > 20
    code = f"import sys, {', '.join(pure)}; print('pygame' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert out == "False"


def test_a_slide_at_the_length_limits_adapts_instead_of_warning(tmp_path, capsys):
    """A slide's title and summary at their limits fit every reference screen: touch scrolls, a
    lobby slide gives up its picture (issue 13). Nothing to warn about, so validate stays quiet."""
    import shutil

    from kiosk.cli import main

    deck_dir = tmp_path / "deck"
    shutil.copytree(SLIDES, deck_dir)
    path = deck_dir / "benefits.yaml"
    original = path.read_text(encoding="utf-8")
    text = original.replace("  en: The benefits", "  en: " + "The many benefits " * 4, 1)
    text = text.replace("summary:\n  en: ", "summary:\n  en: " + "Many words here. " * 17, 1)
    assert text.count("Many words") == 17 and "The many" in text
    path.write_text(text, encoding="utf-8")
    assert main(["validate", str(deck_dir)]) == 0  # warnings only
    out = capsys.readouterr().out
    assert "benefits.yaml:1:1: warning: the slide (en) does not fit" not in out.replace(
        str(deck_dir) + "/", ""
    )


def test_validate_warns_about_letters_the_font_cannot_draw(tmp_path, capsys):
    import shutil

    from kiosk.cli import main

    deck_dir = tmp_path / "deck"
    shutil.copytree(SLIDES, deck_dir)
    path = deck_dir / "benefits.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("  en: The benefits", "  en: The benefits Ж 😀", 1),
        encoding="utf-8",
    )
    assert main(["validate", str(deck_dir)]) == 0
    out = capsys.readouterr().out
    line = next(text for text in out.splitlines() if "not in the kiosk's font" in text)
    assert "benefits.yaml:4:7: warning:" in line and "Ж" in line and "😀" in line
    assert main(["validate", str(SLIDES)]) == 0
    assert "not in the kiosk's font" not in capsys.readouterr().out  # é, ñ, ¿, ·, % are all there


def _long_deck(deck, slides: int):
    from dataclasses import replace

    return replace(
        deck,
        slides=tuple(
            replace(deck.slides[n % len(deck.slides)], id=f"{deck.slides[n % len(deck.slides)].id}-{n}")
            for n in range(slides)
        ),
    )


@pytest.mark.parametrize("slides", [60, 500])
def test_a_deck_too_long_for_dots_shows_its_place_on_a_track_inside_the_screen(deck, slides):
    """60 slides (the format's most) ran their dots off a 480 px portrait panel (`kiosk validate`:
    "the kiosk's own screen parts break the layout rules"); where dots do not fit, the current
    slide's pill moves along a track instead, in every supported size and mode."""
    from kiosk.layout.invariant import SUPPORTED_SIZES, violations

    long = _long_deck(deck, slides)
    fonts = Fonts()
    tracks = 0
    for (width, height), mode in itertools.product(SUPPORTED_SIZES, (Mode.TOUCH, Mode.LOBBY)):
        pills = []
        for index in (0, slides // 2, slides - 1):
            layout = arrange(long, View(index, None, "en"), width, height, mode, fonts.measure)
            bottom = [v.message for v in violations(layout) if "dot" in v.message]
            assert bottom == [], f"{width}x{height} {mode}: {bottom[:3]}"
            current = [i for i in layout.items if getattr(i, "role", "") == "dot-current"]
            assert len(current) == 1
            pills.append(current[0].box.x)
            track = [i for i in layout.items if getattr(i, "role", "") == "dot-track"]
            tracks += bool(track)
            if track:
                assert current[0].box.inside(track[0].box)
        assert pills == sorted(pills) and pills[0] < pills[-1], (width, height, mode, pills)
    assert tracks  # (the small screens take the track; the large ones may still fit dots)
