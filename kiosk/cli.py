"""The `kiosk` command: run (the default), validate, export, preview, new-slide, handout, init,
stats, set-pin and schema.

Argument errors exit 2, content errors exit 1, and nothing a person types may end in a traceback:
staff run these commands, not programmers.
"""

from __future__ import annotations

import argparse
import json
import logging
import shutil
import sys
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from kiosk import __version__
from kiosk.content.deck import Deck
from kiosk.resources import ASSETS_DIR as DEFAULT_ASSETS
from kiosk.resources import SAMPLE_DECK_DIR

if TYPE_CHECKING:
    import datetime

    from kiosk.content.report import Report

DEFAULT_DECK = SAMPLE_DECK_DIR  # the bundled sample deck (benchmarks use it)
LOCAL_DECK = Path("slides")  # a deck folder here wins over the bundled sample
_DECK_HELP = "the deck folder (default: ./slides)"
_RUN_DECK_HELP = "the deck folder (default: ./slides if there is one, else the bundled sample deck)"
_log = logging.getLogger("kiosk")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # argparse's own exits 2 too; keep its usage line
        self.print_usage(sys.stderr)
        self.exit(2, f"kiosk: {message}\n")


def _date(text: str):
    import datetime

    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"`{text}` is not a date; write it as YYYY-MM-DD, like 2026-11-01"
        ) from None


def _size(text: str) -> tuple[int, int]:
    try:
        width, height = (int(part) for part in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"`{text}` is not a size; write it as WIDTHxHEIGHT, like 1920x1080"
        ) from None
    if not (200 <= width <= 8192 and 200 <= height <= 8192):
        raise argparse.ArgumentTypeError(f"`{text}` is outside 200..8192 pixels a side")
    return width, height


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="kiosk", description="A waiting-room kiosk that plays a YAML slideshow.")
    parser.add_argument("--version", action="version", version=f"kiosk {__version__}")
    commands = parser.add_subparsers(dest="command", parser_class=_Parser)

    validate = commands.add_parser(
        "validate", help="check a deck and list every problem with file:line:column"
    )
    validate.add_argument("deck", nargs="?", type=Path, default=None, help=_DECK_HELP)
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
    export.add_argument(
        "--staff",
        action="store_true",
        help="also the staff screens (PIN pad, admin, touch test, test pattern)",
    )
    export.add_argument("--deck", type=Path, default=None, help=_DECK_HELP)

    stats = commands.add_parser(
        "stats", help="how often each slide and topic was seen and opened, and visitor sessions per day"
    )
    stats.add_argument("--since", type=_date, help="only from this day on (YYYY-MM-DD)")
    stats.add_argument("--csv", action="store_true", help="comma-separated output for a spreadsheet")
    stats.add_argument(
        "--data-dir", type=Path, help="where the statistics database is (default: $XDG_DATA_HOME/kiosk)"
    )

    set_pin = commands.add_parser(
        "set-pin", help="make the admin PIN's salted hash for the local settings file"
    )
    set_pin.add_argument(
        "--stdin",
        action="store_true",
        help="read the PIN from standard input instead of asking (the default when it is not a terminal)",
    )

    schema = commands.add_parser(
        "schema", help="print the JSON Schema of deck.yaml and of a slide file, for editors"
    )
    schema.add_argument(
        "--out", type=Path, help="write deck.schema.json and slide.schema.json into this folder instead"
    )

    preview = commands.add_parser(
        "preview", help="a window that shows the deck as the kiosk will and redraws on every save"
    )
    preview.add_argument("deck", nargs="?", type=Path, default=None, help=_DECK_HELP)
    preview.add_argument(
        "--size",
        type=_size,
        default=(1920, 1080),
        help="the kiosk's screen size to show first (default 1920x1080; S cycles sizes)",
    )
    preview.add_argument(
        "--lang", help="language code to show first (default: the deck's default; L switches)"
    )
    preview.add_argument(
        "--mode",
        choices=("touch", "lobby"),
        help="touch screen or lobby TV (default: the deck's; M switches)",
    )
    preview.add_argument(
        "--window", type=_size, default=(1280, 800), help="the window size (default 1280x800)"
    )
    preview.add_argument(
        "--export-png",
        type=Path,
        metavar="OUT.png",
        help="draw the preview window without showing it and save it as a PNG",
    )
    preview.add_argument(
        "--screen",
        metavar="N",
        help="with --export-png: which screen, by number from 1 or by id (what-is-it/spider-veins)",
    )
    preview.add_argument(
        "--no-warnings", action="store_true", help="with --export-png: leave out the warnings list"
    )

    new_slide = commands.add_parser(
        "new-slide", help="create a slide file from a commented template and add it to the slide order"
    )
    new_slide.add_argument(
        "id", help="the new slide's id: lowercase letters, digits and dashes, like first-visit"
    )
    new_slide.add_argument("deck", nargs="?", type=Path, default=None, help=_DECK_HELP)
    new_slide.add_argument(
        "--after", metavar="ID", help="put the new slide after this one (default: at the end)"
    )

    handout = commands.add_parser("handout", help="a printable take-home leaflet of the deck (PDF)")
    handout.add_argument("--out", type=Path, required=True, metavar="FILE.pdf", help="the PDF file to write")
    handout.add_argument("--lang", help="language code (default: the deck's default)")
    handout.add_argument("--paper", choices=("a4", "letter"), default="a4", help="paper size (default a4)")
    handout.add_argument("--deck", type=Path, default=None, help=_DECK_HELP)

    init = commands.add_parser("init", help="copy the sample deck into a new folder, to start your own")
    init.add_argument("folder", type=Path, help="the new deck folder (it must not exist, or be empty)")
    return parser


