"""Home Assistant MQTT discovery: topics, validation, naming and config overrides.

Config topics look like ``<prefix>/<component>/[<node_id>/]<object_id>/config``.
The component ``device`` marks a device-based message: one payload whose
``components`` each describe an entity (see ``entities_from_discovery``).
"""

from __future__ import annotations

import copy
import dataclasses
import json
import logging
import re
from collections.abc import Mapping
from typing import Any

from .abbreviations import ABBREVIATIONS as ABBREVIATIONS
from .abbreviations import DEVICE_ABBREVIATIONS as DEVICE_ABBREVIATIONS
from .abbreviations import ORIGIN_ABBREVIATIONS as ORIGIN_ABBREVIATIONS
from .abbreviations import apply_base, expand_abbreviations
from .abbreviations import expand_config as expand_config
from .errors import AssistantError
from .home.domains import DOMAINS
from .home.model import Domain, Entity
from .templates import validate_template

_LOGGER = logging.getLogger(__name__)

DEFAULT_PREFIX = "homeassistant"
DEVICE = "device"
SUPPORTED_COMPONENTS: frozenset[str] = frozenset(domain.value for domain in Domain)
# Options at the top of a device-based message that every component inherits
# unless it sets them itself (HA's discovery.py). ``device`` and ``origin`` always
# come from the top; a top-level "~" is the base topic of components without one.
_SHARED = """availability availability_mode availability_template availability_topic
command_topic encoding payload_available payload_not_available qos state_topic"""
SHARED_OPTIONS: tuple[str, ...] = tuple(_SHARED.split())
# One-word entity names too common to be useful as an alias on their own:
# "Desk Power" is not also "Power".
_GENERIC = """battery contact current door energy fan humidity illuminance lamp light
lock motion occupancy power pressure relay sensor state status switch temperature
voltage"""
_GENERIC_NAMES = frozenset(_GENERIC.split())

_TOPIC_RE = re.compile(
    r"(?P<component>\w+)/(?:(?P<node_id>[a-zA-Z0-9_-]+)/)?"
    r"(?P<object_id>[a-zA-Z0-9_-]+)/config"
)
# Topics a component can't work without: at least one of each tuple.
_REQUIRED: dict[str, tuple[str, ...]] = {
    str(domain): spec.required for domain, spec in DOMAINS.items()
}
_WHITE_RANGE = ("min_mireds", "max_mireds", "min_kelvin", "max_kelvin")
_POSITIVE = ("brightness_scale", "precision", "temp_step", "speed_range_min")
_NUMBERS = (
    *_POSITIVE,
    *_WHITE_RANGE,
    "min_temp",
    "max_temp",
    "speed_range_max",
    "position_open",
    "position_closed",
)
_TABLE_ONLY = ("component", "area", "aliases")


class DiscoveryError(AssistantError):
    """A discovery payload or a declared device can't be used."""

    def __init__(self, message: str) -> None:
        super().__init__("bad-discovery", message)


def discovery_subscription(prefix: str = DEFAULT_PREFIX) -> list[str]:
    """Topic filters matching every discovery config topic (device-based too)."""
    return [f"{prefix}/+/+/config", f"{prefix}/+/+/+/config"]


def parse_discovery_topic(
    topic: str, prefix: str = DEFAULT_PREFIX
) -> tuple[str, str | None, str] | None:
    """Split a config topic into (component, node_id, object_id), else None.

    The component is ``"device"`` for a device-based discovery topic.
    """
    if not topic.startswith(f"{prefix}/"):
        return None
    match = _TOPIC_RE.fullmatch(topic[len(prefix) + 1 :])
    if match is None:
        return None
    return match["component"], match["node_id"], match["object_id"]


def _availability(config: Mapping[str, Any]) -> list[Any]:
    entries = config.get("availability")
    return entries if isinstance(entries, list) else []


def _topics(config: Mapping[str, Any]) -> list[tuple[str, Any]]:
    found = [(key, value) for key, value in config.items() if key.endswith("_topic")]
    for i, entry in enumerate(_availability(config)):
        if isinstance(entry, Mapping):
            found.append((f"availability[{i}].topic", entry.get("topic")))
    return found


def _problem(component: str, config: Mapping[str, Any]) -> tuple[str, str] | None:
    """The first thing that makes ``config`` unusable, as (key, what is wrong)."""
    for key, value in _topics(config):
        if error := topic_problem(value):
            return key, error
    required = _REQUIRED[component]
    if not any(config.get(key) for key in required):
        what = component.replace("_", " ")
        if len(required) > 1:
            what += f" (or {' or '.join(required[1:])})"
        return required[0], f"required for a {what}"
    schema = config.get("schema", "default")
    if component == "light" and schema not in ("default", "basic", "json"):
        return "schema", f"light schema '{schema}' is not supported"
    if not isinstance(config.get("device", {}), Mapping):
        return "device", "must be an object"
    if config.get("availability_mode", "latest") not in ("latest", "all", "any"):
        return "availability_mode", "must be latest, all or any"
    return _value_problem(config)


