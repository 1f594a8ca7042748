"""Issue 17's critical faults, started as systemd would start the kiosk: report only.

    python -m benchmarks.critical_start [--quota-percent 25]

For each fault a real `kiosk run` (SDL's dummy driver, a private data folder) is started on a
`current` link, and the time from process start to READY=1 (sent after the first frame) is
printed with the deck it shows. With root and a cgroup v1 cpu controller the whole run is held to
`--quota-percent` of one core (25 %: roughly a Raspberry Pi against this machine), as the issue's
attack was; elsewhere it runs unthrottled and says so.

The faults: a power cut during a sync (`current` points at a release whose deck.yaml was cut off),
and a heavy deck (60 slides of about 1 MB of comments each), each with a last good deck kept from
an earlier run and with nothing kept (a first start).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CGROUP = Path("/sys/fs/cgroup/cpu/kiosk-bench")


def throttle(quota_percent: int) -> str:
    """Put this process (and so its children) under a CPU quota; say what was done."""
    try:
        CGROUP.mkdir(exist_ok=True)
        (CGROUP / "cpu.cfs_period_us").write_text("100000")
        (CGROUP / "cpu.cfs_quota_us").write_text(str(quota_percent * 1000))
        (CGROUP / "cgroup.procs").write_text(str(os.getpid()))
    except OSError as exc:
        return f"unthrottled (no cgroup v1 cpu controller to write: {exc.strerror})"
    return f"held to {quota_percent} % of one core (cgroup v1 cpu.cfs_quota_us)"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quota-percent", type=int, default=25)
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="kiosk-critical-"))
    for name in ("HOME", "XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        os.environ[name] = str(work / name.lower())
        Path(os.environ[name]).mkdir()
    os.environ.setdefault("KIOSK_TODAY", "2026-12-01")
    sys.path.insert(0, str(REPO / "tests"))
    from test_deck_bounds import heavy_deck  # type: ignore[import-not-found]
    from test_lastgood import Child, keep_as_last_good, point, power_cut, release  # type: ignore[import-not-found]

    from kiosk.content.snapshot import LastGood
    from kiosk.runtime.stats import default_data_dir

    how = throttle(args.quota_percent)
    print(f"kiosk run on a faulty `current`, {how}; process start -> READY=1 (after the first frame)")
    rows: list[tuple[str, str, float, str]] = []
    for fault in ("power cut during a sync", "60 MB heavy deck"):
        for kept in (True, False):
            root = work / f"{len(rows)}"
            root.mkdir()
            data = default_data_dir()
            if data.exists():
                import shutil

                shutil.rmtree(data)
            current = root / "current"
            if kept:
                good = release(root, "v1")
                keep_as_last_good(LastGood(default_data_dir()), good, watched=current)
            if fault.startswith("power"):
                bad = release(root, "v2", title="Version two")
                power_cut(bad)
            else:
                bad = heavy_deck(root)
            point(current, bad)
            child = Child(["--deck", str(current)], root)
            first_frame_s = child.ready_s()
            code, log = child.stop()
            shown = (
                "the last good deck"
                if "last-good)" in log
                else "the bundled sample deck"
                if "sample)" in log
                else "the faulty deck?!"
            )
            rows.append((fault, "kept" if kept else "nothing kept", first_frame_s, f"{shown}, exit {code}"))
    width = max(len(r[0]) for r in rows)
    print(f"{'fault':{width}}  {'last good deck':14}  {'first frame':>11}  shows")
    for fault, kept, seconds, shows in rows:
        print(f"{fault:{width}}  {kept:14}  {seconds:10.2f}s  {shows}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
