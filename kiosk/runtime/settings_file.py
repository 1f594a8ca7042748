"""The local settings file (IT's), read and checked against its schema.

Apart from kiosk.runtime.settings because the check uses pydantic and the YAML reader: a kiosk
started without a settings file imports neither before its first frame.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from kiosk.content.document import DocumentError, read_document
from kiosk.content.problems import ContentError, Problem
from kiosk.content.schema import HoursText, Weekday


class LocalSettingsFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(
        default="kiosk",
        max_length=60,
        pattern=r"^[A-Za-z0-9._-]+$",
        description="This kiosk's name (the only identifier it keeps).",
    )
    mode: Literal["touch", "lobby"] | None = None
    language: str | None = None
    idle_timeout_s: float | None = Field(default=None, ge=5, le=3600)
    rotation: Literal[0, 90, 180, 270] | None = None
    theme: Literal["warm", "high-contrast"] | None = None
    opening_hours: dict[Weekday, HoursText] | None = None
    on_sleep: str | None = Field(
        default=None,
        max_length=500,
        description="A command run when the screen goes dark, like: vcgencmd display_power 0",
    )
    on_wake: str | None = Field(
        default=None,
        max_length=500,
        description="A command run when the screen wakes, like: vcgencmd display_power 1",
    )
    command_timeout_s: float = Field(default=10, ge=1, le=120)
    hide_expired: bool | None = None
    pixel_shift: bool | None = None
    reduced_motion: bool | None = None
    data_dir: str | None = None
    admin_pin_hash: str | None = Field(
        default=None, description="Set with `kiosk set-pin`; never the PIN itself."
    )
    lobby_languages: Literal["alternate", "loop"] | None = Field(
        default=None,
        description="Lobby: `alternate` (default) changes language slide by slide; `loop` plays "
        "the whole loop in each language in turn.",
    )
    viewing_distance_m: float | None = Field(
        default=None, ge=0.5, le=20, description="Lobby: how far the room sits from the screen, in metres."
    )
    screen_diagonal_in: float | None = Field(
        default=None, ge=7, le=150, description="Lobby: the screen's diagonal, in inches."
    )
    renderer: Literal["auto", "software", "gpu"] | None = Field(
        default=None,
        description="`auto` (default) draws through the GPU only where SDL has a real one; "
        "`software` never; `gpu` always.",
    )
    narration: bool | None = Field(
        default=None,
        description="Whether narration can play on this kiosk (default true): false hides the speaker"
        " button, keeps a lobby silent and never opens the sound device.",
    )
    narration_volume_percent: int | None = Field(
        default=None, ge=0, le=100, description="How loud narration plays, 0-100 (default 80)."
    )


def read_local_settings(path: Path) -> LocalSettingsFile:
    """The local settings, or ContentError with located problems (the kiosk refuses to start)."""
    try:
        document = read_document(path)
    except DocumentError as exc:
        raise ContentError(exc.problems) from None
    if not isinstance(document.data, dict):
        raise ContentError(
            [Problem(str(path), 1, 1, "the settings file should hold keys like `name: lobby-1`")]
        )
    try:
        return LocalSettingsFile.model_validate(document.data)
    except ValidationError as exc:
        problems = []
        for error in exc.errors(include_url=False):
            loc = tuple(part for part in error["loc"] if isinstance(part, (str, int)))
            mark = document.key_mark(loc) if error["type"] == "extra_forbidden" else document.mark(loc)
            problems.append(
                Problem(
                    str(path),
                    mark.line,
                    mark.column,
                    f"`{'.'.join(map(str, loc)) or 'settings'}`: {error['msg']}",
                )
            )
        raise ContentError(problems) from None
