"""Start-up time and memory of the real `kiosk run` process.

    .venv/bin/python benchmarks/startup.py [--env NAME=VALUE ...] [--out FILE]

(a) process start -> first frame flipped, at 1920x1080, median of 5 runs: t0 = time.time() just
    before Popen, t1 = what the kiosk writes to KIOSK_FIRST_FRAME_FILE after its first flip;
(b) PSS (/proc/PID/smaps_rollup) of the running kiosk after the first frame, and after opening
    two details with real clicks (open, back, open), at 1920x1080 and at 3840x2160.

Backend: a private Xvfb (fullscreen, SDL_VIDEODRIVER=x11, clicks by xdotool) when Xvfb is on
PATH; otherwise SDL_VIDEODRIVER=dummy with `--size`, where no clicks can be sent, so the "after
details" figures are left out. This process never imports pygame: it would map the same
libraries and so lower the kiosk's PSS. Prints a table and writes benchmarks/results/startup.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from importlib import metadata
from pathlib import Path

if __package__ in (None, ""):  # run as a script: python benchmarks/startup.py
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import stop, xvfb  # noqa: E402  (the one Xvfb helper of the benchmarks)

HERE = Path(__file__).resolve().parent
SIZES = ((1920, 1080), (3840, 2160))
MEMORY_FIELDS = ("Rss", "Pss", "Pss_Anon", "Pss_File", "Pss_Shmem")


# -- one kiosk process --------------------------------------------------------------------------


class Kiosk:
    def __init__(
        self, backend: str, display: str | None, size: tuple[int, int], work: Path, extra_env: dict[str, str]
    ) -> None:
        self.display = display
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
        env.update(extra_env)
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
        raise SystemExit(
            "the kiosk showed no first frame (exit"
            f" {self.proc.poll()}):\n{self.log.read_text(errors='replace')[-2000:]}"
        )

    def memory_kib(self) -> dict[str, int]:
        fields = {}
        for line in Path(f"/proc/{self.proc.pid}/smaps_rollup").read_text().splitlines():
            name, _, rest = line.partition(":")
            if name in MEMORY_FIELDS:
                fields[name] = int(rest.split()[0])
        return fields

    def uses_llvm(self) -> bool:
        """Whether Mesa's llvmpipe got loaded (SDL's default OpenGL-texture window framebuffer on X11)."""
        return "libLLVM" in Path(f"/proc/{self.proc.pid}/maps").read_text()

    def click(self, x: int, y: int) -> None:
        subprocess.run(
            ["xdotool", "mousemove", str(x), str(y), "click", "1"],
            check=True,
            timeout=10,
            env={**os.environ, "DISPLAY": self.display},
        )

    def capture(self) -> bytes:
        done = subprocess.run(
            ["import", "-display", self.display, "-window", "root", "rgb:-"],
            check=True,
            timeout=30,
            capture_output=True,
        )
        return done.stdout

    def alive(self) -> None:
        if self.proc.poll() is not None:
            raise SystemExit(
                "the kiosk exited with"
                f" {self.proc.returncode}:\n{self.log.read_text(errors='replace')[-2000:]}"
            )

    def close(self) -> int | None:
        return stop(self.proc)


def hotspots(size: tuple[int, int]) -> tuple[list[tuple[str, tuple[int, int]]], tuple[int, int]]:
    """Centres of slide 1's `open:` hotspots and of its first detail's Back button, from the kiosk's
    own layout, worked out in a child process (see the module docstring)."""
    env = {**os.environ, "SDL_VIDEODRIVER": "dummy", "PYGAME_HIDE_SUPPORT_PROMPT": "1"}
    done = subprocess.run(
        [sys.executable, __file__, "--hotspots", f"{size[0]}x{size[1]}"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    if done.returncode != 0:
        raise SystemExit(f"could not lay out slide 1:\n{done.stderr}")
    found = json.loads(done.stdout)
    return [(action, tuple(at)) for action, at in found["opens"]], tuple(found["back"])


def print_hotspots(size: tuple[int, int]) -> int:
    from kiosk.cli import DEFAULT_DECK
    from kiosk.content.loader import check_deck
    from kiosk.core.program import Mode, View
    from kiosk.layout.screen import arrange
    from kiosk.render.painter import Fonts

    deck = check_deck(DEFAULT_DECK).deck
    if deck is None:
        print("the deck has errors; run `kiosk validate`", file=sys.stderr)
        return 1
    fonts = Fonts()

    def centres(view: View) -> list[tuple[str, tuple[int, int]]]:
        layout = arrange(deck, view, size[0], size[1], Mode.TOUCH, fonts.measure)
        return [(str(h.action), (h.box.x + h.box.w // 2, h.box.y + h.box.h // 2)) for h in layout.hotspots]

    opens = [
        (action, at)
        for action, at in centres(View(0, None, deck.default_language))
        if action.startswith("open:")
    ]
    back = next(
        at
        for action, at in centres(View(0, opens[0][0].removeprefix("open:"), deck.default_language))
        if action == "back"
    )
    print(json.dumps({"opens": opens, "back": back}))
    return 0


# -- the measurements ---------------------------------------------------------------------------


def measure_startup(
    backend: str, display: str | None, work: Path, runs: int, extra_env: dict[str, str]
) -> list[float]:
    times = []
    for _ in range(runs):
        kiosk = Kiosk(backend, display, SIZES[0], work, extra_env)
        try:
            times.append(kiosk.first_frame_s())
        finally:
            kiosk.close()
    return times


def measure_memory(
    backend: str, display: str | None, size: tuple[int, int], work: Path, extra_env: dict[str, str]
) -> dict:
    clicks = backend == "xvfb" and shutil.which("xdotool") and shutil.which("import")
    opens, back = hotspots(size) if clicks else ([], (0, 0))
    kiosk = Kiosk(backend, display, size, work, extra_env)
    try:
        first_frame = kiosk.first_frame_s()
        time.sleep(0.5)  # let the start-up window events (a resize, then a re-layout and redraw) pass
        kiosk.alive()
        result: dict = {
            "size": list(size),
            "first_frame_s": round(first_frame, 3),
            "after_first_frame_kib": kiosk.memory_kib(),
        }
        if not clicks:
            result["after_one_detail_kib"] = result["after_details_kib"] = None
            result["details_note"] = "no clicks without Xvfb, xdotool and ImageMagick's import"
            return result
        before = kiosk.capture()
        kiosk.click(*opens[0][1])
        time.sleep(0.6)  # the 0.25 s fade, with room to spare
        result["detail_opened"] = kiosk.capture() != before  # the picture changed: the click landed
        result["after_one_detail_kib"] = kiosk.memory_kib()
        kiosk.click(*back)
        time.sleep(0.6)
        kiosk.click(*opens[1 % len(opens)][1])
        time.sleep(0.6)
        kiosk.alive()
        result["after_details_kib"] = kiosk.memory_kib()
        result["details_opened"] = [action for action, _ in opens[:2]]
        result["llvmpipe_loaded"] = kiosk.uses_llvm()
        return result
    finally:
        kiosk.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--backend",
        choices=("auto", "xvfb", "dummy"),
        default="auto",
        help="auto: Xvfb when on PATH, else SDL's dummy driver",
    )
    parser.add_argument("--runs", type=int, default=5, help="start-up runs (median reported)")
    parser.add_argument(
        "--env",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="extra environment for the kiosk, e.g. SDL_FRAMEBUFFER_ACCELERATION=0",
    )
    parser.add_argument("--out", type=Path, default=HERE / "results" / "startup.json")
    parser.add_argument(
        "--hotspots", metavar="WxH", help=argparse.SUPPRESS
    )  # internal: the child that lays out slide 1
    args = parser.parse_args()
    if args.hotspots:
        return print_hotspots(tuple(int(n) for n in args.hotspots.split("x")))
    extra_env = dict(item.split("=", 1) for item in args.env)
    backend = args.backend
    if backend == "auto":
        backend = "xvfb" if shutil.which("Xvfb") else "dummy"
    if backend == "xvfb" and shutil.which("Xvfb") is None:
        parser.error("Xvfb is not on PATH")

    started = time.monotonic()
    memory = []
    startup: list[float] = []
    with tempfile.TemporaryDirectory(prefix="kiosk-bench-") as tmp:
        work = Path(tmp)
        for size in SIZES:
            if backend == "xvfb":
                with xvfb(*size, work / "xvfb.log") as display:
                    if size == SIZES[0]:
                        startup = measure_startup(backend, display, work, args.runs, extra_env)
                    memory.append(measure_memory(backend, display, size, work, extra_env))
            else:
                if size == SIZES[0]:
                    startup = measure_startup(backend, None, work, args.runs, extra_env)
                memory.append(measure_memory(backend, None, size, work, extra_env))

    report = {
        "backend": backend,
        "kiosk_env": extra_env,
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "host": {
            "python": platform.python_version(),
            "pygame_ce": metadata.version("pygame-ce"),
            "machine": platform.machine(),
            "cpus": os.cpu_count(),
            "kernel": platform.release(),
        },
        "startup_1920x1080": {
            "runs_s": [round(t, 3) for t in startup],
            "median_s": round(statistics.median(startup), 3),
            "min_s": round(min(startup), 3),
            "max_s": round(max(startup), 3),
        },
        "memory": memory,
        "wall_s": round(time.monotonic() - started, 1),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")

    def mib(fields: dict | None, name: str) -> str:
        return f"{fields[name] / 1024:.1f}" if fields else "n/a"

    s = report["startup_1920x1080"]
    env_note = f", kiosk env {' '.join(args.env)}" if args.env else ""
    print(
        f"backend: {backend}{env_note}; python {report['host']['python']}, pygame-ce"
        f" {report['host']['pygame_ce']}, {os.cpu_count()} CPUs"
    )
    print(
        f"start -> first frame, 1920x1080, {len(startup)} runs: median {s['median_s']:.3f} s (min"
        f" {s['min_s']:.3f}, max {s['max_s']:.3f})"
    )
    print()
    print(
        f"{'size':>9}  {'1st frame s':>11}  {'PSS MiB':>7}  {'+1 detail':>9}  {'+2 details':>10} "
        f" {'anon MiB':>8}  {'RSS MiB':>7}  clicked"
    )
    for row in memory:
        first, one, two = row["after_first_frame_kib"], row["after_one_detail_kib"], row["after_details_kib"]
        last = two or first
        print(
            f"{row['size'][0]:>4}x{row['size'][1]:<4}  {row['first_frame_s']:>11.3f} "
            f" {mib(first, 'Pss'):>7}  {mib(one, 'Pss'):>9}  {mib(two, 'Pss'):>10}  "
            f"{mib(last, 'Pss_Anon'):>8}  {mib(last, 'Rss'):>7}  {row.get('detail_opened', 'n/a')}"
        )
    print(f"\nwrote {args.out} ({report['wall_s']} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
