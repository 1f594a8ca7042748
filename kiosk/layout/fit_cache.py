"""The fit check's results kept on disk, per slide, so an unchanged slide is not laid out again.

The fit check lays out every screen of a deck over the whole matrix (sizes, languages, touch and
lobby, normal and A+ text): seconds per deck. Its answer depends only on the slide's own content and
file (the warnings carry its lines and columns), the deck-wide settings (languages, labels, the
contact, the number of slides for the progress dots), the kiosk's own code and the font. All of these
go into each slide's key, so an edit re-checks exactly that slide, and a new kiosk version or font
re-checks everything.

Entries are JSON files in `$KIOSK_CACHE_DIR`, else the platform's user cache folder for "kiosk".
A missing, corrupt or unwritable cache only costs time: it is never an error.

Only fonts that say what they are (a `fingerprint` attribute, see `kiosk.render.painter.Fonts`) are
cached: a stand-in font in a test measures differently and must never read the real font's answers.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import hashlib
import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

import kiosk
from kiosk.content.deck import Deck, Slide
from kiosk.content.problems import Problem, Severity

# Bump when the stored form or the meaning of a key changes.
FORMAT = 1
# The packages whose code decides what a layout is: the deck model, the program's views, layout.
_CODE_PACKAGES = ("content", "core", "layout")
# Stands for the deck's folder in keys and stored file names, so a copy of a deck shares entries.
_DECK = "<deck>"

# Checks the given slides (indexes) and says each one's problems: all slides the cache lacks at once,
# so the check can share work between them (and spread it over processes).
SlidesCheck = Callable[[list[int]], dict[int, list[Problem]]]


def cache_folder() -> Path:
    """Where entries are kept: `$KIOSK_CACHE_DIR`, else the user cache folder for "kiosk"."""
    chosen = os.environ.get("KIOSK_CACHE_DIR")
    if chosen:
        return Path(chosen)
    import platformdirs

    return Path(platformdirs.user_cache_dir("kiosk")) / "fit"


@functools.cache
def code_fingerprint() -> str:
    """The kiosk's version and the text of every module that shapes a layout."""
    digest = hashlib.sha256(f"{FORMAT} {kiosk.__version__}".encode())
    root = Path(kiosk.__file__).resolve().parent
    for package in _CODE_PACKAGES:
        for source in sorted((root / package).rglob("*.py")):
            digest.update(source.relative_to(root).as_posix().encode())
            digest.update(source.read_bytes())
    return digest.hexdigest()


def slide_keys(deck: Deck, font_fingerprint: str) -> list[str]:
    """One key per slide of `deck`: it changes when anything its fit warnings depend on does."""
    folder = str(deck.folder)
    shared = hashlib.sha256()
    for part in (code_fingerprint(), font_fingerprint, str(len(deck.slides))):
        shared.update(part.encode() + b"\0")
    shared.update(repr(dataclasses.replace(deck, slides=())).replace(folder, _DECK).encode())
    keys = []
    for index, slide in enumerate(deck.slides):
        digest = shared.copy()
        digest.update(f"\0{index}\0".encode())
        digest.update(repr(slide).replace(folder, _DECK).encode())
        for path in _files_of(slide):
            digest.update(b"\0" + _file_digest(path))
        keys.append(digest.hexdigest())
    return keys


def cached_problems(deck: Deck, keys: list[str], check: SlidesCheck) -> list[list[Problem]]:
    """Each slide's problems: from the cache where its key is stored, else from one `check(indexes)`
    of all the slides not stored (then stored). `keys` come from `slide_keys`."""
    folder = cache_folder()
    entries = [folder / key[:2] / f"{key}.json" for key in keys]
    stored = [_read(entry, deck) for entry in entries]
    missing = [index for index, found in enumerate(stored) if found is None]
    checked = check(missing) if missing else {}
    problems: list[list[Problem]] = []
    for index, found in enumerate(stored):
        if found is None:
            found = checked[index]
            _write(entries[index], found, deck)
        problems.append(found)
    return problems


def _files_of(slide: Slide) -> list[Path]:
    """The slide's file (its lines and columns are in the warnings) and its pictures."""
    files = [Path(slide.source)]
    images = [slide.image, *(image for _, image in slide.images)]
    for detail in slide.details:
        images += [detail.image, *(image for _, image in detail.images)]
        images += [step.image for step in detail.steps]
    files += sorted({image.path for image in images if image is not None})
    return files


def _file_digest(path: Path) -> bytes:
    try:
        return hashlib.sha256(path.read_bytes()).digest()
    except OSError:
        return b"unreadable"


def _read(entry: Path, deck: Deck) -> list[Problem] | None:
    try:
        stored = json.loads(entry.read_text(encoding="utf-8"))
        return [
            Problem(
                _absolute(item["file"], deck),
                int(item["line"]),
                int(item["column"]),
                str(item["message"]),
                Severity(item["severity"]),
                int(item["rank"]),
            )
            for item in stored["problems"]
        ]
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return None  # missing, unreadable or corrupt: check the slide again


def _write(entry: Path, problems: list[Problem], deck: Deck) -> None:
    stored = {
        "problems": [
            {
                "file": _relative(p.file, deck),
                "line": p.line,
                "column": p.column,
                "message": p.message,
                "severity": p.severity.value,
                "rank": p.rank,
            }
            for p in problems
        ]
    }
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        # Written beside and renamed: a reader never sees half an entry, even with checks in parallel.
        handle, temporary = tempfile.mkstemp(dir=entry.parent, suffix=".tmp")
    except OSError:
        return  # a read-only disk: the next check simply runs again
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(stored, out)
        os.replace(temporary, entry)
    except OSError:  # a full disk: the same
        with contextlib.suppress(OSError):
            os.unlink(temporary)


def _relative(file: str, deck: Deck) -> str:
    folder = str(deck.folder)
    if file == folder or file.startswith(folder + os.sep):
        return _DECK + file[len(folder) :]
    return file


def _absolute(file: str, deck: Deck) -> str:
    if file.startswith(_DECK):
        return str(deck.folder) + file[len(_DECK) :]
    return file
