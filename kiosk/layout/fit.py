"""Whether every screen of a deck holds the layout invariant, measured with the real font.

`kiosk validate` runs the same `arrange()` the screen runs, over the same matrix the invariant is
proven on (every supported size, language, touch and lobby mode, normal and A+ text), and checks
each layout with `kiosk.layout.invariant.violations`. What breaks is traced back to the text that
causes it, so staff get one warning per text: its `file:line:column`, the language, where it
happens, how many pixels it runs over (worst case) and roughly how many words to cut.

Breaks that no text of the deck causes (the kiosk's own top bar or bottom row) are the kiosk's
fault, not the author's: they are reported once for the whole deck, at deck.yaml, as such.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Protocol

from kiosk.content.deck import Deck, Slide
from kiosk.content.document import Path_
from kiosk.content.loader import DECK_FILE, text_source
from kiosk.content.problems import Problem, Severity
from kiosk.core.program import Mode, View
from kiosk.layout import screen
from kiosk.layout.invariant import LANDSCAPE_SIZES, PORTRAIT_SIZES, SUPPORTED_SIZES, Violation, violations
from kiosk.layout.items import Box, Item, Measure, ScreenLayout, Shape, TextLine

# Kept for callers that check a quick subset (kiosk.tools.preview re-checks a slide on each save).
REFERENCE_SIZES = ((1280, 720), (1920, 1080), (3840, 2160), (1080, 1920))
MODES = (Mode.TOUCH, Mode.LOBBY)
TEXT_SIZES = (False, True)  # normal, A+
# Without a line of the text on screen to count from (a card pushed off, say): a typical line.
WORDS_PER_LINE = 8

_RECT = re.compile(r"\((-?\d+),(-?\d+) (\d+)x(\d+)\)")
_PX = re.compile(r"(\d+)px (?:too tall|wider)")
_WHAT = {
    "outside": "runs off the screen",
    "overlap": "runs into other parts of the screen",
    "clipped": "is cut off",
    "overflow": "does not fit even at the smallest text size",
    "hotspot": "pushes a button off the screen or makes it too small to tap",
}
# The order in which a rule is named when one text breaks several (the one staff can picture).
_RULE_ORDER = ("outside", "overflow", "clipped", "overlap", "hotspot")


class TextMetrics(Protocol):
    """What fit checking needs from the real font (kiosk.render.painter.Fonts provides it)."""

    def measure(self, text: str, size_px: int, bold: bool) -> int: ...

    def missing(self, text: str) -> set[str]: ...


@dataclass(frozen=True, slots=True, kw_only=True)
class Condition:
    """One cell of the matrix: a screen size, a mode and a text size."""

    width: int
    height: int
    mode: Mode
    large: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class Field:
    """One text of a slide file as it shows on one screen."""

    path: Path_  # in the slide file, like ("details", 0, "body")
    what: str  # for the message: "the summary", "the body of the detail `x`"
    text: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Miss:
    """One text breaking the invariant in one cell of the matrix."""

    condition: Condition
    rule: str
    overflow_px: int
    cut_words: int


def fit_problems(
    deck: Deck,
    fonts: TextMetrics,
    *,
    modes: tuple[Mode, ...] = MODES,
    sizes: Sequence[tuple[int, int]] = SUPPORTED_SIZES,
    text_sizes: tuple[bool, ...] = TEXT_SIZES,
) -> list[Problem]:
    """Every text that breaks a screen somewhere in the matrix, once each, plus missing glyphs."""
    return _glyph_problems(deck, fonts) + layout_problems(
        deck, _Widths(fonts.measure), modes=modes, sizes=sizes, text_sizes=text_sizes
    )


class _Widths:
    """Measured widths kept for one check: the matrix measures a few hundred thousand line
    candidates, more than the font's own bounded cache holds, so it would clear and re-measure."""

    def __init__(self, measure: Measure) -> None:
        self._measure = measure
        self._widths: dict[tuple[str, int, bool], int] = {}

    def __call__(self, text: str, size_px: int, bold: bool) -> int:
        key = (text, size_px, bold)
        width = self._widths.get(key)
        if width is None:
            width = self._widths[key] = self._measure(text, size_px, bold)
        return width


