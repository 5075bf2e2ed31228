"""Per-device changes from ``[homeassistant.overrides]``: another name, another
room, more names, keyed by a name or by an entity id as the assistant or Home
Assistant makes it."""

from __future__ import annotations

from .config import Config
from .discovery import DiscoveryError, apply_overrides, names_of, slugify
from .errors import ConfigError
from .home.model import Domain, Entity


def ha_entity_ids(entity: Entity) -> tuple[str, ...]:
    """The entity ids Home Assistant may have given ``entity``: the assistant's
    own (an entity name that starts with its device's name is not prefixed with
    it again) and, for a named entity of a named device, the device name and the
    entity name joined, as a real HA 2024.3 made it ("TV" of device "TV" was
    ``switch.tv_tv``). A ``default_entity_id`` or ``object_id`` in the payload
    decides alone."""
    ids = [entity.entity_id]
    config = entity.config
    if not (config.get("default_entity_id") or config.get("object_id")):
        own, device = names_of(config)
        joined = slugify(f"{device} {own}") if own and device else ""
        if joined:
            ids.append(f"{entity.domain}.{joined}")
    return tuple(dict.fromkeys(ids))


class Overrides:
    """Per-device name/area/aliases from ``[homeassistant.overrides]``, keyed by
    an entity id (the assistant's or the one Home Assistant made, see
    ``ha_entity_ids``) or a name; called on each entity as it is learned."""

    def __init__(self, cfg: Config) -> None:
        self._table = {
            key.lower(): (key, value)
            for key, value in cfg.homeassistant.overrides.items()
        }
        self.matched: set[str] = set()
        """The override keys some entity matched."""
        probe = Entity("switch.probe", Domain.SWITCH, "Probe", None, {})
        for name, changes in cfg.homeassistant.overrides.items():
            try:
                apply_overrides(probe, changes, f"homeassistant.overrides.{name}")
            except DiscoveryError as err:
                raise ConfigError(
                    "config-invalid", f"{cfg.base_dir / 'config.toml'}: {err.message}"
                ) from None

    def __call__(self, entity: Entity) -> Entity:
        for key in (*ha_entity_ids(entity), entity.name):
            if key.lower() in self._table:
                name, changes = self._table[key.lower()]
                self.matched.add(name)
                return apply_overrides(
                    entity, changes, f"homeassistant.overrides.{name}"
                )
        return entity

    def unmatched(self) -> list[str]:
        return [name for name, _ in self._table.values() if name not in self.matched]


def overrides_adjuster(cfg: Config) -> Overrides:
    """The config's overrides; a bad value is a ConfigError naming the field."""
    return Overrides(cfg)
