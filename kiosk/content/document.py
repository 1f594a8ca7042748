"""Reading one YAML file into plain data, with the line and column of every value.

PyYAML's own loaders are too trusting for files that staff edit by hand and that a sync tool may
deliver half-written: they accept duplicate keys silently, expand "billion laughs" aliases without
limit, recurse until Python's stack runs out on deep nesting, and report bad encodings as
tracebacks. So we only let PyYAML *compose* a node tree (which never executes a tag) and build the
data ourselves, checking each of those things and remembering where every value came from, so
that later checks (the schema, the languages, the images) can point at `file:line:column`.
"""

from __future__ import annotations

import codecs
import datetime
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from kiosk.content.problems import Problem, Severity

MAX_FILE_BYTES = 1024 * 1024
MAX_NESTING_DEPTH = 32
# A real slide file has a few hundred nodes; aliases may repeat a node, but never this often.
MAX_EXPANDED_NODES = 20_000
MAX_INT_DIGITS = 30

Path_ = tuple[str | int, ...]

# What PyYAML counts as a line break (str.splitlines also splits on form feeds and the like).
_LINE_BREAK = re.compile(r"\r\n|[\n\r\x85\u2028\u2029]")

# libyaml (PyYAML's C parser) when PyYAML was built with it: a slide file parses about ten times
# faster, which is most of a deck check. Any file it refuses is parsed again with the pure-Python
# parser, so every message, line and column is the one that parser gives (they were written for
# it); a file libyaml accepts gives the same node tree, marks included (tests/test_loader_libyaml.py).
FAST_LOADER: type | None = (
    getattr(yaml, "CSafeLoader", None) if getattr(yaml, "__with_libyaml__", False) else None
)

# What libyaml accepts and PyYAML refuses (found by comparing both on mutated slide files): tabs
# after the indentation (`key:\tvalue`, `[a,\tb]`) and a note glued to a block scalar's header
# (`|#`). A file with either keeps PyYAML's verdict; one without is read the same by both.
_LIBYAML_LENIENT = re.compile(r"\t|[|>][-+0-9]*#")

_STANDARD_TAGS = {
    "tag:yaml.org,2002:" + name for name in ("str", "int", "float", "bool", "null", "map", "seq", "timestamp")
}


@dataclass(frozen=True)
class Mark:
    line: int  # from 1
    column: int  # from 1


@dataclass(frozen=True)
class Document:
    """A parsed file: its data, and where each value (and each mapping key) stands in it."""

    file: str
    data: Any
    value_marks: dict[Path_, Mark] = field(default_factory=dict)
    key_marks: dict[Path_, Mark] = field(default_factory=dict)
    # How each value that YAML did not read as text was written: the scalar as typed (`No`,
    # `10`), or `[`, `{` or `-` for a list or mapping, so that a message can quote it.
    written: dict[Path_, str] = field(default_factory=dict)
    # Mistakes in how a value is written that lose part of it when it is a text (a `#` that
    # starts a note, bullet points joined into one line, `es:No` read as one word): the loader
    # reports them for the values that are texts.
    doubts: dict[Path_, Problem] = field(default_factory=dict)

    def mark(self, path: Path_) -> Mark:
        """The mark of the value at `path`, or of its nearest ancestor that has one."""
        for end in range(len(path), -1, -1):
            mark = self.value_marks.get(tuple(path[:end]))
            if mark is not None:
                return mark
        return Mark(1, 1)

    def key_mark(self, path: Path_) -> Mark:
        """Where the key that introduces `path` stands (for "unknown key" messages)."""
        return self.key_marks.get(tuple(path)) or self.mark(path)

    def problem(self, path: Path_, message: str, *, at_key: bool = False, severity=None) -> Problem:
        mark = self.key_mark(path) if at_key else self.mark(path)
        if severity is None:
            return Problem(self.file, mark.line, mark.column, message)
        return Problem(self.file, mark.line, mark.column, message, severity)