MAX_TOPIC_BYTES = 65_535
"""MQTT's limit on a topic's length in UTF-8."""


def topic_problem(value: Any) -> str | None:
    """What makes ``value`` unusable as a topic to publish or subscribe to (no
    wildcards: one device's topics are exact), or None."""
    if not isinstance(value, str) or not value:
        return "must be a non-empty string"
    try:
        size = len(value.encode("utf-8"))
    except UnicodeEncodeError:
        return "is not valid UTF-8 (a lone surrogate)"
    if size > MAX_TOPIC_BYTES:
        return f"is {size} bytes long; MQTT allows {MAX_TOPIC_BYTES}"
    if "\0" in value:
        return "contains a NUL character"
    if "+" in value or "#" in value:
        return f"'{value[:80]}' contains an MQTT wildcard"
    return None


def _template_problem(value: Any) -> str | None:
    return validate_template(value) if isinstance(value, str) else "must be a string"


def _value_problem(config: Mapping[str, Any]) -> tuple[str, str] | None:
    for key in _NUMBERS:
        value = config.get(key, 1)
        if isinstance(value, bool) or not isinstance(value, int | float):
            return key, "must be a number"
        if not -_HUGE < value < _HUGE:
            return key, f"{value} is out of range"
        if key in ("precision", "temp_step") and value < 0.01:
            return key, "must be at least 0.01"
        if value <= 0 and key in (*_POSITIVE, *_WHITE_RANGE):
            return key, "must be greater than 0"
    for low, high in (("min_temp", "max_temp"), ("speed_range_min", "speed_range_max")):
        if config.get(low, -1e9) >= config.get(high, 1e9):
            return high, f"must be greater than {low}"
    if config.get("position_open", 100) == config.get("position_closed", 0):
        return "position_open", "must differ from position_closed"
    for key in ("modes", "supported_color_modes"):
        value = config.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            return key, "must be a list of strings"
    for key, value in config.items():
        if key.endswith("_template") and (error := _template_problem(value)):
            return key, error
    for i, entry in enumerate(_availability(config)):
        template = entry.get("value_template") if isinstance(entry, Mapping) else None
        if template is not None and (error := _template_problem(template)):
            return f"availability[{i}].value_template", error
    return None


def names_of(config: Mapping[str, Any]) -> tuple[str, str]:
    """The entity's own name and its device's name ("" when not given)."""
    device = config.get("device")
    device_name = device.get("name") if isinstance(device, Mapping) else None
    device_name = device_name.strip() if isinstance(device_name, str) else ""
    raw = config.get("name")
    return (str(raw).strip() if raw is not None else ""), device_name


def _friendly_name(name: str, device_name: str) -> str:
    """HA's friendly name: device name + entity name ("" when neither is given)."""
    if name and device_name and not name.lower().startswith(device_name.lower()):
        return f"{device_name} {name}"
    return name or device_name


def _alias(name: str, friendly: str) -> tuple[str, ...]:
    """The entity's own name as an alias of a combined name, unless too generic."""
    if not name or name == friendly:
        return ()
    generic = len(name.split()) == 1 and name.lower() in _GENERIC_NAMES
    return () if generic else (name,)


def _area(config: Mapping[str, Any]) -> str | None:
    device = config.get("device")
    area = device.get("suggested_area") if isinstance(device, Mapping) else None
    return (area.strip() or None) if isinstance(area, str) else None


def slugify(text: str) -> str:
    """Lower case, each run of non-alphanumerics one "_", none at either end."""
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")


def _entity_id(component: str, config: Mapping[str, Any], *names: str) -> str:
    """``<component>.<slug>``, as HA makes it.

    The slug comes from the payload's ``default_entity_id`` (any leading
    ``<component>.`` removed) or ``object_id``, else from the first of ``names``
    that gives a non-empty slug.
    """
    wanted = config.get("default_entity_id")
    if isinstance(wanted, str) and wanted:
        wanted = wanted.removeprefix(f"{component}.")
    else:
        wanted = config.get("object_id")
    candidates = (wanted if isinstance(wanted, str) else "", *names)
    slug = next((s for s in map(slugify, candidates) if s), "unnamed")
    return f"{component}.{slug}"