def _run_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--deck", type=Path, default=None, help=_RUN_DECK_HELP)
    parser.add_argument(
        "--mode", choices=("touch", "lobby"), help="touch (default) or lobby (a TV nobody touches)"
    )
    parser.add_argument("--lang", help="start language (default: the deck's)")
    parser.add_argument(
        "--idle-timeout", type=float, metavar="SECONDS", help="seconds without a touch before the reset"
    )
    parser.add_argument("--windowed", action="store_true", help="a normal window instead of fullscreen")
    parser.add_argument("--size", type=_size, help="window size, like 1280x720")
    parser.add_argument(
        "--rotation",
        type=int,
        choices=(0, 90, 180, 270),
        help="turn the picture and the touch input for a rotated panel",
    )
    parser.add_argument(
        "--dev", action="store_true", help="development: Escape and window-close exit, the cursor shows"
    )
    parser.add_argument(
        "--settings",
        type=Path,
        help="the local settings file (default: /etc/kiosk/settings.yaml when it exists)",
    )
    parser.add_argument(
        "--data-dir",
        type=Path,
        help="where the anonymous statistics database lives (default: $XDG_DATA_HOME/kiosk)",
    )
    parser.add_argument(
        "--renderer",
        choices=("auto", "software", "gpu"),
        help="auto (default): SDL's GPU renderer where there is a real GPU, else drawing with the CPU;"
        " software: always the CPU; gpu: always SDL's renderer",
    )


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    parser = build_parser()
    raw = list(sys.argv[1:] if argv is None else argv)
    if not raw or raw[0].startswith("-") and raw[0] not in ("-h", "--help", "--version"):
        raw = ["run", *raw]  # `kiosk` alone, or `kiosk --windowed`, means `kiosk run`
    args = parser.parse_args(raw)
    if getattr(args, "deck", LOCAL_DECK) is None:
        if args.command == "run":
            args.deck = default_deck()
        elif LOCAL_DECK.is_dir():
            args.deck = LOCAL_DECK
        else:
            return refuse_without_deck(args.command)
    try:
        if args.command == "stats":
            return stats_command(args)
        if args.command == "set-pin":
            return set_pin_command(args)
        if args.command == "validate":
            return validate(args.deck, args.assets)
        if args.command == "init":
            return init(args.folder)
        if args.command == "schema":
            return schema(args.out)
        if args.command == "export":
            return export(args)
        if args.command == "run":
            return run(args)
        if args.command == "preview":
            from kiosk.tools.preview import preview_command

            return preview_command(args)
        if args.command == "new-slide":
            from kiosk.tools.scaffold import new_slide_command

            return new_slide_command(args.deck, args.id, args.after)
        if args.command == "handout":
            from kiosk.tools.handout import handout_command

            deck = load_or_report(args.deck)
            return 1 if deck is None else handout_command(args, deck)
        parser.print_help()
        return 0
    except KeyboardInterrupt:
        return 130


def check_deck(folder: Path, *, assets: Path = DEFAULT_ASSETS, today: datetime.date | None = None) -> Report:
    """kiosk.content.loader.check_deck, imported when a command needs it: it brings pydantic and
    PyYAML, which `kiosk run` from a last good deck never needs."""
    from kiosk.content.loader import check_deck as check

    return check(folder, assets=assets, today=today)


def default_deck() -> Path:
    """What `kiosk run` plays without --deck: ./slides when this folder has one, else the sample
    deck that comes with the kiosk; the log says which."""
    if (LOCAL_DECK / "deck.yaml").is_file():
        _log.info("no --deck given: playing the deck in ./slides (%s)", LOCAL_DECK.resolve())
        return LOCAL_DECK
    _log.info("no --deck given and no ./slides here: playing the bundled sample deck (%s)", SAMPLE_DECK_DIR)
    return SAMPLE_DECK_DIR


