"""Settings changed while the service runs (mute, wake word threshold), kept across
restarts in ``controls.json`` in the state directory.

A microphone muted from Home Assistant (or by SIGUSR1) stays muted after a restart:
for a privacy switch, anything else would be a surprise. Which value wins: the
later change. Each saved value remembers the config.toml value it replaced; while
config.toml still says that, the saved value holds. Once config.toml says
something else (the user edited it since), config.toml wins and the saved value
is dropped.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

from .files import write_json_atomic

_LOGGER = logging.getLogger(__name__)

CONTROLS_FILE = "controls.json"


class SavedControls:
    def __init__(self, path: Path | None) -> None:
        """``path`` None: nothing is kept (one-shot commands, tests)."""
        self._path = path
        self._saved: dict[str, dict[str, Any]] = self._load()

    def _load(self) -> dict[str, dict[str, Any]]:
        if self._path is None or not self._path.exists():
            return {}
        try:
            data = json.loads(self._path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as err:
            _LOGGER.warning("Ignoring %s: %s", self._path, err)
            return {}
        if not isinstance(data, dict):
            _LOGGER.warning("Ignoring %s: not a JSON object", self._path)
            return {}
        return {
            key: entry
            for key, entry in data.items()
            if isinstance(entry, dict) and {"value", "config"} <= entry.keys()
        }

    def value(self, key: str, configured: Any) -> Any:
        """The saved value of ``key``, or ``configured`` where there is none or
        config.toml changed since it was saved."""
        entry = self._saved.get(key)
        if entry is None:
            return configured
        if entry["config"] != configured or type(entry["value"]) is not type(
            configured
        ):
            _LOGGER.info(
                "config.toml changed %s since it was set at run time: %r holds",
                key, configured,
            )  # fmt: skip
            del self._saved[key]
            self._write()
            return configured
        _LOGGER.info("%s: %r (set at run time; config.toml says %r)",
                     key, entry["value"], configured)  # fmt: skip
        return entry["value"]

    def save(self, key: str, value: Any, configured: Any) -> None:
        if value == configured:
            self._saved.pop(key, None)
        else:
            self._saved[key] = {"value": value, "config": configured}
        self._write()

    def _write(self) -> None:
        if self._path is None:
            return
        try:
            write_json_atomic(self._path, self._saved)
        except OSError as err:
            _LOGGER.error("Cannot keep %s for the next start: %s", self._path, err)
