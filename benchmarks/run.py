"""The kiosk's performance suite: one command, a table of figures against targets, and JSON.

    .venv/bin/python -m benchmarks [--quick] [--backend auto|xvfb|dummy] [--only GROUP,...] [--out FILE]
    .venv/bin/python benchmarks/run.py [--quick] ...          (the same)
    .venv/bin/python -m benchmarks --proposals                (measure the optimisation prototypes)
    .venv/bin/python -m benchmarks --vs-browser               (only the comparison with Chromium)
    .venv/bin/python -m benchmarks --scaling                  (only the 10/100/500-slide table)
    .venv/bin/python -m benchmarks --markdown [FILE]          (the "after" table of a saved run)

Groups (in order): startup, frames, gpu, idle, loop, tap, memory, day, browser, scaling. See
benchmarks/README.md for what each one measures and how. This process never imports pygame;
every measurement runs in a child process. Writes benchmarks/results/latest.json and full.json
(--quick: latest.json and quick.json), or only --out FILE when given, each with a .md beside it:
the Markdown table of docs/performance.md for that run.
"""

from __future__ import annotations

import argparse
import json
import math
import shutil
import sys
import tempfile
import time
from contextlib import ExitStack, nullcontext
from importlib import metadata
from pathlib import Path

if __package__ in (None, ""):  # run as a script: python benchmarks/run.py
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import process_cpu  # noqa: E402
from benchmarks.common import HERE, XServer, child_env, machine, run_child  # noqa: E402

GROUPS = ("startup", "frames", "gpu", "idle", "loop", "tap", "memory", "day", "browser", "scaling")
SIZES = ("1280x720", "1920x1080", "3840x2160")

