"""How the kiosk's costs grow with the deck: 10, 100 and 500 slides (issue 16).

    .venv/bin/python -m benchmarks --scaling [--quick]      (through the runner: a table)
    python -m benchmarks.scaling deck FOLDER --slides N      (write a deck of N slides)
    python -m benchmarks.scaling pss --deck FOLDER --size WxH (child: PSS after a whole loop)
    python -m benchmarks.scaling kiosk -- ARGS...            (child: `kiosk ARGS` without the cap)

The decks are made from the sample deck's nine slides, in turn, with real texts: copy n of a slide
gets its own id, " n" after its title and its summary's sentences rotated by n, so the texts (and
their line breaks) differ between copies, while the pictures are the same few SVGs, reused (a
clip's slide shows its poster, as in `deck_copy`: these are a slideshow's figures).

The deck format caps a deck at 60 slides (`DeckFile.slides`, a limit against resource exhaustion,
docs/security.md). The benchmark lifts that cap inside its own processes only (`lift_slide_cap`),
to see how the kiosk would grow; the format itself is unchanged.

Three figures per deck:
- the PSS of a kiosk that has played every slide once (a real `Kiosk` on a fake clock, drawing
  every frame of every crossfade of one loop, in the display the runner gives it);
- start-up to the first frame: the real `kiosk run` process, as `benchmarks.startup` times it;
- `kiosk validate` on a cold fit cache (a fresh `KIOSK_CACHE_DIR`): the wall time of the process.

The runner side of this module never imports pygame (see benchmarks/common.py).
"""

from __future__ import annotations

import copy
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.common import REPO, SLIDES, child_env, emit, run_child, still_picture

SLIDE_COUNTS = (10, 100, 500)
QUICK_SLIDE_COUNTS = (10, 30)
SAMPLE_ORDER_KEY = "slides"


# -- the decks ------------------------------------------------------------------------------------


def write_deck(folder: Path, slides: int, *, source: Path = SLIDES) -> Path:
    """A deck of `slides` slides in `folder`, made from the slides of `source` in turn (see above)."""
    import yaml

    deck = yaml.safe_load((source / "deck.yaml").read_text(encoding="utf-8"))
    bases = [
        yaml.safe_load((source / f"{slide_id}.yaml").read_text(encoding="utf-8"))
        for slide_id in deck[SAMPLE_ORDER_KEY]
    ]
    folder.mkdir(parents=True, exist_ok=True)
    ids = []
    for number in range(slides):
        base = bases[number % len(bases)]
        round_ = number // len(bases)
        slide = copy.deepcopy(base)
        if round_:
            slide["id"] = f"{base['id']}-{round_ + 1}"
            slide["title"] = {lang: f"{text} {round_ + 1}" for lang, text in base["title"].items()}
            slide["summary"] = {lang: _rotated(text, round_) for lang, text in base["summary"].items()}
        ids.append(slide["id"])
        _dump(folder / f"{slide['id']}.yaml", slide)
        still_picture(folder / f"{slide['id']}.yaml")  # a slideshow's figures, as `deck_copy` gives
    deck[SAMPLE_ORDER_KEY] = ids
    _dump(folder / "deck.yaml", deck)
    return folder


def _rotated(text: str, by: int) -> str:
    """The sentences of `text`, the first `by` (modulo their number) moved to the end."""
    sentences = [s for s in re.split(r"(?<=[.!?])\s+", text.strip()) if s]
    if len(sentences) < 2:
        return text
    by %= len(sentences)
    return " ".join(sentences[by:] + sentences[:by])


def _dump(path: Path, data: dict) -> None:
    import yaml

    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000), encoding="utf-8")


def lift_slide_cap(limit: int = 10_000) -> None:
    """Let `DeckFile` hold up to `limit` slides, in this process only (see the module docstring)."""
    from annotated_types import MaxLen

    from kiosk.content.schema import DeckFile

    field = DeckFile.model_fields[SAMPLE_ORDER_KEY]
    field.metadata = [MaxLen(limit) if isinstance(m, MaxLen) else m for m in field.metadata]
    DeckFile.model_rebuild(force=True)


# -- children ---------------------------------------------------------------------------------------


