"""The registry of known entities: discovery and the config add them, state and
availability messages update them, and it keeps the state optimistic entities'
commands imply."""

from __future__ import annotations

import contextlib
import dataclasses
import json
import logging
from collections.abc import Sequence
from typing import Any

from ..templates import render_template
from .base import Parser
from .domains import apply_implied_state, state_handlers, state_topics
from .model import Domain, Entity, EntityState, Operation

__all__ = ["DeviceRegistry"]

_LOGGER = logging.getLogger(__name__)


class DeviceRegistry:
    """Known entities, their state and availability, and which topic feeds which."""

    def __init__(self) -> None:
        self._entities: dict[str, Entity] = {}
        self._states: dict[str, EntityState] = {}
        self._by_topic: dict[str, list[str]] = {}
        self._warned: set[tuple[str, str]] = set()
        # The last payload on each availability topic, most recent last: an entity
        # that shares a topic (already subscribed to) learns it on arrival.
        self._avail_payloads: dict[str, str] = {}

    def upsert(self, entity: Entity) -> Entity:
        """Add ``entity`` or update the one it describes; return it as stored.

        An entity from the same discovery topic, or with the same ``unique_id``,
        is the same entity: it is replaced in place and keeps its state. If the
        entity_id is held by a different entity (another topic whose name gives
        the same slug), the new one gets ``<entity_id>_2``, ``_3``… instead.
        """
        same = sorted(
            (other for other in self._entities.values() if other.same_as(entity)),
            key=lambda other: other.entity_id != entity.entity_id,
        )
        kept = next(
            (o.entity_id for o in same if _suffixed(o.entity_id, entity.entity_id)),
            None,
        )
        entity_id = kept or self._free_id(entity)
        for other in same:
            if other.entity_id != entity_id:
                _LOGGER.info("%s replaces %s", entity_id, other.entity_id)
                self.remove(other.entity_id)
        if entity_id != entity.entity_id:
            entity = dataclasses.replace(entity, entity_id=entity_id)
        self._entities[entity_id] = entity
        state = self._states.setdefault(entity_id, EntityState())
        if entity.domain is Domain.SENSOR:
            unit = entity.config.get("unit_of_measurement")
            state.unit = unit if isinstance(unit, str) else None
        self._reindex()
        mine = {entry.topic for entry in entity.availability()}
        for topic, text in self._avail_payloads.items():
            if topic in mine:
                self._feed(entity, state, topic, _variables(text))
        return entity

    def _free_id(self, entity: Entity) -> str:
        """``entity.entity_id``, else the first free ``_2``, ``_3``… variant."""
        wanted = candidate = entity.entity_id
        number = 1
        while (other := self._entities.get(candidate)) is not None:
            if other.source == entity.source:  # two declared in config.toml
                break
            number += 1
            candidate = f"{wanted}_{number}"
        if candidate != wanted:
            taken_by = self._entities[wanted].source
            _LOGGER.info(
                "%s from %s is %s: %s is taken by %s",
                entity.name,
                entity.source,
                candidate,
                wanted,
                taken_by,
            )
        return candidate

    def remove(self, entity_id: str) -> Entity | None:
        entity = self._entities.pop(entity_id, None)
        self._states.pop(entity_id, None)
        self._reindex()
        return entity

    def remove_by_source(self, source: str) -> Entity | None:
        """Forget the entity learned from ``source`` (a single-component topic, or
        ``<topic>#<component_id>``)."""
        for entity in self._entities.values():
            if source != "config" and entity.source == source:
                return self.remove(entity.entity_id)
        return None

    def remove_by_topic(self, topic: str) -> list[Entity]:
        """Forget every entity learned from discovery topic ``topic``."""
        return [self.remove(e.entity_id) or e for e in self._from_topic(topic)]

    def replace_topic(
        self, topic: str, entities: Sequence[Entity]
    ) -> tuple[list[Entity], list[Entity]]:
        """Make ``entities`` all that discovery topic ``topic`` describes.

        Each is upserted; entities from ``topic`` not among them (a component
        left out of a new device announcement) are removed first, unless one of
        ``entities`` is the same by ``unique_id``. Returns (as stored, removed).
        """
        entities = [e for e in entities if not self._taken(topic, e)]
        sources = {entity.source for entity in entities}
        stale = [
            old
            for old in self._from_topic(topic)
            if old.source not in sources and not any(old.same_as(e) for e in entities)
        ]
        for old in stale:
            self.remove(old.entity_id)
        return [self.upsert(entity) for entity in entities], stale

    def _taken(self, topic: str, entity: Entity) -> bool:
        """Whether another discovery topic owns ``entity``'s ``unique_id``: as in
        Home Assistant, the first owner keeps it and the later config is ignored,
        so a retained message on a topic of its own cannot take over a device."""
        uid = entity.config.get("unique_id")
        owner = next(
            (
                other
                for other in self._entities.values()
                if uid is not None
                and other.source != "config"
                and other.source.partition("#")[0] != topic
                and other.domain is entity.domain
                and other.config.get("unique_id") == uid
            ),
            None,
        )
        if owner is not None:
            _LOGGER.warning(
                "Ignoring %s from %s: unique_id %r belongs to %s from %s",
                entity.name, topic, uid, owner.entity_id,
                owner.source.partition("#")[0],
            )  # fmt: skip
        return owner is not None

    def _from_topic(self, topic: str) -> list[Entity]:
        return [
            e
            for e in self._entities.values()
            if topic != "config" and e.source.partition("#")[0] == topic
        ]

    def get(self, entity_id: str) -> Entity | None:
        return self._entities.get(entity_id)

    def entities(self) -> list[Entity]:
        return list(self._entities.values())

    def areas(self) -> list[str]:
        return sorted({e.area for e in self._entities.values() if e.area})

    def state(self, entity_id: str) -> EntityState:
        """The entity's live state (a blank one for an unknown id)."""
        return self._states.get(entity_id) or EntityState()

    def state_topics(self) -> set[str]:
        """Every topic to subscribe to: state and availability."""
        return set(self._by_topic)

    def is_available(self, entity_id: str) -> bool:
        """Whether the entity is available (``Entity.is_available``); False for an
        unknown id."""
        entity = self._entities.get(entity_id)
        return entity is not None and entity.is_available(self.state(entity_id))

    def apply_commands(self, entity_id: str, op: Operation, value: Any = None) -> None:
        """After ``op`` was published: the state it implies, where no topic reports
        it (optimistic entities; see ``apply_implied_state``)."""
        entity, state = self._entities.get(entity_id), self._states.get(entity_id)
        if entity is None or state is None:
            return
        try:
            apply_implied_state(entity, state, op, value)
        except (TypeError, ValueError) as err:
            _LOGGER.debug("No optimistic state for %s %s: %s", entity_id, op, err)

    def handle_state(self, topic: str, payload: bytes) -> list[str]:
        """Apply a state or availability message; return the ids whose state or
        availability changed. Never raises."""
        changed: list[str] = []
        try:
            text = payload.decode("utf-8")
        except UnicodeDecodeError:
            _LOGGER.debug("Ignoring non UTF-8 payload on %s", topic)
            return changed
        variables = _variables(text)
        for entity_id in self._by_topic.get(topic, ()):
            entity, state = self._entities[entity_id], self._states[entity_id]
            before = dataclasses.replace(state)
            if self._feed(entity, state, topic, variables):
                self._avail_payloads.pop(topic, None)
                self._avail_payloads[topic] = text
            if state != before:
                changed.append(entity_id)
        return changed

    def _feed(
        self, entity: Entity, state: EntityState, topic: str, variables: dict[str, Any]
    ) -> bool:
        """Apply one message to one entity; whether it is an availability message."""
        cfg = entity.config
        for key, templates, parse in state_handlers(entity):
            if cfg.get(key) == topic:
                source = next((cfg[t] for t in templates if cfg.get(t)), None)
                self._apply(entity, state, key, source, parse, variables)
        entries = [entry for entry in entity.availability() if entry.topic == topic]
        for entry in entries:
            parse, template = entry.read, entry.value_template
            self._apply(entity, state, "availability", template, parse, variables)
        return bool(entries)

    def _apply(
        self,
        entity: Entity,
        state: EntityState,
        key: str,
        template: str | None,
        parse: Parser,
        variables: dict[str, Any],
    ) -> None:
        try:
            text = variables["value"]
            if template is not None:
                variables = {**variables, "entity_id": entity.entity_id}
                text = render_template(template, variables)
            if text.strip():
                parse(entity, state, text.strip())
        except Exception as err:  # a warning the first time per entity and key
            first = (entity.entity_id, key) not in self._warned
            self._warned.add((entity.entity_id, key))
            _LOGGER.log(
                logging.WARNING if first else logging.DEBUG,
                "Ignoring %s update for %s: %s",
                key,
                entity.entity_id,
                err,
            )

    def _reindex(self) -> None:
        index: dict[str, list[str]] = {}
        for entity in self._entities.values():
            for topic in state_topics(entity):
                index.setdefault(topic, []).append(entity.entity_id)
        self._by_topic = index


def _variables(text: str) -> dict[str, Any]:
    """Template variables for a payload: ``value``, and ``value_json`` if JSON."""
    variables: dict[str, Any] = {"value": text}
    with contextlib.suppress(ValueError, RecursionError):
        variables["value_json"] = json.loads(text)
    return variables


def _suffixed(entity_id: str, wanted: str) -> bool:
    """Whether ``entity_id`` is ``wanted`` itself or with a ``_<n>`` suffix."""
    head, _, tail = entity_id.rpartition("_")
    return entity_id == wanted or (head == wanted and tail.isdecimal())
