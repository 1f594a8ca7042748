"""Lockdown and privacy: in kiosk mode nothing a visitor can press exits, SIGTERM exits cleanly,
the kiosk opens no network socket, YAML is only ever safe-loaded, and a run writes nothing but
the anonymous statistics database.

The subprocess tests start the real command once (`kiosk.cli.main(["run", "--windowed", ...])`,
what `python -m kiosk run` calls, with SDL's dummy video driver), with HOME and every XDG folder
pointing into an empty temporary folder; a thread in that process taps the screen, presses the
keys and sends the window-close events; the test looks at its sockets in /proc, then stops it
with SIGTERM.
"""

from __future__ import annotations

import ast
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pygame
import pytest
import yaml

from kiosk.content.loader import DEFAULT_ASSETS, check_deck
from kiosk.runtime.app import Kiosk
from kiosk.runtime.settings import Settings

REPO = Path(__file__).resolve().parent.parent
KIOSK = REPO / "kiosk"
START_TIMEOUT_S = 60

INET_TABLES = ("tcp", "tcp6", "udp", "udp6", "udplite", "udplite6", "raw", "raw6")
UNIX_LISTENING = 0x00010000  # __SO_ACCEPTCON in /proc/net/unix's Flags column


# -- looking at a process's sockets --------------------------------------------------------------


def socket_inodes(pid: int) -> set[int]:
    """The inodes of every socket the process holds (its /proc/<pid>/fd/* links say socket:[N])."""
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:  # closed meanwhile
            continue
        match = re.fullmatch(r"socket:\[(\d+)\]", target)
        if match:
            inodes.add(int(match.group(1)))
    return inodes


def inet_sockets(pid: int) -> list[str]:
    """Every IPv4/IPv6 socket (TCP, UDP, raw) the process owns, as `table local remote state`."""
    owned = socket_inodes(pid)
    found = []
    for table in INET_TABLES:
        path = Path(f"/proc/{pid}/net/{table}")
        if not path.exists():
            continue
        for line in path.read_text().splitlines()[1:]:
            fields = line.split()
            if len(fields) > 9 and int(fields[9]) in owned:
                found.append(f"{table} {fields[1]} {fields[2]} st={fields[3]}")
    return found


def unix_sockets(pid: int) -> list[tuple[int, str, bool]]:
    """(inode, path, listening) of every UNIX socket the process owns."""
    owned = socket_inodes(pid)
    found = []
    for line in Path(f"/proc/{pid}/net/unix").read_text().splitlines()[1:]:
        fields = line.split()
        if len(fields) >= 7 and int(fields[6]) in owned:
            found.append(
                (
                    int(fields[6]),
                    fields[7] if len(fields) > 7 else "",
                    bool(int(fields[3], 16) & UNIX_LISTENING),
                )
            )
    return found


pytestmark = pytest.mark.skipif(
    not Path("/proc/self/net/tcp").exists(), reason="needs Linux's /proc/<pid>/net"
)


def test_socket_inspection_sees_sockets_it_should():
    """The control: the same inspection finds a listening TCP socket, a UDP socket and a listening
    UNIX socket in this process, so an empty answer for the kiosk means something."""
    with (
        socket.socket(socket.AF_INET, socket.SOCK_STREAM) as tcp,
        socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp,
        socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as unix,
    ):
        tcp.bind(("127.0.0.1", 0))
        tcp.listen()
        udp.bind(("127.0.0.1", 0))
        unix.bind(f"\0kiosk-lockdown-test-{os.getpid()}")
        unix.listen()
        found = inet_sockets(os.getpid())
        assert any(entry.startswith("tcp ") and entry.endswith("st=0A") for entry in found), (
            found
        )  # 0A: LISTEN
        assert any(entry.startswith("udp ") for entry in found), found
        assert any(listening for _, _, listening in unix_sockets(os.getpid()))


# -- (a) keys and window events, in this process ----------------------------------------------------


class _Bound(BaseException):
    """Ends Kiosk.run after a number of iterations (a BaseException: run() survives Exceptions)."""


