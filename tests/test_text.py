"""Text: wrapping with hyphenation, numbers kept with their units, and a body's small markup
(paragraphs with kept line breaks, bullets, numbered lists, **bold**), on screen and on paper."""

from __future__ import annotations

import dataclasses
import io
import re

import pygame
import pyphen
import pytest
from conftest import SLIDES

from kiosk.content.deck import Bullets, Numbered, Paragraph, Run, inline, parse_body, plain
from kiosk.content.loader import load_deck
from kiosk.core.theme import THEMES
from kiosk.layout.items import Box, ScreenLayout, Shape, TextLine
from kiosk.layout.text import Flow, wrap, wrap_runs
from kiosk.render.painter import Fonts, Painter, Pictures


def fake(text: str, size_px: int, bold: bool) -> int:
    """10 px a character, 12 in bold: simple to reason about, and the weights differ."""
    return len(text) * (12 if bold else 10)


@pytest.fixture(scope="module")
def fonts() -> Fonts:
    return Fonts()


GERMAN = (
    "Blutverdünnungsmedikamente Darmspiegelung Abführmittel Nahrungsergänzungsmittel "
    "Vorbereitungsgespräch Schmerzmittelunverträglichkeit"
)


# -- hyphenation --------------------------------------------------------------------------------


def rejoin(lines: list[str]) -> tuple[str, list[tuple[str, int]]]:
    """The text the lines were cut from (every trailing "-" is an added hyphen here), and where
    each word was hyphenated: (word, letters before the break)."""
    text = ""
    starts: list[tuple[int, int]] = []
    glued = False
    for line in lines:
        if text and not glued:
            text += " "
        glued = line.endswith("-")
        text += line.removesuffix("-")
        if glued:
            start = text.rfind(" ") + 1
            starts.append((start, len(text) - start))
    return text, [(text[start:].split()[0], cut) for start, cut in starts]


@pytest.mark.parametrize("width", range(90, 420, 15))
def test_german_compounds_break_at_pyphen_points_with_a_hyphen_and_never_overflow(width):
    lines = wrap(GERMAN, width, 20, False, fake, "de")
    assert all(fake(line, 20, False) <= width for line in lines), lines
    text, cuts = rejoin(lines)
    assert text == GERMAN  # nothing lost, nothing added but the hyphens
    dictionary = pyphen.Pyphen(lang="de_DE")
    for word, cut in cuts:
        assert cut in dictionary.positions(word), (word, cut, lines)
    if width < 260:  # narrower than the longest compound: it must have been hyphenated
        assert cuts


def test_a_compound_wider_than_the_line_breaks_like_a_german_reader_expects():
    assert wrap("Blutverdünnungsmedikamente", 100, 20, False, fake, "de") == [
        "Blutver-",
        "dünnungs-",
        "medika-",
        "mente",
    ]
    # Not the old mid-word cut without a hyphen ("Blutverdünnungsmedikame | nte"), and not
    # "...medikamen- | te" either: a point leaving three letters on each side comes first.
    assert wrap("Blutverdünnungsmedikamente", 250, 20, False, fake, "de") == [
        "Blutverdünnungsmedika-",
        "mente",
    ]


def test_a_long_word_that_would_leave_a_ragged_line_is_hyphenated():
    # "Bitte" alone on a 300 px line would leave it mostly empty; the compound starts beside it.
    lines = wrap("Bitte Blutverdünnungsmedikamente absetzen", 300, 20, False, fake, "de")
    assert lines[0].startswith("Bitte Blut") and lines[0].endswith("-"), lines
    # A short word is never hyphenated for looks.
    assert wrap("Bitte nehmen Sie", 100, 20, False, fake, "de") == ["Bitte", "nehmen Sie"]


def test_a_word_with_a_hyphen_breaks_after_it_without_a_second_one():
    lines = wrap("self-explanatory", 100, 20, False, fake, "xx")
    assert lines[0] == "self-"
    assert not any(line.endswith("--") for line in lines)


def test_without_a_dictionary_a_word_splits_between_letters_only_as_a_last_resort():
    lines = wrap("short words stay whole, Xyzzyplughfoobarbaz", 100, 20, False, fake, "zz")
    assert lines[:3] == ["short", "words stay", "whole,"]
    assert all(fake(line, 20, False) <= 100 for line in lines)
    assert "".join(line.removesuffix("-") for line in lines[3:]) == "Xyzzyplughfoobarbaz"


