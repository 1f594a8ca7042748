"""The format grown for real guides: six details, ten steps, and a picture and a link per language.

Locations in the expected messages were counted by hand from the YAML written here."""

from __future__ import annotations

from pathlib import Path

from kiosk.content.deck import Image, QrCode
from kiosk.content.loader import DEFAULT_ASSETS, check_deck
from kiosk.content.problems import Severity
from kiosk.content.schema import MAX_DETAILS, MAX_STEPS, json_schemas

ASSETS = DEFAULT_ASSETS
DECK_YAML = "title: {en: Guide, de: Leitfaden}\nlanguages: [en, de]\nslides:\n  - one\n"
ONE_YAML = """\
id: one
title: {en: One, de: Eins}
summary: {en: Short., de: Kurz.}
reviewed_by: Dr. Lee
"""
#  1 id: one / 2 title / 3 summary / 4 reviewed_by; what a test appends starts on line 5.


def make(tmp_path: Path, one: str, deck: str = DECK_YAML) -> Path:
    folder = tmp_path / "deck"
    folder.mkdir(exist_ok=True)
    (folder / "deck.yaml").write_text(deck, encoding="utf-8")
    (folder / "one.yaml").write_text(one, encoding="utf-8")
    return folder


def name(image: Image | None) -> str:
    assert image is not None
    return image.path.name


def url(code: QrCode | None) -> str:
    assert code is not None
    return code.url


def rows(code: QrCode | None) -> tuple[str, ...]:
    assert code is not None
    return code.rows


def lines(folder: Path, problems) -> list[str]:
    return [p.format(relative_to=folder) for p in problems]


def details(count: int) -> str:
    return "details:\n" + "".join(
        f"  - id: d{i}\n    title: {{en: T{i}, de: T{i}}}\n    body: {{en: B., de: B.}}\n"
        for i in range(count)
    )


def steps(count: int) -> str:
    return "details:\n  - id: prep\n    title: {en: Prep, de: Vorbereitung}\n    steps:\n" + "".join(
        f"      - text: {{en: Step {i}., de: Schritt {i}.}}\n" for i in range(count)
    )


# -- more details and steps ------------------------------------------------------------------------


def test_limits_are_six_details_and_ten_steps():
    assert (MAX_DETAILS, MAX_STEPS) == (6, 10)
    slide = json_schemas()["slide"]
    assert slide["properties"]["details"]["maxItems"] == 6
    assert slide["$defs"]["DetailFile"]["properties"]["steps"]["anyOf"][0]["maxItems"] == 10


def test_six_details_load(tmp_path):
    report = check_deck(make(tmp_path, ONE_YAML + details(6)), assets=ASSETS)
    assert report.problems == ()
    assert report.deck is not None
    assert [d.id for d in report.deck.slides[0].details] == [f"d{i}" for i in range(6)]


def test_seven_details_are_refused_at_the_list(tmp_path):
    folder = make(tmp_path, ONE_YAML + details(7))
    assert lines(folder, check_deck(folder, assets=ASSETS).errors) == [
        "one.yaml:6:3: `details` has 7 items; at most 6 are allowed"
    ]


def test_ten_steps_load_in_order(tmp_path):
    report = check_deck(make(tmp_path, ONE_YAML + steps(10)), assets=ASSETS)
    assert report.problems == ()
    assert report.deck is not None
    texts = [step.text.get("de") for step in report.deck.slides[0].details[0].steps]
    assert texts == [f"Schritt {i}." for i in range(10)]


def test_eleven_steps_are_refused_at_the_list(tmp_path):
    folder = make(tmp_path, ONE_YAML + steps(11))
    # 5 details: / 6 - id / 7 title / 8 steps: / 9 the first step's dash, column 7
    assert lines(folder, check_deck(folder, assets=ASSETS).errors) == [
        "one.yaml:9:7: `steps` has 11 items; at most 10 are allowed"
    ]


# -- a picture and a link per language -------------------------------------------------------------

PER_LANGUAGE = """\
image:
  en: illustrations/benefits.svg
  de: illustrations/session.svg
link:
  en: https://example-clinic.com/en/prep
  de: https://example-clinic.com/de/vorbereitung
details:
  - id: prep
    title: {en: Prep, de: Vorbereitung}
    body: {en: Text., de: Text.}
    image: {de: illustrations/aftercare.svg, en: illustrations/ask-us.svg}
    link: {en: https://example-clinic.com/en/a, de: https://example-clinic.com/en/a}
"""


def test_per_language_picture_and_link_resolve_per_language(tmp_path):
    report = check_deck(make(tmp_path, ONE_YAML + PER_LANGUAGE), assets=ASSETS)
    assert report.problems == ()
    assert report.deck is not None
    slide = report.deck.slides[0]
    assert name(slide.image_for("en")) == "benefits.svg"
    assert name(slide.image_for("de")) == "session.svg"
    assert slide.image == slide.image_for("en")  # the default language's, for older readers of `image`
    assert url(slide.link_for("de")) == "https://example-clinic.com/de/vorbereitung"
    assert url(slide.link_for("en")) == "https://example-clinic.com/en/prep"
    assert rows(slide.link_for("de")) != rows(slide.link_for("en"))  # a QR code made per language
    detail = slide.details[0]
    assert name(detail.image_for("de")) == "aftercare.svg"
    assert name(detail.image_for("en")) == "ask-us.svg"
    assert detail.link_for("de") is detail.link_for("en")  # the same page: one QR matrix
    names = {image.path.name for image in slide.all_images()}
    assert names == {"benefits.svg", "session.svg", "aftercare.svg", "ask-us.svg"}