def drive(kiosk: Kiosk, events: list[pygame.event.Event], iterations: int = 12) -> tuple[list[int], bool]:
    """Post `events`, run the real loop; returns (event types handled, whether run() returned)."""
    handled: list[int] = []
    real_handle, real_tick = kiosk.handle_event, kiosk.tick
    ticks = 0

    def handle_event(event: pygame.event.Event) -> None:
        handled.append(event.type)
        real_handle(event)

    def tick() -> bool:
        nonlocal ticks
        ticks += 1
        if ticks > iterations:
            raise _Bound()
        return real_tick()

    kiosk.handle_event, kiosk.tick = handle_event, tick
    kiosk.sleep_s = lambda: 0.01  # the loop would otherwise wait up to a second per turn
    pygame.event.clear()
    for event in events:
        pygame.event.post(event)
    try:
        kiosk.run()
    except _Bound:
        return handled, False
    return handled, True


def exit_attempts() -> list[pygame.event.Event]:
    def key(k: int, mod: int = 0, char: str = "") -> pygame.event.Event:
        return pygame.event.Event(pygame.KEYDOWN, key=k, mod=mod, unicode=char, scancode=0)

    return [
        key(pygame.K_ESCAPE, char="\x1b"),
        key(pygame.K_F4, pygame.KMOD_LALT),  # Alt+F4
        key(pygame.K_F4, pygame.KMOD_RALT),
        key(pygame.K_q, pygame.KMOD_LCTRL, "\x11"),  # Ctrl+Q
        key(pygame.K_w, pygame.KMOD_LCTRL, "\x17"),  # Ctrl+W
        key(pygame.K_c, pygame.KMOD_LCTRL, "\x03"),  # Ctrl+C
        pygame.event.Event(
            pygame.WINDOWCLOSE
        ),  # the window manager's close request (what Alt+F4 becomes on X11)
        pygame.event.Event(pygame.QUIT),  # SDL's quit request (after the close, or SIGINT)
    ]


@pytest.fixture()
def display():
    pygame.display.init()
    pygame.font.init()
    return pygame.display.set_mode((640, 360))


def test_kiosk_mode_ignores_escape_alt_f4_and_window_close(deck, display):
    kiosk = Kiosk(deck, Settings(dev=False), display)
    events = exit_attempts()
    handled, returned = drive(kiosk, events)
    assert not returned and kiosk.running
    assert sorted(handled) == sorted(event.type for event in events)  # every one reached the kiosk
    assert kiosk.frames >= 1


@pytest.mark.parametrize("event", exit_attempts()[6:], ids=["window-close", "quit"])
def test_kiosk_mode_ignores_each_close_request_on_its_own(deck, display, event):
    kiosk = Kiosk(deck, Settings(dev=False), display)
    _, returned = drive(kiosk, [event])
    assert not returned and kiosk.running


def test_dev_mode_escape_exits(deck, display):
    kiosk = Kiosk(deck, Settings(dev=True), display)
    escape = pygame.event.Event(pygame.KEYDOWN, key=pygame.K_ESCAPE, mod=0, unicode="\x1b", scancode=41)
    handled, returned = drive(kiosk, [escape])
    assert returned and not kiosk.running
    assert handled == [pygame.KEYDOWN]


def test_dev_mode_window_close_exits(deck, display):
    kiosk = Kiosk(deck, Settings(dev=True), display)
    _, returned = drive(kiosk, [pygame.event.Event(pygame.QUIT)])
    assert returned and not kiosk.running


# -- (b), (c), (e): the real command, once -----------------------------------------------------------

# Runs `kiosk run` in this process after starting a thread that taps the screen and tries every
# way out, as a visitor (or a passer-by with a USB keyboard) could; then writes POKED_FILE.
POKER = textwrap.dedent(
    """
    import os, sys, threading, time
    import pygame

    def poke():
        while not (pygame.display.get_init() and pygame.display.get_surface()):
            time.sleep(0.05)
        time.sleep(0.3)
        Event = pygame.event.Event
        for x, y in ((0.25, 0.72), (0.5, 0.5), (0.25, 0.72), (0.9, 0.1)):
            for kind in (pygame.FINGERDOWN, pygame.FINGERUP):
                pygame.event.post(
                    Event(kind, touch_id=1, finger_id=0, x=x, y=y, dx=0.0, dy=0.0, pressure=1.0)
                )
                time.sleep(0.1)
            time.sleep(0.3)
        key = lambda k, mod=0: Event(pygame.KEYDOWN, key=k, mod=mod, unicode="", scancode=0)
        for event in (
            key(pygame.K_ESCAPE),
            key(pygame.K_F4, pygame.KMOD_LALT),
            Event(pygame.WINDOWCLOSE),
            Event(pygame.QUIT),
        ):
            pygame.event.post(event)
            time.sleep(0.1)
        time.sleep(0.5)
        open(os.environ["POKED_FILE"], "w").close()

    threading.Thread(target=poke, daemon=True).start()
    from kiosk.cli import main
    sys.exit(main(["run", "--windowed", "--size", "640x360"]))
    """
)


