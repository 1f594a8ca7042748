"""Helpers shared by the benchmark runner and its child processes. Never imports pygame.

The runner itself stays free of pygame: every measurement that needs pygame runs in a child
process (`python -m benchmarks.<module> ...`), so the runner neither shares (and halves) the
kiosk's library pages in PSS nor disturbs the timings with its own state.
"""

from __future__ import annotations

import json
import math
import os
import re
import selectors
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from kiosk.resources import SAMPLE_DECK_DIR

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
SLIDES = SAMPLE_DECK_DIR
CLK_TCK = os.sysconf("SC_CLK_TCK")


# -- statistics ---------------------------------------------------------------------------------


def percentile(values: list[float], share: float) -> float:
    """Linear-interpolated percentile (share in 0..1), like numpy's default."""
    ordered = sorted(values)
    if not ordered:
        return math.nan
    position = (len(ordered) - 1) * share
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def summary_ms(seconds: list[float]) -> dict:
    ms = [s * 1000 for s in seconds]
    return {
        "n": len(ms),
        "median_ms": round(statistics.median(ms), 3),
        "p95_ms": round(percentile(ms, 0.95), 3),
        "min_ms": round(min(ms), 3),
        "max_ms": round(max(ms), 3),
    }


# -- /proc readings -----------------------------------------------------------------------------


def cpu_seconds(pid: int) -> float:
    """utime + stime of the whole process (all its threads), from /proc/PID/stat."""
    text = Path(f"/proc/{pid}/stat").read_text()
    fields = text[text.rindex(")") + 2 :].split()  # the command name may contain spaces
    return (int(fields[11]) + int(fields[12])) / CLK_TCK  # fields 14 and 15 of proc(5)


def run_ns(pid: int) -> int:
    """Time on CPU in nanoseconds, summed over the live threads (/proc/PID/task/*/schedstat):
    a finer clock than the 10 ms ticks of /proc/PID/stat."""
    total = 0
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            total += int((task / "schedstat").read_text().split()[0])
        except (OSError, ValueError, IndexError):
            pass
    return total


def smaps_kib(pid: int | str = "self") -> dict[str, int]:
    fields: dict[str, int] = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        name, _, rest = line.partition(":")
        if name in ("Rss", "Pss", "Pss_Anon", "Pss_File", "Pss_Shmem"):
            fields[name] = int(rest.split()[0])
    status = Path(f"/proc/{pid}/status").read_text()
    peak = re.search(r"^VmHWM:\s+(\d+)", status, re.M)
    if peak:
        fields["VmHWM"] = int(peak.group(1))
    return fields


# -- the machine --------------------------------------------------------------------------------


def machine() -> dict:
    cpuinfo = Path("/proc/cpuinfo").read_text(errors="replace")
    model = re.search(r"^model name\s*:\s*(.+)$", cpuinfo, re.M)
    mhz = re.search(r"^cpu MHz\s*:\s*(.+)$", cpuinfo, re.M)
    meminfo = Path("/proc/meminfo").read_text()
    total = re.search(r"^MemTotal:\s+(\d+)", meminfo, re.M)
    import platform

    try:
        affinity = len(os.sched_getaffinity(0))
    except AttributeError:
        affinity = os.cpu_count()
    return {
        "cpu_model": model.group(1).strip() if model else platform.processor() or "unknown",
        "cpu_mhz": float(mhz.group(1)) if mhz else None,
        "cores": os.cpu_count(),
        "usable_cores": affinity,
        "mem_total_mib": round(int(total.group(1)) / 1024) if total else None,
        "kernel": platform.release(),
        "machine": platform.machine(),
        "python": platform.python_version(),
        "xvfb": shutil.which("Xvfb") is not None,
    }


# -- decks --------------------------------------------------------------------------------------


def deck_copy(dest: Path, **timing: float) -> Path:
    """A copy of slides/ whose deck.yaml `timing:` block has the given values, with still pictures
    only: a clip's slide shows its poster (the figures here are a slideshow's; a clip would hold its
    slide up for its length and decode all the while. benchmarks/video.py measures clips)."""
    shutil.copytree(SLIDES, dest)
    for slide in dest.glob("*.yaml"):
        still_picture(slide)
    deck_yaml = dest / "deck.yaml"
    lines = deck_yaml.read_text(encoding="utf-8").splitlines()
    out: list[str] = []
    skipping = False
    for line in lines:
        if line.startswith("timing:"):
            skipping = True
            continue
        if skipping and (line.startswith(" ") or not line.strip()):
            continue
        skipping = False
        out.append(line)
    out.append("timing:")
    out += [f"  {name}: {value}" for name, value in timing.items()]
    deck_yaml.write_text("\n".join(out) + "\n", encoding="utf-8")
    return dest