def layout_problems(
    deck: Deck,
    measure: Measure,
    *,
    slides: Iterable[int] | None = None,
    modes: tuple[Mode, ...] = MODES,
    sizes: Sequence[tuple[int, int]] = SUPPORTED_SIZES,
    text_sizes: tuple[bool, ...] = TEXT_SIZES,
) -> list[Problem]:
    """The layout part of `fit_problems`, for all slides or only `slides` (indexes)."""
    indexes = list(range(len(deck.slides)) if slides is None else slides)
    found = _scan(deck, measure, indexes, _conditions(modes, sizes, text_sizes))
    return _problems(deck, [hit for index in indexes for hit in found[index]], sizes)


def layout_problems_by_slide(
    deck: Deck,
    measure: Measure,
    slides: Iterable[int],
    *,
    modes: tuple[Mode, ...] = MODES,
    sizes: Sequence[tuple[int, int]] = SUPPORTED_SIZES,
    text_sizes: tuple[bool, ...] = TEXT_SIZES,
) -> dict[int, list[Problem]]:
    """Each of `slides` with exactly the problems `layout_problems(deck, measure, slides=(index,))`
    gives, checked together: one screen size and setting at a time over all of them, so the font
    sizes of that screen are still open from the slide before (opening a font is what a check of one
    slide at a time spends most on)."""
    indexes = list(slides)
    found = _scan(deck, measure, indexes, _conditions(modes, sizes, text_sizes))
    return {index: _problems(deck, found[index], sizes) for index in indexes}


def _conditions(
    modes: tuple[Mode, ...], sizes: Sequence[tuple[int, int]], text_sizes: tuple[bool, ...]
) -> list[Condition]:
    return [
        Condition(width=w, height=h, mode=mode, large=large)
        for mode in modes
        for large in text_sizes
        for w, h in sizes
    ]


# What one screen of the matrix found: the order it was found in (language, detail, condition and
# violation, as a check slide by slide, screen by screen meets them), the text and the miss.
_Hit = tuple[tuple[int, int, int, int], int, str, Field | None, Miss]


def _scan(
    deck: Deck, measure: Measure, indexes: list[int], conditions: list[Condition]
) -> dict[int, list[_Hit]]:
    """Every slide's misses over the matrix, in the order of a slide-by-slide check."""
    hits: dict[int, list[_Hit]] = {index: [] for index in indexes}
    screens = [
        (index, language_at, language, detail_at, detail)
        for index in dict.fromkeys(indexes)
        for language_at, language in enumerate(deck.languages)
        for detail_at, detail in enumerate((None, *(d.id for d in deck.slides[index].details)))
    ]
    fields = {
        (index, language, detail): _fields(deck.slides[index], detail, language)
        for index, _, language, _, detail in screens
    }
    # A lobby ignores A+ (`screen.arrange` sets its text as without it): its normal and A+ cells are
    # one layout, laid out and checked once and reported for both.
    attributed: dict[
        tuple[int, str, str | None, int, int, Mode, bool], Sequence[tuple[Field | None, Miss]]
    ] = {}
    for condition_at, condition in enumerate(conditions):
        for index, language_at, language, detail_at, detail in screens:
            same = (
                index,
                language,
                detail,
                condition.width,
                condition.height,
                condition.mode,
                _effective_large(condition),
            )
            found_before = attributed.get(same)
            if found_before is None:
                layout = screen.arrange(
                    deck,
                    View(index, detail, language, large=condition.large),
                    condition.width,
                    condition.height,
                    condition.mode,
                    measure,
                )
                found = violations(layout)
                screen_fields = fields[(index, language, detail)]
                found_before = _attribute(layout, found, screen_fields, condition) if found else ()
                if condition.mode is Mode.LOBBY:  # only a lobby's cells are shared
                    attributed[same] = found_before
            own_rules: set[str] = set()
            for at, (field, miss) in enumerate(found_before):
                if field is None:
                    # The kiosk's own parts are reported by rule and where: one miss per rule and
                    # screen says the same as hundreds (every dot of a long deck's progress row).
                    if miss.rule in own_rules:
                        continue
                    own_rules.add(miss.rule)
                order = (language_at, detail_at, condition_at, at)
                hits[index].append((order, index, language, field, replace(miss, condition=condition)))
    for found_hits in hits.values():
        found_hits.sort(key=lambda hit: hit[0])
    return hits