def test_the_real_font_never_overflows_either(fonts):
    for width in range(120, 700, 37):
        for language, text in (("de", GERMAN), ("en", "Sclerotherapy compression stockings " * 3)):
            for bold in (False, True):
                lines = wrap(text, width, 32, bold, fonts.measure, language)
                assert all(fonts.measure(line, 32, bold) <= width for line in lines), (width, lines)


def test_a_thousand_letter_word_wraps_quickly_and_within_the_line(fonts):
    lines = wrap("x" * 1000, 200, 24, False, fonts.measure, "en")
    assert "".join(line.removesuffix("-") for line in lines) == "x" * 1000
    assert all(fonts.measure(line, 24, False) <= 200 for line in lines)


# -- numbers, units and no-break spaces ---------------------------------------------------------


UNITS = "Trinken Sie jeden Abend (250 ml) Wasser und warten Sie 15–30 min, dann 2 cm und 80 % davon."


@pytest.mark.parametrize("measure_name", ["fake", "font"])
def test_a_number_never_splits_from_its_unit(fonts, measure_name):
    measure = fake if measure_name == "fake" else fonts.measure
    widest = max(measure(text, 24, False) for text in ("(250 ml)", "15–30 min,", "Trinken"))
    for width in range(widest, 600, 7):
        lines = wrap(UNITS, width, 24, False, measure, "de")
        assert all(measure(line, 24, False) <= width for line in lines)
        for together in ("(250 ml)", "15–30 min,", "2 cm", "80 %"):
            assert any(together in line for line in lines), (width, together, lines)


def test_a_no_break_space_is_never_a_line_break_and_draws_as_a_space():
    text = "Fragen Sie Dr.\u00a0Müller oder rufen Sie 030\u202f1234\u202f5678 an"
    for width in range(150, 420, 10):
        lines = wrap(text, width, 20, False, fake, "de")
        assert any("Dr. Müller" in line for line in lines), lines
        assert any("030 1234 5678" in line for line in lines), lines
        assert not any(char in line for line in lines for char in "\u00a0\u202f")


# -- the body markup ----------------------------------------------------------------------------


def test_numbered_items_keep_the_numbers_the_author_wrote():
    blocks = parse_body("Before the test:\n\n1. Stop eating.\n2. Drink **2 litres**.\n\n3) Rest.\n4) Sleep.")
    assert blocks[0] == Paragraph("Before the test:")
    assert blocks[1] == Numbered(items=("Stop eating.", "Drink **2 litres**."), numbers=("1.", "2."))
    assert blocks[2] == Numbered(items=("Rest.", "Sleep."), numbers=("3)", "4)"))


def test_numbered_lists_are_drawn_with_their_numbers_right_aligned_in_a_gutter():
    flow = Flow(fake, 0, 400, 0)
    items = tuple(f"Step number {n}" for n in range(1, 11))
    flow.blocks((Numbered(items=items, numbers=tuple(f"{n}." for n in range(1, 11))),), 20)
    lines = [item for item in flow.items if isinstance(item, TextLine)]
    labels = [line for line in lines if re.fullmatch(r"\d+\.", line.text)]
    assert [label.text for label in labels] == [f"{n}." for n in range(1, 11)]
    assert len({label.box.right for label in labels}) == 1  # "9." lines up with "10."
    texts = [line for line in lines if line not in labels]
    assert [t.text for t in texts] == list(items)
    assert all(t.box.x > labels[0].box.right for t in texts)
    for label, text in zip(labels, texts, strict=True):
        assert label.block == text.block and label.box.y == text.box.y and label.role == "body"
    assert len({t.block for t in texts}) == 10  # one block id an item


def test_a_single_line_break_is_kept_and_an_indented_line_continues():
    body = "Bring with you:\nyour card\nyour list of medicines\n  and doses\n\n- a bullet that\n  goes on"
    blocks = parse_body(body)
    assert blocks == (
        Paragraph("Bring with you:\nyour card\nyour list of medicines and doses"),
        Bullets(("a bullet that goes on",)),
    )
    flow = Flow(fake, 0, 1000, 0)
    flow.blocks(blocks[:1], 20)
    assert [line.text for line in flow.items if isinstance(line, TextLine)] == [
        "Bring with you:",
        "your card",
        "your list of medicines and doses",
    ]