class DocumentError(Exception):
    """A file that cannot be read as data at all; it carries the problems found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("; ".join(p.format() for p in problems))


def read_document(path: Path, *, max_bytes: int = MAX_FILE_BYTES) -> Document:
    """Read and parse `path`. Raises DocumentError with located problems for anything unsafe."""
    file = str(path)
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise DocumentError(
                [
                    Problem(
                        file,
                        1,
                        1,
                        f"the file is {size:,} bytes; a slide file may be at most {max_bytes:,} bytes."
                        " Split it or remove what does not belong in it",
                    )
                ]
            )
        with path.open("rb") as handle:
            raw = handle.read(max_bytes + 1)
    except DocumentError:
        raise
    except PermissionError:
        raise DocumentError(
            [
                Problem(
                    file,
                    1,
                    1,
                    "the kiosk is not allowed to read this file: give it read permission (chmod a+r)",
                )
            ]
        ) from None
    except IsADirectoryError:
        raise DocumentError([Problem(file, 1, 1, "this is a folder, not a YAML file")]) from None
    except OSError as exc:
        raise DocumentError(
            [
                Problem(
                    file,
                    1,
                    1,
                    f"the file cannot be read ({exc.strerror or exc}); check that it exists and is not a"
                    " broken link",
                )
            ]
        ) from None
    if len(raw) > max_bytes:
        raise DocumentError(
            [
                Problem(
                    file, 1, 1, f"the file is larger than {max_bytes:,} bytes; a slide file must be smaller"
                )
            ]
        )
    text = decode(file, raw)
    return parse(file, text)


def decode(file: str, raw: bytes) -> str:
    """UTF-8 only, with a message that tells staff how to re-save the file otherwise."""
    for bom, name in (
        (codecs.BOM_UTF32_LE, "UTF-32"),
        (codecs.BOM_UTF32_BE, "UTF-32"),
        (codecs.BOM_UTF16_LE, "UTF-16"),
        (codecs.BOM_UTF16_BE, "UTF-16"),
    ):
        if raw.startswith(bom):
            raise DocumentError(
                [
                    Problem(
                        file,
                        1,
                        1,
                        f"the file is saved as {name}; save it as UTF-8 (in most editors: Save As,"
                        " Encoding: UTF-8)",
                    )
                ]
            )
    if raw.startswith(codecs.BOM_UTF8):
        raw = raw[len(codecs.BOM_UTF8) :]
    nul = raw.find(b"\x00")
    if nul >= 0:
        line, column = _position(raw, nul)
        # UTF-16 without a byte-order mark shows up as text with a NUL between letters.
        if raw[1::2].count(0) > len(raw) // 4 or raw[0::2].count(0) > len(raw) // 4:
            message = (
                "the file looks like UTF-16 text; save it as UTF-8 (in most editors: Save As, Encoding:"
                " UTF-8)"
            )
            line, column = 1, 1
        else:
            message = (
                "the file contains a NUL byte (binary data); it is not a text file. Re-save it from a text"
                " editor"
            )
        raise DocumentError([Problem(file, line, column, message)])
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, column = _position(raw, exc.start)
        raise DocumentError(
            [
                Problem(
                    file,
                    line,
                    column,
                    "this character is not valid UTF-8; save the file as UTF-8 (in most editors: Save As,"
                    " Encoding: UTF-8)",
                )
            ]
        ) from None


def _position(raw: bytes, offset: int) -> tuple[int, int]:
    """Line and column (in characters, as an editor shows them) of the byte at `offset`."""
    before = raw[:offset].decode("utf-8", errors="replace")
    return _text_position(before, len(before))


def _text_position(text: str, offset: int) -> tuple[int, int]:
    """Line and column of the character at `offset`, counting line breaks the way PyYAML does."""
    line, start = 1, 0
    for match in _LINE_BREAK.finditer(text, 0, offset):
        line, start = line + 1, match.end()
    return line, offset - start + 1


def parse(file: str, text: str) -> Document:
    problems = _check_indentation(file, text)
    if problems:
        raise DocumentError(problems)
    if FAST_LOADER is None or _LIBYAML_LENIENT.search(text):
        node = _compose(file, text, yaml.SafeLoader)
    else:
        try:
            node = _compose(file, text, FAST_LOADER)
        except DocumentError:
            node = _compose(file, text, yaml.SafeLoader)
    if node is None:
        raise DocumentError(
            [
                Problem(
                    file,
                    1,
                    1,
                    "the file is empty (or holds only comments); a slide file needs at least `id`, `title`"
                    " and `summary`, and deck.yaml needs `title`, `languages` and `slides`",
                )
            ]
        )
    builder = _Builder(file, text)
    data = builder.build(node, ())
    if builder.problems:
        raise DocumentError(builder.problems)
    return Document(
        file,
        data,
        builder.value_marks,
        builder.key_marks,
        builder.written,
        builder.doubts,
    )


def _compose(file: str, text: str, loader: type) -> Node | None:
    """The file's node tree, after the depth and size limits (both parsers are bounded the same way)."""
    _check_depth(file, text, loader)
    try:
        return yaml.compose(text, Loader=loader)
    except yaml.MarkedYAMLError as exc:
        raise DocumentError([_yaml_problem(file, exc, text)]) from None
    except yaml.YAMLError as exc:
        raise DocumentError([_other_yaml_problem(file, text, exc)]) from None