# key -> (label, unit, target or None). Targets are for a 2-core box with software rendering.
FIGURES: dict[str, tuple[str, str, float | None]] = {
    "startup_s": ("start-up: process start -> first frame, 1920x1080", "s", 0.5),
    "crossfade_1280x720_ms": ("crossfade frame, 1280x720", "ms", None),
    "crossfade_1920x1080_ms": ("crossfade frame, 1920x1080", "ms", 3.0),
    "crossfade_3840x2160_ms": ("crossfade frame, 3840x2160", "ms", 12.0),
    "push_1280x720_ms": ("push frame, 1280x720", "ms", None),
    "push_1920x1080_ms": ("push frame, 1920x1080", "ms", None),
    "push_3840x2160_ms": ("push frame, 3840x2160", "ms", None),
    "renderer_crossfade_1920x1080_ms": (
        "_sdl2.video Renderer crossfade (draw+present), 1920x1080",
        "ms",
        None,
    ),
    "renderer_crossfade_3840x2160_ms": (
        "_sdl2.video Renderer crossfade (draw+present), 3840x2160",
        "ms",
        None,
    ),
    "gpu_crossfade_1920x1080_ms": (
        "GPU presenter crossfade (compose + present), SDL software renderer, 1920x1080",
        "ms",
        None,
    ),
    "gpu_crossfade_3840x2160_ms": (
        "GPU presenter crossfade (compose + present), SDL software renderer, 3840x2160",
        "ms",
        None,
    ),
    "idle_cpu_pct": ("idle CPU, static slide (% of one core)", "%", 0.5),
    "loop_cpu_pct": ("loop CPU, 3 s slides + 0.8 s crossfades (% of one core)", "%", 3.0),
    "tap_first_cold_ms": ("tap -> first changed frame (any pixel), cold detail", "ms", 16.0),
    "tap_first_warm_ms": ("tap -> first changed frame (any pixel), warm detail", "ms", 16.0),
    "tap_visible_cold_ms": ("tap -> first visibly changed frame, cold detail", "ms", 16.0),
    "tap_visible_warm_ms": ("tap -> first visibly changed frame, warm detail", "ms", 16.0),
    "tap_complete_cold_ms": ("tap -> detail complete (0.25 s fade), cold", "ms", None),
    "tap_complete_warm_ms": ("tap -> detail complete (0.25 s fade), warm", "ms", None),
    "pss_1920x1080_mib": ("PSS, full deck visited, 1920x1080", "MiB", 70.0),
    "pss_3840x2160_mib": ("PSS, full deck visited, 3840x2160", "MiB", 150.0),
    "growth_pss_day_mib": ("PSS (anonymous) growth per simulated day, after warm-up", "MiB", 1.0),
    "growth_rss_day_mib": ("RSS growth per simulated day, after warm-up", "MiB", 1.0),
    "browser_cpu_ratio": (
        "CPU against a Chromium kiosk (process tree + X server), kiosk / browser",
        "x",
        0.20,
    ),
    "browser_pss_ratio": ("PSS against a Chromium kiosk (process tree), kiosk / browser", "x", 0.15),
    "scaling_pss_spread_mib": ("PSS after a whole loop: spread over the scaling decks", "MiB", 5.0),
    "scaling_startup_growth_s": ("start-up growth per 100 slides (smallest to largest deck)", "s", 0.1),
    "scaling_validate_s": ("kiosk validate, cold fit cache, per 100 slides (largest deck)", "s", 1.0),
}
# Need Chromium and Xvfb: left out (with the reason in the report's "skipped") where either is missing.
OPTIONAL_FIGURES = {"browser_cpu_ratio", "browser_pss_ratio"}
# "Before" of issue 16: docs/performance.md's "after optimisation" column (2026-11-25), and the
# issue's own browser comparison. For `--markdown`.
BEFORE: dict[str, float] = {
    "startup_s": 0.73,
    "crossfade_1280x720_ms": 1.08,
    "crossfade_1920x1080_ms": 3.08,
    "crossfade_3840x2160_ms": 14.0,
    "push_1280x720_ms": 0.38,
    "push_1920x1080_ms": 2.27,
    "push_3840x2160_ms": 8.83,
    "renderer_crossfade_1920x1080_ms": 3.27,
    "renderer_crossfade_3840x2160_ms": 12.4,
    "idle_cpu_pct": 0.05,
    "loop_cpu_pct": 7.75,
    "tap_first_cold_ms": 24.3,
    "tap_first_warm_ms": 4.2,
    "tap_visible_cold_ms": 24.3,
    "tap_visible_warm_ms": 4.2,
    "tap_complete_cold_ms": 258.0,
    "tap_complete_warm_ms": 278.0,
    "pss_1920x1080_mib": 87.3,
    "pss_3840x2160_mib": 136.9,
    "growth_pss_day_mib": 0.01,
    "growth_rss_day_mib": 0.01,
    "browser_cpu_ratio": 0.64,
    "browser_pss_ratio": 0.198,
}
# Figures that may honestly be zero or negative: memory can shrink, and start-up growth is the
# difference of two timings (the quick suite's one start each of a 3- and a 6-slide deck gave
# -0.133 s per 100 slides on a loaded machine). All others are >= 0.
MAY_BE_NON_POSITIVE = {"growth_pss_day_mib", "growth_rss_day_mib", "scaling_startup_growth_s"}

FULL = {
    "startup_runs": 5,
    "frame_pairs": 9,
    "idle_window_s": 20.0,
    # Past the one-off work after start (the reload worker checks the deck folder once, about
    # 0.3 s of CPU, 5 s in): the figure is a static slide's steady state.
    "idle_settle_s": 8.0,
    "loop_window_s": 60.0,
    "loop_settle_s": 1.0,
    "taps": 20,
    "pss_frame_step": 1 / 60,
    # A day after the warm-up. The picture and screen caches fill to their bounds between simulated
    # hours 2 and 3 on the sample deck (a one-off step of about 2.4 MiB, then flat): a warm-up that
    # ends before them counted their filling as growth.
    "day_hours": 28.0,
    "day_warmup_h": 4.0,
    "day_frame_step": 0.2,
    "browser_warmup_s": 15.0,
    "browser_window_s": 60.0,
    "scaling_slides": [10, 100, 500],
    "scaling_startup_runs": 3,
    "scaling_frame_step": 1 / 30,
}
QUICK = {
    "startup_runs": 2,
    "frame_pairs": 1,
    "idle_window_s": 3.0,
    "idle_settle_s": 0.5,
    "loop_window_s": 6.0,
    "loop_settle_s": 0.5,
    "taps": 3,
    "pss_frame_step": 0.1,
    "day_hours": 0.6,
    "day_warmup_h": 0.3,
    "day_frame_step": 0.25,
    "browser_warmup_s": 8.0,
    "browser_window_s": 6.0,
    "scaling_slides": [3, 6],
    "scaling_startup_runs": 1,
    "scaling_frame_step": 0.1,
}


