"""`assistant home`: the devices the assistant knows, as it knows them (from
config.toml and from Home Assistant's MQTT discovery on the broker), with what it
can do with each and the last state it heard."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from .config import Config
from .home.domains import supports
from .home.model import Operation
from .home.registry import DeviceRegistry


def home_rows(registry: DeviceRegistry) -> list[dict[str, Any]]:
    """One row per entity, sorted by room and name."""
    rows = []
    for entity in registry.entities():
        state = asdict(registry.state(entity.entity_id))
        state.pop("availability", None)
        rows.append(
            {
                "name": entity.name,
                "entity_id": entity.entity_id,
                "room": entity.area,
                "domain": str(entity.domain),
                "aliases": list(entity.aliases),
                "can": [str(op) for op in Operation if supports(entity, op)],
                "available": registry.is_available(entity.entity_id),
                "state": {k: v for k, v in state.items() if v is not None},
                "source": entity.source,
                "command_topic": entity.config.get("command_topic"),
            }
        )
    return sorted(rows, key=lambda r: ((r["room"] or "").lower(), r["name"].lower()))


def _state_text(state: dict[str, Any]) -> str:
    main = state.get("state")
    rest = [f"{k}={v}" for k, v in state.items() if k not in ("state", "unit")]
    text = "" if main is None else str(main)
    if rest:
        text = f"{text} ({', '.join(rest)})".strip()
    return text or "unknown"


def home_table(rows: list[dict[str, Any]]) -> str:
    if not rows:
        return "No devices: none in config.toml and none announced on the broker."
    header = ("NAME", "ROOM", "DOMAIN", "CAN", "AVAILABLE", "STATE", "SOURCE")
    lines = [header] + [
        (
            r["name"],
            r["room"] or "-",
            r["domain"],
            ",".join(r["can"]) or "-",
            "yes" if r["available"] else "no",
            _state_text(r["state"]),
            r["source"],
        )
        for r in rows
    ]
    widths = [max(len(line[i]) for line in lines) for i in range(len(header) - 1)]
    return "\n".join(
        "  ".join(f"{cell:<{w}}" for cell, w in zip(line, widths, strict=False))
        + "  "
        + line[-1]
        for line in lines
    )


async def list_home(cfg: Config, as_json: bool) -> str:
    """Connect (a client id of its own), learn the devices and their retained
    states, disconnect; the listing."""
    from .app import overrides_adjuster, registry_from_config
    from .eval_snapshot import own_discovery_topics
    from .identity import one_shot_client_id
    from .mqtt import HomeAssistantMqtt

    adjust = overrides_adjuster(cfg)
    registry = registry_from_config(cfg, adjust)
    mqtt = HomeAssistantMqtt(
        cfg.mqtt,
        registry,
        adjust=adjust,
        client_id=one_shot_client_id(cfg.mqtt.client_id, "home"),
    )
    mqtt.ignored_topics.update(own_discovery_topics(cfg))  # the assistant itself
    await mqtt.start()
    await mqtt.stop()
    rows = home_rows(registry)
    return json.dumps(rows, indent=1) if as_json else home_table(rows)
