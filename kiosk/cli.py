"""The `kiosk` command: run (the default), validate, schema, export.

Argument errors exit 2, content errors exit 1, and nothing a person types may end in a traceback:
staff run these commands, not programmers.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from kiosk import __version__
from kiosk.loader import DEFAULT_ASSETS, PACKAGE_ROOT, check_deck

DEFAULT_DECK = PACKAGE_ROOT / "slides"


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # argparse's own exits 2 too; keep its usage line
        self.print_usage(sys.stderr)
        self.exit(2, f"kiosk: {message}\n")


def _size(text: str) -> tuple[int, int]:
    try:
        width, height = (int(part) for part in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"`{text}` is not a size; write it as WIDTHxHEIGHT, like 1920x1080") from None
    if not (200 <= width <= 8192 and 200 <= height <= 8192):
        raise argparse.ArgumentTypeError(f"`{text}` is outside 200..8192 pixels a side")
    return width, height


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="kiosk", description="A waiting-room kiosk that plays a YAML slideshow.")
    parser.add_argument("--version", action="version", version=f"kiosk {__version__}")
    commands = parser.add_subparsers(dest="command", parser_class=_Parser)

    validate = commands.add_parser("validate", help="check a deck and list every problem with file:line:column")
    validate.add_argument("deck", nargs="?", type=Path, default=DEFAULT_DECK, help="the deck folder (default: slides/)")
    validate.add_argument("--assets", type=Path, default=DEFAULT_ASSETS, help=argparse.SUPPRESS)

    schema = commands.add_parser("schema", help="print the JSON Schema of deck.yaml and of a slide file, for editors")
    schema.add_argument("--out", type=Path, help="write deck.schema.json and slide.schema.json into this folder instead")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command == "validate":
            return validate(args.deck, args.assets)
        if args.command == "schema":
            return schema(args.out)
        parser.print_help()
        return 0
    except KeyboardInterrupt:
        return 130


def validate(deck: Path, assets: Path) -> int:
    report = check_deck(deck, assets=assets)
    here = Path.cwd()
    for problem in report.problems:
        print(problem.format(relative_to=here), file=sys.stderr if problem in report.errors else sys.stdout)
    if report.errors:
        print(f"{len(report.errors)} error(s), {len(report.warnings)} warning(s): the kiosk will not show this deck until the errors are fixed.", file=sys.stderr)
        return 1
    assert report.deck is not None
    print(f"OK: {len(report.deck.slides)} slides, {sum(len(s.details) for s in report.deck.slides)} details, languages {', '.join(report.deck.languages)}; {len(report.warnings)} warning(s).")
    return 0


def schema(out: Path | None) -> int:
    from kiosk.schema import json_schemas

    schemas = json_schemas()
    if out is None:
        print(json.dumps(schemas, indent=2, ensure_ascii=False))
        return 0
    out.mkdir(parents=True, exist_ok=True)
    for name, body in schemas.items():
        (out / f"{name}.schema.json").write_text(json.dumps(body, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        print(out / f"{name}.schema.json")
    return 0
