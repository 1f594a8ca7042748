"""The content loader: every rule of the deck format, each with a deck that breaks it and the exact
`file:line:column: message` it must produce.

Lines and columns in the expected strings were counted by hand from the YAML written here, so a
test fails when a location is wrong, not only when a message is.
"""

from __future__ import annotations

import datetime
import os
import shutil
import struct
import subprocess
import sys
import zlib
from functools import partial
from pathlib import Path

import pytest

from kiosk.cli import main
from kiosk.content.document import MAX_FILE_BYTES
from kiosk.content.loader import DEFAULT_ASSETS, check_deck, load_deck
from kiosk.content.problems import ContentError, Problem, Severity

REPO = Path(__file__).resolve().parent.parent
SLIDES = REPO / "slides"
ASSETS = DEFAULT_ASSETS
TODAY = datetime.date(2026, 1, 1)  # before every review_due in slides/, so no "overdue" warnings

# A minimal two-language deck with one slide and no warnings. Line numbers are in the comments.
DECK_YAML = """\
title:
  en: Guide
  es: Guía
languages: [en, es]
slides:
  - one
"""
#  1 title:
#  2   en: Guide
#  3   es: Guía
#  4 languages: [en, es]
#  5 slides:
#  6   - one

ONE_YAML = """\
id: one
title:
  en: One
  es: Uno
summary:
  en: Short.
  es: Corto.
reviewed_by: Dr. Lee
"""
#  1 id: one
#  2 title:
#  3   en: One
#  4   es: Uno
#  5 summary:
#  6   en: Short.
#  7   es: Corto.
#  8 reviewed_by: Dr. Lee

DETAIL_YAML = """\
details:
  - id: first
    title:
      en: First
      es: Primero
    body:
      en: Text.
      es: Texto.
"""
# appended to ONE_YAML:
#  9 details:
# 10   - id: first
# 11     title:
# 12       en: First
# 13       es: Primero
# 14     body:
# 15       en: Text.
# 16       es: Texto.

SINGLE_DECK_YAML = "title: Guide\nlanguages: [en]\nslides:\n  - one\n"
SINGLE_ONE_YAML = "id: one\ntitle: One\nsummary: Short.\nreviewed_by: Dr. Lee\n"


def make_deck(
    root: Path,
    files: dict[str, str | bytes] | None = None,
    *,
    deck: str | None = DECK_YAML,
    one: str | bytes | None = ONE_YAML,
) -> Path:
    """A deck folder under `root`: deck.yaml, one.yaml, and any other `files` (str or bytes)."""
    folder = root / "deck"
    folder.mkdir(parents=True, exist_ok=True)
    contents: dict[str, str | bytes | None] = {"deck.yaml": deck, "one.yaml": one, **(files or {})}
    for name, content in contents.items():
        if content is None:
            continue
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return folder


def copy_slides(root: Path) -> Path:
    """A copy of the real deck in slides/, to break one thing in."""
    folder = root / "deck"
    shutil.copytree(SLIDES, folder)
    return folder


def edit(folder: Path, name: str, old: str, new: str) -> None:
    """Replace `old` (which must occur exactly once) in one file of a copied deck."""
    path = folder / name
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {name}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def check(folder: Path, **kwargs):
    return check_deck(folder, assets=kwargs.pop("assets", ASSETS), today=kwargs.pop("today", TODAY))


def shown(folder: Path, problems) -> list[str]:
    return [p.format(relative_to=folder) for p in problems]


def errors(folder: Path, **kwargs) -> list[str]:
    return shown(folder, check(folder, **kwargs).errors)


def problems(folder: Path, **kwargs) -> list[str]:
    return shown(folder, check(folder, **kwargs).problems)


def png_header(width: int, height: int) -> bytes:
    """The first 33 bytes of a PNG: signature and IHDR chunk (with a correct CRC)."""
    ihdr = b"IHDR" + struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + ihdr + struct.pack(">I", zlib.crc32(ihdr))


SVG = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><rect width="10" height="10"/></svg>\n'


# -- the baseline ------------------------------------------------------------------------------


def test_minimal_deck_loads_without_problems(tmp_path):
    folder = make_deck(tmp_path, {"one.yaml": ONE_YAML + DETAIL_YAML})
    report = check(folder)
    assert report.problems == ()
    deck = load_deck(folder, assets=ASSETS, today=TODAY)
    assert deck.languages == ("en", "es")
    assert deck.default_language == "en"
    assert deck.slides[0].title.get("es") == "Uno"
    assert deck.slides[0].details[0].title.get("en") == "First"


def test_single_language_deck_takes_plain_strings(tmp_path):
    folder = make_deck(tmp_path, deck=SINGLE_DECK_YAML, one=SINGLE_ONE_YAML)
    report = check(folder)
    assert report.problems == ()
    assert report.deck is not None
    assert report.deck.title.get("en") == "Guide"
    assert report.deck.slides[0].summary.get("en") == "Short."


def test_real_deck_has_no_errors_and_only_review_pending_warnings():
    report = check(SLIDES)
    assert report.errors == ()
    assert report.deck is not None
    assert len(report.deck.slides) == 9
    # One line names every slide that waits for review, at the `slides:` list of deck.yaml.
    assert [(Path(p.file).name, p.message) for p in report.warnings] == [
        (
            "deck.yaml",
            "9 slides are waiting for clinical review: "
            + ", ".join(slide.id for slide in report.deck.slides)
            + "; when a clinician has checked a slide, they replace `pending` with their name in its"
            " `reviewed_by`",
        )
    ]


# -- keys ---------------------------------------------------------------------------------------


def test_typo_in_top_level_key_suggests_the_right_one(tmp_path):
    folder = copy_slides(tmp_path)
    edit(folder, "what-is-it.yaml", "\ntitle:\n", "\ntitel:\n")
    assert errors(folder) == [
        "what-is-it.yaml:2:1: `title` is missing; add a line `title: ...`",
        "what-is-it.yaml:3:1: unknown key `titel`: did you mean `title`?",
    ]


def test_typo_in_detail_key_suggests_the_right_one(tmp_path):
    folder = make_deck(tmp_path, one=ONE_YAML + DETAIL_YAML.replace("    body:", "    bdy:"))
    assert errors(folder) == ["one.yaml:14:5: unknown key `bdy`: did you mean `body`?"]


