"""Checking a video clip before the kiosk tries to play it.

A clip comes from the content folder like a picture, so the same path rules hold (inside the deck
folder or assets/, no links out), and probing it must stay cheap and bounded whatever the file
holds: the size on disk, the container's header, the stream's declared resolution and duration
are read first and a clip beyond the limits is refused before a frame is decoded; then one frame
is decoded, with a cap on the packets read, in a thread the loader waits for at most
`PROBE_BUDGET_S`. A truncated file, a text file named .mp4, a 10-hour or a 4K clip and a stream
that declares a huge picture each get a message that says what to do.

PyAV (`av`, FFmpeg's maintained Python binding) is imported only here and only when a deck has a
clip, so start-up does not pay for it.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

VIDEO_SUFFIXES = (".mp4", ".m4v", ".mov", ".webm", ".mkv")
CAPTION_SUFFIXES = (".vtt",)
MAX_VIDEO_S = 300.0
MAX_VIDEO_W = 1920
MAX_VIDEO_H = 1080
MAX_VIDEO_BYTES = 512 * 1024 * 1024
# Decoding the first frame reads at most this many packets (a stream that yields no picture in
# them is refused) and the whole probe waits at most the budget (a file on a hung network share).
MAX_PROBE_PACKETS = 600
PROBE_BUDGET_S = 5.0
# Codecs every kiosk's FFmpeg decodes in software fast enough for a 1080p frame on a Pi 4/5.
CODECS = {"h264": "H.264", "vp8": "VP8", "vp9": "VP9", "av1": "AV1", "hevc": "H.265", "mpeg4": "MPEG-4"}
CONVERT_HINT = "convert it to an H.264 MP4 (HandBrake's 'Fast 1080p30' preset does it)"


class VideoRefused(Exception):
    """The message says what is wrong with the clip and how to fix it."""


@dataclass(frozen=True, slots=True, kw_only=True)
class VideoInfo:
    duration_s: float
    width_px: int
    height_px: int
    frame_rate: float
    codec: str
    container: str


def resolve_media(value: str, roots: tuple[Path, ...], suffixes: tuple[str, ...], what: str) -> Path:
    """Find `value` (a clip or a caption file) under one of `roots`, with the picture path rules."""
    if any(ord(character) < 32 for character in value):
        raise VideoRefused(f"the {what} path contains an invisible control character; type it again")
    if "\\" in value:
        raise VideoRefused(f"write the {what} path with forward slashes, like {value.replace(chr(92), '/')}")
    relative = PurePosixPath(value)
    if relative.is_absolute() or (len(value) > 1 and value[1] == ":"):
        raise VideoRefused(
            f"`{value}` is an absolute path; give a path inside the deck folder, like videos/{relative.name}"
        )
    if ".." in relative.parts:
        raise VideoRefused(
            f"`{value}` goes up out of the deck folder (..); put the {what} inside the deck folder"
            " and give its path from there"
        )
    if relative.suffix.lower() not in suffixes:
        raise VideoRefused(f"`{value}` is not a {' or '.join(suffixes)} file; {_suffix_hint(what)}")
    looked: list[str] = []
    for root in roots:
        candidate = root / relative
        looked.append(str(root))
        try:
            present = candidate.exists() or candidate.is_symlink()
        except OSError as exc:
            raise VideoRefused(
                f"`{value}` cannot be opened ({exc.strerror or exc}); check the path"
            ) from None
        if not present:
            continue
        try:
            real = candidate.resolve(strict=True)
        except (OSError, RuntimeError):
            raise VideoRefused(
                f"`{value}` is a broken or looping link; replace it with the file itself"
            ) from None
        if not any(_is_within(real, root) for root in roots):
            raise VideoRefused(
                f"`{value}` is a link that points outside the deck folder ({real}); copy the file in instead"
            )
        if not real.is_file():
            raise VideoRefused(f"`{value}` is not a file")
        return real
    raise VideoRefused(
        f"the {what} `{value}` was not found (looked in {' and '.join(looked)}); check the spelling"
        " and that the file was copied"
    )


def _suffix_hint(what: str) -> str:
    if what == "caption file":
        return "captions must be WebVTT (.vtt); most subtitle editors can save as WebVTT"
    return f"a clip must be an .mp4 or .webm file; {CONVERT_HINT}"


def _is_within(path: Path, root: Path) -> bool:
    try:
        path.relative_to(root.resolve())
        return True
    except (ValueError, OSError, RuntimeError):
        return False


def probe_video(path: Path, value: str, *, budget_s: float = PROBE_BUDGET_S) -> VideoInfo:
    """Check the clip at `path` (`value` as the deck wrote it, for messages) within `budget_s`."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise VideoRefused(f"`{value}` cannot be read ({exc.strerror or exc})") from None
    if size == 0:
        raise VideoRefused(f"`{value}` is empty (0 bytes); copy the clip again")
    if size > MAX_VIDEO_BYTES:
        raise VideoRefused(
            f"`{value}` is {size / 2**20:,.0f} MiB; at most {MAX_VIDEO_BYTES // 2**20} MiB is allowed."
            f" {CONVERT_HINT[0].upper()}{CONVERT_HINT[1:]} at 1080p or less"
        )
    outcome: list[VideoInfo | BaseException] = []

    def work() -> None:
        try:
            outcome.append(_probe(path, value))
        except BaseException as exc:  # handed to the caller's thread below
            outcome.append(exc)

    worker = threading.Thread(target=work, name="kiosk-video-probe", daemon=True)
    worker.start()
    worker.join(budget_s)
    if not outcome:
        raise VideoRefused(
            f"`{value}` took more than {budget_s:g} s to open; the file may be damaged or on a slow"
            f" drive. Copy it into the deck folder again, or {CONVERT_HINT}"
        )
    if isinstance(outcome[0], BaseException):
        raise outcome[0]
    return outcome[0]


