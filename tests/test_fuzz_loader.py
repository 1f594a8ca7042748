"""Random and mutated YAML fed to the loader: it must only ever report problems with locations.

`check_deck` never raises for bad content, and every problem it returns has a line >= 1, a column
>= 1 and a message; `load_deck` raises nothing but ContentError. KIOSK_FUZZ_EXAMPLES sets how many
examples each property runs (200 by default; a long run can use thousands).
"""

from __future__ import annotations

import datetime
import os
import re
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk.content.loader import DEFAULT_ASSETS, check_deck, load_deck
from kiosk.content.problems import ContentError, Severity

REPO = Path(__file__).resolve().parent.parent
SLIDES = REPO / "slides"
SLIDE_NAME = "what-is-it.yaml"
SLIDE_TEXT = (SLIDES / SLIDE_NAME).read_text(encoding="utf-8")
DECK_TEXT = "title:\n  en: Guide\n  es: Guía\nlanguages: [en, es]\nslides:\n  - what-is-it\n"
TODAY = datetime.date(2026, 1, 1)

FUZZ = settings(
    max_examples=int(os.environ.get("KIOSK_FUZZ_EXAMPLES", "200")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# Pieces of YAML that tend to break things: indicators, anchors, tags, quotes, tabs, odd spaces.
TOKENS = [
    "\n",
    "\n  ",
    "\n    ",
    "\n- ",
    "  ",
    " ",
    "\t",
    ":",
    ": ",
    "- ",
    "? ",
    ",",
    "[",
    "]",
    "{",
    "}",
    "'",
    '"',
    "#",
    "&a ",
    "*a",
    "&b ",
    "*b",
    "<<: ",
    "!!",
    "!!python/object/apply:os.system ",
    "!!str ",
    "!!int ",
    "!!binary ",
    "!!timestamp ",
    "!x ",
    "|",
    ">",
    "|-",
    "---\n",
    "...\n",
    "%YAML 1.1\n",
    "~",
    "=",
    "null",
    "yes",
    "no",
    "0x1F",
    "1e400",
    "9" * 40,
    ".nan",
    "2027-02-30",
    "2027-05-25",
    "id",
    "title",
    "summary",
    "image",
    "details",
    "en",
    "es",
    "fr",
    "steps",
    "body",
    "alt",
    "duration_s",
    "review_due",
    "illustrations/what-is-it.svg",
    "../x.svg",
    "/etc/x.png",
    "x.jpg",
    "\\",
    "\x00",
    "\x0c",
    "\x85",
    "\u2028",
    "\ufeff",
    "\r",
    "\r\n",
    "é",
    "🙂",
]
yamlish = st.lists(st.sampled_from(TOKENS) | st.text(max_size=8), max_size=60).map("".join)
insertion = st.sampled_from(TOKENS) | st.text(min_size=1, max_size=12)


@st.composite
def mutated_slide(draw) -> bytes:
    """The real slide file with a few random edits, some on lines and some on bytes."""
    lines = SLIDE_TEXT.split("\n")
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["delete", "duplicate", "swap", "indent", "dedent", "insert", "replace"]))
        i = draw(st.integers(0, len(lines) - 1))
        if kind == "delete" and len(lines) > 1:
            del lines[i]
        elif kind == "duplicate":
            lines.insert(i, lines[i])
        elif kind == "swap":
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif kind == "indent":
            lines[i] = " " * draw(st.integers(1, 5)) + lines[i]
        elif kind == "dedent":
            lines[i] = lines[i][draw(st.integers(1, 4)) :]
        elif kind == "insert":
            at = draw(st.integers(0, len(lines[i])))
            lines[i] = lines[i][:at] + draw(insertion) + lines[i][at:]
        else:
            lines[i] = draw(yamlish)
    raw = "\n".join(lines).encode("utf-8")
    if draw(st.booleans()):  # a few raw bytes, which may break the encoding
        at = draw(st.integers(0, len(raw)))
        raw = raw[:at] + draw(st.binary(min_size=1, max_size=4)) + raw[at:]
    return raw


def _line_breaks(raw: bytes) -> int:
    text = raw.decode("utf-8", errors="replace")
    return len(re.findall(r"[\n\r\x85\u2028\u2029]", text))


def _check(raw: bytes, deck_text: str = DECK_TEXT) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "deck"
        folder.mkdir()
        (folder / "deck.yaml").write_text(deck_text, encoding="utf-8")
        (folder / SLIDE_NAME).write_bytes(raw)
        report = check_deck(folder, assets=DEFAULT_ASSETS, today=TODAY)
        files = {str(folder), str(folder / "deck.yaml"), str(folder / SLIDE_NAME)}
        for problem in report.problems:
            assert problem.file in files, problem
            assert isinstance(problem.line, int) and problem.line >= 1, problem
            assert isinstance(problem.column, int) and problem.column >= 1, problem
            assert isinstance(problem.message, str) and problem.message.strip(), problem
            assert problem.severity in (Severity.ERROR, Severity.WARNING)
            source = raw if problem.file.endswith(SLIDE_NAME) else deck_text.encode("utf-8")
            assert problem.line <= _line_breaks(source) + 1, problem
            assert "Traceback" not in problem.message
        assert list(report.problems) == sorted(  # review reminders first (Problem.rank), then by place
            report.problems, key=lambda p: (p.rank, p.file, p.line, p.column, p.message)
        )
        if report.errors:
            assert report.deck is None
        else:
            assert report.deck is not None
        try:
            deck = load_deck(folder, assets=DEFAULT_ASSETS, today=TODAY)
        except ContentError as exc:
            assert exc.problems, "ContentError without problems"
            assert report.errors
        else:
            assert not report.errors
            assert deck.slides


def test_the_unmutated_slide_loads():
    _check(SLIDE_TEXT.encode("utf-8"))
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "deck.yaml").write_text(DECK_TEXT, encoding="utf-8")
        (Path(tmp) / SLIDE_NAME).write_text(SLIDE_TEXT, encoding="utf-8")
        assert check_deck(Path(tmp), assets=DEFAULT_ASSETS, today=TODAY).errors == ()


@FUZZ
@given(mutated_slide())
def test_mutated_slide_only_gives_located_problems(raw):
    _check(raw)


@FUZZ
@given(yamlish)
def test_random_yaml_only_gives_located_problems(text):
    _check(text.encode("utf-8"))


@FUZZ
@given(st.binary(max_size=200))
def test_random_bytes_only_give_located_problems(raw):
    _check(raw)


@FUZZ
@given(st.integers(0, len(DECK_TEXT)), insertion)
def test_mutated_deck_yaml_only_gives_located_problems(at, text):
    _check(SLIDE_TEXT.encode("utf-8"), DECK_TEXT[:at] + text + DECK_TEXT[at:])
