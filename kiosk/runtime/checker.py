"""The deck check in a short-lived child process: `python -m kiosk.runtime.checker`.

The reload worker's full check (load, schema, placeholders, the font's letters; not the fit) needs
pydantic, PyYAML and pyphen, and holds the GIL for a second or more on a big deck. Run in the kiosk,
those imports stayed in its memory for good (about 18 MiB of PSS) and every check competed with the
frame loop. So the kiosk starts this module as a child (`sys.executable -m`, never a fork of a
process that has SDL and threads), and:

- sends it one request as JSON on stdin: the folder to read (the real folder the scan resolved, one
  release), the assets folder, and where to keep the deck as the last good one, with the folder's
  fingerprint taken before reading;
- the child reads the folder within the read bounds (kiosk.content.budget), keeps a deck that
  passes as the last good deck (kiosk.content.snapshot, the same files as before), and writes one
  JSON answer to its stdout: every problem, and the deck in the last good deck's own encoding
  (`encode_deck`; pictures as paths), so a full disk that cannot keep a snapshot still reloads;
- the parent reads at most MAX_ANSWER_BYTES, kills the child within POLL_S of a stop request or
  after LIMIT_S, and decodes the deck with `decode_deck` (no validation, nothing imported but the
  deck's dataclasses). The child's log lines go to the parent's stderr (the journal).
"""

from __future__ import annotations

import json
import os
import selectors
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from kiosk.content.budget import ReadStopped
from kiosk.content.problems import Problem, Severity
from kiosk.content.report import Report
from kiosk.content.snapshot import decode_deck, encode_deck

POLL_S = 0.1  # how often the parent looks at the stop request while the child works
# The reading bound is 20 s (kiosk.content.budget); the imports, the pictures' and the font's checks
# come on top. A child still working after this is killed and the current deck keeps playing.
LIMIT_S = 120.0
MAX_ANSWER_BYTES = 64 * 2**20  # a 500-slide deck's answer is about 1.5 MB
MAX_REQUEST_BYTES = 2**20

# The children running now: the kiosk kills them as it exits (`kill_children`), since its reload
# worker is a daemon thread that may not get to do it.
_RUNNING: set[subprocess.Popen] = set()
_RUNNING_LOCK = threading.Lock()


@dataclass(frozen=True, slots=True, kw_only=True)
class Keep:
    """Where and how the child keeps a deck that passes as the last good one (LastGood.save)."""

    data_dir: str
    source_key: str  # the fingerprint of the folder taken before reading (Fingerprint.key)
    source_folder: str
    watched: str


class CheckFailed(RuntimeError):
    """The child ended without an answer (a crash, a kill, an answer too large or not JSON)."""


# -- the parent's side ---------------------------------------------------------------------------


