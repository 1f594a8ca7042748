"""Plain language, checked per text and per language: `kiosk validate` warns when a text reads
harder than the deck's target.

Each language is scored with a formula made for it (textstat implements them):

- English: Flesch-Kincaid grade (a school grade; lower is easier). Target: 8 or below.
- Spanish: Fernández-Huerta (0-100; higher is easier). Target: 70 or more, "fairly easy".
- German: Wiener Sachtextformel, first variant (a school grade, 4-15; lower is easier). Target: 8.
- Any other language: LIX (average sentence length plus the share of words longer than six
  letters; lower is easier). It needs no syllable counts, so it works for every language written
  with spaces between words. Target: 40 or below ("easy" on the Scandinavian scale it comes from).

A deck sets its own targets in `deck.yaml` (`reading_level: {en: 7, es: 75}`), each in its
language's own scale. Texts under `MIN_WORDS` words (titles, labels, a one-line step) are not
scored: the formulas mean nothing on a few words. A detail's steps are scored together, as the
one text a visitor reads. Syllables come from pyphen, the dictionaries the hyphenation uses:
textstat's English syllable counter would fetch the CMU dictionary from the internet on first
use, and the kiosk never goes online, so English syllables come from pyphen too.

Pure: reads the slide files (for the line and column of each text) and the loaded deck; textstat
is imported on first use only.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from kiosk.content.deck import Block, Deck, Paragraph, Text, parse_body, plain
from kiosk.content.document import Document, DocumentError, Path_, read_document
from kiosk.content.problems import Problem, Severity

DECK_FILE = "deck.yaml"
MIN_WORDS = 12  # below this, a text is a title or a phrase: not scored
HINT = "use shorter sentences and shorter words"


@dataclass(frozen=True, slots=True, kw_only=True)
class Formula:
    name: str
    higher_is_easier: bool
    default_target: float
    scale: str  # how to read the number, for the message and the docs


FLESCH_KINCAID = Formula(
    name="Flesch-Kincaid grade", higher_is_easier=False, default_target=8, scale="a school grade"
)
FERNANDEZ_HUERTA = Formula(
    name="Fernández-Huerta", higher_is_easier=True, default_target=70, scale='70 and up is "fairly easy"'
)
WIENER_SACHTEXTFORMEL = Formula(
    name="Wiener Sachtextformel", higher_is_easier=False, default_target=8, scale="a school grade"
)
LIX = Formula(name="LIX", higher_is_easier=False, default_target=40, scale="sentence length plus long words")
FORMULAS: dict[str, Formula] = {"en": FLESCH_KINCAID, "es": FERNANDEZ_HUERTA, "de": WIENER_SACHTEXTFORMEL}


def formula_for(language: str) -> Formula:
    """The formula for a language code like `es` or `es-MX`; LIX for a language without one."""
    return FORMULAS.get(language.split("-")[0].lower(), LIX)


@dataclass(frozen=True, slots=True, kw_only=True)
class Score:
    formula: Formula
    value: float
    words: int

    def misses(self, target: float) -> bool:
        return self.value < target if self.formula.higher_is_easier else self.value > target


_WORD = re.compile(r"[^\W\d_]", re.UNICODE)
_END = re.compile(r"[.!?…:;]['\")»”’]*$")


def score(text: str, language: str) -> Score | None:
    """The text's score in its language's formula, or None when it is too short to score."""
    words = [word for word in text.split() if _WORD.search(word)]
    if len(words) < MIN_WORDS:
        return None
    formula = formula_for(language)
    from textstat.backend import counts, metrics  # about 0.2 s to import: only when a text is scored

    if formula is FERNANDEZ_HUERTA:
        value = metrics.fernandez_huerta(text, "es")
    elif formula is WIENER_SACHTEXTFORMEL:
        value = metrics.wiener_sachtextformel(text, 1, "de")
    elif formula is FLESCH_KINCAID:
        # textstat's own English syllable count would download the CMU dictionary: use pyphen.
        word_count = counts.count_words(text)
        syllables = sum(_syllables(word, "en_US") for word in words)
        value = 0.39 * metrics.words_per_sentence(text) + 11.8 * syllables / word_count - 15.59
    else:
        value = metrics.lix(text)
    return Score(formula=formula, value=round(value, 1), words=len(words))


@cache
def _dictionary(language: str):
    import pyphen

    return pyphen.Pyphen(lang=language)


def _syllables(word: str, language: str) -> int:
    letters = "".join(c for c in word.lower() if c.isalpha() or c == "'")
    if not letters:
        return 0
    return len(_dictionary(language).positions(letters)) + 1


def prose(markup: str) -> str:
    """A body as running sentences: markup removed, and each bullet, numbered item or kept line
    break ending a sentence (staff write list items without a full stop)."""
    return _body_prose(parse_body(markup))


def _sentence(line: str) -> str:
    line = line.strip()
    return line if _END.search(line) else line + "."


def targets(deck: Deck) -> dict[str, float]:
    """The target of each of the deck's languages: the deck's own, else the formula's default."""
    own = dict(deck.reading_level)
    return {code: own.get(code, formula_for(code).default_target) for code in deck.languages}


