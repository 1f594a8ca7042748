"""The shape of `deck.yaml` and of a slide file, as staff write them.

These pydantic models check types, required keys, limits and unknown keys, and give the JSON
Schema that `kiosk schema` prints for editors. They describe the *files*; the loader turns them
into the immutable `kiosk.deck` objects the rest of the program reads.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from annotated_types import GroupedMetadata
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationInfo, WithJsonSchema
from pydantic_core import PydanticCustomError

from kiosk.content.labels import BUILT_IN, SPECS, placeholder_problem

ID_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
LANGUAGE_PATTERN = r"^[a-z]{2,3}(-[A-Z]{2})?$"

Id = Annotated[str, Field(pattern=ID_PATTERN, min_length=1, max_length=48)]
Language = Annotated[str, Field(pattern=LANGUAGE_PATTERN)]

IMAGE_SUFFIXES = (".svg", ".png")


def _text_validator(max_chars: int, optional: bool):
    def check(value: Any) -> str | dict[str, str] | None:
        if value is None and optional:
            return None
        if isinstance(value, str):
            texts = {"": value}
        elif isinstance(value, dict) and value and all(isinstance(k, str) for k in value):
            texts = value
        else:
            raise PydanticCustomError(
                "text",
                "should be a text, or one text per language on its own line"
                " (like `en: Hello` and `es: Hola` indented below it)",
            )
        for language, text in texts.items():
            if not isinstance(text, str):
                where = f"the `{language}` text" if language else "this"
                raise PydanticCustomError(
                    "text",
                    "{where} should be words, not a list or a number; put it in quotes if it is a number",
                    {"where": where},
                )
            if not text.strip():
                raise PydanticCustomError("text", "the text is empty; write something or remove the key")
            if len(text) > max_chars:
                raise PydanticCustomError(
                    "text",
                    "the text is {length} characters long; at most {limit} fit on a screen."
                    " Shorten it or split it into details",
                    {"length": f"{len(text):,}", "limit": f"{max_chars:,}"},
                )
        return value

    return check


@dataclass(frozen=True, slots=True)
class TextRules(GroupedMetadata):
    """A text field's rules, as `Annotated[Any, TextRules(...)]`: a plain string (one-language deck)
    or a mapping of language code to text, at most `max_chars` long in every language.

    Grouped metadata (not a function returning a type), so a type checker can read the field."""

    max_chars: int
    description: str
    optional: bool = False

    def __iter__(self) -> Iterator[Any]:
        schema = {
            "description": self.description,
            "anyOf": [
                {"type": "string", "maxLength": self.max_chars},
                {
                    "type": "object",
                    "additionalProperties": {"type": "string", "maxLength": self.max_chars},
                    "propertyNames": {"pattern": LANGUAGE_PATTERN},
                },
            ],
        }
        yield AfterValidator(_text_validator(self.max_chars, self.optional))
        yield WithJsonSchema(schema)


# The same rule for a slide's and a detail's picture description.
_ALT_TEXT = TextRules(
    200, "A short description of the image, for the handout and screen readers.", optional=True
)


def _image_path(value: str) -> str:
    if not value.lower().endswith(IMAGE_SUFFIXES):
        raise PydanticCustomError(
            "image", "an image must be an .svg or a .png file, like illustrations/leg.svg"
        )
    return value


def _url(value: str) -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(value)
    if (
        parts.scheme not in ("http", "https")
        or not parts.netloc
        or "." not in parts.netloc
        or any(c.isspace() for c in value)
    ):
        raise PydanticCustomError(
            "link",
            "`{value}` is not a web address; write it in full, like https://example-clinic.com/sclerotherapy",
            {"value": value[:80]},
        )
    return value


Link = Annotated[
    str,
    Field(max_length=300, description="A web address patients can open at home: shown as a QR code."),
    AfterValidator(_url),
]


ImagePath = Annotated[
    str,
    Field(
        min_length=1,
        max_length=200,
        description="An SVG or PNG, relative to the deck folder or to assets/, like illustrations/leg.svg",
    ),
    AfterValidator(_image_path),
]


_IMAGE_NAME_PATTERN = r"\.([sS][vV][gG]|[pP][nN][gG])$"  # JSON Schema regexes have no (?i)
MAX_DETAILS = 6
MAX_STEPS = 10


def _per_language(check: Any, what: str, example: str):
    """A single value (every language) or one per language; the loader checks each language's
    value against the deck's languages, where it can point at the exact line."""

    def validate(value: Any) -> str | dict[str, str] | None:
        if value is None:
            return None
        if isinstance(value, str):
            return check(value)
        if (
            isinstance(value, dict)
            and value
            and all(isinstance(k, str) and isinstance(v, str) for k, v in value.items())
        ):
            return value
        raise PydanticCustomError(
            "per_language",
            "should be {what}, or one per language on its own line (like `{example}` indented below it)",
            {"what": what, "example": example},
        )

    return validate


