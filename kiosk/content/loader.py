"""Loading a deck folder: every file read safely, checked against the schema, the languages and
the images, and every problem reported at once with its `file:line:column`.

`check_deck` never raises for bad content: it returns what it found, so `kiosk validate` can list
everything and the running kiosk can keep its last good deck. `load_deck` is the strict wrapper.
"""

from __future__ import annotations

import datetime
import difflib
import os
import re
import typing
import unicodedata
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field, TypeAdapter, ValidationError
from pydantic_core import PydanticCustomError

from kiosk.content.budget import ReadBudget, ReadRefused, active_budget
from kiosk.content.deck import (
    Contact,
    Cue,
    Deck,
    Detail,
    Image,
    QrCode,
    Review,
    Slide,
    Sound,
    Step,
    Text,
    Timing,
    Video,
    parse_body,
)
from kiosk.content.document import MAX_FILE_BYTES, Document, DocumentError, Path_, read_document
from kiosk.content.hours import OpeningHours, ShowWindow
from kiosk.content.imagefile import (
    MAX_PNG_PIXELS,
    ImageRefused,
    png_file_size,
    resolve_image,
)
from kiosk.content.labels import NARRATION_LABELS
from kiosk.content.labels import missing as missing_labels
from kiosk.content.problems import ContentError, Problem, Severity, sort_problems
from kiosk.content.report import Report
from kiosk.content.schema import DeckFile, Id, Language, SlideFile, caption_value, image_value, link_value
from kiosk.content.soundfile import SoundRefused, resolve_sound
from kiosk.content.videofile import (
    CAPTION_SUFFIXES,
    VIDEO_SUFFIXES,
    VideoRefused,
    probe_video,
    resolve_media,
)
from kiosk.resources import ASSETS_DIR

# For checking the slides of a deck.yaml that has other errors.
_LANGUAGES = TypeAdapter(typing.Annotated[list[Language], Field(min_length=1)])
_SLIDE_IDS = TypeAdapter(list[Id])

