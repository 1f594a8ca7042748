"""The hidden staff screen: a PIN pad, then status and tools. Pure, like the rest of the state.

Opening it takes a 5-second press in the top-left corner (a patient does not hold a blank corner
that long) and then the PIN from the local settings file, stored only as a salted PBKDF2 hash.
Three wrong PINs lock the pad for 30 s, doubling with each further miss up to 15 minutes; the
lock survives closing the pad and the idle reset (and, through kiosk.runtime.pinlock, a restart).
Wrong entries, locks and staff logins are logged (never the digits), so IT can see someone trying
PINs.

Exit kiosk asks first ("exit" screen): a single stray tap must not leave a black screen.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import math
import secrets
from dataclasses import dataclass, replace
from typing import Literal

from kiosk.core.actions import (
    AdminAction,
    AdminBack,
    AdminClose,
    AdminExit,
    AdminPage,
    AdminTestPattern,
    AdminTouchTest,
    PinClear,
    PinKey,
    PinOk,
)

PIN_ITERATIONS = 200_000
MAX_DIGITS = 8
FREE_TRIES = 3
LOCK_S = 30.0
MAX_LOCK_S = 900.0
MAX_MARKS = 20
HOLD_S = 5.0
CORNER = 0.08  # share of the short side: the square in the top-left corner that opens the pad

log = logging.getLogger(__name__)


def hash_pin(pin: str, *, salt: bytes | None = None, iterations: int = PIN_ITERATIONS) -> str:
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.pbkdf2_hmac("sha256", pin.encode(), salt, iterations)
    return f"pbkdf2_sha256${iterations}${salt.hex()}${digest.hex()}"


def verify_pin(pin: str, stored: str) -> bool:
    try:
        scheme, iterations, salt, digest = stored.split("$")
        if scheme != "pbkdf2_sha256":
            return False
        candidate = hashlib.pbkdf2_hmac("sha256", pin.encode(), bytes.fromhex(salt), int(iterations))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(candidate.hex(), digest)


@dataclass(frozen=True)
class PinGuard:
    failures: int = 0
    locked_until: float = 0.0

    def locked(self, now: float) -> bool:
        return now < self.locked_until

    def failed(self, now: float) -> PinGuard:
        failures = self.failures + 1
        if failures < FREE_TRIES:
            return PinGuard(failures, 0.0)
        lock = min(MAX_LOCK_S, LOCK_S * 2 ** (failures - FREE_TRIES))
        return PinGuard(failures, now + lock)


# "exit": the confirm step after Exit kiosk (Exit ends the kiosk, Stay goes back to "main").
AdminScreen = Literal["pin", "main", "touch", "pattern", "exit"]


@dataclass(frozen=True)
class AdminState:
    screen: AdminScreen
    digits: str = ""
    message: str = ""
    marks: tuple[tuple[int, int], ...] = ()
    list_first: int = 0  # the first entry shown in the main screen's problem list (paging)


def open_admin(pin_hash: str | None, dev: bool) -> AdminState | None:
    """What the gesture opens: the PIN pad, the admin screen itself (dev, no PIN), or nothing."""
    if pin_hash:
        return AdminState("pin")
    if dev:
        return AdminState("main")
    return None  # no PIN configured: the admin screen is off


def admin_action(
    admin: AdminState, guard: PinGuard, action: AdminAction, now: float, pin_hash: str | None
) -> tuple[AdminState | None, PinGuard]:
    """The staff screens' own answer to a button; reload and exit are effects (`kiosk.core.state`)."""
    if admin.screen == "pin":
        if isinstance(action, PinKey) and action.key.isdigit() and len(action.key) == 1:
            return replace(admin, digits=(admin.digits + action.key)[:MAX_DIGITS], message=""), guard
        if isinstance(action, PinClear):
            return replace(admin, digits="", message=""), guard
        if isinstance(action, PinOk):
            return _check_pin(admin, guard, now, pin_hash)
    if isinstance(action, AdminClose):
        return None, guard
    if isinstance(action, AdminTouchTest | AdminTestPattern) and admin.screen == "main":
        return AdminState("touch" if isinstance(action, AdminTouchTest) else "pattern"), guard
    if isinstance(action, AdminExit) and admin.screen == "main":
        return AdminState("exit", list_first=admin.list_first), guard
    if isinstance(action, AdminPage) and admin.screen == "main":
        return replace(admin, list_first=max(0, action.first)), guard
    if isinstance(action, AdminBack):
        if admin.screen in ("touch", "pattern", "exit"):
            return AdminState("main", list_first=admin.list_first), guard
        return None, guard
    return admin, guard


def _check_pin(
    admin: AdminState, guard: PinGuard, now: float, pin_hash: str | None
) -> tuple[AdminState | None, PinGuard]:
    if guard.locked(now):
        wait_s = math.ceil(guard.locked_until - now)
        log.warning("staff PIN: entry refused, the pad is locked for %d s more", wait_s)
        return replace(admin, digits="", message=f"Locked: try again in {wait_s} s"), guard
    if pin_hash and verify_pin(admin.digits, pin_hash):
        if guard.failures:
            log.warning("staff PIN: accepted after %d wrong entries; staff screen open", guard.failures)
        else:
            log.info("staff PIN: accepted; staff screen open")
        return AdminState("main"), PinGuard()
    guard = guard.failed(now)
    # Never the digits typed: a log line must not help anyone guess the PIN.
    if guard.locked(now):
        log.warning(
            "staff PIN: locked for %d s after %d wrong entries",
            round(guard.locked_until - now),
            guard.failures,
        )
    else:
        log.warning("staff PIN: wrong entry (%d of %d)", guard.failures, FREE_TRIES)
    message = (
        f"Wrong PIN. Locked for {round(guard.locked_until - now)} s" if guard.locked(now) else "Wrong PIN"
    )
    return replace(admin, digits="", message=message), guard


def touch_mark(admin: AdminState, x: float, y: float) -> AdminState:
    if admin.screen != "touch":
        return admin
    return replace(admin, marks=(admin.marks + ((round(x), round(y)),))[-MAX_MARKS:])


def in_corner(x: float, y: float, width: int, height: int) -> bool:
    side = min(width, height) * CORNER
    return x < side and y < side