@dataclass(frozen=True, slots=True, kw_only=True)
class _Piece:
    file: str
    path: Path_  # of the text field; a per-language text adds the language
    text: Text


def _pieces(deck: Deck) -> Iterator[_Piece]:
    for slide in deck.slides:
        yield _Piece(file=slide.source, path=("summary",), text=slide.summary)
        for index, detail in enumerate(slide.details):
            path: Path_ = ("details", index)
            if detail.body:
                body = Text(tuple((code, _body_prose(blocks)) for code, blocks in detail.body))
                yield _Piece(file=slide.source, path=path + ("body",), text=body)
            if detail.steps:
                joined = Text(
                    tuple(
                        (code, " ".join(_sentence(plain(step.text.get(code))) for step in detail.steps))
                        for code in deck.languages
                    )
                )
                yield _Piece(file=slide.source, path=path + ("steps", 0, "text"), text=joined)
    if deck.contact is not None and deck.contact.when_to_call is not None:
        yield _Piece(
            file=str(deck.folder / DECK_FILE),
            path=("contact", "when_to_call"),
            text=deck.contact.when_to_call,
        )


def _body_prose(blocks: tuple[Block, ...]) -> str:
    sentences: list[str] = []
    for block in blocks:
        if isinstance(block, Paragraph):
            sentences += [_sentence(line) for line in block.plain.split("\n") if line.strip()]
        else:
            sentences += [_sentence(plain(item)) for item in block.items if item.strip()]
    return " ".join(sentences)


def readability_problems(deck: Deck) -> list[Problem]:
    """A warning for each text, in each language, that reads harder than the deck's target."""
    goal = targets(deck)
    documents: dict[str, Document | None] = {}
    problems: list[Problem] = []
    for piece in _pieces(deck):
        for code in deck.languages:
            text = piece.text.get(code)
            found = score(text, code)
            if found is None or not found.misses(goal[code]):
                continue
            if piece.file not in documents:
                documents[piece.file] = _document(piece.file)
            document = documents[piece.file]
            problems.append(_warning(document, piece, code, found, goal[code]))
    return problems


def _document(file: str) -> Document | None:
    try:
        return read_document(Path(file))
    except DocumentError:  # the loader read it a moment ago; a file changed since: no location
        return None


def _warning(document: Document | None, piece: _Piece, language: str, found: Score, target: float) -> Problem:
    formula = found.formula
    better = "or more" if formula.higher_is_easier else "or less"
    message = (
        f"the `{language}` text reads harder than this deck's target: {formula.name} {found.value:g}"
        f" (target: {target:g} {better}; {formula.scale}); {HINT}"
    )
    if document is None:
        return Problem(piece.file, 1, 1, message, Severity.WARNING)
    keyed = piece.path + (language,)
    path = keyed if keyed in document.value_marks else piece.path
    mark = document.mark(path)
    return Problem(piece.file, mark.line, mark.column, message, Severity.WARNING)
