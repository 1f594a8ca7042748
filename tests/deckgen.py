"""Hypothesis strategies for valid decks that stress the layout (issue 13).

A generated deck is plain data (`DeckSpec`) written as YAML into a folder and read back with the
real loader, so it is valid by the loader's own rules, and follows the format as it grows. The
limits come from the schema, so raising a limit there (6 details, 10 steps) widens what is made.

What varies: words up to 40 letters (real German, Finnish and Dutch compounds among them), 1-30
slides, 0 to the limit of details and steps, pictures from 1:4 to 4:1 or none, titles at their
length limit, and the deck's languages.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from hypothesis import strategies as st

from kiosk.content.schema import DeckFile, DetailFile, SlideFile, StepFile

LANGUAGES = ("de", "fi", "nl", "en")
MAX_WORD = 40
ASPECTS = (0.25, 1 / 3, 0.5, 1.0, 1.5, 2.0, 3.0, 4.0)  # width / height
# Real long words, so hyphenation (which needs a dictionary's patterns) meets what clinics write.
COMPOUNDS = {
    "de": (
        "Blutverdünnungsmedikamente",
        "Darmvorbereitungslösung",
        "Einverständniserklärung",
        "Untersuchungsergebnisse",
        "Nahrungsergänzungsmittel",
        "Kompressionsstrümpfe",
        "Flüssigkeitsaufnahme",
    ),
    "fi": (
        "terveydenhuoltohenkilökunta",
        "ajanvarausjärjestelmä",
        "lääkehoitosuunnitelma",
        "verenohennuslääkitys",
        "laboratorionäytteenottopiste",
    ),
    "nl": (
        "darmvoorbereidingsmiddel",
        "bloedverdunningsmedicijnen",
        "ziektekostenverzekering",
        "wachtkamerinformatie",
        "steunkousenvoorschrift",
    ),
    "en": ("compression", "appointment", "colonoscopy", "information"),
}
ALPHABET = "abcdefghijklmnopqrstuvwxyzäöüßéè"


def _max_chars(model: Any, name: str) -> int:
    schema = model.model_json_schema()["properties"][name]
    return int(schema["anyOf"][0]["maxLength"])


def _max_items(model: Any, name: str) -> int:
    for meta in model.model_fields[name].metadata:
        limit = getattr(meta, "max_length", None)
        if limit is not None:
            return int(limit)
    raise LookupError(f"{model.__name__}.{name} has no max_length")


# The format's limits, read from the schema so that raising them there widens the decks made here.
MAX_DETAILS = _max_items(SlideFile, "details")
MAX_STEPS = _max_items(DetailFile, "steps")
MAX_SLIDES_FORMAT = _max_items(DeckFile, "slides")
TITLE_CHARS = _max_chars(SlideFile, "title")
SUMMARY_CHARS = _max_chars(SlideFile, "summary")
DETAIL_TITLE_CHARS = _max_chars(DetailFile, "title")
BODY_CHARS = _max_chars(DetailFile, "body")
STEP_CHARS = _max_chars(StepFile, "text")
DECK_TITLE_CHARS = _max_chars(DeckFile, "title")
DISCLAIMER_CHARS = _max_chars(DeckFile, "disclaimer")
MAX_SLIDES = min(30, MAX_SLIDES_FORMAT)


@dataclass(frozen=True, slots=True, kw_only=True)
class DetailSpec:
    id: str
    title: dict[str, str]
    body: dict[str, str] | None
    steps: tuple[dict[str, str], ...]
    image: float | None  # aspect ratio of its picture, or no picture


@dataclass(frozen=True, slots=True, kw_only=True)
class SlideSpec:
    id: str
    title: dict[str, str]
    summary: dict[str, str]
    image: float | None
    details: tuple[DetailSpec, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class DeckSpec:
    languages: tuple[str, ...]
    title: dict[str, str]
    disclaimer: dict[str, str]
    slides: tuple[SlideSpec, ...] = field(default_factory=tuple)

    @property
    def details(self) -> int:
        return sum(len(s.details) for s in self.slides)


# -- words and texts ------------------------------------------------------------------------------


def _vocabulary(language: str) -> tuple[str, ...]:
    """Short and long words of the language: its compounds, and made-up ones up to 40 letters."""
    compounds = COMPOUNDS[language]
    joined = "".join(word.lower() for word in compounds)
    made = tuple(joined[i : i + n] for i, n in ((0, MAX_WORD), (7, 37), (3, 31), (11, 24), (5, 17)))
    short = ("die", "de", "ja", "and", "ist", "het", "on", "of", "a", "in", "zu", "mit", "ei", "tai")
    units = ("(250 ml)", "500 ml", "15 min", "1.", "2.", "9 Uhr", "06:30")
    medium = ("before", "morgens", "aamulla", "vandaag", "Termin", "lääkäri", "huisarts", "drink")
    return (*short, *short, *medium, *units, *compounds, *made)


VOCABULARY = {language: _vocabulary(language) for language in LANGUAGES}


def _render(ids: list[int], language: str, max_chars: int, at_limit: bool) -> str:
    vocabulary = VOCABULARY[language]
    parts = [vocabulary[i % len(vocabulary)] for i in ids]
    if not at_limit:
        return _fit(parts, max_chars)
    # Words repeated, then cut inside a word at exactly the limit: no word grows past 40.
    filled = " ".join(parts)
    while len(filled) < max_chars:
        filled += " " + " ".join(parts)
    filled = filled[:max_chars]
    return filled if not filled.endswith(" ") else filled[:-2] + " x"


def _fit(parts: list[str], max_chars: int) -> str:
    """Words joined and cut at a word boundary to at most `max_chars` (a long word is cut too)."""
    text = ""
    for word in parts:
        joined = f"{text} {word}" if text else word
        if len(joined) > max_chars:
            break
        text = joined
    return text or parts[0][:max_chars]


def _ids(max_words: int) -> st.SearchStrategy[list[int]]:
    # Word numbers, drawn once for all languages: small inputs keep Hypothesis fast and thorough.
    return st.lists(st.integers(0, 255), min_size=1, max_size=max_words)


@st.composite
def texts(
    draw: st.DrawFn,
    languages: tuple[str, ...],
    max_chars: int,
    *,
    max_words: int = 60,
    limit_share: float = 0.3,
) -> dict[str, str]:
    """One text per language, the same words in each language's vocabulary; some fill the limit."""
    at_limit = draw(st.floats(0, 1)) < limit_share
    ids = draw(_ids(max_words))
    return {lang: _render(ids, lang, max_chars, at_limit) for lang in languages}


