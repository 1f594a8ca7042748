"""The kiosk against a browser kiosk playing the same deck (issue 16): CPU and PSS, one run.

    .venv/bin/python -m benchmarks --vs-browser [--quick]     (through the runner)
    python -m benchmarks.browser html DECK OUT                 (only write the HTML slideshow)

`write_slideshow` turns a deck into a static folder: index.html, style.css, the deck's pictures
(SVG, copied), Atkinson Hyperlegible from assets/fonts through @font-face, and a few lines of
script that switch a class every slide's time; the crossfade itself is a CSS opacity transition of
the deck's `transition_s`. The same texts (the deck title, each slide's title, summary and topic
cards in the default language, the disclaimer), the same pictures (a slide's clip as a muted,
looping <video> with its captions, played while its slide is shown), the same per-slide times as
the kiosk's touch-mode loop (`build_program`), and no network.

`measure` plays it in Chromium's kiosk mode on one fresh Xvfb, then the kiosk itself (fullscreen,
`kiosk run`) on another, 1920x1080 both, one after the other. For each: CPU of the whole process
tree (utime + stime + the children's reaped time of every process descended from the one started,
from /proc/PID/stat) and of its X server, over the same window after the same warm-up; and the PSS
of the tree (the sum of /proc/PID/smaps_rollup Pss of every process in it) at the end of the window.
PSS splits pages shared between processes of one tree among them, so the sum counts each page once.

Chromium is Debian's package: `apt-get install -y chromium` (/usr/bin/chromium). Without it (or
without Xvfb) the comparison is skipped with a message saying so. It runs as root here, so it needs
`--no-sandbox`; the other switches keep it from reaching the network or updating itself.
"""

from __future__ import annotations

import html
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.common import CLK_TCK, REPO, XServer, child_env, cpu_seconds, stop
from kiosk.resources import FONTS_DIR

CHROMIUM_PATHS = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
INSTALL_LINE = "apt-get install -y chromium"
CHROMIUM_FLAGS = (
    "--no-sandbox",
    "--kiosk",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--window-position=0,0",
    "--window-size=1920,1080",
)
FONT_FILES = {"regular": "AtkinsonHyperlegible-Regular.ttf", "bold": "AtkinsonHyperlegible-Bold.ttf"}
# The kiosk's palette (kiosk/core/theme.py, the default theme), so both draw much the same screen.
COLOURS = {
    "background": "#f7f1ea",
    "ink": "#1d2b33",
    "teal": "#0d3b4c",
    "mute": "#4d5f69",
    "rose": "#b23a5e",
    "card": "#ffffff",
    "card_border": "#d9cabb",
    "dot": "#a9b7be",
}


# -- the HTML slideshow -----------------------------------------------------------------------------