def test_typo_in_timing_key_of_deck_yaml(tmp_path):
    folder = make_deck(tmp_path, deck=DECK_YAML + "timing:\n  idel_timeout_s: 30\n")
    assert errors(folder) == ["deck.yaml:8:3: unknown key `idel_timeout_s`: did you mean `idle_timeout_s`?"]


def test_unknown_key_far_from_any_lists_the_allowed_keys(tmp_path):
    folder = make_deck(tmp_path, one=ONE_YAML + "colour: red\n")
    assert errors(folder) == [
        "one.yaml:9:1: unknown key `colour`: the keys allowed here are: id, title, summary, image, alt,"
        " duration_s, details, reviewed_by, reviewed_on, review_due, show, link, narration,"
        " video, captions, poster, speech"
    ]


def test_missing_required_key(tmp_path):
    folder = make_deck(tmp_path, one=ONE_YAML.replace("summary:\n  en: Short.\n  es: Corto.\n", ""))
    assert errors(folder) == ["one.yaml:1:1: `summary` is missing; add a line `summary: ...`"]


def test_missing_required_key_in_a_detail_names_the_detail(tmp_path):
    folder = make_deck(
        tmp_path, one=ONE_YAML + DETAIL_YAML.replace("    title:\n      en: First\n      es: Primero\n", "")
    )
    assert errors(folder) == [
        "one.yaml:10:5: `title` is missing in `details` > item 1; add a line `title: ...`"
    ]


def test_detail_without_body_or_steps(tmp_path):
    folder = make_deck(
        tmp_path, one=ONE_YAML + DETAIL_YAML.replace("    body:\n      en: Text.\n      es: Texto.\n", "")
    )
    assert errors(folder) == [
        "one.yaml:11:5: the detail `first` has no `body` (and no `steps`); add a `body:` with the text to"
        " show"
    ]


def test_duplicate_key_names_the_first_line(tmp_path):
    folder = make_deck(tmp_path, one=ONE_YAML + "title: Again\n")
    assert errors(folder) == [
        "one.yaml:9:1: the key `title` appears twice in the same place (first on line 2); keep one and"
        " delete the other"
    ]


def test_duplicate_language_key_inside_a_text(tmp_path):
    folder = make_deck(tmp_path, one=ONE_YAML.replace("  es: Uno\n", "  en: Uno\n"))
    assert errors(folder) == [
        "one.yaml:4:3: the key `en` appears twice in the same place (first on line 3); keep one and delete"
        " the other"
    ]


def test_duplicate_slide_id_in_deck_yaml(tmp_path):
    folder = make_deck(tmp_path, deck=DECK_YAML + "  - one\n")
    assert errors(folder) == [
        "deck.yaml:7:5: the slide `one` is listed twice in `slides` (first as item 1); list each slide once"
    ]


def test_duplicate_detail_id(tmp_path):
    second = (
        "  - id: first\n    title:\n      en: Second\n      es: Segundo\n    body:\n      en: More.\n     "
        " es: Más.\n"
    )
    folder = make_deck(tmp_path, one=ONE_YAML + DETAIL_YAML + second)
    assert errors(folder) == [
        "one.yaml:17:9: the detail id `first` is used twice on this slide (also detail 1); give each detail"
        " its own id"
    ]


def test_too_many_details(tmp_path):
    details = "details:\n" + "".join(
        f"  - id: d{i}\n    title: {{en: T, es: T}}\n    body: {{en: B, es: B}}\n" for i in range(7)
    )
    folder = make_deck(tmp_path, one=ONE_YAML + details)
    assert errors(folder) == ["one.yaml:10:3: `details` has 7 items; at most 6 are allowed"]


def test_empty_steps_list(tmp_path):
    folder = make_deck(tmp_path, one=ONE_YAML + DETAIL_YAML + "    steps: []\n")
    assert errors(folder) == ["one.yaml:17:12: `steps` has 0 items; at least 1 is needed"]


def test_empty_text(tmp_path):
    folder = make_deck(tmp_path, one=ONE_YAML.replace("  es: Corto.", "  es: ''"))
    assert errors(folder) == ["one.yaml:6:3: `summary`: the text is empty; write something or remove the key"]


def test_bad_id_in_slides_list(tmp_path):
    folder = make_deck(tmp_path, deck=DECK_YAML.replace("  - one", "  - One_slide"))
    assert errors(folder) == [
        "deck.yaml:6:5: `One_slide` is not a valid id; use lowercase letters, digits and dashes, like"
        " what-is-it"
    ]


def test_bad_theme_and_rotation(tmp_path):
    folder = make_deck(tmp_path, deck=DECK_YAML + "theme: blue\nrotation: 45\n")
    assert errors(folder) == [
        "deck.yaml:7:8: `theme` should be 'warm' or 'high-contrast'",
        "deck.yaml:8:11: `rotation` should be 0, 90, 180 or 270",
    ]


def test_id_not_matching_file_name(tmp_path):
    folder = make_deck(tmp_path, one=ONE_YAML.replace("id: one", "id: uno"))
    assert errors(folder) == [
        "one.yaml:1:5: the id `uno` does not match the file name one.yaml; make it `id: one`"
    ]


# -- languages ----------------------------------------------------------------------------------


def test_missing_translation_of_required_field_is_an_error(tmp_path):
    folder = make_deck(tmp_path, one=ONE_YAML.replace("  es: Uno\n", ""))
    assert errors(folder) == ["one.yaml:3:3: `title` has no `es` text; add a line `es: ...` below `title`"]


def test_missing_translation_in_real_deck(tmp_path):
    folder = copy_slides(tmp_path)
    edit(folder, "how-it-works.yaml", "  es: ¿Cómo funciona?\n", "")
    assert errors(folder) == [
        "how-it-works.yaml:4:3: `title` has no `es` text; add a line `es: ...` below `title`"
    ]


def test_missing_translation_of_optional_alt_is_a_warning(tmp_path):
    folder = make_deck(tmp_path, one=ONE_YAML + "image: illustrations/what-is-it.svg\nalt:\n  en: A leg.\n")
    report = check(folder)
    assert report.errors == ()
    assert report.deck is not None
    assert shown(folder, report.warnings) == [
        "one.yaml:11:3: warning: `alt` has no `es` text; add a line `es: ...` below `alt` (until then the"
        " first language is shown)"
    ]
    assert report.deck.slides[0].alt.get("es") == "A leg."


