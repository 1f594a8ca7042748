"""The `kiosk` command: run (the default), validate, schema, export.

Argument errors exit 2, content errors exit 1, and nothing a person types may end in a traceback:
staff run these commands, not programmers.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from dataclasses import replace
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

    run = commands.add_parser("run", help="play the deck fullscreen (the default command)")
    _run_options(run)

    export = commands.add_parser("export", help="render every screen to PNG, with a manifest of hotspots")
    export.add_argument("--size", type=_size, default=(1920, 1080), help="WIDTHxHEIGHT (default 1920x1080)")
    export.add_argument("--out", type=Path, required=True, help="the folder for the PNGs and manifest.json")
    export.add_argument("--lang", help="language code (default: the deck's default)")
    export.add_argument("--mode", choices=("touch", "lobby"), default="touch")
    export.add_argument("--theme", choices=("warm", "high-contrast"))
    export.add_argument("--large-text", action="store_true", help="as a visitor sees it after tapping A+")
    export.add_argument("--deck", type=Path, default=DEFAULT_DECK, help="the deck folder (default: slides/)")

    schema = commands.add_parser("schema", help="print the JSON Schema of deck.yaml and of a slide file, for editors")
    schema.add_argument("--out", type=Path, help="write deck.schema.json and slide.schema.json into this folder instead")
    return parser


def _run_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--deck", type=Path, default=DEFAULT_DECK, help="the deck folder (default: slides/)")
    parser.add_argument("--mode", choices=("touch", "lobby"), help="touch (default) or lobby (a TV nobody touches)")
    parser.add_argument("--lang", help="start language (default: the deck's)")
    parser.add_argument("--idle-timeout", type=float, metavar="SECONDS", help="seconds without a touch before the reset")
    parser.add_argument("--windowed", action="store_true", help="a normal window instead of fullscreen")
    parser.add_argument("--size", type=_size, help="window size, like 1280x720")
    parser.add_argument("--rotation", type=int, choices=(0, 90, 180, 270), help="turn the picture and the touch input for a rotated panel")
    parser.add_argument("--dev", action="store_true", help="development: Escape and window-close exit, the cursor shows")
    parser.add_argument("--settings", type=Path, help="the local settings file (default: /etc/kiosk/settings.yaml when it exists)")


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    parser = build_parser()
    raw = list(sys.argv[1:] if argv is None else argv)
    if not raw or raw[0].startswith("-") and raw[0] not in ("-h", "--help", "--version"):
        raw = ["run", *raw]  # `kiosk` alone, or `kiosk --windowed`, means `kiosk run`
    args = parser.parse_args(raw)
    try:
        if args.command == "validate":
            return validate(args.deck, args.assets)
        if args.command == "schema":
            return schema(args.out)
        if args.command == "export":
            return export(args)
        if args.command == "run":
            return run(args)
        parser.print_help()
        return 0
    except KeyboardInterrupt:
        return 130


def _load_or_report(deck_path: Path):
    report = check_deck(deck_path, assets=DEFAULT_ASSETS)
    here = Path.cwd()
    for problem in report.errors:
        print(problem.format(relative_to=here), file=sys.stderr)
    if report.deck is None:
        print(f"kiosk: the deck in {deck_path} has {len(report.errors)} error(s); run `kiosk validate {deck_path}` and fix them.", file=sys.stderr)
    return report.deck


def run(args: argparse.Namespace) -> int:
    deck = _load_or_report(args.deck)
    if deck is None:
        return 1
    from kiosk.app import run as run_kiosk
    from kiosk.problems import ContentError
    from kiosk.settings import DEFAULT_SETTINGS_FILE, read_local_settings, settings_for

    local = None
    settings_file = args.settings or (DEFAULT_SETTINGS_FILE if DEFAULT_SETTINGS_FILE.is_file() else None)
    if settings_file is not None:
        try:
            local = read_local_settings(settings_file)
        except ContentError as exc:
            for problem in exc.problems:
                print(problem.format(), file=sys.stderr)
            return 1
    settings = settings_for(deck, local=local, mode=args.mode, language=args.lang, idle_timeout_s=args.idle_timeout, windowed=args.windowed, size=args.size, rotation=args.rotation, dev=args.dev)
    return run_kiosk(deck, settings, deck_folder=args.deck)


def export(args: argparse.Namespace) -> int:
    deck = _load_or_report(args.deck)
    if deck is None:
        return 1
    if args.lang and args.lang not in deck.languages:
        print(f"kiosk: `{args.lang}` is not one of the deck's languages ({', '.join(deck.languages)})", file=sys.stderr)
        return 2
    from kiosk.export import export as export_deck
    from kiosk.program import Mode

    manifest = export_deck(deck, args.out, args.size, language=args.lang, mode=Mode(args.mode), theme=args.theme, large_text=args.large_text)
    overflow = [line for screen in manifest["screens"] for line in screen["overflow"]]
    print(f"{len(manifest['screens'])} screens written to {args.out} ({args.size[0]}x{args.size[1]}, {manifest['language']}, {args.mode})")
    for line in overflow:
        print(f"warning: does not fit: {line}", file=sys.stderr)
    return 0


def validate(deck: Path, assets: Path) -> int:
    if not deck.is_dir():
        what = "there is no deck folder at" if not deck.exists() else "this is a file, not a deck folder:"
        print(f"kiosk: {what} {deck}; give the folder that holds deck.yaml", file=sys.stderr)
        return 1
    report = check_deck(deck, assets=assets)
    if report.deck is not None:
        from kiosk.fit import fit_problems
        from kiosk.problems import sort_problems

        report = replace(report, problems=tuple(sort_problems([*report.problems, *fit_problems(report.deck)])))
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
