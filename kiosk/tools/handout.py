"""`kiosk handout`: the deck as a printable take-home leaflet (PDF).

Every slide with its details, illustrations and QR codes, in one language, set in Atkinson
Hyperlegible as real, selectable text (fpdf2 embeds the TTF subsets and draws the SVGs as
vectors). Print-friendly: white paper, colour only for titles, bullets and the illustration discs,
taken from the deck's theme. The kiosk's own words (cover line, contents, QR caption, page number)
come from `Deck.label`, so a deck in German prints them in German. The disclaimer and the page
number are in the footer of every page.

Reads the loaded Deck only; never imports pygame, except to rasterise an SVG that fpdf2 cannot
draw (none of ours: the one gradient renders as a vector).
"""

from __future__ import annotations

import io
import logging
import math
import re
from dataclasses import dataclass
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import Align, WrapMode, XPos, YPos

from kiosk.content.deck import Bullets, Deck, Detail, Image, Numbered, Paragraph, QrCode, Run, Slide, inline
from kiosk.core.theme import RGB, THEMES, WARM
from kiosk.layout.text import wrap_runs
from kiosk.resources import FONTS_DIR

log = logging.getLogger(__name__)

FONT_DIR = FONTS_DIR
FONT = "Atkinson"
PAPERS = {"a4": "A4", "letter": "Letter"}

# Where a cover title may break instead: " · ", " | " and spaced dashes (the mark itself is dropped).
_SEPARATOR = re.compile(r"\s+[·|•–—-]\s+")

WHITE = (0xFF, 0xFF, 0xFF)  # the paper, and the QR code's quiet zone

# Type sizes in points: large, for older readers (body text never below 12 pt).
COVER_TITLE_PT = 30
COVER_LINE_PT = 16
TITLE_PT = 20
SUMMARY_PT = 14
HEADING_PT = 15
BODY_PT = 13
CAPTION_PT = 12
SMALL_PT = 11  # header, footer, the printed URL under a QR caption
LEADING = 1.4  # line height as a multiple of the font size
PT_MM = 25.4 / 72

MARGIN_MM = 20
BOTTOM_MM = 26  # room for the footer
SLIDE_DISC_MM = 34  # the sand disc behind a slide's illustration
DETAIL_DISC_MM = 28
STEP_DISC_MM = 26
QR_MIN_MM = 25  # the symbol itself, quiet zone excluded: scannable from a sheet on a table
QR_QUIET_MODULES = 4
KEEP_WHOLE = 0.3  # a detail up to this share of a page is never split


@dataclass(frozen=True)
class HandoutInfo:
    pages: int
    language: str
    paper: str


def build_handout(deck: Deck, *, language: str | None = None, paper: str = "a4") -> tuple[bytes, HandoutInfo]:
    """The PDF bytes of the leaflet, and what it holds."""
    language = language or deck.default_language
    if language not in deck.languages:
        raise ValueError(f"`{language}` is not one of the deck's languages ({', '.join(deck.languages)})")
    if paper not in PAPERS:
        raise ValueError(f"`{paper}` is not a paper size; use {' or '.join(PAPERS)}")
    # Two passes: the first finds the page each slide starts on, for the contents on the cover,
    # and the number of pages, for the footers. Nothing they print changes the layout.
    chatty = logging.getLogger("fontTools")  # its font subsetter logs every glyph at INFO
    level = chatty.level
    chatty.setLevel(max(level, logging.WARNING))
    try:
        first = _Handout(deck, language, paper, {}, 0)
        first.render()
        pdf = _Handout(deck, language, paper, dict(first.slide_pages), first.pages_count)
        pdf.render()
        assert pdf.slide_pages == first.slide_pages and pdf.pages_count == first.pages_count
        data = bytes(pdf.output())
    finally:
        chatty.setLevel(level)
    return data, HandoutInfo(pdf.pages_count, language, paper)