def still_picture(slide: Path) -> None:
    """Replace a slide's `video:` (and its poster, captions and speech) with `image:` its poster."""
    lines = slide.read_text(encoding="utf-8").splitlines()
    if not any(line.startswith("video:") for line in lines):
        return
    kept: list[str] = []
    poster = None
    skip = False
    for line in lines:
        if line.startswith(("video:", "poster:", "captions:", "speech:")):
            if line.startswith("poster:"):
                poster = line.split("#")[0].removeprefix("poster:").strip()
            skip = line.startswith("captions:")
            continue
        if skip and line.startswith("  "):
            continue
        skip = False
        kept.append(line)
    if poster is not None:
        kept.insert(1, f"image: {poster}")
    slide.write_text("\n".join(kept) + "\n", encoding="utf-8")


# -- child processes ----------------------------------------------------------------------------


def child_env(
    backend: str, display: str | None = None, extra: dict[str, str] | None = None
) -> dict[str, str]:
    env = {**os.environ, "PYGAME_HIDE_SUPPORT_PROMPT": "1", "SDL_AUDIODRIVER": "dummy"}
    env["PYTHONPATH"] = os.pathsep.join([str(REPO), *filter(None, [os.environ.get("PYTHONPATH")])])
    if backend == "xvfb":
        env.update(DISPLAY=display or "", SDL_VIDEODRIVER="x11")
        env.pop("WAYLAND_DISPLAY", None)
    else:
        env["SDL_VIDEODRIVER"] = "dummy"
        env.pop("DISPLAY", None)
    env.update(extra or {})
    return env


def run_child(module: str, args: list[str], env: dict[str, str], timeout_s: float) -> dict:
    """Run `python -m benchmarks.<module> args...`; it prints one JSON object as its last line."""
    command = [sys.executable, "-m", f"benchmarks.{module}", *args]
    started = time.monotonic()
    done = subprocess.run(command, env=env, cwd=REPO, capture_output=True, text=True, timeout=timeout_s)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} exited {done.returncode}:\n{done.stderr[-3000:]}")
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if not lines:
        raise RuntimeError(
            f"{' '.join(command)} printed no JSON:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}"
        )
    result = json.loads(lines[-1])
    result.setdefault("wall_s", round(time.monotonic() - started, 1))
    return result


def emit(result: dict) -> None:
    """What a child prints last: one line of JSON for the runner."""
    sys.stdout.write(json.dumps(result) + "\n")
    sys.stdout.flush()


# -- a private X server -------------------------------------------------------------------------


def start_xvfb(width: int, height: int, log: Path, depth: int = 24) -> tuple[subprocess.Popen, str]:
    """A private Xvfb on the first free display in :99..:120, ready for clients: (process, ":N")."""
    for number in range(99, 121):
        if Path(f"/tmp/.X{number}-lock").exists() or Path(f"/tmp/.X11-unix/X{number}").exists():
            continue
        ready_r, ready_w = os.pipe()
        with open(log, "ab") as out:
            proc = subprocess.Popen(
                [
                    "Xvfb",
                    f":{number}",
                    "-screen",
                    "0",
                    f"{width}x{height}x{depth}",
                    "-nolisten",
                    "tcp",
                    "-displayfd",
                    str(ready_w),
                ],
                pass_fds=(ready_w,),
                stdout=out,
                stderr=out,
            )
        os.close(ready_w)
        announced = _read_line(ready_r, 10.0)  # Xvfb writes its display number once it accepts clients
        os.close(ready_r)
        if announced and proc.poll() is None:
            return proc, f":{announced}"
        stop(proc)
    raise SystemExit(f"could not start Xvfb on :99..:120; see {log}")


@contextmanager
def xvfb(width: int, height: int, log: Path) -> Iterator[str]:
    """`start_xvfb` as a context: yields the display name, stops the server on the way out."""
    proc, display = start_xvfb(width, height, log)
    try:
        yield display
    finally:
        stop(proc)


def _read_line(fd: int, timeout_s: float) -> str:
    data = b""
    deadline = time.monotonic() + timeout_s
    with selectors.DefaultSelector() as selector:
        selector.register(fd, selectors.EVENT_READ)
        while not data.endswith(b"\n") and selector.select(max(0.0, deadline - time.monotonic())):
            chunk = os.read(fd, 64)
            if not chunk:
                break
            data += chunk
    return data.decode(errors="replace").strip()


def stop(proc: subprocess.Popen) -> int | None:
    """Terminate a child we started (then kill it if it lingers); its exit status."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)
    return proc.returncode


class XServer:
    """A private Xvfb with its pid, for CPU readings of the server itself."""

    def __init__(self, width: int, height: int, log: Path) -> None:
        self._size = (width, height)
        self._log = log
        self._proc: subprocess.Popen | None = None
        self.display = ""
        self.pid: int | None = None

    def __enter__(self) -> XServer:
        self._proc, self.display = start_xvfb(*self._size, self._log)
        self.pid = self._proc.pid
        return self

    def __exit__(self, *exc: object) -> None:
        if self._proc is not None:
            stop(self._proc)
