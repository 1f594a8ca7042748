"""The one validation pipeline: `kiosk validate`, the preview, `kiosk new-slide` and the hot
reload report the same problems, because they all come from `full_report`."""

from __future__ import annotations

import datetime
import shutil
from pathlib import Path

import pygame
import pytest
from conftest import SLIDES

from kiosk.cli import main
from kiosk.content.placeholders import PLACEHOLDER_MESSAGE
from kiosk.layout.validation import full_report
from kiosk.render.painter import Fonts
from kiosk.runtime.reload import Reloader, content_loader
from kiosk.tools.preview import Preview, Session
from kiosk.tools.preview.bindings import BINDINGS, help_rows

TODAY = datetime.date(2026, 1, 5)
GLYPHS = "these characters are not in the kiosk's font"
NOT_FIT = "runs off the screen"


@pytest.fixture(scope="module")
def fonts() -> Fonts:
    pygame.display.init()
    pygame.font.init()
    return Fonts()


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A deck with one of each kind of warning the pipeline adds: placeholder text (a new slide),
    letters the font lacks (Cyrillic), and a detail too long to fit."""
    deck = tmp_path / "slides"
    shutil.copytree(SLIDES, deck)
    assert main(["new-slide", "first-visit", str(deck)]) == 0
    benefits = deck / "benefits.yaml"
    text = benefits.read_text(encoding="utf-8")
    benefits.write_text(text.replace("summary:\n  en: ", "summary:\n  en: Привет. ", 1), encoding="utf-8")
    session = deck / "the-session.yaml"
    words = " ".join(["Your clinician explains every step before it happens, so nothing surprises you."] * 12)
    text = session.read_text(encoding="utf-8")
    session.write_text(
        text.replace("    body:\n      en: |\n", f"    body:\n      en: |\n        {words}\n\n", 1)
    )
    return deck


def kinds(problems) -> set[str]:
    found = set()
    for problem in problems:
        for kind in (GLYPHS, NOT_FIT, PLACEHOLDER_MESSAGE):
            if kind in problem.message:
                found.add(kind)
    return found


def test_the_full_report_has_placeholder_glyph_and_fit_warnings(
    folder: Path, fonts: Fonts, tmp_path: Path, monkeypatch
):
    # The real layout adapts (it shrinks, scrolls or pages), so a text that breaks it is made here
    # with a stand-in arrange that puts one summary below the screen; a private fit cache keeps
    # that stand-in's answers out of the session's shared one.
    from test_fit_cache import MARK, stand_in_arrange

    from kiosk.layout import screen

    monkeypatch.setenv("KIOSK_CACHE_DIR", str(tmp_path / "fit-cache"))
    monkeypatch.setattr(screen, "arrange", stand_in_arrange)
    session = folder / "the-session.yaml"
    text = session.read_text(encoding="utf-8")
    session.write_text(text.replace("summary:\n  en: ", f"summary:\n  en: {MARK}", 1), encoding="utf-8")
    report = full_report(folder, fonts=fonts, today=TODAY)
    assert report.errors == () and report.deck is not None
    assert kinds(report.warnings) == {GLYPHS, NOT_FIT, PLACEHOLDER_MESSAGE}
    glyphs = [p for p in report.warnings if GLYPHS in p.message]
    assert [Path(p.file).name for p in glyphs] == ["benefits.yaml"] and "П" in glyphs[0].message


def test_validate_prints_exactly_the_full_report(folder: Path, fonts: Fonts, monkeypatch, capsys):
    import kiosk.layout.validation

    real = kiosk.layout.validation.check_deck
    monkeypatch.setattr(
        kiosk.layout.validation,
        "check_deck",
        lambda f, *, assets, today=None: real(f, assets=assets, today=today or TODAY),
    )
    capsys.readouterr()
    assert main(["validate", str(folder)]) == 0
    printed = capsys.readouterr().out.splitlines()[:-1]  # the last line is the "OK: ..." summary
    report = full_report(folder, fonts=fonts, today=TODAY)
    assert printed == [p.format(relative_to=Path.cwd()) for p in report.problems]


def test_the_preview_lists_the_same_warnings_glyphs_included(folder: Path, fonts: Fonts):
    shown = Preview(folder, pygame.Surface((1280, 800)), fonts=fonts, today=TODAY)
    assert shown.session.warnings == full_report(folder, fonts=fonts, today=TODAY).warnings
    shown.session.select("benefits")
    shown.draw()
    assert any("not in the kiosk's font" in line for line in shown.panel_text["warnings"])


def test_the_reload_skips_only_the_fit_check(folder: Path, fonts: Fonts):
    full = full_report(folder, fonts=fonts, today=TODAY)
    quick = content_loader(fonts=fonts)(folder)
    assert kinds(quick.warnings) == {GLYPHS, PLACEHOLDER_MESSAGE}
    assert quick.warnings == tuple(p for p in full.warnings if NOT_FIT not in p.message)
    reloader = Reloader(folder, content_loader(fonts=fonts), executor=None, quiet_s=0.0, poll_s=0.0)
    reloader.force()
    report = reloader.poll(1.0)
    assert report is not None and reloader.warnings == quick.warnings


def test_one_table_gives_the_help_and_the_keys(folder: Path, fonts: Fonts):
    shown = Preview(folder, pygame.Surface((1280, 800)), fonts=fonts, today=TODAY)
    assert help_rows() == [(b.label, b.what) for b in BINDINGS]
    shown.session.toggle_help()
    shown.draw()
    listed = " ".join(shown.panel_text["help"])
    for binding in BINDINGS:
        assert binding.label in listed
    session: Session = shown.session
    before = session.position
    for code, _ in BINDINGS[0].keys:  # every key named for "next screen" moves on by one
        position = session.position
        assert shown.key(code) and session.position == (position + 1) % len(session.screens)
    assert session.position != before
    assert shown.key(pygame.K_ESCAPE) and not session.running
    assert not shown.key(pygame.K_q)