def test_plain_string_in_two_language_deck(tmp_path):
    folder = make_deck(tmp_path, one=ONE_YAML.replace("title:\n  en: One\n  es: Uno\n", "title: One\n"))
    assert errors(folder) == [
        "one.yaml:2:8: `title` has one text, but this deck is in en, es; give one line per language below"
        " it: `en: ...` and `es: ...`"
    ]


def test_unknown_language_code(tmp_path):
    folder = make_deck(tmp_path, one=ONE_YAML.replace("  es: Uno\n", "  es: Uno\n  fr: Un\n"))
    assert errors(folder) == [
        "one.yaml:5:3: `fr` is not one of the deck's languages (en, es); remove it, or add it to"
        " `languages` in deck.yaml"
    ]


def test_misspelt_language_code_suggests_the_missing_one(tmp_path):
    folder = make_deck(tmp_path, one=ONE_YAML.replace("  es: Uno\n", "  sp: Uno\n"))
    assert errors(folder) == [
        "one.yaml:3:3: `title` has no `es` text; add a line `es: ...` below `title`",
        "one.yaml:4:3: `sp` is not one of the deck's languages (en, es); did you mean `es`?",
    ]


def test_default_language_not_in_languages(tmp_path):
    folder = make_deck(tmp_path, deck=DECK_YAML + "default_language: fr\n")
    assert errors(folder) == [
        "deck.yaml:7:19: `fr` is not one of the deck's languages (en, es); add it to `languages` or pick"
        " one of those"
    ]


def test_malformed_language_code(tmp_path):
    folder = make_deck(tmp_path, deck=DECK_YAML.replace("[en, es]", "[en, spanish]"))
    assert errors(folder) == [
        "deck.yaml:4:17: `spanish` is not a language code; use two letters, like en or es"
    ]


def test_language_listed_twice(tmp_path):
    folder = make_deck(tmp_path, deck=DECK_YAML.replace("[en, es]", "[en, es, en]"))
    assert errors(folder) == ["deck.yaml:4:21: the language `en` is listed twice; list each language once"]


# -- safety: tags, aliases, size, nesting ------------------------------------------------------


def test_python_tag_is_an_error_and_never_runs(tmp_path):
    marker = tmp_path / "pwned"
    evil = f'  en: !!python/object/apply:os.system ["touch {marker}"]\n'
    folder = make_deck(tmp_path, one=ONE_YAML.replace("  en: One\n", evil))
    assert errors(folder) == [
        "one.yaml:3:7: the tag `!!python/object/apply:os.system` is not allowed in slide files; remove it"
        " (plain text, numbers and dates need no tag)"
    ]
    with pytest.raises(ContentError):
        load_deck(folder, assets=ASSETS, today=TODAY)
    assert not marker.exists()


def test_python_tag_on_a_key_is_refused(tmp_path):
    folder = make_deck(tmp_path, one=ONE_YAML + "!!python/name:os.system : x\n")
    assert errors(folder) == ["one.yaml:9:1: a key must be a plain word, like `title`"]


@pytest.mark.parametrize("tag", ["!!binary aGVsbG8=", "!!set {a, b}", "!custom x"])
def test_other_tags_are_refused(tmp_path, tag):
    folder = make_deck(tmp_path, one=ONE_YAML + f"alt: {tag}\n")
    name = tag.split()[0]
    assert errors(folder) == [
        f"one.yaml:9:6: the tag `{name}` is not allowed in slide files; remove it (plain text, numbers and"
        " dates need no tag)"
    ]


@pytest.mark.parametrize("value", ["!!int ''", "!!float ''", "!!bool maybe", "!!int 0x"])
def test_standard_tag_on_a_value_it_cannot_read(tmp_path, value):
    folder = make_deck(tmp_path, one=ONE_YAML + f"duration_s: {value}\n")
    tag, _, text = value.partition(" ")
    assert errors(folder) == [
        f"one.yaml:9:13: `{text.strip(chr(39))}` cannot be read as {tag}; fix the value or remove the {tag}"
        " tag"
    ]


def test_impossible_date(tmp_path):
    folder = make_deck(tmp_path, one=ONE_YAML + "review_due: 2027-02-30\n")
    assert errors(folder) == [
        "one.yaml:9:13: `2027-02-30` is not a real date; write dates as YYYY-MM-DD, like 2027-05-31"
    ]


def test_lone_equals_sign_is_text(tmp_path):
    folder = make_deck(tmp_path, deck=SINGLE_DECK_YAML, one=SINGLE_ONE_YAML.replace("title: One", "title: ="))
    report = check(folder)
    assert report.problems == ()
    assert report.deck.slides[0].title.get("en") == "="


def test_merge_key_is_refused(tmp_path):
    one = ONE_YAML.replace("title:\n", "title: &t\n") + "details:\n  - id: first\n    title:\n      <<: *t\n"
    folder = make_deck(tmp_path, one=one)
    assert errors(folder) == ["one.yaml:12:7: merge keys (<<) are not supported; write each key out in full"]


def test_a_few_aliases_are_fine(tmp_path):
    one = ONE_YAML.replace("title:\n", "title: &t\n") + "alt: *t\n"
    folder = make_deck(tmp_path, one=one)
    assert check(folder).problems == ()


BILLION_LAUGHS = (
    "# nine levels of aliases, each repeating the one before ten times: 10**9 strings if expanded\n"
    "id: one\n"
    "a: &a ["
    + ", ".join(['"lol"'] * 10)
    + "]\n"
    + "".join(
        f"{b}: &{b} [" + ", ".join([f"*{a}"] * 10) + "]\n"
        for a, b in zip("abcdefgh", "bcdefghi", strict=True)
    )
)


def test_billion_laughs_is_refused_not_expanded(tmp_path):
    folder = make_deck(tmp_path, one=BILLION_LAUGHS)
    report = check(folder)
    # Counting the values built in order (root 1, "one" 1, a 11, b 111, c 1111, d 11111, e's list 1),
    # the 20,001st is inside e's first *d, at the 8th "lol" of line 3: column 8 + 7 * 7.
    assert shown(folder, report.errors) == [
        "one.yaml:3:57: the file expands to more than 20,000 values (through repeated aliases, *name);"
        " write the content out plainly without & and * references"
    ]
    assert "aliases" in report.errors[0].message