def _per_language_schema(single: dict[str, Any], description: str) -> dict[str, Any]:
    return {
        "description": description,
        "anyOf": [
            single,
            {
                "type": "object",
                "minProperties": 1,
                "additionalProperties": single,
                "propertyNames": {"pattern": LANGUAGE_PATTERN},
            },
            {"type": "null"},
        ],
    }


def image_value(value: str) -> str:
    if not value or len(value) > 200:
        raise PydanticCustomError(
            "image", "an image path should be 1 to 200 characters, like illustrations/leg.svg"
        )
    return _image_path(value)


def link_value(value: str) -> str:
    if len(value) > 300:
        raise PydanticCustomError(
            "link", "the web address is longer than 300 characters; use a shorter address for the page"
        )
    return _url(value)


PerLanguageImage = Annotated[
    Any,
    AfterValidator(_per_language(image_value, "an .svg or .png file", "de: illustrations/leg-de.svg")),
    WithJsonSchema(
        _per_language_schema(
            {"type": "string", "minLength": 1, "maxLength": 200, "pattern": _IMAGE_NAME_PATTERN},
            "An SVG or PNG, relative to the deck folder or to assets/, like illustrations/leg.svg;"
            " or one per language (en: leg.svg, de: leg-de.svg). A missing language shows the"
            " default language's picture.",
        )
    ),
]

PerLanguageLink = Annotated[
    Any,
    AfterValidator(_per_language(link_value, "a web address", "de: https://example-clinic.com/de")),
    WithJsonSchema(
        _per_language_schema(
            {"type": "string", "maxLength": 300, "pattern": "^https?://"},
            "A web address patients can open at home, shown as a QR code; or one per language"
            " (en: https://..., de: https://...). A missing language shows the default language's.",
        )
    ),
]


# -- narration: a spoken version of a screen, one sound file per language --------------------------

_SOUND_NAME_PATTERN = r"\.([oO][gG][gG]|[wW][aA][vV]|[mM][pP]3)$"


def _narration(value: Any) -> dict[str, str] | None:
    """One sound file per language: a voice speaks one language, so a single file is refused."""
    if value is None:
        return None
    if isinstance(value, dict) and value and all(isinstance(k, str) for k in value):
        for code, file in value.items():
            if not isinstance(file, str):
                raise PydanticCustomError(
                    "narration",
                    "the `{code}` narration should be a file name,"
                    " like {code}: narration/what-is-it-{code}.ogg",
                    {"code": code},
                )
        return value
    raise PydanticCustomError(
        "narration",
        "should be one sound file per language, each on its own line indented below it, like"
        " `en: narration/what-is-it-en.ogg`",
    )