@st.composite
def _bodies(draw: st.DrawFn, languages: tuple[str, ...]) -> dict[str, str]:
    """Paragraphs and bullet lists, the same shape in every language."""
    blocks: list[tuple[str, list[list[int]]]] = []
    for _ in range(draw(st.integers(1, 4))):
        if draw(st.booleans()):
            blocks.append(("p", [draw(_ids(45))]))
        else:
            blocks.append(("-", draw(st.lists(_ids(12), min_size=1, max_size=6))))
    out = {}
    for lang in languages:
        parts = []
        for kind, items in blocks:
            rendered = [_render(ids, lang, 400, False) for ids in items]
            parts.append(rendered[0] if kind == "p" else "\n".join(f"- {item}" for item in rendered))
        out[lang] = _trim("\n\n".join(parts), BODY_CHARS)
    return out


@st.composite
def details(draw: st.DrawFn, languages: tuple[str, ...], index: int) -> DetailSpec:
    steps = draw(st.integers(0, MAX_STEPS))
    has_body = steps == 0 or draw(st.booleans())
    body = None
    if has_body:
        body = draw(_bodies(languages))
    return DetailSpec(
        id=f"detail-{index}",
        title=draw(texts(languages, DETAIL_TITLE_CHARS, max_words=10)),
        body=body,
        steps=tuple(draw(texts(languages, STEP_CHARS, max_words=40, limit_share=0.1)) for _ in range(steps)),
        image=draw(st.one_of(st.none(), st.sampled_from(ASPECTS))),
    )


