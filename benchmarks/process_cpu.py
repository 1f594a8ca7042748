"""CPU use of the real `kiosk run` process (runner side: never imports pygame).

The kiosk runs as `python -m kiosk run --windowed --size 1920x1080 --deck COPY`, in a private
Xvfb (SDL_VIDEODRIVER=x11) when one is available, else on SDL's dummy driver. The window of
measurement starts `settle_s` after the kiosk's first flip (it writes KIOSK_FIRST_FRAME_FILE),
and CPU time is read from /proc/PID/stat (utime + stime, all threads, 10 ms ticks) and, as a
finer cross-check, from /proc/PID/task/*/schedstat, before and after the window.

- idle: a deck copy with min_slide_s = max_slide_s = 120, so the first slide stays up, static,
  for the whole window;
- loop: a deck copy with min_slide_s = max_slide_s = 3 and transition_s = 0.8: a crossfade
  every 3 s, each to a slide that usually has to be painted (9 slides, 5 cached screens).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from benchmarks.common import REPO, child_env, cpu_seconds, deck_copy, run_ns

IDLE_TIMING = {"min_slide_s": 120, "max_slide_s": 120}
LOOP_TIMING = {"min_slide_s": 3, "max_slide_s": 3, "transition_s": 0.8}


def measure(
    backend: str,
    display: str | None,
    xserver_pid: int | None,
    work: Path,
    *,
    timing: dict,
    window_s: float,
    settle_s: float,
    size: tuple[int, int] = (1920, 1080),
    patches: list[str] | None = None,
    extra_env: dict[str, str] | None = None,
) -> dict:
    name = f"deck-{'-'.join(f'{k}{v}' for k, v in timing.items())}"
    deck = work / name
    if not deck.exists():
        deck_copy(deck, **timing)
    marker = work / f"first-frame-{time.monotonic_ns()}"
    env = child_env(backend, display, {"KIOSK_FIRST_FRAME_FILE": str(marker), **(extra_env or {})})
    args = ["run", "--windowed", "--size", f"{size[0]}x{size[1]}", "--deck", str(deck)]
    if patches:
        command = [
            sys.executable,
            "-m",
            "benchmarks.patched_kiosk",
            *(x for p in patches for x in ("--patch", p)),
            "--",
            *args,
        ]
    else:
        command = [sys.executable, "-m", "kiosk", *args]
    log = work / "kiosk-cpu.log"
    with open(log, "ab") as out:
        proc = subprocess.Popen(command, env=env, cwd=REPO, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while not (marker.exists() and marker.read_text().endswith("\n")):
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(
                    "the kiosk showed no first frame (exit"
                    f" {proc.poll()}):\n{log.read_text(errors='replace')[-2000:]}"
                )
            time.sleep(0.01)
        time.sleep(settle_s)
        cpu0, ns0, wall0 = cpu_seconds(proc.pid), run_ns(proc.pid), time.monotonic()
        x0 = cpu_seconds(xserver_pid) if xserver_pid else None
        time.sleep(window_s)
        cpu1, ns1, wall1 = cpu_seconds(proc.pid), run_ns(proc.pid), time.monotonic()
        x1 = cpu_seconds(xserver_pid) if xserver_pid else None
        if proc.poll() is not None:
            raise RuntimeError(
                f"the kiosk exited during the window:\n{log.read_text(errors='replace')[-2000:]}"
            )
    finally:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(5)
    wall = wall1 - wall0
    result = {
        "backend": backend,
        "size": list(size),
        "timing": timing,
        "patches": patches or [],
        "window_s": round(wall, 2),
        "cpu_s": round(cpu1 - cpu0, 3),
        "cpu_pct": round(100 * (cpu1 - cpu0) / wall, 3),
        "cpu_pct_schedstat": round(100 * (ns1 - ns0) / 1e9 / wall, 3),
    }
    if x0 is not None and x1 is not None:
        result["xserver_cpu_pct"] = round(100 * (x1 - x0) / wall, 3)
    return result


if __name__ == "__main__":  # a quick manual check: python -m benchmarks.process_cpu [idle|loop] [seconds]
    import json
    import tempfile

    which = sys.argv[1] if len(sys.argv) > 1 else "idle"
    seconds = float(sys.argv[2]) if len(sys.argv) > 2 else 5
    with tempfile.TemporaryDirectory() as tmp:
        print(
            json.dumps(
                measure(
                    "dummy",
                    None,
                    None,
                    Path(tmp),
                    timing=IDLE_TIMING if which == "idle" else LOOP_TIMING,
                    window_s=seconds,
                    settle_s=1,
                    patches=[p for p in os.environ.get("PATCHES", "").split(",") if p],
                )
            )
        )
