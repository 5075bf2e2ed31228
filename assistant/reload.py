"""Hot reload of config.toml on SIGHUP or when the file changes: the skills,
lists, confirmations and name matching switch over at once; a file with a
mistake is logged and the running configuration keeps serving."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Callable
from pathlib import Path

from .app import Assistant, device_lists, warn_unknown_devices
from .config import Config
from .errors import ConfigError
from .skills import SkillRunner, skill_sentences

_LOGGER = logging.getLogger(__name__)

_POLL_SECONDS = 2.0
_LIVE = ("skills", "lists", "intent")
"""What a reload changes at once; [homeassistant] confirm too."""
_RESTART = ("models", "audio", "wake", "vad", "stt", "llm", "tts", "mqtt", "devices",
            "metrics", "debug")  # fmt: skip


def apply_config(assistant: Assistant, cfg: Config) -> str:
    """Use the skills, lists, confirmations and name matching of ``cfg`` from
    now on; returns what changed."""
    old = assistant.cfg
    recognizer = assistant.recognizer
    recognizer.set_skills(
        skill_sentences(cfg.skills, cfg.lists, cfg.homeassistant.site_id),
        device_lists(cfg),
    )
    recognizer.fuzzy_threshold = cfg.intent.fuzzy_threshold
    handler = assistant.pipeline.handler
    handler.confirm = cfg.homeassistant.confirm
    handler.skills = SkillRunner(
        cfg.skills, assistant.registry, timers=assistant.timers, data_dir=cfg.data_dir
    )
    assistant.cfg = cfg
    warn_unknown_devices(cfg, assistant.registry)
    return summarize_changes(old, cfg)


def summarize_changes(old: Config, new: Config) -> str:
    before = {s.name: s for s in old.skills}
    after = {s.name: s for s in new.skills}
    parts = []
    for label, names in (
        ("added", [n for n in after if n not in before]),
        ("removed", [n for n in before if n not in after]),
        ("changed", [n for n in after if n in before and after[n] != before[n]]),
    ):
        if names:
            parts.append(f"skills {label}: {', '.join(names)}")
    lists = sorted(
        n for n in {*old.lists, *new.lists} if old.lists.get(n) != new.lists.get(n)
    )
    if lists:
        parts.append(f"lists changed: {', '.join(lists)}")
    if old.intent != new.intent:
        parts.append("[intent] changed")
    ha_old, ha_new = old.homeassistant, new.homeassistant
    confirm_old = (ha_old.confirm, ha_old.confirm_seconds)
    if confirm_old != (ha_new.confirm, ha_new.confirm_seconds):
        parts.append("confirmations changed")
    restart = [name for name in _RESTART if getattr(old, name) != getattr(new, name)]
    others = ("confirm", "confirm_seconds")
    if ha_old.model_copy(update=dict.fromkeys(others)) != ha_new.model_copy(
        update=dict.fromkeys(others)
    ):
        restart.append("homeassistant")
    summary = "; ".join(parts) or "no skill changes"
    if restart:
        summary += f" ([{'], ['.join(restart)}] change after a restart)"
    return summary


class ConfigWatcher:
    """Reloads ``path`` on SIGHUP and when its modification time changes."""

    def __init__(
        self, assistant: Assistant, path: Path, load: Callable[[], Config]
    ) -> None:
        self._assistant = assistant
        self._path = path
        self._load = load
        self._stamp = self._mtime()
        self._lock = asyncio.Lock()

    def _mtime(self) -> float | None:
        try:
            return self._path.stat().st_mtime_ns / 1e9
        except OSError:
            return None

    async def run(self) -> None:
        loop = asyncio.get_running_loop()
        loop.add_signal_handler(signal.SIGHUP, self._on_signal)
        try:
            while True:
                await asyncio.sleep(_POLL_SECONDS)
                stamp = self._mtime()
                if stamp is not None and stamp != self._stamp:
                    self._stamp = stamp
                    await self.reload("the file changed")
        finally:
            with contextlib.suppress(Exception):
                loop.remove_signal_handler(signal.SIGHUP)

    def _on_signal(self) -> None:
        self._stamp = self._mtime()
        task = asyncio.ensure_future(self.reload("SIGHUP"))
        task.add_done_callback(lambda t: t.exception())

    async def reload(self, why: str) -> bool:
        async with self._lock:
            try:
                cfg = await asyncio.to_thread(self._load)
            except ConfigError as err:
                _LOGGER.error(
                    "Config not reloaded (%s), the previous one keeps serving: %s",
                    why,
                    err.message,
                )
                return False
            try:
                summary = apply_config(self._assistant, cfg)
            except Exception:  # never leave the service without a config
                _LOGGER.exception("Config not reloaded (%s)", why)
                return False
            _LOGGER.info("Reloaded %s (%s): %s", self._path, why, summary)
            return True
