"""Intent handling: turn an Intent into MQTT commands and a spoken reply."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from .errors import CapabilityError
from .home.base import spoken_option
from .home.domains import DOMAINS, build_commands, resolve, supports
from .home.model import Command, Domain, Entity, Operation, Secret
from .home.registry import DeviceRegistry
from .home.spoken import (
    format_number,
    join_words,
    spoken_name,
    unit_words,
    upper_first,
)
from .intent import Intent
from .questions import DOMAIN_WORDS, Questions
from .skills import PREFIX as SKILL_PREFIX
from .skills import Effect, SkillRunner

_LOGGER = logging.getLogger(__name__)

COLORS: dict[str, tuple[int, int, int]] = {
    # Home Assistant's colour names are CSS3's (homeassistant/util/color.py, COLORS):
    # "turn the lamp purple" sends what HA's light.turn_on color_name=purple sends.
    "red": (255, 0, 0),
    "orange": (255, 165, 0),
    "yellow": (255, 255, 0),
    "green": (0, 128, 0),
    "blue": (0, 0, 255),
    "purple": (128, 0, 128),
    "pink": (255, 192, 203),
    "white": (255, 255, 255),
    "warm white": (255, 200, 140),
    "cool white": (220, 235, 255),
    "cyan": (0, 255, 255),
    "magenta": (255, 0, 255),
}

WHITE_KELVIN: dict[str, int] = {"warm white": 2700, "white": 4000, "cool white": 6500}
"""Whites go to a light's colour temperature when it has one."""

NOT_UNDERSTOOD = "Sorry, I didn't understand that."

_SIMPLE_OPS: dict[str, tuple[Operation, str]] = {
    "HassTurnOn": (Operation.TURN_ON, "Turning on"),
    "HassTurnOff": (Operation.TURN_OFF, "Turning off"),
    "HassOpen": (Operation.OPEN, "Opening"),
    "HassClose": (Operation.CLOSE, "Closing"),
    "HassLock": (Operation.LOCK, "Locking"),
    "HassUnlock": (Operation.UNLOCK, "Unlocking"),
    "HassVacuumStart": (Operation.START, "Starting"),
    "HassVacuumReturnToBase": (Operation.DOCK, "Sending {} home"),
    "HassLawnMowerStartMowing": (Operation.START, "Starting"),
    "HassLawnMowerDock": (Operation.DOCK, "Docking"),
    "HassPause": (Operation.PAUSE, "Pausing"),
    "HassVacuumLocate": (Operation.LOCATE, "Locating"),
    "HassAlarmDisarm": (Operation.DISARM, "Disarming"),
    "HassStopMoving": (Operation.STOP, "Stopping"),
}
_VERB_OF = {op: verb for op, verb in _SIMPLE_OPS.values()}
"""How a reply says an operation done in place of the one asked for."""
_ARM = {
    "home": Operation.ARM_HOME,
    "away": Operation.ARM_AWAY,
    "night": Operation.ARM_NIGHT,
    "vacation": Operation.ARM_VACATION,
}
_CODED = {*_ARM.values(), Operation.DISARM}
"""Operations done with the alarm code (``[homeassistant] alarm_code_env``)."""


_SETTINGS: dict[str, tuple[str, Operation, Domain, Callable[[Any], str]]] = {
    # intent: (slot, operation, domain it is for, how the reply says the value)
    "HassClimateSetTemperature": (
        "temperature", Operation.SET_TEMPERATURE, Domain.CLIMATE,
        lambda v: f" to {format_number(float(v))} degrees",
    ),
    "HassSetPosition": (
        "position", Operation.SET_POSITION, Domain.COVER, lambda v: f" to {v} percent",
    ),
    "HassHumidifierSetpoint": (
        "humidity", Operation.SET_HUMIDITY, Domain.HUMIDIFIER,
        lambda v: f" to {v} percent",
    ),
}  # fmt: skip


@dataclass
class Response:
    speech: str
    commands: list[Command] = field(default_factory=list)
    success: bool = True
    confirm: str | None = None
    """A yes/no question: ``commands`` wait for the answer (``speech`` says them)."""
    actions: list[tuple[str, Operation, object]] = field(default_factory=list)
    """(entity_id, operation, value) behind ``commands``, for optimistic states."""
    effects: list[Effect] = field(default_factory=list)
    """Timers and lists a skill changes, once the response is committed."""


