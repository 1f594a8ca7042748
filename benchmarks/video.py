"""What a slide playing a 1280x720 H.264 clip costs, at 1920x1080 (issue 18).

    .venv/bin/python -m benchmarks.video [--seconds 30] [--backend auto|xvfb|dummy] [--out FILE]

- **CPU and PSS of the real process**: `python -m kiosk run --windowed --size 1920x1080` on a deck
  of one slide (How it works) whose `video:` is a generated 20 s 1280x720 25 fps H.264 clip (a
  moving noise texture, so the decoder has real motion and residuals to work on), kept on screen
  by `min_slide_s: 300`. CPU is utime+stime from /proc/PID/stat over the window (after a settle),
  PSS from /proc/PID/smaps_rollup at its end. The same deck with the clip replaced by its poster
  picture is measured too, so the clip's own share is the difference.
- **Frame-time jitter** (`jitter` child): a real `Kiosk` on the same deck and backend, real clock,
  its own `run()` loop; every time the loop draws a new video frame its time is taken. Reported:
  the intervals between drawn frames (median, p95, max, standard deviation; 40 ms is on time at
  25 fps), how late each frame was against its presentation time, and frames dropped (decoded,
  then replaced in the one-slot buffer before the loop took them).

Target: at most 35 % of one core for the clip (playing minus still), no drops outside decoder
stalls. On a machine shared with other work the figures are upper bounds: the JSON keeps the load
average before and after.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from fractions import Fraction
from pathlib import Path

from benchmarks.common import REPO, child_env, cpu_seconds, deck_copy, emit, machine, percentile, smaps_kib

CLIP_SIZE = (1280, 720)
CLIP_FPS = 25
CLIP_S = 20
SCREEN = (1920, 1080)


def make_clip(path: Path) -> Path:
    """A 20 s 1280x720 H.264 clip of a noise texture drifting across the frame (no pygame here)."""
    import av

    w, h = CLIP_SIZE
    margin = 256
    rng = random.Random(720)
    # Blocky noise (8x8 cells): compressible like footage, not like white noise.
    cells = [
        bytes(rng.randrange(40, 220) for _ in range(3)) + b"\xff" for _ in range(((w + margin) // 8) * 4)
    ]
    rows = []
    for y in range(h // 8):
        row = b"".join(cells[(x + y * 7) % len(cells)] * 8 for x in range((w + margin) // 8))
        rows.append(row)
    with av.open(str(path), "w", options={"movflags": "+faststart"}) as container:
        stream = container.add_stream(
            "libx264", rate=CLIP_FPS, options={"preset": "veryfast", "crf": "23", "g": "50"}
        )
        stream.width, stream.height = w, h
        stream.pix_fmt = "yuv420p"
        for n in range(CLIP_S * CLIP_FPS):
            shift = (n * 4) % margin * 4
            lines = []
            for y in range(h // 8):
                line = rows[y][shift : shift + w * 4]
                lines.append(line * 8)
            frame = av.VideoFrame.from_bytes(b"".join(lines), w, h, format="rgba")
            frame.pts = n
            frame.time_base = Fraction(1, CLIP_FPS)
            container.mux(stream.encode(frame))
        container.mux(stream.encode(None))
    return path


def video_deck(dest: Path, clip: Path | None) -> Path:
    """slides/ with only How it works, kept up 300 s; its clip replaced by `clip` (None: no clip,
    its poster picture instead)."""
    deck_copy(dest, min_slide_s=300, max_slide_s=300)
    deck_yaml = dest / "deck.yaml"
    text = deck_yaml.read_text(encoding="utf-8")
    text = re.sub(r"(?ms)^slides:\n(  - .*\n)+", "slides:\n  - how-it-works\n", text)
    deck_yaml.write_text(text, encoding="utf-8")
    slide = dest / "how-it-works.yaml"  # (deck_copy gave it its poster as a still picture)
    kept = slide.read_text(encoding="utf-8").splitlines()
    if clip is not None:
        (dest / "videos").mkdir(exist_ok=True)
        shutil.copyfile(clip, dest / "videos" / clip.name)
        picture = next(n for n, line in enumerate(kept) if line.startswith("image:"))
        kept[picture] = f"video: videos/{clip.name}\nposter: illustrations/how-it-works.svg\nspeech: false"
    slide.write_text("\n".join(kept) + "\n", encoding="utf-8")
    return dest


def measure_process(deck: Path, env: dict[str, str], work: Path, window_s: float, settle_s: float) -> dict:
    marker = work / f"first-frame-{time.monotonic_ns()}"
    env = {**env, "KIOSK_FIRST_FRAME_FILE": str(marker)}
    command = [sys.executable, "-m", "kiosk", "run", "--windowed", "--size", "1920x1080", "--deck", str(deck)]
    log = work / "kiosk-video.log"
    with open(log, "ab") as out:
        proc = subprocess.Popen(command, env=env, cwd=REPO, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 90
        while not (marker.exists() and marker.read_text().endswith("\n")):
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"no first frame:\n{log.read_text(errors='replace')[-2000:]}")
            time.sleep(0.01)
        time.sleep(settle_s)
        cpu0, wall0 = cpu_seconds(proc.pid), time.monotonic()
        time.sleep(window_s)
        cpu1, wall1 = cpu_seconds(proc.pid), time.monotonic()
        memory = smaps_kib(proc.pid)
        threads = len(list(Path(f"/proc/{proc.pid}/task").iterdir()))
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    return {
        "cpu_pct_of_one_core": round(100 * (cpu1 - cpu0) / (wall1 - wall0), 1),
        "pss_mib": round(memory["Pss"] / 1024, 1),
        "rss_mib": round(memory["Rss"] / 1024, 1),
        "threads": threads,
        "window_s": round(wall1 - wall0, 1),
    }


def jitter(deck_folder: Path, seconds: float) -> dict:
    """In-process: the loop's drawn video frames, timed (the `jitter` child's work)."""
    import threading

    import pygame

    from kiosk.content.loader import load_deck
    from kiosk.core.program import Mode
    from kiosk.runtime.app import Kiosk, Settings

    deck = load_deck(deck_folder)
    pygame.display.init()
    pygame.font.init()
    display = pygame.display.set_mode(SCREEN)
    kiosk = Kiosk(deck, Settings(mode=Mode.TOUCH), display)
    drawn: list[tuple[float, float, int]] = []  # (wall time, frame time in the clip, serial)
    original = kiosk.video.draw

    def timed(surface, *, again: bool = False):
        player = kiosk.video.player
        before = kiosk.video._last
        rect = original(surface, again=again)
        frame = kiosk.video._last
        if rect is not None and frame is not None and frame is not before and player is not None:
            drawn.append((time.monotonic(), frame.time_s, frame.serial))
        return rect

    kiosk.video.draw = timed  # type: ignore[method-assign]
    threading.Timer(seconds, lambda: setattr(kiosk, "running", False)).start()
    cpu0 = time.process_time()
    wall0 = time.monotonic()
    kiosk.run()
    cpu_pct = 100 * (time.process_time() - cpu0) / (time.monotonic() - wall0)
    kiosk.video.close()
    intervals = [b[0] - a[0] for a, b in zip(drawn, drawn[1:], strict=False)][5:]  # after start-up
    serials = [serial for _, _, serial in drawn]
    dropped = sum(b - a - 1 for a, b in zip(serials, serials[1:], strict=False))
    first_wall, first_t, _ = drawn[0] if drawn else (0.0, 0.0, 0)
    return {
        "frames_drawn": len(drawn),
        "frames_dropped": dropped,
        "expected_interval_ms": round(1000 / CLIP_FPS, 1),
        "interval_ms": {
            "median": round(1000 * statistics.median(intervals), 1) if intervals else None,
            "p95": round(1000 * percentile(intervals, 0.95), 1) if intervals else None,
            "max": round(1000 * max(intervals), 1) if intervals else None,
            "stdev": round(1000 * statistics.pstdev(intervals), 1) if intervals else None,
        },
        "in_process_cpu_pct": round(cpu_pct, 1),
        "first_frame_after_s": round(first_wall - wall0, 2) if drawn else None,
        "clip_time_of_first_drawn_s": first_t,
    }


def loadavg() -> float:
    return float(Path("/proc/loadavg").read_text().split()[0])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="CPU, PSS and frame-time jitter of a playing 720p clip")
    parser.add_argument("mode", nargs="?", default="all", choices=["all", "jitter"])
    parser.add_argument("--deck", type=Path, help="(jitter) the deck folder")
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--backend", default="auto", choices=["auto", "xvfb", "dummy"])
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks" / "results" / "video.json")
    args = parser.parse_args(argv)
    if args.mode == "jitter":
        emit(jitter(args.deck, args.seconds))
        return 0
    backend = args.backend
    if backend == "auto":
        backend = "xvfb" if shutil.which("Xvfb") else "dummy"
    with tempfile.TemporaryDirectory(prefix="kiosk-video-bench-") as tmp:
        work = Path(tmp)
        print("encoding the 1280x720 test clip...", file=sys.stderr)
        clip = make_clip(work / "bench-720p.mp4")
        playing = video_deck(work / "deck-video", clip)
        still = video_deck(work / "deck-still", None)
        report: dict = {"machine": machine(), "backend": backend, "load_before": loadavg()}

        def run(server_display: str | None) -> None:
            env = child_env(backend, server_display)
            report["playing"] = measure_process(playing, env, work, args.seconds, settle_s=3)
            report["still"] = measure_process(still, env, work, args.seconds, settle_s=3)
            done = subprocess.run(
                [sys.executable, "-m", "benchmarks.video", "jitter", "--deck", str(playing)]
                + ["--seconds", str(args.seconds)],
                env=env,
                cwd=REPO,
                capture_output=True,
                text=True,
                timeout=args.seconds + 120,
            )
            lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
            if done.returncode != 0 or not lines:
                raise RuntimeError(f"jitter run failed:\n{done.stderr[-3000:]}")
            report["jitter"] = json.loads(lines[-1])

        if backend == "xvfb":
            from benchmarks.common import XServer

            with XServer(*SCREEN, work / "xvfb.log") as server:
                run(server.display)
        else:
            run(None)
        report["load_after"] = loadavg()
        report["clip_cpu_pct_of_one_core"] = round(
            report["playing"]["cpu_pct_of_one_core"] - report["still"]["cpu_pct_of_one_core"], 1
        )
        report["clip_pss_mib"] = round(report["playing"]["pss_mib"] - report["still"]["pss_mib"], 1)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
    raise SystemExit(main())