def _problems(deck: Deck, hits: list[_Hit], sizes: Sequence[tuple[int, int]]) -> list[Problem]:
    """One problem per text (and one for the kiosk's own parts per rule), from ordered hits."""
    misses: dict[tuple[int, Path_, str], list[Miss]] = {}
    whats: dict[tuple[int, Path_, str], str] = {}
    kiosk_misses: dict[str, list[Condition]] = {}
    for _, index, language, field, miss in hits:
        if field is None:
            kiosk_misses.setdefault(miss.rule, []).append(miss.condition)
            continue
        key = (index, field.path, language)
        misses.setdefault(key, []).append(miss)
        whats[key] = field.what
    problems = [
        _problem(deck.slides[index], path, language, whats[(index, path, language)], found, sizes)
        for (index, path, language), found in misses.items()
    ]
    for rule, where in kiosk_misses.items():
        problems.append(
            Problem(
                str(deck.folder / DECK_FILE),
                1,
                1,
                f"the kiosk's own screen parts break the layout rules ({rule}: {_WHAT[rule]}) "
                f"{_where(set(where), sizes)}; this is not caused by your text: please report it "
                "to whoever maintains the kiosk",
                Severity.WARNING,
            )
        )
    return problems


def _effective_large(condition: Condition) -> bool:
    """Whether the layout of `condition` has A+ text: as `screen.arrange` decides (touch only)."""
    return condition.large and condition.mode is Mode.TOUCH


# -- which text breaks the screen ---------------------------------------------------------------


def _fields(slide: Slide, detail_id: str | None, language: str) -> list[Field]:
    """The texts of one screen, most specific first (a line is traced to the first that holds it)."""
    if detail_id is None:
        fields = [
            Field(path=("summary",), what="the summary", text=slide.summary.get(language)),
            Field(path=("title",), what="the title", text=slide.title.get(language)),
        ]
        for i, detail in enumerate(slide.details):
            fields.append(
                Field(
                    path=("details", i, "title"),
                    what=f"the title of the detail `{detail.id}` (its card)",
                    text=detail.title.get(language),
                )
            )
        return fields
    i, detail = next((i, d) for i, d in enumerate(slide.details) if d.id == detail_id)
    fields = []
    body = " ".join(_block_text(block) for block in detail.blocks(language))
    if body:
        fields.append(
            Field(path=("details", i, "body"), what=f"the body of the detail `{detail_id}`", text=body)
        )
    for j, step in enumerate(detail.steps):
        fields.append(
            Field(
                path=("details", i, "steps", j, "text"),
                what=f"step {j + 1} of the detail `{detail_id}`",
                text=step.text.get(language),
            )
        )
    fields.append(
        Field(
            path=("details", i, "title"),
            what=f"the title of the detail `{detail_id}`",
            text=detail.title.get(language),
        )
    )
    fields.append(Field(path=("title",), what="the title", text=slide.title.get(language)))
    return fields


def _block_text(block: object) -> str:
    """The words of a body block, whatever its kind (paragraph, bullets, numbered list...)."""
    text = getattr(block, "text", None)
    if isinstance(text, str):
        return text
    items = getattr(block, "items", ())
    return " ".join(item if isinstance(item, str) else _block_text(item) for item in items)


def _normal(text: str) -> str:
    """Text as compared: no markup, hyphens at line ends, odd spaces or case."""
    text = text.replace("**", "").replace("\u00ad", "").replace("\u2026", "")
    return " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split()).casefold()


def _field_of(line: TextLine, fields: list[Field], normals: list[str]) -> Field | None:
    text = _normal(line.text).rstrip("-\u2010").strip()
    if len(text) < 3 or text.replace(".", "").isdigit():
        return None  # a step's number badge, a bullet mark: not worth tracing
    pairs = list(zip(fields, normals, strict=True))
    # A card label is also a phrase of the summary: a whole-text match wins over a part of one.
    return next((f for f, n in pairs if text == n), None) or next((f for f, n in pairs if text in n), None)


