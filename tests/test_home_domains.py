"""The registry of domains: every domain of the entity model has a module with
every part, and the entity model is a leaf that imports none of them."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import assistant.home
from assistant.errors import CapabilityError
from assistant.home.domains import DOMAINS
from assistant.home.model import Domain, Entity, EntityState, Operation

HOME = Path(assistant.home.__file__).parent


def test_every_domain_has_a_module_with_every_part() -> None:
    assert set(DOMAINS) == set(Domain)
    for domain, spec in DOMAINS.items():
        assert spec.domain is domain
        assert spec.required and all(key for key in spec.required), domain
        assert spec.nouns and spec.plural and "{name}" in spec.prompt, domain
        for phrase, intent in spec.llm_actions:
            assert phrase and intent, domain
        entity = Entity(f"{domain}.x", domain, "Xyz", None, {"command_topic": "x/set"})
        for op in spec.samples:  # a value for an operation the domain can do
            assert op in Operation
        assert all(isinstance(o, str) for o in spec.options(entity)), domain
        assert spec.is_state(entity, EntityState(), "on") is False, domain
        for asked, done in spec.aliases.items():  # "turn on" a valve: open it
            assert asked in Operation and done in Operation and asked != done
        for rule in spec.confirm:  # "open:gas": an operation of the domain
            assert rule.partition(":")[0] in set(Operation), (domain, rule)
        said = spec.describe(entity, EntityState())
        assert said.endswith(".") and "xyz" in said.lower(), (domain, said)
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


def test_importing_the_entity_model_loads_no_domain() -> None:
    code = (
        "import sys, assistant.home.model; "
        "print(sorted(m for m in sys.modules if m.startswith('assistant.')))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True
    )
    assert out.stdout.split() == ["['assistant.home',", "'assistant.home.model']"]


def _graph() -> dict[str, set[str]]:
    """Which modules of the assistant each one imports when it runs (module level
    or inside functions; not for type checking), parent packages included."""
    root = Path(assistant.__file__).parent
    names = {
        ".".join(p.relative_to(root.parent).with_suffix("").parts).removesuffix(
            ".__init__"
        ): p
        for p in root.rglob("*.py")
    }
    graph: dict[str, set[str]] = {}
    for name, path in names.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        found: set[str] = set()
        for node in _runtime_imports(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                found.update(a.name for a in node.names)
                continue
            base = package.split(".")[: len(package.split(".")) - node.level + 1]
            target = ".".join([*base, node.module] if node.module else base)
            target = target if node.level else str(node.module)
            found.update(
                f"{target}.{a.name}" if f"{target}.{a.name}" in names else target
                for a in node.names
            )
        parts = name.split(".")
        found.update(".".join(parts[:i]) for i in range(1, len(parts)))
        graph[name] = {m for m in found if m in names and m != name}
    return graph


def _runtime_imports(tree: ast.AST) -> list[ast.Import | ast.ImportFrom]:
    found: list[ast.Import | ast.ImportFrom] = []
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            found += [n for s in node.orelse for n in _runtime_imports(s)]
        elif isinstance(node, ast.Import | ast.ImportFrom):
            found.append(node)
        else:
            found += _runtime_imports(node)
    return found


def test_no_module_imports_one_that_imports_it_back() -> None:
    graph = _graph()
    assert "assistant.home.light" in graph["assistant.home.domains"]  # it sees them
    for start in graph:
        seen, todo = set(), list(graph[start])
        while todo:
            if (name := todo.pop()) == start:
                raise AssertionError(f"{start} imports itself back")
            if name not in seen:
                seen.add(name)
                todo += graph[name]


def test_what_is_asked_first_by_default_comes_from_the_domains() -> None:
    from assistant.config import HomeAssistantConfig, load_config

    default = HomeAssistantConfig().confirm
    assert set(default) == {
        "lock.unlock", "cover.open:garage", "valve.open:gas",
        "alarm_control_panel.disarm", "siren.turn_on",
    }  # fmt: skip
    assert set(load_config().homeassistant.confirm) == set(default)  # as documented
