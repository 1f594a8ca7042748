"""`kiosk handout`: the printable take-home leaflet (PDF).

The text is read back out of the PDF (so it is real, selectable text, not pictures of text), the
page sizes are checked, and a link's QR code is rendered to pixels and decoded, as a phone would.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from conftest import DETAIL_LINK_URL as DETAIL_URL
from conftest import LINK_URL as URL
from conftest import SLIDES

from kiosk.cli import main
from kiosk.content.deck import Bullets, Paragraph
from kiosk.content.labels import BUILT_IN as WORDS
from kiosk.content.loader import load_deck
from kiosk.tools.handout import build_handout

pypdf = pytest.importorskip("pypdf", reason="pypdf (test extra) reads the text of the handout")

MM_PER_PT = 25.4 / 72


def flat(text: str) -> str:
    """Text with every run of whitespace made one space (a long title may wrap over two lines)."""
    return re.sub(r"\s+", " ", text).strip()


def page_texts(pdf) -> list[str]:
    return [page.extract_text() for page in pypdf.PdfReader(pdf).pages]


def titles(deck, language: str) -> list[str]:
    found = []
    for slide in deck.slides:
        found.append(slide.title.get(language))
        found.extend(detail.title.get(language) for detail in slide.details)
    return found


@pytest.fixture(scope="module")
def handouts(tmp_path_factory):
    """The real deck's handout in each language, made once through the command line."""
    folder = tmp_path_factory.mktemp("handouts")
    made = {}
    for language in ("en", "es"):
        out = folder / f"handout-{language}.pdf"
        assert main(["handout", "--out", str(out), "--lang", language]) == 0
        made[language] = out
    return made


# -- the text -------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_handout_holds_every_title_in_its_language_and_none_of_the_other(deck, handouts, language):
    pdf = handouts[language]
    assert pdf.read_bytes().startswith(b"%PDF-")
    text = flat(" ".join(page_texts(pdf)))
    missing = [title for title in titles(deck, language) if flat(title) not in text]
    assert missing == []
    other = "es" if language == "en" else "en"
    own = set(titles(deck, language))
    leaked = [title for title in titles(deck, other) if title not in own and flat(title) in text]
    assert leaked == []
    assert flat(deck.title.get(language)) in text


@pytest.mark.parametrize("language", ["en", "es"])
def test_every_summary_paragraph_bullet_and_step_is_in_the_handout(deck, handouts, language):
    text = flat(" ".join(page_texts(handouts[language])))
    expected = []
    for slide in deck.slides:
        expected.append(slide.summary.get(language))
        for detail in slide.details:
            for block in detail.blocks(language):
                expected.extend([block.text] if isinstance(block, Paragraph) else list(block.items))
                assert isinstance(block, (Paragraph, Bullets))
            expected.extend(step.text.get(language) for step in detail.steps)
    assert [line for line in expected if flat(line) not in text] == []


@pytest.mark.parametrize("language", ["en", "es"])
def test_every_page_has_the_disclaimer_and_its_page_number(deck, handouts, language):
    pages = page_texts(handouts[language])
    disclaimer = flat(deck.disclaimer.get(language))
    for number, text in enumerate(pages, start=1):
        assert disclaimer in flat(text), f"page {number}"
        assert WORDS[language]["page"].format(n=number, total=len(pages)) in flat(text)


def test_the_text_is_set_in_atkinson_hyperlegible_at_a_readable_size(handouts):
    reader = pypdf.PdfReader(handouts["es"])
    fonts = {
        font["/BaseFont"].split("+")[-1]
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
    }
    assert fonts and all(
        name.startswith("/AtkinsonHyperlegible") or name.startswith("AtkinsonHyperlegible") for name in fonts
    ), fonts
    sizes = set()
    for page in reader.pages:
        page.extract_text(
            visitor_operand_before=lambda op, args, cm, tm: (
                sizes.add(round(float(args[1]), 1)) if op == b"Tf" else None
            )
        )
    assert min(sizes) >= 11  # the running header and footer; the body is 13 pt
    assert 13 in sizes


@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_a_heading_never_ends_a_page(deck, tmp_path, paper):
    for language in ("en", "es"):
        out = tmp_path / f"{language}.pdf"
        assert main(["handout", "--out", str(out), "--lang", language, "--paper", paper]) == 0
        headings = {flat(title) for title in titles(deck, language)}
        furniture = {flat(deck.title.get(language)), flat(deck.disclaimer.get(language))}
        for number, text in enumerate(page_texts(out), start=1):
            lines = [flat(line) for line in text.splitlines() if flat(line)]
            body = [
                line for line in lines if line not in furniture and not re.search(r"\d+ (of|de) \d+", line)
            ]
            assert body, f"page {number} is empty"
            assert body[-1] not in headings, (
                f"{paper} {language} page {number} ends with the heading {body[-1]!r}"
            )