def _probe(path: Path, value: str) -> VideoInfo:
    import av  # lazily: only decks with a clip pay for FFmpeg
    from av.error import FFmpegError
    from av.error import FileNotFoundError as AvFileNotFound

    try:
        container: Any = av.open(
            str(path), options={"probesize": "5000000", "analyzeduration": "5000000"}, timeout=PROBE_BUDGET_S
        )
    except AvFileNotFound:
        raise VideoRefused(f"`{value}` was not found; check that the clip was copied") from None
    except PermissionError:
        raise VideoRefused(
            f"the kiosk is not allowed to read `{value}`; give it read permission (chmod a+r)"
        ) from None
    except (FFmpegError, OSError, UnicodeDecodeError, ValueError) as exc:
        raise VideoRefused(
            f"`{value}` is not a video the kiosk can read ({_reason(exc)}); it may be damaged, cut short"
            f" or another kind of file renamed. {CONVERT_HINT[0].upper()}{CONVERT_HINT[1:]}"
        ) from None
    with container:
        if not container.streams.video:
            raise VideoRefused(
                f"`{value}` has no picture the kiosk can find (no video stream): it may be cut short"
                " (copy it again) or be a sound file; choose the video file itself"
            )
        stream = container.streams.video[0]
        if stream.codec_context is None:  # a codec this FFmpeg has no decoder for (found by fuzzing)
            raise VideoRefused(
                f"`{value}` has its picture coded in a way the kiosk cannot decode (no decoder for it);"
                f" {CONVERT_HINT}"
            )
        codec = stream.codec_context.name
        if codec not in CODECS:
            raise VideoRefused(
                f"`{value}` is coded as {codec}, which the kiosk does not play; {CONVERT_HINT}"
            )
        width, height = stream.codec_context.width, stream.codec_context.height
        if width <= 0 or height <= 0:
            raise VideoRefused(f"`{value}` does not say how large its picture is; {CONVERT_HINT}")
        if max(width, height) > MAX_VIDEO_W or min(width, height) > MAX_VIDEO_H:
            raise VideoRefused(
                f"`{value}` is {width}x{height} pixels; at most {MAX_VIDEO_W}x{MAX_VIDEO_H} (1080p)"
                f" is allowed, since a larger picture cannot be decoded smoothly. Export it at 1080p"
                " or 720p"
            )
        duration_s = _duration_s(container, stream)
        if duration_s is None:
            raise VideoRefused(f"`{value}` does not say how long it is; {CONVERT_HINT}")
        if duration_s > MAX_VIDEO_S:
            raise VideoRefused(
                f"`{value}` lasts {_clock(duration_s)}; a clip may last at most {_clock(MAX_VIDEO_S)}."
                " Cut it shorter: patients in a waiting room watch a few minutes at most"
            )
        rate = stream.average_rate or stream.guessed_rate or stream.base_rate
        frame_rate = float(rate) if rate else 0.0
        if not 1 <= frame_rate <= 120:
            raise VideoRefused(
                f"`{value}` has {frame_rate:g} frames a second; a clip should have 24 to 60. {CONVERT_HINT}"
            )
        _first_frame(container, stream, value)
        _check_end(container, stream, duration_s, frame_rate, value)
        return VideoInfo(
            duration_s=duration_s,
            width_px=width,
            height_px=height,
            frame_rate=frame_rate,
            codec=codec,
            container=container.format.name,
        )


