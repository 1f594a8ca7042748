"""Text set into a column: word wrapping with hyphenation, and a top-down flow of lines.

Wrapping works on runs (stretches of one weight), so a body's `**bold**` spans are measured in
their own weight and a line's width is exactly what the painter draws. A word breaks only where a
reader expects it: after a hyphen it already has, or at a hyphenation point of the deck's language
(pyphen, LibreOffice's dictionaries), with a visible "-". A number stays with its unit ("250 ml",
"15–30 min") and a non-breaking space is never a line break, unless a single word is wider than
the whole line, when something has to give.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from kiosk.content.deck import Block, Bullets, Numbered, Paragraph, Run, inline
from kiosk.layout.items import Box, Item, Measure, Shape, TextLine
from kiosk.layout.metrics import LINE_HEIGHT

if TYPE_CHECKING:
    import pyphen  # imported when a word first needs breaking (see _Setter.dictionary)

HYPHEN = "-"
# Spaces that join instead of separating: no-break, narrow no-break, figure space, word joiner.
NO_BREAK = "\u00a0\u202f\u2007\u2060"
GLUE = "\u00a0"  # what joins a number to its unit while wrapping; drawn as a plain space
# A long word is hyphenated onto a line that would otherwise end this ragged (fraction left empty)...
RAGGED = 0.3
LONG_WORD = 8  # ...when it has at least this many letters.
# Hyphenation points this close to either end of a word are not used to even out a ragged line,
# and used only when nothing else fits for a word wider than the line.
RAGGED_MIN_LETTERS = 3

_LETTERS = re.compile(r"[^\W\d_]+")
_ENDS_IN_NUMBER = re.compile(r"\d[%‰]?$")
# What may follow a number and must stay on its line: symbols, abbreviations of up to three
# letters ("ml", "cm", "min", "kg", "h", "Std") and spelled-out units of time in the usual languages.
_UNIT = re.compile(
    r"[%‰°′″€$£¥]|°[CF]|[^\W\d_]{1,3}\.?|µg|mcg|mmHg|mmol|kcal|mins?|hrs?|"
    r"seconds?|minutes?|hours?|days?|weeks?|months?|years?|times|tablets?|drops?|"
    r"Sekunden|Minuten|Stunden|Tage[n]?|Wochen|Monate[n]?|Jahre[n]?|Tabletten|Tropfen|Mal|"
    r"segundos?|minutos?|horas?|días?|semanas?|meses|años?|veces|"
    r"secondes?|heures?|jours?|semaines?|mois|ans?|fois|"
    r"minuti|ore|giorni|settimane|mesi|anni|volte|"
    r"dias?|anos?|vezes|minuten|uur|dagen|weken|maanden|jaren|keer",
    re.IGNORECASE,
)
_CLOSING = ")]}.,;:!?»”’\"'"


@dataclass
class Flow:
    """Lays text top-down in a column, collecting items; `y` is the next free pixel row."""

    measure: Measure
    x: int
    width: int
    y: int
    language: str = "en"  # for hyphenation: long words break at this language's hyphenation points
    items: list[Item] = field(default_factory=list)
    overflow: list[str] = field(default_factory=list)

    def text(
        self,
        text: str,
        size_px: int,
        *,
        bold: bool = False,
        color: str = "ink",
        line_height: float = LINE_HEIGHT,
        indent_px: int = 0,
        role: str = "",
    ) -> list[TextLine]:
        """Wrapped lines of one paragraph or label; they share a block id for the manifest."""
        return self.runs(
            (Run(text=text, bold=bold),),
            size_px,
            color=color,
            line_height=line_height,
            indent_px=indent_px,
            role=role,
        )

    def runs(
        self,
        runs: tuple[Run, ...],
        size_px: int,
        *,
        color: str = "ink",
        line_height: float = LINE_HEIGHT,
        indent_px: int = 0,
        role: str = "",
        block: str = "",
    ) -> list[TextLine]:
        """Like `text`, for text that mixes weights (a body's `**bold**` spans)."""
        block = block or f"{role or 'text'}-{self.x}-{self.y}"
        width = self.width - indent_px
        step = round(size_px * line_height)
        placed: list[TextLine] = []
        # Bold text alone (a heading, a label) breaks a word only when it does not fit; see `wrap`.
        even = not all(run.bold for run in runs if run.text.strip())
        for line in wrap_runs(runs, width, size_px, self.measure, self.language, even_ragged=even):
            text = "".join(run.text for run in line)
            measured = runs_width(line, size_px, self.measure)
            if measured > width:
                self.overflow.append(text)
            bold = all(run.bold for run in line) if line else any(run.bold for run in runs)
            mixed = len({run.bold for run in line}) > 1
            placed.append(
                TextLine(
                    text,
                    Box(self.x + indent_px, self.y, width, step),
                    size_px,
                    bold,
                    color,
                    measured,
                    role=role,
                    block=block,
                    runs=line if mixed else (),
                )
            )
            self.y += step
        self.items.extend(placed)
        return placed

    def blocks(self, blocks: tuple[Block, ...], size_px: int) -> None:
        """A body's paragraphs and lists, in order, at one text size."""
        for block in blocks:
            if isinstance(block, Paragraph):
                self.runs(inline(block.text), size_px, role="body")
                self.gap(size_px * 0.5)
            elif isinstance(block, Bullets):
                indent = round(size_px * 1.1)
                for item in block.items:
                    lines = self.runs(inline(item), size_px, indent_px=indent, role="body")
                    if lines:
                        first = lines[0].box
                        dot = max(4, round(size_px * 0.3))
                        box = Box(self.x + round(size_px * 0.15), first.y + (first.h - dot) // 2, dot, dot)
                        self.items.append(Shape("circle", box, fill="rose", role="bullet"))
                    self.gap(size_px * 0.3)
                self.gap(size_px * 0.3)
            elif isinstance(block, Numbered):
                self._numbered(block, size_px)

    def _numbered(self, block: Numbered, size_px: int) -> None:
        """Numbers right-aligned in a gutter as wide as the widest, items hanging beside them."""
        labels = block.labels
        widths = [self.measure(label, size_px, True) for label in labels]
        space = max(4, round(size_px * 0.4))
        gutter = max(widths, default=0)
        # Never more than half the column: a narrow column still leaves room for the words.
        indent = min(max(round(size_px * 1.1), gutter + space), self.width // 2)
        for label, label_w, item in zip(labels, widths, block.items, strict=True):
            block_id = f"body-{self.x}-{self.y}"
            top = self.y
            lines = self.runs(inline(item), size_px, indent_px=indent, role="body", block=block_id)
            if lines:
                w = min(label_w, max(0, indent - space))
                step = lines[0].box.h
                self.items.append(
                    TextLine(
                        label,
                        Box(self.x + indent - space - w, top, w, step),
                        size_px,
                        True,
                        "teal",
                        label_w,
                        role="body",
                        block=block_id,
                    )
                )
                if label_w > w:
                    self.overflow.append(label)
            self.gap(size_px * 0.3)
        self.gap(size_px * 0.3)

    def gap(self, px: float) -> None:
        self.y += round(px)


def wrap(
    text: str, width: int, size_px: int, bold: bool, measure: Measure, language: str = "en"
) -> list[str]:
    """Greedy word wrap in one weight, hyphenating long words (see `wrap_runs`).

    Bold text (titles, card labels) breaks a word only when it does not fit the line: a heading
    split for evenness ("¿Cómo fun-ciona?") reads worse than a short line."""
    lines = wrap_runs((Run(text=text, bold=bold),), width, size_px, measure, language, even_ragged=not bold)
    return ["".join(run.text for run in line) for line in lines]


def runs_width(runs: tuple[Run, ...], size_px: int, measure: Measure) -> int:
    """The drawn width of a line: the painter draws run after run, each in its own weight."""
    return sum(measure(run.text, size_px, run.bold) for run in runs if run.text)


def wrap_runs(
    runs: tuple[Run, ...],
    width: int,
    size_px: int,
    measure: Measure,
    language: str = "en",
    *,
    even_ragged: bool = True,
) -> list[tuple[Run, ...]]:
    """Greedy word wrap of text in runs; a "\\n" starts a new line.

    A word that does not fit the line breaks after a hyphen it has or at a hyphenation point of
    `language`, with a "-" at the line end, and only as a last resort at a no-break space or
    between two characters. With `even_ragged`, a long word is also hyphenated when the line it
    would leave behind is very short. No-break spaces come out as plain spaces, and every line is
    measured as drawn, so a line is never wider than `width` unless one character is.
    """
    return list(_wrapped(runs, width, size_px, measure, language, even_ragged))


# Fitting a screen sets the same texts at the same sizes again and again (touch and lobby, each
# text size step, `kiosk validate` over every screen size), so finished wraps are kept.
@functools.lru_cache(maxsize=2048)
def _wrapped(
    runs: tuple[Run, ...], width: int, size_px: int, measure: Measure, language: str, even: bool
) -> tuple[tuple[Run, ...], ...]:
    text = "".join(run.text for run in runs)
    weights = "".join(("b" if run.bold else "r") * len(run.text) for run in runs)
    setter = _Setter(width, size_px, measure, language, even)
    lines: list[tuple[Run, ...]] = []
    start = 0
    for part in text.split("\n"):
        lines += setter.lines(_Styled(part, weights[start : start + len(part)]))
        start += len(part) + 1
    return tuple(line for line in lines if line) or ((),)


# -- internals ------------------------------------------------------------------------------------


class _Styled:
    """Text with one weight letter per character ("r" regular, "b" bold). Immutable by use; a
    plain class because wrapping makes hundreds of thousands of them while a deck is checked,
    and a frozen dataclass is several times slower to create."""

    __slots__ = ("text", "weights")

    def __init__(self, text: str, weights: str) -> None:
        self.text = text
        self.weights = weights

    def __add__(self, other: _Styled) -> _Styled:
        return _Styled(self.text + other.text, self.weights + other.weights)

    def __getitem__(self, cut: slice) -> _Styled:
        return _Styled(self.text[cut], self.weights[cut])

    def __len__(self) -> int:
        return len(self.text)

    def runs(self) -> tuple[Run, ...]:
        shown = self.text.translate(_AS_SPACE)
        if "b" not in self.weights or "r" not in self.weights:  # one weight: most text
            return (Run(text=shown, bold=self.weights[:1] == "b"),) if shown else ()
        return tuple(
            Run(text=shown[m.start() : m.end()], bold=m.group()[0] == "b")
            for m in _SAME_WEIGHT.finditer(self.weights)
        )

    def then(self, char: str) -> _Styled:
        """This text with one more character, in the weight of its last one."""
        return _Styled(self.text + char, self.weights + (self.weights[-1:] or "r"))


_AS_SPACE = str.maketrans({char: " " for char in NO_BREAK})
_SAME_WEIGHT = re.compile(r"b+|r+")
# A word runs to the next space a line may break at: any white space but the no-break ones.
_WORD = re.compile(r"(?:[^\s]|[\u00a0\u202f\u2007])+")


@dataclass(frozen=True, slots=True)
class _Break:
    at: int  # the word is cut before this index
    hyphen: bool  # a "-" is added at the end of the line
    skip: int = 0  # characters dropped at the cut (a no-break space)


@functools.lru_cache(maxsize=16)
def _dictionary(language: str) -> pyphen.Pyphen | None:
    import pyphen

    code = pyphen.language_fallback(language.replace("-", "_"))
    return pyphen.Pyphen(lang=code) if code else None


class _Setter:
    def __init__(self, width: int, size_px: int, measure: Measure, language: str, even: bool) -> None:
        self.width = width
        self.size_px = size_px
        self.measure = measure
        self.language = language
        self.even = even

    @property
    def dictionary(self) -> pyphen.Pyphen | None:
        # Loaded when a word first needs breaking: reading the patterns takes a tenth of a second,
        # and many screens (the kiosk's first frame among them) never break a word.
        return _dictionary(self.language)

    def w(self, text: _Styled) -> int:
        if "b" not in text.weights:  # the common case, without building runs
            return self.measure(text.text.translate(_AS_SPACE), self.size_px, False)
        return runs_width(text.runs(), self.size_px, self.measure)

    def fits(self, text: _Styled) -> bool:
        return self.w(text) <= self.width

    def lines(self, part: _Styled) -> list[tuple[Run, ...]]:
        words = _words(part)
        if not words:
            return []
        whole = functools.reduce(_join, words)
        if self.fits(whole):  # most labels and many lines: one measurement
            return [whole.runs()]
        out: list[tuple[Run, ...]] = []
        line: _Styled | None = None
        for word in words:
            candidate = word if line is None else _join(line, word)
            if self.fits(candidate):
                line = candidate
                continue
            if line is not None:
                if self.even or not self.fits(word):
                    piece = self._fill(line, word)
                    if piece is not None:
                        head, word = piece
                        line = head
                out.append(line.runs())
                line = None
            while not self.fits(word) and len(word) > 1:
                head, word = self._split(word)
                out.append(head.runs())
            line = word
        if line is not None:
            out.append(line.runs())
        return out

    def _fill(self, line: _Styled, word: _Styled) -> tuple[_Styled, _Styled] | None:
        """The line with a hyphenated start of `word`, and the rest: when the word is wider than
        a whole line, or it is long and the line would be left very short."""
        too_wide = not self.fits(word)
        ragged = self.even and self.w(line) < self.width * (1 - RAGGED)
        if not (too_wide or ragged):
            return None
        choices = (
            [self._breaks(word, RAGGED_MIN_LETTERS), self._breaks(word, 0)]
            if too_wide
            else [self._breaks(word, RAGGED_MIN_LETTERS, LONG_WORD)]
        )
        for cuts in choices:
            cut = self._latest(cuts, lambda cut: _join(line, self._head(word, cut)))
            if cut is not None:
                return _join(line, self._head(word, cut)), word[cut.at + cut.skip :]
        return None

    def _split(self, word: _Styled) -> tuple[_Styled, _Styled]:
        """A word wider than the line, cut at the best point where its start fits: a hyphen or
        hyphenation point, else a no-break space, else between two characters."""
        text = word.text
        spaces = [
            _Break(i, hyphen=False, skip=1)
            for i, c in enumerate(text)
            if c in NO_BREAK and 0 < i < len(text) - 1
        ]
        chars = [
            _Break(i, hyphen=text[i - 1].isalpha() and text[i].isalpha())
            for i in range(1, len(text))
            if text[i - 1] not in NO_BREAK and text[i] not in NO_BREAK
        ]
        # Points that leave three letters on each side read best; then any the dictionary allows.
        for cuts in (self._breaks(word, RAGGED_MIN_LETTERS), self._breaks(word, 0), spaces, chars):
            cut = self._latest(cuts, lambda cut: self._head(word, cut))
            if cut is not None:
                return self._head(word, cut), word[cut.at + cut.skip :]
        return word[:1], word[1:]  # not even one character fits: the caller reports the overflow

    def _latest(self, cuts: list[_Break], head: Callable[[_Break], _Styled]) -> _Break | None:
        """The last of `cuts` (in word order) whose head fits; a binary search, since a head
        only grows with the cut, and a word may be thousands of characters long."""
        low, high = 0, len(cuts)  # cuts[:low] fit, cuts[high:] do not
        while low < high:
            middle = (low + high) // 2
            if self.fits(head(cuts[middle])):
                low = middle + 1
            else:
                high = middle
        return cuts[low - 1] if low else None

    @staticmethod
    def _head(word: _Styled, cut: _Break) -> _Styled:
        head = word[: cut.at]
        return head.then(HYPHEN) if cut.hyphen else head

    def _breaks(self, word: _Styled, margin: int, longer: int = 0) -> list[_Break]:
        """Where `word` may break well, in word order: after a hyphen (or a dash between letters)
        it has, or at a hyphenation point at least `margin` letters from either end of a stretch
        of at least `longer` letters."""
        text = word.text
        found: dict[int, _Break] = {}
        for i in range(2, len(text) - 1):
            before, after = text[i - 1], text[i]
            if before in "-\u2010" and text[i - 2].isalpha() and not after.isspace():
                found[i] = _Break(i, hyphen=False)
            elif before in "\u2013\u2014" and text[i - 2].isalpha() and after.isalpha():
                found[i] = _Break(i, hyphen=False)
        for match in _LETTERS.finditer(text):
            letters = match.group()
            if len(letters) < longer:
                continue
            dictionary = self.dictionary
            if dictionary is None:
                break
            for position in dictionary.positions(letters):
                if max(margin, 1) <= position <= len(letters) - max(margin, 1):
                    at = match.start() + position
                    found.setdefault(at, _Break(at, hyphen=True))
        return sorted(found.values(), key=lambda cut: cut.at)


def _words(part: _Styled) -> tuple[_Styled, ...]:
    """The words of one line of text; a number and the unit after it make one word."""
    return _words_of(part.text, part.weights)


# The same paragraph is wrapped at many widths and sizes (every screen of the fit check's matrix):
# it is split into words once.
@functools.lru_cache(maxsize=4096)
def _words_of(text: str, weights: str) -> tuple[_Styled, ...]:
    part = _Styled(text, weights)
    words: list[_Styled] = []
    for match in _WORD.finditer(part.text):
        start = match.start()
        word = part[start : match.end()]
        if words and _is_unit_after(words[-1].text, word.text):
            words[-1] = words[-1] + _Styled(GLUE, part.weights[start - 1]) + word
        else:
            words.append(word)
    return tuple(words)


def _is_unit_after(before: str, word: str) -> bool:
    core = word.rstrip(_CLOSING) or word
    return bool(_ENDS_IN_NUMBER.search(before)) and _UNIT.fullmatch(core) is not None


def _join(line: _Styled, word: _Styled) -> _Styled:
    # The space takes the weight of the text around it only when both sides are bold.
    space = "b" if line.weights[-1:] == "b" and word.weights[:1] == "b" else "r"
    return _Styled(f"{line.text} {word.text}", line.weights + space + word.weights)


def ellipsize(text: str, width: int, size_px: int, measure: Measure) -> str:
    while text and measure(text + "…", size_px, False) > width:
        text = text[:-1]
    return text.rstrip() + "…"