def _entity(
    component: str, config: dict[str, Any], source: str, topic_id: str, fallback: str
) -> Entity:
    """The entity a validated discovery config describes."""
    own_name, device_name = names_of(config)
    friendly = _friendly_name(own_name, device_name)
    return Entity(
        entity_id=_entity_id(component, config, friendly, topic_id),
        domain=Domain(component),
        name=friendly or fallback.replace("_", " ").strip().title(),
        area=_area(config),
        config=config,
        # "Hallway Switch Hallway Light" can also be called "Hallway Light"
        aliases=_alias(own_name, friendly),
        source=source,
    )


def _parse(topic: str, prefix: str) -> tuple[str, str | None, str]:
    parsed = parse_discovery_topic(topic, prefix)
    if parsed is None:
        raise DiscoveryError(f"{topic}: not a discovery config topic")
    return parsed


MAX_PAYLOAD_BYTES = 256 * 1024
"""A discovery config beyond this is refused unread (real ones are a few KB)."""
MAX_DEPTH = 16
"""Objects and lists nested deeper than this are refused."""
_HUGE = 1e12
"""Numbers in a config must be finite and smaller than this."""


def _load(topic: str, payload: bytes) -> dict[str, Any]:
    if len(payload) > MAX_PAYLOAD_BYTES:
        raise DiscoveryError(
            f"{topic}: payload is {len(payload)} bytes; at most {MAX_PAYLOAD_BYTES}"
        )
    try:
        data = json.loads(payload, parse_constant=_no_constant)
    except (ValueError, RecursionError) as err:
        raise DiscoveryError(f"{topic}: invalid JSON ({err})") from None
    if not isinstance(data, dict):
        raise DiscoveryError(f"{topic}: payload is not a JSON object")
    if _depth(data) > MAX_DEPTH:
        raise DiscoveryError(f"{topic}: nested more than {MAX_DEPTH} levels deep")
    return data


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _depth(data: Any) -> int:
    """How deeply ``data`` nests objects and lists (without recursion)."""
    deepest, stack = 0, [(data, 1)]
    while stack:
        value, level = stack.pop()
        if isinstance(value, dict | list):
            deepest = max(deepest, level)
            if level <= MAX_DEPTH:
                items = value.values() if isinstance(value, dict) else value
                stack.extend((item, level + 1) for item in items)
    return deepest


def entity_from_discovery(
    topic: str, payload: bytes, prefix: str = DEFAULT_PREFIX
) -> Entity | None:
    """Build the entity a single-component discovery message describes.

    An empty payload means the entity was deleted: this returns None and the
    caller should call ``DeviceRegistry.remove_by_source(topic)``.
    Raises DiscoveryError (naming the topic) when the message is unusable, and
    for a device-based topic, which needs ``entities_from_discovery``.
    """
    component, node_id, object_id = _parse(topic, prefix)
    if component == DEVICE:
        raise DiscoveryError(
            f"{topic}: a device discovery message (use entities_from_discovery)"
        )
    if not payload:
        _LOGGER.debug("Discovery config on %s was deleted", topic)
        return None
    if component not in SUPPORTED_COMPONENTS:
        raise DiscoveryError(f"{topic}: unsupported component '{component}'")
    config = expand_config(_load(topic, payload))
    if problem := _problem(component, config):
        raise DiscoveryError(f"{topic}: {problem[0]}: {problem[1]}")
    topic_id = f"{node_id}_{object_id}" if node_id else object_id
    return _entity(component, config, topic, topic_id, object_id)


def entities_from_discovery(
    topic: str, payload: bytes, prefix: str = DEFAULT_PREFIX
) -> list[Entity] | None:
    """Every entity a discovery message describes, in either form.

    A device-based message gives one entity per usable component, each with the
    source ``<topic>#<component_id>``; a component that can't be used (or whose
    platform isn't supported) is skipped with a warning. None means the payload
    is empty: everything from ``topic`` is gone (``DeviceRegistry.remove_by_topic``).
    Pass a list to ``DeviceRegistry.replace_topic``, which also drops components
    left out of a new announcement. Raises DiscoveryError (naming the topic) when
    the message as a whole is unusable.
    """
    component, node_id, object_id = _parse(topic, prefix)
    if component != DEVICE:
        entity = entity_from_discovery(topic, payload, prefix)
        return None if entity is None else [entity]
    if not payload:
        _LOGGER.debug("Device discovery config on %s was deleted", topic)
        return None
    shared = expand_abbreviations(_load(topic, payload))
    for key in ("device", "components"):
        if not isinstance(shared.get(key), Mapping):
            raise DiscoveryError(f"{topic}: {key}: required (an object)")
    topic_id = f"{node_id}_{object_id}" if node_id else object_id
    entities = []
    for component_id, raw in shared["components"].items():
        try:
            entity = _component(topic, shared, str(component_id), raw, topic_id)
        except DiscoveryError as err:
            _LOGGER.warning(
                "Skipping component %s of %s: %s", component_id, topic, err.message
            )
            continue
        if entity is not None:
            entities.append(entity)
    return entities