def _duration_s(container: Any, stream: Any) -> float | None:
    import av

    found: list[float] = []
    if container.duration is not None and container.duration > 0:
        found.append(container.duration / av.time_base)
    if stream.duration is not None and stream.duration > 0 and stream.time_base:
        found.append(float(stream.duration * stream.time_base))
    return max(found) if found else None


def _first_frame(container: Any, stream: Any, value: str) -> None:
    from av.error import FFmpegError

    try:
        for count, packet in enumerate(container.demux(stream)):
            if count >= MAX_PROBE_PACKETS:
                break
            for _frame in packet.decode():
                return
        else:
            for _frame in stream.codec_context.decode(None):  # flush: a one-frame clip
                return
    except (FFmpegError, ValueError, MemoryError) as exc:
        raise VideoRefused(
            f"the first picture of `{value}` cannot be decoded ({_reason(exc)}); the file may be"
            f" damaged or cut short. Copy it again, or {CONVERT_HINT}"
        ) from None
    raise VideoRefused(
        f"no picture of `{value}` could be decoded; the file may be damaged or cut short. Copy it"
        f" again, or {CONVERT_HINT}"
    )


def _check_end(container: Any, stream: Any, duration_s: float, frame_rate: float, value: str) -> None:
    """A file cut short (a copy that stopped half-way) often still has its header, so it claims its
    full length: jump to its last seconds and make sure there is data there (demuxed, not decoded)."""
    from av.error import FFmpegError

    last_s = -1.0
    try:
        container.seek(int(max(0.0, duration_s - 2.0) / stream.time_base), stream=stream, backward=True)
        for count, packet in enumerate(container.demux(stream)):
            if count >= MAX_PROBE_PACKETS:
                break
            if packet.size and packet.pts is not None:
                last_s = max(last_s, float(packet.pts * stream.time_base))
    except (FFmpegError, ValueError, OSError):
        pass  # judged by what was read before the error
    start_s = float(stream.start_time * stream.time_base) if stream.start_time is not None else 0.0
    if last_s < start_s + duration_s - max(0.5, 3.0 / frame_rate):  # the last frame or so
        raise VideoRefused(
            f"`{value}` is cut short: it says it lasts {_clock(duration_s)}, but the end of the file is"
            " missing. Copy the clip again from the original"
        )


def _reason(exc: BaseException) -> str:
    text = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
    return str(text).split(": '")[0][:80]


def _clock(seconds: float) -> str:
    whole = round(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
