"""Colours and type sizes, and the WCAG contrast arithmetic that keeps them honest.

Colours are named by role so that layout and drawing never hard-code a hex value, and a theme
test can compute every text/background pair the screens actually use.
"""

from __future__ import annotations

from dataclasses import dataclass

RGB = tuple[int, int, int]


def hex_rgb(value: str) -> RGB:
    value = value.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


@dataclass(frozen=True)
class Theme:
    name: str
    background: str
    ink: str  # body text
    teal: str  # titles, primary buttons
    on_teal: str
    mute: str  # secondary text
    rose: str  # accents: chevrons, bullets
    sand: str  # illustration backdrop
    card: str
    card_border: str
    shadow: str
    dot: str  # inactive progress dots (decorative: the current dot also differs in size)
    pressed: str  # the tint of a pressed card

    def rgb(self, role: str) -> RGB:
        """A role's colour; a literal "#rrggbb" (test pattern greys) passes through."""
        return hex_rgb(role) if role.startswith("#") else hex_rgb(getattr(self, role))


WARM = Theme(
    name="warm",
    background="#f7f1ea",
    ink="#1d2b33",
    teal="#0d3b4c",
    on_teal="#ffffff",
    mute="#4d5f69",
    rose="#b23a5e",
    sand="#e9dccf",
    card="#ffffff",
    card_border="#d9cabb",
    shadow="#e4d9cc",
    dot="#a9b7be",
    pressed="#dbe7ec",
)

HIGH_CONTRAST = Theme(
    name="high-contrast",
    background="#ffffff",
    ink="#000000",
    teal="#002633",
    on_teal="#ffffff",
    mute="#1d2b33",
    rose="#8a1538",
    sand="#eeeeee",
    card="#ffffff",
    card_border="#1d2b33",
    shadow="#cccccc",
    dot="#5c6b73",
    pressed="#cfe0e8",
)

THEMES = {theme.name: theme for theme in (WARM, HIGH_CONTRAST)}

# Text roles and the backgrounds they are drawn on, for the contrast test.
TEXT_PAIRS = (
    ("ink", "background"),
    ("teal", "background"),
    ("mute", "background"),
    ("teal", "card"),
    ("on_teal", "teal"),
    ("rose", "background"),  # chevrons and bullets: large graphics, 3:1 needed
    ("teal", "pressed"),
)


def relative_luminance(rgb: RGB) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(foreground: RGB, background: RGB) -> float:
    lighter, darker = sorted((relative_luminance(foreground), relative_luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)