def test_single_values_still_serve_every_language(tmp_path):
    one = ONE_YAML + "image: illustrations/benefits.svg\nlink: https://example-clinic.com/prep\n"
    report = check_deck(make(tmp_path, one), assets=ASSETS)
    assert report.problems == ()
    assert report.deck is not None
    slide = report.deck.slides[0]
    assert slide.image_for("de") == slide.image_for("en") == slide.image
    assert slide.link_for("de") is slide.link


THREE_LANGUAGES = "title: {en: G, de: G, fr: G}\nlanguages: [en, de, fr]\nslides:\n  - one\n"
THREE_ONE = "id: one\ntitle: {en: O, de: O, fr: O}\nsummary: {en: S., de: S., fr: S.}\nreviewed_by: Dr. Lee\n"


def test_missing_language_falls_back_to_the_default_with_a_warning(tmp_path):
    one = THREE_ONE + "image:\n  en: illustrations/benefits.svg\n  de: illustrations/session.svg\n"
    folder = make(tmp_path, one, THREE_LANGUAGES)
    report = check_deck(folder, assets=ASSETS)
    assert report.errors == ()
    assert lines(folder, report.warnings) == [
        "one.yaml:6:3: warning: `image` has no `fr` picture, so the `en` one is shown in fr; add a line"
        " `fr: ...` below `image` (it may repeat the `en` one)"
    ]
    assert report.deck is not None
    assert name(report.deck.slides[0].image_for("fr")) == "benefits.svg"


def test_default_language_follows_default_language_setting(tmp_path):
    deck = THREE_LANGUAGES.replace("slides:", "default_language: de\nslides:")
    one = THREE_ONE + "link:\n  de: https://example-clinic.com/de\n  en: https://example-clinic.com/en\n"
    folder = make(tmp_path, one, deck)
    report = check_deck(folder, assets=ASSETS)
    assert report.errors == ()
    assert report.deck is not None
    slide = report.deck.slides[0]
    assert slide.link_for("fr") is slide.link_for("de")
    assert slide.link is not None and slide.link.url == "https://example-clinic.com/de"


def test_missing_default_language_is_an_error(tmp_path):
    folder = make(tmp_path, ONE_YAML + "image:\n  de: illustrations/session.svg\n")
    # 5 image: / 6   de: ...
    assert lines(folder, check_deck(folder, assets=ASSETS).errors) == [
        "one.yaml:6:3: `image` has no `en` picture; add a line `en: ...` below `image`: `en` is the"
        " default language, shown where a language has no picture of its own"
    ]


def test_unknown_language_key_points_at_the_key_and_suggests(tmp_path):
    one = ONE_YAML + (
        "details:\n  - id: prep\n    title: {en: P, de: P}\n    body: {en: T., de: T.}\n"
        "    link:\n      en: https://example-clinic.com/en\n      dee: https://example-clinic.com/de\n"
    )
    # 5 details / 6 - id / 7 title / 8 body / 9 link: / 10 en / 11 dee at column 7
    folder = make(tmp_path, one)
    report = check_deck(folder, assets=ASSETS)
    assert lines(folder, report.errors) == [
        "one.yaml:11:7: `dee` is not one of the deck's languages (en, de); did you mean `de`?"
    ]
    assert [(w.line, w.column, w.severity) for w in report.warnings] == [(10, 7, Severity.WARNING)]
    assert "no `de` link" in report.warnings[0].message


def test_a_bad_value_for_one_language_is_reported_at_that_line(tmp_path):
    one = ONE_YAML + (
        "image:\n  en: illustrations/benefits.svg\n  de: illustrations/photo.jpg\n"
        "link:\n  en: https://example-clinic.com/en\n  de: example-clinic.com/de\n"
    )
    # 5 image / 6 en / 7 de (col 7 value) / 8 link / 9 en / 10 de
    folder = make(tmp_path, one)
    assert lines(folder, check_deck(folder, assets=ASSETS).errors) == [
        "one.yaml:7:7: `image` (de): an image must be an .svg or a .png file, like illustrations/leg.svg",
        "one.yaml:10:7: `link` (de): `example-clinic.com/de` is not a web address; write it in full,"
        " like https://example-clinic.com/sclerotherapy",
    ]


def test_a_missing_file_for_one_language_names_it(tmp_path):
    folder = make(tmp_path, ONE_YAML + "image:\n  en: illustrations/benefits.svg\n  de: pictures/nope.svg\n")
    errors = lines(folder, check_deck(folder, assets=ASSETS).errors)
    assert len(errors) == 1
    assert errors[0].startswith("one.yaml:7:7: the image `pictures/nope.svg` was not found")


def test_a_path_leaving_the_deck_is_refused_per_language(tmp_path):
    folder = make(tmp_path, ONE_YAML + "image:\n  en: illustrations/benefits.svg\n  de: ../outside.svg\n")
    assert lines(folder, check_deck(folder, assets=ASSETS).errors) == [
        "one.yaml:7:7: `../outside.svg` goes up out of the deck folder (..); put the image inside the deck"
        " folder or assets/ and give its path from there"
    ]


def test_a_list_instead_of_a_mapping_says_what_to_write(tmp_path):
    folder = make(tmp_path, ONE_YAML + "image: [a.svg, b.svg]\n")
    assert lines(folder, check_deck(folder, assets=ASSETS).errors) == [
        "one.yaml:5:8: `image` should be an .svg or .png file, or one per language on its own line"
        " (like `de: illustrations/leg-de.svg` indented below it)"
    ]


def test_the_json_schema_offers_both_forms():
    image = json_schemas()["slide"]["properties"]["image"]
    kinds = [option.get("type") for option in image["anyOf"]]
    assert kinds == ["string", "object", "null"]
    assert image["anyOf"][1]["propertyNames"]["pattern"].startswith("^[a-z]")