def _component(
    topic: str, shared: Mapping[str, Any], component_id: str, raw: Any, topic_id: str
) -> Entity | None:
    """One component of a device-based message; None when it only names a platform
    (HA's way of removing it)."""
    if not isinstance(raw, Mapping):
        raise DiscoveryError("must be an object")
    config = expand_abbreviations(raw)
    platform = config.pop("platform", None)
    if not config:
        return None
    if not isinstance(platform, str) or not platform:
        raise DiscoveryError("platform: required")
    if platform not in SUPPORTED_COMPONENTS:
        raise DiscoveryError(f"platform: unsupported component '{platform}'")
    own = ("availability", "availability_topic")  # HA allows one form, not both
    inherit = [
        key for key in SHARED_OPTIONS if key not in own or not config.keys() & own
    ]
    for key in inherit:
        if key in shared and key not in config:
            config[key] = copy.deepcopy(shared[key])
    config["device"] = shared["device"]
    if "origin" in shared:
        config["origin"] = shared["origin"]
    base = config.pop("~", shared.get("~"))
    if isinstance(base, str):
        apply_base(config, base)
    if problem := _problem(platform, config):
        raise DiscoveryError(f"{problem[0]}: {problem[1]}")
    source = f"{topic}#{component_id}"
    return _entity(platform, config, source, f"{topic_id}_{component_id}", component_id)


def entity_from_table(table: Mapping[str, Any], where: str) -> Entity:
    """Build an entity declared in config.toml (``where`` names it in errors)."""
    component = table.get("component")
    if not isinstance(component, str) or not component:
        raise DiscoveryError(f"{where}.component: required")
    if component not in SUPPORTED_COMPONENTS:
        raise DiscoveryError(f"{where}.component: unknown component '{component}'")
    name = table.get("name")
    if not isinstance(name, str) or not name.strip():
        raise DiscoveryError(f"{where}.name: required")
    area = table.get("area")
    if area is not None and not isinstance(area, str):
        raise DiscoveryError(f"{where}.area: must be a string")
    aliases = _strings(table.get("aliases", ()), f"{where}.aliases")
    config = expand_config({k: v for k, v in table.items() if k not in _TABLE_ONLY})
    if problem := _problem(component, config):
        raise DiscoveryError(f"{where}.{problem[0]}: {problem[1]}")
    return Entity(
        entity_id=_entity_id(component, config, name),
        domain=Domain(component),
        name=name.strip(),
        area=(area or "").strip() or _area(config),
        config=config,
        aliases=aliases,
        source="config",
    )


def _strings(value: Any, where: str) -> tuple[str, ...]:
    """A list of strings, stripped, blanks dropped; DiscoveryError otherwise."""
    if not isinstance(value, list | tuple) or not all(
        isinstance(item, str) for item in value
    ):
        raise DiscoveryError(f"{where}: must be a list of strings")
    return tuple(item.strip() for item in value if item.strip())


def apply_overrides(
    entity: Entity, overrides: Mapping[str, Any], where: str = "overrides"
) -> Entity:
    """``entity`` with the ``name``, ``area`` and ``aliases`` config.toml gives it.

    ``name`` replaces the spoken name (the entity_id stays), ``area`` the room
    ("" for none), and ``aliases`` are added to the entity's own (duplicates and
    the name itself dropped, ignoring case). Other keys (what the caller matched
    on) are ignored. Raises DiscoveryError, naming ``where``, for a bad value.
    """
    changes: dict[str, Any] = {}
    if "name" in overrides:
        name = overrides["name"]
        if not isinstance(name, str) or not name.strip():
            raise DiscoveryError(f"{where}.name: must be a non-empty string")
        changes["name"] = name.strip()
    if "area" in overrides:
        area = overrides["area"]
        if area is not None and not isinstance(area, str):
            raise DiscoveryError(f"{where}.area: must be a string")
        changes["area"] = (area or "").strip() or None
    extra = _strings(overrides.get("aliases", ()), f"{where}.aliases")
    seen = {changes.get("name", entity.name).casefold()}
    aliases = []
    for alias in (*entity.aliases, *extra):
        if alias.casefold() not in seen:
            seen.add(alias.casefold())
            aliases.append(alias)
    return dataclasses.replace(entity, aliases=tuple(aliases), **changes)