def test_alias_inside_itself_is_refused(tmp_path):
    folder = make_deck(tmp_path, one=ONE_YAML + "alt: &a [*a]\n")
    assert errors(folder) == [
        "one.yaml:9:6: the content is nested more than 32 levels deep through aliases (*name); write the"
        " content out plainly without & and * references"
    ]


def test_alias_chain_deeper_than_the_limit_is_refused(tmp_path):
    chain = "l0: &l0 [x]\n" + "".join(f"l{i}: &l{i} [*l{i - 1}]\n" for i in range(1, 40))
    folder = make_deck(tmp_path, one=chain)
    # l31 expands to 32 nested lists, so its innermost `x` (line 1, column 10) is the first value
    # 33 levels below the root.
    assert errors(folder) == [
        "one.yaml:1:10: the content is nested more than 32 levels deep through aliases (*name); write the"
        " content out plainly without & and * references"
    ]


def test_nesting_ten_thousand_deep_in_brackets(tmp_path):
    folder = make_deck(tmp_path, one="id: one\nalt: " + "[" * 10_000 + "]" * 10_000 + "\n")
    # The root mapping is level 1, so the 32nd bracket (column 6 + 31) is level 33.
    assert errors(folder) == [
        "one.yaml:2:37: the content is nested more than 32 levels deep; a slide needs only a few levels."
        " Check the indentation and brackets"
    ]


def test_nesting_ten_thousand_deep_in_block_lists(tmp_path):
    folder = make_deck(tmp_path, one="- " * 10_000 + "x\n")
    assert errors(folder) == [
        "one.yaml:1:65: the content is nested more than 32 levels deep; a slide needs only a few levels."
        " Check the indentation and brackets"
    ]


def test_file_over_one_mib_is_refused(tmp_path):
    padding = "# " + "x" * MAX_FILE_BYTES + "\n"
    folder = make_deck(tmp_path, one=ONE_YAML + padding)
    size = len((ONE_YAML + padding).encode())
    assert errors(folder) == [
        f"one.yaml:1:1: the file is {size:,} bytes; a slide file may be at most 1,048,576 bytes. Split it"
        " or remove what does not belong in it"
    ]


def test_file_of_exactly_one_mib_is_read(tmp_path):
    filler = MAX_FILE_BYTES - len(ONE_YAML.encode()) - 3
    folder = make_deck(tmp_path, one=ONE_YAML + "# " + "x" * filler + "\n")
    assert (folder / "one.yaml").stat().st_size == MAX_FILE_BYTES
    assert check(folder).problems == ()


def test_huge_integer_is_refused_before_conversion(tmp_path):
    folder = make_deck(tmp_path, one=ONE_YAML + "duration_s: " + "9" * 5000 + "\n")
    assert errors(folder) == [
        "one.yaml:9:13: this number has 5,000 digits, far more than any setting needs; use a small number"
    ]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("1", "`duration_s` should be greater than or equal to 3"),
        ("301", "`duration_s` should be less than or equal to 300"),
        ("100000000000000000000", "`duration_s` should be less than or equal to 300"),
        (".inf", "`duration_s` should be less than or equal to 300"),
        ("soon", "`duration_s` should be a valid number, unable to parse string as a number"),
    ],
)
def test_duration_out_of_range(tmp_path, value, message):
    folder = make_deck(tmp_path, one=ONE_YAML + f"duration_s: {value}\n")
    assert errors(folder) == [f"one.yaml:9:13: {message}"]


def test_duration_in_range_is_kept(tmp_path):
    folder = make_deck(tmp_path, one=ONE_YAML + "duration_s: 12.5\n")
    report = check(folder)
    assert report.problems == ()
    assert report.deck.slides[0].duration_s == 12.5


# -- encodings and text problems ----------------------------------------------------------------


def test_utf16_with_bom(tmp_path):
    folder = make_deck(tmp_path, one=ONE_YAML.encode("utf-16"))
    assert errors(folder) == [
        "one.yaml:1:1: the file is saved as UTF-16; save it as UTF-8 (in most editors: Save As, Encoding:"
        " UTF-8)"
    ]


def test_utf32_with_bom(tmp_path):
    folder = make_deck(tmp_path, one=ONE_YAML.encode("utf-32"))
    assert errors(folder) == [
        "one.yaml:1:1: the file is saved as UTF-32; save it as UTF-8 (in most editors: Save As, Encoding:"
        " UTF-8)"
    ]


def test_utf16_without_bom(tmp_path):
    folder = make_deck(tmp_path, one=ONE_YAML.encode("utf-16-le"))
    assert errors(folder) == [
        "one.yaml:1:1: the file looks like UTF-16 text; save it as UTF-8 (in most editors: Save As,"
        " Encoding: UTF-8)"
    ]


def test_utf8_bom_is_accepted(tmp_path):
    folder = make_deck(tmp_path, one=b"\xef\xbb\xbf" + ONE_YAML.encode())
    assert check(folder).problems == ()


def test_invalid_utf8_byte_gives_its_line_and_column(tmp_path):
    raw = ONE_YAML.encode().replace(b"  es: Uno", b"  es: Un\xe9")  # Latin-1 é
    folder = make_deck(tmp_path, one=raw)
    assert errors(folder) == [
        "one.yaml:4:9: this character is not valid UTF-8; save the file as UTF-8 (in most editors: Save As,"
        " Encoding: UTF-8)"
    ]


def test_invalid_utf8_column_counts_characters_not_bytes(tmp_path):
    raw = ONE_YAML.encode().replace(b"  es: Corto.", "  es: Más".encode() + b"\xff")
    folder = make_deck(tmp_path, one=raw)
    # "  es: Más" is 9 characters (10 bytes): the bad byte is the 10th character on line 7.
    assert errors(folder) == [
        "one.yaml:7:10: this character is not valid UTF-8; save the file as UTF-8 (in most editors: Save"
        " As, Encoding: UTF-8)"
    ]


def test_nul_byte(tmp_path):
    raw = ONE_YAML.encode().replace(b"  en: Short.", b"  en: Sh\x00ort.")
    folder = make_deck(tmp_path, one=raw)
    assert errors(folder) == [
        "one.yaml:6:9: the file contains a NUL byte (binary data); it is not a text file. Re-save it from a"
        " text editor"
    ]


