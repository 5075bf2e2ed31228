"""Where in a TOML file a problem is: the line of a key, of a syntax error."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

_TABLE_PATH = re.compile(r"^(\w+)(?:\[(\d+)\])?(?:\.(\w+))?")


def line_of(text: str, loc: str) -> int | None:
    """The line of ``loc`` in the TOML ``text``: its key inside its table
    ("wake.threshold", "skills[1].actions"), else the table's header; None when it
    cannot tell."""
    match = _TABLE_PATH.match(loc)
    if not text or match is None:
        return None
    name, index, key = match[1], match[2], match[3]
    lines = text.splitlines()
    if index is not None:
        header = re.compile(rf"^\s*\[\[\s*{name}\s*\]\]")
        starts = [n for n, line in enumerate(lines) if header.match(line)]
        start = starts[int(index)] if int(index) < len(starts) else None
    else:
        header = re.compile(rf"^\s*\[\s*{name}\s*[\].]")
        start = next((n for n, line in enumerate(lines) if header.match(line)), None)
    if start is None:
        return None
    if key:
        assignment = re.compile(rf"^\s*{key}\s*=")
        for number in range(start + 1, len(lines)):
            if lines[number].lstrip().startswith("["):
                break
            if assignment.match(lines[number]):
                return number + 1
    return start + 1


_AT_LINE = re.compile(r"^(.*) \(at line (\d+), column (\d+)\)$")


def syntax_problem(path: Path, err: tomllib.TOMLDecodeError) -> str:
    """``file:line: TOML syntax: message (column N)``."""
    match = _AT_LINE.match(str(err))
    if match is None:
        return f"{path}: TOML syntax: {err}"
    return f"{path}:{match[2]}: TOML syntax: {match[1]} (column {match[3]})"


def by_line(problems: list[str], path: Path) -> list[str]:
    """Problems in the order of their lines in the file (those without one last)."""

    def line(problem: str) -> int:
        number = problem.removeprefix(f"{path}:").split(":", 1)[0]
        return int(number) if number.isdigit() else 1 << 30

    return sorted(problems, key=line)
