"""docs/editing.md stays true: every example in it is run against a copy of the real deck, and the
validator must print exactly the lines the guide shows.

How examples are marked in the guide (the markers are HTML comments, invisible to readers):

    <!-- example: file=what-is-it.yaml -->      then a ```yaml block, then (optionally) a ```text block

The yaml block replaces part of `slides/<file>`: the lines from the first line of the file equal to
the block's first line, down to the first line after it equal to the block's last line. When the
first (or last) line of the block is itself the changed one, the marker names the original line:
`from="image: illustrations/what-is-it.svg"` (and `to="..."`; a one-line block replaces just `from`).
With `append`, the block is added at the end of the file instead.

`kiosk validate slides` then runs in a folder holding that copy. The text block must equal, line for
line, what it prints about that file. The line naming the slides "waiting for clinical review"
(in deck.yaml) is left out of the comparison (it stands until a clinician signs every slide off),
unless the marker says `strict`. An example with no text block must produce no error and no
warning for the file.
The deck is checked as on 2 June 2025, the "today" of the guide's examples about review dates.

    <!-- command -->                          then a ```sh block with one `kiosk ...` line, then ```text

runs the command in a fresh copy of the deck and compares everything it prints.

Screenshots: `KIOSK_UPDATE_SCREENSHOTS=1 python -m pytest tests/test_editing_guide.py` draws the
docs/screenshots/editing-*.png pictures again from the real deck.
"""

from __future__ import annotations

import contextlib
import datetime
import io
import os
import re
import shlex
import shutil
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import pytest
from conftest import REPO, SLIDES

from kiosk.cli import main
from kiosk.content.loader import check_deck
from kiosk.tools.preview.bindings import help_rows

GUIDE = REPO / "docs" / "editing.md"
SCREENSHOTS = REPO / "docs" / "screenshots"
PENDING = "waiting for clinical review"
UPDATE = os.environ.get("KIOSK_UPDATE_SCREENSHOTS") == "1"
TODAY = datetime.date(2025, 6, 2)  # the guide's examples say "today" is 2 June 2025

_MARKER = re.compile(r"<!--\s*(example|command)\b(.*?)-->", re.S)
_FENCE = re.compile(r"^```([\w-]*)\n(.*?)^```\s*$", re.S | re.M)
_ATTRIBUTE = re.compile(r'(\w+)(?:=(?:"((?:[^"\\]|\\.)*)"|(\S+)))?')


@dataclass(frozen=True)
class Example:
    kind: str  # "example" or "command"
    attributes: dict[str, str]
    code: str  # the yaml snippet, or the command line
    expected: list[str] | None  # the text block's lines
    line: int  # where the marker is in the guide

    @property
    def name(self) -> str:
        return f"editing.md:{self.line}"


def examples(text: str) -> list[Example]:
    found = []
    markers = list(_MARKER.finditer(text))
    for index, marker in enumerate(markers):
        end = markers[index + 1].start() if index + 1 < len(markers) else len(text)
        section = text[marker.end() : end]
        heading = re.search(r"^#", section, re.M)
        section = section[: heading.start()] if heading else section
        fences = list(_FENCE.finditer(section))
        assert fences, (
            f"the marker at editing.md:{text[: marker.start()].count(chr(10)) + 1} has no code block after it"
        )
        raw = marker.group(2).strip().removeprefix(":")
        attributes = {
            m.group(1): (m.group(2) if m.group(2) is not None else m.group(3) or "").replace('\\"', '"')
            for m in _ATTRIBUTE.finditer(raw)
        }
        expected = (
            fences[1].group(2).splitlines() if len(fences) > 1 and fences[1].group(1) == "text" else None
        )
        found.append(
            Example(
                marker.group(1),
                attributes,
                fences[0].group(2),
                expected,
                text[: marker.start()].count("\n") + 1,
            )
        )
    return found


GUIDE_TEXT = GUIDE.read_text(encoding="utf-8")
EXAMPLES = examples(GUIDE_TEXT)


def apply(original: str, example: Example) -> str:
    """The file with the example's snippet in place of the lines it stands for (or added at the end)."""
    if "append" in example.attributes:
        return original.rstrip("\n") + "\n" + example.code
    lines = original.split("\n")
    snippet = example.code.rstrip("\n").split("\n")
    first = example.attributes.get("from", snippet[0])
    last = example.attributes.get(
        "to", first if len(snippet) == 1 and "from" in example.attributes else snippet[-1]
    )
    assert first in lines, (
        f"{example.name}: the line {first!r} is not in {example.attributes['file']}; the guide is out of date"
    )
    start = lines.index(first)
    assert last in lines[start:], (
        f"{example.name}: the line {last!r} does not follow {first!r} in {example.attributes['file']}"
    )
    stop = lines.index(last, start)
    return "\n".join(lines[:start] + snippet + lines[stop + 1 :])