def write_handout(deck: Deck, out: Path, *, language: str | None = None, paper: str = "a4") -> HandoutInfo:
    data, info = build_handout(deck, language=language, paper=paper)
    out = Path(out)
    if out.parent != Path(""):
        out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)
    return info


def handout_command(args, deck: Deck) -> int:
    """`kiosk handout --out FILE.pdf [--lang es] [--paper a4|letter] [--deck DIR]`, for a deck that
    loaded (the command line loads it and reports its errors)."""
    import sys

    if args.lang and args.lang not in deck.languages:
        print(
            f"kiosk: `{args.lang}` is not one of the deck's languages ({', '.join(deck.languages)})",
            file=sys.stderr,
        )
        return 2
    if args.out.suffix.lower() != ".pdf":
        print(f"kiosk: {args.out} does not end in .pdf; name the handout like handout.pdf", file=sys.stderr)
        return 2
    if args.out.is_dir():
        print(
            f"kiosk: {args.out} is a folder; give a file name like {args.out / 'handout.pdf'}",
            file=sys.stderr,
        )
        return 2
    try:
        info = write_handout(deck, args.out, language=args.lang, paper=args.paper)
    except OSError as exc:
        print(
            f"kiosk: cannot write {args.out} ({exc.strerror or exc});"
            " check the folder exists and you may write there",
            file=sys.stderr,
        )
        return 1
    print(f"{args.out}: {info.pages} pages ({info.paper}, {info.language})")
    return 0


def _mm(points: float) -> float:
    return points * PT_MM


def _line(points: float) -> float:
    """The height of one line of text at this size, in mm."""
    return _mm(points) * LEADING


def _baseline(top: float, points: float = BODY_PT) -> float:
    """Where fpdf2's cells put the baseline of a line of body text that starts at `top`."""
    return top + _line(points) / 2 + 0.3 * _mm(points)


