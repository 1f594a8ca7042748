"""The systemd notify protocol, in the few lines it takes (no new dependency).

systemd passes a datagram socket in $NOTIFY_SOCKET. We say READY=1 once the first frame is on
screen and WATCHDOG=1 from the frame loop, at most every half watchdog period; when the loop
hangs the pings stop and systemd restarts the kiosk (Restart=always, WatchdogSec=).
"""

from __future__ import annotations

import logging
import os
import socket

log = logging.getLogger(__name__)


class Notifier:
    def __init__(self, environ: dict[str, str] | None = None) -> None:
        env = os.environ if environ is None else environ
        self.address = env.get("NOTIFY_SOCKET") or None
        usec = env.get("WATCHDOG_USEC")
        # Ping at half the period systemd expects, as sd_notify(3) advises; 10 s without a setting.
        self.interval_s = int(usec) / 2_000_000 if usec and usec.isdigit() and int(usec) > 0 else 10.0
        self._last_ping = float("-inf")
        self._socket: socket.socket | None = None
        self._failed = False

    @property
    def enabled(self) -> bool:
        return self.address is not None

    def _send(self, message: str) -> None:
        if self.address is None:
            return
        address = self.address
        if address.startswith("@"):  # an abstract socket
            address = "\0" + address[1:]
        try:
            if self._socket is None:
                self._socket = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC)
            self._socket.sendto(message.encode(), address)
            self._failed = False
        except OSError as exc:
            if not self._failed:  # one line, not one per frame
                log.warning("cannot notify systemd at %s: %s", self.address, exc)
            self._failed = True

    def ready(self) -> None:
        self._send("READY=1")

    def ping(self, now: float) -> bool:
        """Send WATCHDOG=1 if half a period has passed since the last one; True when sent."""
        if self.address is None or now - self._last_ping < self.interval_s:
            return False
        self._last_ping = now
        self._send("WATCHDOG=1")
        return True

    def stopping(self) -> None:
        self._send("STOPPING=1")
