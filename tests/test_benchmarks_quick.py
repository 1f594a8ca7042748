"""The quick benchmark suite runs and produces every figure.

It is report-only: it asserts that each figure exists and is a finite number, not negative (memory
growth may be). Not even "more than zero": a good idle loop measures 0.0 % CPU in 10 ms ticks, and
a fast machine can round a time down to 0. CI machines differ, and the figures against their
targets are read from the table, not enforced here.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:  # benchmarks/ is not installed; it lives next to tests/
    sys.path.insert(0, str(REPO))

from conftest import child_env  # noqa: E402

from benchmarks.run import FIGURES, MAY_BE_NON_POSITIVE, OPTIONAL_FIGURES  # noqa: E402

# What CI runs on every change: the real start-up, the idle loop (its 0.0 % once failed a fresh
# clone) and a tap, with the figures each gives. The long run does every group (some 30 s more).
CI_GROUPS = {"startup": ("startup_",), "idle": ("idle_",), "tap": ("tap_",)}


def run_quick(tmp_path: Path, groups: tuple[str, ...] = ()) -> tuple[dict, str]:
    out = tmp_path / "quick.json"
    only = ["--only", ",".join(groups)] if groups else []
    # The dummy SDL driver: no X server needed, and the run stays well under a minute.
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--quick", "--backend", "dummy", *only, "--out", str(out)],
        cwd=REPO,
        env=child_env(),  # this test's private HOME and XDG folders, for the benchmark's children too
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, f"stdout:\n{done.stdout[-3000:]}\nstderr:\n{done.stderr[-3000:]}"
    report = json.loads(out.read_text())
    assert report["suite"] == "quick"
    assert report["errors"] == {}
    assert "figure" in done.stdout and "measured" in done.stdout  # the table was printed
    return report, done.stdout


def check_numbers(figures: dict, expected: set[str]) -> None:
    assert set(figures) == expected, f"missing: {sorted(expected - set(figures))}"
    for key, entry in figures.items():
        value = entry["value"]
        assert isinstance(value, (int, float)) and math.isfinite(value), f"{key}: {value!r}"
        if key not in MAY_BE_NON_POSITIVE:
            assert value >= 0, f"{key}: {value!r}"
        if "p95" in entry:
            assert math.isfinite(entry["p95"]) and entry["p95"] >= 0, f"{key} p95: {entry['p95']!r}"


def test_quick_start_idle_and_tap_benchmarks_give_their_figures_as_numbers(tmp_path):
    report, _ = run_quick(tmp_path, tuple(CI_GROUPS))
    prefixes = tuple(prefix for group in CI_GROUPS.values() for prefix in group)
    expected = {key for key in FIGURES if key.startswith(prefixes)}
    assert "idle_cpu_pct" in expected and "startup_s" in expected and len(expected) == 8
    check_numbers(report["figures"], expected)


@pytest.mark.long
def test_quick_suite_produces_every_figure_as_a_number(tmp_path):
    report, _ = run_quick(tmp_path)
    # The browser comparison needs Chromium and Xvfb: on the dummy driver it says why it skipped.
    assert "browser" in report["skipped"]
    check_numbers(report["figures"], set(FIGURES) - OPTIONAL_FIGURES)
