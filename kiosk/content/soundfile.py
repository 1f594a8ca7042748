"""Checking a narration file before the kiosk ever plays it.

A sound named in a slide file comes from a folder anyone with access to the content can edit, so
it is checked like a picture (`kiosk.content.imagefile`): it must stay inside the deck folder, be
what its name says, not be empty or huge, decode from start to end, and last at most
`MAX_NARRATION_S`. The duration read here sets the slide's reading time and the end of playback.

Formats: OGG Vorbis (recommended: small and clean), WAV (PCM) and MP3: the three that pygame's
mixer (SDL_mixer) plays on every platform the kiosk runs on. WAV is read with the standard
library's `wave`; OGG and MP3 are decoded with PyAV (`av`, FFmpeg's maintained binding, also used
for video), imported only when such a file is checked. Nothing here needs a sound card.
"""

from __future__ import annotations

import difflib
import struct
import wave
from pathlib import Path, PurePosixPath

from kiosk.content.deck import Sound

SOUND_SUFFIXES = (".ogg", ".wav", ".mp3")
MAX_NARRATION_S = 300.0  # five minutes: a narration reads a screen, it is not a lecture
MIN_NARRATION_S = 0.5
# 5 min of 48 kHz 16-bit stereo WAV is 55 MiB; an OGG of the same is about 5 MiB.
MAX_SOUND_BYTES = 64 * 1024 * 1024
MIN_SOUND_BYTES = 44  # a WAV header alone; anything shorter cannot hold a sound
# How much sound the checker decodes beyond the limit before it stops (a file whose header lies
# about its length must not make the checker decode ten hours).
_DECODE_SLACK_S = 5.0


class SoundRefused(Exception):
    """The message says what is wrong with the sound file and how to fix it."""


def resolve_sound(value: str, roots: tuple[Path, ...]) -> Sound:
    """Find `value` under one of `roots` (the deck folder: a recording belongs to its deck, unlike
    the kiosk's shared illustrations in assets/) and probe it."""
    if not value.strip() or len(value) > 200:
        raise SoundRefused("a sound path should be 1 to 200 characters, like narration/what-is-it-en.ogg")
    if any(ord(character) < 32 for character in value):
        raise SoundRefused("the sound path contains an invisible control character; type the path again")
    if "\\" in value:
        raise SoundRefused(f"write the sound path with forward slashes, like {value.replace(chr(92), '/')}")
    relative = PurePosixPath(value)
    if relative.is_absolute() or (len(value) > 1 and value[1] == ":"):
        raise SoundRefused(
            f"`{value}` is an absolute path; give a path inside the deck folder,"
            f" like narration/{relative.name}"
        )
    if ".." in relative.parts:
        raise SoundRefused(
            f"`{value}` goes up out of the deck folder (..); put the sound inside the deck folder "
            "and give its path from there"
        )
    suffix = relative.suffix.lower()
    if suffix not in SOUND_SUFFIXES:
        raise SoundRefused(
            f"`{value}` is not an .ogg, .wav or .mp3 file; export the narration as OGG Vorbis (best) or WAV"
        )
    for root in roots:
        candidate = root / relative
        try:
            present = candidate.exists() or candidate.is_symlink()
        except OSError as exc:
            raise SoundRefused(
                f"`{value}` cannot be opened ({exc.strerror or exc});"
                " check the path and the folder's permissions"
            ) from None
        if not present:
            continue
        try:
            real = candidate.resolve(strict=True)
        except (OSError, RuntimeError):
            raise SoundRefused(
                f"`{value}` is a broken or looping link; replace it with the sound file itself"
            ) from None
        if not any(_is_within(real, r) for r in roots):
            raise SoundRefused(
                f"`{value}` is a link that points outside the deck folder ({real}); "
                "copy the sound into the deck folder instead"
            )
        if not real.is_file():
            raise SoundRefused(f"`{value}` is not a file")
        kind = suffix[1:]
        return Sound(path=real, kind=kind, duration_s=probe_sound(real, kind, value))
    raise SoundRefused(f"the sound `{value}` was not found in the deck folder{_close_name(relative, roots)}")