DECK_FILE = "deck.yaml"
# What YAML refuses in a file; a double-quoted escape (\0, \x07, \ud800) still puts it into a text.
_NOT_PRINTABLE = re.compile("[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
MAX_SUMMARY_WORDS = 30
# Where review reminders stand in a report (Problem.rank): overdue ones first, then the line that
# names the slides waiting for review, then everything else in file order.
OVERDUE_RANK = -2
PENDING_RANK = -1
DEFAULT_ASSETS = ASSETS_DIR


def default_today() -> datetime.date:
    """The day review dates are checked against: today, or the YYYY-MM-DD in $KIOSK_TODAY.

    The override lets a clinic see which slides will be overdue on a coming date, and lets the tests
    (and their `kiosk` child processes) check the deck as on one fixed day, whatever the clock says.
    """
    pinned = os.environ.get("KIOSK_TODAY")
    if pinned:
        try:
            return datetime.date.fromisoformat(pinned)
        except ValueError:
            pass  # a malformed override must not stop the kiosk: fall back to the real date
    return datetime.date.today()


def load_deck(folder: Path, *, assets: Path = DEFAULT_ASSETS, today: datetime.date | None = None) -> Deck:
    """The deck in `folder`, or ContentError listing every error."""
    report = check_deck(folder, assets=assets, today=today)
    if report.deck is None:
        raise ContentError(list(report.errors))
    return report.deck


def check_deck(folder: Path, *, assets: Path = DEFAULT_ASSETS, today: datetime.date | None = None) -> Report:
    """Every problem of the deck in `folder`. Reading is bounded (`kiosk.content.budget`): a deck
    too big or too slow to read is refused with a problem naming the file; a stop request raises
    ReadStopped."""
    loader = _DeckLoader(Path(folder), Path(assets), today or default_today(), budget=active_budget())
    try:
        deck = loader.load()
    except ReadRefused as exc:
        loader.problems.append(exc.problem)
        deck = None
    problems = sort_problems(loader.problems)
    if any(p.severity is Severity.ERROR for p in problems):
        deck = None
    return Report(deck, tuple(problems))


class _DeckLoader:
    def __init__(self, folder: Path, assets: Path, today: datetime.date, *, budget: ReadBudget) -> None:
        self.folder = folder
        self.budget = budget
        self.assets = assets
        self.today = today
        self.problems: list[Problem] = []
        self.languages: tuple[str, ...] = ()
        self.default_language = ""
        self.pending_reviews: list[tuple[str, bool]] = []  # slide id, and whether it says `pending`

    # -- files ------------------------------------------------------------------------------

    def load(self) -> Deck | None:
        deck_path = self.folder / DECK_FILE
        if not self.folder.is_dir():
            what = "does not exist" if not self.folder.exists() else "is not a folder"
            self.problems.append(
                Problem(
                    str(self.folder), 1, 1, f"the deck folder {what}; give the folder that holds {DECK_FILE}"
                )
            )
            return None
        self.budget.start()
        self.budget.entries(self.folder, _count_entries(self.folder, self.budget.limits.max_entries + 1))
        self.budget.survey(_yaml_sizes(self.folder))
        link = self._link_problem(deck_path)
        if link is not None:
            self.problems.append(link)
            return None
        if not deck_path.is_file():
            self.problems.append(
                Problem(
                    str(deck_path),
                    1,
                    1,
                    f"there is no {DECK_FILE} in this folder; every deck needs one (see docs/content.md)",
                )
            )
            return None
        document = self._read(deck_path)
        if document is None:
            return None
        deck_file = self._validate(document, DeckFile)
        if deck_file is None:
            self._check_slides_anyway(document)
            return None
        self.languages = tuple(deck_file.languages)
        self.default_language = deck_file.default_language or deck_file.languages[0]
        self._check_languages(document, deck_file)
        timing = deck_file.timing
        if timing.min_slide_s > timing.max_slide_s:
            self.problems.append(
                document.problem(
                    ("timing", "min_slide_s"), "`min_slide_s` is longer than `max_slide_s`; make it shorter"
                )
            )
        slides = self._load_slides(document, deck_file.slides)
        # The speaker button's words matter only to a deck with a narration (checked after the slides).
        narrated = any(s.narration or any(d.narration for d in s.details) for s in slides)
        labels = self._labels(document, deck_file, narrated=narrated)
        default = deck_file.default_language or deck_file.languages[0]
        return Deck(
            title=self._text(document, ("title",), deck_file.title),
            languages=self.languages,
            default_language=default,
            disclaimer=self._text(document, ("disclaimer",), deck_file.disclaimer, required=False),
            timing=Timing(timing.idle_timeout_s, timing.transition_s, timing.min_slide_s, timing.max_slide_s),
            theme=deck_file.theme,
            mode=deck_file.mode,
            rotation=deck_file.rotation,
            slides=tuple(slides),
            folder=self.folder,
            hours=OpeningHours.parse(dict(deck_file.opening_hours))
            if deck_file.opening_hours is not None
            else OpeningHours.always_open(),
            hide_expired=deck_file.hide_expired,
            pixel_shift=deck_file.pixel_shift,
            reduced_motion=deck_file.reduced_motion,
            labels=labels,
            reading_level=self._reading_level(document, deck_file),
            contact=self._contact(document, deck_file),
            lobby_narration=deck_file.lobby_narration,
        )

    def _read(self, path: Path) -> Document | None:
        self.budget.check(path)
        try:
            document = read_document(path)
        except DocumentError as exc:
            self.problems.extend(exc.problems)
            return None
        try:
            self.budget.charge(path, path.stat().st_size)  # a backstop: `survey` refused most before
        except OSError:
            pass
        self.budget.check(path)  # a file that was slow to parse is the one named
        return document

    def _check_languages(self, document: Document, deck_file: DeckFile) -> None:
        seen: set[str] = set()
        for index, code in enumerate(deck_file.languages):
            if code in seen:
                self.problems.append(
                    document.problem(
                        ("languages", index),
                        f"the language `{code}` is listed twice; list each language once",
                    )
                )
            seen.add(code)
        if deck_file.default_language and deck_file.default_language not in seen:
            self.problems.append(
                document.problem(
                    ("default_language",),
                    f"`{deck_file.default_language}` is not one of the deck's languages"
                    f" ({', '.join(deck_file.languages)}); add it to `languages` or pick one of those",
                )
            )

    def _labels(
        self, document: Document, deck_file: DeckFile, *, narrated: bool = False
    ) -> tuple[tuple[str, tuple[tuple[str, str], ...]], ...]:
        """The deck's own wording for the kiosk's words, and a warning for each deck language
        whose words would show in English (no built-in translation and no override)."""
        given = deck_file.labels or {}
        for code in given:
            if code not in self.languages:
                self.problems.append(
                    document.problem(
                        ("labels", code),
                        f"`{code}` is not one of the deck's languages ({', '.join(self.languages)})"
                        + _did_you_mean(code, [c for c in self.languages if c not in given]),
                        at_key=True,
                    )
                )
        words = {
            code: tuple((key, text) for key, text in given[code].model_dump().items() if text is not None)
            for code in self.languages
            if code in given
        }
        warned: set[str] = set()
        for index, code in enumerate(self.languages):
            absent = tuple(
                key
                for key in missing_labels(code, {key for key, _ in words.get(code, ())})
                if narrated or key not in NARRATION_LABELS
            )
            if not absent or code in warned:
                continue
            warned.add(code)
            example = ", ".join(f"{key}: ..." for key in absent[:2])
            self.problems.append(
                document.problem(
                    ("languages", index),
                    f"the kiosk has no `{code}` words for {', '.join(absent)}, so visitors see them in"
                    f" English; add them to deck.yaml, like `labels: {{{code}: {{{example}}}}}`"
                    " (docs/content.md lists what each one says)",
                    severity=Severity.WARNING,
                )
            )
        return tuple((code, text) for code, text in words.items() if text)

    def _reading_level(self, document: Document, deck_file: DeckFile) -> tuple[tuple[str, float], ...]:
        given = deck_file.reading_level or {}
        for code in given:
            if code not in self.languages:
                self.problems.append(
                    document.problem(
                        ("reading_level", code),
                        f"`{code}` is not one of the deck's languages ({', '.join(self.languages)})"
                        + _did_you_mean(code, [c for c in self.languages if c not in given]),
                        at_key=True,
                    )
                )
        return tuple((code, float(given[code])) for code in self.languages if code in given)

    def _contact(self, document: Document, deck_file: DeckFile) -> Contact | None:
        contact = deck_file.contact
        if contact is None:
            return None
        return Contact(
            name=self._text(document, ("contact", "name"), contact.name),
            phone=contact.phone,
            when_to_call=self._text(
                document, ("contact", "when_to_call"), contact.when_to_call, required=False
            ),
        )

    def _check_slides_anyway(self, document: Document) -> None:
        """deck.yaml has errors, but if its languages and slide list are usable, check the slides
        too, so that staff see every problem in one run rather than one file at a time."""
        data = document.data if isinstance(document.data, dict) else {}
        try:
            self.languages = tuple(_LANGUAGES.validate_python(data.get("languages")))
            self.default_language = self.languages[0]
            slide_ids = _SLIDE_IDS.validate_python(data.get("slides"))
        except ValidationError:
            return
        self._load_slides(document, slide_ids)

    def _load_slides(self, document: Document, slide_ids: list[str]) -> list[Slide]:
        slides: list[Slide] = []
        seen: dict[str, int] = {}
        listed_files: set[str] = set()
        for index, slide_id in enumerate(slide_ids):
            path: Path_ = ("slides", index)
            if slide_id in seen:
                self.problems.append(
                    document.problem(
                        path,
                        f"the slide `{slide_id}` is listed twice in `slides` (first as item"
                        f" {seen[slide_id] + 1}); list each slide once",
                    )
                )
                continue
            seen[slide_id] = index
            file = self.folder / f"{slide_id}.yaml"
            listed_files.add(file.name)
            link = self._link_problem(file)
            if link is not None:
                self.problems.append(link)
                continue
            if not file.is_file():
                self.problems.append(
                    document.problem(
                        path,
                        f"there is no file {file.name} for the slide `{slide_id}`; create it or remove"
                        f" `{slide_id}` from the list{self._file_hint(slide_id)}",
                    )
                )
                continue
            slide = self._load_slide(file, slide_id)
            if slide is not None:
                slides.append(slide)
        summary = self._review_summary(document)
        if summary is not None:
            self.problems.append(summary)
        for extra in sorted(self.folder.glob("*.y*ml")):
            if (
                extra.name != DECK_FILE
                and extra.name not in listed_files
                and extra.suffix in (".yaml", ".yml")
            ):
                self.problems.append(
                    Problem(
                        _shown(str(extra)),
                        1,
                        1,
                        f"this slide is not in the `slides` list of {DECK_FILE}, so it is never shown; add"
                        f" `{_shown(extra.stem)}` to the list (or delete the file)",
                        Severity.WARNING,
                    )
                )
        return slides

    def _review_summary(self, document: Document) -> Problem | None:
        """One warning naming every slide that waits for clinical review: nine identical lines
        on every run would teach staff to skip warnings (overdue reviews stay one a slide)."""
        if not self.pending_reviews:
            return None
        names = ", ".join(slide_id for slide_id, _ in self.pending_reviews)
        count = len(self.pending_reviews)
        waiting = "1 slide is" if count == 1 else f"{count} slides are"
        unsigned = not all(said_pending for _, said_pending in self.pending_reviews)
        problem = document.problem(
            ("slides",),
            f"{waiting} waiting for clinical review: {names}; when a clinician has checked a slide,"
            " they replace `pending` with their name in its `reviewed_by`"
            + (" (or add that line)" if unsigned else ""),
            at_key=True,
            severity=Severity.WARNING,
        )
        return replace(problem, rank=PENDING_RANK)

    def _link_problem(self, file: Path) -> Problem | None:
        """Content is confined to the deck folder: a deck or slide file may be a link only to a
        file inside it (a link to /etc/... would put that file on the screen or in the log)."""
        if not file.is_symlink():
            return None
        try:
            real = file.resolve(strict=True)
            inside = real.is_relative_to(self.folder.resolve(strict=True))
        except (OSError, RuntimeError):
            return Problem(
                str(file), 1, 1, f"{file.name} is a broken or looping link; replace it with the file itself"
            )
        if not inside:
            return Problem(
                str(file),
                1,
                1,
                f"{file.name} is a link that points outside the deck folder ({_shown(str(real))}); copy the"
                " file into the deck folder instead",
            )
        return None

    def _file_hint(self, slide_id: str) -> str:
        names = [
            _shown(p.stem) for p in self.folder.glob("*.yaml") if p.name != DECK_FILE and p.stem != slide_id
        ]
        match = difflib.get_close_matches(slide_id, names, n=1, cutoff=0.6)
        return f"; did you mean `{match[0]}`?" if match else ""

    def _load_slide(self, file: Path, slide_id: str) -> Slide | None:
        document = self._read(file)
        if document is None:
            return None
        model = self._validate(document, SlideFile)
        if model is None:
            return None
        if model.id != slide_id:
            self.problems.append(
                document.problem(
                    ("id",),
                    f"the id `{model.id}` does not match the file name {file.name}; make it `id: {slide_id}`",
                )
            )
        details: list[Detail] = []
        seen: dict[str, int] = {}
        for index, detail in enumerate(model.details):
            path: Path_ = ("details", index)
            if detail.id in seen:
                self.problems.append(
                    document.problem(
                        path + ("id",),
                        f"the detail id `{detail.id}` is used twice on this slide (also detail"
                        f" {seen[detail.id] + 1}); give each detail its own id",
                    )
                )
            seen.setdefault(detail.id, index)
            details.append(self._detail(document, path, detail))
        summary = self._text(document, ("summary",), model.summary)
        for language, text in summary.by_language:
            words = len(text.split())
            if words > MAX_SUMMARY_WORDS:
                self.problems.append(
                    document.problem(
                        ("summary", language) if isinstance(model.summary, dict) else ("summary",),
                        f"the summary has {words} words ({language}); keep it to {MAX_SUMMARY_WORDS} words"
                        " or fewer so it can be read in passing, and move the rest into a detail",
                        severity=Severity.WARNING,
                    )
                )
        review = Review(model.reviewed_by, model.reviewed_on, model.review_due)
        if review.pending:  # named in one line for the whole deck (see _review_summary)
            self.pending_reviews.append((slide_id, bool(model.reviewed_by)))
        if review.overdue(self.today):
            overdue = document.problem(
                ("review_due",),
                f"the review date {model.review_due} has passed; ask a clinician to check the slide and"
                " set a new `review_due`",
                severity=Severity.WARNING,
            )
            self.problems.append(replace(overdue, rank=OVERDUE_RANK))
        image, images = self._images(document, ("image",), model.image)
        video, image, images = self._video(document, (), model, image, images)
        link, links = self._links(document, ("link",), model.link)
        return Slide(
            id=model.id,
            title=self._text(document, ("title",), model.title),
            summary=summary,
            image=image,
            alt=self._text(document, ("alt",), model.alt, required=False),
            duration_s=model.duration_s,
            details=tuple(details),
            review=review,
            source=str(file),
            show=ShowWindow.parse(model.show.days, model.show.hours) if model.show else None,
            link=link,
            images=images,
            links=links,
            narration=self._narration(document, ("narration",), model.narration),
            video=video,
        )

    def _detail(self, document: Document, path: Path_, detail: Any) -> Detail:
        if detail.body is None and detail.steps is None:
            self.problems.append(
                document.problem(
                    path + ("title",),
                    f"the detail `{detail.id}` has no `body` (and no `steps`); add a `body:` with the text"
                    " to show",
                    at_key=True,
                )
            )
        # A body without its translation would show one language's text to the other's readers.
        body = self._text(document, path + ("body",), detail.body) if detail.body is not None else None
        steps = tuple(
            Step(
                self._text(document, path + ("steps", i, "text"), step.text),
                self._image(document, path + ("steps", i, "image"), step.image),
            )
            for i, step in enumerate(detail.steps or ())
        )
        image, images = self._images(document, path + ("image",), detail.image)
        video, image, images = self._video(document, path, detail, image, images)
        link, links = self._links(document, path + ("link",), detail.link)
        return Detail(
            id=detail.id,
            title=self._text(document, path + ("title",), detail.title),
            body=tuple((code, parse_body(text)) for code, text in body.by_language) if body else (),
            steps=steps,
            image=image,
            alt=self._text(document, path + ("alt",), detail.alt, required=False),
            link=link,
            images=images,
            links=links,
            narration=self._narration(document, path + ("narration",), detail.narration),
            video=video,
        )

    # -- values -----------------------------------------------------------------------------

    def _per_language(
        self, document: Document, path: Path_, value: dict[str, str], what: str, check: Any
    ) -> dict[str, str]:
        """The checked values of a per-language `image` or `link`, in the deck's language order.

        A language left out shows the default language's value (a warning, since that may be the
        wrong language's page or picture); the default language itself must be given."""
        name = str(path[-1])
        for code in value:
            if code not in self.languages:
                self.problems.append(
                    document.problem(
                        path + (code,),
                        f"`{code}` is not one of the deck's languages ({', '.join(self.languages)})"
                        + _did_you_mean(code, [c for c in self.languages if c not in value]),
                        at_key=True,
                    )
                )
        default = self.default_language
        if default not in value:
            self.problems.append(
                document.problem(
                    path,
                    f"`{name}` has no `{default}` {what}; add a line `{default}: ...` below `{name}`: "
                    f"`{default}` is the default language, shown where a language has no {what} of its own",
                )
            )
        for code in self.languages:
            if code not in value and code != default:
                self.problems.append(
                    document.problem(
                        path,
                        f"`{name}` has no `{code}` {what}, so the `{default}` one is shown in {code}; "
                        f"add a line `{code}: ...` below `{name}` (it may repeat the `{default}` one)",
                        severity=Severity.WARNING,
                    )
                )
        checked: dict[str, str] = {}
        for code in self.languages:
            if code not in value:
                continue
            try:
                checked[code] = check(value[code])
            except PydanticCustomError as exc:
                self.problems.append(document.problem(path + (code,), f"`{name}` ({code}): {exc}"))
        return checked

    def _images(
        self, document: Document, path: Path_, value: str | dict[str, str] | None
    ) -> tuple[Image | None, tuple[tuple[str, Image], ...]]:
        """The default language's picture and, when the file gives one per language, each one."""
        if not isinstance(value, dict):
            return self._image(document, path, value), ()
        found: list[tuple[str, Image]] = []
        for code, file in self._per_language(document, path, value, "picture", image_value).items():
            image = self._image(document, path + (code,), file)
            if image is not None:
                found.append((code, image))
        return dict(found).get(self.default_language), tuple(found)

    def _narration(
        self, document: Document, path: Path_, value: dict[str, str] | None
    ) -> tuple[tuple[str, Sound], ...]:
        """Each language's checked narration. A language left out is only a warning: its screen
        simply has no speaker button (another language's voice would not help its readers)."""
        if not value:
            return ()
        for code in value:
            if code not in self.languages:
                self.problems.append(
                    document.problem(
                        path + (code,),
                        f"`{code}` is not one of the deck's languages ({', '.join(self.languages)})"
                        + _did_you_mean(code, [c for c in self.languages if c not in value]),
                        at_key=True,
                    )
                )
        for code in self.languages:
            if code not in value:
                self.problems.append(
                    document.problem(
                        path,
                        f"`narration` has no `{code}` sound, so this screen has no speaker button in"
                        f" {code}; add a line `{code}: ...` below `narration` when there is a recording",
                        severity=Severity.WARNING,
                    )
                )
        found: list[tuple[str, Sound]] = []
        for code in self.languages:
            if code not in value:
                continue
            try:
                sound = resolve_sound(value[code], (self.folder,))
            except SoundRefused as exc:
                self.problems.append(document.problem(path + (code,), str(exc)))
                continue
            found.append((code, sound))
        return tuple(found)

    def _links(
        self, document: Document, path: Path_, value: str | dict[str, str] | None
    ) -> tuple[QrCode | None, tuple[tuple[str, QrCode], ...]]:
        """The default language's link and, when the file gives one per language, each one."""
        if not isinstance(value, dict):
            return qr_code(value), ()
        codes: dict[str, QrCode] = {}
        for code, url in self._per_language(document, path, value, "link", link_value).items():
            made = next((qr for qr in codes.values() if qr.url == url), None) or qr_code(url)
            if made is not None:  # the same page in two languages shares one QR matrix
                codes[code] = made
        return codes.get(self.default_language), tuple(codes.items())

    def _image(self, document: Document, path: Path_, value: str | None) -> Image | None:
        if value is None:
            return None
        try:
            image = resolve_image(value, (self.folder, self.assets))
        except ImageRefused as exc:
            self.problems.append(document.problem(path, str(exc)))
            return None
        size = png_file_size(image.path) if image.kind == "png" else None
        if size is not None and size[0] * size[1] > MAX_PNG_PIXELS:
            # Allowed a side, but decoding it would take 4 bytes a pixel: the painter refuses.
            self.problems.append(
                document.problem(
                    path,
                    f"`{value}` is {size[0]}x{size[1]} pixels, more than the {MAX_PNG_PIXELS / 1e6:.1f}"
                    " megapixels the kiosk decodes, so a plain circle is shown instead; scale it down"
                    " (1600 px is plenty)",
                    severity=Severity.WARNING,
                )
            )
        return image

    # -- video (issue 18) ---------------------------------------------------------------------

    def _video(
        self, document: Document, path: Path_, model: Any, image: Image | None, images: Any
    ) -> tuple[Video | None, Image | None, Any]:
        """The clip of a slide or detail (`model`), probed, with its captions; its poster becomes
        the picture the layout frames (and exports, the handout and the preview draw)."""
        if model.video is None:
            for key in ("captions", "poster", "speech"):
                if getattr(model, key) is not None:
                    self.problems.append(
                        document.problem(
                            path + (key,),
                            f"`{key}` belongs to a video clip, but there is no `video:` here; add the"
                            f" clip's `video:` line or remove `{key}`",
                            at_key=True,
                        )
                    )
            return None, image, images
        if model.image is not None:
            self.problems.append(
                document.problem(
                    path + ("image",),
                    "give either `image` or `video`: the clip plays where the picture would be. To show"
                    " a picture before the clip starts (and on the handout), write it as `poster:`",
                    at_key=True,
                )
            )
        roots = (self.folder, self.assets)
        try:
            clip = resolve_media(model.video, roots, VIDEO_SUFFIXES, "clip")
            info = probe_video(clip, model.video)
        except VideoRefused as exc:
            self.problems.append(document.problem(path + ("video",), str(exc)))
            return None, image, images
        aspect = info.width_px / info.height_px
        poster = Image(clip, "video", aspect)
        files = [clip]
        if model.poster is not None:
            given = self._image(document, path + ("poster",), model.poster)
            if given is not None:
                poster = Image(given.path, given.kind, aspect)  # framed as the clip, letterboxed
                files.append(given.path)
        captions = self._captions(document, path + ("captions",), model.captions, info.duration_s, files)
        speech = True if model.speech is None else model.speech
        if speech and model.captions is None:
            self.problems.append(
                document.problem(
                    path + ("video",),
                    "a clip with speech needs captions (the kiosk plays it muted): add `captions:` with"
                    " one .vtt file per language below it, like `en: videos/clip.en.vtt`. If nobody"
                    " speaks in the clip, write `speech: false` next to `video:`",
                )
            )
        video = Video(
            path=clip,
            duration_s=info.duration_s,
            width_px=info.width_px,
            height_px=info.height_px,
            frame_rate=info.frame_rate,
            codec=info.codec,
            poster=poster,
            captions=captions,
            speech=speech,
            files=tuple(files),
        )
        return video, poster, ()

    def _captions(
        self, document: Document, path: Path_, value: Any, duration_s: float, files: list[Path]
    ) -> tuple[tuple[str, tuple[Cue, ...]], ...]:
        from kiosk.content.captions import CaptionError, read_captions

        if value is None:
            return ()
        if isinstance(value, str):
            if len(self.languages) > 1:
                self.problems.append(
                    document.problem(
                        path,
                        f"`captions` has one file, but this deck is in {', '.join(self.languages)}; give"
                        " one .vtt file per language below it, like"
                        f" `{self.default_language}: videos/clip.{self.default_language}.vtt`",
                        severity=Severity.WARNING,
                    )
                )
            named: dict[str, str] = {self.default_language: caption_value(value)}
            where = {self.default_language: path}
        else:
            named = self._per_language(document, path, value, "caption file", caption_value)
            where = {code: path + (code,) for code in named}
        found: list[tuple[str, tuple[Cue, ...]]] = []
        for code, file in named.items():
            try:
                real = resolve_media(file, (self.folder, self.assets), CAPTION_SUFFIXES, "caption file")
            except VideoRefused as exc:
                self.problems.append(document.problem(where[code], str(exc)))
                continue
            files.append(real)
            try:
                captions = read_captions(real)
            except CaptionError as exc:
                self.problems.append(Problem(str(real), exc.line, exc.column, exc.message))
                continue
            late = [
                (cue, line)
                for cue, line in zip(captions.cues, captions.lines, strict=True)
                if cue.end_s > duration_s + 0.05
            ]
            for cue, line in late[:3]:
                self.problems.append(
                    Problem(
                        str(real),
                        line,
                        1,
                        f"this caption ends at {cue.end_s:.3f} s, after the clip ends ({duration_s:.3f} s),"
                        " so it would be cut off; end it by the clip's last second",
                    )
                )
            if not late:
                found.append((code, captions.cues))
        return tuple(found)

    @typing.overload
    def _text(self, document: Document, path: Path_, value: Any) -> Text: ...
    @typing.overload
    def _text(self, document: Document, path: Path_, value: Any, *, required: bool) -> Text | None: ...

    def _text(self, document: Document, path: Path_, value: Any, *, required: bool = True) -> Text | None:
        """Check one text field against the deck's languages; fall back where that is harmless."""
        if value is None:
            return None
        doubted = False
        for where, text in (
            [(path, value)]
            if isinstance(value, str)
            else [(path + (code,), text) for code, text in value.items()]
        ):
            doubt = document.doubts.get(where)
            if doubt is not None:  # words that YAML dropped or joined (see Document.doubts)
                self.problems.append(doubt)
                doubted = True
            bad = _NOT_PRINTABLE.search(text)
            if bad is not None:
                self.problems.append(
                    document.problem(
                        where,
                        f"this text contains the invisible character U+{ord(bad.group()):04X}, written as"
                        " an escape (like \\0, \\x07 or \\ud800); the kiosk cannot show it. Delete the"
                        " escape",
                    )
                )
            elif all(unicodedata.category(c) == "Cf" or c.isspace() for c in text):
                self.problems.append(
                    document.problem(
                        where,
                        "the text holds only invisible characters (like U+200B, a zero-width space), so"
                        " nothing would show; write something or remove the key",
                    )
                )
        name = str(path[-1])
        languages = self.languages
        severity = Severity.ERROR if required else Severity.WARNING
        if isinstance(value, str):
            if len(languages) > 1 and not doubted:
                example = " and ".join(f"`{code}: ...`" for code in languages)
                self.problems.append(
                    document.problem(
                        path,
                        f"`{name}` has one text, but this deck is in {', '.join(languages)}; give one line"
                        f" per language below it: {example}",
                        severity=severity,
                    )
                )
            return Text(tuple((code, value) for code in languages))
        for code in value:
            if code not in languages:
                missing_here = [c for c in languages if c not in value]
                match = difflib.get_close_matches(code, missing_here, n=1, cutoff=0.0)
                hint = (
                    f"; did you mean `{match[0]}`?"
                    if match
                    else "; remove it, or add it to `languages` in deck.yaml"
                )
                self.problems.append(
                    document.problem(
                        path + (code,),
                        f"`{code}` is not one of the deck's languages ({', '.join(languages)}){hint}",
                        at_key=True,
                    )
                )
        present = [(code, value[code]) for code in languages if code in value]
        missing = [code for code in languages if code not in value]
        for code in missing:
            self.problems.append(
                document.problem(
                    path,
                    f"`{name}` has no `{code}` text; add a line `{code}: ...` below `{name}`"
                    + ("" if required else " (until then the first language is shown)"),
                    severity=severity,
                )
            )
        if not present:
            return Text(tuple((code, next(iter(value.values()))) for code in languages))
        fallback = present[0][1]
        return Text(tuple((code, value.get(code, fallback)) for code in languages))

    # -- schema -----------------------------------------------------------------------------

    def _validate(self, document: Document, model: type[BaseModel]) -> Any:
        if not isinstance(document.data, dict):
            kind = "a list" if isinstance(document.data, list) else "a single value"
            self.problems.append(
                document.problem(
                    (), f"the file holds {kind}; it should hold keys like `title:` at the start of each line"
                )
            )
            return None
        try:
            return model.model_validate(document.data)
        except ValidationError as exc:
            for error in exc.errors(include_url=False):
                self.problems.append(_schema_problem(document, model, error))
            return None


def _count_entries(folder: Path, limit: int) -> int:
    """How many entries `folder` holds, counting no further than `limit`."""
    count = 0
    try:
        with os.scandir(folder) as entries:
            for _ in entries:
                count += 1
                if count >= limit:
                    break
    except OSError:
        pass  # an unreadable folder is reported where its files are read
    return count


def _yaml_sizes(folder: Path) -> list[tuple[str, int]]:
    """The YAML files in `folder` (slides live at its top) and their sizes, for `survey`."""
    found: list[tuple[str, int]] = []
    try:
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.name.endswith((".yaml", ".yml")):
                    try:
                        size = entry.stat().st_size
                    except OSError:
                        continue  # reported where the file is read
                    if size <= MAX_FILE_BYTES:  # a larger one gets its own message when read
                        found.append((entry.path, size))
    except OSError:
        pass
    return found


def _shown(name: str) -> str:
    """A file name as it can be printed: undecodable bytes and control characters become U+FFFD
    (a name that is not UTF-8 would otherwise crash a UTF-8 terminal's print)."""
    text = name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    return "".join(c if c.isprintable() else "\ufffd" for c in text)


def qr_code(url: str | None) -> QrCode | None:
    """The QR matrix for a link, made here so that drawing never encodes anything."""
    if url is None:
        return None
    import segno

    code = segno.make(url, error="m", micro=False)
    return QrCode(url, tuple("".join("1" if module else "0" for module in row) for row in code.matrix))


def _did_you_mean(code: str, candidates: list[str]) -> str:
    match = difflib.get_close_matches(code, candidates, n=1, cutoff=0.0)
    return f"; did you mean `{match[0]}`?" if match else "; remove it, or add it to `languages` in deck.yaml"


def _schema_problem(document: Document, model: type[BaseModel], error: Any) -> Problem:
    loc: Path_ = tuple(part for part in error["loc"] if isinstance(part, int) or "[" not in str(part))
    kind = error["type"]
    if error["loc"][-1:] == ("[key]",) and loc[:1] == ("labels",):
        return document.problem(
            loc, f"`{loc[-1]}` is not a language code; use one of the deck's languages, like en", at_key=True
        )
    name = str(loc[-1]) if loc and isinstance(loc[-1], str) else (str(loc[-2]) if len(loc) > 1 else "value")
    if kind == "extra_forbidden":
        allowed = _fields_at(model, loc[:-1])
        match = difflib.get_close_matches(name, allowed, n=1, cutoff=0.6)
        hint = f"did you mean `{match[0]}`?" if match else f"the keys allowed here are: {', '.join(allowed)}"
        return document.problem(loc, f"unknown key `{name}`: {hint}", at_key=True)
    if kind == "missing":
        parent = loc[:-1]
        where = f" in {_describe(parent)}" if parent else ""
        return document.problem(parent, f"`{name}` is missing{where}; add a line `{name}: ...`")
    if kind == "string_pattern_mismatch" and (name == "id" or loc[:1] == ("slides",)):
        return document.problem(
            loc,
            f"`{_value_at(document, loc)}` is not a valid id; use lowercase letters, digits and dashes,"
            " like what-is-it",
        )
    if kind == "string_pattern_mismatch":
        return document.problem(
            loc, f"`{_value_at(document, loc)}` is not a language code; use two letters, like en or es"
        )
    if kind in ("too_short", "too_long"):
        ctx = error.get("ctx") or {}
        count = ctx.get("actual_length")
        if kind == "too_short":
            limit = f"at least {ctx.get('min_length')} {'is' if ctx.get('min_length') == 1 else 'are'} needed"
        else:
            limit = f"at most {ctx.get('max_length')} {'is' if ctx.get('max_length') == 1 else 'are'} allowed"
        return document.problem(loc, f"`{name}` has {count} item{'' if count == 1 else 's'}; {limit}")
    if kind == "text":
        value = _value_at(document, loc)
        if isinstance(value, dict):
            for code, text in value.items():
                if not isinstance(text, str):
                    return document.problem(loc + (code,), _not_text(document, loc + (code,), text))
        elif not isinstance(value, str):
            return document.problem(loc, _not_text(document, loc, value))
    if kind.startswith("date"):
        return document.problem(loc, f"`{name}` should be a date written as YYYY-MM-DD, like 2027-05-31")
    message = str(error["msg"])
    if message.startswith("Input should be"):
        message = "should be" + message[len("Input should be") :]
    elif message.startswith("Value error, "):
        message = message[len("Value error, ") :]
    separator = " " if message.startswith("should") else ": "
    return document.problem(loc, f"`{name}`{separator}{message}")


# YAML 1.1 reads these words as yes or no when they stand alone, not as text.
_YES_NO = "yes, no, on, off, true and false"


def _not_text(document: Document, path: Path_, value: Any) -> str:
    """Why a value where a text belongs was not read as text, and how to write it instead."""
    name = str(path[-1]) if isinstance(path[-1], str) else "text"
    written = document.written.get(path, "")
    if isinstance(value, (bool, int, float, datetime.date)):
        if isinstance(value, bool):
            kind = f"yes/no, not as words (YAML reads {_YES_NO} that way)"
        else:
            kind = "a date" if isinstance(value, datetime.date) else "a number"
            kind += ", not as words"
        return f'`{written}` was read as {kind}; put it in double quotes, like: {name}: "{written}"'
    if value is None:
        return f"the `{name}` text is empty; write the text after `{name}: `, or remove the line"
    if written == "-":
        return (
            f"the lines below `{name}:` start with `- `, so YAML reads them as a list, but a text is"
            f" expected here; for bullet points write `{name}: |` and put the lines below it, two"
            " spaces further in"
        )
    if written[:1] in ("[", "{"):
        return (
            f"a text that starts with {written[0]} is read as a list; put the whole text in double"
            f" quotes, like: {name}: " + (f'"{written}"' if len(written) <= 50 else f'"{written[0]}..."')
        )
    return (
        f"`{name}` should be a text, but it holds labels (a word and a colon); if the text contains"
        ' a colon followed by a space, put the whole text in double quotes, like: "Before: after"'
    )


def _value_at(document: Document, loc: Path_) -> Any:
    value = document.data
    for part in loc:
        try:
            value = value[part]
        except (KeyError, IndexError, TypeError):
            return "?"
    return value


def _describe(path: Path_) -> str:
    parts = [str(p) if isinstance(p, str) else f"item {p + 1}" for p in path]
    return " > ".join(f"`{p}`" if not p.startswith("item") else p for p in parts)


def _fields_at(model: type[BaseModel], loc: Path_) -> list[str]:
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        if isinstance(current, type) and issubclass(current, BaseModel) and part in current.model_fields:
            current = current.model_fields[part].annotation
        elif _mapping_value(current) is not None:  # a key of a mapping, like `de` in `labels`
            current = _mapping_value(current)
        else:
            return []
        model_in = _model_in(current)
        current = current if _mapping_value(current) is not None else model_in
    if isinstance(current, type) and issubclass(current, BaseModel):
        return list(current.model_fields)
    return []


def _mapping_value(annotation: Any) -> Any:
    """The value type of a dict annotation (also inside `X | None`), or None."""
    if typing.get_origin(annotation) is dict:
        return typing.get_args(annotation)[1]
    for arg in typing.get_args(annotation):
        if typing.get_origin(arg) is dict:
            return typing.get_args(arg)[1]
    return None


def _model_in(annotation: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _model_in(arg)
        if found is not None:
            return found
    return None


# -- where each text stands -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class TextSource:
    """Where one text of a slide file stands, for messages about that text (not the loaded deck)."""

    file: str
    line: int  # from 1
    column: int  # from 1


def text_source(file: str, path: Path_, language: str) -> TextSource:
    """The `file:line:column` of the text at `path` (like ("details", 0, "body")) in `language`.

    A text given per language points at that language's line; a plain text at its own line. The
    file is read again (the deck keeps no positions); unreadable files point at 1:1."""
    marks = _value_marks(file)
    for key in (path + (language,), path):
        mark = marks.get(key)
        if mark is not None:
            return TextSource(file=file, line=mark.line, column=mark.column)
    return TextSource(file=file, line=1, column=1)


def _value_marks(file: str) -> dict[Path_, Any]:
    try:
        info = Path(file).stat()
    except OSError:
        return {}
    key = (file, info.st_mtime_ns, info.st_size)
    marks = _MARKS.get(key)
    if marks is None:
        try:
            marks = dict(read_document(Path(file)).value_marks)
        except DocumentError:
            marks = {}
        if len(_MARKS) > 256:
            _MARKS.clear()
        _MARKS[key] = marks
    return marks


_MARKS: dict[tuple[str, int, int], dict[Path_, Any]] = {}