Narration = Annotated[
    Any,
    AfterValidator(_narration),
    WithJsonSchema(
        {
            "description": "A spoken version of the screen: one .ogg (best), .wav or .mp3 file per"
            " language, relative to the deck folder, at most 5 minutes long, like"
            " {en: narration/what-is-it-en.ogg}. A language left out has no speaker button.",
            "anyOf": [
                {
                    "type": "object",
                    "minProperties": 1,
                    "additionalProperties": {
                        "type": "string",
                        "minLength": 1,
                        "maxLength": 200,
                        "pattern": _SOUND_NAME_PATTERN,
                    },
                    "propertyNames": {"pattern": LANGUAGE_PATTERN},
                },
                {"type": "null"},
            ],
        }
    ),
]


# -- video (issue 18): a clip plays in the picture's frame, with captions per language ----------

_VIDEO_NAME_PATTERN = r"\.([mM][pP]4|[mM]4[vV]|[mM][oO][vV]|[wW][eE][bB][mM]|[mM][kK][vV])$"


def _video_path(value: str) -> str:
    if not value.lower().endswith((".mp4", ".m4v", ".mov", ".webm", ".mkv")):
        raise PydanticCustomError(
            "video", "a clip must be an .mp4 or .webm file, like videos/how-it-works.mp4"
        )
    return value


def caption_value(value: str) -> str:
    if not value or len(value) > 200 or not value.lower().endswith(".vtt"):
        raise PydanticCustomError(
            "captions", "captions must be a WebVTT file (.vtt), like videos/how-it-works.en.vtt"
        )
    return value


VideoPath = Annotated[
    str,
    Field(
        min_length=1,
        max_length=200,
        json_schema_extra={"pattern": _VIDEO_NAME_PATTERN},  # the validator below words the error
        description="A short clip (.mp4 or .webm, at most 5 minutes and 1920x1080), relative to the"
        " deck folder, like videos/how-it-works.mp4. It plays muted and looping in the picture's frame.",
    ),
    AfterValidator(_video_path),
]

PerLanguageCaptions = Annotated[
    Any,
    AfterValidator(_per_language(caption_value, "a .vtt file", "es: videos/clip.es.vtt")),
    WithJsonSchema(
        _per_language_schema(
            {"type": "string", "minLength": 1, "maxLength": 200, "pattern": r"\.[vV][tT][tT]$"},
            "The clip's captions: one WebVTT (.vtt) file per language (en: clip.en.vtt, es: clip.es.vtt)."
            " Required when the clip has speech.",
        )
    ),
]

SpeechFlag = Annotated[
    bool | None,
    Field(
        description="Whether people speak in the clip (true unless you write false): a clip with speech"
        " must have captions in every language."
    ),
]


def _label_text(value: str | None, info: ValidationInfo) -> str | None:
    """Checks a label against its own limit: the field's name is the label's key."""
    if value is None:
        return None
    key = info.field_name
    assert key is not None, "labels are fields of LabelsFile"
    if not value.strip():
        raise PydanticCustomError("label", "the text is empty; write the words or remove the line")
    limit = SPECS[key].max_chars
    if len(value) > limit:
        raise PydanticCustomError(
            "label",
            "the text is {length} characters long; at most {limit} fit where it is shown. Shorten it",
            {"length": len(value), "limit": limit},
        )
    problem = placeholder_problem(key, value)
    if problem is not None:
        raise PydanticCustomError("label", "{problem}", {"problem": problem})
    return value


LabelText = Annotated[str | None, AfterValidator(_label_text)]


def _label_field(key: str) -> Any:
    """The field of label `key` (its default, limits and description); its type is `LabelText`."""
    spec = SPECS[key]
    return Field(
        default=None,
        json_schema_extra={"minLength": 1, "maxLength": spec.max_chars},
        description=f'{spec.purpose} In English: "{BUILT_IN["en"][key]}".',
    )


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=False)


Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


def _hours_text(value: str) -> str:
    from kiosk.content.hours import HoursError, OpeningHours

    try:
        OpeningHours.parse({"mon": value})
    except HoursError as exc:
        raise PydanticCustomError("hours", "{problem}", {"problem": str(exc)}) from None
    return value


