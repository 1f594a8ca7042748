"""`kiosk new-slide`: a new slide file from a commented template, added to the slide order.

The template has one line per language of the deck for every text, with placeholder text in
capitals ("NEW SLIDE: ...") that validates at once, so the new slide can be watched in
`kiosk preview` while it is written. Placeholder text left in a deck is reported as a warning
(`kiosk.content.placeholders`), so a slide cannot quietly reach patients half-written.

deck.yaml is edited as *text*: the new id goes in on its own line, after the slide named by
`--after` (or at the end), with the same indentation, so the staff's comments and layout stay as
they were. The edit is checked by reading the result back before anything is written.
"""

from __future__ import annotations

import datetime
import os
import re
import sys
import tempfile
from pathlib import Path

from kiosk.content.document import DocumentError, parse
from kiosk.content.loader import DECK_FILE, DEFAULT_ASSETS, default_today
from kiosk.content.placeholders import LINE_BREAK as _LINE_BREAK
from kiosk.content.placeholders import PLACEHOLDER, PLACEHOLDER_MESSAGE, placeholder_problems
from kiosk.content.problems import Severity
from kiosk.content.schema import ID_PATTERN

__all__ = ["PLACEHOLDER", "PLACEHOLDER_MESSAGE", "ScaffoldError", "placeholder_problems", "template"]

REVIEW_AFTER_DAYS = 180
MAX_ID_CHARS = 48

_TEXTS = {
    "en": {
        "title": "NEW SLIDE: write the title here",
        "summary": "NEW SLIDE: write one or two short sentences here.",
        "detail": "NEW DETAIL: button label",
        "body": (
            "NEW DETAIL: write the text a visitor reads after tapping the button.",
            "- NEW DETAIL: a line that starts with a dash is a bullet point.",
        ),
    },
    "es": {
        "title": "NUEVA DIAPOSITIVA: escriba el título aquí",
        "summary": "NUEVA DIAPOSITIVA: escriba aquí una o dos frases cortas.",
        "detail": "NUEVO DETALLE: texto del botón",
        "body": (
            "NUEVO DETALLE: escriba el texto que se lee al tocar el botón.",
            "- NUEVO DETALLE: una línea que empieza con un guion es una viñeta.",
        ),
    },
}


class ScaffoldError(Exception):
    """A new slide cannot be made; the message says why and what to do. `usage`: the request was wrong."""

    def __init__(self, message: str, *, usage: bool = True) -> None:
        super().__init__(message)
        self.usage = usage


# -- the template ---------------------------------------------------------------------------------


def _placeholder(code: str, key: str) -> str | tuple[str, ...]:
    if code in _TEXTS:
        return _TEXTS[code][key]
    english = _TEXTS["en"][key]
    if isinstance(english, tuple):
        return tuple(
            f"[{code}] {line}" if not line.startswith("- ") else f"- [{code}] {line[2:]}" for line in english
        )
    return f"[{code}] {english}"


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _text(key: str, languages: tuple[str, ...], indent: str) -> list[str]:
    """`key:` and one quoted line per language (or the text itself in a one-language deck)."""
    field = "detail" if key == "detail-title" else key
    name = "title" if key == "detail-title" else key
    if len(languages) == 1:
        return [f"{indent}{name}: {_quoted(str(_placeholder(languages[0], field)))}"]
    return [f"{indent}{name}:"] + [
        f"{indent}  {code}: {_quoted(str(_placeholder(code, field)))}" for code in languages
    ]


def _body(languages: tuple[str, ...], indent: str) -> list[str]:
    def block(code: str, pad: str) -> list[str]:
        first, bullet = _placeholder(code, "body")
        return [f"{pad}{first}", "", f"{pad}{bullet}"]

    if len(languages) == 1:
        return [f"{indent}body: |", *block(languages[0], indent + "  ")]
    lines = [f"{indent}body:"]
    for code in languages:
        lines += [f"{indent}  {code}: |", *block(code, indent + "    ")]
    return lines