def _check_indentation(file: str, text: str) -> list[Problem]:
    for number, line in enumerate(_LINE_BREAK.split(text), start=1):
        stripped = line.lstrip(" ")
        if stripped.startswith("\t"):
            column = len(line) - len(stripped) + 1
            return [
                Problem(
                    file,
                    number,
                    column,
                    "a tab is used to indent this line; YAML needs spaces. Replace the tab with spaces (2"
                    " per level)",
                )
            ]
    return []


def _check_depth(file: str, text: str, loader: type = yaml.SafeLoader) -> None:
    """Measure nesting with the event stream, which is not recursive, before composing, which is
    (in libyaml's composer too, on the C stack)."""
    depth = 0
    values = 0
    try:
        for event in yaml.parse(text, Loader=loader):
            if isinstance(
                event, (yaml.ScalarEvent, yaml.AliasEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent)
            ):
                # Stop here rather than compose a tree of a million nodes (a 1 MiB `[a,a,...]`
                # took 44 s and 360 MB before the builder below refused it).
                values += 1
                if values > MAX_EXPANDED_NODES:
                    mark = event.start_mark
                    raise DocumentError(
                        [
                            Problem(
                                file,
                                mark.line + 1,
                                mark.column + 1,
                                f"the file holds more than {MAX_EXPANDED_NODES:,} values (keys, texts and"
                                " list items); a slide needs a few hundred. Remove what does not belong in"
                                " it",
                            )
                        ]
                    )
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                depth += 1
                if depth > MAX_NESTING_DEPTH:
                    mark = event.start_mark
                    raise DocumentError(
                        [
                            Problem(
                                file,
                                mark.line + 1,
                                mark.column + 1,
                                f"the content is nested more than {MAX_NESTING_DEPTH} levels deep; a slide"
                                " needs only a few levels. Check the indentation and brackets",
                            )
                        ]
                    )
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
    except yaml.MarkedYAMLError as exc:
        raise DocumentError([_yaml_problem(file, exc, text)]) from None
    except yaml.YAMLError as exc:
        raise DocumentError([_other_yaml_problem(file, text, exc)]) from None


def _other_yaml_problem(file: str, text: str, exc: yaml.YAMLError) -> Problem:
    """PyYAML's reader refuses control characters without a line and column; give them."""
    if isinstance(exc, yaml.reader.ReaderError) and isinstance(exc.character, int):
        line, column = _text_position(text, exc.position)
        return Problem(
            file,
            line,
            column,
            f"the file contains an invisible control character (U+{exc.character:04X}) here, often pasted"
            " from another program; delete it",
        )
    return Problem(file, 1, 1, f"this is not valid YAML ({exc}); compare with a slide file that works")


def _line_at(mark: Any) -> str:
    buffer = getattr(mark, "buffer", None)
    if not isinstance(buffer, str):
        return ""
    start = max(buffer.rfind("\n", 0, mark.pointer), buffer.rfind("\r", 0, mark.pointer)) + 1
    return buffer[start : mark.pointer]


def _indented_key_before(mark: Any) -> str | None:
    """The key, when the refused colon follows just an indented word on a continuation line."""
    if mark is None or mark.line == 0:
        return None
    match = re.fullmatch(r" +([\w-]+)", _line_at(mark))
    return match.group(1) if match else None


