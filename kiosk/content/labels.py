"""The kiosk's own words (not the deck's), in each language it ships with.

These are the words a visitor sees that no deck author wrote: the hint under the cards, the Back
button, the QR caption, the staff PIN pad a visitor may stumble on, and the handout's cover,
contents heading and page numbers. A deck may override any of them in `deck.yaml` (`labels:`);
`Deck.label` looks there first. A language with no built-in words falls back to English, and
`kiosk validate` warns about it.
"""

from __future__ import annotations

import string
from dataclasses import dataclass


@dataclass(frozen=True, slots=True, kw_only=True)
class LabelSpec:
    """What one label is for (shown in `kiosk schema` and in messages) and its limits."""

    purpose: str
    max_chars: int
    placeholders: tuple[str, ...] = ()  # names a translation must keep, like {n}


SPECS: dict[str, LabelSpec] = {
    "hint": LabelSpec(purpose="The hint under the topic cards on a touch screen.", max_chars=60),
    "back": LabelSpec(purpose="The button that closes a detail screen.", max_chars=24),
    "more": LabelSpec(purpose="The cue that a detail continues below (scroll down).", max_chars=40),
    "scan": LabelSpec(purpose="The caption beside a QR code, on screen and in the handout.", max_chars=60),
    "page": LabelSpec(
        purpose="A page number, in the handout's footer and on lobby pages: keep {n} and {total}.",
        max_chars=40,
        placeholders=("n", "total"),
    ),
    "tagline": LabelSpec(purpose="The line under the title on the handout's cover.", max_chars=120),
    "contents": LabelSpec(purpose="The heading of the handout's list of topics.", max_chars=60),
    "staff_pin": LabelSpec(purpose="The heading of the staff PIN pad (a visitor may open it).", max_chars=40),
    "clear": LabelSpec(purpose="The PIN pad key that clears the digits typed.", max_chars=16),
    "cancel": LabelSpec(purpose="The button that closes the PIN pad.", max_chars=24),
    "listen": LabelSpec(purpose="The speaker button that plays a screen's narration.", max_chars=16),
    "stop": LabelSpec(purpose="The speaker button while the narration plays: a tap stops it.", max_chars=16),
}

KEYS: tuple[str, ...] = tuple(SPECS)
# Shown only on a screen with a narration: a deck without one is not asked to translate them.
NARRATION_LABELS: tuple[str, ...] = ("listen", "stop")
FALLBACK_LANGUAGE = "en"

# Short and polite, as a clinic would address its patients (Spanish in the usted form, German
# with Sie or the impersonal infinitive of signs, French with vous, Italian with Lei).
BUILT_IN: dict[str, dict[str, str]] = {
    "en": {
        "hint": "Tap a topic to learn more",
        "back": "Back",
        "more": "Scroll for more",
        "scan": "Scan to read this at home",
        "page": "Page {n} of {total}",
        "tagline": "A guide to take home and read at your own pace.",
        "contents": "In this guide",
        "staff_pin": "Staff PIN",
        "clear": "Clear",
        "cancel": "Cancel",
        "listen": "Listen",
        "stop": "Stop",
    },
    "es": {
        "hint": "Toque un tema para saber más",
        "back": "Volver",
        "more": "Deslice para ver más",
        "scan": "Escanee para leerlo en casa",
        "page": "Página {n} de {total}",
        "tagline": "Una guía para llevar a casa y leer con calma.",
        "contents": "En esta guía",
        "staff_pin": "PIN del personal",
        "clear": "Borrar",
        "cancel": "Cancelar",
        "listen": "Escuchar",
        "stop": "Detener",
    },
    "de": {
        "hint": "Für mehr Infos ein Thema antippen",
        "back": "Zurück",
        "more": "Nach unten wischen für mehr",
        "scan": "Zum Nachlesen zu Hause scannen",
        "page": "Seite {n} von {total}",
        "tagline": "Ein Ratgeber zum Mitnehmen und Nachlesen in Ruhe.",
        "contents": "In diesem Ratgeber",
        "staff_pin": "Personal-PIN",
        "clear": "Löschen",
        "cancel": "Abbrechen",
        "listen": "Anhören",
        "stop": "Stopp",
    },
    "fr": {
        "hint": "Touchez un sujet pour en savoir plus",
        "back": "Retour",
        "more": "Faites défiler pour la suite",
        "scan": "Scannez pour le lire chez vous",
        "page": "Page {n} sur {total}",
        "tagline": "Un guide à emporter et à lire à votre rythme.",
        "contents": "Dans ce guide",
        "staff_pin": "Code du personnel",
        "clear": "Effacer",
        "cancel": "Annuler",
        "listen": "Écouter",
        "stop": "Arrêter",
    },
    "pt": {
        "hint": "Toque num tema para saber mais",
        "back": "Voltar",
        "more": "Deslize para ver mais",
        "scan": "Digitalize para ler em casa",
        "page": "Página {n} de {total}",
        "tagline": "Um guia para levar para casa e ler com calma.",
        "contents": "Neste guia",
        "staff_pin": "PIN dos funcionários",
        "clear": "Apagar",
        "cancel": "Cancelar",
        "listen": "Ouvir",
        "stop": "Parar",
    },
    "it": {
        "hint": "Tocchi un argomento per saperne di più",
        "back": "Indietro",
        "more": "Scorra per continuare",
        "scan": "Scansioni per leggerlo a casa",
        "page": "Pagina {n} di {total}",
        "tagline": "Una guida da portare a casa e leggere con calma.",
        "contents": "In questa guida",
        "staff_pin": "PIN del personale",
        "clear": "Cancella",
        "cancel": "Annulla",
        "listen": "Ascolta",
        "stop": "Ferma",
    },
}


def built_in(key: str, language: str) -> str | None:
    """The kiosk's own word for `key` in `language` (a regional code like pt-BR uses pt's), if any."""
    for code in (language, language.split("-")[0]):
        words = BUILT_IN.get(code)
        if words is not None and key in words:
            return words[key]
    return None


def label(key: str, language: str) -> str:
    """The built-in word in `language`, else in English."""
    if key not in SPECS:
        raise KeyError(f"no kiosk label `{key}`; the labels are: {', '.join(KEYS)}")
    return built_in(key, language) or BUILT_IN[FALLBACK_LANGUAGE][key]


def missing(language: str, overridden: frozenset[str] | set[str] = frozenset()) -> tuple[str, ...]:
    """The labels that would show in English for a deck in `language`."""
    return tuple(key for key in KEYS if key not in overridden and built_in(key, language) is None)


def placeholder_problem(key: str, text: str) -> str | None:
    """Why `text` cannot stand for `key` ({n} lost, a stray brace), or None when it can."""
    wanted = SPECS[key].placeholders
    try:
        found = [name for _, name, _, _ in string.Formatter().parse(text) if name is not None]
    except ValueError:
        found = None
    if found is None or any(name not in wanted for name in found):
        if wanted:
            names = " and ".join("{" + name + "}" for name in wanted)
            return f"write braces only around {names}, like `{BUILT_IN[FALLBACK_LANGUAGE][key]}`"
        return "this text cannot hold { or }; remove them"
    lost = [name for name in wanted if name not in found]
    if lost:
        names = " and ".join("{" + name + "}" for name in lost)
        return f"keep {names} in the text, where the number goes, like `{BUILT_IN[FALLBACK_LANGUAGE][key]}`"
    return None
