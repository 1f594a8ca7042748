"""Measure the optimisation prototypes of benchmarks/prototypes.py against the unpatched kiosk.

    .venv/bin/python -m benchmarks --proposals [--quick] [--backend auto|xvfb|dummy] [--only GROUP,...]

Each comparison runs the same benchmark twice or more in this session, unpatched ("baseline")
and with one or more `--patch` prototypes, so the difference is not a difference of days or
machine load. Groups: idle, loop, frames, tap, memory, day. Writes results/proposals.json and
prints a table. Nothing in kiosk/ is changed: the patches live only in the measured processes.
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
import time
from contextlib import nullcontext
from pathlib import Path

from benchmarks import process_cpu
from benchmarks.common import HERE, XServer, child_env, machine, run_child

GROUPS = ("idle", "loop", "frames", "tap", "memory", "day")
MEMORY_PATCHES = ["mmap-threshold", "max-screens-3", "pictures-8mb"]


def main(args) -> int:
    quick = args.quick
    backend = args.backend if args.backend != "auto" else ("xvfb" if shutil.which("Xvfb") else "dummy")
    only = set(args.only.split(",")) if args.only else set(GROUPS)
    work = Path(tempfile.mkdtemp(prefix="kiosk-proposals-"))
    rows: list[dict] = []
    raw: dict = {}
    started = time.monotonic()

    def server(width: int, height: int):
        return XServer(width, height, work / "xvfb.log") if backend == "xvfb" else nullcontext(None)

    def env(x) -> dict:
        return child_env(backend if x is not None else "dummy", x.display if x is not None else None)

    def row(proposal: str, figure: str, unit: str, baseline: float, value: float, note: str = "") -> None:
        change = (value - baseline) / baseline * 100 if baseline else float("nan")
        rows.append(
            {
                "proposal": proposal,
                "figure": figure,
                "unit": unit,
                "baseline": baseline,
                "prototype": value,
                "change_pct": round(change, 1),
                "note": note,
            }
        )

    def say(text: str) -> None:
        print(f"[{time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)

    with server(1920, 1080) as x:
        backend_used = backend if x is not None else "dummy"
        xpid = x.pid if x is not None else None
        display = x.display if x is not None else None

        def cpu(which: str, patches: list[str], window: float) -> dict:
            timing = process_cpu.IDLE_TIMING if which == "idle" else process_cpu.LOOP_TIMING
            return process_cpu.measure(
                backend_used,
                display,
                xpid,
                work,
                timing=timing,
                window_s=window,
                settle_s=1.0,
                patches=patches,
            )

        if "idle" in only:
            window = 3.0 if quick else 20.0
            say(f"idle CPU ({backend_used})")
            base = cpu("idle", [], window)
            raw["idle"] = {"baseline": base}
            for patches in (["blocking-wait"], ["coarse-wait"]):
                result = cpu("idle", patches, window)
                raw["idle"]["+".join(patches)] = result
                row("+".join(patches), f"idle CPU ({backend_used})", "%", base["cpu_pct"], result["cpu_pct"])
            if backend_used == "xvfb":  # and on the dummy driver (no blocking wait in SDL there)
                say("idle CPU (dummy)")
                base_dummy = process_cpu.measure(
                    "dummy", None, None, work, timing=process_cpu.IDLE_TIMING, window_s=window, settle_s=1.0
                )
                coarse = process_cpu.measure(
                    "dummy",
                    None,
                    None,
                    work,
                    timing=process_cpu.IDLE_TIMING,
                    window_s=window,
                    settle_s=1.0,
                    patches=["coarse-wait"],
                )
                raw["idle"]["dummy"] = {"baseline": base_dummy, "coarse-wait": coarse}
                row("coarse-wait", "idle CPU (dummy driver)", "%", base_dummy["cpu_pct"], coarse["cpu_pct"])

        if "loop" in only:
            window = 6.0 if quick else 60.0
            say(f"loop CPU ({backend_used})")
            base = cpu("loop", [], window)
            raw["loop"] = {"baseline": base}
            for patches in (
                ["blocking-wait"],
                ["fps30"],
                ["dirty-crossfade"],
                ["blocking-wait", "fps30", "dirty-crossfade"],
                MEMORY_PATCHES,
            ):
                say(f"loop CPU + {'+'.join(patches)}")
                result = cpu("loop", patches, window)
                raw["loop"]["+".join(patches)] = result
                row("+".join(patches), f"loop CPU ({backend_used})", "%", base["cpu_pct"], result["cpu_pct"])

        if "memory" in only or "day" in only:  # memory: every patch alone, then all together
            step = "0.1" if quick else str(1 / 60)
            if "memory" in only:
                raw["memory"] = {}
                for size in ("1920x1080", "3840x2160"):
                    with server(3840, 2160) if size == "3840x2160" else nullcontext(x) as xs:
                        say(f"memory {size}")
                        base = run_child(
                            "memory", ["pss", "--size", size, "--frame-step", step], env(xs), 1800
                        )
                        raw["memory"][size] = {"baseline": base}
                        for patches in ([p] for p in MEMORY_PATCHES):
                            result = run_child(
                                "memory",
                                [
                                    "pss",
                                    "--size",
                                    size,
                                    "--frame-step",
                                    step,
                                    *(a for p in patches for a in ("--patch", p)),
                                ],
                                env(xs),
                                1800,
                            )
                            raw["memory"][size]["+".join(patches)] = result
                            row("+".join(patches), f"PSS {size}", "MiB", base["pss_mib"], result["pss_mib"])
                        result = run_child(
                            "memory",
                            [
                                "pss",
                                "--size",
                                size,
                                "--frame-step",
                                step,
                                *(a for p in MEMORY_PATCHES for a in ("--patch", p)),
                            ],
                            env(xs),
                            1800,
                        )
                        raw["memory"][size]["all"] = result
                        row(
                            "+".join(MEMORY_PATCHES), f"PSS {size}", "MiB", base["pss_mib"], result["pss_mib"]
                        )
                        if size == "3840x2160":  # at 4K a screen is 32 MiB: two cached screens
                            two = [*MEMORY_PATCHES[:1], "max-screens-2", *MEMORY_PATCHES[2:]]
                            result = run_child(
                                "memory",
                                [
                                    "pss",
                                    "--size",
                                    size,
                                    "--frame-step",
                                    step,
                                    *(a for p in two for a in ("--patch", p)),
                                ],
                                env(xs),
                                1800,
                            )
                            raw["memory"][size]["+".join(two)] = result
                            row("+".join(two), f"PSS {size}", "MiB", base["pss_mib"], result["pss_mib"])
            if "day" in only:
                hours, warmup = ("0.6", "0.3") if quick else ("6", "1")
                say("day + mmap-threshold")
                args_day = ["day", "--hours", hours, "--warmup-h", warmup, "--frame-step", "0.2"]
                base = run_child("memory", args_day, env(x), 3600)
                result = run_child("memory", [*args_day, "--patch", "mmap-threshold"], env(x), 3600)
                both = run_child(
                    "memory", [*args_day, *(a for p in MEMORY_PATCHES for a in ("--patch", p))], env(x), 3600
                )
                raw["day"] = {"baseline": base, "mmap-threshold": result, "all-memory": both}
                for name, value in (("mmap-threshold", result), ("+".join(MEMORY_PATCHES), both)):
                    row(
                        name,
                        "RSS growth per simulated day",
                        "MiB",
                        base["rss_growth_per_day_mib"],
                        value["rss_growth_per_day_mib"],
                    )
                    row(
                        name,
                        "PSS after a simulated day",
                        "MiB",
                        base["last"]["pss_mib"],
                        value["last"]["pss_mib"],
                    )

    if "frames" in only:
        say("frames + dirty-crossfade")
        pairs = "1" if quick else "9"
        base = run_child(
            "frames", ["--sizes", "1920x1080,3840x2160", "--pairs", pairs], child_env("dummy"), 1800
        )
        result = run_child(
            "frames",
            ["--sizes", "1920x1080,3840x2160", "--pairs", pairs, "--patch", "dirty-crossfade"],
            child_env("dummy"),
            1800,
        )
        raw["frames"] = {"baseline": base, "dirty-crossfade": result}
        for size in ("1920x1080", "3840x2160"):
            same = result["sizes"][size].get("identical_to_unpatched")
            for stat in ("median_ms", "p95_ms"):
                row(
                    "dirty-crossfade",
                    f"crossfade {size} {stat[:-3]}",
                    "ms",
                    base["sizes"][size]["crossfade"]["compose"][stat],
                    result["sizes"][size]["crossfade"]["compose"][stat],
                    note=f"pixels identical to unpatched: {same}",
                )

    if "tap" in only:
        say("tap + press-first")
        taps = "3" if quick else "20"
        base = run_child("tap", ["--taps", taps], child_env("dummy"), 600)
        result = run_child("tap", ["--taps", taps, "--patch", "press-first"], child_env("dummy"), 600)
        raw["tap"] = {"baseline": base, "press-first": result}
        for key in (
            "cold_first",
            "warm_first",
            "cold_visible",
            "warm_visible",
            "cold_complete",
            "warm_complete",
        ):
            row(
                "press-first",
                f"tap {key.replace('_', ' ')}",
                "ms",
                base[key]["median_ms"],
                result[key]["median_ms"],
            )

    shutil.rmtree(work, ignore_errors=True)
    report = {
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "quick": quick,
        "backend": backend,
        "machine": machine(),
        "rows": rows,
        "raw": raw,
        "wall_s": round(time.monotonic() - started, 1),
    }
    out = args.out or HERE / "results" / ("proposals-quick.json" if quick else "proposals.json")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    table = [("proposal", "figure", "baseline", "prototype", "change")]
    for r in rows:
        table.append(
            (
                r["proposal"],
                r["figure"],
                f"{r['baseline']:.3g} {r['unit']}",
                f"{r['prototype']:.3g} {r['unit']}",
                f"{r['change_pct']:+.0f}%",
            )
        )
    widths = [max(len(t[i]) for t in table) for i in range(5)]
    for n, t in enumerate(table):
        print("  ".join(c.ljust(widths[i]) for i, c in enumerate(t)).rstrip())
        if n == 0:
            print("  ".join("-" * w for w in widths))
    print(f"\nwrote {out} ({report['wall_s']} s)")
    return 0
