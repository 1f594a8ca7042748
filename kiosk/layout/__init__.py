"""Where every box, line and hotspot goes for a screen size; text is measured by an injected function.

No pygame."""
