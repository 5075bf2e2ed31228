"""Alarm panels: HA's MQTT alarm control panel
(``homeassistant/components/mqtt/alarm_control_panel.py``, with the code checks of
``components/alarm_control_panel/__init__.py``).

Each operation publishes ``command_template`` (default ``{{action}}``) rendered with
``action`` (the operation's payload) and ``code``. A code is needed to arm when
``code_arm_required`` (as HA's ``check_code_arm_required``), and to disarm when
``code_disarm_required`` and the panel has a ``code``. A configured ``code`` other
than ``REMOTE_CODE``/``REMOTE_CODE_TEXT`` must match, or nothing is published.
The code comes in as a :class:`Secret`: it is never spoken or logged."""

from __future__ import annotations

from typing import Any

from ..errors import CapabilityError
from .base import DomainSpec, Handlers, command, match, refuse, render, state_sentence
from .base import unsupported as _unsupported
from .model import Command, Domain, Entity, EntityState, Operation, Secret
from .spoken import spoken_name

__all__ = ["SPEC", "needs_code"]

_ACTIONS = {
    # operation: (payload key, default payload, supported_features entry)
    Operation.ARM_HOME: ("payload_arm_home", "ARM_HOME", "arm_home"),
    Operation.ARM_AWAY: ("payload_arm_away", "ARM_AWAY", "arm_away"),
    Operation.ARM_NIGHT: ("payload_arm_night", "ARM_NIGHT", "arm_night"),
    Operation.ARM_VACATION: ("payload_arm_vacation", "ARM_VACATION", "arm_vacation"),
    Operation.DISARM: ("payload_disarm", "DISARM", ""),
}
_FEATURES = ("arm_home", "arm_away", "arm_night", "arm_vacation", "arm_custom_bypass")
_REMOTE = ("REMOTE_CODE", "REMOTE_CODE_TEXT")
_ALIASES = {Operation.TURN_ON: Operation.ARM_AWAY, Operation.TURN_OFF: Operation.DISARM}
_MODES = {
    Operation.ARM_HOME: "home",
    Operation.ARM_AWAY: "away",
    Operation.ARM_NIGHT: "night",
    Operation.ARM_VACATION: "vacation",
}


def _build(entity: Entity, op: Operation, value: Any) -> list[Command]:
    if op not in _ACTIONS:
        raise _unsupported(entity, op)
    cfg = entity.config
    key, default, feature = _ACTIONS[op]
    features = cfg.get("supported_features", _FEATURES)
    if feature and feature not in features:
        raise refuse(entity, f"has no {_MODES[op]} mode")
    code = value.value if isinstance(value, Secret) and value.value else None
    _check_code(entity, op, code)
    action = str(cfg.get(key, default))
    if cfg.get("command_template"):
        text = render(entity, "command_template", None, action=action, code=code)
    else:
        text = action  # HA's default template "{{action}}"
    sent = command(entity, "command_topic", text)
    return [Command(sent.topic, sent.payload, sent.retain, secret=code is not None)]


def needs_code(entity: Entity, *, disarm: bool) -> bool:
    """Whether arming (or disarming) the panel takes a code: to arm unless
    ``code_arm_required`` is false, to disarm when the panel has a ``code`` and
    ``code_disarm_required`` is not false."""
    cfg = entity.config
    required = "code_disarm_required" if disarm else "code_arm_required"
    if cfg.get(required, True) is False:
        return False
    return not disarm or cfg.get("code") is not None


def _check_code(entity: Entity, op: Operation, code: str | None) -> None:
    the = spoken_name(entity)
    disarm = op is Operation.DISARM
    if not needs_code(entity, disarm=disarm):
        return
    panel_code = entity.config.get("code")
    if code is None:
        verb = "disarm" if disarm else "arm"
        msg = f"I need a code to {verb} {the}, and none is set up."
        raise CapabilityError("needs-code", msg)
    if panel_code is not None and panel_code not in _REMOTE and code != str(panel_code):
        msg = f"The code I have for {the} is not the right one, so I did nothing."
        raise CapabilityError("wrong-code", msg)


_STATES = (
    "disarmed",
    "armed_home",
    "armed_away",
    "armed_night",
    "armed_vacation",
    "armed_custom_bypass",
    "pending",
    "arming",
    "disarming",
    "triggered",
)


def _p_state(e: Entity, s: EntityState, text: str) -> None:
    s.state = match(text, {state: state for state in _STATES})


_HANDLERS: Handlers = (("state_topic", ("value_template",), _p_state),)

_SPOKEN = {
    "armed_home": "armed in home mode",
    "armed_away": "armed in away mode",
    "armed_night": "armed in night mode",
    "armed_vacation": "armed in vacation mode",
    "armed_custom_bypass": "armed with a custom bypass",
    "pending": "about to go off",
    "triggered": "going off",
}


def _describe(entity: Entity, state: EntityState) -> str:
    return state_sentence(entity, state, _SPOKEN)


def _implied(entity: Entity, op: Operation, value: Any) -> list[Any]:
    return []  # HA's panels are never optimistic: the state topic is required


SPEC = DomainSpec(
    Domain.ALARM_CONTROL_PANEL,
    required=("command_topic",),
    build=_build,
    handlers=lambda entity: _HANDLERS,
    implied=_implied,
    describe=_describe,
    nouns=("alarm system", "alarm panel", "security system", "burglar alarm"),
    prompt="Arm the {name} in away mode or night mode. Disarm the {name}.",
    plural="alarm panels",
    record=("arm the {name}", "disarm the {name}"),
    samples={},
    aliases=_ALIASES,
    verbs={
        Operation.ARM_HOME: "Arming",
        Operation.ARM_AWAY: "Arming",
        Operation.ARM_NIGHT: "Arming",
        Operation.ARM_VACATION: "Arming",
        Operation.DISARM: "Disarming",
    },
    confirm=("disarm",),
)