class Suite:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.p = QUICK if args.quick else FULL
        self.backend = args.backend
        if self.backend == "auto":
            self.backend = "xvfb" if shutil.which("Xvfb") else "dummy"
        self.figures: dict[str, dict] = {}
        self.raw: dict[str, object] = {}
        self.errors: dict[str, str] = {}
        self.skipped: dict[str, str] = {}
        self.load: dict[str, dict] = {}
        self.work = Path(tempfile.mkdtemp(prefix="kiosk-bench-"))

    # -- helpers ------------------------------------------------------------------------------

    def figure(
        self,
        key: str,
        value: float | None,
        *,
        p95: float | None = None,
        note: str | None = None,
        judged: bool = True,
    ) -> None:
        label, unit, target = FIGURES[key]
        status = "n/a"
        if value is None or not math.isfinite(value):
            status = "error"
        elif target is not None and judged:
            status = "pass" if value <= target else "miss"
        entry = {"label": label, "unit": unit, "target": target, "value": value, "status": status}
        if p95 is not None:
            entry["p95"] = p95
        if note:
            entry["note"] = note
        self.figures[key] = entry

    def xserver(self, width: int, height: int):
        if self.backend != "xvfb":
            return nullcontext(None)
        return XServer(width, height, self.work / "xvfb.log")

    def child(self, module: str, args: list[str], server, timeout_s: float = 1800) -> dict:
        backend = self.backend if server is not None else "dummy"
        env = child_env(backend, server.display if server is not None else None)
        return run_child(module, args, env, timeout_s)

    def guarded(self, group: str, work) -> None:
        started = time.monotonic()
        load_before = loadavg()
        print(f"[{time.strftime('%H:%M:%S')}] {group} ...", file=sys.stderr, flush=True)
        try:
            work()
        except Exception as exc:  # keep going: report the failure in the table and the JSON
            self.errors[group] = f"{type(exc).__name__}: {exc}"
            print(f"  {group} failed: {self.errors[group][:2000]}", file=sys.stderr)
        finally:
            self.load[group] = {"before": load_before, "after": loadavg()}
        print(f"  {group}: {time.monotonic() - started:.1f} s", file=sys.stderr, flush=True)

    # -- groups -------------------------------------------------------------------------------

    def startup(self, server) -> None:
        from benchmarks.startup import measure_startup

        display = server.display if server is not None else None
        times = measure_startup(
            self.backend if server is not None else "dummy", display, self.work, self.p["startup_runs"], {}
        )
        times.sort()
        self.raw["startup"] = {"backend": self.backend, "runs_s": [round(t, 3) for t in times]}
        self.figure(
            "startup_s",
            round(
                times[len(times) // 2]
                if len(times) % 2
                else sum(times[len(times) // 2 - 1 : len(times) // 2 + 1]) / 2,
                3,
            ),
            note=f"median of {len(times)} runs, min {times[0]:.3f} s",
        )
        self.raw["startup_phases"] = self.child(
            "startup_phases", [], server, timeout_s=120
        )  # where the time goes (info)

    def frames(self) -> None:
        # In-process on SDL's dummy driver, as the issue asks: a frame's cost without a display server.
        result = self.child(
            "frames", ["--sizes", ",".join(SIZES), "--pairs", str(self.p["frame_pairs"]), "--gpu"], None
        )
        self.raw["frames"] = result
        self.raw["versions"] = {"pygame_ce": result.get("pygame_ce"), "sdl": result.get("sdl")}
        for size in SIZES:
            figures = result["sizes"][size]
            for kind, key in (("crossfade", "crossfade"), ("push", "push")):
                compose = figures[kind]["compose"]
                self.figure(f"{key}_{size}_ms", compose["median_ms"], p95=compose["p95_ms"])
            gpu = figures.get("gpu_crossfade", {}).get("default", {})
            if f"renderer_crossfade_{size}_ms" in FIGURES:
                frame = gpu.get("frame")
                self.figure(
                    f"renderer_crossfade_{size}_ms",
                    frame["median_ms"] if frame else None,
                    p95=frame["p95_ms"] if frame else None,
                    note=f"SDL renderer: {gpu.get('renderer', gpu.get('error', '?'))}",
                )

    def gpu(self) -> None:
        """The kiosk's --renderer gpu frame under SDL's software renderer (benchmarks/gpu.py)."""
        sizes = ("1920x1080", "3840x2160")
        result = self.child("gpu", ["--sizes", ",".join(sizes), "--pairs", str(self.p["frame_pairs"])], None)
        self.raw["gpu"] = result
        for size in sizes:
            frame, surface = result["sizes"][size]["gpu_frame"], result["sizes"][size]["surface_compose"]
            self.figure(
                f"gpu_crossfade_{size}_ms",
                frame["median_ms"],
                p95=frame["p95_ms"],
                note=f"Stage.compose into a surface in the same run: {surface['median_ms']} ms",
            )

    def frames_x11(self, server) -> None:
        """The same under Xvfb: a real flip (XShm), and what SDL's default renderer is there."""
        result = self.child(
            "frames",
            ["--sizes", "1920x1080,3840x2160", "--pairs", str(max(1, self.p["frame_pairs"] // 3)), "--gpu"],
            server,
        )
        self.raw["frames_x11"] = result

    def cpu(self, server, which: str) -> None:
        timing = process_cpu.IDLE_TIMING if which == "idle" else process_cpu.LOOP_TIMING
        result = process_cpu.measure(
            self.backend if server is not None else "dummy",
            server.display if server is not None else None,
            server.pid if server is not None else None,
            self.work,
            timing=timing,
            window_s=self.p[f"{which}_window_s"],
            settle_s=self.p[f"{which}_settle_s"],
        )
        self.raw[which] = result
        self.figure(
            f"{which}_cpu_pct",
            result["cpu_pct"],
            note=(
                f"{result['window_s']} s window; schedstat {result['cpu_pct_schedstat']}%; X server"
                f" {result.get('xserver_cpu_pct', 'n/a')}%"
            ),
        )

    def tap(self) -> None:
        result = self.child("tap", ["--taps", str(self.p["taps"])], None)
        self.raw["tap"] = result
        for kind in ("cold", "warm"):
            for name in ("first", "visible", "complete"):
                entry = result.get(f"{kind}_{name}")
                self.figure(
                    f"tap_{name}_{kind}_ms",
                    entry["median_ms"] if entry else None,
                    p95=entry["p95_ms"] if entry else None,
                )

    def memory(self, server, size: str) -> None:
        result = self.child(
            "memory", ["pss", "--size", size, "--frame-step", str(self.p["pss_frame_step"])], server
        )
        self.raw[f"memory_{size}"] = result
        self.figure(
            f"pss_{size}_mib",
            result["pss_mib"],
            note=(
                f"RSS {result['rss_mib']}, screens {result.get('screen_cache_mib')}, pictures"
                f" {result.get('picture_cache_mib')} MiB"
            ),
        )

    def day(self, server) -> None:
        args = [
            "day",
            "--hours",
            str(self.p["day_hours"]),
            "--warmup-h",
            str(self.p["day_warmup_h"]),
            "--frame-step",
            str(self.p["day_frame_step"]),
        ]
        result = self.child("memory", args, server, timeout_s=3600)
        self.raw["day"] = result
        note = (
            f"{result['simulated_h']} h simulated, growth over"
            f" {round(result['last']['t_h'] - result['baseline']['t_h'], 2)} h scaled to 24 h"
        )
        if self.args.quick:  # caches are still filling after a few simulated minutes: not judged
            note += (
                "; quick run: extrapolated from minutes while caches still fill, not a meaningful growth"
                " figure"
            )
        judged = not self.args.quick
        self.figure(
            "growth_pss_day_mib",
            result["pss_anon_growth_per_day_mib"],
            judged=judged,
            note=(
                f"{note}; total PSS {result['pss_growth_per_day_mib']:+} MiB/day (file pages move with"
                " other processes)"
            ),
        )
        self.figure("growth_rss_day_mib", result["rss_growth_per_day_mib"], judged=judged, note=note)

    def browser(self) -> None:
        from benchmarks import browser

        reason = browser.skip_reason()
        if reason is None and self.backend != "xvfb":
            reason = "the browser comparison needs Xvfb (--backend dummy was asked for)"
        if reason is not None:
            self.skipped["browser"] = reason
            print(f"  browser comparison skipped: {reason}", file=sys.stderr)
            return
        result = browser.measure(
            self.work, warmup_s=self.p["browser_warmup_s"], window_s=self.p["browser_window_s"]
        )
        self.raw["browser"] = result
        k, b = result["kiosk"], result["browser"]
        self.figure(
            "browser_cpu_ratio",
            result["cpu_ratio"],
            note=(
                f"kiosk {k['cpu_pct']}% + X {k['xserver_cpu_pct']}%, Chromium {b['cpu_pct']}% + X"
                f" {b['xserver_cpu_pct']}% of a core, {k['window_s']} s after {result['warmup_s']} s"
            ),
        )
        self.figure(
            "browser_pss_ratio",
            result["pss_ratio"],
            note=f"kiosk {k['pss_mib']} MiB, Chromium {b['pss_mib']} MiB ({b['processes']} processes)",
        )

    def scaling(self, server) -> None:
        from benchmarks import scaling

        result = scaling.measure(
            self.backend if server is not None else "dummy",
            server.display if server is not None else None,
            self.work,
            counts=tuple(self.p["scaling_slides"]),
            startup_runs=self.p["scaling_startup_runs"],
            frame_step=self.p["scaling_frame_step"],
        )
        self.raw["scaling"] = result
        summary = result["summary"]
        decks = "/".join(str(row["slides"]) for row in result["rows"])
        self.figure(
            "scaling_pss_spread_mib",
            summary["pss_spread_mib"],
            note="PSS " + ", ".join(f"{row['pss']['pss_mib']}" for row in result["rows"]) + f" MiB ({decks})",
        )
        self.figure(
            "scaling_startup_growth_s",
            summary["startup_growth_s_per_100"],
            note="start-up " + ", ".join(f"{row['startup_s']}" for row in result["rows"]) + f" s ({decks})",
        )
        self.figure(
            "scaling_validate_s",
            summary["validate_s_per_100_largest"],
            note="validate "
            + ", ".join(f"{row['validate']['seconds']}" for row in result["rows"])
            + f" s ({decks})",
        )

    # -- the run ------------------------------------------------------------------------------

    def run(self) -> dict:
        only = set(self.args.only.split(",")) if self.args.only else set(GROUPS)
        unknown = only - set(GROUPS)
        if unknown:
            raise SystemExit(f"unknown group(s) {', '.join(sorted(unknown))}; known: {', '.join(GROUPS)}")
        started = time.monotonic()
        with ExitStack() as stack:
            server = (
                stack.enter_context(self.xserver(1920, 1080))
                if only & {"startup", "idle", "loop", "memory", "day", "scaling"}
                else None
            )
            if "startup" in only:
                self.guarded("startup", lambda: self.startup(server))
            if "frames" in only:
                self.guarded("frames", self.frames)
            if "gpu" in only:
                self.guarded("gpu", self.gpu)
            if "idle" in only:
                self.guarded("idle", lambda: self.cpu(server, "idle"))
            if "loop" in only:
                self.guarded("loop", lambda: self.cpu(server, "loop"))
            if "tap" in only:
                self.guarded("tap", self.tap)
            if "memory" in only:
                self.guarded("memory 1920x1080", lambda: self.memory(server, "1920x1080"))
            if "day" in only:
                self.guarded("day", lambda: self.day(server))
            if "scaling" in only:
                self.guarded("scaling", lambda: self.scaling(server))
        if "browser" in only:  # its own two fresh X servers
            self.guarded("browser", self.browser)
        if only & {"memory", "frames"}:
            with self.xserver(3840, 2160) as big:
                if "memory" in only:
                    self.guarded("memory 3840x2160", lambda: self.memory(big, "3840x2160"))
                if "frames" in only and big is not None and not self.args.quick:
                    self.guarded("frames under Xvfb", lambda: self.frames_x11(big))
        shutil.rmtree(self.work, ignore_errors=True)
        try:
            pygame_ce = metadata.version("pygame-ce")
        except metadata.PackageNotFoundError:
            pygame_ce = None
        return {
            "suite": "quick" if self.args.quick else "full",
            "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "command": " ".join(["python -m benchmarks", *sys.argv[1:]]),
            "backend": self.backend,
            "machine": {
                **machine(),
                "pygame_ce": pygame_ce,
                "sdl": (self.raw.get("versions") or {}).get("sdl"),
            },
            "parameters": self.p,
            "figures": {key: self.figures[key] for key in FIGURES if key in self.figures},
            "errors": self.errors,
            "skipped": self.skipped,
            "load_average_1min": self.load,
            "raw": self.raw,
            "wall_s": round(time.monotonic() - started, 1),
        }


def loadavg() -> float:
    """The 1-minute load average: other work on the machine skews every timing figure."""
    try:
        return float(Path("/proc/loadavg").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return float("nan")


def print_table(report: dict) -> None:
    m = report["machine"]
    print(
        f"{report['suite']} suite, backend {report['backend']}; {m['cpu_model']}, {m['cores']} cores;"
        f" python {m['python']}, pygame-ce {m['pygame_ce']}, SDL {m['sdl']}"
    )
    print()
    rows = [("figure", "target", "measured", "result")]
    for entry in report["figures"].values():
        unit = entry["unit"]
        target = f"<= {entry['target']:g} {unit}" if entry["target"] is not None else "-"
        value = entry["value"]
        if value is None:
            measured = "error"
        elif "p95" in entry:
            measured = f"{value:.2f} (p95 {entry['p95']:.2f}) {unit}"
        else:
            measured = f"{value:.3g} {unit}" if abs(value) < 100 else f"{value:.1f} {unit}"
        result = entry["status"] if entry["status"] in ("pass", "miss", "error") else "-"
        rows.append((entry["label"], target, measured, result))
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    for n, row in enumerate(rows):
        print("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip())
        if n == 0:
            print("  ".join("-" * w for w in widths))
    x11 = report.get("raw", {}).get("frames_x11")
    if x11:
        print(
            "\nunder Xvfb (x11 driver, XShm framebuffer as the kiosk uses it), crossfade frame, median"
            " (p95) ms:"
        )
        for size, figures in x11["sizes"].items():
            parts = [
                f"compose+flip {figures['crossfade']['compose_flip']['median_ms']:.2f}"
                f" ({figures['crossfade']['compose_flip']['p95_ms']:.2f})"
            ]
            for name, gpu in figures.get("gpu_crossfade", {}).items():
                if "frame" in gpu:
                    parts.append(
                        f"Renderer {gpu['renderer']} {gpu['frame']['median_ms']:.2f}"
                        f" ({gpu['frame']['p95_ms']:.2f})"
                    )
                else:
                    parts.append(f"Renderer {name}: {gpu.get('error')}")
            print(f"  {size}: " + "; ".join(parts))
    loads = [
        value
        for entry in report.get("load_average_1min", {}).values()
        for value in entry.values()
        if math.isfinite(value)
    ]
    if loads and max(loads) > 0.5 * (m["cores"] or 1):
        print(
            f"\nnote: the 1-minute load average reached {max(loads):.2f} on {m['cores']} cores during the"
            " run: other work was competing, so treat the timing figures as upper bounds"
        )
    scaling = report.get("raw", {}).get("scaling")
    if scaling:
        from benchmarks.scaling import table

        print("\nscaling (decks made from the sample deck's slides; benchmarks/scaling.py):")
        for line in table(scaling):
            print(f"  {line}")
    browser = report.get("raw", {}).get("browser")
    if browser:
        print(
            f"\nagainst {browser['chromium_version']} (CPU % of one core over"
            f" {browser['kiosk']['window_s']} s):"
        )
        for name in ("kiosk", "browser"):
            entry = browser[name]
            print(
                f"  {name:8} tree {entry['cpu_pct']:6.2f} % + X server {entry['xserver_cpu_pct']:5.2f} %;"
                f" PSS {entry['pss_mib']:6.1f} MiB in {entry['processes']} process(es)"
            )
    for group, reason in report.get("skipped", {}).items():
        print(f"\n{group}: skipped: {reason}")
    if report["errors"]:
        print()
        for group, error in report["errors"].items():
            print(f"{group}: {error.splitlines()[0][:300]}")


def merged(reports: list[dict]) -> dict:
    """Several saved runs as one report (figures of a later run win), for `--markdown A B`."""
    if len(reports) == 1:
        return reports[0]
    out = {**reports[0], "figures": {}, "skipped": {}, "load_average_1min": {}}
    for report in reports:
        out["figures"].update(report["figures"])
        out["skipped"].update(report.get("skipped", {}))
        out["load_average_1min"].update(report.get("load_average_1min", {}))
    out["command"] = "`; `".join(report["command"] for report in reports)
    whens = sorted(report["when"] for report in reports)
    out["when"] = " to ".join(dict.fromkeys([whens[0], whens[-1]]))
    out["suite"] = "/".join(dict.fromkeys(report["suite"] for report in reports))
    return out


def markdown(report: dict) -> list[str]:
    """The "after" table of docs/performance.md: figure | target | before | after | met?"""

    def number(value: float | None, unit: str) -> str:
        if value is None:
            return "—"
        text = f"{value:.3g}" if abs(value) < 100 else f"{value:.0f}"
        return f"{text} {unit}" if unit != "x" else f"{text}×"

    m = report["machine"]
    loads = [
        value
        for entry in report.get("load_average_1min", {}).values()
        for value in entry.values()
        if math.isfinite(value)
    ]
    lines = [
        f"`{report['command']}` ({report['suite']}), {report['when']}, backend {report['backend']};"
        f" {m['cpu_model']}, {m['cores']} cores; 1-minute load average"
        + (f" {min(loads):.1f}-{max(loads):.1f} during the run." if loads else " not recorded."),
        "",
        "| figure | target | before | after | met? |",
        "| --- | --- | --- | --- | --- |",
    ]
    for key, (label, unit, target) in FIGURES.items():
        entry = report["figures"].get(key)
        if entry is None:
            why = report.get("skipped", {}).get(key.split("_")[0]) or "not run"
            after, met = f"— ({why})", "—"
        else:
            after = number(entry["value"], unit)
            if "p95" in entry:
                after += f" (p95 {entry['p95']:.3g})"
            met = {"pass": "yes", "miss": "**no**", "error": "error"}.get(entry["status"], "—")
        wanted = "—" if target is None else ("≤ " + number(target, unit))
        lines.append(f"| {label} | {wanted} | {number(BEFORE.get(key), unit)} | {after} | {met} |")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks", description="The kiosk's performance suite."
    )
    parser.add_argument(
        "--quick", action="store_true", help="a short run for CI (a few seconds per figure, under a minute)"
    )
    parser.add_argument(
        "--backend",
        choices=("auto", "xvfb", "dummy"),
        default="auto",
        help=(
            "display for the real-process and memory figures: a private Xvfb (auto: when on PATH) or SDL's"
            " dummy driver"
        ),
    )
    parser.add_argument("--only", help=f"comma-separated groups: {','.join(GROUPS)}")
    parser.add_argument(
        "--out",
        type=Path,
        help="JSON output (default: benchmarks/results/latest.json plus full.json or quick.json)",
    )
    parser.add_argument(
        "--proposals",
        action="store_true",
        help="measure the optimisation prototypes instead (writes results/proposals.json)",
    )
    parser.add_argument(
        "--vs-browser",
        action="store_true",
        help="only the comparison with a Chromium kiosk playing the same deck (needs chromium and Xvfb)",
    )
    parser.add_argument(
        "--scaling", action="store_true", help="only the 10/100/500-slide table (PSS, start-up, validate)"
    )
    parser.add_argument(
        "--markdown",
        nargs="*",
        type=Path,
        metavar="FILE",
        help=(
            "print the after table of saved runs in Markdown and exit (default: results/full.json; with"
            " several files, a later run's figures replace an earlier one's)"
        ),
    )
    args = parser.parse_args(argv)
    if args.markdown is not None:
        files = args.markdown or [HERE / "results" / "full.json"]
        print("\n".join(markdown(merged([json.loads(f.read_text(encoding="utf-8")) for f in files]))))
        return 0
    picked = [name for name, on in (("browser", args.vs_browser), ("scaling", args.scaling)) if on]
    if picked:
        args.only = ",".join(filter(None, [args.only, *picked]))
    if args.proposals:
        from benchmarks.proposals import main as proposals_main

        return proposals_main(args)
    report = Suite(args).run()
    text = json.dumps(report, indent=2) + "\n"
    # latest.json is the last run, full or quick; full.json / quick.json keep the last of each kind.
    outs = (
        [args.out]
        if args.out
        else [HERE / "results" / "latest.json", HERE / "results" / f"{report['suite']}.json"]
    )
    for out in outs:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, encoding="utf-8")
        # The same run as docs/performance.md's table, ready to paste (also `--markdown FILE`).
        out.with_suffix(".md").write_text("\n".join(markdown(report)) + "\n", encoding="utf-8")
    print_table(report)
    print(f"\nwrote {', '.join(map(str, outs))} ({report['wall_s']} s)")
    return 1 if report["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
