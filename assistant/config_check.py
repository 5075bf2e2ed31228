"""`assistant config check`: every problem of a config file, one line each
(``file:line: field: message``), before anything is started."""

from __future__ import annotations

import logging
import re
import tomllib
from collections.abc import Callable
from pathlib import Path

from .config import Config, by_line, config_problems, load_config, problem_at
from .errors import ModelError, MqttError
from .models import ModelStore

_LOGGER = logging.getLogger(__name__)


def model_problems(cfg: Config, path: Path) -> list[str]:
    """The models the config names, each present and verified (sha256, cached):
    a missing models folder or file is a problem of the field that names it."""
    folder = cfg.models_dir
    if not folder.is_dir():
        default = "" if _in_file(path, "models", "dir") else " (the default)"
        return [
            problem_at(
                path,
                "models.dir",
                f"no folder {folder}{default}: run `assistant models fetch`",
            )
        ]
    try:
        store = ModelStore(
            folder, cfg.resolve(cfg.models.manifest) if cfg.models.manifest else None
        )
    except ModelError as err:
        return [problem_at(path, "models.manifest", err.message)]
    from .wake import WAKE_MODELS

    named: list[tuple[str, str]] = [("wake.model", WAKE_MODELS)]
    if not cfg.wake.model.endswith(".tflite"):
        named.append(("wake.model", ""))  # a name inside the wake word models
    named.append(("stt.model", cfg.stt.model))
    if cfg.stt.second_model:
        named.append(("stt.second_model", cfg.stt.second_model))
    named.append(("tts.voice", cfg.tts.voice))
    if cfg.llm.enabled:
        named.append(("llm.model", cfg.llm.model))
    problems: list[str] = []
    for field, name in named:
        if not name:
            wake = store.model_dir(WAKE_MODELS) / f"{cfg.wake.model}.tflite"
            if store.model_dir(WAKE_MODELS).is_dir() and not wake.exists():
                problems.append(problem_at(path, field, f"no wake word model {wake}"))
            continue
        given = cfg.resolve(name)
        if given.suffix in (".tflite", ".onnx", ".gguf") or given.is_dir():
            if not given.exists():
                problems.append(problem_at(path, field, f"no file {given}"))
            continue
        try:
            found = store.problems(name)
        except ModelError as err:
            problems.append(problem_at(path, field, err.message))
            continue
        if found:
            more = f" (+{len(found) - 1} more)" if len(found) > 1 else ""
            problems.append(
                problem_at(
                    path,
                    field,
                    f"model {name!r}: {found[0]}{more}; run `assistant models fetch`",
                )
            )
    return problems


def _in_file(path: Path, table: str, key: str) -> bool:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return key in data.get(table, {})


def defaults_note(path: Path, load: Callable[[], Config]) -> str | None:
    """For a file that sets nothing: what the defaults make of it."""
    try:
        if tomllib.loads(path.read_text(encoding="utf-8")):
            return None
    except (OSError, ValueError):
        return None
    cfg = load()
    return (
        f"{path}: sets nothing, so every default applies: models from "
        f"{cfg.models_dir}, broker {cfg.mqtt.host}:{cfg.mqtt.port}, wake word "
        f"{cfg.wake.model!r}, devices only from the broker's discovery, no skills"
    )


async def check(path: Path, load: Callable[[], Config] | None = None) -> list[str]:
    """Every problem of ``path``: syntax and fields first (all of them), then the
    models it names, then skill steps naming devices that neither [[devices]] nor
    the broker's discovery knows. ``load`` gives the config with command-line
    overrides (the broker's address)."""
    from .app import overrides_adjuster, registry_from_config, unknown_devices
    from .identity import one_shot_client_id
    from .mqtt import HomeAssistantMqtt

    problems = config_problems(path)
    if problems:
        return problems
    cfg = load() if load else load_config(path)
    problems = model_problems(cfg, path)
    adjust = overrides_adjuster(cfg)
    registry = registry_from_config(cfg, adjust)
    names_devices = any(step.device for skill in cfg.skills for step in skill.actions)
    if names_devices or cfg.homeassistant.overrides:
        mqtt = HomeAssistantMqtt(
            cfg.mqtt,
            registry,
            adjust=adjust,
            client_id=one_shot_client_id(cfg.mqtt.client_id, "config-check"),
        )
        try:
            await mqtt.start()
            await mqtt.stop()
        except MqttError as err:
            _LOGGER.warning("Device names not checked: %s", err.message)
            return by_line(problems, path)
    unknown = [problem_at(path, *p) for p in unknown_devices(cfg, registry)]
    unknown += [_unmatched_override(path, key) for key in adjust.unmatched()]
    return by_line(problems + unknown, path)


def _unmatched_override(path: Path, key: str) -> str:
    """``file:line: homeassistant.overrides."KEY": …`` at the override's own table
    (``[homeassistant.overrides."light.x"]``) or key (``"light.x" = {…}``)."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        lines = []
    quoted = re.escape(key), re.escape(f'"{key}"'), re.escape(f"'{key}'")
    either = "|".join(quoted)
    pattern = re.compile(
        rf"^\s*(\[\s*homeassistant\s*\.\s*overrides\s*\.\s*({either})\s*\]"
        rf"|({either})\s*=)"
    )
    line = next((n + 1 for n, text in enumerate(lines) if pattern.match(text)), None)
    where = f"{path}:{line}" if line else str(path)
    return (
        f'{where}: homeassistant.overrides."{key}": matches no device on the broker '
        "or in [[devices]] (by entity id, as the assistant or Home Assistant makes "
        "it, or by name; `assistant home` lists them)"
    )
