"""Which deck the kiosk shows first: never a black screen while a good deck exists.

1. A last good deck (`kiosk.content.snapshot.LastGood`) made from the folder as it is now: shown
   at once, with no validation before the first frame; the reloader checks the folder for its
   warnings in its worker once the first frame is up.
2. A last good deck made from another state of the folder: shown at once too; the reloader loads
   the folder in its worker at its first poll and switches only if the folder passes. A broken
   folder (a power cut during a sync left `deck.yaml` empty) keeps the last good deck on screen.
3. No last good deck: the folder is read here, within the read bounds (kiosk.content.budget).
4. No last good deck and the folder is refused: the bundled sample deck, with a notice on the staff
   screen and in the log naming file, line and fix. Never an exit that systemd would loop on.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from kiosk.content.deck import Deck
from kiosk.content.problems import Problem, Severity
from kiosk.content.report import Report
from kiosk.content.snapshot import LastGood
from kiosk.resources import ASSETS_DIR as DEFAULT_ASSETS
from kiosk.resources import SAMPLE_DECK_DIR
from kiosk.runtime.reload import Fingerprint, fingerprint

log = logging.getLogger(__name__)

NOT_LOADED = Fingerprint("", ())  # what the reloader is told is showing when the folder must be loaded


@dataclass(frozen=True, slots=True, kw_only=True)
class StartDeck:
    deck: Deck
    origin: str  # "folder", "last-good" or "sample"
    seen: Fingerprint  # the folder as scanned at start (before anything was read)
    loaded: Fingerprint  # for the reloader: `seen` when the folder needs no load, else NOT_LOADED
    notice: tuple[Problem, ...] = ()  # for the staff screen: why this is not the folder's deck
    took_s: float = 0.0


def start_deck(
    folder: Path,
    store: LastGood | None,
    *,
    assets: Path = DEFAULT_ASSETS,
    sample: Path = SAMPLE_DECK_DIR,
    check: Callable[[Path], Report] | None = None,
    clock: Callable[[], float] = time.perf_counter,
) -> StartDeck | None:
    """The deck to show first (see the module's doc); None only when not even the sample deck loads."""
    started = clock()
    seen = fingerprint(folder)
    snapshot = store.load() if store is not None else None
    if snapshot is not None and snapshot.watched not in ("", watched_name(folder)):
        # Kept for another deck folder (a second deck tried on this machine): the folder given
        # comes first, and that deck is only the fallback if it is refused.
        other, snapshot = snapshot, None
    else:
        other = None
    if snapshot is not None:
        matches = snapshot.source_key == seen.key()
        log.info(
            "showing the last good deck kept %s from %s%s",
            snapshot.saved_at,
            snapshot.source_folder,
            "" if matches else f"; {folder} has changed since and is checked in the background",
        )
        return StartDeck(
            deck=snapshot.deck,
            origin="last-good",
            seen=seen,
            loaded=seen if matches else NOT_LOADED,
            took_s=clock() - started,
        )
    if check is None:
        from kiosk.content.loader import check_deck  # pydantic and PyYAML: only when the folder is read

        check = partial(check_deck, assets=assets)
    read = check
    source = Path(seen.folder) if seen.folder else folder  # one release, even if `current` moves
    report = read(source)
    if report.deck is not None:
        return StartDeck(deck=report.deck, origin="folder", seen=seen, loaded=seen, took_s=clock() - started)
    if other is not None:
        log.error(
            "the deck in %s was refused (%d error(s)); showing the last good deck, kept from %s."
            " Run `kiosk validate %s`:",
            folder,
            len(report.errors),
            other.source_folder,
            folder,
        )
        for problem in report.errors[:20]:
            log.error("  %s", problem.format())
        return StartDeck(
            deck=other.deck,
            origin="last-good",
            seen=seen,
            loaded=seen,
            notice=report.errors,
            took_s=clock() - started,
        )
    errors = report.errors
    log.error(
        "the deck in %s was refused (%d error(s)) and no last good deck is kept; showing the bundled"
        " sample deck until the deck is fixed. Run `kiosk validate %s`:",
        folder,
        len(errors),
        folder,
    )
    for problem in errors[:20]:
        log.error("  %s", problem.format())
    fallback = read(sample)
    if fallback.deck is None:
        log.error("the bundled sample deck in %s is refused too; reinstall the kiosk", sample)
        return None
    first = errors[0].format() if errors else str(folder)
    notice = Problem(
        str(folder),
        1,
        1,
        f"this deck was refused at start, so the bundled sample deck is showing; fix {first}"
        f" (run `kiosk validate {folder}`). The kiosk switches as soon as the deck passes",
        Severity.ERROR,
    )
    return StartDeck(
        deck=fallback.deck,
        origin="sample",
        seen=seen,
        loaded=seen,  # loaded again only when the folder changes
        notice=(notice, *errors),
        took_s=clock() - started,
    )


def watched_name(folder: Path) -> str:
    """The deck folder as given, made absolute but not resolved (`current` stays `current`)."""
    return os.path.abspath(folder)


def keeper(store: LastGood, folder: Path) -> Callable[[Report, Fingerprint], None]:
    """The reloader's `on_good`: keep every deck that passes as the last good one (in its worker)."""

    def keep(report: Report, state: Fingerprint) -> None:
        if report.deck is not None:
            store.save(
                report.deck, source_key=state.key(), source_folder=state.folder, watched=watched_name(folder)
            )

    return keep