# -- paper ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("paper", "size_mm"), [("a4", (210, 297)), ("letter", (215.9, 279.4))])
def test_the_paper_size_is_the_one_asked_for(tmp_path, paper, size_mm):
    out = tmp_path / "handout.pdf"
    assert main(["handout", "--out", str(out), "--paper", paper]) == 0
    reader = pypdf.PdfReader(out)
    assert len(reader.pages) >= 2
    for page in reader.pages:
        width, height = float(page.mediabox.width) * MM_PER_PT, float(page.mediabox.height) * MM_PER_PT
        assert width == pytest.approx(size_mm[0], abs=0.5) and height == pytest.approx(size_mm[1], abs=0.5)


# -- QR codes -------------------------------------------------------------------------------


def render_pages(pdf, dpi: int = 100):
    """Every page as a PIL image: with pdftoppm where it is installed, else with pypdfium2."""
    from PIL import Image

    if shutil.which("pdftoppm"):
        with tempfile.TemporaryDirectory() as folder:
            subprocess.run(
                ["pdftoppm", "-r", str(dpi), "-png", str(pdf), f"{folder}/page"],
                check=True,
                capture_output=True,
            )
            files = sorted(Path(folder).glob("page-*.png"), key=lambda path: int(path.stem.rsplit("-", 1)[1]))
            return [Image.open(path).convert("RGB") for path in files]
    pdfium = pytest.importorskip(
        "pypdfium2",
        reason=(
            "neither pdftoppm (apt-get install poppler-utils) nor pypdfium2 (test extra) is here to render"
            " the PDF"
        ),
    )
    document = pdfium.PdfDocument(str(pdf))
    return [document[index].render(scale=dpi / 72).to_pil().convert("RGB") for index in range(len(document))]


def decode(image) -> list[str]:
    zxingcpp = pytest.importorskip("zxingcpp", reason="zxing-cpp (test extra) decodes the QR codes")
    return sorted(result.text for result in zxingcpp.read_barcodes(image))


@pytest.mark.parametrize("language", ["en", "es"])
def test_a_link_prints_a_qr_code_that_decodes_with_its_caption(linked_deck, tmp_path, language):
    out = tmp_path / "handout.pdf"
    assert (
        main(
            [
                "handout",
                "--deck",
                str(linked_deck),
                "--out",
                str(out),
                "--lang",
                language,
                "--paper",
                "letter",
            ]
        )
        == 0
    )
    texts = page_texts(out)
    found = {number: decode(image) for number, image in enumerate(render_pages(out), start=1)}
    pages_with_codes = {number: urls for number, urls in found.items() if urls}
    assert sorted(url for urls in pages_with_codes.values() for url in urls) == sorted([URL, DETAIL_URL])
    deck = load_deck(linked_deck)
    aftercare = deck.slide("aftercare")
    for number in pages_with_codes:
        text = flat(texts[number - 1])
        assert flat(WORDS[language]["scan"]) in text
        assert (
            flat(aftercare.title.get(language)) in text
            or flat(aftercare.detail("walking").title.get(language)) in text
        )
    # The printed URLs are there for anyone without a phone, and the caption only where a code is.
    whole = flat(" ".join(texts))
    assert URL in whole and DETAIL_URL in whole
    assert whole.count(flat(WORDS[language]["scan"])) == 2


def test_a_qr_code_is_at_least_25_mm_across_with_a_white_quiet_zone(linked_deck, tmp_path):
    zxingcpp = pytest.importorskip("zxingcpp", reason="zxing-cpp (test extra) decodes the QR codes")
    out = tmp_path / "handout.pdf"
    assert main(["handout", "--deck", str(linked_deck), "--out", str(out)]) == 0
    dpi = 150
    symbols = [
        (image, result) for image in render_pages(out, dpi) for result in zxingcpp.read_barcodes(image)
    ]
    assert len(symbols) == 2
    modules = load_deck(linked_deck).slide("aftercare").link.size
    for image, result in symbols:
        corners = [
            result.position.top_left,
            result.position.top_right,
            result.position.bottom_right,
            result.position.bottom_left,
        ]
        side_px = ((corners[1].x - corners[0].x) ** 2 + (corners[1].y - corners[0].y) ** 2) ** 0.5
        assert side_px / dpi * 25.4 >= 24.5, f"{result.text}: {side_px / dpi * 25.4:.1f} mm"
        if result.text != URL:
            continue
        module_px = side_px / modules
        left, top = min(c.x for c in corners), min(c.y for c in corners)
        right, bottom = max(c.x for c in corners), max(c.y for c in corners)
        inner = module_px / 2 + 2  # the corners may sit on module centres; skip anti-aliased edges
        outer = 4 * module_px - 2
        ring = image.convert("L").crop(
            (round(left - outer), round(top - outer), round(right + outer), round(bottom + outer))
        )
        ring.paste(
            255,
            (
                round(outer - inner),
                round(outer - inner),
                round(ring.width - outer + inner),
                round(ring.height - outer + inner),
            ),
        )
        assert ring.getextrema()[0] >= 230, "something is drawn in the quiet zone"


