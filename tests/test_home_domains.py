"""The registry of domains: every domain of the entity model has a module with
every part, and the entity model is a leaf that imports none of them."""

from __future__ import annotations

import ast
from pathlib import Path

import assistant.home
from assistant.errors import CapabilityError
from assistant.home import DOMAINS, Domain, Entity, EntityState, Operation

HOME = Path(assistant.home.__file__).parent


def test_every_domain_has_a_module_with_every_part() -> None:
    assert set(DOMAINS) == set(Domain)
    for domain, spec in DOMAINS.items():
        assert spec.domain is domain
        assert spec.required and all(key for key in spec.required), domain
        entity = Entity(f"{domain}.x", domain, "X", None, {"command_topic": "x/set"})
        for op in spec.samples:  # a value for an operation the domain can do
            assert op in Operation
        said = spec.describe(entity, EntityState())
        assert said.endswith(".") and "the x" in said.lower(), (domain, said)
        for key, templates, parse in spec.handlers(entity):
            assert key.endswith("topic") and callable(parse), (domain, key)
            assert all(t.endswith(("template", "tpl")) for t in templates)
        for op in Operation:
            value = spec.samples.get(op)
            try:
                sent = spec.build(entity, op, value)
            except CapabilityError as err:  # a refusal, never another exception
                assert err.message.endswith("."), (domain, op, err.message)
                continue
            assert sent and all(c.topic for c in sent), (domain, op)
            assert isinstance(spec.implied(entity, op, value), list)


def _imports(path: Path) -> set[str]:
    """The modules ``path`` imports from, relative ones as written (".base")."""
    tree = ast.parse(path.read_text())
    return {
        "." * node.level + (node.module or "")
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
    }


def test_the_entity_model_is_a_leaf_and_domains_stand_alone() -> None:
    """``model`` imports nothing of the assistant; a domain module imports only
    the shared parts, never another domain."""
    assert not {m for m in _imports(HOME / "model.py") if m.startswith(".")}
    shared = {".base", ".model", ".spoken", "..errors", "..templates", "..colors"}
    for domain in Domain:
        relative = {m for m in _imports(HOME / f"{domain}.py") if m.startswith(".")}
        assert relative <= shared, (domain, relative - shared)


def test_no_deferred_imports_in_the_home_package() -> None:
    """Imports are at module level: no cycle is held together by late imports."""
    for path in HOME.glob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                kinds = ast.Import | ast.ImportFrom
                inner = [n for n in ast.walk(node) if isinstance(n, kinds)]
                assert not inner, f"{path.name}: import inside {node.name}()"
        assert "__getattr__" not in path.read_text(), path.name


def test_what_is_asked_first_by_default_comes_from_the_domains() -> None:
    from assistant.config import HomeAssistantConfig, load_config

    default = HomeAssistantConfig().confirm
    assert set(default) == {"lock.unlock", "cover.open:garage"}
    assert set(load_config().homeassistant.confirm) == set(default)  # as documented
