"""MQTT client ids: one per process.

A broker keeps one connection per client id and closes the older one when a new
client connects with the same id. Were `assistant text` to connect as the running
service, the broker would drop the service and its last will would mark the Home
Assistant device unavailable. So every process connects under an id of its own:

- the service: ``<mqtt.client_id>-<host>``, stable across restarts (broker logs and
  ACLs can name it). A second service with the same data directory on the same
  host finds the first one's lock taken and adds its process id;
- one-shot commands (`text`, `process`, `config check`, `skills test`, `eval`):
  ``<mqtt.client_id>-<command>-<random>``.
"""

from __future__ import annotations

import logging
import os
import re
import secrets
import socket
from pathlib import Path
from typing import IO

_LOGGER = logging.getLogger(__name__)

LOCK_FILE = "service.lock"
_MAX_ID = 64
"""Below MQTT 3.1's 23-byte advice no broker still enforces; Mosquitto takes 65535."""


def _part(text: str) -> str:
    return re.sub(r"[^a-zA-Z0-9_-]+", "-", text).strip("-") or "x"


def one_shot_client_id(base: str, command: str) -> str:
    """A fresh id for a command that connects, does its work and leaves."""
    return f"{base}-{_part(command)}-{secrets.token_hex(3)}"[-_MAX_ID:]


class ServiceIdentity:
    """The service's client id, with the lock that keeps it to one process."""

    def __init__(self, base: str, data_dir: Path) -> None:
        self._lock: IO[str] | None = None
        host = _part(socket.gethostname().split(".")[0])
        self.client_id = f"{base}-{host}"[:_MAX_ID]
        self.duplicate = not self._take(data_dir / LOCK_FILE)
        if self.duplicate:
            self.client_id = f"{self.client_id[: _MAX_ID - 8]}-{os.getpid()}"

    def _take(self, path: Path) -> bool:
        """False when another process holds the lock (unlocked on exit, even a
        crash: the kernel drops it with the process)."""
        import fcntl

        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            handle = path.open("a", encoding="utf-8")
        except OSError as err:
            _LOGGER.warning("Cannot lock %s (%s)", path, err)
            return True
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            return False
        self._lock = handle
        return True

    def release(self) -> None:
        if self._lock is not None:
            self._lock.close()
            self._lock = None