class _Handout(FPDF):
    def __init__(
        self, deck: Deck, language: str, paper: str, pages: dict[str, int], total_pages: int
    ) -> None:
        super().__init__(orientation="portrait", unit="mm", format=PAPERS[paper])
        self.deck = deck
        self.language = language
        theme = THEMES.get(deck.theme, WARM)
        # The theme's colours by role, on white paper (the screen's background is not printed).
        self.ink, self.teal, self.rose = theme.rgb("ink"), theme.rgb("teal"), theme.rgb("rose")
        self.sand, self.mute, self.on_teal = theme.rgb("sand"), theme.rgb("mute"), theme.rgb("on_teal")
        self.known_pages = pages  # slide id -> page, from the first pass
        self.contact_done = False  # the contact block went on the cover
        self.slide_pages: dict[str, int] = {}
        self.total_pages = total_pages
        self.set_margins(MARGIN_MM, MARGIN_MM, MARGIN_MM)
        self.set_auto_page_break(True, BOTTOM_MM)
        self.c_margin = 0
        for style, suffix in (("", "Regular"), ("B", "Bold"), ("I", "Italic"), ("BI", "BoldItalic")):
            self.add_font(FONT, style, str(FONT_DIR / f"AtkinsonHyperlegible-{suffix}.ttf"))
        title = deck.title.get(language)
        self.set_title(title)
        self.set_subject(title)
        self.set_creator("clinic-kiosk: kiosk handout")
        self.set_lang(language)
        self.set_display_mode("fullwidth", "continuous")

    def word(self, key: str) -> str:
        """One of the kiosk's own words in the handout's language (the deck may override it)."""
        return self.deck.label(key, self.language)

    # -- page furniture ---------------------------------------------------------------------

    def header(self) -> None:
        if self.page_no() == 1:
            return
        self.set_xy(self.l_margin, 10)
        self._font(SMALL_PT, "", self.mute)
        self.cell(
            self.epw, _line(SMALL_PT), self.deck.title.get(self.language), new_x=XPos.LMARGIN, new_y=YPos.NEXT
        )
        self._rule(self.get_y() + 1)
        self.set_y(MARGIN_MM + 2)

    def footer(self) -> None:
        top = self.h - BOTTOM_MM + 6
        self._rule(top)
        self._font(SMALL_PT, "", self.mute)
        page_w = self.get_string_width(self.word("page").format(n=99, total=99)) + 2
        if self.deck.disclaimer is not None:
            self.set_xy(self.l_margin, top + 3)
            self._font(SMALL_PT, "I", self.ink)
            self.multi_cell(
                self.epw - page_w - 6, _line(SMALL_PT), self.deck.disclaimer.get(self.language), align=Align.L
            )
        self.set_xy(self.w - self.r_margin - page_w, top + 3)
        self._font(SMALL_PT, "", self.mute)
        self.cell(
            page_w,
            _line(SMALL_PT),
            self.word("page").format(n=self.page_no(), total=self.total_pages),
            align=Align.R,
        )

    # -- the document -----------------------------------------------------------------------

    def render(self) -> None:
        self.add_page()
        self._cover()
        for slide in self.deck.slides:
            self._slide(slide)
        if self.deck.contact is not None and not self.contact_done:
            if not self._fits(12 + self._contact_height()):
                self.add_page()
            else:
                self.ln(12)
            self._contact()

    def _title_lines(self, title: str, width: float) -> list[str]:
        """The cover title as lines to set: whole when it fits on one line, else broken at its
        separators ("Sclerotherapy · patient guide" becomes two lines, without the dot), so a
        line never ends on a "·" or a dash."""
        self.set_font(FONT, "B", COVER_TITLE_PT)
        if self.get_string_width(title) <= width - 2 * self.c_margin:
            return [title]
        parts = [part.strip() for part in _SEPARATOR.split(title) if part.strip()]
        return parts or [title]

    def _contact_lines(self) -> tuple[str, str, str]:
        contact = self.deck.contact
        assert contact is not None
        when = contact.when_to_call.get(self.language) if contact.when_to_call is not None else ""
        return contact.name.get(self.language), contact.phone, when

    def _contact_height(self) -> float:
        name, phone, when = self._contact_lines()
        width = self.epw - 16
        height = 8 + self._height(name, HEADING_PT, "B", width) + 1 + _line(TITLE_PT)
        if when:
            height += 2 + self._height(when, BODY_PT, "", width)
        return height + 8

    def _contact(self) -> None:
        """The clinic's name, phone number (a tel: link) and when to call, in a sand frame."""
        name, phone, when = self._contact_lines()
        height = self._contact_height()
        top = self.get_y()
        self.set_draw_color(*self.sand)
        self.set_line_width(0.8)
        self.rect(self.l_margin, top, self.epw, height - 4, round_corners=True, corner_radius=3)
        width = self.epw - 16
        self.set_y(top + 6)
        self.set_left_margin(self.l_margin + 8)
        try:
            self._text(name, HEADING_PT, "B", self.teal, width)
            self.ln(1)
            self._font(TITLE_PT, "B", self.ink)
            dial = "tel:" + "".join(c for c in phone if c.isdigit() or c == "+")
            self.cell(width, _line(TITLE_PT), phone, link=dial, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            if when:
                self.ln(2)
                self._text(when, BODY_PT, "", self.ink, width)
        finally:
            self.set_left_margin(MARGIN_MM)
        self.set_y(top + height)

    def _cover(self) -> None:
        deck, language = self.deck, self.language
        top = self.get_y() + 6
        disc = 56
        picture = next(
            (s.image_for(language) for s in deck.slides if s.image_for(language) is not None), None
        )
        text_w = self.epw - (disc + 10 if picture else 0)
        self.set_y(top)
        for part in self._title_lines(deck.title.get(language), text_w):
            self._text(part, COVER_TITLE_PT, "B", self.teal, text_w)
        self.ln(3)
        self._text(self.word("tagline"), COVER_LINE_PT, "", self.ink, text_w)
        if picture is not None:
            self._illustration(picture, self.w - self.r_margin - disc, top, disc, None)
        self.set_y(max(self.get_y(), top + disc) + 14)
        self._text(self.word("contents"), HEADING_PT, "B", self.teal, self.epw)
        self.ln(2)
        row = _line(SUMMARY_PT) + 2.5
        for number, slide in enumerate(deck.slides, start=1):
            page = self.known_pages.get(slide.id)
            link = self.add_link(page=page) if page else ""
            y = self.get_y()
            self._font(SUMMARY_PT, "B", self.rose)
            self.cell(10, row, f"{number}.")
            self._font(SUMMARY_PT, "", self.ink)
            self.cell(self.epw - 30, row, slide.title.get(language), link=link)
            self.set_xy(self.w - self.r_margin - 20, y)
            self._font(SUMMARY_PT, "", self.mute)
            self.cell(20, row, str(page or ""), align=Align.R, link=link, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            self._rule(self.get_y(), colour=self.sand)
        if deck.contact is not None and self.get_y() + 10 + self._contact_height() <= self.page_break_trigger:
            self.ln(10)
            self._contact()
            self.contact_done = True

    def _slide(self, slide: Slide) -> None:
        language = self.language
        title, summary = slide.title.get(language), slide.summary.get(language)
        disc = SLIDE_DISC_MM if slide.image_for(language) is not None else 0
        text_w = self.epw - (disc + 8 if disc else 0)
        text_h = (
            self._height(title, TITLE_PT, "B", text_w) + 2 + self._height(summary, SUMMARY_PT, "", text_w)
        )
        # Slides flow on: a slide starts on this page when its title, summary and the heading and
        # first lines of its first detail fit here (measured: 8 pages with half-empty ones before).
        first_detail = slide.details[0] if slide.details else None
        lead = (
            self._keep(
                first_detail,
                first_detail.image_for(language) is not None
                and first_detail.image_for(language) != slide.image_for(language),
                lead_only=True,
            )
            if first_detail
            else 0
        )
        link = slide.link_for(language)
        picture = slide.image_for(language)
        qr = self._qr_height(link) + 4 if link is not None else 0
        if self.page_no() == 1 or not self._fits(12 + max(text_h, disc) + qr + lead):
            self.add_page()
        else:
            self.ln(5)
            self._rule(self.get_y(), colour=self.sand, width=0.6)
            self.ln(7)
        self.slide_pages[slide.id] = self.page_no()
        self.start_section(title)
        top = self.get_y()
        self._text(title, TITLE_PT, "B", self.teal, text_w)
        self.ln(2)
        self._text(summary, SUMMARY_PT, "", self.ink, text_w)
        if picture is not None:
            self._illustration(
                picture,
                self.w - self.r_margin - disc,
                top,
                disc,
                slide.alt.get(language) if slide.alt else None,
            )
        self.set_y(max(self.get_y(), top + disc))
        if link is not None:
            self._qr_block(link)
        shown = {picture.path} if picture is not None else set()
        for detail in slide.details:
            self._detail(detail, shown)

    def _keep(self, detail: Detail, with_image: bool, *, lead_only: bool = False) -> float:
        """The height that must follow on the page where a detail's heading goes: the whole
        detail when it is short (a few lines are never split), else its heading and first lines.
        `lead_only`: just the heading and first lines (what must follow a slide's summary)."""
        language = self.language
        width = self.epw - (DETAIL_DISC_MM + 8 if with_image else 0)
        heading = 6 + self._height(detail.title.get(language), HEADING_PT, "B", width) + 2
        parts: list[tuple[float, float]] = []  # (height, the least of it that may end a page)
        for block in detail.blocks(self.language):
            if isinstance(block, Paragraph):
                height = self._body_height(block.text, width)
                parts.append((height + 2, min(height, 3 * _line(BODY_PT))))
            elif block.items:
                indent = self._list_indent(block)
                items = [self._body_height(item, width - indent) + 1.2 for item in block.items]
                parts.append((sum(items) + 1, items[0]))
        steps = [
            self._step_height(step.text.get(self.language), step.image is not None) for step in detail.steps
        ]
        if steps:  # a numbered sequence may break between steps, never after the first
            parts.append((sum(steps), sum(steps[:2])))
        link = detail.link_for(language)
        if link is not None:
            parts.append((self._qr_height(link) + 4, self._qr_height(link)))
        whole = heading + sum(height for height, _ in parts)
        lead = heading + (parts[0][1] if parts else 0)
        if with_image:
            whole, lead = max(whole, 8 + DETAIL_DISC_MM), max(lead, 6 + DETAIL_DISC_MM)
        page = self.page_break_trigger - MARGIN_MM
        if lead_only:
            return min(lead, page * KEEP_WHOLE)
        # Only a short detail moves whole to the next page: a longer one would leave a page
        # half empty, so it splits after its heading and first lines instead.
        return whole if whole <= page * KEEP_WHOLE else min(lead, page * KEEP_WHOLE)

    def _detail(self, detail: Detail, shown: set[Path]) -> None:
        language = self.language
        picture = detail.image_for(language)
        image = picture if picture is not None and picture.path not in shown else None
        if image is not None:
            shown.add(image.path)
        if not self._fits(self._keep(detail, image is not None)):  # never orphan a heading
            self.add_page()
        else:
            self.ln(6)
        top = self.get_y()
        width = self.epw - (DETAIL_DISC_MM + 8 if image is not None else 0)
        self._text(detail.title.get(language), HEADING_PT, "B", self.teal, width)
        self.ln(2)
        if image is not None:
            self._illustration(
                image,
                self.w - self.r_margin - DETAIL_DISC_MM,
                top,
                DETAIL_DISC_MM,
                detail.alt.get(language) if detail.alt else None,
            )
        for block in detail.blocks(language):
            if isinstance(block, Paragraph):
                self._body(block.text, self.l_margin, width)
                self.ln(2)
            else:
                self._list(block, width)
        for number, step in enumerate(detail.steps, start=1):
            self._step(number, step.text.get(language), step.image, shown)
        if image is not None:
            self.set_y(max(self.get_y(), top + DETAIL_DISC_MM + 2))
        link = detail.link_for(language)
        if link is not None:
            self._qr_block(link)

    # -- pieces -----------------------------------------------------------------------------

    def _list_indent(self, block: Bullets | Numbered) -> float:
        """Bullets hang 8 mm in; numbers sit right-aligned in a gutter as wide as the widest."""
        if isinstance(block, Bullets):
            return 8
        self.set_font(FONT, "B", BODY_PT)
        return max(8, max(self.get_string_width(label) for label in block.labels) + 3)

    def _list(self, block: Bullets | Numbered, width: float) -> None:
        indent = self._list_indent(block)
        line = _line(BODY_PT)
        labels = block.labels if isinstance(block, Numbered) else ("",) * len(block.items)
        for item, label in zip(block.items, labels, strict=True):
            if not self._fits(self._body_height(item, width - indent)):
                self.add_page()
            y = self.get_y()
            if isinstance(block, Bullets):
                dot = 2.2
                self.set_fill_color(*self.rose)
                self.ellipse(self.l_margin + 1.5, y + line / 2 - dot / 2, dot, dot, style="F")
            else:
                self._font(BODY_PT, "B", self.teal)
                label_w = self.get_string_width(label)
                self.text(self.l_margin + indent - 2 - label_w, _baseline(y), label)
            self._body(item, self.l_margin + indent, width - indent)
            self.ln(1.2)
        self.ln(1)

    def _body_lines(self, markup: str, width: float) -> list[tuple[Run, ...]]:
        """A body paragraph or item set as on screen (the same wrap, kept line breaks and bold),
        in thousandths of a millimetre. Paper lines are long, so only a word wider than the whole
        line is hyphenated."""

        def measure(text: str, size: int, bold: bool) -> int:
            self.set_font(FONT, "B" if bold else "", size)
            return math.ceil(self.get_string_width(text) * 1000)

        inner = round((width - 2 * self.c_margin) * 1000)
        return wrap_runs(inline(markup), inner, BODY_PT, measure, self.language, even_ragged=False)

    def _body_height(self, markup: str, width: float) -> float:
        return len(self._body_lines(markup, width)) * _line(BODY_PT)

    def _body(self, markup: str, x: float, width: float) -> None:
        """Body text line by line, run by run (bold in bold), breaking the page between lines."""
        line_h = _line(BODY_PT)
        for runs in self._body_lines(markup, width):
            if self.get_y() + line_h > self.page_break_trigger:
                self.add_page()
            left = x + self.c_margin
            for run in runs:
                self._font(BODY_PT, "B" if run.bold else "", self.ink)
                self.text(left, _baseline(self.get_y()), run.text)
                left += self.get_string_width(run.text)
            self.set_y(self.get_y() + line_h)
        self.set_x(self.l_margin)

    def _step_height(self, text: str, has_picture: bool) -> float:
        text_w = self.epw - 12 - (STEP_DISC_MM + 6 if has_picture else 0)
        return max(self._height(text, BODY_PT, "", text_w), STEP_DISC_MM if has_picture else 9) + 3

    def _step(self, number: int, text: str, picture: Image | None, shown: set[Path]) -> None:
        height = self._step_height(text, picture is not None)
        if not self._fits(height):
            self.add_page()
        y = self.get_y()
        badge = 8.5
        middle = y + (STEP_DISC_MM / 2 if picture is not None else badge / 2)
        self.set_fill_color(*self.teal)
        self.ellipse(self.l_margin, middle - badge / 2, badge, badge, style="F")
        self._font(CAPTION_PT, "B", self.on_teal)
        self.set_xy(self.l_margin, middle - badge / 2)
        self.cell(badge, badge, str(number), align=Align.C)
        x = self.l_margin + 12
        if picture is not None:
            shown.add(picture.path)
            self._illustration(picture, x, y, STEP_DISC_MM, None)
            x += STEP_DISC_MM + 6
        text_w = self.w - self.r_margin - x
        text_h = self._height(text, BODY_PT, "", text_w)
        self.set_xy(x, max(y, middle - text_h / 2))  # the text is centred on its picture
        self._font(BODY_PT, "", self.ink)
        self.multi_cell(text_w, _line(BODY_PT), text, align=Align.L, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_y(y + height)

    def _qr_height(self, code: QrCode) -> float:
        return (code.size + 2 * QR_QUIET_MODULES) * self._module(code) + 4

    @staticmethod
    def _module(code: QrCode) -> float:
        return max(QR_MIN_MM / code.size, 0.5)

    def _qr_block(self, code: QrCode) -> None:
        """The QR symbol (vector squares, with its white quiet zone) and its caption beside it."""
        module = self._module(code)
        side = (code.size + 2 * QR_QUIET_MODULES) * module
        if not self._fits(side + 4):
            self.add_page()
        self.ln(2)
        x, y = self.l_margin - QR_QUIET_MODULES * module, self.get_y()  # the symbol lines up with the text
        self.set_fill_color(*WHITE)
        self.rect(x, y, side, side, style="F")
        self.set_fill_color(0, 0, 0)
        origin_x, origin_y = x + QR_QUIET_MODULES * module, y + QR_QUIET_MODULES * module
        for r, row in enumerate(code.rows):
            c = 0
            while c < len(row):
                if row[c] == "1":
                    start = c
                    while c < len(row) and row[c] == "1":
                        c += 1
                    self.rect(
                        origin_x + start * module,
                        origin_y + r * module,
                        (c - start) * module,
                        module,
                        style="F",
                    )
                else:
                    c += 1
        text_x = x + side + 2
        text_w = self.w - self.r_margin - text_x
        caption_h = self._height(self.word("scan"), CAPTION_PT, "B", text_w) + self._height(
            code.url, SMALL_PT, "", text_w
        )
        self.set_xy(text_x, y + max(0, (side - caption_h) / 2))  # beside the middle of the symbol
        self._font(CAPTION_PT, "B", self.teal)
        self.multi_cell(
            text_w, _line(CAPTION_PT), self.word("scan"), align=Align.L, new_x=XPos.LEFT, new_y=YPos.NEXT
        )
        self._font(SMALL_PT, "", self.mute)
        self.multi_cell(
            text_w,
            _line(SMALL_PT),
            code.url,
            align=Align.L,
            link=code.url,
            wrapmode=WrapMode.CHAR,
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )
        self.set_y(max(self.get_y(), y + side) + 2)

    def _illustration(self, image: Image, x: float, y: float, disc: float, alt: str | None) -> None:
        self.set_fill_color(*self.sand)
        self.ellipse(x, y, disc, disc, style="F")
        inset = disc * 0.12
        self._draw_image(image, x + inset, y + inset, disc - 2 * inset, disc - 2 * inset, alt)

    def _draw_image(self, image: Image, x: float, y: float, w: float, h: float, alt: str | None) -> None:
        page_break, self.auto_page_break = self.auto_page_break, False  # a picture never pushes a page
        try:
            try:
                # A clip's poster on paper: its first frame (kiosk.render.video), as a PNG.
                source = _clip_poster(image.path, w) if image.kind == "video" else str(image.path)
                self.image(source, x=x, y=y, w=w, h=h, keep_aspect_ratio=True, alt_text=alt)
            except Exception as exc:  # noqa: BLE001 - an SVG feature fpdf2 lacks: rasterise this one
                if image.kind != "svg":
                    raise
                log.warning("fpdf2 cannot draw %s (%s); using a raster copy", image.path, exc)
                self.image(
                    _rasterise_svg(image.path, w), x=x, y=y, w=w, h=h, keep_aspect_ratio=True, alt_text=alt
                )
        finally:
            self.auto_page_break = page_break

    # -- text helpers -----------------------------------------------------------------------

    def _font(self, size: float, style: str, colour: RGB) -> None:
        self.set_font(FONT, style, size)
        self.set_text_color(*colour)

    def _text(self, text: str, size: float, style: str, colour: RGB, width: float) -> None:
        self._font(size, style, colour)
        self.set_x(self.l_margin)
        self.multi_cell(width, _line(size), text, align=Align.L, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def _height(self, text: str, size: float, style: str, width: float) -> float:
        self.set_font(FONT, style, size)
        height = self.multi_cell(width, _line(size), text, align=Align.L, dry_run=True, output="HEIGHT")
        # output="HEIGHT" alone returns the height only; fpdf2 types every output choice as one union.
        assert isinstance(height, int | float), height
        return height

    def _fits(self, height: float) -> bool:
        at_top = self.get_y() <= MARGIN_MM + 3
        return at_top or self.get_y() + height <= self.page_break_trigger

    def _rule(self, y: float, colour: RGB | None = None, width: float = 0.35) -> None:
        self.set_draw_color(*(colour or self.sand))
        self.set_line_width(width)
        self.line(self.l_margin, y, self.w - self.r_margin, y)


def _clip_poster(path: Path, width_mm: float) -> io.BytesIO:
    """The first frame of a clip as a PNG of about 200 dpi, in memory."""
    import os

    os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
    import pygame

    from kiosk.render.video import first_frame

    side = max(64, round(width_mm / 25.4 * 200))
    buffer = io.BytesIO()
    pygame.image.save(first_frame(path, (side, side)), buffer, "png")
    buffer.seek(0)
    return buffer


def _rasterise_svg(path: Path, width_mm: float) -> io.BytesIO:
    """A PNG of an SVG at 300 dpi, in memory (the fallback for an SVG fpdf2 cannot draw)."""
    import os

    os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
    import pygame

    side = max(64, round(width_mm / 25.4 * 300))
    surface = pygame.image.load_sized_svg(str(path), (side, side))
    buffer = io.BytesIO()
    pygame.image.save(surface, buffer, "png")
    buffer.seek(0)
    return buffer
