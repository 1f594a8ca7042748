"""The kiosk's own words: built-in translations, a deck's overrides, and the warnings and errors
`kiosk validate` gives about them. Locations were counted by hand from the YAML written here."""

from __future__ import annotations

import string
from pathlib import Path

import pytest

from kiosk.content.labels import BUILT_IN, KEYS, NARRATION_LABELS, SPECS, built_in, label, missing
from kiosk.content.loader import DEFAULT_ASSETS, check_deck, load_deck
from kiosk.content.problems import Severity

ONE_YAML = "id: one\ntitle: One\nsummary: Short.\nreviewed_by: Dr. Lee\n"
SHIPPED = ("en", "es", "de", "fr", "pt", "it")


def deck_folder(tmp_path: Path, deck_yaml: str, languages: tuple[str, ...] = ("en",)) -> Path:
    folder = tmp_path / "deck"
    folder.mkdir()
    (folder / "deck.yaml").write_text(deck_yaml, encoding="utf-8")
    if len(languages) == 1:
        one = ONE_YAML
    else:
        title = "".join(f"  {code}: One\n" for code in languages)
        summary = "".join(f"  {code}: Short.\n" for code in languages)
        one = f"id: one\ntitle:\n{title}summary:\n{summary}reviewed_by: Dr. Lee\n"
    (folder / "one.yaml").write_text(one, encoding="utf-8")
    return folder


def report(folder: Path):
    return check_deck(folder, assets=DEFAULT_ASSETS)


def shown(folder: Path, problems) -> list[str]:
    return [p.format(relative_to=folder) for p in problems]


# -- built-in words --------------------------------------------------------------------------------


@pytest.mark.parametrize("language", SHIPPED)
def test_every_shipped_language_has_every_key(language):
    assert set(BUILT_IN[language]) == set(KEYS)
    assert missing(language) == ()
    for key in KEYS:
        text = BUILT_IN[language][key]
        assert text.strip() == text and text, (language, key)
        assert len(text) <= SPECS[key].max_chars, (language, key, len(text))


@pytest.mark.parametrize("language", SHIPPED)
def test_translations_keep_exactly_the_placeholders(language):
    for key in KEYS:
        names = {name for _, name, _, _ in string.Formatter().parse(BUILT_IN[language][key]) if name}
        assert names == set(SPECS[key].placeholders), (language, key)
    assert BUILT_IN[language]["page"].format(n=2, total=3).count("2") == 1


def test_translations_are_not_english_left_in():
    for language in SHIPPED[1:]:
        same = [
            key
            for key in ("hint", "back", "scan", "tagline")
            if BUILT_IN[language][key] == BUILT_IN["en"][key]
        ]
        assert same == [], language


def test_spanish_speaks_to_the_visitor_as_usted():
    # "Toque", "Escanee": the usted imperative; the tú forms would be "Toca", "Escanea".
    assert BUILT_IN["es"]["hint"].startswith("Toque ")
    assert BUILT_IN["es"]["scan"].startswith("Escanee ")


def test_regional_code_uses_its_language_and_unknown_falls_back_to_english():
    assert built_in("back", "pt-BR") == "Voltar"
    assert built_in("back", "nl") is None
    assert label("back", "nl") == "Back"
    assert label("hint", "de") == BUILT_IN["de"]["hint"]
    with pytest.raises(KeyError):
        label("bakc", "en")


# -- a deck's overrides ----------------------------------------------------------------------------

OVERRIDE_YAML = """\
title: {de: Leitfaden, en: Guide}
languages: [de, en]
labels:
  de:
    hint: Thema antippen
    page: "S. {n}/{total}"
slides:
  - one
"""


def test_deck_override_wins_over_built_in_and_the_rest_fall_back(tmp_path):
    folder = deck_folder(tmp_path, OVERRIDE_YAML, ("de", "en"))
    deck = load_deck(folder, assets=DEFAULT_ASSETS)
    assert deck.label("hint", "de") == "Thema antippen"
    assert deck.label("page", "de").format(n=1, total=4) == "S. 1/4"
    assert deck.label("back", "de") == "Zurück"  # built-in German
    assert deck.label("hint", "en") == "Tap a topic to learn more"
    assert deck.label("hint", "nl") == "Tap a topic to learn more"  # no such language: English


