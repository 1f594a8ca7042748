"""Every test runs in private folders and on a pinned date (tests/conftest.py), and nothing the
tests start writes into HOME: checked in this process, in a child, and with the real kiosk running
under a HOME that is read-only for real (a read-only bind mount where we may make one)."""

from __future__ import annotations

import json
import os
import pwd
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from conftest import FROZEN_DECK, PRIVATE_FOLDERS, REPO, TODAY, child_env

PROBE = """
import json, os
from kiosk.content.loader import default_today
from kiosk.runtime.settings import DEFAULT_SETTINGS_FILE
from kiosk.runtime.stats import default_data_dir
print(json.dumps({
    "home": os.path.expanduser("~"),
    "data": str(default_data_dir()),
    "settings": str(DEFAULT_SETTINGS_FILE),
    "today": default_today().isoformat(),
}))
"""

# Run "$@" with HOME bind-mounted read-only in a private mount namespace; 97 if HOME is writable.
READ_ONLY_HOME = (
    'mount --bind "$HOME" "$HOME" && mount -o remount,bind,ro "$HOME" || exit 98; '
    'touch "$HOME/.probe" 2>/dev/null && exit 97; exec "$@"'
)


def real_home() -> Path:
    return Path(pwd.getpwuid(os.getuid()).pw_dir)


def test_this_process_runs_in_private_folders_on_the_pinned_date(private_home):
    import kiosk.runtime.settings
    from kiosk.content.loader import default_today
    from kiosk.runtime.stats import default_data_dir

    home = Path(os.environ["HOME"])
    assert home == private_home["HOME"] and home != real_home()
    assert home.stat().st_mode & 0o222 == 0, "HOME should be read-only"
    for name in PRIVATE_FOLDERS:
        assert Path(os.environ[name]) == private_home[name]
    assert default_data_dir() == private_home["XDG_DATA_HOME"] / "kiosk"
    settings = kiosk.runtime.settings.DEFAULT_SETTINGS_FILE
    assert settings == private_home["settings"] and not settings.exists()
    assert default_today() == TODAY


def test_a_child_process_gets_the_same_private_folders_and_date(private_home):
    done = subprocess.run(
        [sys.executable, "-c", PROBE], env=child_env(), capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout)
    assert seen == {
        "home": str(private_home["HOME"]),
        "data": str(private_home["XDG_DATA_HOME"] / "kiosk"),
        "settings": str(private_home["settings"]),
        "today": TODAY.isoformat(),
    }


def _read_only_home_wrapper() -> list[str]:
    """A command prefix that makes HOME read-only for real, or [] where we may not mount (then the
    fixture's mode 555 stands in: it binds every user but root)."""
    if os.geteuid() != 0 or shutil.which("unshare") is None:
        return []
    wrapper = ["unshare", "--mount", "--propagation", "private", "sh", "-c", READ_ONLY_HOME, "sh"]
    trial = subprocess.run([*wrapper, "true"], capture_output=True, timeout=30)
    return wrapper if trial.returncode == 0 else []


def test_the_real_kiosk_runs_with_home_read_only_and_writes_only_its_statistics(private_home, tmp_path):
    marker = tmp_path / "first-frame"
    command = [
        *_read_only_home_wrapper(),
        sys.executable,
        "-m",
        "kiosk",
        "run",
        "--windowed",
        "--size",
        "640x360",
        "--deck",
        str(FROZEN_DECK),
    ]
    env = child_env(KIOSK_FIRST_FRAME_FILE=str(marker))
    process = subprocess.Popen(command, env=env, cwd=REPO, stderr=subprocess.PIPE, text=True)
    try:
        give_up = time.monotonic() + 120  # only bounds a kiosk that never draws
        while not marker.exists():
            assert process.poll() is None, f"exited with {process.returncode}: {process.communicate()[1]}"
            assert time.monotonic() < give_up, "no first frame"
            time.sleep(0.05)
        process.send_signal(signal.SIGTERM)
        _, err = process.communicate(timeout=60)
        assert process.returncode == 0, err
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert (private_home["XDG_DATA_HOME"] / "kiosk" / "stats.sqlite3").is_file()
    assert sorted(private_home["HOME"].iterdir()) == []
