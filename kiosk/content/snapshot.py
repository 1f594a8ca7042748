"""The last-known-good deck: a compact, validated copy of the last deck that passed the checks.

The kiosk shows it at once at start (no validation before the first frame) and falls back to it
when the deck folder is refused, so a power cut during a sync, a truncated `deck.yaml` or a deck
too slow to read never leaves the screen black while a good deck existed.

On disk, in the kiosk's data folder (beside the statistics database):

    last-good/CURRENT            the name of the snapshot in use (replaced atomically)
    last-good/snap-<ns>/deck.json    the parsed deck as JSON (never pickle), with a checksum
    last-good/snap-<ns>/pictures/    copies of every picture the deck uses

A snapshot is written into a temporary folder, every file fsync'd, renamed into place, and only
then is CURRENT swapped (write, fsync, rename, fsync the folder): a power cut at any moment leaves
either the old snapshot or the new one, complete. The JSON names only the deck's own dataclasses
(a fixed list below), so reading it runs no code from the file.
"""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
import json
import logging
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kiosk.content.deck import (
    Bullets,
    Contact,
    Cue,
    Deck,
    Detail,
    Image,
    Numbered,
    Paragraph,
    QrCode,
    Review,
    Run,
    Slide,
    Sound,
    Step,
    Text,
    Timing,
    Video,
)
from kiosk.content.hours import OpeningHours, ShowWindow

log = logging.getLogger(__name__)

SNAPSHOT_VERSION = 1  # bump when the deck's dataclasses change shape: an old snapshot is then ignored
FOLDER_NAME = "last-good"
CURRENT_FILE = "CURRENT"
DECK_JSON = "deck.json"
PICTURES = "pictures"
# A deck's pictures are a few MB; a snapshot larger than this is not kept (the log says so).
MAX_SNAPSHOT_BYTES = 512 * 2**20

_CLASSES: dict[str, type] = {
    cls.__name__: cls
    for cls in (
        Deck,
        Slide,
        Detail,
        Step,
        Text,
        Image,
        QrCode,
        Review,
        Timing,
        Contact,
        Paragraph,
        Bullets,
        Numbered,
        OpeningHours,
        ShowWindow,
        # A clip, its captions and a narration: without them a deck with any of these was never
        # kept (TypeError, logged), and the deck check's child could not send it back.
        Video,
        Cue,
        Sound,
        Run,
    )
}


class SnapshotError(ValueError):
    """A snapshot file that cannot be read back: it is ignored, never shown half."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Snapshot:
    deck: Deck
    source_key: str  # the fingerprint of the deck folder it was made from (the caller's digest)
    source_folder: str  # the folder it was read from (the real path, e.g. releases/<id>)
    watched: str  # the deck folder as the kiosk was given it (e.g. /srv/kiosk/current); "" unknown
    saved_at: str  # ISO time, for the log and the staff screen
    folder: Path  # where the snapshot lies


# -- the deck as JSON ---------------------------------------------------------------------------


def encode_deck(deck: Deck, pictures: dict[Path, str]) -> Any:
    """The deck as JSON-able data; pictures in `pictures` are written as paths inside the snapshot."""

    def encode(value: Any) -> Any:
        if value is None or isinstance(value, (bool, int, float, str)):
            return value
        if isinstance(value, (tuple, list)):
            return [encode(item) for item in value]
        if isinstance(value, Path):
            if value in pictures:
                return {"~picture": pictures[value]}
            return {"~path": str(value)}
        if isinstance(value, datetime.datetime):
            raise TypeError("a deck holds dates, not times")
        if isinstance(value, datetime.date):
            return {"~date": value.isoformat()}
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            name = type(value).__name__
            if _CLASSES.get(name) is not type(value):
                raise TypeError(f"{name} is not part of a deck")
            fields = {field.name: encode(getattr(value, field.name)) for field in dataclasses.fields(value)}
            return {"~": name, **fields}
        raise TypeError(f"cannot store a {type(value).__name__} in a deck snapshot")

    return encode(deck)


def decode_deck(data: Any, folder: Path) -> Deck:
    """The deck from `encode_deck`'s data; picture paths are made absolute under `folder`."""

    def decode(value: Any) -> Any:
        if value is None or isinstance(value, (bool, int, float, str)):
            return value
        if isinstance(value, list):
            return tuple(decode(item) for item in value)
        if not isinstance(value, dict):
            raise SnapshotError(f"unexpected {type(value).__name__} in the snapshot")
        if "~picture" in value:
            relative = Path(str(value["~picture"]))
            if relative.is_absolute() or ".." in relative.parts:
                raise SnapshotError("a picture path leaves the snapshot")
            return folder / relative
        if "~path" in value:
            return Path(str(value["~path"]))
        if "~date" in value:
            return datetime.date.fromisoformat(str(value["~date"]))
        cls = _CLASSES.get(str(value.get("~")))
        if cls is None:
            raise SnapshotError(f"unknown kind {value.get('~')!r} in the snapshot")
        names = {field.name for field in dataclasses.fields(cls)}
        given = {key: decode(item) for key, item in value.items() if key != "~"}
        if set(given) - names:
            raise SnapshotError(f"unknown fields {sorted(set(given) - names)} for {cls.__name__}")
        try:
            return cls(**given)
        except TypeError as exc:
            raise SnapshotError(str(exc)) from None

    deck = decode(data)
    if not isinstance(deck, Deck):
        raise SnapshotError("the snapshot does not hold a deck")
    return deck