def needs_confirmation(rules: Sequence[str], entity: Entity, op: Operation) -> bool:
    """Rules: "lock.unlock", "cover.open:garage" (with device class) or
    "lock.back_door:unlock" (one entity and operation)."""
    domains = {d.value for d in Domain}
    for rule in rules:
        left, _, right = rule.partition(":")
        kind, _, rest = left.partition(".")
        if kind in domains and rest in {o.value for o in Operation}:
            if (
                entity.domain == kind
                and op == rest
                and (not right or entity.config.get("device_class") == right)
            ):
                return True
        elif left == entity.entity_id and right == op:
            return True
    return False


_INFINITIVES = {
    "Turning on": "turn on",
    "Turning off": "turn off",
    "Opening": "open",
    "Closing": "close",
    "Locking": "lock",
    "Unlocking": "unlock",
    "Activating": "activate",
    "Pressing": "press",
    "Setting": "set",
    "Turning": "turn",
    "Arming": "arm",
    "Disarming": "disarm",
    "Starting": "start",
    "Pausing": "pause",
    "Stopping": "stop",
    "Docking": "dock",
    "Locating": "locate",
    "Sending {} home": "send {} home",
}


def _infinitive(verb: str) -> str:
    return _INFINITIVES.get(verb, verb.lower())


def _phrase(verb: str, what: str) -> str:
    """ "Opening the valve"; "Sending the vacuum home" for "Sending {} home"."""
    return verb.replace("{}", what) if "{}" in verb else f"{verb} {what}"


