"""Take-home links and visitor accessibility: QR codes that decode, A+, high contrast, reduced motion."""

from __future__ import annotations

import json

import pygame
import pytest
from conftest import DETAIL_LINK_URL as DETAIL_URL
from conftest import LINK_URL as URL
from conftest import SIZES

from kiosk.cli import main
from kiosk.content.loader import check_deck, load_deck
from kiosk.core.actions import ToggleLargeText
from kiosk.core.intents import Activate, Swipe, Tick
from kiosk.core.program import Mode, View, build_program
from kiosk.core.state import initial_state, step
from kiosk.core.theme import THEMES, contrast_ratio
from kiosk.layout.items import Qr, Shape, TextLine
from kiosk.layout.screen import arrange
from kiosk.render.painter import Fonts


def decode(path) -> list[str]:
    zxingcpp = pytest.importorskip("zxingcpp", reason="zxing-cpp (test extra) decodes the QR codes")
    surface = pygame.image.load(str(path))
    width, height = surface.get_size()
    pixels = memoryview(pygame.image.tobytes(surface, "RGB")).cast("B", (height, width, 3))
    return [result.text for result in zxingcpp.read_barcodes(pixels)]


@pytest.mark.parametrize("size", ["1920x1080", "1080x1920"])
def test_a_slide_with_a_link_exports_a_png_whose_qr_decodes_to_that_link(linked_deck, tmp_path, size):
    out = tmp_path / "out"
    assert main(["export", "--deck", str(linked_deck), "--size", size, "--out", str(out)]) == 0
    assert decode(out / "06-aftercare.png") == [URL]
    assert decode(out / "06-aftercare--walking.png") == [DETAIL_URL]  # a detail's own link wins
    assert decode(out / "06-aftercare--stockings.png") == [URL]  # else the slide's
    assert decode(out / "05-the-session.png") == []


def test_the_qr_code_is_crisp_with_a_quiet_zone(linked_deck):
    deck = load_deck(linked_deck)
    index = [s.id for s in deck.slides].index("aftercare")
    layout = arrange(deck, View(index, None, "en"), 1920, 1080, Mode.TOUCH, Fonts().measure)
    qr = next(item for item in layout.items if isinstance(item, Qr))
    assert qr.box.w == qr.box.h == (qr.code.size + 8) * qr.module_px  # whole pixels per module
    assert (
        qr.module_px >= 4
    )  # about 2 mm a module on a 24-inch 1080p screen: a phone reads it at arm's length
    assert not any(isinstance(i, TextLine) and i.box.overlaps(qr.box) for i in layout.items)


@pytest.mark.parametrize(
    "bad",
    ["example.com/page", "ftp://example.com/x", "https://", "https://exa mple.com", "javascript:alert(1)"],
)
def test_validation_rejects_a_malformed_link(linked_deck, bad):
    path = linked_deck / "aftercare.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace(f"link: {URL}", f"link: '{bad}'"), encoding="utf-8"
    )
    report = check_deck(linked_deck)
    assert report.deck is None
    assert any(
        "is not a web address; write it in full, like https://" in p.message
        and p.file.endswith("aftercare.yaml")
        for p in report.errors
    )


def test_a_plus_switches_to_large_text_and_idle_resets_it(deck):
    program = build_program(deck, Mode.TOUCH, idle_timeout_s=30)
    state = step(initial_state(program, 0.0), Activate(ToggleLargeText()), 1.0)
    assert state.view.large
    measure = Fonts().measure
    normal = arrange(deck, View(0, None, "en"), 1920, 1080, Mode.TOUCH, measure)
    large = arrange(deck, state.view, 1920, 1080, Mode.TOUCH, measure)

    def summary_size(layout):
        return max(i.size_px for i in layout.items if isinstance(i, TextLine) and i.color == "ink")

    assert summary_size(large) >= 1.3 * summary_size(normal)
    button = next(h for h in large.hotspots if str(h.action) == "text:larger")
    assert any(
        isinstance(i, Shape) and i.box == button.box and i.fill == "teal" for i in large.items
    )  # shown as on
    assert not step(state, Activate(ToggleLargeText()), 2.0).view.large  # a second tap turns it off
    later = state
    for t in range(2, 40):  # nobody touches it for longer than the idle timeout
        later = step(later, Tick(), float(t))
    assert not later.view.large


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_every_screen_fits_with_large_text(deck, size):
    from test_layout import all_views, check_fits

    measure = Fonts().measure
    problems = []
    for language in deck.languages:
        for view in all_views(deck, language):
            layout = arrange(
                deck, View(view.slide, view.detail, language, 0, True), *size, Mode.TOUCH, measure
            )
            problems += [f"{view}: {p}" for p in check_fits(layout, Mode.TOUCH)]
    assert problems == []


def test_high_contrast_theme_meets_wcag_aaa_for_body_text():
    theme = THEMES["high-contrast"]
    for foreground, background in [
        ("ink", "background"),
        ("teal", "background"),
        ("mute", "background"),
        ("teal", "card"),
        ("on_teal", "teal"),
    ]:
        assert contrast_ratio(theme.rgb(foreground), theme.rgb(background)) >= 7.0, (foreground, background)


def test_reduced_motion_turns_swipes_into_fades(deck):
    program = build_program(deck, Mode.TOUCH, reduced_motion=True)
    state = step(initial_state(program, 0.0), Swipe(1), 1.0)
    assert state.index == 1 and state.transition.kind == "fade"
    assert (
        step(initial_state(build_program(deck, Mode.TOUCH), 0.0), Swipe(1), 1.0).transition.kind
        == "push-next"
    )


def test_the_current_progress_dot_differs_in_size_not_only_colour(deck):
    layout = arrange(deck, View(2, None, "en"), 1920, 1080, Mode.TOUCH, Fonts().measure)
    dots = [
        i
        for i in layout.items
        if isinstance(i, Shape) and i.fill in ("teal", "dot") and i.box.h < 30 and i.kind == "rect"
    ]
    assert len(dots) == len(deck.slides)
    current = [d for d in dots if d.fill == "teal"]
    assert len(current) == 1 and current[0].box.w >= 2 * min(d.box.w for d in dots)
    assert dots.index(current[0]) == 2


@pytest.mark.parametrize("size", ["1920x1080", "1080x1920"])
@pytest.mark.parametrize("variant", [["--large-text"], ["--theme", "high-contrast"]])
def test_large_text_and_high_contrast_exports_fit(tmp_path, size, variant, capsys):
    out = tmp_path / "out"
    assert main(["export", "--size", size, "--out", str(out), *variant]) == 0
    manifest = json.loads((out / "manifest.json").read_text())
    assert [s["overflow"] for s in manifest["screens"] if s["overflow"]] == []
    assert "does not fit" not in capsys.readouterr().err
