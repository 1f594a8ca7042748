"""CPU use of the real `kiosk run` process (runner side: never imports pygame).

The kiosk runs as `python -m kiosk run --windowed --size 1920x1080 --deck COPY`, in a private
Xvfb (SDL_VIDEODRIVER=x11) when one is available, else on SDL's dummy driver. The window of
measurement starts `settle_s` after the kiosk's first flip (it writes KIOSK_FIRST_FRAME_FILE),
and CPU time is read from /proc/PID/stat (utime + stime, all threads, 10 ms ticks) and, as a
finer cross-check, from /proc/PID/task/*/schedstat, before and after the window.

- idle: a deck copy with min_slide_s = max_slide_s = 120, so the first slide stays up, static,
  for the whole window;
- loop: a deck copy with min_slide_s = max_slide_s = 3 and transition_s = 0.8: a crossfade
  every 3 s, each to a slide that has to be painted (9 slides, 2 cached screens at 1080p; the
  kiosk paints the next one while the current one is still).
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


if __name__ == "__main__":
    # A manual check: python -m benchmarks.process_cpu [idle|loop] [seconds] [settle seconds] [--xvfb]
    # A settle of 8 s or more leaves out the reloader's one-off check of the deck 5 s after start
    # (0.3 s of CPU), which the suite's windows (settle 1-2 s) include: the steady state.
    import json
    import shutil
    import tempfile

    args = [a for a in sys.argv[1:] if a != "--xvfb"]
    which = args[0] if args else "idle"
    seconds = float(args[1]) if len(args) > 1 else 5
    settle = float(args[2]) if len(args) > 2 else 1
    xvfb = None
    display = None
    if "--xvfb" in sys.argv and shutil.which("Xvfb"):
        display = f":{200 + os.getpid() % 500}"
        xvfb = subprocess.Popen(
            ["Xvfb", display, "-screen", "0", "1920x1080x24", "-nolisten", "tcp"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(1.5)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            print(
                json.dumps(
                    measure(
                        "xvfb" if xvfb else "dummy",
                        display,
                        xvfb.pid if xvfb else None,
                        Path(tmp),
                        timing=IDLE_TIMING if which == "idle" else LOOP_TIMING,
                        window_s=seconds,
                        settle_s=settle,
                        patches=[p for p in os.environ.get("PATCHES", "").split(",") if p],
                    )
                )
            )
    finally:
        if xvfb is not None:
            xvfb.terminate()
            xvfb.wait()
