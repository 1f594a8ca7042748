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

from kiosk.content.problems import Problem

MAX_FILE_BYTES = 1024 * 1024
MAX_NESTING_DEPTH = 32
# A real slide file has a few hundred nodes; aliases may repeat a node, but never this often.
MAX_EXPANDED_NODES = 20_000
MAX_INT_DIGITS = 30

Path_ = tuple[str | int, ...]

# What PyYAML counts as a line break (str.splitlines also splits on form feeds and the like).
_LINE_BREAK = re.compile(r"\r\n|[\n\r\x85\u2028\u2029]")

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
                        f"the file is {size:,} bytes; a slide file may be at most {max_bytes:,} bytes. Split it or remove what does not belong in it",
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
                    f"the file cannot be read ({exc.strerror or exc}); check that it exists and is not a broken link",
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
                        f"the file is saved as {name}; save it as UTF-8 (in most editors: Save As, Encoding: UTF-8)",
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
            message = "the file looks like UTF-16 text; save it as UTF-8 (in most editors: Save As, Encoding: UTF-8)"
            line, column = 1, 1
        else:
            message = "the file contains a NUL byte (binary data); it is not a text file. Re-save it from a text editor"
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
                    "this character is not valid UTF-8; save the file as UTF-8 (in most editors: Save As, Encoding: UTF-8)",
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
    _check_depth(file, text)
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        raise DocumentError([_yaml_problem(file, exc)]) from None
    except yaml.YAMLError as exc:
        raise DocumentError([_other_yaml_problem(file, text, exc)]) from None
    if node is None:
        raise DocumentError(
            [
                Problem(
                    file,
                    1,
                    1,
                    "the file is empty (or holds only comments); a slide file needs at least `id`, `title` and `summary`, and deck.yaml needs `title`, `languages` and `slides`",
                )
            ]
        )
    builder = _Builder(file)
    data = builder.build(node, ())
    if builder.problems:
        raise DocumentError(builder.problems)
    return Document(file, data, builder.value_marks, builder.key_marks)


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
                    "a tab is used to indent this line; YAML needs spaces. Replace the tab with spaces (2 per level)",
                )
            ]
    return []


def _check_depth(file: str, text: str) -> None:
    """Measure nesting with PyYAML's event stream, which is not recursive, before composing, which is."""
    depth = 0
    values = 0
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
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
                                f"the file holds more than {MAX_EXPANDED_NODES:,} values (keys, texts and list items); a slide needs a few hundred. Remove what does not belong in it",
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
                                f"the content is nested more than {MAX_NESTING_DEPTH} levels deep; a slide needs only a few levels. Check the indentation and brackets",
                            )
                        ]
                    )
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
    except yaml.MarkedYAMLError as exc:
        raise DocumentError([_yaml_problem(file, exc)]) from None
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
            f"the file contains an invisible control character (U+{exc.character:04X}) here, often pasted from another program; delete it",
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


def _yaml_problem(file: str, exc: yaml.MarkedYAMLError) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    what = (exc.problem or "").strip()
    context = (exc.context or "").strip()
    key = _indented_key_before(mark) if "mapping values are not allowed" in what else None
    if key is not None:
        # `  en: A` then `   es: B`: the second line continues the text `A`, and its colon is refused.
        message = f"this line is indented further than the line above it, so it reads as part of that line's text; line `{key}:` up with the keys above it"
        column = len(_line_at(mark)) - len(_line_at(mark).lstrip(" ")) + 1
    elif "mapping values are not allowed" in what:
        message = 'a colon (:) appears inside a text here; put the whole text in double quotes, like: title: "Before: after"'
    elif "could not find expected ':'" in what or ("simple key" in context and "':'" in what):
        message = "a line here is missing its colon (:) after the key, or is indented differently from the lines around it"
    elif (
        "expected <block end>" in what
        or "did not find expected key" in what
        or "did not find expected '-'" in what
    ):
        message = "the indentation here does not line up with the lines above; keys at the same level need the same number of spaces"
    elif "found undefined alias" in what:
        message = "this uses an alias (*name) that was never defined with &name; write the text out in full"
    elif "found character" in what and "\\t" in what:
        message = "a tab is used here; YAML needs spaces. Replace the tab with spaces"
    elif "expected a single document" in context or "but found another document" in what:
        message = "the file holds more than one YAML document (a line with ---); keep one slide per file"
    elif "while parsing a flow" in context and exc.context_mark is not None:
        message = "a bracket ([ or {) opened here is not closed, or items in it are not separated by commas; add the missing ] or }"
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

    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[Problem] = []
        self.value_marks: dict[Path_, Mark] = {}
        self.key_marks: dict[Path_, Mark] = {}
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
                    f"the file expands to more than {MAX_EXPANDED_NODES:,} values (through repeated aliases, *name); write the content out plainly without & and * references",
                )
            return None
        if len(path) > MAX_NESTING_DEPTH:
            # Only aliases get here (_check_depth saw the text): a chain of them, or one inside itself.
            if not self.too_deep:
                self.too_deep = True
                self._problem(
                    node,
                    f"the content is nested more than {MAX_NESTING_DEPTH} levels deep through aliases (*name); write the content out plainly without & and * references",
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
                    f"the tag `{node.tag.replace('tag:yaml.org,2002:', '!!')}` is not allowed in slide files; remove it (plain text, numbers and dates need no tag)",
                )
            return None
        if isinstance(node, MappingNode):
            return self._mapping(node, path)
        if isinstance(node, SequenceNode):
            return [self.build(item, path + (index,)) for index, item in enumerate(node.value)]
        return self._scalar(node)

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
                    f"the key `{key}` appears twice in the same place (first on line {first.line}); keep one and delete the other",
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
                    f"this number has {len(digits):,} digits, far more than any setting needs; use a small number",
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