HoursText = Annotated[
    str,
    Field(max_length=80, description="Like 08:00-18:00, or 08:00-12:00, 13:00-18:00, or closed"),
    AfterValidator(_hours_text),
]


class ShowFile(_Strict):
    """When a slide may play (day-parting). Without it, a slide plays whenever the kiosk is open."""

    days: list[Weekday] | None = Field(
        default=None, min_length=1, description="Weekdays, like [mon, tue]; all days when left out."
    )
    hours: HoursText | None = Field(
        default=None, description="A daily time range, like 08:00-12:00; all day when left out."
    )


class LabelsFile(_Strict):
    """The deck's own wording for the kiosk's words in one language (each one optional)."""

    hint: LabelText = _label_field("hint")
    back: LabelText = _label_field("back")
    more: LabelText = _label_field("more")
    scan: LabelText = _label_field("scan")
    page: LabelText = _label_field("page")
    tagline: LabelText = _label_field("tagline")
    contents: LabelText = _label_field("contents")
    staff_pin: LabelText = _label_field("staff_pin")
    clear: LabelText = _label_field("clear")
    cancel: LabelText = _label_field("cancel")
    listen: LabelText = _label_field("listen")
    stop: LabelText = _label_field("stop")


class StepFile(_Strict):
    """One step of a numbered sequence, with its own picture."""

    text: Annotated[Any, TextRules(400, "What happens in this step: one or two short sentences.")]
    image: ImagePath | None = None


class DetailFile(_Strict):
    """A topic that a visitor can tap to read more."""

    id: Id = Field(
        description="A short name for the detail, lowercase words joined by dashes: aftercare-walking"
    )
    title: Annotated[Any, TextRules(80, "The label on the card and the heading of the detail screen.")]
    body: Annotated[
        Any,
        TextRules(
            2000,
            "Paragraphs, separated by a blank line; lines that start with '- ' are bullets.",
            optional=True,
        ),
    ] = None
    steps: list[StepFile] | None = Field(default=None, min_length=1, max_length=MAX_STEPS)
    image: PerLanguageImage = None
    alt: Annotated[Any, _ALT_TEXT] = None
    link: PerLanguageLink = None
    narration: Narration = None
    # -- video (issue 18) --
    video: VideoPath | None = None
    captions: PerLanguageCaptions = None
    poster: ImagePath | None = None
    speech: SpeechFlag = None


class SlideFile(_Strict):
    """One slide of the loop: one idea, a title, a short summary and up to six details."""

    id: Id = Field(description="Must match the file name: what-is-it.yaml has id: what-is-it")
    title: Annotated[Any, TextRules(80, "The big heading of the slide.")]
    summary: Annotated[Any, TextRules(400, "One or two short sentences (at most about 25 words).")]
    image: PerLanguageImage = None
    alt: Annotated[Any, _ALT_TEXT] = None
    duration_s: float | None = Field(
        default=None, ge=3, le=300, description="Seconds on screen; leave it out to use the reading time."
    )
    details: list[DetailFile] = Field(default_factory=list, max_length=MAX_DETAILS)
    reviewed_by: str | None = Field(
        default=None, max_length=120, description="Who checked the medical content, or 'pending'."
    )
    reviewed_on: datetime.date | None = None
    review_due: datetime.date | None = None
    show: ShowFile | None = None
    link: PerLanguageLink = None
    narration: Narration = None
    # -- video (issue 18) --
    video: VideoPath | None = None
    captions: PerLanguageCaptions = None
    poster: ImagePath | None = None
    speech: SpeechFlag = None


class TimingFile(_Strict):
    idle_timeout_s: float = Field(
        default=60,
        ge=5,
        le=3600,
        description="Seconds without a touch before the kiosk returns to the loop and resets.",
    )
    transition_s: float = Field(
        default=0.8, ge=0.1, le=3, description="How long a crossfade between slides lasts."
    )
    min_slide_s: float = Field(
        default=8,
        ge=3,
        le=120,
        description="Shortest time a slide stays up when its time comes from reading time.",
    )
    max_slide_s: float = Field(
        default=30,
        ge=3,
        le=300,
        description="Longest time a slide stays up when its time comes from reading time.",
    )


