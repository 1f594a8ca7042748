"""The content path of a fleet: a git repository (or a synced folder) -> deploy/kiosk-content-sync ->
a checked release -> the `current` link the kiosk plays.

Each test runs the real script with bash against a temporary CONTENT_ROOT. The git tests use a local
bare repository as "origin" and the real validator (`python -m kiosk validate`); the lock and
rollback tests use a stand-in validator so they take no longer than they must.
"""

from __future__ import annotations

import os
import re
import shutil
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kiosk.content.loader import check_deck

REPO = Path(__file__).resolve().parent.parent
SCRIPT = REPO / "deploy" / "kiosk-content-sync"
SLIDES = REPO / "slides"
KIOSK = f"{sys.executable} -m kiosk"  # several words on purpose: the script must accept that

_missing = [tool for tool in ("bash", "git", "flock") if shutil.which(tool) is None]
pytestmark = pytest.mark.skipif(
    bool(_missing) or any(c.isspace() for c in sys.executable),
    reason=f"the content sync needs {', '.join(_missing)} on PATH"
    if _missing
    else "the Python path contains a space (KIOSK is split on spaces)",
)

# Settings that could leak in from the shell running the tests and change what the script does.
_SCRIPT_SETTINGS = (
    "CONTENT_ROOT",
    "BRANCH",
    "DECK_SUBDIR",
    "SOURCE_DIR",
    "KIOSK",
    "KEEP_RELEASES",
    "KIOSK_CONTENT_CONFIG",
    "JOURNAL_STREAM",
    "GIT_DIR",
    "GIT_WORK_TREE",
)


def script_env(root: Path, **settings: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in _SCRIPT_SETTINGS}
    env.update(
        CONTENT_ROOT=str(root),
        KIOSK=KIOSK,
        KIOSK_CONTENT_CONFIG=os.devnull,  # not this machine's /etc/default/kiosk-content
        GIT_CONFIG_NOSYSTEM="1",
        GIT_CONFIG_GLOBAL=os.devnull,  # no user's git settings (signing, hooks, default branch)
        GIT_AUTHOR_NAME="Clinic editor",
        GIT_AUTHOR_EMAIL="editor@example.org",
        GIT_COMMITTER_NAME="Clinic editor",
        GIT_COMMITTER_EMAIL="editor@example.org",
    )
    env.update(settings)
    return env


def sync(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["bash", str(SCRIPT), *args], env=env, capture_output=True, text=True, timeout=120)


def current(root: Path) -> str:
    """The release `current` points at: `releases/<id>`, relative, as the script writes it."""
    return os.readlink(root / "current")


def releases(root: Path) -> list[str]:
    return sorted(p.name for p in (root / "releases").iterdir())


class Content:
    """An editor's working copy that publishes to a bare "origin" repository."""

    def __init__(self, base: Path, env: dict[str, str]) -> None:
        self.env = env
        self.origin = base / "content.git"
        self.work = base / "work"
        self.git("init", "--quiet", "--bare", str(self.origin))
        self.git("-C", str(self.origin), "symbolic-ref", "HEAD", "refs/heads/main")
        self.git("init", "--quiet", str(self.work))
        shutil.copytree(SLIDES, self.work / "slides")  # the illustrations come from the kiosk's assets/

    def git(self, *args: str) -> str:
        return subprocess.run(
            ["git", *args], env=self.env, check=True, capture_output=True, text=True
        ).stdout.strip()

    def publish(self, message: str) -> str:
        self.git("-C", str(self.work), "add", "--all")
        self.git("-C", str(self.work), "commit", "--quiet", "--message", message)
        self.git("-C", str(self.work), "push", "--quiet", str(self.origin), "HEAD:refs/heads/main")
        return self.git("-C", str(self.work), "rev-parse", "HEAD")

    def edit(self, name: str, old: str, new: str) -> None:
        path = self.work / "slides" / name
        text = path.read_text(encoding="utf-8")
        assert old in text
        path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_script_is_executable_and_parses():
    assert SCRIPT.stat().st_mode & stat.S_IXUSR, "deploy/kiosk-content-sync must keep its executable bit"
    subprocess.run(["bash", "-n", str(SCRIPT)], check=True)