def run_kiosk(args: list[str], where: Path) -> tuple[int, list[str]]:
    """Run `kiosk ARGS` in `where`, as staff would in a terminal: stdout and stderr in one stream."""
    out = io.StringIO()
    cwd = Path.cwd()
    os.chdir(where)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
            code = main(args)
    finally:
        os.chdir(cwd)
    return code, out.getvalue().splitlines()


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch) -> Path:
    """A copy of the real deck, checked as on the guide's "today" (its review dates are relative to it)."""
    shutil.copytree(SLIDES, tmp_path / "slides")
    import kiosk.cli
    import kiosk.layout.validation

    # Every command checks through kiosk.layout.validation (the one pipeline) or kiosk.cli.
    monkeypatch.setattr(kiosk.cli, "check_deck", partial(check_deck, today=TODAY))
    monkeypatch.setattr(
        kiosk.layout.validation,
        "check_deck",
        lambda folder, *, assets, today=None: check_deck(folder, assets=assets, today=today or TODAY),
    )
    return tmp_path


def test_the_guide_has_examples_of_each_common_mistake():
    kinds = {example.attributes.get("mistake") for example in EXAMPLES if example.kind == "example"}
    assert {"indentation", "colon", "quotes", "tab", "typo", "translation"} <= kinds
    # the mistakes that once got a misleading message, or none while text was lost (issue 14)
    assert {"brackets", "yes-no", "hash", "bullets"} <= kinds
    assert any(example.kind == "command" and "new-slide" in example.code for example in EXAMPLES)


@pytest.mark.parametrize(
    "example",
    [e for e in EXAMPLES if e.kind == "example"],
    ids=lambda e: e.name + (f"-{e.attributes.get('mistake')}" if e.attributes.get("mistake") else ""),
)
def test_each_example_gives_exactly_the_messages_the_guide_shows(example: Example, workspace: Path):
    file = workspace / "slides" / example.attributes["file"]
    file.write_text(apply(file.read_text(encoding="utf-8"), example), encoding="utf-8")
    code, output = run_kiosk(["validate", "slides"], workspace)
    about = [line for line in output if line.startswith(f"slides/{example.attributes['file']}:")]
    if "strict" not in example.attributes:
        about = [line for line in about if PENDING not in line]
    assert about == (example.expected or []), (
        f"{example.name}: `kiosk validate` says something else now; update the guide"
    )
    errors = [line for line in about if ": warning: " not in line]
    assert code == (1 if errors else 0)
    if errors:
        assert output[-1].startswith(
            f"{len([o for o in output if o.startswith('slides/') and ': warning: ' not in o])} error(s), "
        )


@pytest.mark.parametrize("example", [e for e in EXAMPLES if e.kind == "command"], ids=lambda e: e.name)
def test_each_command_prints_what_the_guide_shows(example: Example, workspace: Path):
    words = shlex.split(example.code.strip())
    assert words[0] == "kiosk"
    code, output = run_kiosk(words[1:], workspace)
    assert output == example.expected, (
        f"{example.name}: `{example.code.strip()}` prints something else now; update the guide"
    )
    assert code == 0
    assert run_kiosk(["validate", "slides"], workspace)[0] == 0


def test_the_preview_keys_in_the_guide_are_the_real_ones():
    for key, _ in help_rows():
        for name in key.split(" / "):
            assert f"**{name}**" in GUIDE_TEXT, f"the key {name} is not in the guide's list of preview keys"


def test_screenshots_exist_and_are_small():
    names = re.findall(r"\]\((screenshots/editing-[\w-]+\.png)\)", GUIDE_TEXT)
    assert len(names) >= 4
    if UPDATE:
        draw_screenshots()
    for name in names:
        path = REPO / "docs" / name
        assert path.is_file(), (
            f"{name} is missing: run KIOSK_UPDATE_SCREENSHOTS=1 python -m pytest tests/test_editing_guide.py"
        )
        assert path.stat().st_size < 300 * 1024, f"{name} is larger than 300 KB"


def draw_screenshots() -> None:
    """The guide's pictures, drawn by the preview from a copy of the real deck."""
    import tempfile

    import pygame

    from kiosk.tools.preview import Preview
    from kiosk.tools.scaffold import new_slide

    pygame.display.init()
    pygame.font.init()
    if pygame.display.get_surface() is None:
        pygame.display.set_mode((1, 1))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "slides"
        shutil.copytree(SLIDES, folder)
        now = [0.0]
        preview = Preview(folder, pygame.Surface((1280, 800)), clock=lambda: now[0], size=(1280, 720))
        preview.draw()
        preview.save_png(SCREENSHOTS / "editing-preview.png")
        preview.save_screen_png(SCREENSHOTS / "editing-slide.png")
        preview.session.select("aftercare/walking")
        preview.save_screen_png(SCREENSHOTS / "editing-detail.png")
        preview.session.select("what-is-it")
        preview.key(pygame.K_w)  # the error alone, over the slide it came from
        slide = folder / "what-is-it.yaml"
        slide.write_text(
            slide.read_text(encoding="utf-8").replace(
                "  es: ¿Qué es la escleroterapia?", "   es: ¿Qué es la escleroterapia?"
            ),
            encoding="utf-8",
        )
        for _ in range(20):
            now[0] += 0.1
            preview.tick()
        assert preview.session.errors
        preview.session.message = ""
        preview.draw()
        preview.save_png(SCREENSHOTS / "editing-preview-error.png")

        fresh = Path(tmp) / "new"
        shutil.copytree(SLIDES, fresh)
        new_slide(fresh, "first-visit", after="aftercare")
        preview = Preview(fresh, pygame.Surface((1280, 800)), size=(1280, 720))
        preview.session.select("first-visit")
        preview.draw()
        preview.save_png(SCREENSHOTS / "editing-new-slide.png")
