"""A list kept in a small local JSON file (the shopping list): every change is
written to a temporary file and renamed over the old one, so a crash or power
cut leaves either the old list or the new one, never half of one."""

from __future__ import annotations

import json
import logging
import threading
from pathlib import Path

from .errors import CapabilityError
from .files import write_json_atomic

_LOGGER = logging.getLogger(__name__)


class ItemList:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()

    def items(self) -> list[str]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return []
        except (OSError, ValueError) as err:
            raise CapabilityError(
                "list-unreadable", f"{self.path}: cannot read the list: {err}"
            ) from None
        if not isinstance(data, dict) or not isinstance(data.get("items"), list):
            raise CapabilityError(
                "list-unreadable", f'{self.path}: not a list file (no "items" list)'
            )
        return [str(item) for item in data["items"]]

    def has(self, item: str) -> bool:
        return _key(item) in {_key(i) for i in self.items()}

    def add(self, item: str) -> bool:
        """False if it was already there."""
        with self._lock:
            items = self.items()
            if _key(item) in {_key(i) for i in items}:
                return False
            self._write([*items, item])
            return True

    def remove(self, item: str) -> bool:
        with self._lock:
            items = self.items()
            kept = [i for i in items if _key(i) != _key(item)]
            if len(kept) == len(items):
                return False
            self._write(kept)
            return True

    def clear(self) -> int:
        with self._lock:
            count = len(self.items())
            self._write([])
            return count

    def _write(self, items: list[str]) -> None:
        try:
            write_json_atomic(self.path, {"items": items})
        except OSError as err:
            raise CapabilityError(
                "list-unwritable", f"{self.path}: cannot save the list: {err}"
            ) from None
        _LOGGER.info("%s: %d item(s)", self.path.name, len(items))


def _key(item: str) -> str:
    return " ".join(item.lower().split())