def test_git_publish_update_refuse_and_fix(tmp_path):
    root = tmp_path / "content-root"
    env = script_env(root)
    content = Content(tmp_path, env)
    good = content.publish("The sclerotherapy deck")

    # First install: --init clones and makes the first release; a plain run then has nothing to do.
    first = sync(env, "--init", str(content.origin))
    assert first.returncode == 0, first.stderr
    again = sync(env)
    assert again.returncode == 0, again.stderr
    assert "up to date" in again.stderr
    assert current(root) == f"releases/{good}"
    assert (root / "current").resolve() == root / "releases" / good
    report = check_deck(root / "current")
    assert report.deck is not None and not report.errors, report.errors
    assert releases(root) == [good]

    # An edit reaches the kiosk.
    content.edit("what-is-it.yaml", "en: What is sclerotherapy?", "en: What is sclerotherapy, in short?")
    edited = content.publish("Shorter opening title")
    run = sync(env)
    assert run.returncode == 0, run.stderr
    assert current(root) == f"releases/{edited}"
    assert "What is sclerotherapy, in short?" in (root / "current" / "what-is-it.yaml").read_text(
        encoding="utf-8"
    )

    # A broken edit is refused with its file and line; the kiosk keeps the last good release.
    content.edit("what-is-it.yaml", "\ntitle:", "\ntitel:")
    broken = content.publish("Typo in a key")
    lines = (content.work / "slides" / "what-is-it.yaml").read_text(encoding="utf-8").splitlines()
    typo_line = lines.index("titel:") + 1
    run = sync(env)
    assert run.returncode == 1, run.stderr
    assert f"slides/what-is-it.yaml:{typo_line}:1:" in run.stderr
    assert "titel" in run.stderr
    assert broken[:7] in run.stderr  # the log names the refused commit
    assert current(root) == f"releases/{edited}"
    assert not [name for name in releases(root) if name.startswith(".staging")]
    assert broken not in releases(root)

    # The fix goes through.
    content.edit("what-is-it.yaml", "\ntitel:", "\ntitle:")
    fixed = content.publish("Fix the typo")
    run = sync(env)
    assert run.returncode == 0, run.stderr
    assert current(root) == f"releases/{fixed}"
    assert set(releases(root)) == {good, edited, fixed}
    assert not os.path.lexists(root / "current.tmp")


def test_plain_folder_source(tmp_path):
    root = tmp_path / "content-root"
    source = tmp_path / "synced"
    shutil.copytree(SLIDES, source)
    (source / ".stfolder").mkdir()  # Syncthing's marker: hidden entries are not content
    (source / ".what-is-it.yaml.Xy12ab").write_text("half-written by rsync", encoding="utf-8")
    # The copy is checked in-process below; the real validator is spent on the broken edit only.
    env = script_env(root, SOURCE_DIR=str(source), KIOSK="true")

    run = sync(env)
    assert run.returncode == 0, run.stderr
    release = current(root)
    assert re.fullmatch(r"releases/[0-9a-f]{16}", release), release
    installed = root / release
    assert not (installed / ".stfolder").exists() and not list(installed.glob(".*"))
    report = check_deck(root / "current")
    assert report.deck is not None and not report.errors, report.errors

    # Nothing changed: nothing to do. A staging folder left by a power cut is cleared away.
    (root / "releases" / ".staging-0123456789abcdef").mkdir()
    run = sync(env)
    assert run.returncode == 0 and "up to date" in run.stderr, run.stderr
    assert releases(root) == [release.split("/")[1]]

    # A broken file is refused with the path as the editor knows it.
    path = source / "what-is-it.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("\ntitle:", "\ntitel:", 1), encoding="utf-8")
    run = sync({**env, "KIOSK": KIOSK})
    assert run.returncode == 1
    assert f"{source}/what-is-it.yaml:3:1:" in run.stderr
    assert current(root) == release
    assert releases(root) == [release.split("/")[1]]


def write_deck(folder: Path, version: int) -> None:
    folder.mkdir(exist_ok=True)
    (folder / "deck.yaml").write_text(f"title: version {version}\n", encoding="utf-8")