def _attribute(
    layout: ScreenLayout, found: list[Violation], fields: list[Field], condition: Condition
) -> list[tuple[Field | None, Miss]]:
    """For each violation, the text that causes it (None: no text of the deck) and by how much."""
    normals = [_normal(field.text) for field in fields]
    everything = (*layout.items, *layout.scroll_items)
    lines_of: dict[Field, list[TextLine]] = {}
    for item in everything:
        if isinstance(item, TextLine):
            field = _field_of(item, fields, normals)
            if field is not None:
                lines_of.setdefault(field, []).append(item)
    main = fields[0]
    # Looked up by box, and the text lines apart: a screen can break in hundreds of places (a long
    # deck's progress dots off a small screen), and searching every item for each grew with the square.
    at_box: dict[Box, list[int]] = {}
    for n, item in enumerate(everything):
        at_box.setdefault(item.box, []).append(n)
    text_lines = [item for item in everything if isinstance(item, TextLine)]
    out: list[tuple[Field | None, Miss]] = []
    for violation in found:
        boxes = [Box(*map(int, match)) for match in _RECT.findall(violation.message)]
        involved = [everything[n] for n in sorted({n for box in boxes for n in at_box.get(box, ())})]
        culprit: Field | None = None
        for item in involved:
            if isinstance(item, TextLine):
                culprit = _field_of(item, fields, normals)
            elif isinstance(item, Shape):
                inner = [line for line in text_lines if line.box.inside(item.box)]
                culprit = next((f for f in (_field_of(x, fields, normals) for x in inner) if f), None)
            if culprit is not None:
                break
        if culprit is None and violation.rule == "overflow":
            # "... is 37px too tall": the screen's main text must give way; a lone line: its text.
            culprit = next(
                (f for f, n in zip(fields, normals, strict=True) if _normal(violation.message) in n), main
            )
        px = _overflow_px(violation, involved, layout)
        lines = lines_of.get(culprit, []) if culprit is not None else []
        if lines and violation.rule in ("overlap", "outside"):
            # What must go is everything of this text below the obstacle's top (or the screen's end).
            top = min(line.box.y for line in lines)
            bottom = max(line.box.bottom for line in lines)
            below = [item.box.y for item in involved if item.box.y > top and item not in lines]
            px = max(px, bottom - layout.height, *(bottom - y for y in below))
        if culprit is None:
            out.append((None, Miss(condition=condition, rule=violation.rule, overflow_px=px, cut_words=0)))
            continue
        words = 1 if violation.rule == "clipped" else _words_for(px, lines_of.get(culprit, []))
        words = min(words, max(1, len(culprit.text.split())))
        out.append((culprit, Miss(condition=condition, rule=violation.rule, overflow_px=px, cut_words=words)))
    return out


def _overflow_px(violation: Violation, involved: list[Item], layout: ScreenLayout) -> int:
    stated = _PX.search(violation.message)
    if stated:
        return int(stated.group(1))
    boxes = [item.box for item in involved]
    if violation.rule == "overlap" and len(boxes) >= 2:
        a, b = boxes[0], boxes[1]
        across = min(a.right, b.right) - max(a.x, b.x)
        down = min(a.bottom, b.bottom) - max(a.y, b.y)
        return max(1, min(across, down))
    if violation.rule == "overlap" and boxes and layout.viewport is not None:
        a, b = boxes[0], layout.viewport
        return max(1, min(a.bottom, b.bottom) - max(a.y, b.y))
    worst = 0
    for box in boxes:
        frame = layout.viewport if "viewport" in violation.message and layout.viewport else None
        if frame is not None:
            worst = max(worst, box.right - frame.right, frame.x - box.x)
        worst = max(worst, box.bottom - layout.height, box.right - layout.width, -box.x, -box.y)
    if violation.rule == "hotspot" and "smaller" in violation.message:
        from kiosk.layout.invariant import MIN_HOTSPOT_PX

        worst = max([worst] + [MIN_HOTSPOT_PX - min(box.w, box.h) for box in boxes])
    return max(1, worst)


