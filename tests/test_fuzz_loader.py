"""Random and mutated YAML fed to the loader: it must only ever report problems with locations.

`check_deck` never raises for bad content, and every problem it returns has a line >= 1, a column
>= 1 and a message; `load_deck` raises nothing but ContentError. KIOSK_FUZZ_EXAMPLES sets how many
examples each property runs (200 by default; a long run can use thousands).

Issue 18's keys too: random values for `video:`, `captions:`, `poster:`, `speech:` and
`narration:` on the slide and its first detail, and for `lobby_narration:` in deck.yaml, with real
clips, captions and sounds beside them (tests/videoclips.py, tests/narration_sounds.py); and those
files mutated byte by byte. Each probe decodes a little, so these run a quarter of the examples.
"""

from __future__ import annotations

import atexit
import datetime
import functools
import os
import re
import shutil
import tempfile
from pathlib import Path
from typing import Any

import yaml
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


MEDIA_FUZZ = settings(FUZZ, max_examples=max(10, FUZZ.max_examples // 4))


@functools.cache
def media_kit() -> Path:
    """Real media files, made once for the session: what the fuzzed values point at."""
    from narration_sounds import write_ogg, write_wav
    from videoclips import BLUE, RED, make_clip

    kit = Path(tempfile.mkdtemp(prefix="kiosk-fuzz-media-"))
    atexit.register(shutil.rmtree, kit, ignore_errors=True)
    make_clip(kit / "videos" / "clip.mp4", size=(64, 48), fps=10, colours=(RED, BLUE))
    (kit / "videos" / "clip.en.vtt").write_text(
        "WEBVTT\n\n00:00.000 --> 00:01.500\nHello\n", encoding="utf-8"
    )
    (kit / "videos" / "clip.es.vtt").write_text(
        "WEBVTT\n\nNOTE a comment\n\n1\n00:00.500 --> 00:01.900 align:start\n<i>Hola</i> &amp; adiós\n",
        encoding="utf-8",
    )
    (kit / "videos" / "late.vtt").write_text("WEBVTT\n\n00:00.000 --> 00:09.000\nLate\n", encoding="utf-8")
    write_wav(kit / "narration" / "en.wav", 1.0)
    write_ogg(kit / "narration" / "es.ogg", 1.0)
    return kit


MEDIA_FILES = (
    "videos/clip.mp4",
    "videos/clip.en.vtt",
    "videos/clip.es.vtt",
    "narration/en.wav",
    "narration/es.ogg",
)
# Paths a value may take: the kit's files, the bundled clip and its captions (assets/), files that
# are not there or not allowed, and the wrong kind of file for the key.
MEDIA_PATHS = [
    *MEDIA_FILES,
    "videos/late.vtt",
    "videos/how-it-works.mp4",
    "videos/how-it-works.en.vtt",
    "videos/missing.mp4",
    "narration/missing.wav",
    "videos",
    "videos/",
    "../videos/clip.mp4",
    "/etc/passwd",
    "C:\\clips\\clip.mp4",
    "videos\\clip.mp4",
    "illustrations/what-is-it.svg",
    "videos/clip.MP4",
    "videos/clip.mp4\x00",
    "narration/en.wav\n",
    "deck.yaml",
    "what-is-it.yaml",
    "",
    " ",
    "x" * 300,
]
LANGUAGE_KEYS = ["en", "es", "fr", "EN", "", "en ", "1"]
scalar = (
    st.sampled_from(MEDIA_PATHS)
    | st.text(max_size=12)
    | st.integers(-5, 10**12)
    | st.booleans()
    | st.none()
    | st.floats(allow_nan=True)
)
media_value = st.recursive(
    scalar,
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.sampled_from(LANGUAGE_KEYS) | st.text(max_size=4), inner, max_size=3)
    ),
    max_leaves=6,
)
MEDIA_KEYS = ["video", "captions", "poster", "speech", "narration", "image"]
media_keys = st.dictionaries(st.sampled_from(MEDIA_KEYS), media_value, max_size=5)


def _likely(key: str) -> Any:
    """A well-formed value for `key` (the fuzzed ones mostly break it)."""
    return {
        "video": "videos/clip.mp4",
        "captions": {"en": "videos/clip.en.vtt", "es": "videos/clip.es.vtt"},
        "poster": "illustrations/what-is-it.svg",
        "speech": False,
        "narration": {"en": "narration/en.wav", "es": "narration/es.ogg"},
        "image": None,
    }[key]


@st.composite
def media_slide(draw) -> tuple[bytes, str]:
    """The real slide with media keys on it and on its first detail (well-formed or fuzzed, or
    dropped), and deck.yaml with a fuzzed `lobby_narration:` now and then."""
    slide = yaml.safe_load(SLIDE_TEXT)
    for target in (slide, slide["details"][0]):
        if draw(st.booleans()):
            for key in MEDIA_KEYS:
                choice = draw(st.sampled_from(["good", "good", "fuzzed", "absent"]))
                if choice == "absent" or (choice == "good" and _likely(key) is None):
                    target.pop(key, None)
                else:
                    target[key] = _likely(key) if choice == "good" else draw(media_value)
        target.update(draw(media_keys))
    text = yaml.safe_dump(slide, sort_keys=False, allow_unicode=True, width=100)
    deck_text = DECK_TEXT
    if draw(st.booleans()):
        deck_text += yaml.safe_dump({"lobby_narration": draw(media_value)}, allow_unicode=True)
    return text.encode("utf-8"), deck_text


