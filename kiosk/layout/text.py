"""Text set into a column: word wrapping and a top-down flow of lines."""

from __future__ import annotations

from dataclasses import dataclass, field

from kiosk.content.deck import Block, Bullets, Paragraph
from kiosk.layout.items import Box, Item, Measure, Shape, TextLine
from kiosk.layout.metrics import LINE_HEIGHT


@dataclass
class Flow:
    """Lays text top-down in a column, collecting items; `y` is the next free pixel row."""

    measure: Measure
    x: int
    width: int
    y: int
    language: str = "en"  # for hyphenation: long words break at this language's hyphenation points
    items: list[Item] = field(default_factory=list)
    overflow: list[str] = field(default_factory=list)

    def text(
        self,
        text: str,
        size_px: int,
        *,
        bold: bool = False,
        color: str = "ink",
        line_height: float = LINE_HEIGHT,
        indent_px: int = 0,
        role: str = "",
    ) -> list[TextLine]:
        """Wrapped lines of one paragraph or label; they share a block id for the manifest."""
        block = f"{role or 'text'}-{self.x}-{self.y}"
        lines = wrap(text, self.width - indent_px, size_px, bold, self.measure, self.language)
        step = round(size_px * line_height)
        placed: list[TextLine] = []
        for line in lines:
            measured = self.measure(line, size_px, bold)
            if measured > self.width - indent_px:
                self.overflow.append(line)
            placed.append(
                TextLine(
                    line,
                    Box(self.x + indent_px, self.y, self.width - indent_px, step),
                    size_px,
                    bold,
                    color,
                    measured,
                    role=role,
                    block=block,
                )
            )
            self.y += step
        self.items.extend(placed)
        return placed

    def blocks(self, blocks: tuple[Block, ...], size_px: int) -> None:
        """A body's paragraphs and lists, in order, at one text size."""
        for block in blocks:
            if isinstance(block, Paragraph):
                self.text(block.text, size_px, role="body")
                self.gap(size_px * 0.5)
            elif isinstance(block, Bullets):
                indent = round(size_px * 1.1)
                for item in block.items:
                    lines = self.text(item, size_px, indent_px=indent, role="body")
                    if lines:
                        first = lines[0].box
                        dot = max(4, round(size_px * 0.3))
                        box = Box(self.x + round(size_px * 0.15), first.y + (first.h - dot) // 2, dot, dot)
                        self.items.append(Shape("circle", box, fill="rose", role="bullet"))
                    self.gap(size_px * 0.3)
                self.gap(size_px * 0.3)

    def gap(self, px: float) -> None:
        self.y += round(px)


def wrap(
    text: str, width: int, size_px: int, bold: bool, measure: Measure, language: str = "en"
) -> list[str]:
    """Greedy word wrap; a word wider than the line is split between characters."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split():
            candidate = f"{line} {word}" if line else word
            if measure(candidate, size_px, bold) <= width:
                line = candidate
                continue
            if line:
                lines.append(line)
            line = ""
            while measure(word, size_px, bold) > width and len(word) > 1:
                cut = len(word) - 1
                while cut > 1 and measure(word[:cut], size_px, bold) > width:
                    cut = (
                        max(1, cut * 3 // 4)
                        if measure(word[: cut * 3 // 4], size_px, bold) > width
                        else cut - 1
                    )
                lines.append(word[:cut])
                word = word[cut:]
            line = word
        lines.append(line)
    return [line for line in lines if line] or [""]


def ellipsize(text: str, width: int, size_px: int, measure: Measure) -> str:
    while text and measure(text + "…", size_px, False) > width:
        text = text[:-1]
    return text.rstrip() + "…"