def template(slide_id: str, languages: tuple[str, ...], today: datetime.date) -> str:
    """The text of a new slide file: every key explained in plain words, every text a placeholder."""
    due = today + datetime.timedelta(days=REVIEW_AFTER_DAYS)
    one = len(languages) == 1
    per_language = "" if one else f" There is one line per language ({', '.join(languages)})."
    lines = [
        f"# A new slide, made with `kiosk new-slide {slide_id}` on {today.isoformat()}.",
        "# Lines that start with # are notes for people; the kiosk ignores them.",
        "# Replace each text in capitals (NEW SLIDE ..., NEW DETAIL ...) with your own words.",
        "# Keep the spaces at the start of each line as they are: they show what belongs to what.",
        "# Keep the double quotes around a text that contains a colon followed by a space.",
        "# Watch the slide while you write with `kiosk preview`; check it with `kiosk validate`.",
        "",
        "# The slide's name: lowercase letters, digits and dashes. It must match the file name.",
        f"id: {slide_id}",
        "",
        f"# The big heading at the top (80 characters at most).{per_language}",
        *_text("title", languages, ""),
        "",
        "# One or two short sentences under the heading: 30 words at most. More goes in a detail.",
        *_text("summary", languages, ""),
        "",
        "# A picture: an .svg or .png file in the deck folder or in the kiosk's assets folder.",
        "# To use one, delete the # and the space after it at the start of the next line.",
        f"# image: illustrations/{slide_id}.svg",
        "",
        "# Who checked the medical content. Leave `pending` until a clinician has checked this",
        "# slide; then they replace `pending` with their name and add `reviewed_on: YYYY-MM-DD`.",
        "reviewed_by: pending",
        "# When the slide must be checked again (YYYY-MM-DD). After that date you get a warning.",
        f"review_due: {due.isoformat()}",
        "",
        "# Topics a visitor can tap to read more (up to 3). Each has an id (a name, unique on this",
        "# slide), a title (the label on the button and the heading of its screen) and a body.",
        "# In a body, an empty line starts a new paragraph and a line starting with - is a bullet.",
        "# To add a topic, copy the lines from `- id:` to the end and change the id.",
        "details:",
        "  - id: more",
        *_text("detail-title", languages, "    "),
        *_body(languages, "    "),
    ]
    return "\n".join(lines) + "\n"


# -- checks ---------------------------------------------------------------------------------------


def check_id(slide_id: str) -> None:
    if not slide_id or not re.fullmatch(ID_PATTERN, slide_id) or len(slide_id) > MAX_ID_CHARS:
        suggestion = re.sub(r"[^a-z0-9]+", "-", slide_id.lower()).strip("-")[:MAX_ID_CHARS].strip("-")
        like = (
            f", like `{suggestion}`"
            if suggestion and re.fullmatch(ID_PATTERN, suggestion)
            else ", like `first-visit`"
        )
        raise ScaffoldError(
            f"`{slide_id}` is not a valid slide id; use lowercase letters, digits and dashes "
            f"({MAX_ID_CHARS} characters at most){like}"
        )
    if slide_id == Path(DECK_FILE).stem:
        raise ScaffoldError(
            f"`{slide_id}` cannot be a slide id: the file {slide_id}.yaml would be {DECK_FILE}; choose "
            "another id"
        )


# -- editing deck.yaml ----------------------------------------------------------------------------


