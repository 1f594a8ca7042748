"""A waiting-room kiosk that plays a YAML slideshow, fullscreen, with touch detail screens."""

__version__ = "0.1.0"