def test_binary_junk(tmp_path):
    folder = make_deck(tmp_path, one=png_header(10, 10))
    # \n at bytes 5 and 7: the first NUL (byte 8) starts line 3.
    assert errors(folder) == [
        "one.yaml:3:1: the file contains a NUL byte (binary data); it is not a text file. Re-save it from a"
        " text editor"
    ]


def test_control_character_is_located(tmp_path):
    folder = make_deck(tmp_path, one=ONE_YAML.replace("  en: Short.", "  en: Sh\x0cort."))
    assert errors(folder) == [
        "one.yaml:6:9: the file contains an invisible control character (U+000C) here, often pasted from"
        " another program; delete it"
    ]


def test_tab_indentation(tmp_path):
    folder = make_deck(tmp_path, one=ONE_YAML.replace("  es: Uno", "\tes: Uno"))
    assert errors(folder) == [
        "one.yaml:4:1: a tab is used to indent this line; YAML needs spaces. Replace the tab with spaces (2"
        " per level)"
    ]


def test_tab_after_spaces(tmp_path):
    folder = make_deck(tmp_path, one=ONE_YAML.replace("  es: Uno", "  \tes: Uno"))
    assert errors(folder) == [
        "one.yaml:4:3: a tab is used to indent this line; YAML needs spaces. Replace the tab with spaces (2"
        " per level)"
    ]


def test_tab_line_number_counts_yaml_line_breaks_only(tmp_path):
    # A form feed is not a line break for YAML (str.splitlines would count it as one).
    folder = make_deck(tmp_path, one="# page\x0c break\n" + ONE_YAML.replace("  es: Uno", "\tes: Uno"))
    assert errors(folder) == [
        "one.yaml:5:1: a tab is used to indent this line; YAML needs spaces. Replace the tab with spaces (2"
        " per level)"
    ]


def test_tab_after_a_colon(tmp_path):
    folder = make_deck(
        tmp_path, deck=SINGLE_DECK_YAML, one=SINGLE_ONE_YAML.replace("title: One", "title:\tOne")
    )
    assert errors(folder) == [
        "one.yaml:2:7: a tab is used here; YAML needs spaces. Replace the tab with spaces"
    ]


@pytest.mark.parametrize("text", ["", "# only a comment\n", "\n\n"])
def test_empty_file(tmp_path, text):
    folder = make_deck(tmp_path, one=text)
    assert errors(folder) == [
        "one.yaml:1:1: the file is empty (or holds only comments); a slide file needs at least `id`,"
        " `title` and `summary`, and deck.yaml needs `title`, `languages` and `slides`"
    ]


def test_list_at_top_level(tmp_path):
    folder = make_deck(tmp_path, one="# a list\n- id: one\n- title: One\n")
    assert errors(folder) == [
        "one.yaml:2:1: the file holds a list; it should hold keys like `title:` at the start of each line"
    ]


def test_single_value_at_top_level(tmp_path):
    folder = make_deck(tmp_path, one="just some words\n")
    assert errors(folder) == [
        "one.yaml:1:1: the file holds a single value; it should hold keys like `title:` at the start of"
        " each line"
    ]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ('alt: "not closed\n', "9:6: a quoted text is not closed; add the missing closing quote (\" or ')"),
        (
            "alt: Before: after\n",
            "9:12: a colon (:) appears inside a text here; put the whole text in double quotes, like:"
            ' title: "Before: after"',
        ),
        (
            "alt: [en, es\n",
            "9:6: a bracket ([ or {) opened here is not closed, or items in it are not separated by commas;"
            " add the missing ] or } (or, if this is a text, put the whole text in double quotes)",
        ),
        (
            "alt: *nowhere\n",
            "9:6: this uses an alias (*name) that was never defined with &name; write the text out in full",
        ),
        (
            "---\nid: two\n",
            "9:1: the file holds more than one YAML document (a line with ---); keep one slide per file",
        ),
        (
            " alt: x\n",
            "9:2: this line is indented further than the line above it, so it reads as part of that line's"
            " text; line `alt:` up with the keys above it",
        ),
        (
            "alt:\n  en: A\n   es: B\n",
            "11:4: this line is indented further than the line above it, so it reads as part of that line's"
            " text; line `es:` up with the keys above it",
        ),
        (
            "alt:\n  en: A\n es: B\n",
            "11:2: the indentation here does not line up with the lines above; keys at the same level need"
            " the same number of spaces",
        ),
    ],
)
def test_yaml_syntax_errors_are_explained(tmp_path, line, expected):
    folder = make_deck(tmp_path, one=ONE_YAML + line)
    assert errors(folder) == [f"one.yaml:{expected}"]


# -- images ---------------------------------------------------------------------------------------


def image_deck(tmp_path: Path, value: str, files: dict[str, str | bytes] | None = None) -> Path:
    return make_deck(tmp_path, files, one=ONE_YAML + f"image: {value}\n")


def image_errors(tmp_path: Path, value: str, files: dict[str, str | bytes] | None = None) -> list[str]:
    return errors(image_deck(tmp_path, value, files))


def test_image_in_assets_and_in_deck_folder(tmp_path):
    folder = make_deck(
        tmp_path,
        {"pictures/mine.svg": SVG, "small.png": png_header(800, 600)},
        one=ONE_YAML
        + "image: illustrations/what-is-it.svg\n"
        + DETAIL_YAML
        + "    image: pictures/mine.svg\n",
    )
    report = check(folder)
    assert report.problems == ()
    slide = report.deck.slides[0]
    assert slide.image.path == (ASSETS / "illustrations" / "what-is-it.svg").resolve()
    assert slide.details[0].image.path == (folder / "pictures" / "mine.svg").resolve()
    assert check(image_deck(tmp_path, "small.png")).problems == ()


def test_image_path_going_up(tmp_path):
    (tmp_path / "outside.svg").write_text(SVG)  # it exists, and is still refused
    assert image_errors(tmp_path, "../outside.svg") == [
        "one.yaml:9:8: `../outside.svg` goes up out of the deck folder (..); put the image inside the deck"
        " folder or assets/ and give its path from there"
    ]


def test_image_path_going_up_in_the_middle(tmp_path):
    assert image_errors(tmp_path, "illustrations/../../x.svg") == [
        "one.yaml:9:8: `illustrations/../../x.svg` goes up out of the deck folder (..); put the image"
        " inside the deck folder or assets/ and give its path from there"
    ]


