"""Messages for staff (issue 14, items 8-14): each mistake is named where it starts, in plain words,
with the fix; mistakes that used to lose text silently are caught; the editing commands never
fall back to the deck installed with the kiosk; review reminders do not drown other warnings;
`kiosk set-pin` works from a pipe."""

from __future__ import annotations

import datetime
import io
import logging
import shutil
import warnings
from pathlib import Path

import pytest
from conftest import SLIDES

import kiosk.cli
from kiosk.cli import LOCAL_DECK, default_deck, main
from kiosk.content.loader import check_deck
from kiosk.content.problems import Severity
from kiosk.resources import SAMPLE_DECK_DIR

TODAY = datetime.date(2025, 6, 2)
TITLE_EN = "  en: What is sclerotherapy?"
TITLE_ES = "  es: ¿Qué es la escleroterapia?"


@pytest.fixture
def deck(tmp_path: Path) -> Path:
    folder = tmp_path / "slides"
    shutil.copytree(SLIDES, folder)
    return folder


def edit(folder: Path, old: str, new: str, file: str = "what-is-it.yaml") -> None:
    path = folder / file
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def about(folder: Path, file: str = "what-is-it.yaml") -> list[str]:
    """What the checker says about `file`, as `line:column: [warning: ]message`."""
    report = check_deck(folder, today=TODAY)
    return [p.format().split(f"{file}:", 1)[1] for p in report.problems if p.file.endswith(file)]


# -- 8: quotes, brackets and colons are named where the mistake starts ------------------------------


def test_an_unclosed_quote_is_named_at_the_opening_quote_not_as_indentation_below(deck: Path):
    edit(deck, TITLE_EN, '  en: "What is sclerotherapy?')
    (found,) = about(deck)
    assert found.startswith('4:7: the double quote (") that starts this text is not closed on this line')
    assert found.endswith('add a " at the end of the text, like: en: "What is sclerotherapy?"')
    assert "indent" not in found


def test_an_unclosed_single_quote_is_named_at_its_line(deck: Path):
    edit(deck, TITLE_ES, "  es: '¿Qué es la escleroterapia?")
    edit(deck, "  en: Sclerotherapy treats", "  en: 'Sclerotherapy' treats")
    (found,) = about(deck)
    assert found.startswith("5:7: the single quote (') that starts this text is not closed on this line")


def test_text_after_a_closing_quote_says_so_and_shows_single_quotes(deck: Path):
    edit(deck, TITLE_EN, '  en: "What is" sclerotherapy?')
    assert about(deck) == [
        '4:7: this text starts with a quote ("), so it ends at the next ", but more text follows it'
        " (`sclerotherapy?`); to show quotes inside a text, put the whole text in single quotes,"
        " like: en: '\"What is\" sclerotherapy?'"
    ]


@pytest.mark.parametrize("opening, closing", [("[", "]"), ("{", "}")])
def test_a_text_starting_with_a_bracket_is_told_to_use_quotes(deck: Path, opening: str, closing: str):
    edit(deck, TITLE_EN, f"  en: {opening}New{closing} What is sclerotherapy?")
    assert about(deck) == [
        f"4:7: a text that starts with {opening} is read as a list, and the words after the {closing}"
        f' are not expected; put the whole text in double quotes, like: en: "{opening}New{closing}'
        ' What is sclerotherapy?"'
    ]


def test_a_text_that_is_only_a_bracketed_word_is_told_to_use_quotes(deck: Path):
    edit(deck, TITLE_EN, "  en: [New]")
    assert about(deck) == [
        "4:7: a text that starts with [ is read as a list; put the whole text in double quotes,"
        ' like: en: "[New]"'
    ]


def test_no_space_after_the_colon_is_named_at_that_colon(deck: Path):
    edit(deck, TITLE_EN, "  en:What is sclerotherapy?")
    assert about(deck) == [
        "4:5: there is no space after the colon of `en:`, so YAML does not read `en` as a label; type a"
        " space after the colon: `en: What is sclerotherapy?`"
    ]


def test_no_space_after_the_colon_of_the_last_language_is_named_at_that_colon(deck: Path):
    edit(deck, TITLE_ES, "  es:¿Qué es la escleroterapia?")
    (found,) = about(deck)
    assert found.startswith("5:5: there is no space after the colon of `es:`")


