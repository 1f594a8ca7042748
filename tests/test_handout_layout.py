"""The handout's pages: a cover title that breaks well, pages that are not half empty, and the
clinic's contact block in the handout's language when deck.yaml has one."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pypdf
import pytest
from conftest import SLIDES

from kiosk.content.loader import check_deck, load_deck
from kiosk.tools.handout import BOTTOM_MM, MARGIN_MM, PT_MM, build_handout

PAGES_BEFORE = 8  # the example deck's handout in English and Spanish, A4, before pages flowed on

CONTACT = """contact:
  name:
    en: Riverside Vein Clinic
    es: Clínica de Venas Riverside
  phone: +1 555 010 0199
  when_to_call:
    en: Call us if you have questions about your treatment or your aftercare.
    es: Llámenos si tiene preguntas sobre su tratamiento o sus cuidados.
"""


def reader(data: bytes) -> pypdf.PdfReader:
    return pypdf.PdfReader(io.BytesIO(data))


def text_lines(page: pypdf.PageObject) -> list[str]:
    return [line.strip() for line in page.extract_text().splitlines() if line.strip()]


def fill(page: pypdf.PageObject) -> float:
    """How far down the page the content reaches, as a share of the room between the header and
    the footer (from the text positions: every block of the handout has text)."""
    height_pt = float(page.mediabox.height)
    top_pt = height_pt - MARGIN_MM / PT_MM
    bottom_pt = BOTTOM_MM / PT_MM
    lowest = [top_pt]

    def visit(text, cm, tm, font_dict, font_size):
        y = tm[5] * cm[3] + cm[5] if cm[3] else tm[5]
        if text.strip() and bottom_pt < y < top_pt:
            lowest.append(y)

    page.extract_text(visitor_text=visit)
    return (top_pt - min(lowest)) / (top_pt - bottom_pt)


@pytest.fixture(scope="module")
def example_deck():
    return load_deck(SLIDES)


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_the_cover_title_never_ends_a_line_with_its_separator(example_deck, language, paper):
    data, _ = build_handout(example_deck, language=language, paper=paper)
    cover = text_lines(reader(data).pages[0])
    title = example_deck.title.get(language)
    first, _, second = title.partition(" · ")
    assert cover[:2] == [first, second]  # broken at the separator, which is dropped
    assert not any(line.endswith(("·", "-", "–", "—")) for line in cover)


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_example_handout_has_fewer_pages_and_none_half_empty(example_deck, language):
    data, info = build_handout(example_deck, language=language)
    pages = reader(data).pages
    assert info.pages == len(pages) < PAGES_BEFORE
    fills = [round(fill(page), 2) for page in pages]
    assert all(share >= 0.5 for share in fills[:-1]), fills


def test_the_fill_measure_tells_a_full_page_from_a_short_one(example_deck):
    data, _ = build_handout(example_deck)
    fills = [fill(page) for page in reader(data).pages]
    assert max(fills) > 0.8  # a page the text runs down
    assert min(fills) < max(fills)


@pytest.fixture(scope="module")
def contact_deck(tmp_path_factory):
    folder = tmp_path_factory.mktemp("contact") / "slides"
    shutil.copytree(SLIDES, folder)
    deck_file = folder / "deck.yaml"
    deck_file.write_text(
        deck_file.read_text(encoding="utf-8").replace("timing:", CONTACT + "timing:", 1), encoding="utf-8"
    )
    return load_deck(folder)


@pytest.mark.parametrize(
    ("language", "other"),
    [("en", "es"), ("es", "en")],
)
def test_the_contact_block_prints_in_the_handouts_language(contact_deck, language, other):
    data, _ = build_handout(contact_deck, language=language)
    text = "\n".join(page.extract_text() for page in reader(data).pages)
    contact = contact_deck.contact
    assert contact is not None
    assert contact.name.get(language) in text
    assert contact.phone in text
    assert contact.when_to_call is not None
    assert contact.when_to_call.get(language) in " ".join(text.split())
    assert contact.when_to_call.get(other) not in " ".join(text.split())


def test_the_phone_number_is_a_tel_link(contact_deck):
    data, _ = build_handout(contact_deck)
    uris = [
        annotation.get_object()["/A"].get("/URI")
        for page in reader(data).pages
        for annotation in page.get("/Annots", [])
        if "/A" in annotation.get_object()
    ]
    assert "tel:+15550100199" in uris


def test_without_a_contact_block_the_handout_prints_none(example_deck, contact_deck):
    assert example_deck.contact is None
    data, _ = build_handout(example_deck)
    text = "\n".join(page.extract_text() for page in reader(data).pages)
    assert "555" not in text and "Riverside" not in text
    with_contact, _ = build_handout(contact_deck)
    assert len(reader(with_contact).pages) == len(reader(data).pages)  # it fits on the cover


def write_contact(tmp_path: Path, contact: str) -> Path:
    folder = tmp_path / "slides"
    shutil.copytree(SLIDES, folder)
    deck_file = folder / "deck.yaml"
    deck_file.write_text(
        deck_file.read_text(encoding="utf-8").replace("timing:", contact + "timing:", 1), encoding="utf-8"
    )
    return folder


def test_a_contact_text_missing_a_language_is_reported_at_its_line(tmp_path):
    folder = write_contact(tmp_path, CONTACT.replace("    es: Clínica de Venas Riverside\n", ""))
    report = check_deck(folder)
    lines = (folder / "deck.yaml").read_text(encoding="utf-8").splitlines()
    [problem] = [p for p in report.errors if "es" in p.message]
    assert lines[problem.line - 1].strip().startswith("en: Riverside")


def test_a_phone_number_with_letters_is_an_error(tmp_path):
    folder = write_contact(tmp_path, CONTACT.replace("+1 555 010 0199", "call reception"))
    report = check_deck(folder)
    assert report.deck is None
    assert any("phone number" in p.message for p in report.errors)