def write_slideshow(deck_folder: Path, out: Path) -> dict:
    """The static slideshow of the deck in `deck_folder`, written to `out`; what it holds."""
    from kiosk.content.loader import load_deck
    from kiosk.core.program import Mode, build_program

    deck = load_deck(deck_folder)
    program = build_program(deck, Mode.TOUCH)
    language = deck.default_language
    out.mkdir(parents=True, exist_ok=True)
    (out / "pictures").mkdir(exist_ok=True)
    (out / "fonts").mkdir(exist_ok=True)
    for name in FONT_FILES.values():
        shutil.copyfile(FONTS_DIR / name, out / "fonts" / name)
    pictures: dict[Path, str] = {}
    sections = []
    for index, slide in enumerate(deck.slides):
        image = slide.image_for(language)
        picture = ""
        video = getattr(slide, "video", None)  # a clip plays in the picture's frame, muted, looping
        if video is not None:
            picture = _video(video, image, language, out, pictures)
        elif image is not None:
            if image.path not in pictures:
                name = f"{len(pictures):03d}-{image.path.name}"
                shutil.copyfile(image.path, out / "pictures" / name)
                pictures[image.path] = name
            alt = slide.alt.get(language) if slide.alt is not None else ""
            picture = f'<img class="picture" src="pictures/{pictures[image.path]}" alt="{html.escape(alt)}">'
        cards = "".join(
            f'<li class="card">{html.escape(detail.title.get(language))}</li>' for detail in slide.details
        )
        dots = "".join(
            f'<span class="dot{" on" if n == index else ""}"></span>' for n in range(len(deck.slides))
        )
        sections.append(
            f'<section class="slide{" on" if index == 0 else ""}" id="slide-{index}">\n'
            f'  <header class="bar">{html.escape(deck.title.get(language))}</header>\n'
            f'  <div class="body">\n'
            f'    <div class="words"><h1>{html.escape(slide.title.get(language))}</h1>\n'
            f"      <p>{html.escape(slide.summary.get(language))}</p>\n"
            f'      <ul class="cards">{cards}</ul></div>\n'
            f"    {picture}\n"
            f"  </div>\n"
            f'  <footer><span class="dots">{dots}</span>'
            f"<span>{html.escape(deck.disclaimer.get(language) if deck.disclaimer else '')}</span></footer>\n"
            f"</section>"
        )
    durations_ms = [round(program.duration_s(n, language) * 1000) for n in range(len(program.entries))]
    transition_s = deck.timing.transition_s
    (out / "style.css").write_text(_css(transition_s), encoding="utf-8")
    page = (
        "<!doctype html>\n"
        f'<html lang="{html.escape(language)}">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{html.escape(deck.title.get(language))}</title>\n"
        '<link rel="stylesheet" href="style.css">\n</head>\n<body>\n' + "\n".join(sections) + "\n<script>\n"
        f"const durations = {json.dumps(durations_ms)};\n"
        f"const TRANSITION_MS = {round(transition_s * 1000)};\n"
        "const slides = document.querySelectorAll('.slide');\n"
        "let shown = 0;\n"
        "function clips(n, play) {\n"
        "  for (const clip of slides[n].querySelectorAll('video')) {\n"
        "    if (play) { clip.currentTime = 0; clip.play(); } else { clip.pause(); }\n"
        "  }\n"
        "}\n"
        "function next() {\n"
        "  const before = shown;\n"
        "  slides[shown].classList.remove('on');\n"
        "  shown = (shown + 1) % slides.length;\n"
        "  slides[shown].classList.add('on');\n"
        "  clips(shown, true);\n"
        "  setTimeout(() => clips(before, false), TRANSITION_MS);\n"
        "  setTimeout(next, durations[shown]);\n"
        "}\n"
        "clips(0, true);\n"
        "setTimeout(next, durations[0]);\n"
        "</script>\n</body>\n</html>\n"
    )
    (out / "index.html").write_text(page, encoding="utf-8")
    return {
        "folder": str(out),
        "slides": len(deck.slides),
        "durations_ms": durations_ms,
        "transition_s": transition_s,
        "pictures": sorted(pictures.values()),
        "videos": sorted(path.name for path in (out / "videos").glob("*.mp4"))
        if (out / "videos").is_dir()
        else [],
    }


def _video(video, poster, language: str, out: Path, pictures: dict[Path, str]) -> str:
    """A <video> as the kiosk plays a clip: muted, looping, with the language's captions; the
    script plays it only while its slide is shown, as the kiosk does."""
    (out / "videos").mkdir(exist_ok=True)
    shutil.copyfile(video.path, out / "videos" / video.path.name)
    attributes = ""
    if poster is not None and poster.kind in ("svg", "png"):
        name = pictures.setdefault(poster.path, f"{len(pictures):03d}-{poster.path.name}")
        shutil.copyfile(poster.path, out / "pictures" / name)
        attributes = f' poster="pictures/{name}"'
    track = ""
    captions = [f for f in video.files if f.suffix == ".vtt" and f".{language}." in f.name]
    if captions:
        shutil.copyfile(captions[0], out / "videos" / captions[0].name)
        track = f'<track kind="captions" srclang="{language}" src="videos/{captions[0].name}" default>'
    return (
        f'<video class="picture" src="videos/{video.path.name}"{attributes} muted loop playsinline'
        f' preload="auto">{track}</video>'
    )


