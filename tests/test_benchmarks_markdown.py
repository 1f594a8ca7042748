"""`python -m benchmarks --markdown`: the after table of docs/performance.md from saved runs."""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:  # benchmarks/ is not installed; it lives next to tests/
    sys.path.insert(0, str(REPO))

from benchmarks.run import BEFORE, FIGURES, markdown, merged  # noqa: E402


def report(figures: dict, **rest) -> dict:
    return {
        "command": "python -m benchmarks",
        "suite": "full",
        "when": "2026-12-01T04:00:00+0000",
        "backend": "xvfb",
        "machine": {"cpu_model": "CPU", "cores": 2},
        "figures": figures,
        "skipped": {},
        "load_average_1min": {"startup": {"before": 2.5, "after": 3.5}},
        **rest,
    }


def entry(key: str, value: float, status: str) -> dict:
    label, unit, target = FIGURES[key]
    return {"label": label, "unit": unit, "target": target, "value": value, "status": status}


def test_one_row_per_figure_with_target_before_after_and_verdict():
    lines = markdown(
        report(
            {
                "startup_s": entry("startup_s", 0.42, "pass"),
                "browser_cpu_ratio": entry("browser_cpu_ratio", 0.31, "miss"),
            },
            skipped={"scaling": "not asked for"},
        )
    )
    assert "load average 2.5-3.5" in lines[0]
    assert lines[2] == "| figure | target | before | after | met? |"
    rows = {line.split(" | ")[0].lstrip("| "): line for line in lines[4:]}
    assert len(rows) == len(FIGURES)
    startup = rows[FIGURES["startup_s"][0]]
    assert startup == f"| {FIGURES['startup_s'][0]} | ≤ 0.5 s | {BEFORE['startup_s']} s | 0.42 s | yes |"
    assert rows[FIGURES["browser_cpu_ratio"][0]].endswith("| ≤ 0.2× | 0.64× | 0.31× | **no** |")
    assert "— (not asked for) | — |" in rows[FIGURES["scaling_validate_s"][0]]


def test_later_runs_replace_earlier_figures_when_merged():
    first = report({"startup_s": entry("startup_s", 0.7, "miss")})
    second = report({"startup_s": entry("startup_s", 0.45, "pass")}, command="python -m benchmarks --scaling")
    both = merged([first, second])
    assert both["figures"]["startup_s"]["value"] == 0.45
    assert "--scaling" in both["command"]