def _is_within(path: Path, root: Path) -> bool:
    try:
        path.relative_to(root.resolve())
        return True
    except (ValueError, OSError, RuntimeError):
        return False


def _close_name(relative: PurePosixPath, roots: tuple[Path, ...]) -> str:
    names: list[str] = []
    for root in roots:
        try:
            names += [
                p.name for p in (root / relative.parent).iterdir() if p.suffix.lower() in SOUND_SUFFIXES
            ]
        except OSError:
            continue
    match = difflib.get_close_matches(relative.name, names, n=1, cutoff=0.6)
    if match:
        return f"; did you mean `{relative.parent / match[0]}`?"
    return "; check the spelling and that the file was copied"


# -- probing --------------------------------------------------------------------------------------

_CACHE: dict[tuple[str, str, int, int], float] = {}


def probe_sound(path: Path, kind: str, value: str) -> float:
    """The sound's length in seconds, after checking it is a whole, playable `kind` file.

    Remembered per (path, modification time, size): a hot reload does not decode it again."""
    try:
        info = path.stat()
        with path.open("rb") as handle:
            head = handle.read(64)
    except PermissionError:
        raise SoundRefused(
            f"the kiosk is not allowed to read `{value}`; give it read permission (chmod a+r)"
        ) from None
    except OSError as exc:
        raise SoundRefused(f"`{value}` cannot be read ({exc.strerror or exc})") from None
    key = (str(path), kind, info.st_mtime_ns, info.st_size)
    if key in _CACHE:
        return _CACHE[key]
    if info.st_size < MIN_SOUND_BYTES:
        raise SoundRefused(f"`{value}` is empty or almost ({info.st_size} bytes); export the narration again")
    if info.st_size > MAX_SOUND_BYTES:
        raise SoundRefused(
            f"`{value}` is {info.st_size / 2**20:.0f} MiB, more than the {MAX_SOUND_BYTES // 2**20} MiB"
            " allowed; export it as OGG Vorbis, which is about ten times smaller"
        )
    found = sniff(head)
    if found != kind:
        what = _describe(found, head)
        raise SoundRefused(
            f"`{value}` is not {_ARTICLE[kind]} sound ({what}); export the narration again as"
            f" {kind.upper()}, or give the file the right ending"
        )
    duration = _wav_duration(path, value) if kind == "wav" else _decoded_duration(path, kind, value)
    if kind == "ogg" and not _ogg_ends(path):
        raise SoundRefused(f"`{value}` is cut off before its end (a truncated file); copy or export it again")
    if duration > MAX_NARRATION_S:
        raise SoundRefused(
            f"`{value}` lasts {_minutes(duration)}; a narration may last at most"
            f" {_minutes(MAX_NARRATION_S)}. Shorten it, or split it between the slide and its details"
        )
    if duration < MIN_NARRATION_S:
        raise SoundRefused(f"`{value}` holds no sound ({duration:.1f} s); export the narration again")
    if len(_CACHE) > 256:
        _CACHE.clear()
    _CACHE[key] = duration
    return duration


_ARTICLE = {"ogg": "an OGG", "wav": "a WAV", "mp3": "an MP3"}


def sniff(head: bytes) -> str | None:
    """Which sound format the first bytes say the file is, or None."""
    if head.startswith(b"OggS"):
        return "ogg"
    if head.startswith(b"RIFF") and head[8:12] == b"WAVE":
        return "wav"
    if head.startswith(b"ID3") or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0):
        return "mp3"
    return None


def _describe(found: str | None, head: bytes) -> str:
    if found is not None:
        return f"it is really {_ARTICLE[found]} file"
    try:
        head.decode("utf-8")
        return "it holds text, not sound"
    except UnicodeDecodeError:
        return "its content is something else"


def _minutes(seconds: float) -> str:
    whole = round(seconds)
    if whole < 60:
        return f"{seconds:.0f} s"
    return f"{whole // 60} min {whole % 60:02d} s"


