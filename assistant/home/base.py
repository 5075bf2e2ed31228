"""What every domain module provides (:class:`DomainSpec`), and the pieces the
domains share: building MQTT commands the way Home Assistant's MQTT platforms do,
and reading state payloads."""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..errors import CapabilityError
from ..templates import render_template
from .model import Command, Domain, Entity, EntityState, Operation, config_number
from .spoken import format_number, join_words, spoken_name, upper_first

__all__ = [
    "Builder",
    "Change",
    "DomainSpec",
    "Handlers",
    "Parser",
]

_LOGGER = logging.getLogger(__name__)

Builder = Callable[[Entity, Operation, Any], list[Command]]
"""The messages an operation (with its value) becomes; raises CapabilityError."""
Parser = Callable[[Entity, EntityState, str], None]
"""Reads one state payload into the entity's state; raises ValueError."""
Handlers = tuple[tuple[str, tuple[str, ...], Parser], ...]
"""(state topic key, its value template keys, parser) for each state topic."""
Change = tuple[str, tuple[str, ...], Any]
"""(EntityState field, the topics that report it, the value an operation implies)."""


@dataclass(frozen=True)
class DomainSpec:
    """Everything about one Home Assistant MQTT domain."""

    domain: Domain
    required: tuple[str, ...]
    """Discovery keys of which at least one must be set (the first is named in
    the error)."""
    build: Builder
    handlers: Callable[[Entity], Handlers]
    implied: Callable[[Entity, Operation, Any], list[Change]]
    """What a published operation makes of the state (optimistic entities)."""
    describe: Callable[[Entity, EntityState], str]
    """A short spoken sentence about a known state (``state.state`` may be None)."""
    nouns: tuple[str, ...]
    """Generic words for a device of the domain ("lamp", "blinds"): a sentence
    naming one is about such a device, and one the home lacks is refused."""
    prompt: str
    """How a device is named in Whisper's bias prompt ("Turn on the {name}.";
    "{option}": the first of its options)."""
    plural: str
    """The domain's devices in a reply ("the lights in the kitchen")."""
    samples: Mapping[Operation, Any]
    """A valid value for each operation of the domain that takes one."""
    llm_actions: tuple[tuple[str, str], ...] = ()
    """(action phrase the LLM scores, intent name) for paraphrases; none: the LLM
    never acts on the domain's devices."""
    llm_example: tuple[str, str] | None = None
    """A worked example in the LLM's prompt: (what was said, its action phrase)."""
    record: tuple[str, ...] = ()
    """Commands ``assistant eval --record`` offers to say for such a device
    ("close the {name}", "set the {name} to {option}" with its first option,
    "... to {value}" with its least value); none: it offers none."""
    verbs: Mapping[Operation, str] = field(default_factory=dict)
    """How a reply says an operation, where not as the intent does ("Activating"
    a scene for HassTurnOn)."""
    is_state: Callable[[Entity, EntityState, str], bool] = lambda e, s, asked: (
        s.state == asked
    )
    """Whether the state is the one asked about ("open": a window sensor on)."""
    options: Callable[[Entity], tuple[str, ...]] = lambda entity: ()
    """The modes, presets, speeds or options the entity can be set to ("eco"),
    as configured: the words a sentence may choose from."""
    on_first: tuple[Operation, ...] = ()
    """Operations that turn a device known to be off on first (HA's humidifier
    intents: ``humidifier/intent.py``)."""
    everything: bool = False
    """Switched with "turn off everything in the bedroom"."""
    aliases: Mapping[Operation, Operation] = field(default_factory=dict)
    """Operations done as another ("turn on" a valve opens it): the other is
    built, asked about and reported."""
    confirm: tuple[str, ...] = ()
    """Operations asked about before they are done, by default (``[homeassistant]
    confirm`` rules without the domain: "unlock", "open:garage")."""


# --- Building commands ----------------------------------------------------------

VERBS = {
    Operation.TURN_ON: "turn on",
    Operation.TURN_OFF: "turn off",
    Operation.SET_BRIGHTNESS: "dim",
    Operation.SET_COLOR: "change the colour of",
    Operation.SET_TEMPERATURE: "set the temperature of",
    Operation.SET_HVAC_MODE: "change the mode of",
    Operation.OPEN: "open",
    Operation.CLOSE: "close",
    Operation.STOP: "stop",
    Operation.LOCK: "lock",
    Operation.UNLOCK: "unlock",
    Operation.SET_POSITION: "set the position of",
    Operation.SET_COLOR_TEMP: "change the white tone of",
}