def _trim(value: str, max_chars: int) -> str:
    value = value[:max_chars].rstrip()
    # A body cut inside "- " would leave a lone dash; the loader takes it, but keep it readable.
    return value if value.strip("- \n") else "x"


@st.composite
def slides(draw: st.DrawFn, languages: tuple[str, ...], index: int, *, full: bool = True) -> SlideSpec:
    count = draw(st.integers(0, MAX_DETAILS)) if full else 0
    return SlideSpec(
        id=f"slide-{index}",
        title=draw(texts(languages, TITLE_CHARS, max_words=12)),
        summary=draw(texts(languages, SUMMARY_CHARS, max_words=30, limit_share=0.2)),
        image=draw(st.one_of(st.none(), st.sampled_from(ASPECTS))),
        details=tuple(draw(details(languages, i)) for i in range(count)),
    )


@st.composite
def decks(draw: st.DrawFn, *, max_slides: int = MAX_SLIDES, full_slides: int = 3) -> DeckSpec:
    """A deck of 1-`max_slides` slides; the first `full_slides` get details, the rest are light
    (the number of slides matters to the page dots, not the content of each)."""
    first = draw(st.sampled_from(LANGUAGES))
    second = draw(st.sampled_from([None, *(lang for lang in LANGUAGES if lang != first)]))
    languages = (first,) if second is None else (first, second)
    count = draw(st.integers(1, max_slides))
    return DeckSpec(
        languages=languages,
        title=draw(texts(languages, DECK_TITLE_CHARS, max_words=8)),
        disclaimer=draw(texts(languages, DISCLAIMER_CHARS, max_words=16)),
        slides=tuple(draw(slides(languages, i, full=i < full_slides)) for i in range(count)),
    )


# -- writing a deck folder ------------------------------------------------------------------------


def svg(aspect: float) -> str:
    """A small drawing of that shape (shapes only: the format allows no text or images in it)."""
    w, h = (400, round(400 / aspect)) if aspect >= 1 else (round(400 * aspect), 400)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="{w}" height="{h}">'
        f'<rect width="{w}" height="{h}" fill="#2f7d74"/>'
        f'<circle cx="{w / 2}" cy="{h / 2}" r="{min(w, h) / 3}" fill="#f2c14e"/></svg>\n'
    )


def _image(folder: Path, aspect: float | None) -> str | None:
    if aspect is None:
        return None
    name = f"pictures/aspect-{aspect:.3f}.svg"
    path = folder / name
    if not path.exists():
        path.parent.mkdir(exist_ok=True)
        path.write_text(svg(aspect), encoding="utf-8")
    return name


def write_deck(spec: DeckSpec, folder: Path) -> Path:
    """Write `spec` as deck.yaml and one file per slide into `folder` (made if missing)."""
    folder.mkdir(parents=True, exist_ok=True)
    deck = {
        "title": spec.title,
        "languages": list(spec.languages),
        "disclaimer": spec.disclaimer,
        "slides": [s.id for s in spec.slides],
    }
    _dump(folder / "deck.yaml", deck)
    for slide in spec.slides:
        data: dict[str, Any] = {"id": slide.id, "title": slide.title, "summary": slide.summary}
        image = _image(folder, slide.image)
        if image:
            data["image"] = image
        data["reviewed_by"] = "Generated deck"
        if slide.details:
            data["details"] = [_detail(folder, d) for d in slide.details]
        _dump(folder / f"{slide.id}.yaml", data)
    return folder


def _detail(folder: Path, detail: DetailSpec) -> dict[str, Any]:
    data: dict[str, Any] = {"id": detail.id, "title": detail.title}
    if detail.body is not None:
        data["body"] = detail.body
    if detail.steps:
        data["steps"] = [{"text": step} for step in detail.steps]
    image = _image(folder, detail.image)
    if image:
        data["image"] = image
    return data


def _dump(path: Path, data: dict[str, Any]) -> None:
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000), encoding="utf-8")
