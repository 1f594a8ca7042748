"""How this kiosk runs: the deck's settings, then the machine's local settings file, then the
command line, each overriding the one before.

The local file (default `/etc/kiosk/settings.yaml`, or `--settings FILE`) belongs to IT, not to
content editors: only it may name shell commands (`on_sleep`, `on_wake`), because content is
synced from elsewhere and must never be able to run anything on the kiosk.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk.content.deck import Deck
from kiosk.content.hours import OpeningHours
from kiosk.core.legibility import Viewing
from kiosk.core.program import LobbyLanguages, Mode, Pages, Program, build_program

if TYPE_CHECKING:
    from kiosk.runtime.settings_file import LocalSettingsFile

# IT's file. $KIOSK_SETTINGS_FILE names another where /etc is not the place: a second kiosk on one
# machine, or a test run that must never read the machine's own settings.
DEFAULT_SETTINGS_FILE = Path(os.environ.get("KIOSK_SETTINGS_FILE") or "/etc/kiosk/settings.yaml")


@dataclass(frozen=True)
class Settings:
    mode: Mode = Mode.TOUCH
    language: str | None = None
    idle_timeout_s: float | None = None
    windowed: bool = False
    size: tuple[int, int] | None = None
    rotation: int = 0
    theme: str = "warm"
    dev: bool = False
    name: str = "kiosk"
    opening_hours: OpeningHours | None = None  # None: the deck's
    on_sleep: str | None = None
    on_wake: str | None = None
    command_timeout_s: float = 10.0
    hide_expired: bool | None = None  # None: the deck's
    pixel_shift: bool | None = None  # None: the deck's
    reduced_motion: bool | None = None  # None: the deck's
    data_dir: Path | None = None
    admin_pin_hash: str | None = None
    lobby_languages: LobbyLanguages = "alternate"  # lobby: languages alternate by slide, or "loop"
    viewing_distance_m: float = 3.5  # lobby: where the room reads from (the legibility rule)
    screen_diagonal_in: float = 50.0  # lobby: the TV's diagonal
    renderer: str = "auto"  # auto | software | gpu (kiosk.runtime.display.open_gpu)
    narration: bool = True  # the master switch: off, no speaker button, no voice, no sound device
    narration_volume_percent: int = 80

    @property
    def viewing(self) -> Viewing | None:
        """The lobby's viewing conditions for the legibility rule (None: touch mode, read up close)."""
        if self.mode is not Mode.LOBBY:
            return None
        return Viewing(distance_m=self.viewing_distance_m, diagonal_in=self.screen_diagonal_in)

    def program(self, deck: Deck, *, version: int, pages: Pages | None = None) -> Program:
        """What this kiosk plays from `deck` (the settings' mode, idle timeout and staff access)."""
        reduced = self.reduced_motion if self.reduced_motion is not None else deck.reduced_motion
        return build_program(
            deck,
            self.mode,
            idle_timeout_s=self.idle_timeout_s,
            version=version,
            reduced_motion=reduced,
            admin_pin_hash=self.admin_pin_hash,
            admin_dev=self.dev,
            pages=pages,
            lobby_languages=self.lobby_languages,
            narration=self.narration,
        )


def read_local_settings(path: Path) -> LocalSettingsFile:
    """The local settings, or ContentError with located problems (the kiosk refuses to start).
    Imports the schema's checks (pydantic, PyYAML) only when there is a file to check."""
    from kiosk.runtime.settings_file import read_local_settings as read

    return read(path)


def __getattr__(name: str) -> object:
    # `LocalSettingsFile` is still importable from here, without importing pydantic up front.
    if name == "LocalSettingsFile":
        from kiosk.runtime.settings_file import LocalSettingsFile

        return LocalSettingsFile
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def settings_for(
    deck: Deck,
    *,
    local: LocalSettingsFile | None = None,
    mode: str | None = None,
    language: str | None = None,
    idle_timeout_s: float | None = None,
    windowed: bool = False,
    size: tuple[int, int] | None = None,
    rotation: int | None = None,
    dev: bool = False,
    data_dir: Path | None = None,
    renderer: str | None = None,
) -> Settings:
    settings = Settings(mode=Mode(deck.mode), rotation=deck.rotation, theme=deck.theme)
    if local is not None:
        settings = replace(
            settings,
            name=local.name,
            mode=Mode(local.mode) if local.mode else settings.mode,
            language=local.language,
            idle_timeout_s=local.idle_timeout_s,
            rotation=local.rotation if local.rotation is not None else settings.rotation,
            theme=local.theme or settings.theme,
            opening_hours=OpeningHours.parse({str(day): hours for day, hours in local.opening_hours.items()})
            if local.opening_hours is not None
            else None,
            on_sleep=local.on_sleep,
            on_wake=local.on_wake,
            command_timeout_s=local.command_timeout_s,
            hide_expired=local.hide_expired,
            pixel_shift=local.pixel_shift,
            reduced_motion=local.reduced_motion,
            data_dir=Path(local.data_dir) if local.data_dir else None,
            admin_pin_hash=local.admin_pin_hash,
            lobby_languages=local.lobby_languages or settings.lobby_languages,
            viewing_distance_m=local.viewing_distance_m or settings.viewing_distance_m,
            screen_diagonal_in=local.screen_diagonal_in or settings.screen_diagonal_in,
            renderer=local.renderer or settings.renderer,
            narration=local.narration if local.narration is not None else settings.narration,
            narration_volume_percent=local.narration_volume_percent
            if local.narration_volume_percent is not None
            else settings.narration_volume_percent,
        )
    chosen_language = language or settings.language
    return replace(
        settings,
        mode=Mode(mode) if mode else settings.mode,
        language=chosen_language if chosen_language in deck.languages else None,
        idle_timeout_s=idle_timeout_s if idle_timeout_s is not None else settings.idle_timeout_s,
        windowed=windowed,
        size=size,
        rotation=rotation if rotation is not None else settings.rotation,
        dev=dev,
        data_dir=data_dir or settings.data_dir,
        renderer=renderer or settings.renderer,
    )
