"""Start-up time and memory of the real `kiosk run` process.

    .venv/bin/python benchmarks/startup.py

(a) process start -> first frame flipped, at 1920x1080, median of 5 runs: t0 = time.time() just
    before Popen, t1 = what the kiosk writes to KIOSK_FIRST_FRAME_FILE after its first flip;
(b) PSS (/proc/PID/smaps_rollup) of the running kiosk after the first frame, and after opening
    two details with real clicks (open, back, open), at 1920x1080 and at 3840x2160.

Backend: a private Xvfb (fullscreen, SDL_VIDEODRIVER=x11, clicks by xdotool) when Xvfb is on
PATH; otherwise SDL_VIDEODRIVER=dummy with `--size`, where no clicks can be sent, so the "after
details" figures are left out. Prints a table and writes benchmarks/results/startup.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import selectors
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

HERE = Path(__file__).resolve().parent
SIZES = ((1920, 1080), (3840, 2160))


# -- display backends ---------------------------------------------------------------------------


@contextmanager
def xvfb(width: int, height: int, log: Path):
    """A private X server on the first free display in :99..:120, ready for clients."""
    proc = None
    for number in range(99, 121):
        if Path(f"/tmp/.X{number}-lock").exists() or Path(f"/tmp/.X11-unix/X{number}").exists():
            continue
        ready_r, ready_w = os.pipe()
        with open(log, "ab") as out:
            proc = subprocess.Popen(
                ["Xvfb", f":{number}", "-screen", "0", f"{width}x{height}x24", "-nolisten", "tcp", "-displayfd", str(ready_w)],
                pass_fds=(ready_w,), stdout=out, stderr=out,
            )
        os.close(ready_w)
        announced = _read_line(ready_r, 10.0)
        os.close(ready_r)
        if announced and proc.poll() is None:
            break
        stop(proc)
        proc = None
    if proc is None:
        raise SystemExit(f"could not start Xvfb on :99..:120; see {log}")
    try:
        yield f":{announced}"
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
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)
    return proc.returncode


# -- one kiosk process --------------------------------------------------------------------------


class Kiosk:
    def __init__(self, backend: str, display: str | None, size: tuple[int, int], work: Path) -> None:
        self.backend = backend
        self.display = display
        self.size = size
        self.marker = work / f"first-frame-{time.monotonic_ns()}"
        self.log = work / "kiosk.log"
        env = {**os.environ, "KIOSK_FIRST_FRAME_FILE": str(self.marker), "PYGAME_HIDE_SUPPORT_PROMPT": "1"}
        command = [sys.executable, "-m", "kiosk", "run"]
        if backend == "xvfb":
            env.update(DISPLAY=display, SDL_VIDEODRIVER="x11")
            env.pop("WAYLAND_DISPLAY", None)
        else:
            env["SDL_VIDEODRIVER"] = "dummy"
            command += ["--size", f"{size[0]}x{size[1]}"]
        with open(self.log, "ab") as out:
            self.t0 = time.time()
            self.proc = subprocess.Popen(command, env=env, cwd=work, stdout=out, stderr=subprocess.STDOUT)

    def first_frame_s(self, timeout_s: float = 30.0) -> float:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            text = self.marker.read_text() if self.marker.exists() else ""
            if text.endswith("\n"):
                return float(text) - self.t0
            if self.proc.poll() is not None:
                break
            time.sleep(0.005)
        raise SystemExit(f"the kiosk showed no first frame (exit {self.proc.poll()}):\n{self.log.read_text(errors='replace')[-2000:]}")

    def memory_kib(self) -> dict[str, int]:
        fields = {}
        for line in Path(f"/proc/{self.proc.pid}/smaps_rollup").read_text().splitlines():
            name, _, rest = line.partition(":")
            if name in ("Rss", "Pss", "Pss_Anon", "Pss_File"):
                fields[name] = int(rest.split()[0])
        return fields

    def click(self, x: int, y: int) -> None:
        subprocess.run(["xdotool", "mousemove", str(x), str(y), "click", "1"], check=True, timeout=10, env={**os.environ, "DISPLAY": self.display})

    def capture(self, path: Path) -> Path:
        subprocess.run(["import", "-display", self.display, "-window", "root", f"png:{path}"], check=True, timeout=30, capture_output=True)
        return path

    def close(self) -> int | None:
        return stop(self.proc)


def hotspots(size: tuple[int, int]) -> tuple[list[tuple[str, tuple[int, int]]], tuple[int, int]]:
    """Centres of slide 1's `open:` hotspots and of a detail's Back button, from the kiosk's own layout."""
    os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
    os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
    from kiosk.cli import DEFAULT_DECK
    from kiosk.layout import arrange
    from kiosk.loader import check_deck
    from kiosk.painter import Fonts
    from kiosk.program import Mode, View

    deck = check_deck(DEFAULT_DECK).deck
    assert deck is not None, "the deck has errors; run `kiosk validate`"
    fonts = Fonts()

    def centres(view: View) -> list[tuple[str, tuple[int, int]]]:
        layout = arrange(deck, view, size[0], size[1], Mode.TOUCH, fonts.measure)
        return [(h.action, (h.box.x + h.box.w // 2, h.box.y + h.box.h // 2)) for h in layout.hotspots]

    opens = [(action, at) for action, at in centres(View(0, None, deck.default_language)) if action.startswith("open:")]
    back = next(at for action, at in centres(View(0, opens[0][0].removeprefix("open:"), deck.default_language)) if action == "back")
    return opens, back


def mean_abs_diff(a_path: Path, b_path: Path) -> float:
    import pygame

    surfaces = []
    for path in (a_path, b_path):
        loaded = pygame.image.load(str(path))
        plain = pygame.Surface(loaded.get_size(), 0, 32)
        plain.blit(loaded, (0, 0))
        surfaces.append(plain)
    a, b = surfaces
    a_minus_b, b_minus_a = a.copy(), b.copy()
    a_minus_b.blit(b, (0, 0), special_flags=pygame.BLEND_RGB_SUB)
    b_minus_a.blit(a, (0, 0), special_flags=pygame.BLEND_RGB_SUB)
    a_minus_b.blit(b_minus_a, (0, 0), special_flags=pygame.BLEND_RGB_ADD)
    raw = pygame.image.tobytes(a_minus_b, "RGB")
    return sum(raw) / len(raw)


# -- the measurements ---------------------------------------------------------------------------


def measure_startup(backend: str, display: str | None, work: Path, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        kiosk = Kiosk(backend, display, SIZES[0], work)
        try:
            times.append(kiosk.first_frame_s())
        finally:
            kiosk.close()
    return times


def measure_memory(backend: str, display: str | None, size: tuple[int, int], work: Path) -> dict:
    kiosk = Kiosk(backend, display, size, work)
    try:
        first_frame = kiosk.first_frame_s()
        time.sleep(0.5)  # let the start-up resize event's re-layout and redraw happen
        result: dict = {"size": list(size), "first_frame_s": round(first_frame, 3), "after_first_frame_kib": kiosk.memory_kib()}
        if backend != "xvfb" or shutil.which("xdotool") is None:
            result["after_details_kib"] = None
            result["details_note"] = "no clicks without Xvfb and xdotool"
            return result
        opens, back = hotspots(size)
        before = kiosk.capture(work / f"slide-{size[0]}.png")
        kiosk.click(*opens[0][1])
        time.sleep(0.6)  # 0.25 s fade, with room to spare
        opened = kiosk.capture(work / f"detail-{size[0]}.png")
        result["detail_opened"] = mean_abs_diff(before, opened) > 5.0
        result["after_one_detail_kib"] = kiosk.memory_kib()
        kiosk.click(*back)
        time.sleep(0.6)
        kiosk.click(*opens[1 % len(opens)][1])
        time.sleep(0.6)
        result["after_details_kib"] = kiosk.memory_kib()
        result["details_opened"] = [action for action, _ in opens[:2]]
        if kiosk.proc.poll() is not None:
            raise SystemExit(f"the kiosk died while clicking:\n{kiosk.log.read_text(errors='replace')[-2000:]}")
        return result
    finally:
        kiosk.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=("auto", "xvfb", "dummy"), default="auto", help="auto: Xvfb when on PATH, else SDL's dummy driver")
    parser.add_argument("--runs", type=int, default=5, help="start-up runs (median reported)")
    parser.add_argument("--out", type=Path, default=HERE / "results" / "startup.json")
    args = parser.parse_args()
    backend = args.backend
    if backend == "auto":
        backend = "xvfb" if shutil.which("Xvfb") else "dummy"
    if backend == "xvfb" and shutil.which("Xvfb") is None:
        parser.error("Xvfb is not on PATH")

    started = time.monotonic()
    memory = []
    with tempfile.TemporaryDirectory(prefix="kiosk-bench-") as tmp:
        work = Path(tmp)
        for size in SIZES:
            if backend == "xvfb":
                with xvfb(*size, work / "xvfb.log") as display:
                    if size == SIZES[0]:
                        startup = measure_startup(backend, display, work, args.runs)
                    memory.append(measure_memory(backend, display, size, work))
            else:
                if size == SIZES[0]:
                    startup = measure_startup(backend, None, work, args.runs)
                memory.append(measure_memory(backend, None, size, work))

    import pygame

    report = {
        "backend": backend,
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "host": {"python": platform.python_version(), "pygame_ce": pygame.version.ver, "sdl": ".".join(map(str, pygame.get_sdl_version())), "machine": platform.machine(), "cpus": os.cpu_count(), "kernel": platform.release()},
        "startup_1920x1080": {"runs_s": [round(t, 3) for t in startup], "median_s": round(statistics.median(startup), 3), "min_s": round(min(startup), 3), "max_s": round(max(startup), 3)},
        "memory": memory,
        "wall_s": round(time.monotonic() - started, 1),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")

    mib = lambda kib: f"{kib / 1024:7.1f}" if kib is not None else "    n/a"  # noqa: E731
    s = report["startup_1920x1080"]
    print(f"backend: {backend}; python {report['host']['python']}, pygame-ce {report['host']['pygame_ce']}, SDL {report['host']['sdl']}")
    print(f"start -> first frame, 1920x1080, {len(startup)} runs: median {s['median_s']:.3f} s (min {s['min_s']:.3f}, max {s['max_s']:.3f})")
    print()
    print(f"{'size':>10} {'first frame s':>14} {'PSS MiB':>8} {'+1 detail':>10} {'+2 details':>10} {'RSS MiB':>8}  detail opened")
    for row in memory:
        one = row.get("after_one_detail_kib") or {}
        two = row.get("after_details_kib") or {}
        print(
            f"{row['size'][0]:>5}x{row['size'][1]:<4} {row['first_frame_s']:>14.3f} {mib(row['after_first_frame_kib']['Pss']):>8} "
            f"{mib(one.get('Pss')):>10} {mib(two.get('Pss')):>10} {mib(two.get('Rss', row['after_first_frame_kib']['Rss'])):>8}  {row.get('detail_opened', 'n/a')}"
        )
    print(f"\nwrote {args.out} ({report['wall_s']} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