def test_bullets_take_all_three_markers_and_lists_end_at_a_paragraph():
    assert parse_body("- one\n* two\n• three\nAfter") == (
        Bullets(("one", "two", "three")),
        Paragraph("After"),
    )


def test_bold_spans_become_runs_measured_in_their_own_weight():
    assert inline("Take **two** tablets") == (
        Run(text="Take "),
        Run(text="two", bold=True),
        Run(text=" tablets"),
    )
    flow = Flow(fake, 0, 1000, 0)
    flow.blocks((Paragraph("Take **two** tablets"),), 20)
    (line,) = [item for item in flow.items if isinstance(item, TextLine)]
    assert line.text == "Take two tablets"
    assert line.runs == inline("Take **two** tablets")
    assert line.measured_w == 5 * 10 + 3 * 12 + 8 * 10  # the true drawn width
    # An all-bold paragraph is a plain bold line.
    flow.blocks((Paragraph("**Stop**"),), 20)
    last = [item for item in flow.items if isinstance(item, TextLine)][-1]
    assert (last.text, last.bold, last.runs) == ("Stop", True, ())


def test_bold_runs_wrap_and_stay_within_the_line():
    runs = inline("Please **do not eat anything** after midnight")
    lines = wrap_runs(runs, 120, 20, fake, "en")
    assert [tuple((r.text, r.bold) for r in line) for line in lines] == [
        (("Please ", False), ("do", True)),
        (("not eat", True),),
        (("anything", True),),
        (("after mid-", False),),  # "after" alone would leave the line more than 30 % empty
        (("night", False),),
    ]
    assert all(sum(fake(r.text, 20, r.bold) for r in line) <= 120 for line in lines)


@pytest.mark.parametrize(
    "text",
    ["5 * 3 = 15", "a lone * star", "__not underlined__", "2 ** 3", "** spaced **", "**", "a **b"],
)
def test_anything_else_shows_literally(text):
    assert inline(text) == (Run(text=text),)
    assert plain(text) == text


def test_bullet_star_needs_a_space_so_a_bold_line_is_not_a_bullet():
    assert parse_body("**Important:** fast from midnight") == (
        Paragraph("**Important:** fast from midnight"),
    )


def test_the_shipped_slides_parse_as_before():
    """They use no markup: no numbered lists, no kept line breaks, no bold; bullets unchanged."""
    deck = load_deck(SLIDES)
    for slide in deck.slides:
        for detail in slide.details:
            for _, blocks in detail.body:
                for block in blocks:
                    assert not isinstance(block, Numbered)
                    if isinstance(block, Paragraph):
                        assert "\n" not in block.text and block.runs == (Run(text=block.text),)
                    else:
                        assert all(inline(item) == (Run(text=item),) for item in block.items)


# -- drawing --------------------------------------------------------------------------------------


def ink(surface: pygame.Surface, box: Box) -> list[int]:
    """How many ink pixels each column of `box` holds."""
    background = THEMES["warm"].rgb("background")
    columns = []
    for x in range(box.x, box.right):
        columns.append(sum(1 for y in range(box.y, box.bottom) if surface.get_at((x, y))[:3] != background))
    return columns


def test_bold_draws_bold(fonts):
    pygame.display.init()
    pygame.display.set_mode((10, 10))
    painter = Painter(fonts, Pictures())
    drawn = {}
    for name, body in (("plain", "Take two tablets"), ("bold", "Take **two** tablets")):
        flow = Flow(fonts.measure, 10, 700, 10)
        flow.blocks((Paragraph(body),), 40)
        (line,) = [item for item in flow.items if isinstance(item, TextLine)]
        base, _ = painter.paint(ScreenLayout(720, 80, (line,), ()), THEMES["warm"])
        columns = ink(base, Box(0, 0, 720, 80))
        drawn[name] = (line, columns)
    plain_line, plain_ink = drawn["plain"]
    bold_line, bold_ink = drawn["bold"]
    take = fonts.measure("Take ", 40, False)
    two_plain = fonts.measure("two", 40, False)
    two_bold = fonts.measure("two", 40, True)
    assert two_bold > two_plain
    # "Take " is drawn the same in both; "two" has more ink when bold...
    start = 10 + take
    assert plain_ink[:start] == bold_ink[:start]
    assert sum(bold_ink[start : start + two_bold]) > 1.15 * sum(plain_ink[start : start + two_plain])
    # ...and the line's ink ends where the layout measured it, wider by the bold word.
    last = max(x for x, n in enumerate(bold_ink) if n)
    assert bold_line.measured_w == plain_line.measured_w + two_bold - two_plain
    assert 10 + bold_line.measured_w - 6 <= last < 10 + bold_line.measured_w


