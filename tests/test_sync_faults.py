"""deploy/kiosk-content-sync under system faults (issue 17): a release left half-written by a power
cut, a path with `..`, files too large or used by no slide, and a run with nothing to do that must
not read the files.

Each test runs the real script with bash against a temporary CONTENT_ROOT, like tests/test_fleet.py
(whose helpers these tests share).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from test_fleet import KIOSK, SLIDES, Content, current, pytestmark, releases, script_env, sync

from kiosk.content.loader import check_deck

__all__ = ["pytestmark"]  # the fleet tests' skip rule (bash, git, flock) applies here too


def _make_read_only(folder: Path) -> None:
    for path in [folder, *folder.rglob("*")]:
        path.chmod(0o555 if path.is_dir() else 0o444)


def test_a_release_left_half_written_by_a_power_cut_is_never_switched_to_unchecked(tmp_path):
    """The critical case: releases/<v2> exists with deck.yaml emptied (what an unflushed write
    leaves). The sync must not point `current` at it: it checks the fresh copy and puts that in
    its place, so what `current` shows passes the checks and matches the commit."""
    root = tmp_path / "content-root"
    env = script_env(root)
    content = Content(tmp_path, env)
    good = content.publish("The sclerotherapy deck")
    assert sync(env, "--init", str(content.origin)).returncode == 0
    content.edit("what-is-it.yaml", "en: What is sclerotherapy?", "en: What is sclerotherapy, briefly?")
    v2 = content.publish("Shorter opening title")

    # The cut-off run: v2 exported into releases/<v2>, but its files never reached the disk.
    subprocess.run(
        [
            "git",
            "--git-dir",
            str(root / "repo"),
            "fetch",
            "-q",
            "origin",
            "+refs/heads/main:refs/remotes/origin/main",
        ],
        env=env,
        check=True,
    )
    half = root / "releases" / v2
    half.mkdir()
    archive = subprocess.run(
        ["git", "--git-dir", str(root / "repo"), "archive", f"{v2}:slides"],
        env=env,
        check=True,
        capture_output=True,
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(half)], input=archive, check=True)
    (half / "deck.yaml").write_bytes(b"")
    (half / "aftercare.yaml").write_bytes((half / "aftercare.yaml").read_bytes()[:40])
    _make_read_only(half)
    assert check_deck(half).deck is None  # the leftover really is broken

    run = sync(env)
    assert run.returncode == 0, run.stderr
    assert "differs from the checked copy" in run.stderr
    assert current(root) in (f"releases/{good}", f"releases/{v2}")
    shown = root / "current"
    report = check_deck(shown)
    assert report.deck is not None and not report.errors, report.errors
    committed = (content.work / "slides" / "deck.yaml").read_bytes()
    assert (shown / "deck.yaml").read_bytes() == committed
    assert "briefly?" in (shown / "what-is-it.yaml").read_text(encoding="utf-8")
    assert not [name for name in releases(root) if name.startswith(".staging")]
    # ...and the next run has nothing to do.
    again = sync(env)
    assert again.returncode == 0 and "up to date" in again.stderr, again.stderr


def test_a_bad_release_under_the_fingerprint_of_a_folder_is_replaced_too(tmp_path):
    root = tmp_path / "content-root"
    source = tmp_path / "synced"
    shutil.copytree(SLIDES, source)
    env = script_env(root, SOURCE_DIR=str(source), KIOSK=KIOSK)
    first = sync(env)
    assert first.returncode == 0, first.stderr
    good = current(root)
    # A power cut during a later run that re-made the same release: truncated files.
    (source / "note.yaml").write_text("# a note for the editors\n", encoding="utf-8")
    second = sync(env)
    assert second.returncode == 0, second.stderr
    newer = root / current(root)
    (source / "note.yaml").unlink()
    shutil.rmtree(root / "releases" / good.split("/")[1])
    shutil.copytree(SLIDES, root / good)
    (root / good / "deck.yaml").write_bytes(b"")
    _make_read_only(root / good)

    run = sync(env)
    assert run.returncode == 0, run.stderr
    assert current(root) == good and (root / good) != newer
    report = check_deck(root / "current")
    assert report.deck is not None and not report.errors, report.errors
    assert (root / "current" / "deck.yaml").read_bytes() == (SLIDES / "deck.yaml").read_bytes()


def _mktree(content: Content, listing: str) -> str:
    return subprocess.run(
        ["git", "-C", str(content.work), "mktree"],
        input=listing,
        capture_output=True,
        text=True,
        check=True,
        env=content.env,
    ).stdout.strip()


def _commit_with_a_dotdot_path(content: Content) -> str:
    """A commit whose slides folder holds an entry named `..` (git itself accepts such a tree)."""
    git = content.git
    work = str(content.work)
    blob = subprocess.run(
        ["git", "-C", work, "hash-object", "-w", "--stdin"],
        input="# escapes the folder\n",
        capture_output=True,
        text=True,
        check=True,
        env=content.env,
    ).stdout.strip()
    slides = git("-C", work, "ls-tree", "HEAD:slides") + f"\n100644 blob {blob}\t..\n"
    slides_tree = _mktree(content, slides)
    top = "".join(
        (f"040000 tree {slides_tree}\tslides\n" if line.endswith("\tslides") else line + "\n")
        for line in git("-C", work, "ls-tree", "HEAD").splitlines()
    )
    top_tree = _mktree(content, top)
    commit = git("-C", work, "commit-tree", top_tree, "-p", "HEAD", "-m", "A path with ..")
    git("-C", work, "push", "--quiet", str(content.origin), f"{commit}:refs/heads/main")
    return commit


def test_a_dotdot_path_is_named_and_refused_not_called_a_full_disk(tmp_path):
    root = tmp_path / "content-root"
    env = script_env(root, KIOSK="true")
    content = Content(tmp_path, env)
    good = content.publish("The sclerotherapy deck")
    assert sync(env, "--init", str(content.origin)).returncode == 0
    bad = _commit_with_a_dotdot_path(content)

    run = sync(env)
    assert run.returncode == 1, run.stderr
    assert "disk full" not in run.stderr
    assert "slides/..: a path that points outside the deck's folder" in run.stderr
    assert bad[:7] in run.stderr
    assert current(root) == f"releases/{good}"
    assert bad not in releases(root)


def test_files_no_slide_uses_are_left_out_and_oversized_files_refused(tmp_path):
    root = tmp_path / "content-root"
    source = tmp_path / "synced"
    shutil.copytree(SLIDES, source)
    (source / "holiday-video.mp4").write_bytes(b"\0" * 4096)  # named by no slide
    (source / "old" / "empty").mkdir(parents=True)  # folders left empty are dropped
    env = script_env(root, SOURCE_DIR=str(source), KIOSK="true")
    run = sync(env)
    assert run.returncode == 0, run.stderr
    release = root / current(root)
    assert "left out" in run.stderr and "holiday-video.mp4: no slide names it" in run.stderr
    assert not (release / "holiday-video.mp4").exists()
    assert not (release / "old").exists()
    assert (release / "deck.yaml").is_file()

    # A 200 MB file (sparse: no disk used) is refused before anything is copied, with its name.
    with (source / "backup.png").open("wb") as handle:
        handle.truncate(200 * 1024 * 1024)
    (source / "deck.yaml").write_text(
        (source / "deck.yaml").read_text(encoding="utf-8") + "# backup.png\n", encoding="utf-8"
    )
    run = sync(env)
    assert run.returncode == 1, run.stderr
    assert f"{source}/backup.png: 200 MB, larger than the 64 MB a content file may be" in run.stderr
    assert current(root) == f"releases/{release.name}"
    assert not [name for name in releases(root) if name.startswith(".staging")]


def test_a_run_with_nothing_changed_reads_no_content_file(tmp_path):
    """ "Up to date" comes from the folder's listing (names, sizes, times), not from hashing every
    file: a 4 GB sparse file used to cost 8 s of CPU on every timer run."""
    root = tmp_path / "content-root"
    source = tmp_path / "synced"
    shutil.copytree(SLIDES, source)
    shims = tmp_path / "bin"
    shims.mkdir()
    calls = tmp_path / "sha256sum-calls"
    real = shutil.which("sha256sum")
    assert real is not None
    (shims / "sha256sum").write_text(
        f'#!/bin/sh\nprintf "%s\\n" "$*" >>"{calls}"\nexec "{real}" "$@"\n', encoding="utf-8"
    )
    (shims / "sha256sum").chmod(0o755)
    env = script_env(root, SOURCE_DIR=str(source), KIOSK="true")
    env["PATH"] = f"{shims}{os.pathsep}{env['PATH']}"

    first = sync(env)
    assert first.returncode == 0, first.stderr
    assert "deck.yaml" in calls.read_text(encoding="utf-8")  # the first run does hash the files
    calls.unlink()
    second = sync(env)
    assert second.returncode == 0 and "up to date" in second.stderr, second.stderr
    hashed = [line for line in calls.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert hashed == [], hashed  # no file named: only the listing was hashed, from a pipe

    # Touched but not changed: copied and compared once, still the same release, then quiet again.
    os.utime(source / "deck.yaml")
    third = sync(env)
    assert third.returncode == 0 and "up to date" in third.stderr, third.stderr
    assert "now showing" not in third.stderr
    calls.unlink()
    assert "up to date" in sync(env).stderr
    assert not [line for line in calls.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_a_half_written_release_whose_commit_is_broken_too_is_refused_and_current_kept(tmp_path):
    """The brief's reproduction when the fresh copy cannot stand in for it: refused, exit 1, no
    "now showing", and `current` stays on the good release."""
    root = tmp_path / "content-root"
    env = script_env(root)
    content = Content(tmp_path, env)
    good = content.publish("The sclerotherapy deck")
    assert sync(env, "--init", str(content.origin)).returncode == 0
    (content.work / "slides" / "deck.yaml").write_text("", encoding="utf-8")
    v2 = content.publish("deck.yaml emptied")
    half = root / "releases" / v2
    shutil.copytree(SLIDES, half)
    (half / "deck.yaml").write_bytes(b"")

    run = sync(env)
    assert run.returncode == 1, run.stderr
    assert "now showing" not in run.stderr
    assert current(root) == f"releases/{good}"
    report = check_deck(root / "current")
    assert report.deck is not None and not report.errors
