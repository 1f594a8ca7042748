"""Shared test setup: headless SDL, a pinned date, a private home, the frozen fixture deck, and a
fake text measure for pure layout tests.

Every test runs as on TODAY, with HOME, the XDG folders and the kiosk's settings file pointing into
its own temporary folder (the fit cache, $KIOSK_CACHE_DIR, is one folder for the whole session).
These are set in the environment, so `kiosk` child processes get them too; `child_env()` builds
the environment for a child that needs more (the dummy video driver).
HOME is left read-only and must still be empty when the test ends: nothing may write there.
"""

from __future__ import annotations

import datetime
import fcntl
import os
import pwd
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
# Hundreds of `kiosk` child processes import the package: with PYTHONDONTWRITEBYTECODE (set on some
# CI images) each one compiled it from source again, about 0.1 s of CPU a child. The compiled files
# go to __pycache__ (ignored by git), as Python's default has it.
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
sys.dont_write_bytecode = False

import pytest  # noqa: E402

from kiosk.content.deck import Deck  # noqa: E402
from kiosk.content.loader import load_deck  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
SLIDES = REPO / "slides"  # the production deck: only tests about its content read it
FROZEN_DECK = Path(__file__).resolve().parent / "fixtures" / "deck-frozen"  # for everything drawn

# Before every review_due in the frozen deck (2027-05-25), so no slide is overdue; the real date
# never matters. KIOSK_TEST_TODAY (YYYY-MM-DD) moves it, to see which tests depend on the date.
TODAY = datetime.date.fromisoformat(os.environ.get("KIOSK_TEST_TODAY") or "2026-12-01")
REAL_HOME = Path(pwd.getpwuid(os.getuid()).pw_dir)
PRIVATE_FOLDERS = {
    "HOME": "home",
    "XDG_DATA_HOME": "data",
    "XDG_CONFIG_HOME": "config",
    "XDG_STATE_HOME": "state",
    "XDG_CACHE_HOME": "cache",
}

SIZES = [(1280, 720), (1920, 1080), (3840, 2160), (1080, 1920)]


class Clocks:
    """A fake monotonic clock and a wall clock that moves with it, from `start`."""

    def __init__(self, start: datetime.datetime = datetime.datetime(2026, 11, 23, 12, 0)) -> None:
        self.now = 0.0
        self.start = start

    def mono(self) -> float:
        return self.now

    def wall(self) -> datetime.datetime:
        return self.start + datetime.timedelta(seconds=self.now)


def fake_measure(text: str, size_px: int, bold: bool) -> int:
    """A font where every character is 0.55 em wide (0.6 bold): close to Atkinson Hyperlegible."""
    return round(len(text) * size_px * (0.6 if bold else 0.55))


def child_env(**extra: str) -> dict[str, str]:
    """The environment for a `kiosk` child process: this test's private folders and date (already
    in os.environ, see `private_home`), headless SDL, and the checkout on the import path."""
    env = {
        **os.environ,
        "SDL_VIDEODRIVER": "dummy",
        "SDL_AUDIODRIVER": "dummy",
        "PYGAME_HIDE_SUPPORT_PROMPT": "1",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])),
    }
    env.update(extra)
    return env


def _go_private(root: Path, patch: pytest.MonkeyPatch) -> dict[str, Path]:
    import kiosk.runtime.settings

    folders = {name: root / sub for name, sub in PRIVATE_FOLDERS.items()}
    for name, folder in folders.items():
        folder.mkdir()
        patch.setenv(name, str(folder))
    settings = root / "no-settings.yaml"  # never created: the kiosk runs on its defaults
    patch.setenv("KIOSK_SETTINGS_FILE", str(settings))
    patch.setattr(kiosk.runtime.settings, "DEFAULT_SETTINGS_FILE", settings)
    patch.setenv("KIOSK_TODAY", TODAY.isoformat())
    # Developer toolchains found through HOME stay where they are: they are not the kiosk's, and
    # rustup's proxies (which a pip build may run) write their settings into a HOME they find empty.
    for variable, folder in (("RUSTUP_HOME", ".rustup"), ("CARGO_HOME", ".cargo")):
        if variable not in os.environ and (REAL_HOME / folder).is_dir():
            patch.setenv(variable, str(REAL_HOME / folder))
    folders["HOME"].chmod(0o555)  # read-only (root ignores the bits; the emptiness check does not)
    return {**folders, "settings": settings}


def _check_untouched(home: Path, who: str) -> None:
    home.chmod(0o755)
    written = sorted(str(path.relative_to(home)) for path in home.rglob("*"))
    assert written == [], f"{who} wrote into HOME: {written}"


