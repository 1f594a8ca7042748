"""`kiosk new-slide`: the new slide validates at once, with warnings only for what staff must still
write; it lands where asked in the slide order; deck.yaml keeps every comment; mistakes are refused
before anything is written."""

from __future__ import annotations

import datetime
import shutil
from pathlib import Path

import pytest
from conftest import SLIDES

from kiosk.cli import main
from kiosk.content.loader import check_deck
from kiosk.layout.fit import fit_problems, layout_problems
from kiosk.render.painter import Fonts
from kiosk.tools.scaffold import (
    PLACEHOLDER_MESSAGE,
    ScaffoldError,
    insert_slide_id,
    new_slide,
    placeholder_problems,
    template,
)

TODAY = datetime.date(2025, 6, 2)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    deck = tmp_path / "slides"
    shutil.copytree(SLIDES, deck)
    return deck


def snapshot(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


def test_the_new_slide_validates_with_only_the_expected_warnings(folder: Path):
    path = new_slide(folder, "first-visit", today=TODAY)
    assert path == folder / "first-visit.yaml"
    report = check_deck(folder, today=TODAY)
    assert report.errors == ()
    slide = report.deck.slide("first-visit")
    assert slide is not None and [d.id for d in slide.details] == ["more"]
    assert slide.review.pending and slide.review.review_due == TODAY + datetime.timedelta(days=180)
    assert slide.image is None  # the image line is there, commented out
    assert "# image: illustrations/first-visit.svg" in path.read_text(encoding="utf-8")

    mine = [p for p in report.warnings if Path(p.file) == path]
    assert mine == []  # the review reminder is one line for the deck, naming the new slide:
    assert any(
        p.file.endswith("deck.yaml")
        and "waiting for clinical review: " in p.message
        and "first-visit" in p.message
        for p in report.warnings
    )
    fonts = Fonts()
    index = [s.id for s in report.deck.slides].index("first-visit")
    # The placeholders fit every screen (only the new slide is laid out: the rest is the real deck's)
    # and the font has all their letters.
    assert layout_problems(report.deck, fonts.measure, slides=(index,)) == []
    assert [p for p in fit_problems(report.deck, fonts, modes=()) if Path(p.file) == path] == []

    placeholders = placeholder_problems([path])
    text = path.read_text(encoding="utf-8").splitlines()
    # One warning per line of placeholder text (title, summary, button, body: in en and es); never on a
    # comment.
    assert len(placeholders) == 10
    assert all(p.message == PLACEHOLDER_MESSAGE and p.file == str(path) for p in placeholders)
    assert all(not text[p.line - 1].lstrip().startswith("#") for p in placeholders)
    assert {text[p.line - 1].strip() for p in placeholders if "title" in text[p.line - 2]} >= {
        'en: "NEW SLIDE: write the title here"',
        'es: "NUEVA DIAPOSITIVA: escriba el título aquí"',
    }
    assert (
        placeholder_problems(s.source for s in check_deck(SLIDES).deck.slides) == []
    )  # the real deck has none


def test_the_command_prints_what_is_left_to_write(folder: Path, monkeypatch, capsys):
    monkeypatch.chdir(folder.parent)
    assert main(["new-slide", "first-visit", "slides", "--after", "aftercare"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == (
        "created slides/first-visit.yaml, and added `first-visit` to the slide order in"
        " slides/deck.yaml (after `aftercare`)"
    )
    assert out[-1] == (
        "OK: the deck validates. Write the new slide's text in slides/first-visit.yaml, and watch it"
        " with `kiosk preview slides`."
    )
    warnings = out[1:-1]
    assert len(warnings) == 10
    assert sum(PLACEHOLDER_MESSAGE in line for line in warnings) == 10
    assert all(line.startswith("slides/first-visit.yaml:") and ": warning: " in line for line in warnings)
    assert main(["validate", "slides"]) == 0


def test_after_places_it_and_the_default_is_the_end(folder: Path):
    before = list(check_deck(folder).deck.slides)
    new_slide(folder, "first-visit", after="what-is-it")
    new_slide(folder, "questions")
    ids = [s.id for s in check_deck(folder).deck.slides]
    assert ids == [before[0].id, "first-visit", *(s.id for s in before[1:]), "questions"]


def test_deck_yaml_keeps_its_comments_and_layout(folder: Path):
    original = (folder / "deck.yaml").read_text(encoding="utf-8").splitlines(keepends=True)
    new_slide(folder, "first-visit", after="what-is-it")
    changed = (folder / "deck.yaml").read_text(encoding="utf-8").splitlines(keepends=True)
    at = original.index("  - what-is-it        # each id names a file slides/<id>.yaml, in play order\n")
    assert changed == original[: at + 1] + ["  - first-visit\n"] + original[at + 1 :]


@pytest.mark.parametrize(
    ("text", "after", "expected"),
    [
        (
            "title: T\nlanguages: [en]\nslides: [a, b]  # order\n",
            "a",
            "title: T\nlanguages: [en]\nslides: [a, new, b]  # order\n",
        ),
        (
            "title: T\nlanguages: [en]\nslides: [a, b]  # order\n",
            None,
            "title: T\nlanguages: [en]\nslides: [a, b, new]  # order\n",
        ),
        (
            "title: T\nlanguages: [en]\nslides: [\"a\", 'b']\n",
            "a",
            "title: T\nlanguages: [en]\nslides: [\"a\", new, 'b']\n",
        ),
        (
            "title: T\nlanguages: [en]\nslides:\n  [a,\n   b]\n",
            None,
            "title: T\nlanguages: [en]\nslides:\n  [a,\n   b, new]\n",
        ),
        (
            "slides:\n- a\n- b\ntitle: T\nlanguages: [en]\n",
            None,
            "slides:\n- a\n- b\n- new\ntitle: T\nlanguages: [en]\n",
        ),
        (
            "slides:\r\n    -   a\r\n    -   b\r\ntitle: T\r\n",
            "a",
            "slides:\r\n    -   a\r\n    -   new\r\n    -   b\r\ntitle: T\r\n",
        ),
        ("slides:\n  - a\n  - b", None, "slides:\n  - a\n  - b\n  - new"),  # no newline at the end
    ],
)
def test_insert_slide_id_edits_the_text_only_where_it_must(text: str, after: str | None, expected: str):
    assert insert_slide_id(text, "new", after) == expected


def test_a_one_language_deck_gets_plain_texts_and_other_languages_a_marker():
    one = template("intro", ("en",), TODAY)
    assert 'title: "NEW SLIDE: write the title here"' in one and "  en:" not in one
    three = template("intro", ("en", "es", "fr"), TODAY)
    assert '  fr: "[fr] NEW SLIDE: write the title here"' in three
    assert "        - [fr] NEW DETAIL: a line that starts with a dash is a bullet point." in three


@pytest.mark.parametrize("languages", [["en"], ["fr"], ["en", "es", "fr"]])
def test_the_template_validates_in_any_languages(tmp_path: Path, languages: list[str]):
    deck = tmp_path / "deck"
    deck.mkdir()
    title = "Test" if len(languages) == 1 else "{" + ", ".join(f"{code}: Test" for code in languages) + "}"
    (deck / "deck.yaml").write_text(
        f"title: {title}\nlanguages: [{', '.join(languages)}]\nslides:\n  - intro\n", encoding="utf-8"
    )
    (deck / "intro.yaml").write_text(
        "id: intro\ntitle: Hello\nsummary: Hello there.\nreviewed_by: Dr. Ana\n"
        if len(languages) == 1
        else "",
        encoding="utf-8",
    )
    if len(languages) > 1:
        (deck / "intro.yaml").write_text(
            template("intro", tuple(languages), TODAY).replace(
                "reviewed_by: pending", "reviewed_by: Dr. Ana"
            ),
            encoding="utf-8",
        )
    new_slide(deck, "second", today=TODAY)
    report = check_deck(deck, today=TODAY)
    assert report.errors == ()
    assert [s.id for s in report.deck.slides] == ["intro", "second"]
    assert all("waiting for clinical review" in p.message and "second" in p.message for p in report.warnings)


def test_an_existing_id_is_refused_and_nothing_changes(folder: Path, monkeypatch, capsys):
    before = snapshot(folder)
    monkeypatch.chdir(folder.parent)
    assert main(["new-slide", "aftercare", "slides"]) == 2
    assert (
        capsys.readouterr().err
        == "kiosk: aftercare.yaml already exists in slides; choose another id (or edit that file)\n"
    )
    (folder / "stray.yaml").unlink(missing_ok=True)
    (folder / "deck.yaml").write_text(
        (folder / "deck.yaml").read_text(encoding="utf-8") + "  - planned\n", encoding="utf-8"
    )
    listed = snapshot(folder)
    assert main(["new-slide", "planned", "slides"]) == 2
    assert (
        capsys.readouterr().err
        == "kiosk: `planned` is already in the `slides` list of deck.yaml; choose another id\n"
    )
    assert snapshot(folder) == listed
    (folder / "deck.yaml").write_bytes(before["deck.yaml"])
    assert snapshot(folder) == before


@pytest.mark.parametrize(
    ("slide_id", "message"),
    [
        (
            "First Visit",
            "kiosk: `First Visit` is not a valid slide id; use lowercase letters, digits and dashes (48"
            " characters at most), like `first-visit`\n",
        ),
        (
            "after_care",
            "kiosk: `after_care` is not a valid slide id; use lowercase letters, digits and dashes (48"
            " characters at most), like `after-care`\n",
        ),
        (
            "x--y-",
            "kiosk: `x--y-` is not a valid slide id; use lowercase letters, digits and dashes (48"
            " characters at most), like `x-y`\n",
        ),
        (
            "¿?",
            "kiosk: `¿?` is not a valid slide id; use lowercase letters, digits and dashes (48 characters"
            " at most), like `first-visit`\n",
        ),
        (
            "a" * 49,
            f"kiosk: `{'a' * 49}` is not a valid slide id; use lowercase letters, digits and dashes (48"
            f" characters at most), like `{'a' * 48}`\n",
        ),
        (
            "deck",
            "kiosk: `deck` cannot be a slide id: the file deck.yaml would be deck.yaml; choose another id\n",
        ),
    ],
)
def test_a_bad_id_is_explained(folder: Path, slide_id: str, message: str, capsys):
    before = snapshot(folder)
    assert main(["new-slide", slide_id, str(folder)]) == 2
    assert capsys.readouterr().err == message
    assert snapshot(folder) == before


def test_an_unknown_after_gets_a_suggestion(folder: Path, capsys):
    before = snapshot(folder)
    assert main(["new-slide", "first-visit", str(folder), "--after", "afercare"]) == 2
    assert capsys.readouterr().err == (
        "kiosk: there is no slide `afercare` in the `slides` list of deck.yaml; did you mean `aftercare`?\n"
    )
    assert snapshot(folder) == before


def test_a_broken_deck_yaml_is_not_touched(folder: Path, capsys):
    deck_yaml = folder / "deck.yaml"
    deck_yaml.write_text(
        deck_yaml.read_text(encoding="utf-8").replace("  - how-it-works", "\t- how-it-works"),
        encoding="utf-8",
    )
    before = snapshot(folder)
    assert main(["new-slide", "first-visit", str(folder)]) == 1
    err = capsys.readouterr().err
    assert (
        err.startswith("kiosk: deck.yaml has an error, so it cannot be changed safely: ")
        and "a tab is used" in err
    )
    assert snapshot(folder) == before


def test_a_missing_deck_is_explained(tmp_path: Path, capsys):
    assert main(["new-slide", "first-visit", str(tmp_path / "nowhere")]) == 1
    assert "there is no deck folder at" in capsys.readouterr().err
    with pytest.raises(ScaffoldError, match="there is no deck.yaml"):
        new_slide(tmp_path, "first-visit")


def test_placeholders_in_comments_are_not_warned_about(tmp_path: Path):
    file = tmp_path / "x.yaml"
    file.write_text(
        '# Replace NEW SLIDE text\ntitle: "NEW SLIDE: hello"\nsummary: A new slide about NEW DETAILS\n',
        encoding="utf-8",
    )
    assert [(p.line, p.column) for p in placeholder_problems([file])] == [(2, 9)]


def test_init_copies_the_sample_deck_and_says_what_to_do_next(tmp_path: Path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["init", "clinic"]) == 0
    out = capsys.readouterr().out
    assert "kiosk validate clinic" in out and "kiosk run --deck clinic" in out
    assert snapshot(tmp_path / "clinic") == snapshot(SLIDES)
    assert check_deck(tmp_path / "clinic").errors == ()


def test_init_refuses_a_folder_that_is_not_empty(tmp_path: Path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "clinic").mkdir()
    (tmp_path / "clinic" / "notes.txt").write_text("mine", encoding="utf-8")
    assert main(["init", "clinic"]) == 1
    assert "is not empty" in capsys.readouterr().err
    assert [p.name for p in (tmp_path / "clinic").iterdir()] == ["notes.txt"]


def test_without_a_deck_argument_the_commands_use_slides_here_else_refuse(
    tmp_path: Path, monkeypatch, capsys
):
    monkeypatch.chdir(tmp_path)
    assert main(["validate"]) == 2  # never a false OK on the sample deck installed with the kiosk
    assert "kiosk init slides" in capsys.readouterr().err
    shutil.copytree(SLIDES, tmp_path / "slides")
    (tmp_path / "slides" / "aftercare.yaml").write_text("id: [", encoding="utf-8")
    assert main(["validate"]) == 1  # ./slides was checked
    err = capsys.readouterr().err
    assert "slides/aftercare.yaml:1:" in err