def insert_slide_id(text: str, slide_id: str, after: str | None = None, *, file: str = DECK_FILE) -> str:
    """deck.yaml's text with `slide_id` added to `slides` after `after` (or last), all else kept."""
    by_hand = f"add `{slide_id}` to the `slides` list of {DECK_FILE} by hand"
    try:
        document = parse(file, text)
    except DocumentError as exc:
        raise ScaffoldError(
            f"{DECK_FILE} has an error, so it cannot be changed safely: {exc.problems[0].format()}; fix "
            "it first (`kiosk validate`)",
            usage=False,
        ) from None
    data = document.data if isinstance(document.data, dict) else {}
    slides = data.get("slides")
    if not isinstance(slides, list) or not slides or not all(isinstance(item, str) for item in slides):
        raise ScaffoldError(f"{DECK_FILE} has no usable `slides` list; {by_hand}", usage=False)
    if slide_id in slides:
        raise ScaffoldError(f"`{slide_id}` is already in the `slides` list of {DECK_FILE}; choose another id")
    if after is not None and after not in slides:
        import difflib

        match = difflib.get_close_matches(after, slides, n=1, cutoff=0.6)
        hint = f"did you mean `{match[0]}`?" if match else f"the slides are: {', '.join(slides)}"
        raise ScaffoldError(f"there is no slide `{after}` in the `slides` list of {DECK_FILE}; {hint}")
    index = slides.index(after) if after is not None else len(slides) - 1
    starts = [0] + [m.end() for m in _LINE_BREAK.finditer(text)]
    breaks = _LINE_BREAK.findall(text)
    newline = breaks[0] if breaks else "\n"

    def offset(path: tuple) -> int:
        mark = document.value_marks[path]
        return starts[mark.line - 1] + mark.column - 1

    item = offset(("slides", index))
    if text[offset(("slides",))] == "[":  # flow style: slides: [a, b]
        end = _scalar_end(text, item, slides[index])
        if end is None:
            raise ScaffoldError(
                f"the `slides` list of {DECK_FILE} is written in a way this command cannot edit; {by_hand}",
                usage=False,
            )
        new_text = text[:end] + f", {slide_id}" + text[end:]
    else:
        line_start = max(start for start in starts if start <= item)
        prefix = text[line_start:item]
        if not re.fullmatch(r"[ ]*-[ ]+", prefix):
            raise ScaffoldError(
                f"the `slides` list of {DECK_FILE} is written in a way this command cannot edit; {by_hand}",
                usage=False,
            )
        match = _LINE_BREAK.search(text, item)
        line_end = match.start() if match else len(text)
        new_text = text[:line_end] + newline + prefix + slide_id + text[line_end:]
    expected = slides[: index + 1] + [slide_id] + slides[index + 1 :]
    try:
        check = parse(file, new_text).data
    except DocumentError:
        check = None
    if (
        not isinstance(check, dict)
        or check.get("slides") != expected
        or {k: v for k, v in check.items() if k != "slides"}
        != {k: v for k, v in data.items() if k != "slides"}
    ):
        raise ScaffoldError(
            f"the `slides` list of {DECK_FILE} could not be changed safely; {by_hand}", usage=False
        )
    return new_text


def _scalar_end(text: str, start: int, value: str) -> int | None:
    quote = text[start]
    if quote in "\"'":
        end = text.find(quote, start + 1)
        return end + 1 if end > start else None
    return start + len(value) if text.startswith(value, start) else None


def _write(path: Path, text: str, *, keep_mode_of: Path | None = None) -> None:
    """Write atomically: a reader (the running kiosk, a sync tool) sees the old file or the new."""
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            out.write(text)
        if keep_mode_of is not None and keep_mode_of.exists():
            os.chmod(temporary, keep_mode_of.stat().st_mode & 0o7777)
        else:
            os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise


def new_slide(
    deck_folder: Path, slide_id: str, after: str | None = None, *, today: datetime.date | None = None
) -> Path:
    """Create `<slide_id>.yaml` from the template and add the id to deck.yaml; the new file's path."""
    folder = Path(deck_folder)
    check_id(slide_id)
    deck_path = folder / DECK_FILE
    if not folder.is_dir():
        raise ScaffoldError(
            f"there is no deck folder at {folder}; give the folder that holds {DECK_FILE}", usage=False
        )
    if not deck_path.is_file():
        raise ScaffoldError(
            f"there is no {DECK_FILE} in {folder}; give the folder that holds it", usage=False
        )
    target = folder / f"{slide_id}.yaml"
    if target.exists() or (folder / f"{slide_id}.yml").exists():
        raise ScaffoldError(
            f"{target.name} already exists in {folder}; choose another id (or edit that file)"
        )
    try:
        raw = deck_path.read_bytes()
        bom = raw.startswith(b"\xef\xbb\xbf")
        text = raw.decode("utf-8-sig")
    except OSError as exc:
        raise ScaffoldError(f"{DECK_FILE} cannot be read ({exc.strerror or exc})", usage=False) from None
    except UnicodeDecodeError:
        raise ScaffoldError(
            f"{DECK_FILE} is not saved as UTF-8; save it as UTF-8 first", usage=False
        ) from None
    new_text = insert_slide_id(text, slide_id, after, file=str(deck_path))
    languages = _languages(text, str(deck_path))
    _write(target, template(slide_id, languages, today or default_today()))
    _write(deck_path, ("\ufeff" if bom else "") + new_text, keep_mode_of=deck_path)
    return target


def _languages(text: str, file: str) -> tuple[str, ...]:
    data = parse(file, text).data
    languages = data.get("languages") if isinstance(data, dict) else None
    if isinstance(languages, str):
        languages = [languages]
    if (
        not isinstance(languages, list)
        or not languages
        or not all(isinstance(code, str) for code in languages)
    ):
        raise ScaffoldError(
            f"{DECK_FILE} has no usable `languages` list (like `languages: [en, es]`); fix it first",
            usage=False,
        )
    return tuple(dict.fromkeys(languages))


# -- the command ----------------------------------------------------------------------------------


def new_slide_command(
    deck_folder: Path, slide_id: str, after: str | None = None, *, assets: Path = DEFAULT_ASSETS
) -> int:
    """`kiosk new-slide`: make the slide, then validate the deck and show what is left to write."""
    try:
        path = new_slide(deck_folder, slide_id, after)
    except ScaffoldError as exc:
        print(f"kiosk: {exc}", file=sys.stderr)
        return 2 if exc.usage else 1
    except OSError as exc:
        print(
            f"kiosk: the new slide could not be written ({exc.strerror or exc}); check that you may write "
            f"to {deck_folder}",
            file=sys.stderr,
        )
        return 1
    here = Path.cwd()
    shown = _relative(path, here)
    where = f"after `{after}`" if after else "at the end"
    print(
        f"created {shown}, and added `{slide_id}` to the slide order in "
        f"{_relative(Path(deck_folder) / DECK_FILE, here)} ({where})"
    )
    from kiosk.layout.validation import full_report
    from kiosk.render.painter import Fonts

    problems = full_report(Path(deck_folder), fonts=Fonts(), assets=assets).problems
    mine = [p for p in problems if Path(p.file) == path]
    for problem in sorted(mine, key=lambda p: (p.line, p.column, p.message)):
        print(problem.format(relative_to=here))
    errors = [p for p in problems if p.severity is Severity.ERROR]
    if errors:
        for problem in errors:
            if problem not in mine:
                print(problem.format(relative_to=here), file=sys.stderr)
        print(
            f"the deck has {len(errors)} error(s), so the kiosk will not show it until they are fixed "
            f"(`kiosk validate {deck_folder}`)",
            file=sys.stderr,
        )
        return 1
    print(
        f"OK: the deck validates. Write the new slide's text in {shown}, and watch it with `kiosk preview "
        f"{deck_folder}`."
    )
    return 0


def _relative(path: Path, here: Path) -> str:
    try:
        shown = os.path.relpath(path, here)
    except ValueError:
        return str(path)
    return str(path) if shown.startswith(".." + os.sep + "..") else shown
