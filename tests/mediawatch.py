"""Issue 18's kinds in long runs: a deck that plays a clip and speaks, and what the soak and the
monkey check on the running kiosk while it does.

`add_media` turns a copy of the frozen deck into one with a clip (How it works' picture, and with
`details`, the first detail of Aftercare too) and a narration per language on every slide (and on
every slide's first detail). `MediaWatch.sample` is called after each step of a run: at most one
clip thread that is not stopping, and no voice playing that the state does not know of;
`MediaWatch.close` closes the clip as the kiosk does at exit and counts the threads still alive.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from narration_sounds import write_wav
from videoclips import BLUE, RED, make_clip

VOICE_S = 3.0


def add_media(folder: Path, *, details: bool = False) -> None:
    """A clip in place of How it works' picture, and a narration per language on every slide; with
    `details`, a clip in place of Aftercare's first detail's picture and a narration on every
    slide's first detail too."""
    make_clip(folder / "videos" / "clip.mp4", size=(160, 120), fps=10, colours=(RED,) * 10 + (BLUE,) * 10)
    slide = folder / "how-it-works.yaml"
    text = slide.read_text(encoding="utf-8")
    text = text.replace("image: illustrations/how-it-works.svg", "video: videos/clip.mp4\nspeech: false", 1)
    slide.write_text(text, encoding="utf-8")
    if details:
        slide = folder / "aftercare.yaml"
        text = slide.read_text(encoding="utf-8")
        picture = "    image: illustrations/aftercare.svg\n"  # the first detail's (stockings)
        assert picture in text
        slide.write_text(text.replace(picture, "    video: videos/clip.mp4\n    speech: false\n", 1))
    for code in ("en", "es"):
        write_wav(folder / "narration" / f"voice-{code}.wav", VOICE_S)
    voice = "narration:\n  en: narration/voice-en.wav\n  es: narration/voice-es.wav\n"
    for slide in sorted(folder.glob("*.yaml")):
        if slide.name == "deck.yaml":
            continue
        text = slide.read_text(encoding="utf-8")
        if details:  # right after the first detail's id, at its indentation
            text = re.sub(
                r"(?m)^(  - id: [^\n]+\n)", lambda m: m.group(1) + _indented(voice, 4), text, count=1
            )
        # Every slide speaks, so a visitor's tap on it finds a button.
        slide.write_text(text.rstrip("\n") + "\n" + voice, encoding="utf-8")


def _indented(text: str, spaces: int) -> str:
    return "".join(" " * spaces + line + "\n" for line in text.splitlines())


@dataclass
class MediaWatch:
    """The most clip threads alive at once that were not told to stop, samples with a clip
    playing, samples with a voice playing, samples where the narrator sounded with no narration
    in the state, and (after `close`) clip threads still alive."""

    players: list[Any] = field(default_factory=list, repr=False)  # every clip player seen
    most_players: int = 0
    clip_frames: int = 0
    voice_samples: int = 0
    voice_without_state: int = 0
    players_left: int = 0

    def sample(self, kiosk: Any) -> None:
        # One decoding thread at most, and only while a clip's screen is up; a voice only while
        # the state says one plays (a screen change, the idle reset or the night stopped it).
        player = kiosk.video.player
        if player is not None:
            if not self.players or self.players[-1] is not player:
                self.players.append(player)
            self.clip_frames += 1
        # A stopped player may still be finishing a frame while the next one starts: count the
        # ones not told to stop.
        playing = [p for p in self.players if p.alive and not p.stopping]
        self.most_players = max(self.most_players, len(playing))
        if kiosk.state.narrating is None and kiosk.narrator.busy():
            self.voice_without_state += 1
        self.voice_samples += kiosk.state.narrating is not None

    def close(self, kiosk: Any, timeout_s: float = 10.0) -> None:
        """Close the clip as the kiosk does at exit, then count the threads that did not end."""
        kiosk.video.close()
        for player in self.players:
            player.join(timeout_s)  # bounds a stuck thread only
        self.players_left = sum(p.alive for p in self.players)
