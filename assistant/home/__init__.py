"""The home: entities, their domains and the registry of what is known of them.

``model`` is the entity model (a leaf: it imports nothing of the assistant); each
domain of Home Assistant's MQTT integration has its own module (``light``,
``cover``, …) holding everything about it, listed in ``domains.DOMAINS`` with the
functions the rest of the assistant asks of an entity; ``registry`` keeps the
entities and their state; ``spoken`` says names and numbers. This package's own
module imports nothing, so importing the model loads no domain.
"""