def test_absolute_image_path(tmp_path):
    assert image_errors(tmp_path, "/etc/leg.svg") == [
        "one.yaml:9:8: `/etc/leg.svg` is an absolute path; give a path inside the deck folder, like"
        " illustrations/leg.svg"
    ]


def test_backslashes_in_image_path(tmp_path):
    assert image_errors(tmp_path, "illustrations\\what-is-it.svg") == [
        "one.yaml:9:8: write the image path with forward slashes, like illustrations/what-is-it.svg"
    ]


def test_control_character_in_image_path(tmp_path):
    assert image_errors(tmp_path, '"illus\\0trations/x.svg"') == [
        "one.yaml:9:8: the image path contains an invisible control character; type the path again"
    ]


def test_missing_image_suggests_a_close_name(tmp_path):
    folder = image_deck(tmp_path, "illustrations/what-is-t.svg")
    assert errors(folder) == [
        f"one.yaml:9:8: the image `illustrations/what-is-t.svg` was not found (looked in {folder} and"
        f" {ASSETS}); did you mean `illustrations/what-is-it.svg`?"
    ]


def test_missing_image_without_a_close_name(tmp_path):
    folder = image_deck(tmp_path, "photos/zzz.png")
    assert errors(folder) == [
        f"one.yaml:9:8: the image `photos/zzz.png` was not found (looked in {folder} and {ASSETS}); check"
        " the spelling and that the file was copied"
    ]


def test_jpg_image_is_refused(tmp_path):
    assert image_errors(tmp_path, "illustrations/photo.jpg") == [
        "one.yaml:9:8: `image`: an image must be an .svg or a .png file, like illustrations/leg.svg"
    ]


def test_symlink_to_a_file_outside_the_deck(tmp_path):
    outside = tmp_path / "secret.svg"
    outside.write_text(SVG)
    folder = image_deck(tmp_path, "leak.svg")
    os.symlink(outside, folder / "leak.svg")
    assert errors(folder) == [
        f"one.yaml:9:8: `leak.svg` is a link that points outside the deck folder ({outside.resolve()});"
        " copy the image into the deck folder instead"
    ]


def test_symlink_inside_the_deck_is_fine(tmp_path):
    folder = image_deck(tmp_path, "link.svg", {"real.svg": SVG})
    os.symlink("real.svg", folder / "link.svg")
    assert check(folder).problems == ()


def test_symlink_loop(tmp_path):
    folder = image_deck(tmp_path, "loop.svg")
    os.symlink("loop2.svg", folder / "loop.svg")
    os.symlink("loop.svg", folder / "loop2.svg")
    assert errors(folder) == [
        "one.yaml:9:8: `loop.svg` is a broken or looping link; replace it with the image file itself"
    ]


def test_broken_symlink(tmp_path):
    folder = image_deck(tmp_path, "gone.svg")
    os.symlink("nowhere.svg", folder / "gone.svg")
    assert errors(folder) == [
        "one.yaml:9:8: `gone.svg` is a broken or looping link; replace it with the image file itself"
    ]


def test_png_claiming_a_huge_size_is_refused_unopened(tmp_path):
    header = png_header(50_000, 50_000)
    assert len(header) == 33
    assert image_errors(tmp_path, "huge.png", {"huge.png": header}) == [
        "one.yaml:9:8: `huge.png` is 50000x50000 pixels; at most 8192 a side is allowed. Scale it down"
        " (1600 px is plenty)"
    ]


def test_png_size_limit_is_per_side(tmp_path):
    assert image_errors(tmp_path, "ok.png", {"ok.png": png_header(8192, 8192)}) == []
    assert image_errors(tmp_path, "wide.png", {"wide.png": png_header(8193, 10)}) == [
        "one.yaml:9:8: `wide.png` is 8193x10 pixels; at most 8192 a side is allowed. Scale it down (1600 px"
        " is plenty)"
    ]


def test_text_file_named_png(tmp_path):
    assert image_errors(tmp_path, "fake.png", {"fake.png": "this is not a picture\n"}) == [
        "one.yaml:9:8: `fake.png` is not a PNG image (its content is something else); export it again as PNG"
    ]


def test_text_file_named_svg(tmp_path):
    assert image_errors(tmp_path, "fake.svg", {"fake.svg": "hello\n"}) == [
        "one.yaml:9:8: `fake.svg` is not an SVG drawing (no <svg> element at its start); export it again as"
        " SVG"
    ]


def test_step_image_problem_points_at_the_step(tmp_path):
    steps = "    steps:\n      - text: {en: Inject., es: Inyectar.}\n        image: illustrations/nope.svg\n"
    folder = make_deck(tmp_path, one=ONE_YAML + DETAIL_YAML + steps)
    assert errors(folder) == [
        f"one.yaml:19:16: the image `illustrations/nope.svg` was not found (looked in {folder} and"
        f" {ASSETS}); check the spelling and that the file was copied"
    ]


# -- slides and files ---------------------------------------------------------------------------


def test_slide_listed_but_file_missing(tmp_path):
    folder = make_deck(tmp_path, deck=DECK_YAML + "  - two\n")
    assert errors(folder) == [
        "deck.yaml:7:5: there is no file two.yaml for the slide `two`; create it or remove `two` from the"
        " list"
    ]


def test_slide_listed_under_a_close_name(tmp_path):
    folder = make_deck(
        tmp_path, {"two.yaml": ONE_YAML.replace("id: one", "id: two")}, deck=DECK_YAML + "  - tow\n"
    )
    assert problems(folder) == [
        "deck.yaml:7:5: there is no file tow.yaml for the slide `tow`; create it or remove `tow` from the"
        " list; did you mean `two`?",
        "two.yaml:1:1: warning: this slide is not in the `slides` list of deck.yaml, so it is never shown;"
        " add `two` to the list (or delete the file)",
    ]


def test_slide_file_not_listed_is_a_warning(tmp_path):
    folder = make_deck(tmp_path, {"extra.yaml": ONE_YAML.replace("id: one", "id: extra")})
    report = check(folder)
    assert report.deck is not None
    assert shown(folder, report.problems) == [
        "extra.yaml:1:1: warning: this slide is not in the `slides` list of deck.yaml, so it is never"
        " shown; add `extra` to the list (or delete the file)"
    ]


