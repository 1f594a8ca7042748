"""What a hotspot does when it is tapped, as typed values the state machine matches on.

A layout puts one of these on every hotspot; hit-testing hands it to `step` inside `Activate`, so
a misspelt action is a type error, not a tap that silently does nothing. `str(action)` is the
short readable form ("open:side-effects") that `kiosk export` writes into manifest.json.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True, kw_only=True)
class Open:
    """Open one of the current slide's details (a topic card)."""

    detail: str

    def __str__(self) -> str:
        return f"open:{self.detail}"


@dataclass(frozen=True, slots=True, kw_only=True)
class GoBack:
    """Close the open detail (the Back button)."""

    def __str__(self) -> str:
        return "back"


@dataclass(frozen=True, slots=True, kw_only=True)
class SetLanguage:
    code: str

    def __str__(self) -> str:
        return f"language:{self.code}"


@dataclass(frozen=True, slots=True, kw_only=True)
class ToggleLargeText:
    """The A+ button: larger text until the idle reset (a second tap turns it off)."""

    def __str__(self) -> str:
        return "text:larger"


@dataclass(frozen=True, slots=True, kw_only=True)
class PinKey:
    """One digit key of the staff PIN pad."""

    key: str  # "0" .. "9"

    def __str__(self) -> str:
        return f"pin:{self.key}"


@dataclass(frozen=True, slots=True, kw_only=True)
class PinClear:
    def __str__(self) -> str:
        return "pin:clear"


@dataclass(frozen=True, slots=True, kw_only=True)
class PinOk:
    def __str__(self) -> str:
        return "pin:ok"


@dataclass(frozen=True, slots=True, kw_only=True)
class AdminReload:
    """Load the deck folder again now (the loop does it off the frame loop)."""

    def __str__(self) -> str:
        return "admin:reload"


@dataclass(frozen=True, slots=True, kw_only=True)
class AdminExit:
    """End the kiosk process (systemd or the session starts it again)."""

    def __str__(self) -> str:
        return "admin:exit"


@dataclass(frozen=True, slots=True, kw_only=True)
class AdminExitConfirm:
    """The confirm step's Exit: only this ends the kiosk (a single stray tap must not)."""

    def __str__(self) -> str:
        return "admin:exit-confirm"


@dataclass(frozen=True, slots=True, kw_only=True)
class AdminPage:
    """Show the staff screen's problem list from entry `first` (the layout knows what fits)."""

    first: int

    def __str__(self) -> str:
        return f"admin:page:{self.first}"


@dataclass(frozen=True, slots=True, kw_only=True)
class AdminClose:
    """Leave the staff screens for the visitor loop."""

    def __str__(self) -> str:
        return "admin:close"


@dataclass(frozen=True, slots=True, kw_only=True)
class AdminTouchTest:
    def __str__(self) -> str:
        return "admin:touch"


@dataclass(frozen=True, slots=True, kw_only=True)
class AdminTestPattern:
    def __str__(self) -> str:
        return "admin:pattern"


@dataclass(frozen=True, slots=True, kw_only=True)
class AdminBack:
    """Done on the touch test or test pattern: back to the staff main screen."""

    def __str__(self) -> str:
        return "admin:back"


@dataclass(frozen=True, slots=True, kw_only=True)
class ToggleNarration:
    """The speaker button: play the screen's narration in the language on screen, or stop it."""

    def __str__(self) -> str:
        return "narration"


VisitorAction = Open | GoBack | SetLanguage | ToggleLargeText | ToggleNarration
AdminAction = (
    PinKey
    | PinClear
    | PinOk
    | AdminReload
    | AdminExit
    | AdminExitConfirm
    | AdminPage
    | AdminClose
    | AdminTouchTest
    | AdminTestPattern
    | AdminBack
)
Action = VisitorAction | AdminAction
