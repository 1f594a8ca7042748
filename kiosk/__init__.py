"""A waiting-room kiosk that plays a YAML slideshow, fullscreen, with touch detail screens."""

__version__ = "0.1.0"

import os as _os

# pygame prints a greeting on import; a kiosk log (journald) has no use for it.
_os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
