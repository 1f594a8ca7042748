"""The kiosk's own words (not the deck's), in each language it ships with.

A deck in another language still works: missing labels fall back to English.
"""

from __future__ import annotations

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "hint": "Tap a topic to learn more",
        "back": "Back",
        "more": "Scroll for more",
        "scan": "Scan to read this at home",
    },
    "es": {
        "hint": "Toque un tema para saber más",
        "back": "Volver",
        "more": "Deslice para ver más",
        "scan": "Escanee para leerlo en casa",
    },
}


def label(key: str, language: str) -> str:
    return LABELS.get(language, LABELS["en"]).get(key) or LABELS["en"][key]