# The start of a line that begins a value: indentation, any `- ` of list items, then a key and
# its colon (or nothing, for a bare list item); `value` is the rest of the line.
_ENTRY = re.compile(r"(?P<lead> *(?:-[ \t]+)*)(?:(?P<key>[A-Za-z_][\w-]*):(?:[ \t]+|$))?(?P<value>.*)")
# `en:What`: a key, its colon, and no space before the text.
_NO_SPACE = re.compile(r" *(?:-[ \t]+)?(?P<key>[A-Za-z_][\w-]*):(?P<rest>[^\s/#].*)")
_CURLY_QUOTES = "\u201c\u201d\u2018\u2019\u201e\u201a"
# Longer texts are not repeated in a message: the example would be longer than the advice.
_MAX_EXAMPLE_CHARS = 50


def _like(key: str | None, text: str, quote: str = '"') -> str:
    """`, like: en: "text"`, the fix written out, when the text is short enough to repeat."""
    text = text.strip()
    if not text or len(text) > _MAX_EXAMPLE_CHARS:
        return ""
    return f", like: {key + ': ' if key else ''}{quote}{text}{quote}"


def _without_note(value: str) -> str:
    """The value without a note (` #...`) after it."""
    match = re.search(r"[ \t]#", value)
    return (value[: match.start()] if match else value).rstrip()


def _closing_quote(text: str, opening: int, limit: int) -> int | None:
    """Where the quoted text that starts at `opening` ends (the offset of its closing quote),
    looking no further than `limit`; None when it is still open there."""
    quote = text[opening]
    index = opening + 1
    while index < limit:
        char = text[index]
        if quote == '"' and char == "\\":
            index += 2
            continue
        if char == quote:
            if quote == "'" and text[index + 1 : index + 2] == "'":  # '' is one ' inside '...'
                index += 2
                continue
            return index
        index += 1
    return None


def _likely_cause(text: str, exc: yaml.MarkedYAMLError) -> tuple[int, int, str] | None:
    """The line, column (from 1) and message of the mistake that most likely made PyYAML stop.

    PyYAML notices a mistake where the file stops making sense, often lines after it: a quote
    left open runs on to the next quote anywhere below, and then an "indentation" is refused. So
    look back from where it stopped for the mistakes staff make, and name the place they start.
    """
    mark = exc.problem_mark or exc.context_mark
    if mark is None:
        return None
    lines = _LINE_BREAK.split(text)
    starts = [0] + [match.end() for match in _LINE_BREAK.finditer(text)]
    error_line = min(mark.line, len(lines) - 1)
    error_at = min(starts[error_line] + mark.column, len(text))
    what = f"{exc.problem or ''} {exc.context or ''}"

    # A quote opened on a line and not closed there: the text ran on to a quote further down,
    # and the mistake showed where that quote ended.
    for index in range(error_line, max(error_line - 200, 0) - 1, -1):
        entry = _ENTRY.fullmatch(lines[index])
        if entry is None or not (entry["key"] or "-" in entry["lead"]):
            continue
        value = entry["value"]
        if not value or value[0] not in "\"'":
            continue
        opening = starts[index] + entry.start("value")
        closing = _closing_quote(text, opening, error_at)
        line_end = starts[index] + len(lines[index])
        if closing is None or closing < line_end:
            continue
        closing_line = next(
            n for n in range(index, len(starts)) if n + 1 == len(starts) or starts[n + 1] > closing
        )
        if closing_line != error_line:
            continue
        quote = value[0]
        name = "double quote" if quote == '"' else "single quote"
        message = (
            f"the {name} ({quote}) that starts this text is not closed on this line, so YAML reads"
            f" on to the next {quote} (on line {closing_line + 1}); add a {quote} at the end of the"
            f" text{_like(entry['key'], _without_note(value[1:]), quote)}"
        )
        return index + 1, entry.start("value") + 1, message

    entry = _ENTRY.fullmatch(lines[error_line])
    if entry is not None and (entry["key"] or "-" in entry["lead"]) and entry["value"]:
        key, value = entry["key"], entry["value"]
        column = entry.start("value") + 1
        here = starts[error_line] + entry.start("value")
        if value[0] in "\"'" and here < error_at:
            closing = _closing_quote(text, here, starts[error_line] + len(lines[error_line]))
            after = value[closing - here + 1 :].strip() if closing is not None else ""
            if after and not after.startswith("#"):
                whole = _without_note(value)
                if value[0] == '"':
                    fix = "to show quotes inside a text, put the whole text in single quotes" + _like(
                        key, whole, "'"
                    )
                else:
                    inner = whole[1:-1] if whole.endswith("'") else whole[1:]
                    fix = (
                        "to write an apostrophe (') inside a text, put the whole text in double quotes"
                        + _like(key, inner)
                    )
                return (
                    error_line + 1,
                    column,
                    f"this text starts with a quote ({value[0]}), so it ends at the next {value[0]}, but"
                    f" more text follows it (`{_without_note(after)}`); {fix}",
                )
        if value[0] in "[{" and here < error_at and "while parsing a flow" not in what:
            return (
                error_line + 1,
                column,
                f"a text that starts with {value[0]} is read as a list, and the words after the"
                f" {'] ' if value[0] == '[' else '} '}are not expected; put the whole text in double"
                f" quotes{_like(key, _without_note(value))}",
            )
        if value[0] in _CURLY_QUOTES and "mapping values are not allowed" in what:
            inner = _without_note(value).strip(_CURLY_QUOTES)
            return (
                error_line + 1,
                column,
                f"this text starts with a curly quote ({value[0]}), which YAML does not treat as a"
                ' quote, so the colon (:) inside it ends the text; type straight double quotes (")'
                f" around the text instead{_like(key, inner)}",
            )

    # `en:What`: without the space, `en:What is ...` is text, not a label, and the next line is
    # refused. Look at the line that stopped PyYAML and the last line with content above it.
    candidates = [error_line]
    for index in range(error_line - 1, -1, -1):
        if lines[index].strip() and not lines[index].lstrip().startswith("#"):
            candidates.append(index)
            break
    for index in candidates:
        match = _NO_SPACE.fullmatch(lines[index])
        if match is not None:
            rest = _without_note(match["rest"])
            fix = f"`{match['key']}: {rest}`" if len(rest) <= _MAX_EXAMPLE_CHARS else "after the colon"
            return (
                index + 1,
                match.end("key") + 1,
                f"there is no space after the colon of `{match['key']}:`, so YAML does not read"
                f" `{match['key']}` as a label; type a space after the colon: {fix}",
            )
    return None