@pytest.fixture(scope="session", autouse=True)
def private_session(tmp_path_factory) -> Iterator[dict[str, Path]]:
    """The same as `private_home`, for the whole run: module- and session-scoped fixtures (which
    pytest sets up before any test's own fixtures) start their processes in it too."""
    with pytest.MonkeyPatch.context() as patch:
        folders = _go_private(tmp_path_factory.mktemp("private-session"), patch)
        # One fit cache for the whole run (children too, through the environment): the many checks of
        # copies of the same deck lay each slide out once (kiosk.layout.fit_cache).
        patch.setenv("KIOSK_CACHE_DIR", str(_shared_fit_cache(tmp_path_factory)))
        yield folders
        _check_untouched(folders["HOME"], "a module- or session-scoped fixture")


def pytest_xdist_auto_num_workers(config) -> int:
    """`-n auto` (pyproject.toml): one worker more than the cores. Many tests wait on a real kiosk,
    an X server or a child process; the extra worker computes while they wait (on 2 cores the suite
    took 159 s with 2 workers and 139 s with 3, at the same load)."""
    return (os.cpu_count() or 1) + 1


def _run_folder(tmp_path_factory, name: str) -> Path:
    """A folder `name` shared by all of pytest-xdist's workers of this run (their base temp folders
    are <run>/popen-gwN), or this process's own when there are no workers."""
    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = base.parent / name
        shared.mkdir(exist_ok=True)
        return shared
    return tmp_path_factory.mktemp(name)


def _shared_fit_cache(tmp_path_factory) -> Path:
    """One fit cache for all workers: each slide is laid out once, not once a worker. The cache
    writes beside and renames, so workers may share it."""
    return _run_folder(tmp_path_factory, "fit-cache")


def once_per_run(tmp_path_factory, name: str, compute: Callable[[], str]) -> str:
    """`compute()` run once for the whole run, however many workers ask: the first to take the
    lock computes and keeps the text, the others wait and read it. For slow, deterministic
    fixtures (the hostile corpus's child run) that every worker would otherwise repeat."""
    folder = _run_folder(tmp_path_factory, "once")
    kept = folder / f"{name}.txt"
    with open(folder / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if kept.exists():
            return kept.read_text(encoding="utf-8")
        text = compute()
        kept.with_suffix(".part").write_text(text, encoding="utf-8")
        kept.with_suffix(".part").rename(kept)
        return text


@pytest.fixture(autouse=True)
def private_home(private_session, tmp_path_factory, monkeypatch) -> Iterator[dict[str, Path]]:
    """HOME, XDG_* and the settings file in a fresh folder, and today pinned, for this test and
    every process it starts. Yields the folders by environment variable name (and "settings")."""
    folders = _go_private(tmp_path_factory.mktemp("private"), monkeypatch)
    yield folders
    _check_untouched(folders["HOME"], "the test")


@pytest.fixture(scope="session")
def deck() -> Deck:
    """The frozen fixture deck: what render and layout tests draw, whatever happens to slides/."""
    return load_deck(FROZEN_DECK, today=TODAY)


@pytest.fixture(scope="session")
def production_deck() -> Deck:
    """The real slides/, for tests about what the clinic's deck says."""
    return load_deck(SLIDES, today=TODAY)


LINK_URL = "https://example-clinic.com/sclerotherapy"
DETAIL_LINK_URL = "https://example-clinic.com/aftercare?lang=en"


@pytest.fixture()
def linked_deck(tmp_path):
    """A copy of the frozen deck with a link on the aftercare slide and another on its walking detail."""
    import shutil

    folder = tmp_path / "deck"
    shutil.copytree(FROZEN_DECK, folder)
    path = folder / "aftercare.yaml"
    text = path.read_text(encoding="utf-8").replace(
        "review_due: 2027-05-25", f"review_due: 2027-05-25\nlink: {LINK_URL}", 1
    )
    text = text.replace(
        "    image: illustrations/walking.svg",
        f"    image: illustrations/walking.svg\n    link: {DETAIL_LINK_URL}",
        1,
    )
    assert LINK_URL in text and DETAIL_LINK_URL in text
    path.write_text(text, encoding="utf-8")
    return folder


def pytest_collection_modifyitems(config, items):
    if os.environ.get("KIOSK_LONG") == "1":
        return
    skip = pytest.mark.skip(reason="long run: set KIOSK_LONG=1 to run it")
    for item in items:
        if "long" in item.keywords:
            item.add_marker(skip)
