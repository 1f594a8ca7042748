"""The sclerotherapy deck itself: complete in both languages, plainly written, honestly reviewed."""

from __future__ import annotations

import re

import pytest
from conftest import SLIDES, TODAY

from kiosk.content.deck import Bullets, Paragraph
from kiosk.content.loader import check_deck

VOWEL_GROUPS = re.compile(r"[aeiouy]+")


@pytest.fixture(scope="module")
def deck(production_deck):
    """This file checks the clinic's real slides/, not the frozen fixture deck the render tests use."""
    return production_deck


def syllables(word: str) -> int:
    word = word.lower().strip(".,;:!?()\"'")
    if not word:
        return 0
    count = len(VOWEL_GROUPS.findall(word))
    if word.endswith("e") and not word.endswith(("le", "ee")) and count > 1:
        count -= 1  # a silent final e
    return max(1, count)


def flesch_kincaid_grade(sentences: list[str]) -> float:
    words = [w for s in sentences for w in s.split() if any(c.isalpha() for c in w)]
    syllable_count = sum(syllables(w) for w in words)
    return 0.39 * len(words) / len(sentences) + 11.8 * syllable_count / len(words) - 15.59


def split_sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+", text.strip()) if s]


def english_texts(deck):
    """(where, sentences) for every summary and detail body, bullets counting as sentences."""
    for slide in deck.slides:
        yield f"{slide.id}/summary", split_sentences(slide.summary.get("en"))
        for detail in slide.details:
            sentences: list[str] = []
            for block in detail.blocks("en"):
                if isinstance(block, Paragraph):
                    sentences += split_sentences(block.text)
                elif isinstance(block, Bullets):
                    sentences += list(block.items)
            sentences += [s for step in detail.steps for s in split_sentences(step.text.get("en"))]
            yield f"{slide.id}/{detail.id}", sentences


def test_the_grade_formula_tells_plain_from_dense_text():
    plain = flesch_kincaid_grade(["The vein closes.", "Blood finds a new way."])
    dense = flesch_kincaid_grade(
        [
            "Sclerotherapy necessitates comprehensive consideration of individual contraindications and"
            " physiological circumstances."
        ]
    )
    assert plain < 3 < 12 < dense


def test_english_reads_at_grade_nine_or_below(deck):
    grades = {where: flesch_kincaid_grade(sentences) for where, sentences in english_texts(deck)}
    too_hard = {where: round(grade, 1) for where, grade in grades.items() if grade > 9}
    assert too_hard == {}
    overall = flesch_kincaid_grade([s for _, sentences in english_texts(deck) for s in sentences])
    assert overall <= 8


def test_every_slide_and_detail_is_in_both_languages(deck):
    assert deck.languages == ("en", "es")
    for slide in deck.slides:
        for text in (slide.title, slide.summary):
            assert dict(text.by_language)["en"] != dict(text.by_language)["es"]
        for detail in slide.details:
            assert detail.title.get("en") != detail.title.get("es")
            assert {code for code, blocks in detail.body if blocks} | (
                {"en", "es"} if detail.steps else set()
            ) == {"en", "es"}


def test_the_deck_covers_the_topics_in_order(deck):
    ids = [s.id for s in deck.slides]
    assert ids == [
        "what-is-it",
        "how-it-works",
        "who-and-where",
        "benefits",
        "the-session",
        "aftercare",
        "side-effects",
        "right-for-you",
        "ask-us",
    ]
    assert len(deck.slide("how-it-works").detail("step-by-step").steps) == 4
    assert all(step.image is not None for step in deck.slide("how-it-works").detail("step-by-step").steps)
    assert all(slide.image is not None for slide in deck.slides)


def all_text(deck, language):
    parts = []
    for slide in deck.slides:
        parts += [slide.title.get(language), slide.summary.get(language)]
        for detail in slide.details:
            parts.append(detail.title.get(language))
            for block in detail.blocks(language):
                parts += [block.text] if isinstance(block, Paragraph) else list(block.items)
            parts += [step.text.get(language) for step in detail.steps]
    return " ".join(parts).lower()


@pytest.mark.parametrize(
    "fact",
    [
        "80%",
        "15 to 30 minutes",
        "compression stockings",
        "blood clots",
        "anesthesia",
        "dermatologist",
        "bruis",
        "swelling",
        "night",
        "medical history",
        "not right for everyone",
    ],
)
def test_key_facts_of_the_source_are_on_screen_in_english(deck, fact):
    assert fact in all_text(deck, "en")


@pytest.mark.parametrize(
    "fact",
    [
        "80",
        "15 a 30 minutos",
        "medias de compresión",
        "coágulos",
        "anestesia",
        "dermatólogo",
        "moretones",
        "hinchazón",
        "historial médico",
        "várices",
        "arañas vasculares",
    ],
)
def test_key_facts_are_on_screen_in_spanish(deck, fact):
    assert fact in all_text(deck, "es")


def test_validate_is_clean_but_for_pending_reviews():
    # As on the pinned TODAY: an overdue review_due is a date for the clinic, not a broken build.
    report = check_deck(SLIDES, today=TODAY)
    assert report.errors == ()
    assert report.warnings and all("waiting for clinical review" in p.message for p in report.warnings)
    assert all(slide.review.pending and slide.review.review_due is not None for slide in report.deck.slides)


def test_every_screen_with_medical_information_carries_the_disclaimer(deck):
    assert deck.disclaimer is not None
    assert "not medical advice" in deck.disclaimer.get("en")
    assert "no es consejo médico" in deck.disclaimer.get("es")