def _wait_for(path: Path, process: subprocess.Popen, timeout_s: float) -> None:
    end = time.monotonic() + timeout_s
    while not path.exists():
        if process.poll() is not None:
            raise AssertionError(
                f"the kiosk exited ({process.returncode}) before {path.name}: {process.stderr.read()}"
            )
        if time.monotonic() > end:
            raise AssertionError(f"no {path.name} within {timeout_s} s")
        time.sleep(0.05)


@pytest.fixture(scope="module")
def kiosk_run(tmp_path_factory) -> dict:
    root = tmp_path_factory.mktemp("lockdown")
    private = {
        name: root / name for name in ("home", "data", "config", "cache", "state", "runtime", "tmp", "cwd")
    }
    for folder in private.values():
        folder.mkdir(mode=0o700)
    signals = root / "signals"
    signals.mkdir()
    env = {
        **{
            k: v
            for k, v in os.environ.items()
            if not k.startswith("XDG_") and k not in ("NOTIFY_SOCKET", "WATCHDOG_USEC")
        },
        "SDL_VIDEODRIVER": "dummy",
        "SDL_AUDIODRIVER": "dummy",
        "PYTHONPATH": str(REPO),
        "PYTHONDONTWRITEBYTECODE": "1",
        "HOME": str(private["home"]),
        "XDG_DATA_HOME": str(private["data"]),
        "XDG_CONFIG_HOME": str(private["config"]),
        "XDG_CACHE_HOME": str(private["cache"]),
        "XDG_STATE_HOME": str(private["state"]),
        "XDG_RUNTIME_DIR": str(private["runtime"]),
        "TMPDIR": str(private["tmp"]),
        "KIOSK_FIRST_FRAME_FILE": str(signals / "first-frame"),
        "POKED_FILE": str(signals / "poked"),
    }
    process = subprocess.Popen(
        [sys.executable, "-c", POKER],
        cwd=private["cwd"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        _wait_for(signals / "first-frame", process, START_TIMEOUT_S)
        _wait_for(signals / "poked", process, 30)
        time.sleep(0.5)  # time to act on the last event, if it were going to
        alive_after_pokes = process.poll() is None
        observed = (
            {"inet": inet_sockets(process.pid), "unix": unix_sockets(process.pid)}
            if alive_after_pokes
            else {}
        )
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=15)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    return {
        "alive_after_pokes": alive_after_pokes,
        "returncode": process.returncode,
        "stdout": out,
        "stderr": err,
        "private": private,
        **observed,
    }


def test_no_key_or_window_event_ends_the_real_kiosk(kiosk_run):
    assert kiosk_run["alive_after_pokes"], kiosk_run["stderr"][-2000:]
    # The taps did reach it: the first opens a topic card (counted in the anonymous statistics).
    database = kiosk_run["private"]["data"] / "kiosk" / "stats.sqlite3"
    assert database.is_file(), f"no statistics at {database}: {kiosk_run['stderr'][-2000:]}"
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as connection:
        kinds = {kind for (kind,) in connection.execute("SELECT kind FROM events")}
    assert kinds & {"open", "language"}, f"no tap reached the kiosk (recorded: {kinds})"


def test_sigterm_exits_cleanly_with_code_0(kiosk_run):
    # 0: it stopped by itself (still running 15 s after SIGTERM, the fixture would have failed).
    # How long it took depends on the machine's load; that figure belongs to benchmarks, not here.
    assert kiosk_run["returncode"] == 0, kiosk_run["stderr"][-2000:]
    assert "Traceback" not in kiosk_run["stderr"]


def test_the_kiosk_has_no_network_socket(kiosk_run):
    """No TCP, UDP or raw socket at all (so none listening, and no connection made); UNIX sockets
    (a display server, the systemd notify socket) are fine, as long as none listens."""
    assert kiosk_run["alive_after_pokes"]
    assert kiosk_run["inet"] == []
    assert [entry for entry in kiosk_run["unix"] if entry[2]] == []


def test_a_run_writes_nothing_but_the_statistics_database(kiosk_run):
    """HOME, the XDG folders, TMPDIR and the working folder stay empty, except the anonymous
    statistics (docs/security.md): SQLite files in a `kiosk` data folder."""
    written = []
    for name, folder in kiosk_run["private"].items():
        for path in sorted(folder.rglob("*")):
            if path.is_dir():
                continue
            relative = path.relative_to(folder)
            statistics = name in ("data", "home") and path.parent.name == "kiosk" and ".sqlite3" in path.name
            if not statistics:
                written.append(f"{name}/{relative}")
    assert written == []


# -- (c), (d): what the code may do at all ------------------------------------------------------------

NETWORK_MODULES = {
    "urllib.request",
    "http.client",
    "http.server",
    "requests",
    "socketserver",
    "httpx",
    "urllib3",
    "aiohttp",
    "ftplib",
    "smtplib",
    "xmlrpc.client",
    "xmlrpc.server",
    "websockets",
}


def imported_modules(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names |= {f"{node.module}.{alias.name}" for alias in node.names}
    return names


def test_no_module_imports_a_network_client_or_server():
    found = {
        path.name: sorted(imported_modules(path) & NETWORK_MODULES) for path in sorted(KIOSK.rglob("*.py"))
    }
    assert {name: modules for name, modules in found.items() if modules} == {}


def test_only_the_watchdog_uses_sockets():
    users = sorted(path.name for path in KIOSK.rglob("*.py") if "socket" in imported_modules(path))
    assert users == ["watchdog.py"]
    # ...and only a UNIX datagram socket, to systemd's notify socket.
    calls = re.findall(
        r"socket\.socket\(([^)]*)\)", (KIOSK / "runtime" / "watchdog.py").read_text(encoding="utf-8")
    )
    assert calls and all("AF_UNIX" in call for call in calls), calls


UNSAFE_YAML = (
    "yaml.load(",
    "yaml.load_all(",
    "yaml.full_load",
    "yaml.unsafe_load",
    "Loader=yaml.Loader",
    "FullLoader",
    "UnsafeLoader",
    "CLoader",
    "yaml.Loader)",
    "add_constructor",
    "add_multi_constructor",
)


def test_yaml_is_only_safe_loaded():
    found = [
        f"{path.name}: {needle}"
        for path in sorted(KIOSK.rglob("*.py"))
        for needle in UNSAFE_YAML
        if needle in path.read_text(encoding="utf-8")
    ]
    assert found == []
    loaders = re.findall(
        r"Loader=([\w.]+)", "\n".join(path.read_text(encoding="utf-8") for path in KIOSK.rglob("*.py"))
    )
    assert loaders and set(loaders) <= {"yaml.SafeLoader", "loader"}
    # `loader` is kiosk.content.document._compose's: PyYAML's SafeLoader, or libyaml's CSafeLoader.
    from kiosk.content import document

    assert document.FAST_LOADER in (None, getattr(yaml, "CSafeLoader", None))
    source = (KIOSK / "content" / "document.py").read_text(encoding="utf-8")
    passed = re.findall(r"_compose\(file, text, ([\w.]+)\)", source)
    assert passed and set(passed) == {"yaml.SafeLoader", "FAST_LOADER"}


def test_the_deck_cannot_name_a_command(tmp_path):
    """Only the local settings file (IT's) may name on_sleep/on_wake; in a deck they are refused."""
    deck = tmp_path / "deck"
    deck.mkdir()
    (deck / "deck.yaml").write_text(
        "title: Guide\nlanguages: [en]\nslides:\n  - one\non_sleep: rm -rf /\n", encoding="utf-8"
    )
    (deck / "one.yaml").write_text(
        "id: one\ntitle: One\nsummary: Short.\nreviewed_by: Dr. Lee\non_wake: reboot\n", encoding="utf-8"
    )
    errors = [p.format(relative_to=deck) for p in check_deck(deck, assets=DEFAULT_ASSETS).errors]
    assert [e.split(": ", 1)[0] for e in errors] == ["deck.yaml:5:1", "one.yaml:5:1"]
    assert all("unknown key" in e for e in errors), errors
