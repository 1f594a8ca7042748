"""Where everything goes on a screen of a given size: pure geometry, no pygame.

`arrange(...)` turns a view (a slide or a detail, in a language) into a flat list of shapes, text
lines and pictures with pixel boxes, plus the hotspots a tap can hit. Drawing paints exactly these
items and hit-testing reads exactly these hotspots, so what a visitor sees is what they can tap.
Text is measured through the `measure` function it is handed, so tests can pass a fake one.

Sizes are shares of a base length `u`: the screen height in landscape, 1.1 x the width in
portrait (the design's type scale). Text that does not fit is wrapped, then shrunk step by step
down to a floor (3.2% of the short side for body text in touch mode, 4.5% in lobby mode); what
still does not fit scrolls (touch details) or is reported in `overflow`.
"""

from __future__ import annotations

from kiosk.content.deck import Deck
from kiosk.core.program import Mode, View
from kiosk.layout.detail import detail_screen
from kiosk.layout.items import Measure, ScreenLayout
from kiosk.layout.metrics import LARGE_TEXT, Metrics
from kiosk.layout.slide import slide_screen


def arrange(deck: Deck, view: View, width: int, height: int, mode: Mode, measure: Measure) -> ScreenLayout:
    # A+ is a touch control: a lobby screen ignores touches and its type is already 1.3x larger.
    large = view.large and mode is Mode.TOUCH
    metrics = Metrics(width, height, mode, LARGE_TEXT if large else 1.0)
    slide = deck.slides[view.slide]
    detail = slide.detail(view.detail) if view.detail else None
    if detail is not None:
        return detail_screen(deck, slide, detail, view, metrics, measure)
    return slide_screen(deck, slide, view, metrics, measure)
