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

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:  # benchmarks/ is not installed; it lives next to tests/
    sys.path.insert(0, str(REPO))

from conftest import child_env  # noqa: E402

from benchmarks.run import FIGURES, MAY_BE_NON_POSITIVE  # noqa: E402


def test_quick_suite_produces_every_figure_as_a_number(tmp_path):
    out = tmp_path / "quick.json"
    # The dummy SDL driver: no X server needed, and the run stays well under a minute.
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--quick", "--backend", "dummy", "--out", str(out)],
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
    figures = report["figures"]
    assert set(figures) == set(FIGURES), f"missing: {sorted(set(FIGURES) - set(figures))}"
    for key, entry in figures.items():
        value = entry["value"]
        assert isinstance(value, (int, float)) and math.isfinite(value), f"{key}: {value!r}"
        if key not in MAY_BE_NON_POSITIVE:
            assert value >= 0, f"{key}: {value!r}"
        if "p95" in entry:
            assert math.isfinite(entry["p95"]) and entry["p95"] >= 0, f"{key} p95: {entry['p95']!r}"
    assert "figure" in done.stdout and "measured" in done.stdout  # the table was printed