def test_no_space_after_a_colon_that_yaml_joins_to_the_text_above_is_caught(deck: Path):
    # `es:Qué` under `en: What`, with nothing after it to stop YAML: one English text "What es:Qué".
    edit(deck, TITLE_EN + "\n" + TITLE_ES, "  en: What\n  es:Qué")
    edit(deck, "summary:\n", "summary:\n", file="what-is-it.yaml")
    report = check_deck(deck, today=TODAY)
    assert report.deck is None
    (found,) = [p.format().split("what-is-it.yaml:")[1] for p in report.errors]
    assert found.startswith("5:5: there is no space after the colon of `es:`, so YAML does not read")


def test_a_single_text_written_as_code_colon_text_is_caught(deck: Path):
    edit(deck, TITLE_EN + "\n" + TITLE_ES, "  en:What")
    (found,) = about(deck)
    assert found.startswith("4:5: there is no space after the colon of `en:`")


# -- 9: curly quotes ----------------------------------------------------------------------------


@pytest.mark.parametrize("opening, closing", [("\u201c", "\u201d"), ("\u2018", "\u2019")])
def test_curly_quotes_are_named_and_straight_ones_asked_for(deck: Path, opening: str, closing: str):
    edit(deck, TITLE_EN, f"  en: {opening}Before: after{closing}")
    (found,) = about(deck)
    assert found == (
        f"4:7: this text starts with a curly quote ({opening}), which YAML does not treat as a quote, so"
        ' the colon (:) inside it ends the text; type straight double quotes (") around the text'
        ' instead, like: en: "Before: after"'
    )
    assert "put the whole text in double quotes" not in found


# -- 10: yes/no words ---------------------------------------------------------------------------


@pytest.mark.parametrize("word", ["No", "yes", "on", "Off", "true", "FALSE"])
def test_yes_and_no_words_are_explained(deck: Path, word: str):
    edit(deck, TITLE_ES, f"  es: {word}")
    assert about(deck) == [
        f"5:7: `{word}` was read as yes/no, not as words (YAML reads yes, no, on, off, true and false"
        f' that way); put it in double quotes, like: es: "{word}"'
    ]


def test_a_number_where_a_text_belongs_is_explained(deck: Path):
    edit(deck, TITLE_ES, "  es: 10")
    assert about(deck) == [
        '5:7: `10` was read as a number, not as words; put it in double quotes, like: es: "10"'
    ]


# -- 11: text that YAML would lose silently ------------------------------------------------------


def test_a_hash_inside_a_text_is_an_error_not_a_silent_cut(deck: Path):
    edit(deck, TITLE_EN, "  en: Spider veins #1 topic")
    report = check_deck(deck, today=TODAY)
    assert report.deck is None  # the kiosk keeps its last good deck rather than show "Spider veins"
    assert [p.format().split("what-is-it.yaml:")[1] for p in report.errors] == [
        "4:20: the text is cut at ` #`: YAML reads `#1 topic` as a note for people and drops it; put"
        ' the whole text in double quotes, like: en: "Spider veins #1 topic"'
    ]


def test_a_note_after_a_text_is_a_warning_and_a_note_after_a_setting_is_fine(deck: Path):
    edit(deck, TITLE_EN, "  en: What is sclerotherapy?   # the opening question")
    report = check_deck(deck, today=TODAY)
    assert report.deck is not None
    # `reviewed_by: pending   # leave exactly ...` (line 10) is not a text: no message about it.
    (warning,) = [p for p in report.problems if p.file.endswith("what-is-it.yaml")]
    assert (warning.line, warning.column, warning.severity) == (4, 32, Severity.WARNING)
    assert warning.message.startswith("`# the opening question` after this text is read as a note")


def test_bullets_without_a_bar_are_an_error_not_one_merged_line(deck: Path):
    edit(deck, "      en: |\n        Spider veins are tiny", "      en:\n        Spider veins are tiny")
    report = check_deck(deck, today=TODAY)
    assert report.deck is None
    (error,) = [p for p in report.errors if p.file.endswith("what-is-it.yaml")]
    assert (error.line, error.column) == (19, 9)
    assert "line 21 is a bullet point" in error.message and "write `en: |`" in error.message


def test_a_list_of_bullets_where_a_text_belongs_asks_for_a_bar(deck: Path):
    edit(
        deck,
        "      en: |\n        Spider veins are tiny veins that look like a web.\n\n",
        "      en:\n",
    )
    (found,) = about(deck)
    assert found.startswith("19:9: the lines below `en:` start with `- `, so YAML reads them as a list")
    assert "write `en: |`" in found