def _line_breaks(raw: bytes) -> int:
    text = raw.decode("utf-8", errors="replace")
    return len(re.findall(r"[\n\r\x85\u2028\u2029]", text))


def _check(
    raw: bytes, deck_text: str = DECK_TEXT, *, media: bool = False, files: dict[str, bytes] | None = None
) -> None:
    """`media`: the media kit is in the deck folder; `files`: more files written over it."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "deck"
        if media:
            shutil.copytree(media_kit(), folder)
        else:
            folder.mkdir()
        (folder / "deck.yaml").write_text(deck_text, encoding="utf-8")
        (folder / SLIDE_NAME).write_bytes(raw)
        for name, data in (files or {}).items():
            (folder / name).write_bytes(data)
        report = check_deck(folder, assets=DEFAULT_ASSETS, today=TODAY)
        allowed = {str(folder), str(folder / "deck.yaml"), str(folder / SLIDE_NAME)}
        if media:  # a caption file's own mistakes are reported in it, where it is (deck or assets/)
            allowed |= {str(folder.resolve() / name) for name in MEDIA_FILES + ("videos/late.vtt",)}
            allowed |= {str(path) for path in (DEFAULT_ASSETS / "videos").glob("*.vtt")}
        for problem in report.problems:
            assert problem.file in allowed, problem
            assert isinstance(problem.line, int) and problem.line >= 1, problem
            assert isinstance(problem.column, int) and problem.column >= 1, problem
            assert isinstance(problem.message, str) and problem.message.strip(), problem
            assert problem.severity in (Severity.ERROR, Severity.WARNING)
            if problem.file.endswith(SLIDE_NAME):
                source = raw
            elif problem.file.endswith("deck.yaml") or problem.file == str(folder):
                source = deck_text.encode("utf-8")
            else:
                source = Path(problem.file).read_bytes()
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


# -- issue 18: clips, captions and narration ---------------------------------------------------------


def test_the_media_kit_loads_with_a_clip_captions_and_narration_on_the_slide_and_its_detail():
    """The control for the properties below: the well-formed values give a valid deck that holds
    them (so the fuzzing starts from content the loader accepts, not from an error)."""
    slide = yaml.safe_load(SLIDE_TEXT)
    for target in (slide, slide["details"][0]):
        target.pop("image", None)
        target.update({key: _likely(key) for key in MEDIA_KEYS if _likely(key) is not None})
    raw = yaml.safe_dump(slide, sort_keys=False, allow_unicode=True, width=100).encode("utf-8")
    _check(raw, media=True)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "deck"
        shutil.copytree(media_kit(), folder)
        (folder / "deck.yaml").write_text(DECK_TEXT + "lobby_narration: true\n", encoding="utf-8")
        (folder / SLIDE_NAME).write_bytes(raw)
        deck = load_deck(folder, assets=DEFAULT_ASSETS, today=TODAY)
    first = deck.slides[0]
    detail = first.details[0]
    assert deck.lobby_narration
    for owner in (first, detail):
        assert owner.video is not None and owner.video.captions_for("es")[0].text == "Hola & adiós"
        assert [code for code, _ in owner.narration] == ["en", "es"]


@MEDIA_FUZZ
@given(media_slide())
def test_fuzzed_media_keys_only_give_located_problems(slide_and_deck):
    raw, deck_text = slide_and_deck
    _check(raw, deck_text, media=True)


@st.composite
def damaged_media(draw) -> dict[str, bytes]:
    """One of the kit's files cut, with bytes flipped, inserted or replaced."""
    name = draw(st.sampled_from(MEDIA_FILES))
    data = bytearray((media_kit() / name).read_bytes())
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["cut", "flip", "insert", "zero"]))
        at = draw(st.integers(0, max(0, len(data) - 1)))
        if kind == "cut":
            del data[at:]
        elif kind == "flip" and data:
            data[at] ^= draw(st.integers(1, 255))
        elif kind == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=16))
        else:
            data[at : at + draw(st.integers(1, 4096))] = bytes(min(4096, len(data) - at))
    return {name: bytes(data)}


def _media_slide_bytes() -> bytes:
    slide = yaml.safe_load(SLIDE_TEXT)
    slide.pop("image", None)
    slide.update({key: _likely(key) for key in MEDIA_KEYS if _likely(key) is not None})
    return yaml.safe_dump(slide, sort_keys=False, allow_unicode=True, width=100).encode("utf-8")


@MEDIA_FUZZ
@given(damaged_media())
def test_damaged_clips_captions_and_sounds_only_give_located_problems(files):
    _check(_media_slide_bytes(), media=True, files=files)
