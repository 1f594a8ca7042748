"""`kiosk` with optimisation prototypes installed first (see benchmarks/prototypes.py).

python -m benchmarks.patched_kiosk --patch blocking-wait [--patch fps30 ...] -- run --windowed ...
"""

from __future__ import annotations

import sys


def main() -> int:
    argv = sys.argv[1:]
    rest = argv[argv.index("--") + 1 :] if "--" in argv else []
    head = argv[: argv.index("--")] if "--" in argv else argv
    patches = [head[i + 1] for i, arg in enumerate(head) if arg == "--patch"]
    from benchmarks import prototypes

    prototypes.install(patches)
    from kiosk.cli import main as kiosk_main

    return kiosk_main(rest)


if __name__ == "__main__":
    sys.exit(main())