def test_override_for_a_language_with_no_built_in_words(tmp_path):
    words = "".join(f"    {key}: nl-{key}\n" for key in KEYS).replace("nl-page", "Pagina {n} van {total}")
    folder = deck_folder(
        tmp_path, f"title: Gids\nlanguages: [nl]\nlabels:\n  nl:\n{words}slides:\n  - one\n", ("nl",)
    )
    result = report(folder)
    assert result.problems == ()
    assert result.deck is not None
    assert result.deck.label("back", "nl") == "nl-back"
    assert result.deck.label("page", "nl").format(n=2, total=5) == "Pagina 2 van 5"


# -- warnings and errors ---------------------------------------------------------------------------


def test_language_without_words_warns_with_location_keys_and_fix(tmp_path):
    deck_yaml = (
        "title: {en: Guide, nl: Gids}\nlanguages:\n  - en\n  - nl\n"
        "labels:\n  nl:\n    hint: Tik op een onderwerp\nslides:\n  - one\n"
    )
    # 1 title / 2 languages: / 3   - en / 4   - nl / 5 labels: / 6   nl: / 7     hint: ...
    folder = deck_folder(tmp_path, deck_yaml, ("en", "nl"))
    result = report(folder)
    assert result.errors == ()
    assert shown(folder, result.warnings) == [
        "deck.yaml:4:5: warning: the kiosk has no `nl` words for back, more, scan, page, tagline, contents,"
        " staff_pin, clear, cancel, so visitors see them in English; add them to deck.yaml, like"
        " `labels: {nl: {back: ..., more: ...}}` (docs/content.md lists what each one says)"
    ]
    assert result.deck is not None and result.deck.label("back", "nl") == "Back"


def test_flow_list_languages_point_at_the_entry(tmp_path):
    folder = deck_folder(
        tmp_path, "title: {en: G, nl: G}\nlanguages: [en, nl]\nslides:\n  - one\n", ("en", "nl")
    )
    warnings = report(folder).warnings
    assert [(w.line, w.column) for w in warnings] == [(2, 17)]
    assert warnings[0].severity is Severity.WARNING
    # every label but the speaker button's (asked for only in a deck with a narration)
    assert all(f" {key}" in warnings[0].message for key in KEYS if key not in NARRATION_LABELS)


def test_unknown_label_key_is_an_error_with_did_you_mean(tmp_path):
    deck_yaml = "title: Guide\nlanguages: [en]\nlabels:\n  en:\n    hnit: Touch a topic\nslides:\n  - one\n"
    folder = deck_folder(tmp_path, deck_yaml)
    assert shown(folder, report(folder).errors) == ["deck.yaml:5:5: unknown key `hnit`: did you mean `hint`?"]


def test_label_for_a_language_the_deck_lacks(tmp_path):
    deck_yaml = (
        "title: {en: G, de: G}\nlanguages: [en, de]\nlabels:\n  dee:\n    hint: Thema antippen\n"
        "slides:\n  - one\n"
    )
    folder = deck_folder(tmp_path, deck_yaml, ("en", "de"))
    assert shown(folder, report(folder).errors) == [
        "deck.yaml:4:3: `dee` is not one of the deck's languages (en, de); did you mean `de`?"
    ]


def test_page_override_must_keep_its_numbers(tmp_path):
    deck_yaml = "title: Guide\nlanguages: [en]\nlabels:\n  en:\n    page: Page {n}\nslides:\n  - one\n"
    folder = deck_folder(tmp_path, deck_yaml)
    assert shown(folder, report(folder).errors) == [
        "deck.yaml:5:11: `page`: keep {total} in the text, where the number goes, like `Page {n} of {total}`"
    ]


def test_braces_in_a_plain_label_are_refused(tmp_path):
    deck_yaml = 'title: Guide\nlanguages: [en]\nlabels:\n  en:\n    back: "{back"\nslides:\n  - one\n'
    folder = deck_folder(tmp_path, deck_yaml)
    assert shown(folder, report(folder).errors) == [
        "deck.yaml:5:11: `back`: this text cannot hold { or }; remove them"
    ]


def test_too_long_label_is_refused(tmp_path):
    deck_yaml = f"title: Guide\nlanguages: [en]\nlabels:\n  en:\n    back: {'x' * 25}\nslides:\n  - one\n"
    folder = deck_folder(tmp_path, deck_yaml)
    assert shown(folder, report(folder).errors) == [
        "deck.yaml:5:11: `back`: the text is 25 characters long; at most 24 fit where it is shown. Shorten it"
    ]