def child_pss(deck_folder: Path, size: tuple[int, int], frame_step: float) -> dict:
    """PSS after one whole loop: every slide shown once, every crossfade drawn (fake clock)."""
    import gc

    import pygame

    from benchmarks import inprocess
    from benchmarks.common import smaps_kib
    from benchmarks.memory import FakeClock

    display = inprocess.open_display(size)
    clock = FakeClock()
    kiosk = inprocess.make_kiosk(display, deck_folder=deck_folder, clock=clock, wall_clock=clock.wall)
    kiosk.tick()
    slides = len(kiosk.state.program.deck.slides)
    first = smaps_kib()["Pss"]
    started = time.perf_counter()
    seen = {kiosk.state.view.slide}
    frames = 0
    # Long enough for every slide at its longest (reading time is capped by max_slide_s).
    end = clock.now + slides * 400.0
    while clock.now < end and len(seen) < slides:
        for event in pygame.event.get():
            kiosk.handle_event(event)
        frames += kiosk.tick()
        seen.add(kiosk.state.view.slide)
        moving = kiosk.state.moving(clock.now)
        clock.now += frame_step if moving else max(frame_step, min(kiosk.sleep_s(), 1.0))
    # ...and the crossfade back to the first slide, so the last one's screen is given up too.
    while kiosk.state.view.slide != 0 and clock.now < end + 400.0:
        frames += kiosk.tick()
        clock.now += frame_step if kiosk.state.moving(clock.now) else max(frame_step, kiosk.sleep_s())
    gc.collect()
    memory = smaps_kib()
    return {
        "driver": pygame.display.get_driver(),
        "slides": slides,
        "slides_shown": len(seen),
        "frames": frames,
        "simulated_s": round(clock.now - 1000.0, 1),
        "pss_first_frame_mib": round(first / 1024, 2),
        "pss_mib": round(memory["Pss"] / 1024, 2),
        "pss_anon_mib": round(memory.get("Pss_Anon", 0) / 1024, 2),
        "rss_mib": round(memory["Rss"] / 1024, 2),
        "seconds": round(time.perf_counter() - started, 1),
    }


# -- the runner side --------------------------------------------------------------------------------


def kiosk_command(*args: str) -> list[str]:
    """`kiosk ARGS` with the slide cap lifted (this module's `kiosk` child)."""
    return [sys.executable, "-m", "benchmarks.scaling", "kiosk", "--", *args]


def validate_s(deck: Path, work: Path, env: dict[str, str]) -> dict:
    """Wall time of `kiosk validate DECK` with an empty fit cache (cold, as a fresh install)."""
    cache = Path(tempfile.mkdtemp(prefix="fit-cache-", dir=work))
    env = {**env, "KIOSK_CACHE_DIR": str(cache), "SDL_VIDEODRIVER": "dummy"}
    started = time.monotonic()
    done = subprocess.run(
        kiosk_command("validate", str(deck)), env=env, cwd=REPO, capture_output=True, text=True, timeout=3600
    )
    seconds = time.monotonic() - started
    shutil.rmtree(cache, ignore_errors=True)
    if done.returncode != 0:
        raise RuntimeError(f"kiosk validate {deck} exited {done.returncode}:\n{done.stderr[-2000:]}")
    summary = next((line for line in done.stdout.splitlines() if line.startswith("OK")), "")
    return {"seconds": round(seconds, 2), "summary": summary}


