"""Playing a screen's narration through pygame's own mixer.

The mixer is started only for a deck that has a narration (and only when the local settings have
not switched narration off): a kiosk without narration never opens the sound device. Without a
sound device the mixer cannot start; the kiosk then runs silently and says so once in the log,
never once a tap. The file is streamed (`pygame.mixer.music`), so a five-minute narration does
not sit decoded in memory, and loading it is the one short file read on the frame loop, when a
visitor taps the speaker button (the same as drawing a picture for the first time).

What plays when is decided by the state machine (`kiosk.core.state`): this module only carries
out its PlayNarration and StopNarration effects.
"""

from __future__ import annotations

import logging

import pygame

from kiosk.content.deck import Deck, Sound

log = logging.getLogger(__name__)

# The mixer's output: CD-quality stereo; SDL converts each file's own rate and channels to it.
FREQUENCY_HZ = 44_100
BUFFER_SAMPLES = 2048  # about 46 ms: no underruns on a busy Pi, and a tap still sounds at once


class Narrator:
    """The kiosk's one voice: plays a narration, stops it, and stays silent when it cannot."""

    def __init__(self, *, enabled: bool = True, volume_percent: int = 80) -> None:
        self.enabled = enabled
        self.volume = max(0, min(100, volume_percent)) / 100
        self.ready: bool | None = None  # None: the mixer was never asked to start
        self.playing: Sound | None = None
        self._failed: set[str] = set()  # files that would not play, logged once each

    def prepare(self, deck: Deck) -> None:
        """Start the mixer if `deck` has a narration (once: a failure is not retried)."""
        if self.enabled and self.ready is None and deck.has_narration:
            self.ready = self._start()

    def _start(self) -> bool:
        try:
            pygame.mixer.init(frequency=FREQUENCY_HZ, size=-16, channels=2, buffer=BUFFER_SAMPLES)
        except pygame.error as exc:
            log.warning("no sound device (%s): narration is off, the kiosk runs silently", exc)
            return False
        log.info("sound device ready for narration: %s", pygame.mixer.get_init())
        return True

    def play(self, sound: Sound) -> None:
        if not self.ready:
            return
        try:
            pygame.mixer.music.load(str(sound.path))
            pygame.mixer.music.set_volume(self.volume)
            pygame.mixer.music.play()
        except (pygame.error, OSError) as exc:
            # Checked when the deck loaded, but it may have been replaced since: stay silent.
            if str(sound.path) not in self._failed:
                self._failed.add(str(sound.path))
                log.warning("cannot play %s (%s); the screen stays silent", sound.path, exc)
            self.playing = None
            return
        self.playing = sound

    def stop(self) -> None:
        if self.ready and self.playing is not None:
            pygame.mixer.music.stop()
            pygame.mixer.music.unload()
        self.playing = None

    def busy(self) -> bool:
        """Whether sound is coming out now (for tests and the staff screen)."""
        return bool(self.ready) and pygame.mixer.music.get_busy()

    def close(self) -> None:
        if self.ready:
            self.stop()
            pygame.mixer.quit()
            self.ready = None