def _wav_duration(path: Path, value: str) -> float:
    """A WAV's length from its header, after checking the samples are all there."""
    try:
        with wave.open(str(path), "rb") as reader:
            frames, rate = reader.getnframes(), reader.getframerate()
            width, channels = reader.getsampwidth(), reader.getnchannels()
            if rate <= 0 or channels <= 0:
                raise SoundRefused(f"`{value}` has no sample rate or channels; export it again")
            if channels > 2:
                raise SoundRefused(f"`{value}` has {channels} channels; export it as mono or stereo")
            duration = frames / rate
            if duration > MAX_NARRATION_S + _DECODE_SLACK_S:
                return duration  # too long: said by the caller, without reading it all
            data = reader.readframes(frames)
    except SoundRefused:
        raise
    except (wave.Error, EOFError) as exc:
        raise SoundRefused(
            f"`{value}` is not a WAV file the kiosk can play ({exc}); export it again as 16-bit PCM WAV"
            " or as OGG Vorbis"
        ) from None
    except (RuntimeError, ValueError, struct.error):
        # `wave` raises a bare RuntimeError for a part of the file (a chunk) that says it runs past
        # the end of the whole: a damaged header, found by fuzzing (tests/test_fuzz_loader.py).
        raise SoundRefused(
            f"`{value}` is damaged: a part of it says it runs past the end of the file; export it again"
            " as 16-bit PCM WAV or as OGG Vorbis"
        ) from None
    except OSError as exc:
        raise SoundRefused(f"`{value}` cannot be read ({exc.strerror or exc})") from None
    if len(data) < frames * width * channels:
        raise SoundRefused(f"`{value}` is cut off before its end (a truncated file); copy or export it again")
    return duration


def _ogg_ends(path: Path) -> bool:
    """Whether the last Ogg page is marked as the end of the stream (a cut file's is not)."""
    try:
        with path.open("rb") as handle:
            size = handle.seek(0, 2)
            handle.seek(max(0, size - 65_536))
            tail = handle.read()
    except OSError:
        return False
    at = tail.rfind(b"OggS")
    return at >= 0 and len(tail) > at + 5 and bool(tail[at + 5] & 0x04)


def _decoded_duration(path: Path, kind: str, value: str) -> float:
    """An OGG's or MP3's length, by decoding it all (up to a little past the limit)."""
    try:
        import av  # lazy: only a deck with an OGG or MP3 narration pays for FFmpeg
    except ImportError:
        raise SoundRefused(
            f"`{value}` cannot be checked: this kiosk has no decoder for {kind.upper()} (the `av` package is"
            " missing; ask IT to reinstall the kiosk), or export the narration as WAV"
        ) from None

    wanted = {"ogg": ("vorbis",), "mp3": ("mp3", "mp3float")}[kind]
    try:
        with av.open(str(path), metadata_errors="ignore") as container:
            streams = container.streams.audio
            if not streams:
                raise SoundRefused(f"`{value}` holds no sound track; export the narration again")
            stream = streams[0]
            codec = stream.codec_context.name
            if codec not in wanted:
                raise SoundRefused(
                    f"`{value}` holds {codec} sound, which the kiosk's player does not play reliably;"
                    f" export it as {'OGG Vorbis' if kind == 'ogg' else 'MP3'} (or WAV)"
                )
            decoded_s = 0.0
            for frame in container.decode(stream):
                decoded_s += frame.samples / (frame.sample_rate or 1)
                if decoded_s > MAX_NARRATION_S + _DECODE_SLACK_S:
                    break
    except SoundRefused:
        raise
    except av.error.FFmpegError:  # pyright: ignore[reportAttributeAccessIssue]
        raise SoundRefused(
            f"`{value}` cannot be decoded: it is damaged or cut off; copy or export it again"
        ) from None
    except (OSError, ValueError) as exc:
        raise SoundRefused(f"`{value}` cannot be read as sound ({_short(exc)}); export it again") from None
    return decoded_s


def _short(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:100]
