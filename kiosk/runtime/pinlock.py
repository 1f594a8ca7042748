"""The staff PIN lockout, kept in the data folder so that pulling the plug does not reset it.

`kiosk.core.admin.PinGuard` counts wrong PINs and holds the lock on the monotonic clock, which
starts again at every boot; on disk the lock is kept as wall-clock time and turned back into
"seconds left" when read. A wall clock that jumped cannot make the lock longer than its longest
step (MAX_LOCK_S), nor negative. The file holds two numbers and never a digit of any PIN.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path

from kiosk.core.admin import MAX_LOCK_S, PinGuard

log = logging.getLogger(__name__)

FILE_NAME = "pin-lockout.json"


@dataclass(frozen=True, slots=True, kw_only=True)
class PinLockFile:
    path: Path

    @classmethod
    def in_folder(cls, data_dir: Path) -> PinLockFile:
        return cls(path=data_dir / FILE_NAME)

    def load(self, now: float, wall_now_s: float) -> PinGuard:
        """The guard as it was saved; no guard (no lock, no misses) when there is no usable file."""
        try:
            saved = json.loads(self.path.read_text(encoding="utf-8"))
            failures = int(saved["failures"])
            locked_until_wall_s = float(saved["locked_until_unix_s"])
        except FileNotFoundError:
            return PinGuard()
        except (OSError, ValueError, KeyError, TypeError) as exc:
            log.warning("staff PIN: cannot read the lockout in %s (%s); starting without one", self.path, exc)
            return PinGuard()
        left_s = min(MAX_LOCK_S, locked_until_wall_s - wall_now_s)
        if left_s > 0:
            log.warning("staff PIN: still locked for %d s after %d wrong entries", round(left_s), failures)
        return PinGuard(max(0, failures), now + left_s if left_s > 0 else 0.0)

    def save(self, guard: PinGuard, now: float, wall_now_s: float) -> None:
        """Write the guard atomically (a power cut leaves the old file or the new one)."""
        locked_until = wall_now_s + (guard.locked_until - now) if guard.locked(now) else 0.0
        body = json.dumps({"failures": guard.failures, "locked_until_unix_s": round(locked_until, 3)})
        temporary = self.path.with_name(self.path.name + ".tmp")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with temporary.open("w", encoding="utf-8") as handle:
                handle.write(body + "\n")
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temporary, self.path)
        except OSError as exc:  # a full or read-only disk: the lock still holds until a restart
            log.warning("staff PIN: cannot save the lockout in %s (%s)", self.path, exc)