def test_summary_over_thirty_words_is_a_warning(tmp_path):
    long = " ".join(["word"] * 31)
    folder = make_deck(tmp_path, one=ONE_YAML.replace("  en: Short.", f"  en: {long}"))
    report = check(folder)
    assert report.deck is not None
    assert shown(folder, report.problems) == [
        "one.yaml:6:7: warning: the summary has 31 words (en); keep it to 30 words or fewer so it can be"
        " read in passing, and move the rest into a detail"
    ]


def test_summary_of_exactly_thirty_words_is_fine(tmp_path):
    folder = make_deck(tmp_path, one=ONE_YAML.replace("  en: Short.", "  en: " + " ".join(["word"] * 30)))
    assert check(folder).problems == ()


def test_review_pending_is_a_warning(tmp_path):
    folder = make_deck(tmp_path, one=ONE_YAML.replace("Dr. Lee", "pending"))
    report = check(folder)
    assert report.deck is not None
    assert shown(folder, report.problems) == [
        "deck.yaml:5:1: warning: 1 slide is waiting for clinical review: one; when a clinician has"
        " checked a slide, they replace `pending` with their name in its `reviewed_by`"
    ]


def test_no_reviewer_at_all_is_a_warning(tmp_path):
    folder = make_deck(tmp_path, one=ONE_YAML.replace("reviewed_by: Dr. Lee\n", ""))
    assert problems(folder) == [
        "deck.yaml:5:1: warning: 1 slide is waiting for clinical review: one; when a clinician has"
        " checked a slide, they replace `pending` with their name in its `reviewed_by` (or add that line)"
    ]


def test_review_due_in_the_past_is_a_warning(tmp_path):
    folder = make_deck(tmp_path, one=ONE_YAML + "review_due: 2025-12-31\n")
    report = check(folder, today=datetime.date(2026, 1, 1))
    assert report.deck is not None
    assert shown(folder, report.problems) == [
        "one.yaml:9:13: warning: the review date 2025-12-31 has passed; ask a clinician to check the slide"
        " and set a new `review_due`"
    ]
    assert check(folder, today=datetime.date(2025, 12, 31)).problems == ()


def test_deck_folder_missing(tmp_path):
    report = check(tmp_path / "nope")
    assert report.deck is None
    assert [p.format() for p in report.problems] == [
        f"{tmp_path / 'nope'}:1:1: the deck folder does not exist; give the folder that holds deck.yaml"
    ]


def test_deck_path_is_a_file(tmp_path):
    (tmp_path / "deck.yaml").write_text(DECK_YAML)
    report = check(tmp_path / "deck.yaml")
    assert [p.format() for p in report.problems] == [
        f"{tmp_path / 'deck.yaml'}:1:1: the deck folder is not a folder; give the folder that holds deck.yaml"
    ]


def test_deck_folder_without_deck_yaml(tmp_path):
    folder = make_deck(tmp_path, deck=None)
    assert errors(folder) == [
        "deck.yaml:1:1: there is no deck.yaml in this folder; every deck needs one (see docs/content.md)"
    ]


def test_slide_file_is_a_folder(tmp_path):
    folder = make_deck(tmp_path, deck=DECK_YAML + "  - two\n")
    (folder / "two.yaml").mkdir()
    assert errors(folder) == [
        "deck.yaml:7:5: there is no file two.yaml for the slide `two`; create it or remove `two` from the"
        " list"
    ]


# -- all at once, sorted --------------------------------------------------------------------------


def test_errors_from_several_files_sorted_by_file_then_line(tmp_path):
    two = ONE_YAML.replace("id: one", "id: two").replace("  es: Corto.\n", "") + "image: ../x.svg\n"
    one = ONE_YAML.replace("summary:", "sumary:") + "alt: x\n"
    folder = make_deck(
        tmp_path, {"two.yaml": two}, deck=DECK_YAML + "  - two\n  - three\ntheme: blue\n", one=one
    )
    # two.yaml keeps going after its first error, so both of its problems are listed.
    assert errors(folder) == [
        "deck.yaml:8:5: there is no file three.yaml for the slide `three`; create it or remove `three` from"
        " the list",
        "deck.yaml:9:8: `theme` should be 'warm' or 'high-contrast'",
        "one.yaml:1:1: `summary` is missing; add a line `summary: ...`",
        "one.yaml:5:1: unknown key `sumary`: did you mean `summary`?",
        "two.yaml:6:3: `summary` has no `es` text; add a line `es: ...` below `summary`",
        "two.yaml:8:8: `../x.svg` goes up out of the deck folder (..); put the image inside the deck folder"
        " or assets/ and give its path from there",
    ]


def test_slides_are_checked_even_when_deck_yaml_has_errors(tmp_path):
    folder = make_deck(tmp_path, deck=DECK_YAML + "colour: blue\n", one=ONE_YAML.replace("  es: Uno\n", ""))
    assert errors(folder) == [
        "deck.yaml:7:1: unknown key `colour`: the keys allowed here are: title, languages,"
        " default_language, disclaimer, timing, theme, mode, rotation, opening_hours, hide_expired,"
        " pixel_shift, reduced_motion, lobby_narration, labels, reading_level, contact, slides",
        "one.yaml:3:3: `title` has no `es` text; add a line `es: ...` below `title`",
    ]


def test_load_deck_raises_content_error_with_every_problem_sorted(tmp_path):
    folder = make_deck(
        tmp_path,
        {"two.yaml": "id: two\n\tbad\n"},
        deck=DECK_YAML + "  - two\n",
        one=ONE_YAML + "title: again\n",
    )
    with pytest.raises(ContentError) as caught:
        load_deck(folder, assets=ASSETS, today=TODAY)
    assert shown(folder, caught.value.problems) == [
        "one.yaml:9:1: the key `title` appears twice in the same place (first on line 2); keep one and"
        " delete the other",
        "two.yaml:2:1: a tab is used to indent this line; YAML needs spaces. Replace the tab with spaces (2"
        " per level)",
    ]
    assert str(caught.value).endswith("keep one and delete the other (and 1 more)")


def test_load_deck_ignores_warnings(tmp_path):
    folder = make_deck(tmp_path, one=ONE_YAML.replace("Dr. Lee", "pending"))
    assert load_deck(folder, assets=ASSETS, today=TODAY).slides[0].review.pending