def check_in_child(
    folder: Path,
    *,
    assets: Path,
    keep: Keep | None = None,
    stop: threading.Event | None = None,
    limit_s: float = LIMIT_S,
) -> Report:
    """Check `folder` in a child process; the Report as `content_loader` gives it in-process.

    Raises ReadStopped when `stop` is set meanwhile (the child is killed), CheckFailed when the
    child gives no usable answer."""
    request = json.dumps(
        {"folder": str(folder), "assets": str(assets), "keep": asdict(keep) if keep is not None else None}
    ).encode()
    env = dict(os.environ, PYGAME_HIDE_SUPPORT_PROMPT="1")
    child = subprocess.Popen(
        [sys.executable, "-m", "kiosk.runtime.checker"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        env=env,
        close_fds=True,
    )
    with _RUNNING_LOCK:
        _RUNNING.add(child)
    try:
        answer = _exchange(child, request, stop, limit_s)
    finally:
        if child.poll() is None:
            child.kill()
        child.wait()
        with _RUNNING_LOCK:
            _RUNNING.discard(child)
        for pipe in (child.stdin, child.stdout):
            if pipe is not None:
                pipe.close()
    if child.returncode != 0:
        raise CheckFailed(f"the deck check exited with status {child.returncode}")
    return _report(answer)


def kill_children() -> int:
    """Kill every deck check still running (the kiosk is exiting); how many there were."""
    with _RUNNING_LOCK:
        running = [child for child in _RUNNING if child.poll() is None]
    for child in running:
        child.kill()
    return len(running)


def _exchange(child: subprocess.Popen, request: bytes, stop: threading.Event | None, limit_s: float) -> bytes:
    assert child.stdin is not None and child.stdout is not None
    try:
        child.stdin.write(request)
        child.stdin.close()
    except BrokenPipeError:
        pass  # the child died at once: its status says so below
    deadline = time.monotonic() + limit_s
    chunks: list[bytes] = []
    size = 0
    descriptor = child.stdout.fileno()
    with selectors.DefaultSelector() as selector:
        selector.register(descriptor, selectors.EVENT_READ)
        while True:
            if stop is not None and stop.is_set():
                child.kill()
                raise ReadStopped("the kiosk is stopping")
            if time.monotonic() > deadline:
                child.kill()
                raise CheckFailed(f"the deck check took longer than {limit_s:.0f} s and was stopped")
            if not selector.select(POLL_S):
                continue
            chunk = os.read(descriptor, 1 << 16)
            if not chunk:
                break
            size += len(chunk)
            if size > MAX_ANSWER_BYTES:
                child.kill()
                raise CheckFailed(f"the deck check's answer is larger than {MAX_ANSWER_BYTES:,} bytes")
            chunks.append(chunk)
    # The answer is complete; the child only has to exit. Wait for it, still stoppable.
    while child.poll() is None:
        if (stop is not None and stop.is_set()) or time.monotonic() > deadline:
            child.kill()
            break
        time.sleep(0.01)
    return b"".join(chunks)


def _report(answer: bytes) -> Report:
    try:
        data = json.loads(answer)
        problems = tuple(_problem(item) for item in data["problems"])
        deck = decode_deck(data["deck"], Path("/")) if data["deck"] is not None else None
    except (ValueError, KeyError, TypeError) as exc:
        raise CheckFailed(f"the deck check's answer cannot be read ({exc})") from None
    return Report(deck, problems)


def _problem(item: dict[str, Any]) -> Problem:
    return Problem(
        str(item["file"]),
        int(item["line"]),
        int(item["column"]),
        str(item["message"]),
        Severity(item["severity"]),
        int(item["rank"]),
    )


# -- the child's side ----------------------------------------------------------------------------


def main() -> int:
    import logging

    # The answer goes to the real stdout; anything else that prints (a library's banner) goes to
    # stderr with the log, so it can never corrupt the answer.
    answer = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    request = json.loads(sys.stdin.buffer.read(MAX_REQUEST_BYTES))
    report = _check(Path(request["folder"]), Path(request["assets"]))
    if report.deck is not None and request.get("keep"):
        _keep(report, Keep(**request["keep"]))
    body = {
        "problems": [asdict(problem) for problem in report.problems],
        "deck": encode_deck(report.deck, {}) if report.deck is not None else None,
    }
    answer.write(json.dumps(body, separators=(",", ":")).encode())
    answer.close()
    return 0


def _check(folder: Path, assets: Path) -> Report:
    from kiosk.content.budget import ReadBudget, reading_budget
    from kiosk.runtime.reload import content_loader

    with reading_budget(ReadBudget()):
        return content_loader(assets)(folder)


def _keep(report: Report, keep: Keep) -> None:
    from kiosk.content.snapshot import LastGood

    assert report.deck is not None
    LastGood(Path(keep.data_dir)).save(
        report.deck, source_key=keep.source_key, source_folder=keep.source_folder, watched=keep.watched
    )


if __name__ == "__main__":
    sys.exit(main())
