"""The wheel works anywhere: `.ci/wheel-check` builds it, installs it into a fresh venv and runs
validate, export, handout and init from a folder outside the checkout.

Here it runs offline: the wheel is built without build isolation (hatchling is in the test extra)
and the fresh venv borrows this environment's installed dependencies. CI also runs the script
on its own, installing the dependencies from the package index as a kiosk would."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SCRIPT = REPO / ".ci" / "wheel-check"


# Long: `.ci/run` runs `.ci/wheel-check` itself after the tests, on every change, so the default
# run does not build and install the wheel a second time (about 30 s of the suite's 120).
@pytest.mark.long
@pytest.mark.skipif(
    importlib.util.find_spec("hatchling") is None,
    reason="hatchling is not installed (pip install -e '.[test]'), so the wheel cannot be built offline",
)
def test_the_wheel_validates_exports_and_prints_the_bundled_deck_from_another_folder(tmp_path: Path):
    env = {**os.environ, "PYTHON": sys.executable, "TMPDIR": str(tmp_path)}
    result = subprocess.run(
        ["bash", str(SCRIPT), "--deps-from", sys.executable],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert lines[-1] == "wheel-check: OK"
    data = next(line for line in lines if line.startswith("wheel-check: data from "))
    assert data.endswith("/site-packages/kiosk/_data")  # not the checkout
    export = next(line for line in lines if line.startswith("wheel-check: export: "))
    count, _, rest = export.removeprefix("wheel-check: export: ").partition(" PNGs for ")
    assert int(count) > 0 and rest == f"{count} screens"


def test_a_checkout_reads_its_own_slides_and_assets():
    import kiosk.resources as resources

    if not Path(resources.__file__).is_relative_to(REPO):
        pytest.skip("kiosk is installed from a wheel here, not from this checkout")
    assert resources.DATA_ROOT == REPO  # an editable install never grows a kiosk/_data
    assert resources.SAMPLE_DECK_DIR == REPO / "slides"
    assert (resources.FONTS_DIR / "OFL.txt").is_file()
    assert (resources.DEPLOY_DIR / "kiosk.service").is_file()