def _words_for(overflow_px: int, lines: list[TextLine]) -> int:
    """Roughly how many words free `overflow_px` of height: whole lines of this text's words."""
    if not lines:
        return max(1, math.ceil(overflow_px / 40) * WORDS_PER_LINE)
    line_h = max(1, sorted(line.box.h for line in lines)[len(lines) // 2])
    words = sum(len(line.text.split()) for line in lines)
    per_line = max(1.0, words / len(lines))
    return max(1, round(math.ceil(overflow_px / line_h) * per_line))


# -- messages -------------------------------------------------------------------------------------


def _problem(
    slide: Slide, path: Path_, language: str, what: str, misses: list[Miss], sizes: Sequence[tuple[int, int]]
) -> Problem:
    where = text_source(slide.source, path, language)
    worst = max(misses, key=lambda m: (m.overflow_px, m.cut_words))
    rules = {m.rule for m in misses}
    rule = next(r for r in _RULE_ORDER if r in rules)
    words = max(m.cut_words for m in misses)
    cut = f"about {words} word{'s' if words != 1 else ''}"
    return Problem(
        where.file,
        where.line,
        where.column,
        f"{what} ({language}) {_WHAT[rule]} {_where({m.condition for m in misses}, sizes)}: "
        f"{worst.overflow_px} px too much at worst. Cut {cut}, or move some of it into another detail",
        Severity.WARNING,
    )


def _where(conditions: set[Condition], sizes: Sequence[tuple[int, int]]) -> str:
    """Like "at 800x480 and 1024x600 in lobby mode with A+ text; at every size in touch mode"."""
    by_setting: dict[tuple[Mode, bool], set[tuple[int, int]]] = {}
    for c in conditions:
        by_setting.setdefault((c.mode, c.large), set()).add((c.width, c.height))
    by_sizes: dict[frozenset[tuple[int, int]], list[tuple[Mode, bool]]] = {}
    for setting, found in by_setting.items():
        by_sizes.setdefault(frozenset(found), []).append(setting)
    parts = []
    for found, settings in sorted(by_sizes.items(), key=lambda kv: -len(kv[0])):
        parts.append(f"at {_sizes(found, sizes)} {_settings(settings)}")
    return "; ".join(parts)


def _sizes(found: frozenset[tuple[int, int]], sizes: Sequence[tuple[int, int]]) -> str:
    if set(sizes) <= found and len(sizes) > 1:
        return "every screen size"
    rest = [size for size in sizes if size in found]
    named = []
    for group, name in ((LANDSCAPE_SIZES, "every landscape size"), (PORTRAIT_SIZES, "every portrait size")):
        if set(group) <= found and set(group) <= set(sizes):
            named.append(name)
            rest = [size for size in rest if size not in group]
    named += [f"{w}x{h}" for w, h in rest]
    return named[0] if len(named) == 1 else ", ".join(named[:-1]) + " and " + named[-1]


def _settings(settings: list[tuple[Mode, bool]]) -> str:
    modes = sorted({mode for mode, _ in settings}, key=lambda m: MODES.index(m))
    larges = sorted({large for _, large in settings})
    if len(settings) == len(modes) * len(larges):  # every combination: say it in one phrase
        mode = " and ".join(m.value for m in modes) + " mode"
        text = {(False,): "", (True,): " with A+ text", (False, True): ", normal and A+ text"}[tuple(larges)]
        return f"in {mode}{text}"
    return "; ".join(_settings([s]) for s in sorted(settings, key=lambda s: (MODES.index(s[0]), s[1])))


# -- letters the font lacks -----------------------------------------------------------------------


def _glyph_problems(deck: Deck, fonts: TextMetrics) -> list[Problem]:
    """Letters the bundled font cannot draw (Cyrillic, Greek, emoji...): they would be boxes."""
    problems = []
    for slide in deck.slides:
        texts: list[tuple[Path_, str, str]] = []
        for path, text in (
            (("title",), slide.title),
            (("summary",), slide.summary),
            *((("details", i, "title"), d.title) for i, d in enumerate(slide.details)),
            *(
                (("details", i, "steps", j, "text"), step.text)
                for i, d in enumerate(slide.details)
                for j, step in enumerate(d.steps)
            ),
        ):
            texts += [(path, language, value) for language, value in text.by_language]
        for i, detail in enumerate(slide.details):
            for language, blocks in detail.body:
                body = " ".join(_block_text(block) for block in blocks)
                texts.append((("details", i, "body"), language, body))
        missing = fonts.missing(" ".join(value for _, _, value in texts))
        if missing:
            path, language = next((p, lang) for p, lang, value in texts if set(value) & missing)
            where = text_source(slide.source, path, language)
            shown = " ".join(sorted(missing)[:12])
            problems.append(
                Problem(
                    where.file,
                    where.line,
                    where.column,
                    "these characters are not in the kiosk's font and would show as empty boxes: "
                    f"{shown}; use other letters or leave them out",
                    Severity.WARNING,
                )
            )
    return problems