def test_problem_format():
    problem = Problem("/deck/one.yaml", 3, 7, "something is wrong", Severity.WARNING)
    assert problem.format() == "/deck/one.yaml:3:7: warning: something is wrong"
    assert problem.format(relative_to=Path("/deck")) == "one.yaml:3:7: warning: something is wrong"


# -- the command line ---------------------------------------------------------------------------


@pytest.fixture
def pinned_today(monkeypatch):
    """`kiosk validate` checks review dates against today; pin it so these tests do not age."""
    import kiosk.layout.validation

    monkeypatch.setattr(kiosk.cli, "check_deck", partial(check_deck, today=TODAY))
    monkeypatch.setattr(
        kiosk.layout.validation,
        "check_deck",
        lambda folder, *, assets, today=None: check_deck(folder, assets=assets, today=today or TODAY),
    )


def test_cli_real_deck_exits_0_with_only_review_warnings(capsys, pinned_today):
    assert main(["validate", str(SLIDES)]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    lines = out.splitlines()
    assert lines[-1] == "OK: 9 slides, 17 details, languages en, es; 1 warning(s)."
    assert len(lines) == 2
    assert "warning: 9 slides are waiting for clinical review: what-is-it, how-it-works, " in lines[0]


def test_cli_without_a_deck_argument_checks_slides_here(capsys, pinned_today, monkeypatch):
    monkeypatch.chdir(SLIDES.parent)
    assert main(["validate"]) == 0
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    assert out.splitlines()[-1] == "OK: 9 slides, 17 details, languages en, es; 1 warning(s)."


def test_cli_errors_exit_1_and_go_to_stderr(tmp_path, capsys, monkeypatch, pinned_today):
    folder = make_deck(
        tmp_path,
        {"two.yaml": ONE_YAML.replace("id: one", "id: two").replace("Dr. Lee", "pending")},
        deck=DECK_YAML + "  - two\n",
        one=ONE_YAML + "titel: x\n",
    )
    monkeypatch.chdir(folder)
    assert main(["validate", "."]) == 1
    out, err = capsys.readouterr()
    assert out.splitlines() == [
        "deck.yaml:5:1: warning: 1 slide is waiting for clinical review: two; when a clinician has"
        " checked a slide, they replace `pending` with their name in its `reviewed_by`"
    ]
    assert err.splitlines() == [
        "one.yaml:9:1: unknown key `titel`: did you mean `title`?",
        "1 error(s), 1 warning(s): the kiosk will not show this deck until the errors are fixed.",
    ]


def test_cli_warnings_only_exit_0(tmp_path, capsys, monkeypatch, pinned_today):
    folder = make_deck(tmp_path, one=ONE_YAML + "image: illustrations/what-is-it.svg\nalt:\n  en: A leg.\n")
    monkeypatch.chdir(folder)
    assert main(["validate", "."]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    assert out.splitlines() == [
        "one.yaml:11:3: warning: `alt` has no `es` text; add a line `es: ...` below `alt` (until then the"
        " first language is shown)",
        "OK: 1 slides, 0 details, languages en, es; 1 warning(s).",
    ]


def test_cli_long_summary_warning_exit_0(tmp_path, capsys, monkeypatch, pinned_today):
    # 40 words in short sentences: too long a summary, yet plain (no reading-level warning).
    folder = make_deck(
        tmp_path, one=ONE_YAML.replace("  en: Short.", "  en: " + " ".join(["We walk a lot."] * 10))
    )
    monkeypatch.chdir(folder)
    assert main(["validate", "."]) == 0
    out, _ = capsys.readouterr()
    assert out.splitlines()[0] == (
        "one.yaml:6:7: warning: the summary has 40 words (en); keep it to 30 words or fewer so it can"
        " be read in passing, and move the rest into a detail"
    )


def test_cli_usage_error_exits_2(capsys):
    with pytest.raises(SystemExit) as caught:
        main(["validate", "--nonsense"])
    assert caught.value.code == 2
    _, err = capsys.readouterr()
    assert "usage: kiosk" in err
    assert "unrecognized arguments: --nonsense" in err
    assert "Traceback" not in err


def test_cli_deck_that_does_not_exist(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["validate", "no-such-deck"]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err.splitlines() == [
        "kiosk: there is no deck folder at no-such-deck; give the folder that holds deck.yaml"
    ]


def _break_real_deck(root: Path) -> Path:
    """A copy of slides/ with a typo'd key, a missing translation, a ../ image, a duplicate key and
    a billion-laughs file."""
    folder = copy_slides(root)
    edit(folder, "what-is-it.yaml", "\ntitle:\n", "\ntitel:\n")
    edit(folder, "how-it-works.yaml", "  es: ¿Cómo funciona?\n", "")
    edit(folder, "benefits.yaml", "\nimage: illustrations/benefits.svg\n", "\nimage: ../benefits.svg\n")
    edit(folder, "the-session.yaml", "review_due: 2027-05-25\n", "review_due: 2027-05-25\nid: the-session\n")
    (folder / "ask-us.yaml").write_text(BILLION_LAUGHS.replace("id: one", "id: ask-us"), encoding="utf-8")
    return folder


BROKEN_REAL_DECK_ERRORS = [
    "ask-us.yaml:3:57: the file expands to more than 20,000 values (through repeated aliases, *name); write"
    " the content out plainly without & and * references",
    "benefits.yaml:9:8: `../benefits.svg` goes up out of the deck folder (..); put the image inside the"
    " deck folder or assets/ and give its path from there",
    "how-it-works.yaml:4:3: `title` has no `es` text; add a line `es: ...` below `title`",
    "the-session.yaml:12:1: the key `id` appears twice in the same place (first on line 2); keep one and"
    " delete the other",
    "what-is-it.yaml:2:1: `title` is missing; add a line `title: ...`",
    "what-is-it.yaml:3:1: unknown key `titel`: did you mean `title`?",
]


def test_broken_copy_of_real_deck_lists_every_problem(tmp_path):
    folder = _break_real_deck(tmp_path)
    assert errors(folder) == BROKEN_REAL_DECK_ERRORS


def test_cli_subprocess_broken_real_deck_exits_1_without_traceback(tmp_path):
    folder = _break_real_deck(tmp_path)
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    result = subprocess.run(
        [sys.executable, "-m", "kiosk", "validate", str(folder)],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert lines[:-1] == BROKEN_REAL_DECK_ERRORS
    assert lines[-1].startswith("6 error(s), ")
