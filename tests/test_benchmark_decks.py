"""What the benchmarks of issue 16 play: the HTML slideshow for the browser comparison and the big
decks of the scaling table. No timings here (figures belong in benchmarks/)."""

from __future__ import annotations

import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:  # benchmarks/ is not installed; it lives next to tests/
    sys.path.insert(0, str(REPO))

from benchmarks import browser, scaling  # noqa: E402
from benchmarks.common import deck_copy  # noqa: E402
from kiosk.content.loader import check_deck, load_deck  # noqa: E402
from kiosk.core.program import Mode, build_program  # noqa: E402


def test_the_slideshow_has_every_slide_text_picture_and_the_crossfade(tmp_path):
    deck_folder = deck_copy(tmp_path / "deck", min_slide_s=3, max_slide_s=3, transition_s=0.7)
    deck = load_deck(deck_folder)
    shown = browser.write_slideshow(deck_folder, tmp_path / "site")
    page = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    css = (tmp_path / "site" / "style.css").read_text(encoding="utf-8")
    language = deck.default_language
    import html

    assert page.count('<section class="slide') == len(deck.slides) == shown["slides"]
    for slide in deck.slides:
        for text in (slide.title, slide.summary, *(d.title for d in slide.details)):
            assert html.escape(text.get(language)) in page, text.get(language)
        video = getattr(slide, "video", None)
        if video is not None:  # a clip plays in the picture's frame, muted and looping, as in the kiosk
            assert f'<video class="picture" src="videos/{video.path.name}"' in page
            assert (tmp_path / "site" / "videos" / video.path.name).read_bytes() == video.path.read_bytes()
            continue
        image = slide.image_for(language)
        assert image is not None
        copied = next(name for name in shown["pictures"] if name.endswith(image.path.name))
        assert f'src="pictures/{copied}"' in page
        assert (tmp_path / "site" / "pictures" / copied).read_bytes() == image.path.read_bytes()
    # The deck's timing: the kiosk's own slide times (3 s, or a clip's length), and its crossfade
    # length as a CSS transition.
    program = build_program(deck, Mode.TOUCH)
    expected = [round(program.duration_s(n, language) * 1000) for n in range(len(deck.slides))]
    assert 3000 in expected and shown["durations_ms"] == expected
    assert "const durations = [" + ", ".join(map(str, expected)) + "]" in page
    assert re.search(r"\.slide \{[^}]*transition: opacity 0\.7s", css)
    # The font comes from the folder itself: nothing is fetched from the network.
    for name in browser.FONT_FILES.values():
        assert f'url("fonts/{name}")' in css and (tmp_path / "site" / "fonts" / name).is_file()
    assert "http://" not in page + css and "https://" not in page + css


def test_scaling_decks_are_valid_and_their_copies_differ(tmp_path):
    folder = scaling.write_deck(tmp_path / "deck", 12)
    report = check_deck(folder)
    assert report.errors == (), [p.format() for p in report.errors]
    deck = report.deck
    assert deck is not None and len(deck.slides) == 12
    first, copy = deck.slides[0], deck.slides[9]  # the first slide again, in its second round
    assert copy.id == f"{first.id}-2" and copy.title.get("en") == first.title.get("en") + " 2"
    assert copy.summary.get("en") != first.summary.get("en")
    assert sorted(copy.summary.get("en").split()) == sorted(first.summary.get("en").split())
    assert copy.image == first.image  # the pictures are reused
    assert all(getattr(slide, "video", None) is None for slide in deck.slides)  # stills, as deck_copy


def test_the_format_caps_a_deck_so_the_scaling_benchmark_lifts_it_in_its_own_processes(tmp_path):
    # The 100- and 500-slide decks exceed the format's limit (docs/security.md): the benchmark
    # runs the kiosk through `benchmarks.scaling kiosk`, which lifts it there only.
    folder = scaling.write_deck(tmp_path / "deck", 61)
    errors = check_deck(folder).errors
    assert errors and any("60" in p.message for p in errors), [p.format() for p in errors]
