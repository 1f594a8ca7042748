"""Reading a WebVTT caption file, strictly, with the line and column of every mistake.

WebVTT is a small format (a `WEBVTT` first line, then blocks separated by blank lines, each cue a
`00:01.000 --> 00:04.000` line and its text), so it is parsed here rather than by a library: staff
need each problem at its line with the fix, and a caption file must not be able to make the kiosk
read megabytes. Cue settings (position, align) and styling blocks are accepted and ignored: the
kiosk always draws captions the same way, at the bottom of the video frame. Inline tags (`<i>`,
`<v Name>`) are removed and the common entities (`&amp;`, `&lt;`, ...) decoded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from kiosk.content.deck import Cue

MAX_CAPTION_BYTES = 256 * 1024
MAX_CUES = 2_000
MAX_CUE_CHARS = 300

# HH:MM:SS.mmm or MM:SS.mmm; hours may have more than two digits, minutes and seconds are 00-59.
_TIME = r"(?:(\d{2,}):)?([0-5]\d):([0-5]\d)\.(\d{3})"
_TIMING = re.compile(rf"^{_TIME}[ \t]+-->[ \t]+{_TIME}(?:[ \t]+(.*))?$")
_TIME_ONLY = re.compile(_TIME)
_TAG = re.compile(r"</?[a-zA-Z0-9.]*(?:[ \t][^>]*)?>|<\d[\d:.]*>")
_ENTITIES = {"&amp;": "&", "&lt;": "<", "&gt;": ">", "&nbsp;": "\u00a0", "&lrm;": "\u200e", "&rlm;": "\u200f"}
_ENTITY = re.compile(r"&(amp|lt|gt|nbsp|lrm|rlm);")


class CaptionError(Exception):
    """A mistake in a caption file, at `line` and `column` (counting from 1), with the fix."""

    def __init__(self, line: int, column: int, message: str) -> None:
        self.line = line
        self.column = column
        self.message = message
        super().__init__(f"{line}:{column}: {message}")


@dataclass(frozen=True, slots=True, kw_only=True)
class Captions:
    cues: tuple[Cue, ...]
    lines: tuple[int, ...]  # the line of each cue's timing, for messages about its times


def read_captions(path: Path) -> Captions:
    """The cues of the WebVTT file at `path`; CaptionError (line 1) when it cannot be read."""
    try:
        size = path.stat().st_size
        if size > MAX_CAPTION_BYTES:
            raise CaptionError(
                1,
                1,
                f"the caption file is {size:,} bytes; at most {MAX_CAPTION_BYTES:,} are allowed."
                " A caption file holds only short lines of text: check that this is the right file",
            )
        raw = path.read_bytes()
    except PermissionError:
        raise CaptionError(
            1, 1, "the kiosk is not allowed to read the caption file; give it read permission (chmod a+r)"
        ) from None
    except OSError as exc:
        raise CaptionError(1, 1, f"the caption file cannot be read ({exc.strerror or exc})") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise CaptionError(
            line, column, "this is not UTF-8 text; save the caption file as UTF-8 (WebVTT must be UTF-8)"
        ) from None
    return parse_captions(text)


def parse_captions(text: str) -> Captions:
    """Parse WebVTT text. Raises CaptionError at the first mistake."""
    text = text.removeprefix("\ufeff")
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise CaptionError(line, 1, "the file contains a NUL character; it is not a caption file")
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    first = lines[0]
    if not (first == "WEBVTT" or first.startswith(("WEBVTT ", "WEBVTT\t"))):
        raise CaptionError(
            1,
            1,
            "a caption file must start with the line WEBVTT; add it as the first line"
            " (an .srt file can be converted by adding it and writing the times with a dot: 00:00:01.000)",
        )
    index = 1
    # The header runs to the first blank line.
    while index < len(lines) and lines[index].strip():
        if "-->" in lines[index]:
            raise CaptionError(
                index + 1, 1, "leave a blank line after the WEBVTT line, before the first caption"
            )
        index += 1
    cues: list[Cue] = []
    cue_lines: list[int] = []
    previous_start = -1.0
    while index < len(lines):
        if not lines[index].strip():
            index += 1
            continue
        start_index = index
        block: list[str] = []
        while index < len(lines) and lines[index].strip():
            block.append(lines[index])
            index += 1
        head = block[0]
        if head.split()[0] in ("NOTE", "STYLE", "REGION") and "-->" not in head:
            continue  # a comment or a styling block: the kiosk draws captions its own way
        timing_at = 0
        if "-->" not in head:
            timing_at = 1  # an optional cue identifier comes first
            if len(block) < 2 or "-->" not in block[1]:
                raise CaptionError(
                    start_index + 1,
                    1,
                    "this block has no time line; a caption is a line like `00:01.000 --> 00:04.000`"
                    " followed by its text (and a blank line between captions)",
                )
        timing = block[timing_at]
        line_no = start_index + timing_at + 1
        start_s, end_s = _timing(timing, line_no)
        if end_s <= start_s:
            column = timing.index("-->") + 5
            raise CaptionError(
                line_no, column, "the caption ends before it starts; the second time must be later"
            )
        if start_s < previous_start:
            raise CaptionError(
                line_no, 1, "this caption starts before the one above it; put the captions in time order"
            )
        payload = block[timing_at + 1 :]
        if not payload:
            raise CaptionError(line_no, 1, "this caption has a time but no text; write the words below it")
        for offset, line in enumerate(payload):
            if "-->" in line:
                raise CaptionError(
                    line_no + 1 + offset,
                    line.index("-->") + 1,
                    "a time line inside a caption's text; leave a blank line between two captions",
                )
        shown = "\n".join(_plain(line) for line in payload).strip()
        if not shown:
            raise CaptionError(line_no + 1, 1, "this caption's text is empty once its tags are removed")
        if len(shown) > MAX_CUE_CHARS:
            raise CaptionError(
                line_no + 1,
                1,
                f"this caption is {len(shown)} characters long; at most {MAX_CUE_CHARS} can be read"
                " in time. Split it into two captions",
            )
        cues.append(Cue(start_s=start_s, end_s=end_s, text=shown))
        cue_lines.append(line_no)
        previous_start = start_s
        if len(cues) > MAX_CUES:
            raise CaptionError(line_no, 1, f"more than {MAX_CUES:,} captions; a clip has at most 5 minutes")
    if not cues:
        raise CaptionError(len(lines), 1, "the file has no captions; add at least one after the WEBVTT line")
    return Captions(cues=tuple(cues), lines=tuple(cue_lines))


def _timing(line: str, line_no: int) -> tuple[float, float]:
    match = _TIMING.match(line)
    if match is not None:
        return _seconds(match.groups()[0:4]), _seconds(match.groups()[4:8])
    arrow = line.find("-->")
    left = line[:arrow].rstrip()
    if not _TIME_ONLY.fullmatch(left.strip()):
        column = len(left) - len(left.lstrip()) + 1
        raise CaptionError(line_no, column, _time_hint(left.strip()))
    right_start = arrow + 3
    right = line[right_start:].strip().split()[0] if line[right_start:].strip() else ""
    column = line.find(right, right_start) + 1 if right else right_start + 1
    if arrow > 0 and line[arrow - 1] not in " \t" or (line[right_start : right_start + 1] not in (" ", "\t")):
        raise CaptionError(line_no, arrow + 1, "put a space on each side of -->")
    raise CaptionError(line_no, column, _time_hint(right))


def _time_hint(value: str) -> str:
    shown = value[:20] or "nothing"
    if re.fullmatch(r"(\d+:)?\d+:\d+,\d{3}", value):
        return f"`{shown}` uses a comma; WebVTT writes the milliseconds after a dot, like 00:01.500"
    return (
        f"`{shown}` is not a time; write it as minutes:seconds.milliseconds, like 00:01.500 or 01:02:03.000"
    )


def _seconds(parts: tuple[str | None, ...]) -> float:
    hours, minutes, seconds, millis = parts
    return int(hours or 0) * 3600 + int(minutes or 0) * 60 + int(seconds or 0) + int(millis or 0) / 1000


def _plain(line: str) -> str:
    without_tags = _TAG.sub("", line)
    return _ENTITY.sub(lambda m: _ENTITIES[m.group(0)], without_tags).strip()