class IntentHandler:
    """Pure logic over the device registry; publishing is left to the caller."""

    def __init__(
        self,
        registry: DeviceRegistry,
        *,
        confirm: Sequence[str] = (),
        skills: SkillRunner | None = None,
        alarm_code: str | None = None,
    ) -> None:
        self._registry = registry
        self.skills = skills
        self.confirm = tuple(confirm)
        self._code = Secret(alarm_code) if alarm_code else None
        self._questions = Questions(registry)

    @property
    def registry(self) -> DeviceRegistry:
        return self._registry

    def committed(self, response: Response) -> None:
        """The commands were published: devices without state topics now have
        the state the commands imply; a skill's timers and lists change."""
        for entity_id, op, value in response.actions:
            self._registry.apply_commands(entity_id, op, value)
        for effect in response.effects:
            _LOGGER.info("Skill: %s", effect.description)
            try:
                effect.run()
            except CapabilityError as err:
                _LOGGER.error("%s", err.message)

    def handle(self, intent: Intent | None) -> Response:
        if intent is None:
            return Response(NOT_UNDERSTOOD, success=False)
        name = intent.name
        try:
            if name.startswith(SKILL_PREFIX) and self.skills is not None:
                return self._skill(intent)
            if name in _SIMPLE_OPS:
                op, verb = _SIMPLE_OPS[name]
                if name == "HassOpen":
                    return self._act(
                        intent,
                        verb,
                        lambda e: (
                            Operation.UNLOCK
                            if e.domain == Domain.LOCK
                            else Operation.OPEN,
                            None,
                        ),
                    )
                return self._act(intent, verb, lambda e: (op, None))
            if name == "HassAlarmArm":
                mode = str(intent.slots.get("alarm_mode", "away"))
                return self._act(
                    intent,
                    "Arming",
                    lambda e: (_ARM[mode], None),
                    suffix=f" in {mode} mode",
                )
            if name == "HassLightSet":
                return self._light_set(intent)
            if name in _SETTINGS:
                slot, op, domain, spoken = _SETTINGS[name]
                value = intent.slots[slot]
                return self._act(
                    intent,
                    "Setting",
                    lambda e: (op, value),
                    suffix=spoken(value),
                    domains={domain},
                )
            if name in ("HassClimateSetMode", "HassSelectOption"):
                return self._set_option(intent)
            if name == "HassFanOscillate":
                on = bool(intent.slots.get("oscillating"))
                verb = "Setting {} to oscillate" if on else "Stopping {} oscillating"
                return self._act(intent, verb, lambda e: (Operation.OSCILLATE, on))
            if name == "HassFanSetDirection":
                return self._set_direction(intent)
            if name in ("HassGetState", "HassClimateGetTemperature"):
                targets = self._targets(intent)
                if not targets:
                    return self._unknown(intent)
                ask = self._questions.ask
                speech, known = ask(intent, targets)
                return Response(speech, success=known)
        except CapabilityError as err:
            return Response(err.message, success=False)
        _LOGGER.warning("No handler for intent %s", name)
        return Response(NOT_UNDERSTOOD, success=False)

    # -- helpers --------------------------------------------------------------

    def _targets(self, intent: Intent) -> list[Entity]:
        found = [self._registry.get(eid) for eid in intent.entity_ids]
        return [e for e in found if e is not None]

    def _unknown(self, intent: Intent) -> Response:
        if "name" in intent.slots:
            return Response(
                f"I don't know a device called {intent.slots['name']}.", success=False
            )
        what = _said_kind(intent) or DOMAIN_WORDS.get(
            intent.slots.get("domain", ""), "devices"
        )
        if "area" not in intent.slots:
            return Response(f"There are no {what} in this home.", success=False)
        area = str(intent.slots["area"]).lower()
        return Response(f"I don't know any {what} in the {area}.", success=False)

    def _act(
        self,
        intent: Intent,
        verb: str,
        op_for: Callable[[Entity], tuple[Operation, object]],
        *,
        suffix: str = "",
        domains: set[Domain] | None = None,
    ) -> Response:
        targets = self._targets(intent)
        if intent.slots.get("scope") == "everything":
            targets = [e for e in targets if DOMAINS[e.domain].everything]
        if not targets:
            return self._unknown(intent)
        if domains and len(targets) > 1:
            targets = [e for e in targets if e.domain in domains] or targets
        commands: list[Command] = []
        done: list[Entity] = []
        actions: list[tuple[str, Operation, object]] = []
        first_error: CapabilityError | None = None
        confirm = False
        own: set[str | None] = set()
        for entity in targets:
            asked, value = op_for(entity)
            op = resolve(entity, asked)  # "turn off" an alarm: disarm it
            if op in _CODED:
                value = self._code
            try:
                if not self._registry.is_available(entity.entity_id):
                    raise CapabilityError(
                        "offline", f"{upper_first(spoken_name(entity))} is offline."
                    )
                sent = build_commands(entity, op, value)
                if op in DOMAINS[entity.domain].on_first and (
                    self._registry.state(entity.entity_id).state == "off"
                ):  # as HA's humidifier intents: on first, then the setting
                    sent = build_commands(entity, Operation.TURN_ON) + sent
                    actions.append((entity.entity_id, Operation.TURN_ON, None))
                commands.extend(sent)
            except CapabilityError as err:
                first_error = first_error or err
                continue
            done.append(entity)
            actions.append((entity.entity_id, op, value))
            # "Activating movie night", "Opening the water valve" (turned on)
            own.add(DOMAINS[entity.domain].verbs.get(op) or _VERB_OF.get(op))
            confirm = confirm or needs_confirmation(self.confirm, entity, op)
        if not done:
            assert first_error is not None
            return Response(first_error.message, success=False)
        if len(own) == 1 and (word := own.pop()):
            verb = word
        what = _what(intent, done)
        if {op for _, op, _ in actions} == {Operation.SET_VALUE}:
            # a number, not degrees; as it is set (to its step)
            changes = DOMAINS[done[0].domain].implied(done[0], *actions[0][1:])
            value = changes[0][2] if changes else actions[0][2]
            unit = unit_words(done[0].config.get("unit_of_measurement"))
            suffix = f" to {value}{unit}"
        speech = f"{_phrase(verb, what)}{suffix}."
        offline = [e for e in targets if not self._registry.is_available(e.entity_id)]
        if offline and len(targets) > 1:
            names = join_words([spoken_name(e) for e in offline])
            speech += f" {upper_first(names)} {'is' if len(offline) == 1 else 'are'}"
            speech += " offline."
        if confirm:
            doing = _phrase(_infinitive(verb), what)
            question = f"Are you sure you want to {doing}{suffix}?"
            return Response(speech, commands, confirm=question, actions=actions)
        return Response(speech, commands, actions=actions)

    def _set_option(self, intent: Intent) -> Response:
        """A thermostat's HVAC mode, or the mode, preset, speed or option another
        device offers ("set the rover to max", "set the water heater to eco")."""
        value = str(intent.slots.get("option") or intent.slots.get("hvac_mode"))
        said = spoken_option(value)

        def operation(entity: Entity) -> tuple[Operation, object]:
            if entity.domain is Domain.CLIMATE:
                return Operation.SET_HVAC_MODE, value
            return Operation.SET_MODE, value

        climate = all(e.domain is Domain.CLIMATE for e in self._targets(intent))
        return self._act(
            intent,
            "Setting",
            operation,
            suffix=f" to {said} mode" if climate else f" to {said}",
            domains={Domain.CLIMATE} if intent.name == "HassClimateSetMode" else None,
        )

    def _set_direction(self, intent: Intent) -> Response:
        asked = str(intent.slots.get("direction", "toggle"))

        def operation(entity: Entity) -> tuple[Operation, object]:
            now = self._registry.state(entity.entity_id).direction
            turn = "forward" if now == "reverse" else "reverse"
            return Operation.SET_DIRECTION, turn if asked == "toggle" else asked

        targets = self._targets(intent)
        direction = operation(targets[0])[1] if targets else asked
        return self._act(intent, "Setting", operation, suffix=f" to {direction}")

    def _light_set(self, intent: Intent) -> Response:
        if "brightness" in intent.slots:
            pct = int(intent.slots["brightness"])
            return self._act(
                intent,
                "Setting",
                lambda e: (
                    Operation.SET_POSITION
                    if Operation.SET_POSITION in DOMAINS[e.domain].samples
                    else Operation.SET_BRIGHTNESS,
                    pct,
                ),  # "set the blinds to 40 percent" is a position
                suffix=f" to {pct} percent",
            )  # fmt: skip
        color = str(intent.slots.get("color", ""))
        rgb = COLORS.get(color)
        if rgb is None:
            return Response(f"I don't know the colour {color}.", success=False)
        kelvin = WHITE_KELVIN.get(color)

        def operation(entity: Entity) -> tuple[Operation, object]:
            if kelvin and (
                supports(entity, Operation.SET_COLOR_TEMP)
                and (color != "white" or not supports(entity, Operation.SET_COLOR))
            ):
                return Operation.SET_COLOR_TEMP, kelvin
            return Operation.SET_COLOR, rgb

        return self._act(intent, "Turning", operation, suffix=f" {color}")

    def _skill(self, intent: Intent) -> Response:
        assert self.skills is not None
        skill = self.skills.get(intent.name)
        if skill is None:
            return Response(NOT_UNDERSTOOD, success=False)
        plan = self.skills.build(skill, intent.slots)
        question = skill.confirm if isinstance(skill.confirm, str) else None
        if skill.confirm is True:
            question = (
                f"Are you sure you want me to run {skill.name.replace('_', ' ')}?"
            )
        return Response(
            " ".join(plan.said) or "Done.",
            plan.commands,
            confirm=question,
            actions=plan.actions,
            effects=plan.effects,
        )


def _what(intent: Intent, done: Sequence[Entity]) -> str:
    """ "the kitchen light", "the lights in the kitchen", "all the lights",
    "everything in the bedroom"."""
    if len(done) == 1 or "name" in intent.slots:
        return spoken_name(done[0])
    area = str(intent.slots.get("area", "")).lower()
    if intent.slots.get("scope") == "everything":
        return f"everything in the {area}"
    kind = DOMAIN_WORDS.get(intent.slots.get("domain", ""), "devices")
    return f"the {kind} in the {area}" if area else f"all the {kind}"


def _said_kind(intent: Intent) -> str | None:
    """The word said for the kind of device ("blinds"), in the plural."""
    domain = intent.slots.get("domain")
    words = intent.text.split()
    for kind in DOMAINS[Domain(domain)].nouns if domain in set(Domain) else ():
        if kind in words:
            return kind if kind.endswith("s") else f"{kind}s"
    return None
