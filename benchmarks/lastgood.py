"""Figures for issue 17's deck reading and start-up (docs/reliability.md): report only.

    python -m benchmarks.lastgood

Prints, in seconds: choosing the first deck from a last good copy that matches the folder, from one
that does not (a broken `current`), and with no copy (the folder read and checked); refusing a
60 MB deck of comments; fingerprinting a deck folder holding 100,000 empty folders, bounded, against
the unbounded walk of before. On a machine shared with other jobs these are upper bounds.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
FROZEN_DECK = REPO / "tests" / "fixtures" / "deck-frozen"


def _best(call, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> int:
    os.environ.setdefault("KIOSK_TODAY", "2026-12-01")
    sys.path.insert(0, str(REPO / "tests"))
    from test_deck_bounds import heavy_deck  # type: ignore[import-not-found]

    from kiosk.content.loader import check_deck, load_deck
    from kiosk.content.snapshot import LastGood
    from kiosk.runtime.reload import fingerprint
    from kiosk.runtime.startup import start_deck

    with tempfile.TemporaryDirectory() as temporary:
        root = Path(temporary)
        good = root / "v1"
        shutil.copytree(FROZEN_DECK, good)
        store = LastGood(root / "data")
        state = fingerprint(good)
        store.save(load_deck(good), source_key=state.key(), source_folder=state.folder)
        broken = root / "v2"
        shutil.copytree(FROZEN_DECK, broken)
        (broken / "deck.yaml").write_bytes(b"")
        empty = LastGood(root / "none")
        print(
            f"start_deck, last good copy matches the folder: {_best(lambda: start_deck(good, store)):.4f} s"
        )
        print(
            f"start_deck, broken folder, last good copy:     {_best(lambda: start_deck(broken, store)):.4f} s"
        )
        print(
            f"start_deck, no copy, the folder checked:       {_best(lambda: start_deck(good, empty)):.4f} s"
        )
        heavy = heavy_deck(root)
        print(f"check_deck refusing 60 x 1 MB of comments:     {_best(lambda: check_deck(heavy)):.4f} s")
        folders = root / "folders"
        shutil.copytree(FROZEN_DECK, folders)
        (folders / "junk").mkdir()
        for index in range(100_000):
            os.mkdir(folders / "junk" / f"{index:06d}")
        bounded = _best(lambda: fingerprint(folders), repeat=3)
        unbounded = _best(lambda: sum(len(files) for _, _, files in os.walk(folders)), repeat=3)
        print(f"fingerprint, 100,000 empty folders (bounded):  {bounded:.4f} s (in the reload worker)")
        print(f"os.walk of the same folder (the old scan):     {unbounded:.4f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
