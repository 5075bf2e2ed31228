"""What the user taught this home: phrasings confirmed ("yes") or rejected ("no").

A small JSON file in the state directory, written atomically (a temporary file,
then a rename), so a crash or a power cut leaves the old file or the new one.
Nothing in it leaves the device; ``assistant memory list|forget`` show and remove.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ..files import write_json_atomic
from . import Intent

_LOGGER = logging.getLogger(__name__)

MEMORY_FILE = "learned.json"
_VERSION = 1


@dataclass(frozen=True)
class Learned:
    text: str
    """The normalized sentence as heard."""
    intent: str
    slots: dict[str, Any] = field(default_factory=dict)
    entity_ids: tuple[str, ...] = ()
    accepted: bool = True
    """True: "yes" (do it directly next time); False: "no" (never offer it again)."""
    at: float = 0.0

    def to_intent(self) -> Intent:
        return Intent(self.intent, dict(self.slots), self.text, self.entity_ids)

    def same_action(self, intent: Intent) -> bool:
        return intent.name == self.intent and intent.entity_ids == self.entity_ids


class Memory:
    """Learned phrasings, keyed by normalized text; one action per text."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._items: dict[str, Learned] = self._load() if path else {}

    def _load(self) -> dict[str, Learned]:
        assert self.path is not None
        try:
            data = json.loads(self.path.read_text("utf-8"))
            items = {
                str(e["text"]): Learned(
                    text=str(e["text"]),
                    intent=str(e["intent"]),
                    slots=dict(e.get("slots", {})),
                    entity_ids=tuple(e.get("entity_ids", ())),
                    accepted=bool(e.get("accepted", True)),
                    at=float(e.get("at", 0.0)),
                )
                for e in data.get("learned", [])
            }
        except FileNotFoundError:
            return {}
        except (OSError, ValueError, TypeError, KeyError, AttributeError) as err:
            _LOGGER.warning("%s: cannot read what was learned (%s); starting empty",
                            self.path, err)  # fmt: skip
            return {}
        return items

    def _save(self) -> None:
        if self.path is None:
            return
        data = {
            "version": _VERSION,
            "learned": [
                {**asdict(item), "entity_ids": list(item.entity_ids)}
                for item in sorted(self._items.values(), key=lambda i: i.at)
            ],
        }
        write_json_atomic(self.path, data)

    def lookup(self, text: str) -> Learned | None:
        return self._items.get(text)

    def learn(self, intent: Intent, text: str, accepted: bool) -> None:
        item = Learned(text, intent.name, dict(intent.slots), intent.entity_ids,
                       accepted, time.time())  # fmt: skip
        with self._lock:
            self._items[text] = item
            try:
                self._save()
            except OSError as err:
                _LOGGER.warning("%s: cannot save what was learned: %s", self.path, err)
        answer = "yes" if accepted else "no"
        ids = ", ".join(intent.entity_ids)
        _LOGGER.info("Learned %r -> %s %s (%s)", text, intent.name, ids, answer)

    def items(self) -> list[Learned]:
        return sorted(self._items.values(), key=lambda i: i.at)

    def forget(self, text: str | None = None) -> list[Learned]:
        """Remove the phrasing ``text`` (normalized), or everything with None."""
        with self._lock:
            if text is None:
                gone = list(self._items.values())
                self._items.clear()
            else:
                found = self._items.pop(text, None)
                gone = [found] if found else []
            if gone:
                self._save()
        return gone