def deck_pictures(deck: Deck) -> tuple[Path, ...]:
    return tuple(sorted({image.path for slide in deck.slides for image in slide.all_images()}))


# -- the store ----------------------------------------------------------------------------------


class LastGood:
    """The last-known-good deck in `data_dir`/last-good: `load()` and `save()`; neither raises."""

    def __init__(self, data_dir: Path) -> None:
        self.root = Path(data_dir) / FOLDER_NAME

    def load(self) -> Snapshot | None:
        """The snapshot in use, or None when there is none or it cannot be read (logged)."""
        try:
            name = (self.root / CURRENT_FILE).read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            return None
        except (OSError, UnicodeDecodeError) as exc:
            log.warning("the last good deck in %s cannot be read (%s); it is not used", self.root, exc)
            return None
        try:
            return self._read(name)
        except (OSError, ValueError, KeyError, TypeError) as exc:
            log.warning("the last good deck %s is damaged (%s); it is not used", self.root / name, exc)
            return None

    def _read(self, name: str) -> Snapshot:
        if not name.startswith("snap-") or "/" in name or name.startswith("."):
            raise SnapshotError(f"CURRENT names {name!r}")
        folder = self.root / name
        raw = (folder / DECK_JSON).read_bytes()
        envelope = json.loads(raw)
        if envelope.get("version") != SNAPSHOT_VERSION:
            raise SnapshotError(f"version {envelope.get('version')!r}, this kiosk reads {SNAPSHOT_VERSION}")
        body = json.dumps(envelope["deck"], sort_keys=True, separators=(",", ":")).encode()
        if hashlib.sha256(body).hexdigest() != envelope["sha256"]:
            raise SnapshotError("its checksum does not match")
        deck = decode_deck(envelope["deck"], folder)
        for picture in deck_pictures(deck):
            if picture.is_relative_to(folder) and not picture.is_file():
                raise SnapshotError(f"the picture {picture.name} is missing")
        return Snapshot(
            deck=deck,
            source_key=str(envelope["source_key"]),
            source_folder=str(envelope["source_folder"]),
            watched=str(envelope.get("watched", "")),
            saved_at=str(envelope["saved_at"]),
            folder=folder,
        )

    def save(
        self, deck: Deck, *, source_key: str, source_folder: str = "", watched: str = ""
    ) -> Snapshot | None:
        """Keep `deck` (which passed the checks) as the last good one. Nothing is written when the
        snapshot in use was made from the same folder state; failures are logged, never raised.
        `watched` is the deck folder as the kiosk was given it, `source_folder` the real one read."""
        current = self.load()
        if current is not None and current.source_key == source_key and current.watched == watched:
            return current
        try:
            return self._write(
                deck, source_key=source_key, source_folder=source_folder or str(deck.folder), watched=watched
            )
        except (OSError, ValueError, TypeError) as exc:
            log.warning("the last good deck could not be kept in %s (%s)", self.root, exc)
            return None
        finally:
            self._tidy()

    def _write(self, deck: Deck, *, source_key: str, source_folder: str, watched: str) -> Snapshot | None:
        pictures = deck_pictures(deck)
        total = sum(path.stat().st_size for path in pictures)
        if total > MAX_SNAPSHOT_BYTES:
            log.warning(
                "the deck's pictures add up to %.0f MB, more than the %.0f MB kept as the last good deck;"
                " it is not kept (scale the pictures down: 1600 px is plenty)",
                total / 2**20,
                MAX_SNAPSHOT_BYTES / 2**20,
            )
            return None
        self.root.mkdir(parents=True, exist_ok=True)
        stamp = time.time_ns()
        temporary = self.root / f".tmp-{os.getpid()}-{stamp}"
        final = self.root / f"snap-{stamp}"
        (temporary / PICTURES).mkdir(parents=True)
        names: dict[Path, str] = {}
        for index, path in enumerate(pictures):
            name = f"{PICTURES}/{index}{path.suffix.lower()}"
            _copy_synced(path, temporary / name)
            names[path] = name
        data = encode_deck(deck, names)
        body = json.dumps(data, sort_keys=True, separators=(",", ":")).encode()
        saved_at = datetime.datetime.now().astimezone().isoformat(timespec="seconds")
        envelope = {
            "version": SNAPSHOT_VERSION,
            "source_key": source_key,
            "source_folder": source_folder,
            "watched": watched,
            "saved_at": saved_at,
            "sha256": hashlib.sha256(body).hexdigest(),
            "deck": data,
        }
        _write_synced(temporary / DECK_JSON, json.dumps(envelope, separators=(",", ":")).encode())
        _sync_folder(temporary / PICTURES)
        _sync_folder(temporary)
        os.rename(temporary, final)
        _sync_folder(self.root)
        pointer = self.root / f".{CURRENT_FILE}.tmp-{os.getpid()}"
        _write_synced(pointer, f"{final.name}\n".encode())
        os.replace(pointer, self.root / CURRENT_FILE)
        _sync_folder(self.root)
        log.info("kept %s (%d slides) as the last good deck in %s", source_folder, len(deck.slides), final)
        return Snapshot(
            deck=decode_deck(data, final),
            source_key=source_key,
            source_folder=source_folder,
            watched=watched,
            saved_at=saved_at,
            folder=final,
        )

    def _tidy(self) -> None:
        """Remove older snapshots and temporary folders a power cut left behind. The one before the
        snapshot in use is kept: the screen may still show that deck's pictures until the new deck
        takes over at the next slide boundary."""
        try:
            keep = (self.root / CURRENT_FILE).read_text(encoding="utf-8").strip()
            entries = list(self.root.iterdir())
        except OSError:
            return
        older = sorted(e.name for e in entries if e.name.startswith("snap-") and e.name != keep)
        kept = {keep, CURRENT_FILE, *older[-1:]}
        mine = f".tmp-{os.getpid()}-"
        for entry in entries:
            if entry.name in kept or entry.name.startswith(mine):
                continue
            if entry.name.startswith(("snap-", ".tmp-")):
                shutil.rmtree(entry, ignore_errors=True)


def _copy_synced(source: Path, target: Path) -> None:
    with source.open("rb") as reader, target.open("wb") as writer:
        shutil.copyfileobj(reader, writer, 1 << 20)
        writer.flush()
        os.fsync(writer.fileno())


def _write_synced(path: Path, data: bytes) -> None:
    with path.open("wb") as writer:
        writer.write(data)
        writer.flush()
        os.fsync(writer.fileno())


def _sync_folder(folder: Path) -> None:
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
