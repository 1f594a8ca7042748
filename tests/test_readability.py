"""Plain language in every language: `kiosk validate` warns, per text and language, when a text
reads harder than the deck's target, with each language's own formula."""

from __future__ import annotations

import datetime
from pathlib import Path

import pygame
import pytest

from kiosk.content.loader import check_deck, load_deck
from kiosk.content.problems import Severity
from kiosk.content.readability import (
    FERNANDEZ_HUERTA,
    FLESCH_KINCAID,
    LIX,
    WIENER_SACHTEXTFORMEL,
    formula_for,
    prose,
    readability_problems,
    score,
    targets,
)
from kiosk.layout.validation import full_report

TODAY = datetime.date(2026, 1, 5)

HARD_EN = (
    "Sclerotherapy necessitates comprehensive consideration of individual contraindications,"
    " physiological circumstances and considerable interdisciplinary documentation beforehand."
)
MEDIUM_EN = (
    "A solution is put into the vein, and the vein closes. Your blood then flows through healthier veins."
)
PLAIN_EN = "The nurse puts a thin tube in the vein. The vein shuts. Blood then takes a new way home."
HARD_ES = (  # Fernández-Huerta about 44: "difficult"
    "La escleroterapia es un tratamiento médico que elimina las várices y las arañas vasculares"
    " mediante la inyección de una solución especial directamente en la vena afectada."
)
PLAIN_ES = "La vena se cierra. La sangre va por otras venas. Con el tiempo, la vena se ve menos."
HARD_DE = (
    "Die Sklerotherapie stellt eine ambulante therapeutische Intervention dar, die durch intravenöse"
    " Verabreichung hochkonzentrierter Verödungsmittel gekennzeichnet ist."
)
HARD_FR = (
    "La sclérothérapie constitue une intervention thérapeutique ambulatoire caractérisée par"
    " l'administration intraveineuse de solutions sclérosantes particulièrement concentrées."
)


def write_deck(folder: Path, texts: dict[str, str], *, extra: str = "") -> Path:
    """A one-slide deck in the given languages whose detail body is `texts`."""
    folder.mkdir(parents=True, exist_ok=True)
    codes = list(texts)
    per = "\n".join(f"  {code}: Title {code}" for code in codes)
    (folder / "deck.yaml").write_text(
        f"title:\n{per}\nlanguages: [{', '.join(codes)}]\n{extra}slides: [one]\n", encoding="utf-8"
    )
    summary = "\n".join(f"  {code}: Short." for code in codes)
    body = "\n".join(f"      {code}: {text}" for code, text in texts.items())
    title = "\n".join(f"      {code}: More" for code in codes)
    (folder / "one.yaml").write_text(
        f"id: one\ntitle:\n{per}\nsummary:\n{summary}\nreviewed_by: Dr Test\ndetails:\n"
        f"  - id: more\n    title:\n{title}\n    body:\n{body}\n",
        encoding="utf-8",
    )
    return folder


def warnings_for(folder: Path):
    report = check_deck(folder, today=TODAY)
    assert report.deck is not None, [p.format() for p in report.errors]
    return readability_problems(report.deck)


def test_a_hard_english_text_warns_at_its_line_and_column_with_its_score(tmp_path):
    folder = write_deck(tmp_path / "d", {"en": HARD_EN, "es": PLAIN_ES})
    [warning] = warnings_for(folder)
    expected = score(HARD_EN, "en")
    assert expected is not None and expected.value > 8
    assert warning.severity is Severity.WARNING
    assert Path(warning.file).name == "one.yaml"
    lines = (folder / "one.yaml").read_text(encoding="utf-8").splitlines()
    assert lines[warning.line - 1][warning.column - 1 :] == HARD_EN  # points at the text itself
    assert "`en`" in warning.message
    assert f"Flesch-Kincaid grade {expected.value:g}" in warning.message
    assert "target: 8 or less" in warning.message
    assert "use shorter sentences and shorter words" in warning.message


def test_plain_text_does_not_warn(tmp_path):
    folder = write_deck(tmp_path / "d", {"en": PLAIN_EN, "es": PLAIN_ES})
    assert warnings_for(folder) == []


