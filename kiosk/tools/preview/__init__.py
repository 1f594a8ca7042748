"""`kiosk preview`: a desktop window that shows the deck exactly as the kiosk will, and redraws
within a second of a file being saved.

When a save leaves the deck with errors, the last good picture stays and a panel over it lists the
errors as `file:line:column: message`, with the line from the file; warnings (text that does not
fit, letters the font cannot draw, a long summary, a missing optional translation, a review date
passed, placeholder text) are listed at the bottom. They come from the same pipeline as
`kiosk validate`. Nothing typed into a slide file can crash the window or leave it blank.

- `session`: what is shown and every change a key makes (no pygame);
- `panels`: the error, warning and help panels and the status line, as layout items;
- `bindings`: the one table of keys, for the dispatch and the help panel;
- `window`: draws a session and runs the window.
"""

from kiosk.tools.preview.session import SIZES, ScreenRef, Session
from kiosk.tools.preview.window import Preview, export_preview_png, preview_command, run_preview

__all__ = ["SIZES", "Preview", "ScreenRef", "Session", "export_preview_png", "preview_command", "run_preview"]