def startup_s(deck: Path, backend: str, display: str | None, work: Path, runs: int) -> list[float]:
    """Start -> first frame of the real kiosk on `deck` (as benchmarks.startup times it)."""
    times = []
    for _ in range(runs):
        marker = work / f"first-frame-{time.monotonic_ns()}"
        env = child_env(backend, display, {"KIOSK_FIRST_FRAME_FILE": str(marker)})
        args = ["run", "--deck", str(deck)]
        if backend != "xvfb":
            args += ["--size", "1920x1080"]
        log = work / "kiosk-scaling.log"
        with open(log, "ab") as out:
            t0 = time.time()
            proc = subprocess.Popen(kiosk_command(*args), env=env, cwd=work, stdout=out, stderr=out)
        try:
            deadline = time.monotonic() + 120
            while not (marker.exists() and marker.read_text().endswith("\n")):
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(
                        f"no first frame for {deck} (exit {proc.poll()}):\n"
                        + log.read_text(errors="replace")[-2000:]
                    )
                time.sleep(0.005)
            times.append(float(marker.read_text()) - t0)
        finally:
            proc.terminate()
            try:
                proc.wait(5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(5)
    return times


def measure(
    backend: str,
    display: str | None,
    work: Path,
    *,
    counts: tuple[int, ...] = SLIDE_COUNTS,
    startup_runs: int = 3,
    frame_step: float = 1 / 30,
) -> dict:
    """The three figures for each deck size; the runner prints them as a table."""
    rows = []
    for count in counts:
        deck = write_deck(work / f"deck-{count}", count)
        env = child_env("dummy")
        row: dict = {"slides": count}
        row["validate"] = validate_s(deck, work, env)
        # The validated deck's caches (fit, and any the kiosk keeps) are warm from here on, as on a
        # kiosk that has run before: start-up is the boot of an installed kiosk.
        times = sorted(startup_s(deck, backend, display, work, startup_runs))
        row["startup_runs_s"] = [round(t, 3) for t in times]
        row["startup_s"] = round(times[len(times) // 2], 3)
        pss = run_child(
            "scaling",
            ["pss", "--deck", str(deck), "--size", "1920x1080", "--frame-step", str(frame_step)],
            child_env(backend, display),
            timeout_s=3600,
        )
        row["pss"] = pss
        rows.append(row)
    return {"rows": rows, "summary": summarise(rows)}


def summarise(rows: list[dict]) -> dict:
    """The three judgements: PSS spread, start-up growth and validate time per 100 slides."""
    pss = [row["pss"]["pss_mib"] for row in rows]
    first, last = rows[0], rows[-1]
    span = (last["slides"] - first["slides"]) / 100
    return {
        "pss_spread_mib": round(max(pss) - min(pss), 2),
        "startup_growth_s_per_100": round((last["startup_s"] - first["startup_s"]) / span, 3)
        if span
        else 0.0,
        # Judged on the largest deck, where the fixed cost (starting Python, loading the font) is
        # spread thinnest; the worst deck (usually the smallest) is kept too.
        "validate_s_per_100_largest": round(last["validate"]["seconds"] * 100 / last["slides"], 2),
        "validate_s_per_100_worst": round(
            max(row["validate"]["seconds"] * 100 / row["slides"] for row in rows), 2
        ),
    }


def table(result: dict) -> list[str]:
    head = (
        "slides",
        "PSS after a loop (MiB)",
        "start-up (s)",
        "kiosk validate, cold (s)",
        "per 100 slides (s)",
    )
    rows: list[tuple[str, ...]] = [head]
    for row in result["rows"]:
        rows.append(
            (
                str(row["slides"]),
                f"{row['pss']['pss_mib']:.1f}",
                f"{row['startup_s']:.3f}",
                f"{row['validate']['seconds']:.2f}",
                f"{row['validate']['seconds'] * 100 / row['slides']:.2f}",
            )
        )
    widths = [max(len(r[i]) for r in rows) for i in range(len(head))]
    lines = ["  ".join(c.ljust(widths[i]) for i, c in enumerate(r)).rstrip() for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return lines


def main(argv: list[str]) -> int:
    import argparse

    if argv[:1] == ["kiosk"]:
        rest = argv[argv.index("--") + 1 :] if "--" in argv else argv[1:]
        lift_slide_cap()
        from kiosk.cli import main as kiosk_main

        return kiosk_main(rest)
    parser = argparse.ArgumentParser(prog="python -m benchmarks.scaling")
    sub = parser.add_subparsers(dest="what", required=True)
    deck = sub.add_parser("deck", help="write a deck of N slides")
    deck.add_argument("folder", type=Path)
    deck.add_argument("--slides", type=int, default=100)
    pss = sub.add_parser("pss", help="PSS after a whole loop (prints JSON)")
    pss.add_argument("--deck", type=Path, required=True)
    pss.add_argument("--size", default="1920x1080")
    pss.add_argument("--frame-step", type=float, default=1 / 30)
    args = parser.parse_args(argv)
    if args.what == "deck":
        print(write_deck(args.folder, args.slides))
        return 0
    os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
    lift_slide_cap()
    size = tuple(int(n) for n in args.size.split("x"))
    emit(child_pss(args.deck, (size[0], size[1]), args.frame_step))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