def _yaml_problem(file: str, exc: yaml.MarkedYAMLError, text: str = "") -> Problem:
    cause = _likely_cause(text, exc) if text else None
    if cause is not None:
        return Problem(file, *cause)
    mark = exc.problem_mark or exc.context_mark
    line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    what = (exc.problem or "").strip()
    context = (exc.context or "").strip()
    key = _indented_key_before(mark) if "mapping values are not allowed" in what else None
    if key is not None:
        # `  en: A` then `   es: B`: the second line continues the text `A`, and its colon is refused.
        message = (
            "this line is indented further than the line above it, so it reads as part of that line's"
            f" text; line `{key}:` up with the keys above it"
        )
        column = len(_line_at(mark)) - len(_line_at(mark).lstrip(" ")) + 1
    elif "mapping values are not allowed" in what:
        message = (
            "a colon (:) appears inside a text here; put the whole text in double quotes, like: title:"
            ' "Before: after"'
        )
    elif "could not find expected ':'" in what or ("simple key" in context and "':'" in what):
        message = (
            "a line here is missing its colon (:) after the key, or is indented differently from the lines"
            " around it"
        )
    elif (
        "expected <block end>" in what
        or "did not find expected key" in what
        or "did not find expected '-'" in what
    ):
        message = (
            "the indentation here does not line up with the lines above; keys at the same level need the"
            " same number of spaces"
        )
    elif "found undefined alias" in what:
        message = "this uses an alias (*name) that was never defined with &name; write the text out in full"
    elif "found character" in what and "\\t" in what:
        message = "a tab is used here; YAML needs spaces. Replace the tab with spaces"
    elif "expected a single document" in context or "but found another document" in what:
        message = "the file holds more than one YAML document (a line with ---); keep one slide per file"
    elif "while parsing a flow" in context and exc.context_mark is not None:
        message = (
            "a bracket ([ or {) opened here is not closed, or items in it are not separated by commas;"
            " add the missing ] or } (or, if this is a text, put the whole text in double quotes)"
        )
        line, column = exc.context_mark.line + 1, exc.context_mark.column + 1
    elif "while scanning a quoted scalar" in context:
        message = "a quoted text is not closed; add the missing closing quote (\" or ')"
        if exc.context_mark is not None:
            line, column = exc.context_mark.line + 1, exc.context_mark.column + 1
    else:
        message = f"this is not valid YAML ({what or context}); compare with a slide file that works"
    return Problem(file, line, column, message)