def test_spanish_and_german_are_scored_with_their_own_formulas(tmp_path):
    folder = write_deck(tmp_path / "d", {"en": PLAIN_EN, "es": HARD_ES, "de": HARD_DE})
    messages = {p.message.split("`")[1]: p.message for p in warnings_for(folder)}
    assert set(messages) == {"es", "de"}
    assert "Fernández-Huerta" in messages["es"] and "target: 70 or more" in messages["es"]
    assert "Wiener Sachtextformel" in messages["de"] and "target: 8 or less" in messages["de"]
    assert "Flesch-Kincaid" not in messages["es"] + messages["de"]


def test_a_language_without_its_own_formula_uses_lix(tmp_path):
    assert formula_for("fr") is LIX and formula_for("es-MX") is FERNANDEZ_HUERTA
    folder = write_deck(tmp_path / "d", {"en": PLAIN_EN, "fr": HARD_FR})
    [warning] = warnings_for(folder)
    found = score(HARD_FR, "fr")
    assert found is not None and found.formula is LIX
    assert "`fr`" in warning.message and f"LIX {found.value:g}" in warning.message


def test_the_formulas_tell_plain_from_dense_text_in_each_language():
    for language, plain, hard in (
        ("en", PLAIN_EN, HARD_EN),
        ("es", PLAIN_ES, HARD_ES),
        ("fr", PLAIN_ES, HARD_FR),
    ):
        easy, dense = score(plain, language), score(hard, language)
        assert easy is not None and dense is not None
        assert not easy.misses(easy.formula.default_target)
        assert dense.misses(dense.formula.default_target)
    assert score(HARD_DE, "de").formula is WIENER_SACHTEXTFORMEL  # type: ignore[union-attr]


def test_short_texts_like_titles_are_not_scored():
    assert score("Contraindications necessitate comprehensive physiological documentation", "en") is None


def test_a_deck_target_changes_the_outcome(tmp_path):
    folder = write_deck(tmp_path / "d", {"en": PLAIN_EN, "es": HARD_ES})
    assert len(warnings_for(folder)) == 1
    hard = score(HARD_ES, "es")
    assert hard is not None
    lenient = write_deck(
        tmp_path / "lenient",
        {"en": PLAIN_EN, "es": HARD_ES},
        extra=f"reading_level: {{es: {hard.value - 5:g}}}\n",
    )
    assert warnings_for(lenient) == []
    strict = write_deck(
        tmp_path / "strict", {"en": MEDIUM_EN, "es": PLAIN_ES}, extra="reading_level: {en: 2}\n"
    )
    assert warnings_for(write_deck(tmp_path / "default", {"en": MEDIUM_EN, "es": PLAIN_ES})) == []
    [warning] = warnings_for(strict)
    assert "`en`" in warning.message and "target: 2 or less" in warning.message


def test_a_target_for_a_language_the_deck_lacks_is_an_error(tmp_path):
    folder = write_deck(tmp_path / "d", {"en": PLAIN_EN, "es": PLAIN_ES}, extra="reading_level: {fr: 40}\n")
    report = check_deck(folder, today=TODAY)
    assert report.deck is None
    assert any("`fr` is not one of the deck's languages" in p.message for p in report.errors)


def test_list_items_end_sentences():
    assert (
        prose("Before you start:\n\n- walk a lot\n- **rest** well")
        == "Before you start: walk a lot. rest well."
    )


def test_the_example_deck_meets_its_targets_in_english_and_spanish(deck):
    assert targets(deck) == {"en": FLESCH_KINCAID.default_target, "es": FERNANDEZ_HUERTA.default_target}
    assert readability_problems(deck) == []


def test_the_example_deck_is_scored_text_by_text_in_both_languages(deck):
    # Guards the test above: the texts really are long enough to be scored.
    scored = {
        language: [score(slide.summary.get(language), language) for slide in deck.slides]
        for language in deck.languages
    }
    assert sum(found is not None for found in scored["es"]) >= 8
    assert sum(found is not None for found in scored["en"]) >= 8


@pytest.fixture(scope="module")
def fonts():
    from kiosk.render.painter import Fonts

    pygame.display.init()
    pygame.font.init()
    return Fonts()


def test_kiosk_validate_reports_the_readability_warning(tmp_path, fonts):
    folder = write_deck(tmp_path / "d", {"en": PLAIN_EN, "es": HARD_ES})
    report = full_report(folder, fonts=fonts, today=TODAY, fit=False)
    assert report.deck is not None
    assert [p for p in report.warnings if "Fernández-Huerta" in p.message]


def test_the_example_deck_loads_with_no_reading_level(deck):
    assert load_deck(Path(deck.folder)).reading_level == ()