def _phone(value: str) -> str:
    if not any(c.isdigit() for c in value) or not all(c.isdigit() or c in " +-(). /" for c in value):
        raise PydanticCustomError(
            "phone", "write the phone number with digits, spaces and + - ( ) only, like +1 555 010 0000"
        )
    return value


class ContactFile(_Strict):
    """The clinic's contact block, printed on the handout in every language."""

    name: Annotated[Any, TextRules(80, "The clinic's name, as patients know it.")]
    phone: Annotated[
        str,
        Field(min_length=3, max_length=40, description="The number patients call, like +1 555 010 0000."),
        AfterValidator(_phone),
    ]
    when_to_call: Annotated[
        Any,
        TextRules(
            400, "When to call the clinic: one or two short sentences, in every language.", optional=True
        ),
    ] = None


class DeckFile(_Strict):
    """`deck.yaml`: the deck's title, languages, settings and slide order."""

    title: Annotated[Any, TextRules(80, "The deck's name, shown small at the top left.")]
    languages: list[Language] = Field(
        min_length=1, max_length=6, description="Language codes, like [en, es]. The first is the default."
    )
    default_language: Language | None = Field(
        default=None, description="The language the kiosk starts in and returns to at idle."
    )
    disclaimer: Annotated[
        Any,
        TextRules(
            120,
            "A short line shown on every screen, like 'General information, not medical advice.'",
            optional=True,
        ),
    ] = None
    timing: TimingFile = Field(default_factory=TimingFile)
    theme: Literal["warm", "high-contrast"] = "warm"
    mode: Literal["touch", "lobby"] = "touch"
    rotation: Literal[0, 90, 180, 270] = 0
    opening_hours: dict[Weekday, HoursText] | None = Field(
        default=None,
        description=(
            "Per weekday, like mon: 08:00-18:00."
            " Days not listed are closed; without this key the kiosk is always on."
        ),
    )
    hide_expired: bool = Field(
        default=False,
        description="Leave slides whose review_due has passed out of the loop (never the last one).",
    )
    pixel_shift: bool = Field(
        default=False,
        description="Move the picture by a few pixels every few minutes (plasma and OLED panels).",
    )
    reduced_motion: bool = Field(default=False, description="Fades only: screens never slide.")
    lobby_narration: bool = Field(
        default=False,
        description="Lobby mode: play each screen's narration by itself, aloud to the room (touch"
        " screens always play it only when a visitor taps the speaker button).",
    )
    labels: dict[str, LabelsFile] | None = Field(
        default=None,
        description="The deck's own wording for the kiosk's words, per language, like"
        " de: {hint: Thema antippen}. Words left out use the kiosk's translation (or English).",
        json_schema_extra={"propertyNames": {"pattern": LANGUAGE_PATTERN}},
    )
    reading_level: dict[Language, Annotated[float, Field(ge=0, le=200)]] | None = Field(
        default=None,
        description="Plain-language targets per language, each in that language's own formula, like"
        " {en: 8, es: 70}: Flesch-Kincaid grade for en (at most), Fernández-Huerta for es (at least),"
        " Wiener Sachtextformel for de (at most), LIX for others (at most). See docs/content.md.",
    )
    contact: ContactFile | None = Field(
        default=None, description="The clinic's name, phone and when to call, for the handout."
    )
    slides: list[Id] = Field(
        min_length=1,
        max_length=60,
        description="Slide ids in play order; each names a file <id>.yaml in this folder.",
    )


def json_schemas() -> dict[str, dict[str, Any]]:
    deck = DeckFile.model_json_schema()
    deck["title"] = "Kiosk deck.yaml"
    slide = SlideFile.model_json_schema()
    slide["title"] = "Kiosk slide file"
    return {"deck": deck, "slide": slide}