class _Builder:
    """Turns a composed node tree into plain data, refusing what a slide file never needs."""

    def __init__(self, file: str, text: str = "") -> None:
        self.file = file
        self.text = text
        self.lines = _LINE_BREAK.split(text)
        self.problems: list[Problem] = []
        self.value_marks: dict[Path_, Mark] = {}
        self.key_marks: dict[Path_, Mark] = {}
        self.written: dict[Path_, str] = {}
        self.doubts: dict[Path_, Problem] = {}
        self.expanded = 0
        self.too_deep = False
        self.constructor = SafeConstructor()

    def _problem(self, node: Node, message: str) -> None:
        self.problems.append(
            Problem(self.file, node.start_mark.line + 1, node.start_mark.column + 1, message)
        )

    def build(self, node: Node, path: Path_) -> Any:
        # _check_depth bounds the nesting of the text; the path length below bounds it through aliases.
        self.expanded += 1
        if self.expanded > MAX_EXPANDED_NODES:
            if self.expanded == MAX_EXPANDED_NODES + 1:
                self._problem(
                    node,
                    f"the file expands to more than {MAX_EXPANDED_NODES:,} values (through repeated"
                    " aliases, *name); write the content out plainly without & and * references",
                )
            return None
        if len(path) > MAX_NESTING_DEPTH:
            # Only aliases get here (_check_depth saw the text): a chain of them, or one inside itself.
            if not self.too_deep:
                self.too_deep = True
                self._problem(
                    node,
                    f"the content is nested more than {MAX_NESTING_DEPTH} levels deep through aliases"
                    " (*name); write the content out plainly without & and * references",
                )
            return None
        self.value_marks.setdefault(path, Mark(node.start_mark.line + 1, node.start_mark.column + 1))
        if node.tag == "tag:yaml.org,2002:value" and isinstance(node, ScalarNode):
            return node.value  # a lone `=` is just text
        if node.tag not in _STANDARD_TAGS:
            if node.tag == "tag:yaml.org,2002:merge" or node.tag.endswith(":merge"):
                self._problem(node, "merge keys (<<) are not supported; write each key out in full")
            else:
                self._problem(
                    node,
                    f"the tag `{node.tag.replace('tag:yaml.org,2002:', '!!')}` is not allowed in slide"
                    " files; remove it (plain text, numbers and dates need no tag)",
                )
            return None
        if isinstance(node, MappingNode):
            self.written[path] = self._source(node) if node.flow_style else ":"
            return self._mapping(node, path)
        if isinstance(node, SequenceNode):
            self.written[path] = self._source(node) if node.flow_style else "-"
            return [self.build(item, path + (index,)) for index, item in enumerate(node.value)]
        assert isinstance(node, ScalarNode)  # a composed node is a mapping, a sequence or a scalar
        value = self._scalar(node)
        if isinstance(value, str):
            if not node.style and self.text:  # plain: None from PyYAML, '' from libyaml
                self._doubt(node, path)
        else:
            self.written[path] = node.value
        return value

    def _source(self, node: Node) -> str:
        """A value as it is written in the file (for a `[...]` or `{...}` on one line)."""
        return self.text[node.start_mark.index : node.end_mark.index]  # characters, in both parsers

    def _doubt(self, node: ScalarNode, path: Path_) -> None:
        """Remember how an unquoted text may have lost words (see Document.doubts)."""
        if not path:  # the whole file is one text: reported as "not a mapping" instead
            return
        start, end = node.start_mark, node.end_mark
        where = (self.file, start.line + 1, start.column + 1)
        for number in range(start.line + 1, min(end.line, len(self.lines) - 1) + 1):
            line = self.lines[number].strip()
            if line == "-" or line.startswith("- "):
                self.doubts[path] = Problem(
                    *where,
                    f"line {number + 1} is a bullet point (it starts with `- `), but without `|` after"
                    f" `{path[-1]}:` YAML joins these lines into one; write `{path[-1]}: |` and put"
                    " the text on the lines below it, two spaces further in",
                )
                return
            glued = re.match(r"([a-z]{2}(?:-[A-Za-z]{2,4})?):(?=\S)", line)
            if glued is not None:
                indent = len(self.lines[number]) - len(self.lines[number].lstrip())
                column = indent + len(glued[1]) + 1  # the colon, from 1
                self.doubts[path] = Problem(
                    self.file,
                    number + 1,
                    column,
                    f"there is no space after the colon of `{glued[1]}:`, so YAML does not read it as a"
                    f" label and joins the line to the text above; type a space after the colon:"
                    f" `{glued[1]}: ...`",
                )
                return
        glued = re.match(r"([a-z]{2}(?:-[A-Za-z]{2,4})?):(?=\S)", node.value)
        if glued is not None and isinstance(path[-1], str):
            rest = node.value[glued.end() :]
            self.doubts[path] = Problem(
                self.file,
                start.line + 1,
                start.column + len(glued[1]) + 1,  # the colon, from 1
                f"there is no space after the colon of `{glued[1]}:`, so YAML does not read it as a"
                f" label; type a space after the colon: `{glued[1]}: "
                + (rest if len(rest) <= _MAX_EXAMPLE_CHARS else "...")
                + "`",
            )
            return
        line = self.lines[end.line] if end.line < len(self.lines) else ""
        note = re.match(r"[ \t]+#(.*)", line[end.column :])
        if note is None:
            return
        column = end.column + note.start(1)  # the column of `#`, counting from 1
        curly = (
            f" (the curly quote {node.value[0]} is not a quote to YAML: type straight quotes)"
            if node.value[0] in _CURLY_QUOTES
            else ""
        )
        words = note[1].rstrip()
        if words[:1].isspace() or not words:
            self.doubts[path] = Problem(
                self.file,
                end.line + 1,
                column,
                f"`#{words}` after this text is read as a note for people and is not shown; if it"
                f" belongs to the text, put the whole text in double quotes{curly}; if it is a note,"
                " move it to a line of its own",
                Severity.WARNING,
            )
        else:
            self.doubts[path] = Problem(
                self.file,
                end.line + 1,
                column,
                f"the text is cut at ` #`: YAML reads `#{words}` as a note for people and drops it;"
                f" put the whole text in double quotes{curly}"
                + _like(str(path[-1]), f"{node.value} #{words}".strip(_CURLY_QUOTES)),
            )

    def _mapping(self, node: MappingNode, path: Path_) -> dict[str, Any]:
        result: dict[str, Any] = {}
        seen: dict[str, Mark] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                self._problem(key_node, "merge keys (<<) are not supported; write each key out in full")
                continue
            if not isinstance(key_node, ScalarNode) or key_node.tag not in _STANDARD_TAGS:
                self._problem(key_node, "a key must be a plain word, like `title`")
                continue
            key = self._scalar(key_node)
            if key is None or isinstance(key, bool) or not isinstance(key, (str, int)):
                self._problem(key_node, f"`{key_node.value}` cannot be a key; use a plain word, like `title`")
                continue
            key = str(key)
            mark = Mark(key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            if key in seen:
                first = seen[key]
                self._problem(
                    key_node,
                    f"the key `{key}` appears twice in the same place (first on line {first.line}); keep"
                    " one and delete the other",
                )
                continue
            seen[key] = mark
            self.key_marks[path + (key,)] = mark
            result[key] = self.build(value_node, path + (key,))
        return result

    def _scalar(self, node: ScalarNode) -> Any:
        if node.tag == "tag:yaml.org,2002:int":
            digits = node.value.lstrip("+-").replace("_", "")
            if len(digits) > MAX_INT_DIGITS:
                self._problem(
                    node,
                    f"this number has {len(digits):,} digits, far more than any setting needs; use a small"
                    " number",
                )
                return None
        try:
            value = self.constructor.construct_object(node, deep=True)
        except Exception:  # PyYAML's constructors fail in many ways on `!!int ""` and the like
            if node.tag == "tag:yaml.org,2002:timestamp":
                self._problem(
                    node, f"`{node.value}` is not a real date; write dates as YYYY-MM-DD, like 2027-05-31"
                )
            else:
                tag = node.tag.replace("tag:yaml.org,2002:", "!!")
                self._problem(
                    node,
                    f"`{node.value[:40]}` cannot be read as {tag}; fix the value or remove the {tag} tag",
                )
            return None
        if isinstance(value, datetime.datetime):
            return value.date() if value.time() == datetime.time() else value
        return value
