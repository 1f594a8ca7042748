"""The layout invariant on slide screens (and the chrome of detail screens), issue 13.

Every slide of the example deck and of harder decks made here (six German-length topics, long
deck titles, no picture, 4:1 and 1:4 pictures, a take-home link) holds
`kiosk.layout.invariant.violations` at every supported size, in every language, in touch and
lobby mode, with normal and A+ text. Measured with the real font (Atkinson Hyperlegible).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pygame
import pytest

from kiosk.content.deck import Deck, Detail, Image, Paragraph, Slide, Text
from kiosk.content.loader import qr_code
from kiosk.core.program import Mode, View
from kiosk.layout.invariant import SUPPORTED_SIZES, elements, violations
from kiosk.layout.items import Picture, ScreenLayout, Shape, TextLine
from kiosk.layout.screen import arrange
from kiosk.render.painter import Fonts

MODES = (Mode.TOUCH, Mode.LOBBY)


@pytest.fixture(scope="module")
def measure():
    pygame.font.init()
    return Fonts().measure


def _svg(path: Path, width: int, height: int) -> Image:
    path.write_text(
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}"'
        f' height="{height}"><rect width="{width}" height="{height}" fill="#b23a5e"/></svg>',
        encoding="utf-8",
    )
    return Image(path, "svg")


GERMAN_TOPICS = (
    "Blutverdünnungsmedikamente rechtzeitig absetzen",
    "Kompressionsstrümpfe richtig anziehen und pflegen",
    "Schwangerschaftsverhütungsmittel und Hormonbehandlung",
    "Nachsorgeuntersuchungstermine vereinbaren",
    "Unverträglichkeitsreaktionen erkennen und melden",
    "Krankenversicherungsleistungen und Kostenübernahme",
)


def _detail(index: int, title: str) -> Detail:
    body = (Paragraph("Kurzer Text."),)
    return Detail(
        f"thema-{index}",
        Text.of(de=title, en=f"Topic number {index} with a rather long English title"),
        (("de", body), ("en", body)),
        (),
        None,
        None,
    )


def hard_deck(base: Deck, folder: Path) -> Deck:
    """Six long German topics per slide, an 80-character deck title, and every picture shape."""
    wide = _svg(folder / "wide.svg", 400, 100)
    tall = _svg(folder / "tall.svg", 100, 400)
    details = tuple(_detail(i, title) for i, title in enumerate(GERMAN_TOPICS, start=1))
    long_title = Text.of(
        de="Gefäßchirurgische Sprechstunde: Vorbereitungsmaßnahmen vor der Behandlung",
        en="Vascular surgery clinic: how to prepare before your treatment appointment",
    )
    summary = Text.of(
        de="Lesen Sie diese Hinweise sorgfältig. Setzen Sie Blutverdünnungsmedikamente nur nach "
        "Rücksprache ab und bringen Sie Ihre Kompressionsstrümpfe zur Behandlung mit.",
        en="Read these notes with care. Stop blood thinners only after asking us, and bring your "
        "compression stockings to the appointment.",
    )
    link = qr_code("https://example-clinic.com/vorbereitung/behandlung?sprache=de")
    template = base.slides[0]

    def slide(slide_id: str, image: Image | None, *, with_link: bool = False, topics: int = 6) -> Slide:
        return replace(
            template,
            id=slide_id,
            title=long_title,
            summary=summary,
            image=image,
            details=details[:topics],
            link=link if with_link else None,
        )

    slides = (
        slide("ohne-bild", None),
        slide("breit", wide, with_link=True),
        slide("hoch", tall),
        slide("ohne-bild-link", None, with_link=True),
        slide("wenige", base.slides[0].image, topics=2),
        slide("keine-themen", tall, topics=0),
    )
    return replace(
        base,
        title=Text.of(
            de="Universitätsklinikum Musterstadt · Patienteninformationsleitfaden Gefäßmedizin",
            en="University Hospital Sampletown · patient information guide, vascular medicine",
        ),
        languages=("de", "en"),
        default_language="de",
        disclaimer=Text.of(
            de="Allgemeine Informationen, keine medizinische Beratung. Bei Beschwerden wenden Sie "
            "sich bitte jederzeit an Ihre behandelnde Praxis.",
            en="General information, not medical advice. If anything worries you, call your clinic.",
        ),
        slides=slides,
    )


def _problems(deck: Deck, measure, sizes) -> list[str]:
    problems = []
    for width, height in sizes:
        for mode in MODES:
            for language in deck.languages:
                for large in (False, True):
                    for index, slide in enumerate(deck.slides):
                        views = [View(index, None, language, large=large)]
                        if mode is Mode.TOUCH and slide.details:
                            views.append(View(index, slide.details[0].id, language, large=large))
                        for view in views:
                            layout = arrange(deck, view, width, height, mode, measure)
                            found = violations(layout)
                            if view.detail is not None:
                                found = [v for v in found if _in_chrome(v.message, layout)]
                            problems += [
                                f"{width}x{height} {mode.value} {language} A+={large} {slide.id}"
                                f"/{view.detail}: {v.message}"
                                for v in found
                            ]
    return problems


def _in_chrome(message: str, layout: ScreenLayout) -> bool:
    """A violation on a detail screen that names the chrome (the body belongs to detail.py)."""
    chrome = ("deck-title", "button", "language", "disclaimer", "hint", "qr", "dot", "hotspot 'back'")
    return any(word in message for word in chrome) or "'language:" in message or "text:larger" in message


def test_the_example_deck_holds_the_invariant_everywhere(deck, measure):
    assert _problems(deck, measure, SUPPORTED_SIZES) == []


def test_hard_decks_hold_the_invariant_everywhere(deck, measure, tmp_path):
    assert _problems(hard_deck(deck, tmp_path), measure, SUPPORTED_SIZES) == []


def test_every_topic_card_is_reachable_at_800x480_with_large_text(deck, measure, tmp_path):
    hard = hard_deck(deck, tmp_path)
    for index, slide in enumerate(hard.slides):
        for language in hard.languages:
            layout = arrange(hard, View(index, None, language, large=True), 800, 480, Mode.TOUCH, measure)
            cards = {str(h.action): h.box for h in (*layout.hotspots, *layout.scroll_hotspots)}
            assert sorted(a for a in cards if a.startswith("open:")) == sorted(
                f"open:{d.id}" for d in slide.details
            )
            for action, box in cards.items():
                assert box.w >= 48 and box.h >= 48, (action, box)
                assert 0 <= box.x and box.right <= 800
                if layout.viewport is not None and any(
                    str(h.action) == action for h in layout.scroll_hotspots
                ):
                    # It scrolls: it lies within the scrolled content and fits the viewport whole.
                    assert box.h <= layout.viewport.h
                    assert layout.viewport.y <= box.y
                    assert box.bottom <= layout.viewport.y + layout.content_height_px
                    assert layout.scroll_limit_px > 0
                else:
                    assert 0 <= box.y and box.bottom <= 480, (action, box)


def test_a_scrolled_card_is_hit_where_it_is_drawn(deck, measure, tmp_path):
    hard = hard_deck(deck, tmp_path)
    layout = arrange(hard, View(0, None, "de", large=True), 800, 480, Mode.TOUCH, measure)
    assert layout.viewport is not None and layout.scroll_hotspots
    last = layout.scroll_hotspots[-1]
    assert last.box.bottom > layout.viewport.bottom  # below the fold at first
    centre_x = last.box.x + last.box.w / 2
    scroll = layout.scroll_limit_px
    on_screen_y = last.box.y - scroll + last.box.h / 2
    assert layout.hit(centre_x, on_screen_y, scroll) == last.action
    assert layout.hit(centre_x, on_screen_y, 0) != last.action
    # A cue tells the patient there is more below the cards.
    assert any(isinstance(i, Shape) and i.role == "scroll-cue" for i in layout.items)


def test_a_slide_without_a_picture_gives_its_text_the_full_width(deck, measure):
    for width, height in ((1920, 1080), (800, 480), (1080, 1920)):
        no_picture = replace(deck, slides=(replace(deck.slides[0], image=None), *deck.slides[1:]))
        layout = arrange(no_picture, View(0, None, "en"), width, height, Mode.TOUCH, measure)
        assert not any(isinstance(i, Picture) for i in layout.items)
        assert not any(isinstance(i, Shape) and i.role == "picture-frame" for i in layout.items)
        margin = round(width * (0.053 if height > width else 0.05))
        title = next(i for i in layout.items if isinstance(i, TextLine) and i.role == "title")
        cards = [h.box for h in layout.hotspots if str(h.action).startswith("open:")]
        assert title.box.w == width - 2 * margin
        assert cards and all(c.right == width - margin for c in cards)
        with_picture = arrange(deck, View(0, None, "en"), width, height, Mode.TOUCH, measure)
        if width > height:
            assert (
                max(h.box.w for h in with_picture.hotspots if str(h.action).startswith("open:")) < cards[0].w
            )


def test_pictures_of_any_shape_sit_inside_one_frame(deck, measure, tmp_path):
    for image in (_svg(tmp_path / "wide.svg", 400, 100), _svg(tmp_path / "tall.svg", 100, 400)):
        shaped = replace(deck, slides=(replace(deck.slides[0], image=image), *deck.slides[1:]))
        for width, height in ((1920, 1080), (1080, 1920), (800, 480)):
            layout = arrange(shaped, View(0, None, "en"), width, height, Mode.TOUCH, measure)
            frame = next(i for i in layout.items if isinstance(i, Shape) and i.role == "picture-frame")
            picture = next(i for i in layout.items if isinstance(i, Picture))
            assert picture.box.inside(frame.box) and picture.box != frame.box


def test_a_wide_picture_is_drawn_whole_inside_its_frame(deck, tmp_path):
    """Painted, a 4:1 picture is letterboxed: its colour fills a band, the frame's sand shows
    above and below it, and nothing of it lands outside the frame."""
    from kiosk.core.theme import THEMES
    from kiosk.render.painter import Painter, Pictures

    pygame.display.init()
    image = _svg(tmp_path / "wide.svg", 400, 100)
    shaped = replace(deck, slides=(replace(deck.slides[0], image=image), *deck.slides[1:]))
    fonts = Fonts()
    layout = arrange(shaped, View(0, None, "en"), 1920, 1080, Mode.TOUCH, fonts.measure)
    base, _ = Painter(fonts, Pictures()).paint(layout, THEMES["warm"])
    frame = next(i for i in layout.items if isinstance(i, Shape) and i.role == "picture-frame").box
    cx, cy = frame.x + frame.w // 2, frame.y + frame.h // 2
    rose, sand = THEMES["warm"].rgb("rose"), THEMES["warm"].rgb("sand")
    assert tuple(base.get_at((cx, cy)))[:3] == rose
    assert tuple(base.get_at((cx, frame.y + frame.h // 8)))[:3] == sand
    assert tuple(base.get_at((cx, frame.bottom - frame.h // 8)))[:3] == sand
    assert tuple(base.get_at((frame.x - 3, cy)))[:3] == THEMES["warm"].rgb("background")


def test_chrome_at_800x480_is_readable_and_tappable(deck, measure):
    layout = arrange(deck, View(0, None, "en"), 800, 480, Mode.TOUCH, measure)
    chrome = [
        i for i in layout.items if isinstance(i, TextLine) and i.role in ("deck-title", "hint", "disclaimer")
    ]
    assert {i.role for i in chrome} == {"deck-title", "hint", "disclaimer"}
    assert min(i.size_px for i in chrome) >= 14
    assert all(h.box.h >= 48 and h.box.w >= 48 for h in layout.hotspots)


def test_the_portrait_disclaimer_wraps_inside_the_screen(deck, measure, tmp_path):
    hard = hard_deck(deck, tmp_path)
    layout = arrange(hard, View(0, None, "de"), 480, 800, Mode.TOUCH, measure)
    lines = [i for i in layout.items if isinstance(i, TextLine) and i.role == "disclaimer"]
    assert len(lines) >= 2 and len({line.block for line in lines}) == 1
    assert all(line.box.x >= 0 and line.box.x + line.measured_w <= 480 - 25 for line in lines)


def test_the_hint_cue_is_a_filled_sign_not_an_empty_ring(deck, measure):
    layout = arrange(deck, View(0, None, "en"), 1920, 1080, Mode.TOUCH, measure)
    assert not any(isinstance(i, Shape) and i.kind == "ring" for i in layout.items)
    cue = next(i for i in layout.items if isinstance(i, Shape) and i.role == "hint-cue")
    assert cue.fill == "rose"


def test_every_item_says_what_it_is(deck, measure, tmp_path):
    hard = hard_deck(deck, tmp_path)
    for index in range(len(hard.slides)):
        layout = arrange(hard, View(index, None, "de", large=True), 800, 480, Mode.TOUCH, measure)
        for item in (*layout.items, *layout.scroll_items):
            assert item.role, item
            if isinstance(item, TextLine):
                assert item.block, item


def test_manifest_elements_list_the_chrome_in_reading_order(deck, measure):
    layout = arrange(deck, View(0, None, "en"), 1920, 1080, Mode.TOUCH, measure)
    found = elements(layout)
    kinds = [e["kind"] for e in found]
    assert kinds[0] == "deck-title" and "disclaimer" in kinds and "title" in kinds
    assert kinds.index("title") < kinds.index("card-label") < kinds.index("disclaimer")
    tops = [e["rect"][1] for e in found]  # type: ignore[index]
    assert tops == sorted(tops)
    title_lines = [e for e in found if e["kind"] == "title"]
    assert len({e["block"] for e in title_lines}) == 1
