"""Start -> first frame of `kiosk run` at 1920x1080 (fullscreen, private Xvfb), with the process's
own CPU at the first frame (utime + stime) beside the wall time: on a shared machine the CPU figure
moves far less with other work than the wall time does. Prints one JSON line per case.

    python -m benchmarks.start_cpu lastgood [--runs 5]
        a stills copy of the sample deck in ./slides, its own data folder: first with no last good
        deck (the folder is checked before the first frame), then with one (kept by a kiosk left
        running 10 s, so that its start-up check keeps the deck)
    python -m benchmarks.start_cpu scaling [--runs 5] [--work DIR]
        the scaling decks of 10, 100 and 500 slides (benchmarks.scaling's, slide cap lifted), no last
        good deck: the start-up growth per 100 slides
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks import scaling
from benchmarks.common import child_env, cpu_seconds, deck_copy, stop, xvfb


def first_frame(command: list[str], env: dict[str, str], work: Path) -> tuple[float, float]:
    marker = work / f"first-frame-{time.monotonic_ns()}"
    env = {**env, "KIOSK_FIRST_FRAME_FILE": str(marker)}
    with open(work / "kiosk.log", "ab") as out:
        started = time.time()
        proc = subprocess.Popen(command, env=env, cwd=work, stdout=out, stderr=out)
    try:
        while not (marker.exists() and marker.read_text().endswith("\n")):
            if proc.poll() is not None:
                raise SystemExit((work / "kiosk.log").read_text(errors="replace")[-2000:])
            time.sleep(0.002)
        return float(marker.read_text()) - started, cpu_seconds(proc.pid)
    finally:
        stop(proc)


def row(case: str, rows: list[tuple[float, float]]) -> dict:
    return {
        "case": case,
        "wall_median_s": round(statistics.median(r[0] for r in rows), 3),
        "cpu_median_s": round(statistics.median(r[1] for r in rows), 3),
        "walls_s": sorted(round(r[0], 3) for r in rows),
        "cpus_s": sorted(round(r[1], 3) for r in rows),
        "load_average_1min": round(os.getloadavg()[0], 2),
    }


def lastgood(runs: int, work: Path) -> None:
    deck_copy(work / "slides", min_slide_s=8, max_slide_s=30)
    env = child_env("xvfb", None, {"XDG_DATA_HOME": str(work / "data")})
    env["KIOSK_SETTINGS_FILE"] = str(work / "no-settings.yaml")
    command = [sys.executable, "-m", "kiosk", "run"]
    with xvfb(1920, 1080, work / "xvfb.log") as display:
        env["DISPLAY"] = display
        print(json.dumps(row("no last good deck", [first_frame(command, env, work) for _ in range(runs)])))
        with open(work / "kiosk.log", "ab") as out:
            keeper = subprocess.Popen(command, env=env, cwd=work, stdout=out, stderr=out)
        time.sleep(10)
        stop(keeper)
        if not (work / "data" / "kiosk" / "last-good" / "CURRENT").exists():
            raise SystemExit("no last good deck was kept")
        print(json.dumps(row("last good deck", [first_frame(command, env, work) for _ in range(runs)])))


def scaling_decks(runs: int, work: Path) -> None:
    env = child_env("xvfb", None, {"XDG_DATA_HOME": tempfile.mkdtemp(prefix="data-", dir=work)})
    results = []
    with xvfb(1920, 1080, work / "xvfb.log") as display:
        env["DISPLAY"] = display
        for count in scaling.SLIDE_COUNTS:
            deck = work / f"deck-{count}"
            if not deck.exists():
                scaling.write_deck(deck, count)
            command = scaling.kiosk_command("run", "--deck", str(deck))
            results.append(row(f"{count} slides", [first_frame(command, env, work) for _ in range(runs)]))
            print(json.dumps(results[-1]), flush=True)
    span = (scaling.SLIDE_COUNTS[-1] - scaling.SLIDE_COUNTS[0]) / 100
    print(
        json.dumps(
            {
                "growth_per_100_slides_wall_s": round(
                    (results[-1]["wall_median_s"] - results[0]["wall_median_s"]) / span, 3
                ),
                "growth_per_100_slides_cpu_s": round(
                    (results[-1]["cpu_median_s"] - results[0]["cpu_median_s"]) / span, 3
                ),
            }
        )
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("case", choices=("lastgood", "scaling"))
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--work", type=Path, default=None, help="reuse the decks in this folder")
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="kiosk-start-cpu-"))
    work.mkdir(parents=True, exist_ok=True)
    if args.case == "lastgood":
        lastgood(args.runs, work)
    else:
        scaling_decks(args.runs, work)
    return 0


if __name__ == "__main__":
    sys.exit(main())
