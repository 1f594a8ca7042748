"""Memory while a clip plays (issue 18, docs/performance.md): no thread is started per frame, and a
player hands the C heap's free pages back when it ends.

Every new native thread takes a glibc arena, whose free memory stays in the process: a scaler
made per frame (PyAV 17's `frame.reformat`) started two threads a frame, and the arenas grew for
days. The figures are in benchmarks/memory.py (`day --clip`); here we count threads and calls,
which do not depend on the machine.
"""

from __future__ import annotations

import gc
import os
import threading
import time
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import pytest
from videoclips import BLUE, GREEN, RED, make_clip

from kiosk.render import video
from kiosk.render.video import ClipPlayer, decode_frames, scale_here


def native_threads() -> set[str]:
    """This process's threads as the kernel sees them (FFmpeg's too, which `threading` does not)."""
    return set(os.listdir("/proc/self/task"))


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs Linux's /proc")
def test_decoding_starts_no_thread_per_frame(tmp_path: Path) -> None:
    # 640x360 scaled to 480x270: big enough for FFmpeg's scaler to split it between threads.
    clip = make_clip(tmp_path / "c.mp4", size=(640, 360), fps=10, colours=(RED, BLUE, GREEN))
    seen_after: set[str] = set()
    started: set[str] = set()
    frames = 0
    for frames, (_, data, pitch) in enumerate(decode_frames(clip, (480, 270)), start=1):
        assert pitch >= 480 * 3 and len(data) >= pitch * 269 + 480 * 3
        now = native_threads()
        if frames == 2:  # the decoder's own threads start when the clip opens: they are in here
            seen_after = now
        elif frames > 2:
            started |= now - seen_after
    assert frames == 30
    # Before the fix: two scaler threads started (and ended) for every frame, 50+ here.
    assert not started, f"{len(started)} threads started while 28 frames were decoded"


def test_scale_here_only_where_pyav_takes_threads() -> None:
    assert scale_here("18.1.0") == {"threads": 1}
    assert scale_here("17.0.0") == {"threads": 1}
    assert scale_here("16.1.0") == {}
    assert scale_here("14.0.1") == {}
    assert scale_here("dev") == {}


class Recorder:
    """Stands in for `release_free_memory`: when it was called, and whether the decoder was
    closed by then (the pages are free only once the clip's buffers are)."""

    def __init__(self) -> None:
        self.calls: list[bool] = []
        self.decoder_closed = False
        self.done = threading.Event()

    def decoder(self, path: Path, size: tuple[int, int]) -> Iterator[tuple[float, bytes, int]]:
        try:
            for n in range(1000):
                yield n / 25, b"\0" * (size[0] * size[1] * 3), size[0] * 3
                time.sleep(0.001)
        finally:
            self.decoder_closed = True

    def broken(self, path: Path, size: tuple[int, int]) -> Iterator[tuple[float, bytes, int]]:
        try:
            yield 0.0, b"\0" * (size[0] * size[1] * 3), size[0] * 3
            raise ValueError("damaged half-way")
        finally:
            self.decoder_closed = True

    def release(self) -> None:
        self.calls.append(self.decoder_closed)
        self.done.set()


def test_a_stopped_player_releases_free_memory_once_its_decoder_is_closed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    recorder = Recorder()
    monkeypatch.setattr(video, "release_free_memory", recorder.release)
    player = ClipPlayer(Path("x.mp4"), (8, 6), decoder=recorder.decoder)
    deadline = time.monotonic() + 5
    while player.take() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    assert recorder.calls == []  # not while it plays
    player.stop()
    player.join(5)
    assert not player.alive
    assert recorder.calls == [True]


def test_a_failed_player_releases_free_memory_too(monkeypatch: pytest.MonkeyPatch) -> None:
    recorder = Recorder()
    monkeypatch.setattr(video, "release_free_memory", recorder.release)
    player = ClipPlayer(Path("x.mp4"), (8, 6), decoder=recorder.broken)
    player.join(5)
    assert player.failed and not player.alive
    assert recorder.calls == [True]


def test_releasing_memory_keeps_nothing_behind() -> None:
    # Once per clip for weeks: loading libc on every call left ctypes objects behind (about
    # 420 blocks for 1,000 calls, by tracemalloc).
    video.release_free_memory()  # the first call loads libc (kept: that is the point)
    tracemalloc.start()
    try:
        gc.collect()
        before = tracemalloc.take_snapshot()
        for _ in range(1000):
            video.release_free_memory()
        gc.collect()
        after = tracemalloc.take_snapshot()
    finally:
        tracemalloc.stop()
    kept = sum(stat.count_diff for stat in after.compare_to(before, "filename") if stat.count_diff > 0)
    assert kept < 50, f"{kept} blocks kept by 1,000 releases"