def _css(transition_s: float) -> str:
    c = COLOURS
    return f"""@font-face {{
  font-family: "Atkinson Hyperlegible";
  src: url("fonts/{FONT_FILES["regular"]}") format("truetype");
  font-weight: 400;
}}
@font-face {{
  font-family: "Atkinson Hyperlegible";
  src: url("fonts/{FONT_FILES["bold"]}") format("truetype");
  font-weight: 700;
}}
html, body {{ margin: 0; height: 100%; overflow: hidden; background: {c["background"]}; cursor: none; }}
body {{ font-family: "Atkinson Hyperlegible", sans-serif; color: {c["ink"]}; font-size: 3.4vh; }}
.slide {{
  position: absolute; inset: 0; display: flex; flex-direction: column; background: {c["background"]};
  opacity: 0; transition: opacity {transition_s}s ease-in-out;
}}
.slide.on {{ opacity: 1; }}
.bar {{ background: {c["teal"]}; color: #fff; font-weight: 700; padding: 2vh 4vw; font-size: 3vh; }}
.body {{ flex: 1; display: flex; gap: 4vw; padding: 5vh 5vw; min-height: 0; }}
.words {{ flex: 3; }}
h1 {{ font-size: 7vh; margin: 0 0 3vh; color: {c["teal"]}; }}
p {{ font-size: 4.2vh; line-height: 1.35; margin: 0 0 4vh; }}
.cards {{ list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: 2vh; }}
.card {{
  background: {c["card"]}; border: 0.3vh solid {c["card_border"]}; border-radius: 1.5vh;
  padding: 2vh 3vh; font-weight: 700; color: {c["teal"]};
}}
.picture {{ flex: 2; min-width: 0; max-height: 70vh; object-fit: contain; }}
footer {{ display: flex; justify-content: space-between; padding: 2vh 5vw; color: {c["mute"]}; }}
.dot {{ display: inline-block; width: 1.4vh; height: 1.4vh; border-radius: 50%;
  background: {c["dot"]}; margin-right: 1vh; }}
.dot.on {{ background: {c["rose"]}; }}
"""


# -- /proc: a process tree ----------------------------------------------------------------------------


def _stat(pid: int) -> list[str] | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text[text.rindex(")") + 2 :].split()


def tree(root: int) -> list[int]:
    """`root` and every live process descended from it."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            fields = _stat(int(entry.name))
            if fields is not None:
                children.setdefault(int(fields[1]), []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo += children.get(pid, [])
    return found


def tree_cpu_s(root: int) -> float:
    """CPU seconds of the tree: each live process's own time plus that of its children it reaped."""
    total = 0
    for pid in tree(root):
        fields = _stat(pid)
        if fields is not None:  # fields 14-17 of proc(5): utime stime cutime cstime
            total += sum(int(fields[i]) for i in (11, 12, 13, 14))
    return total / CLK_TCK


def tree_pss_kib(root: int) -> tuple[int, int]:
    """(sum of Pss over the tree in KiB, number of processes read)."""
    total, count = 0, 0
    for pid in tree(root):
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1])
                    count += 1
                    break
        except OSError:
            continue  # gone in between
    return total, count


def chromium() -> str | None:
    found = shutil.which("chromium") or next((p for p in CHROMIUM_PATHS if Path(p).exists()), None)
    return found


def skip_reason() -> str | None:
    """Why the comparison cannot run here, or None."""
    if shutil.which("Xvfb") is None:
        return "Xvfb is not installed (apt-get install -y xvfb)"
    if chromium() is None:
        return f"Chromium is not installed: the browser comparison needs it ({INSTALL_LINE})"
    return None


# -- one player -------------------------------------------------------------------------------------