def refuse_without_deck(command: str) -> int:
    """Exit 2 with what to do, for an editing command given no deck and run where there is no
    ./slides (it must not check or change the copy installed with the kiosk instead)."""
    given = "--deck DIR" if command in ("handout", "export") else "DIR"
    print(
        f"kiosk: which deck? There is no ./slides folder here. Give the deck folder "
        f"(`kiosk {command} {given}`), run the command in the folder that holds `slides`, "
        "or start a deck of your own with `kiosk init slides`.",
        file=sys.stderr,
    )
    return 2


def load_or_report(deck_path: Path) -> Deck | None:
    """The deck, or None after printing its errors and what to run (for commands that need a deck)."""
    report = check_deck(deck_path, assets=DEFAULT_ASSETS)
    here = Path.cwd()
    for problem in report.errors:
        print(problem.format(relative_to=here), file=sys.stderr)
    if report.deck is None:
        print(
            f"kiosk: the deck in {deck_path} has {len(report.errors)} error(s); "
            f"run `kiosk validate {deck_path}` and fix them.",
            file=sys.stderr,
        )
    return report.deck


def init(folder: Path) -> int:
    """`kiosk init DIR`: a copy of the sample deck to start a clinic's own, and what to do next."""
    if folder.exists() and not folder.is_dir():
        print(f"kiosk: {folder} is a file; give a new folder for the deck", file=sys.stderr)
        return 1
    if folder.is_dir() and any(folder.iterdir()):
        print(
            f"kiosk: {folder} is not empty, and `kiosk init` never overwrites files; "
            "give a new or empty folder",
            file=sys.stderr,
        )
        return 1
    try:
        shutil.copytree(SAMPLE_DECK_DIR, folder, dirs_exist_ok=True)
    except OSError as exc:
        print(f"kiosk: the deck could not be copied to {folder} ({exc})", file=sys.stderr)
        return 1
    count = sum(1 for path in folder.rglob("*") if path.is_file())
    print(f"copied the sample deck ({count} files) to {folder}. Next:")
    print(f"  1. edit the slides in {folder} (deck.yaml lists them in order)")
    print(f"  2. kiosk validate {folder}")
    print(f"  3. kiosk preview {folder}   (a window that redraws on every save)")
    print(f"  4. kiosk run --deck {folder}")
    return 0


def run(args: argparse.Namespace) -> int:
    from kiosk.content.problems import ContentError
    from kiosk.content.snapshot import LastGood
    from kiosk.runtime.app import run as run_kiosk
    from kiosk.runtime.settings import (
        DEFAULT_SETTINGS_FILE,
        read_local_settings,
        settings_for,
    )
    from kiosk.runtime.startup import start_deck
    from kiosk.runtime.stats import default_data_dir

    local = None
    settings_file = args.settings or (DEFAULT_SETTINGS_FILE if DEFAULT_SETTINGS_FILE.is_file() else None)
    if settings_file is not None:
        try:
            local = read_local_settings(settings_file)
        except ContentError as exc:
            for problem in exc.problems:
                print(problem.format(), file=sys.stderr)
            return 1
    data_dir = (
        args.data_dir or (Path(local.data_dir) if local and local.data_dir else None) or default_data_dir()
    )
    # A refused deck at start shows the last good deck, or the sample deck with a notice: never an
    # exit that systemd would restart for ever (kiosk.runtime.startup).
    store = LastGood(data_dir)
    start = start_deck(args.deck, store, assets=DEFAULT_ASSETS)
    if start is None:
        return 1
    for problem in start.notice:
        print(problem.format(relative_to=Path.cwd()), file=sys.stderr)
    deck = start.deck
    settings = settings_for(
        deck,
        local=local,
        mode=args.mode,
        language=args.lang,
        idle_timeout_s=args.idle_timeout,
        windowed=args.windowed,
        size=args.size,
        rotation=args.rotation,
        dev=args.dev,
        data_dir=args.data_dir,
        renderer=args.renderer,
    )
    return run_kiosk(deck, settings, deck_folder=args.deck, start=start, store=store)