def payload(cfg: Mapping[str, Any], key: str, default: str) -> str | None:
    """A configured payload; None when the config sets it to null explicitly."""
    if key in cfg and cfg[key] is None:
        return None
    return str(cfg.get(key, default))


def unsupported(entity: Entity, op: Operation) -> CapabilityError:
    verb = VERBS.get(op, op.replace("_", " "))
    return CapabilityError("unsupported", f"I can't {verb} {spoken_name(entity)}.")


def refuse(entity: Entity, what: str) -> CapabilityError:
    return CapabilityError("unsupported", f"{upper_first(spoken_name(entity))} {what}.")


def command(entity: Entity, topic_key: str, text: str) -> Command:
    topic = entity.config.get(topic_key)
    if not isinstance(topic, str) or not topic:
        raise CapabilityError("unsupported", f"I can't control {spoken_name(entity)}.")
    return Command(topic, text, bool(entity.config.get("retain", False)))


def render(entity: Entity, key: str | None, value: Any, **extra: Any) -> str:
    """``value`` through the entity's template ``key`` (as is without one)."""
    source = entity.config.get(key) if key else None
    if not isinstance(source, str) or not source:
        return str(value)
    try:
        variables = {"value": value, "entity_id": entity.entity_id, **extra}
        return render_template(source, variables)
    except Exception as err:
        _LOGGER.warning("%s of %s failed: %s", key, entity.entity_id, err)
        msg = f"I couldn't work out the command for {spoken_name(entity)}."
        raise CapabilityError("template-error", msg) from err


def percent(entity: Entity, value: Any) -> int:
    if (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and 0 <= value <= 100
    ):
        return round(value)
    msg = f"I can only set {spoken_name(entity)} between 0 and 100 percent."
    raise CapabilityError("out-of-range", msg)


def color(value: Any) -> tuple[int, int, int]:
    if (
        isinstance(value, Sequence)
        and not isinstance(value, str)
        and len(value) == 3
        and all(
            isinstance(c, int) and not isinstance(c, bool) and 0 <= c <= 255
            for c in value
        )
    ):
        return (value[0], value[1], value[2])
    raise CapabilityError("bad-value", "That isn't a colour I can use.")


def to_position(cfg: Mapping[str, Any], pct: int) -> int:
    """Percent open as the device's position, scaled to ``position_closed``..
    ``position_open`` (HA's covers and valves)."""
    closed = config_number(cfg, "position_closed", 0)
    opened = config_number(cfg, "position_open", 100)
    return round(closed + (opened - closed) * pct / 100)