def test_the_qr_code_is_drawn_as_vector_squares_not_a_picture(linked_deck):
    data, _ = build_handout(load_deck(linked_deck), language="en")
    reader = pypdf.PdfReader(io.BytesIO(data))
    assert sum(len(page.images) for page in reader.pages) == 0


def test_a_deck_without_links_prints_no_qr_code(handouts):
    for number, image in enumerate(render_pages(handouts["en"], dpi=80), start=1):
        assert decode(image) == [], f"page {number}"
    assert flat(WORDS["en"]["scan"]) not in flat(" ".join(page_texts(handouts["en"])))


# -- illustrations --------------------------------------------------------------------------


def test_the_illustrations_are_vector_drawings_not_pictures(handouts):
    reader = pypdf.PdfReader(handouts["en"])
    images = [name for page in reader.pages for name in page.images]
    assert images == []  # every SVG, the gradient one too, became PDF paths
    raw = handouts["en"].read_bytes()
    assert b"/ShadingType 2" in raw  # the linear gradient of step 2 (an axial shading)


def test_an_svg_that_fpdf2_cannot_draw_is_rasterised_instead(deck, monkeypatch):
    from kiosk.tools import handout

    original = handout._Handout.image

    def picky(self, name, *args, **kwargs):
        if isinstance(name, str) and name.endswith("step-2-collapse.svg"):
            raise ValueError("unsupported SVG feature")
        return original(self, name, *args, **kwargs)

    monkeypatch.setattr(handout._Handout, "image", picky)
    data, _ = build_handout(deck, language="en")
    reader = pypdf.PdfReader(io.BytesIO(data))
    assert sum(len(page.images) for page in reader.pages) == 1  # that one SVG, as a PNG


# -- the command ----------------------------------------------------------------------------


def test_an_unknown_language_is_refused(tmp_path, capsys):
    assert main(["handout", "--out", str(tmp_path / "h.pdf"), "--lang", "fr"]) == 2
    assert "`fr` is not one of the deck's languages (en, es)" in capsys.readouterr().err
    assert not (tmp_path / "h.pdf").exists()


def test_an_unknown_paper_size_is_a_usage_error(tmp_path):
    with pytest.raises(SystemExit) as exit_:
        main(["handout", "--out", str(tmp_path / "h.pdf"), "--paper", "a3"])
    assert exit_.value.code == 2


def test_the_output_must_be_a_pdf_file(tmp_path, capsys):
    assert main(["handout", "--out", str(tmp_path / "handout.png")]) == 2
    assert "does not end in .pdf" in capsys.readouterr().err
    assert main(["handout", "--out", str(tmp_path)]) == 2


def test_a_deck_with_errors_makes_no_handout(tmp_path, capsys):
    folder = tmp_path / "deck"
    shutil.copytree(SLIDES, folder)
    (folder / "benefits.yaml").write_text("id: benefits\n", encoding="utf-8")
    assert main(["handout", "--deck", str(folder), "--out", str(tmp_path / "h.pdf")]) == 1
    assert "error(s)" in capsys.readouterr().err
    assert not (tmp_path / "h.pdf").exists()


def test_a_deck_without_a_disclaimer_still_has_page_numbers(tmp_path):
    folder = tmp_path / "deck"
    shutil.copytree(SLIDES, folder)
    path = folder / "deck.yaml"
    text = re.sub(r"disclaimer:\n(  .*\n)+", "", path.read_text(encoding="utf-8"))
    assert "\ndisclaimer:" not in text and "consejo" not in text
    path.write_text(text, encoding="utf-8")
    out = tmp_path / "h.pdf"
    assert main(["handout", "--deck", str(folder), "--out", str(out), "--lang", "es"]) == 0
    pages = page_texts(out)
    assert all(f"Página {n} de {len(pages)}" in flat(t) for n, t in enumerate(pages, start=1))
    assert all("consejo médico" not in t for t in pages)
