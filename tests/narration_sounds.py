"""Generated narration sounds and a narrated copy of the frozen deck, for the narration tests.

No sound file is committed: each test writes its tones into tmp_path (a sine with the standard
library's `wave`; an OGG Vorbis made from it with PyAV). A tone, not a voice: no test deck puts a
fake voice anywhere a patient could hear it.
"""

from __future__ import annotations

import math
import shutil
import struct
import wave
from pathlib import Path

from conftest import FROZEN_DECK

RATE_HZ = 22050


def write_wav(path: Path, seconds: float, *, frequency_hz: float = 440.0, rate_hz: int = RATE_HZ) -> Path:
    """A mono 16-bit sine of `seconds`, at about a quarter of full scale."""
    path.parent.mkdir(parents=True, exist_ok=True)
    count = round(seconds * rate_hz)
    step = 2 * math.pi * frequency_hz / rate_hz
    samples = struct.pack(f"<{count}h", *(round(8000 * math.sin(step * i)) for i in range(count)))
    with wave.open(str(path), "wb") as writer:
        writer.setnchannels(1)
        writer.setsampwidth(2)
        writer.setframerate(rate_hz)
        writer.writeframes(samples)
    return path


def write_long_wav_header(path: Path, seconds: float, *, rate_hz: int = 8000) -> Path:
    """A WAV whose header says `seconds` of 8-bit mono sound (and whose samples are all there:
    8 kHz 8-bit keeps ten minutes at 4.8 MB)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as writer:
        writer.setnchannels(1)
        writer.setsampwidth(1)
        writer.setframerate(rate_hz)
        writer.writeframes(bytes([128]) * round(seconds * rate_hz))
    return path


def write_ogg(path: Path, seconds: float, *, frequency_hz: float = 440.0) -> Path:
    """An OGG Vorbis sine of `seconds` (FFmpeg's own Vorbis encoder, through PyAV)."""
    import av

    source = write_wav(path.with_suffix(".source.wav"), seconds, frequency_hz=frequency_hz)
    with av.open(str(source)) as reader, av.open(str(path), "w", format="ogg") as writer:
        audio = reader.streams.audio[0]
        stream = writer.add_stream("vorbis", rate=audio.rate, layout="stereo")
        stream.codec_context.options = {"strict": "experimental"}  # FFmpeg's encoder is marked so
        resampler = av.AudioResampler(format="fltp", layout="stereo", rate=audio.rate)
        for frame in reader.decode(audio):
            for converted in resampler.resample(frame):
                for packet in stream.encode(converted):
                    writer.mux(packet)
        for packet in stream.encode(None):
            writer.mux(packet)
    source.unlink()
    return path


def write_mp3(path: Path, seconds: float, *, frequency_hz: float = 440.0) -> Path:
    """An MP3 sine of `seconds` (LAME, through PyAV)."""
    import av

    source = write_wav(path.with_suffix(".source.wav"), seconds, frequency_hz=frequency_hz)
    with av.open(str(source)) as reader, av.open(str(path), "w", format="mp3") as writer:
        audio = reader.streams.audio[0]
        stream = writer.add_stream("libmp3lame", rate=audio.rate, layout="mono")
        resampler = av.AudioResampler(format="s16p", layout="mono", rate=audio.rate)
        for frame in reader.decode(audio):
            for converted in resampler.resample(frame):
                for packet in stream.encode(converted):
                    writer.mux(packet)
        for packet in stream.encode(None):
            writer.mux(packet)
    source.unlink()
    return path


def truncate(path: Path, keep: float = 0.5) -> Path:
    data = path.read_bytes()
    path.write_bytes(data[: round(len(data) * keep)])
    return path


def narrated_deck(
    root: Path,
    *,
    seconds: float = 2.0,
    lobby: bool = False,
    languages: tuple[str, ...] = ("en", "es"),
    detail_seconds: float | None = None,
) -> Path:
    """A copy of the frozen deck whose first slide has a narration in `languages` (a tone a
    language, `seconds` long); with `detail_seconds`, its first detail has one too."""
    folder = root / "deck"
    shutil.copytree(FROZEN_DECK, folder)
    lines = ["narration:"]
    for index, code in enumerate(languages):
        write_wav(folder / "narration" / f"what-is-it-{code}.wav", seconds, frequency_hz=440.0 + 110 * index)
        lines.append(f"  {code}: narration/what-is-it-{code}.wav")
    slide = folder / "what-is-it.yaml"
    text = slide.read_text(encoding="utf-8")
    if detail_seconds is not None:
        for code in languages:
            write_wav(folder / "narration" / f"detail-{code}.wav", detail_seconds, frequency_hz=330.0)
        marker = "details:\n"
        head, tail = text.split(marker, 1)
        # The first detail's `id:` line: the narration goes right after it, at its indentation.
        first_id = tail.index("id:")
        indent = tail[:first_id].rsplit("\n", 1)[-1].replace("-", " ")
        end = tail.index("\n", first_id) + 1
        detail_lines = [f"{indent}narration:"] + [
            f"{indent}  {code}: narration/detail-{code}.wav" for code in languages
        ]
        text = head + marker + tail[:end] + "\n".join(detail_lines) + "\n" + tail[end:]
    slide.write_text(text.rstrip("\n") + "\n" + "\n".join(lines) + "\n", encoding="utf-8")
    if lobby:
        deck = folder / "deck.yaml"
        deck.write_text(deck.read_text(encoding="utf-8") + "lobby_narration: true\n", encoding="utf-8")
    return folder