def export(args: argparse.Namespace) -> int:
    deck = load_or_report(args.deck)
    if deck is None:
        return 1
    if args.lang and args.lang not in deck.languages:
        print(
            f"kiosk: `{args.lang}` is not one of the deck's languages ({', '.join(deck.languages)})",
            file=sys.stderr,
        )
        return 2
    from kiosk.core.program import Mode
    from kiosk.render.export import export as export_deck

    manifest = export_deck(
        deck,
        args.out,
        args.size,
        language=args.lang,
        mode=Mode(args.mode),
        theme=args.theme,
        large_text=args.large_text,
    )
    if args.staff:
        from kiosk.render.export import export_staff

        export_staff(deck, args.out, args.size)
    overflow = [line for screen in manifest["screens"] for line in screen["overflow"]]
    print(
        f"{len(manifest['screens'])} screens written to {args.out} ({args.size[0]}x{args.size[1]}, "
        f"{manifest['language']}, {args.mode})"
    )
    for line in overflow:
        print(f"warning: does not fit: {line}", file=sys.stderr)
    return 0


def validate(deck: Path, assets: Path) -> int:
    if not deck.is_dir():
        what = "there is no deck folder at" if not deck.exists() else "this is a file, not a deck folder:"
        print(f"kiosk: {what} {deck}; give the folder that holds deck.yaml", file=sys.stderr)
        return 1
    from kiosk.layout.validation import full_report
    from kiosk.render.painter import Fonts

    report = full_report(deck, fonts=Fonts(), assets=assets)
    here = Path.cwd()
    for problem in report.problems:
        print(problem.format(relative_to=here), file=sys.stderr if problem in report.errors else sys.stdout)
    if report.errors:
        print(
            f"{len(report.errors)} error(s), {len(report.warnings)} warning(s): the kiosk will not show "
            "this deck until the errors are fixed.",
            file=sys.stderr,
        )
        return 1
    assert report.deck is not None
    print(
        f"OK: {len(report.deck.slides)} slides, {sum(len(s.details) for s in report.deck.slides)} "
        f"details, languages {', '.join(report.deck.languages)}; {len(report.warnings)} warning(s)."
    )
    return 0


def schema(out: Path | None) -> int:
    from kiosk.content.schema import json_schemas

    schemas = json_schemas()
    if out is None:
        print(json.dumps(schemas, indent=2, ensure_ascii=False))
        return 0
    out.mkdir(parents=True, exist_ok=True)
    for name, body in schemas.items():
        (out / f"{name}.schema.json").write_text(
            json.dumps(body, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        print(out / f"{name}.schema.json")
    return 0


def stats_command(args: argparse.Namespace) -> int:
    import csv

    from kiosk.runtime.stats import DB_NAME, StatsUnreadable, default_data_dir, summarize

    path = (args.data_dir or default_data_dir()) / DB_NAME
    if not path.is_file():
        print(f"kiosk: no statistics yet at {path}; the kiosk creates it when it runs", file=sys.stderr)
        return 1
    try:
        summary = summarize(path, args.since)
    except StatsUnreadable as exc:
        print(f"kiosk: {exc}", file=sys.stderr)
        return 1
    empty = not (summary.topics or summary.sessions_per_day or summary.language_switches)
    if empty and not args.csv:  # a spreadsheet still gets the header rows
        since = f" since {args.since.isoformat()}" if args.since else ""
        print(f"kiosk: no statistics recorded{since} in {path}")
        return 0
    rows = [("slide", "detail", "impressions", "opens", "average seconds")]
    rows += [
        (
            t.slide,
            t.detail or "",
            str(t.impressions),
            str(t.opens),
            "" if t.average_dwell_s is None else f"{t.average_dwell_s:.1f}",
        )
        for t in summary.topics
    ]
    days = [("day", "sessions", "average seconds")] + [
        (day, str(n), f"{avg:.1f}") for day, n, avg in summary.sessions_per_day
    ]
    if args.csv:
        writer = csv.writer(sys.stdout)
        writer.writerows(rows)
        writer.writerow(())
        writer.writerows(days)
        return 0
    for table in (rows, days):
        widths = [max(len(row[i]) for row in table) for i in range(len(table[0]))]
        for row in table:
            print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())
        print()
    if summary.language_switches:
        print("language switches: " + ", ".join(f"{code} {n}" for code, n in summary.language_switches))
    return 0


def set_pin_command(args: argparse.Namespace) -> int:
    import getpass

    from kiosk.core.admin import hash_pin

    if args.stdin or not sys.stdin.isatty():
        # A pipe or a script: getpass would warn that it cannot hide the input, and ask twice.
        pin = sys.stdin.readline().strip()
    else:
        pin = getpass.getpass("New admin PIN (4-8 digits): ")
        if getpass.getpass("Again: ") != pin:
            print("kiosk: the two PINs differ; nothing was changed", file=sys.stderr)
            return 1
    if not (pin.isdigit() and 4 <= len(pin) <= 8):
        print("kiosk: the PIN must be 4 to 8 digits", file=sys.stderr)
        return 2
    print("# Put this line in the local settings file (/etc/kiosk/settings.yaml):")
    print(f"admin_pin_hash: {hash_pin(pin)}")
    return 0
