"""Detail screens hold the layout invariant (kiosk.layout.invariant) at every supported size, in
every language, in touch and lobby mode, at normal and A+ text, for the example deck and for
hard decks: long German bodies, ten steps with and without pictures, wide and tall pictures.

Touch details too long for the screen scroll, keep their picture at a fair size and show a "more"
cue only when something is hidden; lobby details are split into pages that show every line once.
Text is measured with the real font (pygame.font only), as on the kiosk.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from kiosk.content.deck import Bullets, Deck, Detail, Image, Paragraph, Step, Text
from kiosk.core.program import Mode, View, build_program, reading_time_s
from kiosk.layout.detail import lobby_pages
from kiosk.layout.invariant import PORTRAIT_SIZES, SUPPORTED_SIZES, Violation, violations
from kiosk.layout.items import Item, ScreenLayout, Shape, TextLine
from kiosk.layout.screen import arrange

# What detail.py draws itself; everything else on a detail screen is the shared chrome.
# ("picture-frame", "scroll-cue" and "scroll-hint" are the names chrome.py gives the shared
# picture frame and scroll cue once detail.py uses them.)
DETAIL_ROLES = frozenset(
    {"kicker", "title", "body", "bullet", "step", "step-number", "badge", "disc", "picture", "more", "page"}
    | {"picture-frame", "scroll-cue", "scroll-hint"}
)
# The hard decks run here at the smallest screens, 16:10 and both portrait ratios; the long run
# (KIOSK_LONG=1) takes every supported size.
SAMPLE_SIZES = ((800, 480), (1280, 800), (1366, 768), (480, 800), (1080, 1920))
RECT = re.compile(r"\((-?\d+),(-?\d+) (\d+)x(\d+)\)")

WIDE = Image(Path("wide.png"), "png")  # 4:1: the layout never reads the file
TALL = Image(Path("tall.png"), "png")  # 1:4

# German from the source article (sclerotherapy-article.txt), with its long compounds.
GERMAN = [
    "Die Sklerotherapie ist eine Behandlung ohne Operation für Besenreiservenen und Krampfadern.",
    "Dabei wird eine Verödungsflüssigkeit direkt in die Vene gespritzt.",
    "Die Vene vernarbt und fällt zusammen, und das Blut fließt durch gesündere Venen.",
    "Die Behandlung braucht keine Betäubung und wird von einer Hautärztin oder einem Chirurgen "
    "in einer ästhetischen Hautpflegepraxis durchgeführt.",
    "Nach der Behandlungssitzung tragen Sie einige Wochen lang Kompressionsstrümpfe.",
    "Regelmäßige Spaziergänge beugen Blutgerinnseln vor.",
    "Mögliche Nebenwirkungen sind Blutergüsse, Schwellungen, Hautverfärbungen oder kleine rote "
    "Stellen, die meist nach einigen Tagen oder Wochen verschwinden.",
    "Sprechen Sie vor der Entscheidung mit Ihrer Dermatologin über Ihre Krankengeschichte, "
    "Blutverdünnungsmedikamente und Ihren Gesundheitszustand.",
    "Krampfaderverödungsnachsorgeempfehlungen bespricht das Praxisteam mit Ihnen.",
]
ENGLISH = [
    "Sclerotherapy treats spider veins and varicose veins without surgery.",
    "A fine needle puts a special solution into each vein.",
    "The vein scars and closes, and blood flows through healthier veins.",
    "It needs no anaesthesia and is done by a dermatologist or surgeon.",
    "After the session you wear compression stockings for several weeks.",
    "Walking often helps to prevent blood clots.",
    "Bruising, swelling, skin discoloration or tiny red areas may appear and usually fade within days "
    "or weeks.",
    "Talk with your dermatologist about your medical history and your health today.",
]


def _long_body(sentences: list[str], words: int) -> tuple[Paragraph | Bullets, ...]:
    """Paragraphs and a bullet list of at least `words` words, cycling through `sentences`."""
    blocks: list[Paragraph | Bullets] = []
    count = 0
    i = 0
    while count < words:
        paragraph = " ".join(sentences[(i + k) % len(sentences)] for k in range(3))
        blocks.append(Paragraph(paragraph))
        bullets = tuple(sentences[(i + k) % len(sentences)] for k in range(3, 6))
        blocks.append(Bullets(bullets))
        count += len(paragraph.split()) + sum(len(b.split()) for b in bullets)
        i += 2
    return tuple(blocks)


def _steps(count: int, pictures: str) -> tuple[Step, ...]:
    """`pictures`: "none", "all" or "some" (every other step)."""
    steps = []
    for i in range(count):
        text = Text.of(de=GERMAN[i % len(GERMAN)], en=ENGLISH[i % len(ENGLISH)])
        image = {"none": None, "all": WIDE if i % 2 else TALL, "some": TALL if i % 2 else None}[pictures]
        steps.append(Step(text, image))
    return tuple(steps)


def _detail(
    detail_id: str, *, words: int = 0, steps: tuple[Step, ...] = (), image: Image | None = None
) -> Detail:
    title = Text.of(
        de="Was Sie nach der Behandlungssitzung beachten sollten",
        en="What to keep in mind after the session",
    )
    body = (
        (("de", _long_body(GERMAN, words)), ("en", _long_body(ENGLISH, words)))
        if words
        else (("de", (Paragraph(GERMAN[0]),)), ("en", (Paragraph(ENGLISH[0]),)))
    )
    return Detail(detail_id, title, body, steps, image, None)


def hard_deck(example: Deck, *, link: bool = False) -> Deck:
    """A German and English deck with details no example slide has (six on one slide)."""
    details = (
        _detail("long-plain", words=220),
        _detail("long-wide", words=220, image=WIDE),
        _detail("long-tall", words=240, image=TALL),
        _detail("steps-bare", steps=_steps(10, "none")),
        _detail("steps-pictures", steps=_steps(10, "all")),
        _detail("steps-some", words=40, steps=_steps(10, "some")),
    )
    base = example.slides[0]
    slide = replace(
        base,
        title=Text.of(de="Nach der Verödungsbehandlung", en="After the treatment"),
        details=details,
        link=example.slides[0].link if not link else _link(example),
    )
    second = replace(base, details=(_detail("short", image=WIDE),))
    return replace(
        example,
        languages=("de", "en"),
        default_language="de",
        title=Text.of(de="Venenpraxis am Markt", en="Vein clinic"),
        disclaimer=Text.of(
            de="Allgemeine Informationen, keine medizinische Beratung.",
            en="General information, not medical advice.",
        ),
        slides=(slide, second),
    )


def _link(example: Deck):
    from kiosk.content.deck import QrCode

    # A 25-module code is what a clinic URL usually needs; the layout only reads its size.
    return QrCode("https://example-clinic.com/nachsorge", tuple("0" * 25 for _ in range(25)))


@pytest.fixture(scope="module")
def measure():
    from kiosk.render.painter import Fonts

    return Fonts().measure


def detail_views(deck: Deck) -> Iterator[View]:
    for language in deck.languages:
        for index, slide in enumerate(deck.slides):
            for detail in slide.details:
                for large in (False, True):
                    yield View(index, detail.id, language, 0, large)


def _boxes(layout: ScreenLayout) -> set[tuple[int, int, int, int]]:
    return {
        (item.box.x, item.box.y, item.box.w, item.box.h)
        for item in (*layout.items, *layout.scroll_items)
        if _role(item) in DETAIL_ROLES
    }


def _role(item: Item) -> str:
    return item.role


def detail_violations(layout: ScreenLayout) -> list[Violation]:
    """The violations detail.py answers for: its own items against each other and the chrome,
    its scrolling area and its overflow. (Faults inside the chrome itself, such as a top-bar
    button too small at 800x480, belong to kiosk/layout/chrome.py.)"""
    ours = _boxes(layout)
    found = []
    for violation in violations(layout):
        rects = {tuple(int(n) for n in match) for match in RECT.findall(violation.message)}
        if (
            violation.rule == "overflow"
            or "viewport" in violation.message
            or "scrolling area" in violation.message
            or rects & ours
        ):
            found.append(violation)
    return found


def _matrix(deck: Deck, measure, sizes=SUPPORTED_SIZES) -> list[str]:
    problems: list[str] = []
    for width, height in sizes:
        for mode in Mode:
            for view in detail_views(deck):
                first = arrange(deck, view, width, height, mode, measure)
                layouts = [first] + [
                    arrange(deck, replace(view, page=page), width, height, mode, measure)
                    for page in range(1, page_count(first))
                ]
                for page, layout in enumerate(layouts):
                    for violation in detail_violations(layout):
                        problems.append(
                            f"{width}x{height} {mode.value} {view.language} large={view.large} "
                            f"{view.detail} p{page + 1}: {violation.message}"
                        )
    return problems


def page_count(layout: ScreenLayout) -> int:
    """How many pages a lobby detail has, as its page marker ("1/3") tells the room."""
    markers = [i.text for i in layout.items if isinstance(i, TextLine) and i.role == "page"]
    return int(markers[0].split("/")[1]) if markers else 1


def test_every_detail_of_the_example_deck_holds_the_invariant(deck, measure):
    problems = _matrix(deck, measure)
    assert not problems, f"{len(problems)} problems, first: " + "\n".join(problems[:10])


@pytest.mark.parametrize("link", [False, True], ids=["no-link", "qr-link"])
def test_hard_details_hold_the_invariant_at_sample_sizes(deck, measure, link):
    problems = _matrix(hard_deck(deck, link=link), measure, SAMPLE_SIZES)
    assert not problems, f"{len(problems)} problems, first: " + "\n".join(problems[:10])


@pytest.mark.long
@pytest.mark.parametrize("link", [False, True], ids=["no-link", "qr-link"])
def test_hard_details_hold_the_invariant_at_every_size(deck, measure, link):
    problems = _matrix(hard_deck(deck, link=link), measure)
    assert not problems, f"{len(problems)} problems, first: " + "\n".join(problems[:10])


def test_detail_screens_hold_the_whole_invariant_chrome_included(deck, measure):
    found = []
    for width, height in SUPPORTED_SIZES:
        for mode in Mode:
            for view in detail_views(deck):
                found += violations(arrange(deck, view, width, height, mode, measure))
    assert not found, found[:5]


# -- lobby pages ----------------------------------------------------------------------------


def _letters(text: str) -> str:
    """Letters and digits only: line breaks, added hyphens and spaces do not count."""
    return re.sub(r"[\W_]", "", text)


def _source_letters(detail: Detail, language: str) -> str:
    texts = []
    for block in detail.blocks(language):
        texts += [block.text] if isinstance(block, Paragraph) else list(block.items)
    texts += [step.text.get(language) for step in detail.steps]
    return _letters("".join(texts))


@pytest.mark.parametrize("size", [(800, 480), (1280, 800), (1920, 1080), (480, 800), (1080, 1920)])
@pytest.mark.parametrize("detail_id", ["long-plain", "long-tall", "steps-some", "steps-pictures"])
def test_lobby_pages_show_every_line_exactly_once(deck, measure, size, detail_id):
    hard = hard_deck(deck)
    width, height = size
    detail = hard.slides[0].detail(detail_id)
    assert detail is not None
    for language in hard.languages:
        words = lobby_pages(hard, width, height, measure)(0, detail_id, language)
        if detail_id.startswith("long") and size == (800, 480):
            assert len(words) >= 3  # 220 words never fit one small lobby screen
        shown = ""
        bullets = 0
        for page in range(len(words)):
            layout = arrange(
                hard, View(0, detail_id, language, 0, False, page), width, height, Mode.LOBBY, measure
            )
            assert layout.viewport is None and not layout.overflow
            assert not detail_violations(layout)
            lines = [i for i in layout.items if isinstance(i, TextLine) and i.role in ("body", "step")]
            # Reading order: a paragraph or step at a time (two steps may share a row).
            blocks = list(dict.fromkeys(line.block for line in lines))
            lines.sort(key=lambda line: blocks.index(line.block))
            shown += "".join(_letters(line.text) for line in lines)
            bullets += sum(1 for i in layout.items if isinstance(i, Shape) and i.role == "bullet")
            read = sum(
                len(i.text.split())
                for i in layout.items
                if isinstance(i, TextLine) and i.role in ("title", "body", "step")
            )
            assert words[page] == read  # the page's reading time counts the words on it
            if len(words) > 1:
                marker = [i.text for i in layout.items if isinstance(i, TextLine) and i.role == "page"]
                assert marker == [f"{page + 1}/{len(words)}"]
        assert shown == _source_letters(detail, language)
        expected_bullets = sum(len(b.items) for b in detail.blocks(language) if isinstance(b, Bullets))
        assert bullets == expected_bullets


def test_each_lobby_page_plays_for_its_own_reading_time(deck, measure):
    hard = hard_deck(deck)
    pages = lobby_pages(hard, 800, 480, measure)
    program = build_program(hard, Mode.LOBBY, pages=pages)
    seen = 0
    for entry, duration in zip(program.entries, program.durations_s, strict=True):
        if entry.detail != "long-plain":
            continue
        assert entry.language is not None
        words = pages(entry.slide, entry.detail, entry.language)
        timing = hard.timing
        assert duration == pytest.approx(
            reading_time_s(words[entry.page], timing.min_slide_s, timing.max_slide_s)
        )
        assert program.view(program.entries.index(entry), "en").page == entry.page
        seen += 1
    assert seen >= 6  # at least three pages in each of two languages
    # Without a pagination every detail stays one entry, as before.
    plain = build_program(hard, Mode.LOBBY)
    assert sum(1 for e in plain.entries if e.detail == "long-plain") == 2


def test_lobby_export_writes_every_page(deck, tmp_path):
    from kiosk.render.export import export

    hard = hard_deck(deck)
    hard = replace(hard, slides=(replace(hard.slides[0], details=hard.slides[0].details[:1]),))
    manifest = export(hard, tmp_path, (800, 480), mode=Mode.LOBBY, language="de")
    files = [screen["file"] for screen in manifest["screens"]]
    assert "01-what-is-it--long-plain.png" in files
    assert "01-what-is-it--long-plain-p2.png" in files
    assert all((tmp_path / name).exists() for name in files)


# -- touch scrolling ------------------------------------------------------------------------


@pytest.mark.parametrize("size", SUPPORTED_SIZES)
def test_a_scrolled_picture_keeps_a_fair_size(deck, measure, size):
    hard = hard_deck(deck, link=True)
    width, height = size
    scrolled = 0
    for detail_id in ("long-wide", "long-tall"):
        for large in (False, True):
            view = View(0, detail_id, "de", 0, large)
            layout = arrange(hard, view, width, height, Mode.TOUCH, measure)
            pictures = [i for i in (*layout.items, *layout.scroll_items) if i.role == "picture"]
            assert len(pictures) == 1
            assert min(pictures[0].box.w, pictures[0].box.h) >= 0.2 * min(width, height)
            scrolled += layout.viewport is not None
    assert scrolled  # the 220-word bodies scroll at every size


@pytest.mark.parametrize("size", SUPPORTED_SIZES)
def test_the_more_cue_shows_only_when_something_is_hidden(deck, measure, size):
    hard = hard_deck(deck, link=True)
    width, height = size
    for view in detail_views(hard):
        layout = arrange(hard, view, width, height, Mode.TOUCH, measure)
        cues = [i for i in layout.items if isinstance(i, Shape) and i.role == "more"]
        hidden = layout.scroll_limit_px > 0
        assert len(cues) == (1 if hidden else 0), view
        if hidden:
            assert layout.viewport is not None
            # The cue sits below the scrolling text, above every piece of chrome.
            assert cues[0].box.y >= layout.viewport.bottom
            below = [i for i in layout.items if i.box.y >= layout.viewport.bottom and i is not cues[0]]
            assert all(not i.box.overlaps(cues[0].box) for i in below)


# -- steps ----------------------------------------------------------------------------------


@pytest.mark.parametrize("size", PORTRAIT_SIZES)
@pytest.mark.parametrize("large", [False, True])
def test_portrait_steps_without_pictures_leave_no_gaps(deck, measure, size, large):
    hard = hard_deck(deck)
    width, height = size
    layout = arrange(hard, View(0, "steps-bare", "en", 0, large), width, height, Mode.TOUCH, measure)
    items = (*layout.items, *layout.scroll_items)
    badges = sorted((i for i in items if isinstance(i, Shape) and i.role == "badge"), key=lambda i: i.box.y)
    assert len(badges) == 10
    assert len({b.box.x for b in badges}) == 1  # a list, numbers in one column
    steps = [i for i in items if isinstance(i, TextLine) and i.role == "step"]
    line_h = steps[0].box.h
    for above, below in zip(badges, badges[1:], strict=False):
        last_line = max(s.box.bottom for s in steps if above.box.y <= s.box.y < below.box.y)
        assert below.box.y - last_line <= line_h
    if layout.viewport is None:
        assert not [i for i in layout.items if isinstance(i, Shape) and i.role == "more"]


def test_landscape_steps_use_two_columns_where_they_fit(deck, measure):
    hard = hard_deck(deck)
    layout = arrange(hard, View(0, "steps-bare", "en"), 1920, 1080, Mode.TOUCH, measure)
    badges = [i for i in (*layout.items, *layout.scroll_items) if isinstance(i, Shape) and i.role == "badge"]
    assert len({b.box.x for b in badges}) == 2
    numbers = [
        i.text
        for i in (*layout.items, *layout.scroll_items)
        if isinstance(i, TextLine) and i.role == "step-number"
    ]
    assert sorted(numbers, key=int) == [str(n) for n in range(1, 11)]


def test_a_lobby_kiosk_plays_each_page_and_splits_again_for_a_new_screen(deck):
    import pygame

    from kiosk.runtime.app import Kiosk
    from kiosk.runtime.settings import Settings

    class Clock:
        now = 0.0

        def __call__(self) -> float:
            return self.now

    pygame.display.init()
    pygame.font.init()
    display = pygame.display.set_mode((800, 480))
    hard = hard_deck(deck)
    kiosk = Kiosk(hard, Settings(mode=Mode.LOBBY), display, clock=Clock())
    pages = [e.page for e in kiosk.program.entries if e.detail == "long-plain" and e.language == "de"]
    assert pages == list(range(len(pages))) and len(pages) >= 3
    before = kiosk.program
    display = pygame.display.set_mode((1920, 1080))
    kiosk.resize(1920, 1080)
    # The new split waits for the next slide boundary, like a reloaded deck. It is the split for
    # the new screen (with the lobby's legibility rule the page count may stay the same, since
    # the text keeps its size on the wall; what matters is that it was worked out again).
    from kiosk.render.painter import Fonts
    from kiosk.render.stage import screen_pages

    program = kiosk.state.pending or kiosk.state.program
    assert program.version > before.version
    settings = Settings(mode=Mode.LOBBY)
    expected = settings.program(
        hard, version=program.version, pages=screen_pages(hard, (1920, 1080), Fonts(), settings.viewing)
    )
    assert program.entries == expected.entries
    layout = kiosk.stage.layout(program.view(1, "de"))
    assert (layout.width, layout.height) == (1920, 1080)
