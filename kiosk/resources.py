"""Where the kiosk's bundled data lives: the fonts, the illustrations and the sample deck.

In a checkout they are the top-level `assets/` and `slides/` folders; a wheel carries copies in
`kiosk/_data/` (hatchling's `force-include` in pyproject.toml puts them there, with the service
files of `deploy/`). An editable install reads the checkout. Every data path is worked out here.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
_WHEEL_DATA = _PACKAGE / "_data"
# A wheel install has `_data`; a checkout (editable install) keeps the folders beside the package.
DATA_ROOT = _WHEEL_DATA if (_WHEEL_DATA / "assets").is_dir() else _PACKAGE.parent

ASSETS_DIR = DATA_ROOT / "assets"
FONTS_DIR = ASSETS_DIR / "fonts"
SAMPLE_DECK_DIR = DATA_ROOT / "slides"
DEPLOY_DIR = DATA_ROOT / "deploy"  # the systemd units and kiosk-content-sync (docs/deploy.md)