def from_position(cfg: Mapping[str, Any], text: str) -> int:
    """A reported position as percent open, rounded and clamped as HA does."""
    closed = config_number(cfg, "position_closed", 0)
    opened = config_number(cfg, "position_open", 100)
    return max(0, min(100, int((float(text) - closed) * 100 // (opened - closed))))


def spoken_option(text: str) -> str:
    """An option as it is said: "Heat_Pump" -> "heat pump"."""
    return " ".join(str(text).replace("_", " ").replace("-", " ").lower().split())


def choose(entity: Entity, options: Sequence[str], value: Any, what: str) -> str:
    """The configured option ``value`` names ("heat pump" for "heat_pump");
    CapabilityError naming the options when it names none."""
    the = upper_first(spoken_name(entity))
    if not options:
        raise CapabilityError("unsupported", f"{the} has no {what}s.")
    wanted = spoken_option(str(value))
    for option in options:
        if spoken_option(option) == wanted:
            return option
    listed = join_words([spoken_option(o) for o in options])
    msg = f"{the} has no {what} {wanted}; it has {listed}."
    raise CapabilityError("bad-value", msg)


def on_off_payload(cfg: Mapping[str, Any], on: bool) -> str:
    key, default = ("payload_on", "ON") if on else ("payload_off", "OFF")
    return payload(cfg, key, default) or default


def on_off(entity: Entity, op: Operation, template: str | None = None) -> list[Command]:
    raw = on_off_payload(entity.config, op is Operation.TURN_ON)
    return [command(entity, "command_topic", render(entity, template, raw))]


def switch_like(entity: Entity, op: Operation, value: Any) -> list[Command]:
    """HA's switch: ``payload_on``/``payload_off`` through ``command_template``."""
    if op in (Operation.TURN_ON, Operation.TURN_OFF):
        return on_off(entity, op, "command_template")
    raise unsupported(entity, op)


def read_only(entity: Entity, op: Operation, value: Any) -> list[Command]:
    msg = f"{upper_first(spoken_name(entity))} is a sensor; I can only read it."
    raise CapabilityError("read-only", msg)


def _decimals(step: float) -> int:
    return 0 if float(step).is_integer() else len(repr(float(step)).split(".")[1])


def _temperature(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def set_temperature(
    entity: Entity,
    value: Any,
    celsius: tuple[float, float],
    fahrenheit_range: tuple[float, float],
) -> list[Command]:
    """HA's ``MqttTemperatureControlEntity.async_set_temperature`` (climate, water
    heater): within ``min_temp``..``max_temp`` (defaults by unit), rounded to
    ``temp_step`` and written with ``precision``'s decimals, through
    ``temperature_command_template``."""
    cfg = entity.config
    fahrenheit = str(cfg.get("temperature_unit", "C")).upper().endswith("F")
    if not cfg.get("temperature_command_topic"):
        raise unsupported(entity, Operation.SET_TEMPERATURE)
    temp = _temperature(value)
    if temp is None or not math.isfinite(temp):
        raise CapabilityError("bad-value", "That isn't a temperature I can use.")
    low, high = fahrenheit_range if fahrenheit else celsius
    low = config_number(cfg, "min_temp", low)
    high = config_number(cfg, "max_temp", high)
    if not low - 1e-9 <= temp <= high + 1e-9:
        span = f"{format_number(low)} and {format_number(high)}"
        msg = f"can only be set between {span} degrees"
        raise CapabilityError(
            "out-of-range", f"{upper_first(spoken_name(entity))} {msg}."
        )
    precision = config_number(cfg, "precision", 1.0 if fahrenheit else 0.1)
    step = config_number(cfg, "temp_step", 0.0)
    if step > 0:
        temp = round(temp / step) * step
    digits = max(_decimals(precision), _decimals(step))
    text = f"{temp:.{digits}f}"
    if cfg.get("temperature_command_template"):
        text = render(entity, "temperature_command_template", float(text))
    return [command(entity, "temperature_command_topic", text)]


# --- Reading state ------------------------------------------------------------------


def match(text: str, table: Mapping[str, Any]) -> str | None:
    """Normalise ``text`` via ``{normalised: configured payload}``; "None" = unknown."""
    for fold in (str, str.lower):
        for norm, raw in table.items():
            if raw is not None and fold(text) == fold(str(raw)):
                return norm
    if text == "None":
        return None
    raise ValueError(f"unexpected payload {text!r}")


def parse_on_off(e: Entity, s: EntityState, text: str) -> None:
    on, off = e.config.get("payload_on", "ON"), e.config.get("payload_off", "OFF")
    table = {"on": e.config.get("state_on", on), "off": e.config.get("state_off", off)}
    s.state = match(text, table)


def parse_table(table: Mapping[str, tuple[str, str]]) -> Parser:
    """A parser of ``{state: (config key of its payload, default payload)}``."""

    def parse(e: Entity, s: EntityState, text: str) -> None:
        s.state = match(text, {n: e.config.get(k, d) for n, (k, d) in table.items()})

    return parse


ON_OFF = {Operation.TURN_ON: "on", Operation.TURN_OFF: "off"}


def unknown(entity: Entity) -> str:
    return f"I don't know the state of {spoken_name(entity)} yet."


def state_sentence(
    entity: Entity, state: EntityState, spoken: Mapping[str, str], more: str = ""
) -> str:
    """ "The rover is on its way back to its base.": the state in the words of
    ``spoken`` (else as reported), with ``more`` after it."""
    if state.state is None:
        return unknown(entity)
    said = spoken.get(state.state, state.state)
    return upper_first(f"{spoken_name(entity)} is {said}{more}.")


def no_change(entity: Entity, op: Operation, value: Any) -> list[Change]:
    return []


def switched(op: Operation, value: Any, level_topic: str) -> list[Change] | None:
    """What on, off or a level implies for an on/off entity with a level reported
    on ``level_topic`` (None: another operation)."""
    if op in ON_OFF:
        return [("state", ("state_topic",), ON_OFF[op])]
    if op is Operation.SET_BRIGHTNESS and round(value) == 0:
        return [("state", ("state_topic",), "off")]
    if op is Operation.SET_BRIGHTNESS:
        return [ON, ("brightness_pct", (level_topic,), round(value))]
    return None


ON: Change = ("state", ("state_topic",), "on")


def describe_switched(entity: Entity, state: EntityState) -> str:
    """ "The kitchen light is on at 40 percent.", "The TV is off."."""
    the = spoken_name(entity)
    if state.state is None:
        return unknown(entity)
    if state.state == "on" and state.brightness_pct is not None:
        return upper_first(f"{the} is on at {state.brightness_pct} percent.")
    return upper_first(f"{the} is {state.state}.")