def test_a_no_break_space_draws_as_a_space(fonts):
    pygame.display.init()
    pygame.display.set_mode((10, 10))
    painter = Painter(fonts, Pictures())
    images = []
    for text in ("250 ml", "250\u00a0ml"):
        line = TextLine(text, Box(0, 0, 300, 60), 40, False, "ink", fonts.measure(text, 40, False))
        base, _ = painter.paint(ScreenLayout(300, 60, (line,), ()), THEMES["warm"])
        images.append(pygame.image.tobytes(base, "RGB"))
    assert images[0] == images[1]


def test_bullets_and_numbers_do_not_collide_with_their_text():
    flow = Flow(fake, 0, 300, 0)
    flow.blocks(parse_body("- one thing\n- another thing\n\n1. first\n2. second"), 20)
    texts = [item for item in flow.items if isinstance(item, TextLine)]
    dots = [item for item in flow.items if isinstance(item, Shape)]
    assert len(dots) == 2
    for dot in dots:
        assert not any(dot.box.overlaps(t.box) for t in texts)
    for a in texts:
        assert a.measured_w <= a.box.w
        assert not any(a is not b and a.box.overlaps(b.box) for b in texts)


# -- paper ----------------------------------------------------------------------------------------


def test_the_handout_shows_numbers_bullets_and_bold():
    pypdf = pytest.importorskip("pypdf")
    from kiosk.tools.handout import build_handout

    deck = load_deck(SLIDES)
    slide = deck.slides[0]
    body = (
        "Before you come:\n\n1. Stop **all** blood thinners.\n2. Drink (250 ml) water.\n\n"
        "- Bring **your card**"
    )
    detail = dataclasses.replace(slide.details[0], body=(("en", parse_body(body)),), steps=())
    small = dataclasses.replace(deck, slides=(dataclasses.replace(slide, details=(detail,)),))
    pdf, _ = build_handout(small, language="en")
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    shown: list[tuple[str, str]] = []
    for page in reader.pages:
        page.extract_text(
            visitor_text=lambda text, cm, tm, font, size: (
                shown.append((text, str(font["/BaseFont"]) if font else "")) if text.strip() else None
            )
        )
    text = re.sub(r"\s+", " ", " ".join(t for t, _ in shown))
    assert "1. Stop all blood thinners." in text
    assert "2. Drink (250 ml) water." in text
    assert "Bring your card" in text
    assert "**" not in text
    bold = {t.strip() for t, font in shown if "Bold" in font}
    assert {"all", "your card", "1.", "2."} <= bold
    assert "Stop" not in bold


def test_numbered_items_and_bold_count_towards_the_reading_time():
    from kiosk.core.program import Mode, visible_words

    deck = load_deck(SLIDES)
    slide = deck.slides[0]
    body = parse_body("**Before** you come:\n\n1. Stop eating.\n2) Drink **two** glasses.")
    detail = dataclasses.replace(slide.details[0], body=(("en", body),), steps=())
    title_words = len(detail.title.get("en").split())
    assert visible_words(slide, "en", Mode.TOUCH, detail) == title_words + 3 + 2 + 3


def test_a_bold_heading_breaks_a_word_only_when_it_does_not_fit():
    # Seen in the Spanish lobby export: "¿Cómo fun- / ciona?" for a title that fits on two lines.
    assert wrap("¿Cómo funciona?", 120, 20, True, fake, "es") == ["¿Cómo", "funciona?"]
    # Body text still evens a ragged line with a long word.
    assert wrap("¿Cómo funcionamiento?", 150, 20, False, fake, "es")[0].endswith("-")
    # A bold word wider than the line is still hyphenated, never cut silently.
    assert wrap("Blutverdünnungsmedikamente", 150, 20, True, fake, "de")[0].endswith("-")


def test_a_bold_heading_set_through_a_flow_is_not_split_for_looks():
    flow = Flow(fake, 0, 120, 0, language="es")
    flow.text("¿Cómo funciona?", 20, bold=True, role="title")
    assert [line.text for line in flow.items if isinstance(line, TextLine)] == ["¿Cómo", "funciona?"]
