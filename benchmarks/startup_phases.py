"""Where start-up time goes, phase by phase, in one fresh process (prints one JSON line).

    python -m benchmarks.startup_phases [--size 1920x1080]

The phases of `kiosk run` up to its first flip, timed with time.perf_counter from interpreter
start (time.time() now minus the process start time from /proc/self/stat): imports of the CLI
and loader (PyYAML, pydantic), loading and checking the deck, importing kiosk.app (pygame),
opening the display, building the Kiosk, and the first tick (layout, painting, flip).
"""

from __future__ import annotations

import os
import sys
import time

T0 = time.perf_counter()


def process_age_s() -> float:
    """Seconds since this process started (kernel start time, in clock ticks since boot)."""
    with open("/proc/self/stat") as f:
        text = f.read()
    start_ticks = int(text[text.rindex(")") + 2 :].split()[19])
    with open("/proc/uptime") as f:
        uptime = float(f.read().split()[0])
    return uptime - start_ticks / os.sysconf("SC_CLK_TCK")


def main() -> int:
    before_main = process_age_s()  # interpreter start-up and this module's own imports
    size = (1920, 1080)
    if "--size" in sys.argv:
        size = tuple(int(n) for n in sys.argv[sys.argv.index("--size") + 1].split("x"))
    marks: list[tuple[str, float]] = []
    last = time.perf_counter()

    def mark(name: str) -> None:
        nonlocal last
        now = time.perf_counter()
        marks.append((name, round((now - last) * 1000, 1)))
        last = now

    from kiosk.cli import DEFAULT_DECK  # noqa: F401
    from kiosk.content.loader import check_deck

    mark("import kiosk.cli + kiosk.loader (yaml, pydantic)")
    report = check_deck(DEFAULT_DECK)
    deck = report.deck
    mark("load and check the deck")
    from kiosk.runtime import app

    mark("import kiosk.runtime.app (pygame, stage, painter)")
    from benchmarks.inprocess import settings_for

    settings = settings_for(deck, size=size, windowed=True)
    display = app.open_display(settings)
    mark("open the display (SDL init, set_mode)")
    kiosk = app.Kiosk(deck, settings, display)
    mark("build the Kiosk (program, stage, fonts)")
    kiosk.tick()
    mark("first tick: layout, paint, flip")
    from benchmarks.common import emit

    emit(
        {
            "driver": __import__("pygame").display.get_driver(),
            "size": list(size),
            "interpreter_and_site_ms": round(before_main * 1000, 1),
            "phases_ms": dict(marks),
            "total_ms": round(before_main * 1000 + sum(v for _, v in marks), 1),
        }
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