# -- 12: no deck, no false OK -------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["validate"],
        ["preview", "--export-png", "out.png"],
        ["new-slide", "first-visit"],
        ["handout", "--out", "h.pdf"],
        ["export", "--out", "out"],
    ],
)
def test_editing_commands_refuse_without_a_deck_folder(tmp_path: Path, monkeypatch, capsys, args):
    monkeypatch.chdir(tmp_path)
    before = sorted(p.name for p in SAMPLE_DECK_DIR.iterdir())
    assert main(args) == 2
    out, err = capsys.readouterr()
    assert "OK" not in out
    assert err.startswith("kiosk: which deck? There is no ./slides folder here.")
    assert f"`kiosk {args[0]} " in err and "`kiosk init slides`" in err
    assert sorted(p.name for p in SAMPLE_DECK_DIR.iterdir()) == before  # the installed copy is untouched
    assert list(tmp_path.iterdir()) == []


def test_editing_commands_use_slides_here(deck: Path, monkeypatch, capsys):
    monkeypatch.chdir(deck.parent)
    edit(deck, TITLE_ES, "  es: No")
    assert main(["validate"]) == 1
    assert "slides/what-is-it.yaml:5:7: `No` was read as yes/no" in capsys.readouterr().err


def test_run_plays_slides_here_else_the_sample_and_logs_which(tmp_path: Path, monkeypatch, caplog):
    monkeypatch.chdir(tmp_path)
    with caplog.at_level(logging.INFO, logger="kiosk"):
        assert default_deck() == SAMPLE_DECK_DIR
    assert "no ./slides here: playing the bundled sample deck" in caplog.text
    caplog.clear()
    shutil.copytree(SLIDES, tmp_path / "slides")
    with caplog.at_level(logging.INFO, logger="kiosk"):
        assert default_deck() == LOCAL_DECK
    assert "playing the deck in ./slides" in caplog.text


def test_run_without_a_deck_does_not_refuse(tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    played: list[Path] = []
    monkeypatch.setattr(kiosk.cli, "run", lambda args: played.append(args.deck) or 0)
    assert main(["run"]) == 0
    assert played == [SAMPLE_DECK_DIR]


# -- 13: one line for the pending reviews, overdue ones first -----------------------------------


def test_pending_reviews_are_one_line_and_overdue_ones_come_first(deck: Path):
    edit(deck, "review_due: 2027-", "review_due: 2025-05-01\n# was: 2027-", file="benefits.yaml")
    report = check_deck(deck, today=TODAY)
    assert report.errors == ()
    shown = [p.format(relative_to=deck) for p in report.warnings]
    assert len(shown) == 2
    assert shown[0].startswith("benefits.yaml:11:13: warning: the review date 2025-05-01 has passed")
    assert shown[1] == (
        "deck.yaml:12:1: warning: 9 slides are waiting for clinical review: what-is-it, how-it-works,"
        " who-and-where, benefits, the-session, aftercare, side-effects, right-for-you, ask-us; when a"
        " clinician has checked a slide, they replace `pending` with their name in its `reviewed_by`"
    )


def test_no_review_line_when_every_slide_is_signed(deck: Path):
    for path in deck.glob("*.yaml"):
        if path.name != "deck.yaml":
            edit(deck, "reviewed_by: pending", "reviewed_by: Dr. Ana Torres", file=path.name)
    assert check_deck(deck, today=TODAY).problems == ()


# -- 14: set-pin from a pipe ---------------------------------------------------------------------


def test_set_pin_reads_a_pipe_without_a_getpass_warning(monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO("4321\n"))  # not a terminal
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a GetPassWarning would fail the test
        assert main(["set-pin"]) == 0
    out, err = capsys.readouterr()
    assert out.splitlines()[-1].startswith("admin_pin_hash: pbkdf2_sha256$")
    assert err == ""


def test_set_pin_asks_twice_on_a_terminal(monkeypatch, capsys):
    terminal = io.StringIO("")
    terminal.isatty = lambda: True  # type: ignore[method-assign]
    monkeypatch.setattr("sys.stdin", terminal)
    asked: list[str] = []
    monkeypatch.setattr("getpass.getpass", lambda prompt: asked.append(prompt) or "4321")
    assert main(["set-pin"]) == 0
    assert asked == ["New admin PIN (4-8 digits): ", "Again: "]
    assert capsys.readouterr().out.splitlines()[-1].startswith("admin_pin_hash: ")


def test_a_file_that_is_one_text_with_a_bullet_line_is_one_located_problem(deck: Path):
    """Found by the fuzzer: a whole file that YAML reads as one text (`~` then `- `) crashed the
    bullet-without-`|` check, which looked for the key the text belongs to."""
    (deck / "what-is-it.yaml").write_text("~\n- ", encoding="utf-8")
    assert about(deck) == [
        "1:1: the file holds a single value; it should hold keys like `title:` at the start of each line"
    ]