def test_a_second_run_skips_while_one_is_busy(tmp_path):
    root = tmp_path / "content-root"
    source = tmp_path / "synced"
    write_deck(source, 1)
    started = tmp_path / "validator-started"
    finish = tmp_path / "validator-may-finish"
    slow = tmp_path / "slow-kiosk"
    slow.write_text(
        "#!/bin/sh\n# stands in for `kiosk validate`: busy until the test lets it pass\n"
        f'touch "{started}"\nwhile [ ! -e "{finish}" ]; do sleep 0.05; done\nexit 0\n',
        encoding="utf-8",
    )
    slow.chmod(0o755)
    env = script_env(root, SOURCE_DIR=str(source), KIOSK=str(slow))

    busy = subprocess.Popen(
        ["bash", str(SCRIPT)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        deadline = time.monotonic() + 60
        while not started.exists():  # the first run holds the lock once its validator has started
            assert busy.poll() is None, busy.communicate()
            assert time.monotonic() < deadline, "the first run never reached validation"
            time.sleep(0.02)
        # The first run cannot finish until `finish` exists, so a second run that waited for the
        # lock would never return (sync() gives up after 120 s): returning at all means it skipped.
        second = sync(env)
        assert busy.poll() is None, "the first run finished while its validator was still busy"
        assert second.returncode == 0, second.stderr
        assert "skipping" in second.stderr
        assert not os.path.lexists(root / "current"), "the second run switched"
    finally:
        finish.touch()
        out, err = busy.communicate(timeout=60)
    assert busy.returncode == 0, err
    assert "now showing" in err
    (release,) = releases(root)
    assert current(root) == f"releases/{release}"


def test_rollback_holds_and_old_releases_are_pruned(tmp_path):
    root = tmp_path / "content-root"
    source = tmp_path / "synced"
    env = script_env(
        root, SOURCE_DIR=str(source), KIOSK=shutil.which("true") or "true"
    )  # a validator that always passes
    made = []
    for version in range(1, 6):
        write_deck(source, version)
        run = sync(env)
        assert run.returncode == 0, run.stderr
        made.append(current(root).split("/")[1])
    # current and the three installed before it are kept; the first is gone.
    assert set(releases(root)) == set(made[1:])

    run = sync(env, "--rollback")  # to the one before
    assert run.returncode == 0, run.stderr
    assert current(root) == f"releases/{made[3]}"
    assert (root / "hold").exists()
    write_deck(source, 6)
    run = sync(env)
    assert run.returncode == 0 and "on hold" in run.stderr, run.stderr
    assert current(root) == f"releases/{made[3]}"

    run = sync(env, "--rollback", made[1][:7])  # by a short name
    assert run.returncode == 0, run.stderr
    assert current(root) == f"releases/{made[1]}"

    run = sync(env, "--resume")
    assert run.returncode == 0, run.stderr
    assert not (root / "hold").exists()
    assert (root / "current" / "deck.yaml").read_text(encoding="utf-8") == "title: version 6\n"


def test_settings_file_fills_in_what_the_environment_does_not_set(tmp_path):
    root = tmp_path / "content-root"
    source = tmp_path / "synced"
    write_deck(source, 1)
    config = tmp_path / "kiosk-content"
    config.write_text(
        f'# as in /etc/default/kiosk-content\nSOURCE_DIR="{source}"\nCONTENT_ROOT=/nonexistent/elsewhere\n',
        encoding="utf-8",
    )
    env = script_env(root, KIOSK="true", KIOSK_CONTENT_CONFIG=str(config))
    run = sync(env)
    assert run.returncode == 0, run.stderr
    assert (root / "current" / "deck.yaml").read_text(encoding="utf-8") == "title: version 1\n"


def test_setup_mistakes_exit_2(tmp_path):
    root = tmp_path / "content-root"
    assert sync(script_env(root), "--bogus").returncode == 2
    no_clone = sync(script_env(root))
    assert no_clone.returncode == 2 and "--init URL" in no_clone.stderr
    assert (
        sync(script_env(root, SOURCE_DIR=str(tmp_path)), "--init", "https://example.org/x.git").returncode
        == 2
    )
    (root / "current").mkdir()
    assert sync(script_env(root, SOURCE_DIR=str(tmp_path))).returncode == 2
