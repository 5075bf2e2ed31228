"""Home Assistant style Jinja templates: a sandboxed environment with HA's filters."""

from __future__ import annotations

import contextvars
import json
import math
import operator
import time
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from jinja2 import Template, TemplateSyntaxError, Undefined, UndefinedError
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment

__all__ = ["render_template", "validate_template"]

_NO_DEFAULT: Any = object()


def _fallback(value: Any, default: Any, kind: str) -> Any:
    if default is _NO_DEFAULT:
        raise ValueError(f"{kind} got invalid input {value!r}")
    return default


def _float(value: Any, default: Any = _NO_DEFAULT) -> Any:
    try:
        return float(value)
    except (TypeError, ValueError):
        return _fallback(value, default, "float")


def _int(value: Any, default: Any = _NO_DEFAULT, base: int = 10) -> Any:
    try:
        if isinstance(value, str):
            return int(value, base) if base != 10 else int(float(value))
        return int(value)
    except (TypeError, ValueError, OverflowError):
        return _fallback(value, default, "int")


def _round(
    value: Any, precision: int = 0, method: str = "common", default: Any = _NO_DEFAULT
) -> Any:
    try:
        number, scale = float(value), 10.0**precision
    except (TypeError, ValueError):
        return _fallback(value, default, "round")
    if method == "ceil":
        number = math.ceil(number * scale) / scale
    elif method == "floor":
        number = math.floor(number * scale) / scale
    elif method == "half":
        number = round(number * 2) / 2
    else:
        number = round(number, precision)
    return int(number) if precision == 0 else number


def _iif(
    value: Any, if_true: Any = True, if_false: Any = False, if_none: Any = _NO_DEFAULT
) -> Any:
    if value is None and if_none is not _NO_DEFAULT:
        return if_none
    return if_true if value else if_false


def _is_defined(value: Any) -> Any:
    if isinstance(value, Undefined):
        raise UndefinedError("value is undefined")
    return value


def _to_json(
    value: Any,
    ensure_ascii: bool = False,
    pretty_print: bool = False,
    sort_keys: bool = False,
) -> str:
    if pretty_print:
        return json.dumps(
            value, ensure_ascii=ensure_ascii, indent=2, sort_keys=sort_keys
        )
    return json.dumps(
        value, ensure_ascii=ensure_ascii, separators=(",", ":"), sort_keys=sort_keys
    )


def _from_json(value: Any, default: Any = _NO_DEFAULT) -> Any:
    try:
        return json.loads(value)
    except (TypeError, ValueError):
        return _fallback(value, default, "from_json")


MAX_STEPS = 10_000
"""Loop steps over ``range()`` one render may take, all loops together."""
MAX_SECONDS = 0.05
"""How long one render may run its loops."""
MAX_OUTPUT = 65_536
"""Characters a render may produce (and a ``*`` repetition may build)."""
_MAX_EXPONENT = 1_000
_MAX_BITS = 65_536

_BUDGET: contextvars.ContextVar[list[float]] = contextvars.ContextVar("budget")


class _BudgetedEnvironment(ImmutableSandboxedEnvironment):
    """jinja2's sandbox, with the caps it lacks: on powers, on repetition and on
    loops (a nested ``range()`` or ``9**9999999`` must not stall the service)."""

    intercepted_binops = frozenset(["**", "*"])

    def call_binop(self, context: Any, op: str, left: Any, right: Any) -> Any:
        if op == "**":
            if isinstance(right, int | float) and abs(right) > _MAX_EXPONENT:
                raise SecurityError(f"exponent {right} is over {_MAX_EXPONENT}")
            if isinstance(left, int) and left.bit_length() * abs(right) > _MAX_BITS:
                raise SecurityError(f"a power over {_MAX_BITS} bits")
            return operator.pow(left, right)
        for text, times in ((left, right), (right, left)):
            if (
                isinstance(text, str | list | tuple)
                and isinstance(times, int)
                and len(text) * times > MAX_OUTPUT
            ):
                raise SecurityError(f"repetition over {MAX_OUTPUT} items")
        return super().call_binop(context, op, left, right)


def _range(*args: int) -> Any:
    """``range()`` that counts against the render's budget."""
    budget = _BUDGET.get(None)
    for value in range(*args):
        if budget is not None:
            budget[0] += 1
            if budget[0] > MAX_STEPS or time.monotonic() > budget[1]:
                raise SecurityError(f"over {MAX_STEPS} loop steps or {MAX_SECONDS} s")
        yield value


_ENV = _BudgetedEnvironment(extensions=["jinja2.ext.loopcontrols"])
_ENV.filters.update(
    float=_float,
    int=_int,
    round=_round,
    iif=_iif,
    is_defined=_is_defined,
    tojson=_to_json,
    to_json=_to_json,
    from_json=_from_json,
)
_ENV.globals.update(float=_float, int=_int, iif=_iif, range=_range)


@lru_cache(maxsize=512)
def _template(source: str) -> Template:
    return _ENV.from_string(source)


def validate_template(source: str) -> str | None:
    """Return a one-line problem description, or None if ``source`` compiles."""
    try:
        _template(source)
    except TemplateSyntaxError as err:
        return f"template syntax error on line {err.lineno}: {err.message}"
    return None


def render_template(source: str, variables: Mapping[str, Any]) -> str:
    """Render an HA template (cached by source); raises on any failure, and when
    it goes over its budget (loop steps, time, output size)."""
    template = _template(source)  # the budget is for running it, not compiling
    token = _BUDGET.set([0.0, time.monotonic() + MAX_SECONDS])
    try:
        text = str(template.render(variables)).strip()
    finally:
        _BUDGET.reset(token)
    if len(text) > MAX_OUTPUT:
        raise SecurityError(f"output over {MAX_OUTPUT} characters")
    return text