def test_labels_are_in_the_json_schema():
    from kiosk.content.schema import LabelsFile, json_schemas

    assert list(LabelsFile.model_fields) == list(KEYS)
    deck = json_schemas()["deck"]
    assert "labels" in deck["properties"]
    hint = deck["$defs"]["LabelsFile"]["properties"]["hint"]
    assert "Tap a topic to learn more" in hint["description"]
    assert hint["maxLength"] == SPECS["hint"].max_chars


# -- the PIN pad a visitor may open ----------------------------------------------------------------


@pytest.mark.parametrize("language", SHIPPED)
def test_pin_pad_speaks_the_visitors_language_and_words_stay_in_their_keys(tmp_path, language):
    from conftest import fake_measure

    from kiosk.core.admin import AdminState
    from kiosk.layout.items import TextLine
    from kiosk.layout.staff import AdminInfo, arrange_admin

    titles = "".join(f"  {code}: G\n" for code in SHIPPED)
    deck_yaml = f"title:\n{titles}languages: [{', '.join(SHIPPED)}]\nslides:\n  - one\n"
    deck = load_deck(deck_folder(tmp_path, deck_yaml, SHIPPED), assets=DEFAULT_ASSETS)
    for width, height in ((800, 480), (1920, 1080), (480, 800)):
        layout = arrange_admin(
            AdminState("pin"), AdminInfo(), width, height, fake_measure, deck=deck, language=language
        )
        texts = {item.text: item for item in layout.items if isinstance(item, TextLine)}
        for key in ("staff_pin", "clear", "cancel"):
            assert BUILT_IN[language][key] in texts, (language, key)
        for action, key in (("pin:clear", "clear"), ("admin:close", "cancel")):
            box = next(h.box for h in layout.hotspots if str(h.action) == action)
            line = texts[BUILT_IN[language][key]]
            assert box.x <= line.box.x and line.box.x + line.measured_w <= box.x + box.w, (language, key)


# -- the guide -------------------------------------------------------------------------------------


def test_the_format_guide_lists_every_label_and_its_dutch_example_is_complete():
    import re

    import yaml

    guide = (Path(__file__).resolve().parent.parent / "docs" / "content.md").read_text(encoding="utf-8")
    for key in KEYS:
        assert f"| `{key}` |" in guide, key
    blocks = [yaml.safe_load(block) for block in re.findall(r"```yaml\n(.*?)```", guide, re.S)]
    dutch = next(b["labels"]["nl"] for b in blocks if "nl" in (b.get("labels") or {}))
    assert set(dutch) == set(KEYS)
    from kiosk.content.schema import LabelsFile

    LabelsFile.model_validate(dutch)  # every example text passes the checks
    german = next(b["labels"]["de"] for b in blocks if "de" in (b.get("labels") or {}))
    assert LabelsFile.model_validate(german).page == "Seite {n} / {total}"


# -- the handout -----------------------------------------------------------------------------------


def test_handout_prints_the_kiosks_words_in_the_decks_language_with_overrides(tmp_path):
    import io
    import re

    pypdf = pytest.importorskip("pypdf", reason="pypdf (test extra) reads the text of the handout")
    from kiosk.tools.handout import build_handout

    deck_yaml = (
        "title: {de: Leitfaden, en: Guide}\nlanguages: [de, en]\n"
        "labels:\n  de:\n    contents: Themen dieses Hefts\nslides:\n  - one\n"
    )
    folder = deck_folder(tmp_path, deck_yaml, ("de", "en"))
    with (folder / "one.yaml").open("a", encoding="utf-8") as one:
        one.write("link: https://example-clinic.com/de\n")
    deck = load_deck(folder, assets=DEFAULT_ASSETS)
    data, info = build_handout(deck, language="de")
    text = re.sub(r"\s+", " ", " ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(data)).pages))
    assert "Themen dieses Hefts" in text  # the deck's override
    assert BUILT_IN["de"]["tagline"] in text and BUILT_IN["de"]["scan"] in text  # built-in German
    assert f"Seite 1 von {info.pages}" in text
    assert "In this guide" not in text and "Page 1" not in text