def play(
    command: list[str], env: dict[str, str], server: XServer, log: Path, *, warmup_s: float, window_s: float
) -> dict:
    """Start `command` in `server`, wait `warmup_s`, and measure its tree and the server for
    `window_s`."""
    with open(log, "ab") as out:
        proc = subprocess.Popen(command, env=env, cwd=REPO, stdout=out, stderr=subprocess.STDOUT)
    try:
        time.sleep(warmup_s)
        if proc.poll() is not None:
            raise RuntimeError(
                f"{command[0]} exited {proc.returncode}:\n{log.read_text(errors='replace')[-2000:]}"
            )
        assert server.pid is not None
        cpu0, x0, t0 = tree_cpu_s(proc.pid), cpu_seconds(server.pid), time.monotonic()
        time.sleep(window_s)
        cpu1, x1, t1 = tree_cpu_s(proc.pid), cpu_seconds(server.pid), time.monotonic()
        pss_kib, processes = tree_pss_kib(proc.pid)
        if proc.poll() is not None:
            raise RuntimeError(
                f"{command[0]} exited during the window:\n{log.read_text(errors='replace')[-2000:]}"
            )
    finally:
        _stop_tree(proc)
    wall = t1 - t0
    return {
        "window_s": round(wall, 2),
        "cpu_pct": round(100 * (cpu1 - cpu0) / wall, 3),
        "xserver_cpu_pct": round(100 * (x1 - x0) / wall, 3),
        "cpu_with_x_pct": round(100 * ((cpu1 - cpu0) + (x1 - x0)) / wall, 3),
        "pss_mib": round(pss_kib / 1024, 1),
        "processes": processes,
    }


def _stop_tree(proc: subprocess.Popen) -> None:
    """Stop the process we started and whatever it started (Chromium's zygote and renderers)."""
    import os
    import signal

    members = tree(proc.pid)
    stop(proc)
    for pid in members[1:]:
        try:
            os.kill(pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass


def measure(work: Path, *, warmup_s: float = 15.0, window_s: float = 60.0) -> dict:
    """The kiosk and Chromium, each on its own fresh Xvfb, one after the other (see the docstring)."""
    from benchmarks.common import deck_copy
    from benchmarks.process_cpu import LOOP_TIMING

    deck = work / "browser-deck"
    if not deck.exists():
        deck_copy(deck, **LOOP_TIMING)
    site = work / "slideshow"
    shown = write_slideshow(deck, site)
    browser_binary = chromium()
    assert browser_binary is not None
    profile = Path(tempfile.mkdtemp(prefix="chromium-profile-", dir=work))
    with XServer(1920, 1080, work / "xvfb-browser.log") as server:
        env = child_env("xvfb", server.display)
        browser = play(
            [browser_binary, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", (site / "index.html").as_uri()],
            env,
            server,
            work / "chromium.log",
            warmup_s=warmup_s,
            window_s=window_s,
        )
    shutil.rmtree(profile, ignore_errors=True)
    with XServer(1920, 1080, work / "xvfb-kiosk.log") as server:
        env = child_env("xvfb", server.display)
        kiosk = play(
            [sys.executable, "-m", "kiosk", "run", "--deck", str(deck)],
            env,
            server,
            work / "kiosk-vs-browser.log",
            warmup_s=warmup_s,
            window_s=window_s,
        )
    return {
        "chromium": browser_binary,
        "chromium_version": _version(browser_binary),
        "slideshow": {k: v for k, v in shown.items() if k != "folder"},
        "warmup_s": warmup_s,
        "browser": browser,
        "kiosk": kiosk,
        "cpu_ratio": round(kiosk["cpu_with_x_pct"] / browser["cpu_with_x_pct"], 3)
        if browser["cpu_with_x_pct"]
        else None,
        "pss_ratio": round(kiosk["pss_mib"] / browser["pss_mib"], 3) if browser["pss_mib"] else None,
    }


def _version(binary: str) -> str:
    try:
        done = subprocess.run([binary, "--version"], capture_output=True, text=True, timeout=30)
        return done.stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"


if __name__ == "__main__":  # python -m benchmarks.browser html DECK OUT
    if sys.argv[1:2] == ["html"] and len(sys.argv) == 4:
        print(json.dumps(write_slideshow(Path(sys.argv[2]), Path(sys.argv[3])), indent=2))
    else:
        print(__doc__)
