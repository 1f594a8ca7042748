"""Slide files are parsed with libyaml where PyYAML has it, and nothing staff see changes.

kiosk.content.document reads a file with libyaml's parser (about ten times faster) and parses any
file libyaml refuses, or may read more leniently, again with PyYAML's pure-Python parser, whose
messages, lines and columns the loader's advice was written for. These tests hold both halves:
every real file gives the same document (data and every mark) either way, and every refusal and
every limit gives the same message either way.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from kiosk.content import document
from kiosk.content.document import (
    MAX_EXPANDED_NODES,
    MAX_NESTING_DEPTH,
    DocumentError,
    parse,
    read_document,
)
from kiosk.resources import SAMPLE_DECK_DIR

ROOT = Path(__file__).resolve().parent.parent
LIBYAML = getattr(yaml, "CSafeLoader", None) if getattr(yaml, "__with_libyaml__", False) else None
needs_libyaml = pytest.mark.skipif(LIBYAML is None, reason="PyYAML was built without libyaml")

REAL_FILES = sorted(
    {
        *SAMPLE_DECK_DIR.rglob("*.yaml"),
        *(ROOT / "tests" / "fixtures").rglob("*.yaml"),
        *ROOT.glob("deploy/*.yaml"),
    }
)


def outcome(text: str, loader: type | None, monkeypatch: pytest.MonkeyPatch) -> tuple:
    monkeypatch.setattr(document, "FAST_LOADER", loader)
    try:
        doc = parse("f.yaml", text)
    except DocumentError as exc:
        return ("refused", [p.format() for p in exc.problems])
    return ("read", repr(doc.data), doc.value_marks, doc.key_marks, doc.written, doc.doubts)


@needs_libyaml
def test_every_real_file_reads_the_same_with_libyaml(monkeypatch):
    assert len(REAL_FILES) > 40
    read = 0
    for path in REAL_FILES:
        raw = path.read_bytes()
        try:
            text = document.decode(str(path), raw)
        except DocumentError:
            continue
        fast = outcome(text, LIBYAML, monkeypatch)
        assert fast == outcome(text, None, monkeypatch), path
        read += fast[0] == "read"
    assert read > 30


# Texts the loader refuses (its messages were written for PyYAML's wording and marks), texts at
# each limit, and texts libyaml alone would accept.
REFUSED = {
    "open quote": 'id: one\ntitle:\n  en: "What is it\n  es: Qué es\nsummary: x\n',
    "colon in text": "id: one\ntitle: Before: after\n",
    "curly quote": "id: one\ntitle:\n  en: \u201cWhat: it is\u201d\n",
    "no space after colon": "id: one\ntitle:\n  en:What is it\n  es: Qué\n",
    "bad indentation": "id: one\ntitle:\n  en: A\n   es: B\n",
    "unclosed bracket": "id: one\nlist: [a, b\nnext: c\n",
    "two documents": "id: one\n---\nid: two\n",
    "undefined alias": "id: *nothing\n",
    "control character": "id: one\ntitle: a\x07b\n",
    "duplicate key": "id: one\nid: two\n",
    "merge key": "base: &b {a: 1}\nother:\n  <<: *b\n",
    "python tag": "id: !!python/object:os.system ls\n",
    "huge number": "n: " + "9" * 40 + "\n",
    "bad date": "due: 2027-02-30\n",
    "empty": "# only a note\n",
    "tab after a key (libyaml accepts it)": "id:\tone\ntitle: x\n",
    "tab in a list (libyaml accepts it)": "list: [a,\tb]\n",
    "note glued to a block header (libyaml accepts it)": "body: |#note\n  text\n",
    "too deep": "a: " + "[" * (MAX_NESTING_DEPTH + 1) + "]" * (MAX_NESTING_DEPTH + 1) + "\n",
    "too many values": "a: [" + ",".join(["x"] * (MAX_EXPANDED_NODES + 1)) + "]\n",
    "billion laughs": "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
    + "".join(f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 10)}]\n" for i in range(8)),
    "alias nested in itself": "a: &a [*a]\n",
    "deep through aliases": "a: &a [[[[[[[[[[x]]]]]]]]]]\n"
    + "".join(f"{chr(98 + i)}: &{chr(98 + i)} [[[[[[*{chr(97 + i)}]]]]]]\n" for i in range(6)),
    "YAML 1.3 directive (libyaml refuses it)": "%YAML 1.3\n---\nid: one\n",
}


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_each_refusal_has_the_same_message_with_and_without_libyaml(name, monkeypatch):
    text = REFUSED[name]
    python = outcome(text, None, monkeypatch)
    if LIBYAML is not None:
        assert outcome(text, LIBYAML, monkeypatch) == python
    if "libyaml refuses" not in name:
        assert python[0] == "refused", python


def test_the_limits_keep_their_messages_and_marks(monkeypatch):
    """The messages as test_loader and test_hostile pinned them, through the fast path."""
    monkeypatch.setattr(document, "FAST_LOADER", LIBYAML)
    expected = {
        "too deep": f"f.yaml:1:{3 + MAX_NESTING_DEPTH}: the content is nested more than {MAX_NESTING_DEPTH}"
        " levels deep; a slide needs only a few levels. Check the indentation and brackets",
        "too many values": "f.yaml:1:39999: the file holds more than"
        f" {MAX_EXPANDED_NODES:,} values (keys, texts and list items); a slide needs a few hundred. Remove"
        " what does not belong in it",
        "billion laughs": f"f.yaml:1:32: the file expands to more than {MAX_EXPANDED_NODES:,} values"
        " (through repeated aliases, *name); write the content out plainly without & and * references",
        "tab after a key (libyaml accepts it)": "f.yaml:1:4: a tab is used here; YAML needs spaces."
        " Replace the tab with spaces",
        "alias nested in itself": f"f.yaml:1:4: the content is nested more than {MAX_NESTING_DEPTH}"
        " levels deep through aliases (*name); write the content out plainly without & and *"
        " references",
    }
    for name, message in expected.items():
        with pytest.raises(DocumentError) as caught:
            parse("f.yaml", REFUSED[name])
        assert [p.format() for p in caught.value.problems] == [message], name


def test_the_size_limit_is_checked_before_parsing(tmp_path, monkeypatch):
    monkeypatch.setattr(document, "FAST_LOADER", LIBYAML)
    big = tmp_path / "big.yaml"
    big.write_text("id: one\n# " + "x" * 2000 + "\n", encoding="utf-8")
    with pytest.raises(DocumentError) as caught:
        read_document(big, max_bytes=1000)
    assert [p.format() for p in caught.value.problems] == [
        f"{big}:1:1: the file is {big.stat().st_size:,} bytes; a slide file may be at most 1,000 bytes."
        " Split it or remove what does not belong in it"
    ]


@needs_libyaml
def test_a_valid_file_is_read_by_libyaml_alone(monkeypatch):
    """The speed comes from never running the pure-Python parser on a file libyaml accepts."""

    def refuse(*args, **kwargs):
        raise AssertionError("the pure-Python parser ran")

    monkeypatch.setattr(yaml.SafeLoader, "__init__", refuse)
    text = (SAMPLE_DECK_DIR / "deck.yaml").read_text(encoding="utf-8")
    assert parse("deck.yaml", text).data["slides"]
    # A refused file goes on to PyYAML for its message.
    with pytest.raises(AssertionError, match="pure-Python parser ran"):
        parse("f.yaml", REFUSED["open quote"])


def test_without_libyaml_the_pure_python_parser_reads_everything(monkeypatch):
    monkeypatch.setattr(document, "FAST_LOADER", None)
    text = (SAMPLE_DECK_DIR / "deck.yaml").read_text(encoding="utf-8")
    assert parse("deck.yaml", text).data["slides"]
